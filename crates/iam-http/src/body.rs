//! Request bodies the way Better Auth reads them: media-type check, JSON (or form) parse,
//! then a zod-like field reader whose messages match Better Auth's
//! (`[body.email] Invalid input: expected string, received number`).

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use iam_domain::AuthError;
use serde_json::{Map, Value};

/// Largest request body accepted (auth requests are a few hundred bytes).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The raw request body, capped at [`MAX_BODY_BYTES`]; too large is Better Auth-shaped 413.
pub struct RawBody(pub Bytes);

impl FromRequest for RawBody {
    type Error = crate::error::ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let read = actix_web::web::Bytes::from_request(req, payload);
        Box::pin(async move {
            read.await.map(RawBody).map_err(|err| {
                let too_large =
                    matches!(err.as_error::<PayloadError>(), Some(PayloadError::Overflow))
                        || err.as_response_error().status_code().as_u16() == 413;
                if too_large {
                    AuthError::PayloadTooLarge.into()
                } else {
                    AuthError::BadRequest("Invalid request body".into()).into()
                }
            })
        })
    }
}

/// Which media types an endpoint accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepts {
    Json,
    /// sign-in and sign-up also take HTML form posts.
    JsonOrForm,
}

/// A parsed request body. `None` when the request carried none (no bytes or no
/// Content-Type: Node drops such bodies, so Better Auth behaves as if there were none).
#[derive(Debug, Default)]
pub struct Body {
    pub value: Option<Value>,
    pub from_form: bool,
}

impl Body {
    pub fn parse(req: &HttpRequest, bytes: &Bytes, accepts: Accepts) -> Result<Self, AuthError> {
        let content_type = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
        let Some(content_type) = content_type.filter(|_| !bytes.is_empty()) else {
            return Ok(Self::default());
        };
        let media = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        if is_json(&media) {
            let value = serde_json::from_slice(bytes).map_err(|_| AuthError::InvalidJson)?;
            return Ok(Self { value: Some(value), from_form: false });
        }
        if accepts == Accepts::JsonOrForm && media == "application/x-www-form-urlencoded" {
            let map: Map<String, Value> = url::form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                .collect();
            return Ok(Self { value: Some(Value::Object(map)), from_form: true });
        }
        let allowed = match accepts {
            Accepts::Json => "application/json",
            Accepts::JsonOrForm => "application/x-www-form-urlencoded, application/json",
        };
        Err(AuthError::UnsupportedMediaType(format!(
            "Content-Type \"{content_type}\" is not allowed. Allowed types: {allowed}"
        )))
    }

    pub fn object(&self) -> Option<&Map<String, Value>> {
        self.value.as_ref().and_then(Value::as_object)
    }

    /// A string field, if present and a string (for checks that run before validation).
    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.object().and_then(|m| m.get(key)).and_then(Value::as_str)
    }
}

/// `application/json` and `application/<anything>+json`, as better-call matches them.
fn is_json(media: &str) -> bool {
    media.strip_prefix("application/").is_some_and(|sub| sub == "json" || sub.ends_with("+json"))
}

/// zod's name for a JSON value's type.
fn type_name(value: Option<&Value>) -> &'static str {
    match value {
        None => "undefined",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
    }
}

/// Reads typed fields from a body, collecting every problem, then reports them together as
/// one `VALIDATION_ERROR` (issues joined by `"; "`, as zod does).
///
/// Getters return a placeholder when a field is wrong; [`Fields::finish`] then fails, so a
/// placeholder never reaches a use case.
pub struct Fields<'a> {
    map: Option<&'a Map<String, Value>>,
    issues: Vec<String>,
    from_form: bool,
    /// Where the fields sit, for messages: `body`, or `body.data` for a nested object.
    path: std::borrow::Cow<'static, str>,
}

