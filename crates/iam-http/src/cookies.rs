//! Better Auth's cookies: names, attributes, and reading them from a request.
//!
//! Set-Cookie values are written by hand in better-call's attribute order
//! (`name=value; Max-Age=N; Path=/; HttpOnly; Secure; SameSite=Lax`) with the value
//! `encodeURIComponent`-ed, so headers match Better Auth's byte for byte. Lookup scans the
//! Cookie header for one name without building a jar: it runs on every session check.

use actix_web::HttpRequest;
use actix_web::http::header::{COOKIE, HeaderValue};
use iam_auth::links::URI_COMPONENT;
use percent_encoding::utf8_percent_encode;

#[derive(Debug, Clone)]
pub struct CookieSettings {
    secure: bool,
    pub session_token: String,
    pub session_data: String,
    pub dont_remember: String,
    /// Binds an OAuth state to the browser that started the flow.
    pub state: String,
}

impl CookieSettings {
    /// `prefix` is Better Auth's `cookiePrefix` (`better-auth`); `secure` adds the
    /// `__Secure-` name prefix and the `Secure` attribute (https base URL or production).
    pub fn new(prefix: &str, secure: bool) -> Self {
        let name = |n: &str| {
            if secure { format!("__Secure-{prefix}.{n}") } else { format!("{prefix}.{n}") }
        };
        Self {
            secure,
            session_token: name("session_token"),
            session_data: name("session_data"),
            dont_remember: name("dont_remember"),
            state: name("state"),
        }
    }

    /// A Set-Cookie header value; `max_age: None` makes a browser-session cookie.
    pub fn set(&self, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
        let mut out = String::with_capacity(name.len() + value.len() + 80);
        out.push_str(name);
        out.push('=');
        out.extend(utf8_percent_encode(value, URI_COMPONENT));
        if let Some(secs) = max_age {
            out.push_str("; Max-Age=");
            out.push_str(&secs.to_string());
        }
        self.push_attributes(&mut out);
        to_header(out)
    }

    /// A Set-Cookie header value that deletes the cookie.
    pub fn expire(&self, name: &str) -> HeaderValue {
        let mut out = format!("{name}=; Max-Age=0");
        self.push_attributes(&mut out);
        to_header(out)
    }

    fn push_attributes(&self, out: &mut String) {
        out.push_str("; Path=/; HttpOnly");
        if self.secure {
            out.push_str("; Secure");
        }
        out.push_str("; SameSite=Lax");
    }
}

fn to_header(value: String) -> HeaderValue {
    // Names are ours and values are percent-encoded, so the header is always valid ASCII.
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The first cookie called `name` in the request (Better Auth: first occurrence wins,
/// surrounding double quotes stripped). The value is returned still URL-encoded.
pub fn find_cookie<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers()
        .get_all(COOKIE)
        .filter_map(|h| h.to_str().ok())
        .flat_map(|header| header.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k.trim() == name).then(|| {
                let v = v.trim();
                v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v)
            })
        })
}

pub fn has_cookie_header(req: &HttpRequest) -> bool {
    req.headers().contains_key(COOKIE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn set_cookie_matches_better_auth() {
        let c = CookieSettings::new("better-auth", false);
        let v = c.set(&c.session_token, "tok.ab+c/d=", Some(604800));
        assert_eq!(
            v.to_str().unwrap(),
            "better-auth.session_token=tok.ab%2Bc%2Fd%3D; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"
        );
        assert_eq!(
            c.expire(&c.dont_remember).to_str().unwrap(),
            "better-auth.dont_remember=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
        );
        let s = CookieSettings::new("better-auth", true);
        assert_eq!(
            s.set(&s.session_token, "x", None).to_str().unwrap(),
            "__Secure-better-auth.session_token=x; Path=/; HttpOnly; Secure; SameSite=Lax"
        );
    }

    #[test]
    fn finds_the_first_cookie_of_a_name() {
        let req = TestRequest::default()
            .insert_header((
                COOKIE,
                "a=1; better-auth.session_token=\"t.s%3D\"; better-auth.session_token=other",
            ))
            .to_http_request();
        assert_eq!(find_cookie(&req, "better-auth.session_token"), Some("t.s%3D"));
        assert_eq!(find_cookie(&req, "missing"), None);
    }
}
