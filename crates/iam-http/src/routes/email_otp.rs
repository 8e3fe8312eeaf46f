//! Better Auth's email-OTP plugin routes (a route guard answers 404 for all of them when
//! the plugin is switched off; see `routes::configure`).

use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use iam_auth::use_cases::email_otp::OtpType;
use iam_domain::AuthError;
use iam_domain::values::{Email, ImageUrl, UserName};
use serde_json::json;

use crate::body::{Accepts, Fields, RawBody};
use crate::error::ApiError;
use crate::reply::{TokenAndUser, reissue_session_cookie, set_session_cookie};
use crate::state::AuthState;

const TYPES: &str = r#""email-verification"|"sign-in"|"forget-password"|"change-email""#;

fn email(raw: &str) -> Result<Email, AuthError> {
    Email::parse(raw).ok_or(AuthError::InvalidEmail)
}

fn otp_type(f: &mut Fields<'_>) -> Option<OtpType> {
    let raw = f.string("type");
    let parsed = OtpType::parse(raw);
    if parsed.is_none() && !raw.is_empty() {
        f.invalid("type", &format!("Invalid option: expected one of {TYPES}"));
    }
    parsed
}

fn success() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "success": true }))
}

/// `POST /email-otp/send-verification-otp {email, type}`
pub(crate) async fn send_verification_otp(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    state.origin_policy.check_login_form(&req)?;
    let mut f = Fields::required(&body);
    let address = f.string("email");
    let kind = otp_type(&mut f);
    f.finish()?;
    let kind = kind.ok_or(AuthError::InvalidOtpType)?;
    state.service.send_verification_otp(&email(address)?, kind).await?;
    Ok(success())
}

/// `POST /email-otp/check-verification-otp {email, type, otp}`: checks, does not redeem.
pub(crate) async fn check_verification_otp(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let address = f.string("email");
    let kind = otp_type(&mut f);
    let otp = f.string("otp");
    f.finish()?;
    let kind = kind.ok_or(AuthError::InvalidOtpType)?;
    state.service.check_verification_otp(&email(address)?, kind, otp).await?;
    Ok(success())
}

/// `POST /email-otp/verify-email {email, otp}`
pub(crate) async fn verify_email(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let address = f.string("email");
    let otp = f.string("otp");
    f.finish()?;
    let (user, session) =
        state.service.verify_email_otp(&email(address)?, otp, &state.client(&req)).await?;
    let mut response = HttpResponse::Ok();
    let token = session.as_ref().map(|s| s.token.as_str());
    if let Some(token) = token {
        set_session_cookie(&mut response, &state, token, true);
    }
    Ok(response.json(json!({ "status": true, "token": token, "user": user })))
}

/// `POST /sign-in/email-otp {email, otp, name?, image?}`
pub(crate) async fn sign_in(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let address = f.string("email");
    let otp = f.string("otp");
    let name = f.optional_string("name");
    let image = f.optional_string("image");
    f.limit("name", name, UserName::MAX_CHARS as usize);
    f.no_control_chars("name", name);
    let image = match image {
        Some(raw) => {
            let parsed = ImageUrl::parse(raw);
            if parsed.is_none() {
                f.invalid("image", "Invalid URL");
            }
            parsed
        }
        None => None,
    };
    f.finish()?;
    let name = name.and_then(UserName::parse);
    let (user, session) = state
        .service
        .sign_in_email_otp(&email(address)?, otp, name, image, &state.client(&req))
        .await?;
    let mut response = HttpResponse::Ok();
    set_session_cookie(&mut response, &state, &session.token, true);
    Ok(response.json(TokenAndUser { token: Some(&session.token), user: &user }))
}

/// `POST /email-otp/request-password-reset {email}` (and the older
/// `/forget-password/email-otp`): the same answer for every address.
pub(crate) async fn request_password_reset(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let address = f.string("email");
    f.finish()?;
    state.service.request_password_reset_otp(&email(address)?).await?;
    Ok(success())
}

/// `POST /email-otp/reset-password {email, otp, password}`
pub(crate) async fn reset_password(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let address = f.string("email");
    let otp = f.string("otp");
    let password = f.string("password");
    f.finish()?;
    state.service.reset_password_otp(&email(address)?, otp, password).await?;
    Ok(success())
}

/// `POST /email-otp/request-email-change {newEmail, otp?}` (signed in)
pub(crate) async fn request_email_change(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let new_email = f.email("newEmail");
    let otp = f.optional_string("otp");
    f.finish()?;
    let new_email = email(new_email)?;
    let auth = state.guard.require(&req).await?;
    state.service.request_email_change_otp(&auth.user, &new_email, otp).await?;
    Ok(success())
}

/// `POST /email-otp/change-email {newEmail, otp}` (signed in)
pub(crate) async fn change_email(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let new_email = f.email("newEmail");
    let otp = f.string("otp");
    f.finish()?;
    let new_email = email(new_email)?;
    let auth = state.guard.require(&req).await?;
    state.service.change_email_otp(&auth.user, &new_email, otp).await?;
    let mut response = HttpResponse::Ok();
    reissue_session_cookie(&mut response, &state, &req, &auth.session.token);
    Ok(response.json(json!({ "success": true })))
}