impl<'a> Fields<'a> {
    /// For endpoints whose body schema is required: a missing or non-object body is an issue.
    pub fn required(body: &'a Body) -> Self {
        let mut fields = Self {
            map: body.object(),
            issues: Vec::new(),
            from_form: body.from_form,
            path: "body".into(),
        };
        if fields.map.is_none() {
            fields.issues.push(format!(
                "[body] Invalid input: expected object, received {}",
                type_name(body.value.as_ref())
            ));
        }
        fields
    }

    /// For endpoints whose body is optional: a missing body reads as `{}`.
    pub fn optional(body: &'a Body) -> Self {
        let mut fields = Self::required(body);
        if body.value.is_none() {
            fields.issues.clear();
        }
        fields
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.and_then(|m| m.get(key))
    }

    fn issue(&mut self, key: &str, message: impl std::fmt::Display) {
        // Once the body itself is wrong zod reports only that.
        if self.map.is_some() {
            self.issues.push(format!("[{}.{key}] {message}", self.path));
        }
    }

    fn expected(&mut self, key: &str, wanted: &str) {
        let got = type_name(self.get(key));
        self.issue(key, format_args!("Invalid input: expected {wanted}, received {got}"));
    }

    pub fn string(&mut self, key: &str) -> &'a str {
        match self.get(key) {
            Some(Value::String(s)) => s,
            _ => {
                self.expected(key, "string");
                ""
            }
        }
    }

    pub fn optional_string(&mut self, key: &str) -> Option<&'a str> {
        match self.get(key) {
            None => None,
            Some(Value::String(s)) => Some(s),
            Some(_) => {
                self.expected(key, "string");
                None
            }
        }
    }

    /// Absent -> `None`; `null` -> `Some(None)`; a string -> `Some(Some(..))`.
    pub fn nullable_string(&mut self, key: &str) -> Option<Option<&'a str>> {
        match self.get(key) {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::String(s)) => Some(Some(s)),
            Some(_) => {
                self.expected(key, "string");
                None
            }
        }
    }

    pub fn optional_bool(&mut self, key: &str) -> Option<bool> {
        match self.get(key) {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            // HTML forms can only send text.
            Some(Value::String(s)) if self.from_form && (s == "true" || s == "false") => {
                Some(s == "true")
            }
            Some(_) => {
                self.expected(key, "boolean");
                None
            }
        }
    }

    /// An optional array of strings.
    pub fn optional_strings(&mut self, key: &str) -> Vec<String> {
        match self.get(key) {
            None => Vec::new(),
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
                items.iter().filter_map(Value::as_str).map(str::to_owned).collect()
            }
            Some(_) => {
                self.expected(key, "array");
                Vec::new()
            }
        }
    }

    /// The fields of a required nested object (`data` in the update endpoints), reported as
    /// `[body.data.name]`. A missing or non-object value is an issue of this reader; the
    /// nested reader's own issues come out of its `finish`.
    pub fn nested(&mut self, key: &str) -> Fields<'a> {
        let map = match self.get(key) {
            Some(Value::Object(map)) => Some(map),
            _ => {
                self.expected(key, "object");
                None
            }
        };
        let path = format!("{}.{key}", self.path).into();
        Fields { map, issues: Vec::new(), from_form: self.from_form, path }
    }

    /// `string | string[]` (roles, team ids); `None` when absent.
    pub fn string_or_strings(&mut self, key: &str) -> Option<Vec<String>> {
        match self.get(key) {
            None => None,
            Some(Value::String(s)) => Some(vec![s.clone()]),
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
                Some(items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            }
            Some(_) => {
                self.expected(key, "string");
                None
            }
        }
    }

    /// `record<string, string[]>` (organization permissions); `None` when absent.
    pub fn permissions(
        &mut self,
        key: &str,
    ) -> Option<std::collections::BTreeMap<String, Vec<String>>> {
        let map = self.optional_object(key)?;
        let mut out = std::collections::BTreeMap::new();
        for (resource, actions) in map {
            match actions.as_array() {
                Some(items) if items.iter().all(Value::is_string) => {
                    let actions =
                        items.iter().filter_map(Value::as_str).map(str::to_owned).collect();
                    out.insert(resource.clone(), actions);
                }
                _ => {
                    self.issue(&format!("{key}.{resource}"), "Invalid input: expected array");
                    return None;
                }
            }
        }
        Some(out)
    }

    /// An optional object, returned as is for the caller to read.
    pub fn optional_object(&mut self, key: &str) -> Option<&'a Map<String, Value>> {
        match self.get(key) {
            None => None,
            Some(Value::Object(map)) => Some(map),
            Some(_) => {
                self.expected(key, "object");
                None
            }
        }
    }

    /// Keys present besides `allowed` (for Better Auth's strict schemas).
    pub fn unknown_keys(&self, allowed: &[&str]) -> bool {
        self.map.is_some_and(|m| m.keys().any(|k| !allowed.contains(&k.as_str())))
    }

    /// A required string that must be a valid email (sign-up's `z.email()`).
    pub fn email(&mut self, key: &str) -> &'a str {
        let value = self.string(key);
        if matches!(self.get(key), Some(Value::String(_)))
            && iam_domain::values::Email::parse(value).is_none()
        {
            self.issue(key, "Invalid email address");
        }
        value
    }

    /// Records an issue if a present string is longer than `max` characters.
    pub fn limit(&mut self, key: &str, value: Option<&str>, max: usize) {
        if value.is_some_and(|v| v.chars().count() > max) {
            self.issue(key, format_args!("Too big: expected string to have <={max} characters"));
        }
    }

    /// Records an issue if a present string holds control characters (names, URLs: some
    /// databases cannot even store NUL).
    pub fn no_control_chars(&mut self, key: &str, value: Option<&str>) {
        if value.is_some_and(|v| v.chars().any(char::is_control)) {
            self.issue(key, "Invalid input: control characters are not allowed");
        }
    }

    /// Records a custom issue on a field (e.g. a value object refused it).
    pub fn invalid(&mut self, key: &str, message: &str) {
        self.issue(key, message);
    }

    pub fn finish(self) -> Result<(), AuthError> {
        if self.issues.is_empty() {
            Ok(())
        } else {
            Err(AuthError::Validation(self.issues.join("; ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> Body {
        Body { value: Some(v), from_form: false }
    }

    fn message(result: Result<(), AuthError>) -> String {
        match result {
            Err(AuthError::Validation(m)) => m,
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn reports_every_issue_like_zod() {
        let b = body(json!({"email": 5, "rememberMe": "yes"}));
        let mut f = Fields::required(&b);
        f.string("email");
        f.string("password");
        f.optional_bool("rememberMe");
        assert_eq!(
            message(f.finish()),
            "[body.email] Invalid input: expected string, received number; \
             [body.password] Invalid input: expected string, received undefined; \
             [body.rememberMe] Invalid input: expected boolean, received string"
        );
    }

    #[test]
    fn whole_body_issues_replace_field_issues() {
        let b = body(json!(["a"]));
        let mut f = Fields::required(&b);
        f.string("email");
        assert_eq!(message(f.finish()), "[body] Invalid input: expected object, received array");
        let none = Body::default();
        let mut f = Fields::required(&none);
        f.string("email");
        assert_eq!(
            message(f.finish()),
            "[body] Invalid input: expected object, received undefined"
        );
        assert!(Fields::optional(&none).finish().is_ok());
    }

    #[test]
    fn email_and_length_checks() {
        let b = body(json!({"email": "nope", "name": "x".repeat(300)}));
        let mut f = Fields::required(&b);
        f.email("email");
        let name = f.string("name");
        f.limit("name", Some(name), 255);
        assert_eq!(
            message(f.finish()),
            "[body.email] Invalid email address; \
             [body.name] Too big: expected string to have <=255 characters"
        );
    }
}
