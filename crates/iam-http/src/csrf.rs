//! Better Auth's origin and CSRF checks (its `originCheckMiddleware` and
//! `formCsrfMiddleware`).
//!
//! A state-changing request that carries cookies must come from a trusted origin: cookies
//! are what a cross-site forgery abuses. Requests authenticated only by a bearer token are
//! not checked (no ambient credential). Sign-in and sign-up are also checked without cookies
//! whenever a browser says where it comes from, so a foreign page cannot log a visitor into an
//! attacker's account. Callback URLs in bodies and queries must be trusted or relative.

use actix_web::HttpRequest;
use actix_web::http::header::{ORIGIN, REFERER};
use iam_auth::origins::TrustedOrigins;
use iam_domain::AuthError;

use crate::body::Body;
use crate::cookies::has_cookie_header;

#[derive(Debug, Clone)]
pub struct OriginPolicy {
    pub origins: TrustedOrigins,
    /// Off under `NODE_ENV=test`, as in Better Auth.
    pub enabled: bool,
}

impl OriginPolicy {
    /// The checks every POST under the auth path gets.
    pub fn check_request(&self, req: &HttpRequest, body: &Body) -> Result<(), AuthError> {
        if !self.enabled {
            return Ok(());
        }
        if has_cookie_header(req) {
            self.check_origin(req)?;
        }
        self.check_redirect_targets(req, body)
    }

    /// Sign-in/sign-up: also check browsers that send no cookie.
    pub fn check_login_form(&self, req: &HttpRequest) -> Result<(), AuthError> {
        if !self.enabled || has_cookie_header(req) {
            return Ok(()); // with cookies, `check_request` has already run
        }
        let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
        let (site, mode) = (header("sec-fetch-site"), header("sec-fetch-mode"));
        if site.is_some() || mode.is_some() || header("sec-fetch-dest").is_some() {
            if site == Some("cross-site") && mode == Some("navigate") {
                return Err(AuthError::CrossSiteNavigationLoginBlocked);
            }
            return self.check_origin(req);
        }
        if req.headers().contains_key(ORIGIN) || req.headers().contains_key(REFERER) {
            return self.check_origin(req);
        }
        Ok(()) // not a browser
    }

    fn check_origin(&self, req: &HttpRequest) -> Result<(), AuthError> {
        let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
        let origin = header(ORIGIN).or_else(|| header(REFERER));
        match origin {
            Some("null")
                if header(actix_web::http::header::HeaderName::from_static("sec-fetch-site"))
                    == Some("same-origin") =>
            {
                Ok(())
            }
            None | Some("null") | Some("") => Err(AuthError::MissingOrNullOrigin),
            Some(origin) if self.origins.is_trusted(origin) => Ok(()),
            Some(_) => Err(AuthError::InvalidOrigin),
        }
    }

    /// `callbackURL` (body or query), `redirectTo`, `errorCallbackURL`, `newUserCallbackURL`.
    pub fn check_redirect_targets(&self, req: &HttpRequest, body: &Body) -> Result<(), AuthError> {
        if !self.enabled {
            return Ok(());
        }
        let query_callback = query_param(req, "callbackURL");
        let checks: [(Option<&str>, AuthError); 4] = [
            (
                body.str_field("callbackURL").or(query_callback.as_deref()),
                AuthError::InvalidCallbackUrl,
            ),
            (body.str_field("redirectTo"), AuthError::InvalidRedirectUrl),
            (body.str_field("errorCallbackURL"), AuthError::InvalidErrorCallbackUrl),
            (body.str_field("newUserCallbackURL"), AuthError::InvalidNewUserCallbackUrl),
        ];
        for (url, error) in checks {
            if let Some(url) = url.filter(|u| !u.is_empty())
                && !self.origins.allows_redirect(url)
            {
                return Err(error);
            }
        }
        Ok(())
    }

    /// For GET endpoints that redirect to `?callbackURL=`.
    pub fn check_query_callback(&self, req: &HttpRequest) -> Result<(), AuthError> {
        self.check_redirect_targets(req, &Body::default())
    }
}

pub fn query_param(req: &HttpRequest, name: &str) -> Option<String> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A query parameter the endpoint's schema requires; missing is zod's validation error.
pub fn required_query(req: &HttpRequest, name: &str) -> Result<String, iam_domain::AuthError> {
    query_param(req, name).ok_or_else(|| {
        iam_domain::AuthError::Validation(format!(
            "[query.{name}] Invalid input: expected string, received undefined"
        ))
    })
}
