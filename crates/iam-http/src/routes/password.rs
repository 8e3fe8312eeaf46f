//! Password reset by link.

use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse};
use iam_domain::AuthError;
use iam_domain::values::Email;
use serde_json::json;

use crate::body::{Accepts, Fields, RawBody};
use crate::csrf::{query_param, required_query};
use crate::error::ApiError;
use crate::reply::{redirect, with_query};
use crate::state::AuthState;

/// `POST /request-password-reset {email, redirectTo?}`: the same answer for every address.
pub(crate) async fn request_password_reset(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let email = f.email("email");
    let redirect_to = f.optional_string("redirectTo");
    f.finish()?;
    let email = Email::parse(email).ok_or(AuthError::InvalidEmail)?;
    state.service.request_password_reset(&email, redirect_to).await?;
    Ok(HttpResponse::Ok().json(json!({
        "status": true,
        "message": "If this email exists in our system, check your email for the reset link",
    })))
}

/// `GET /reset-password/{token}?callbackURL=`: where the mailed link lands. Redirects to
/// the app with `?token=` (valid) or `?error=INVALID_TOKEN`; it does not use the token up.
pub(crate) async fn reset_password_link(
    state: Data<AuthState>,
    req: HttpRequest,
    token: Path<String>,
) -> Result<HttpResponse, ApiError> {
    state.origin_policy.check_query_callback(&req)?;
    let callback = required_query(&req, "callbackURL")?;
    if callback.is_empty() {
        // No app page to go to: Better Auth's own error page.
        let target = format!("{}/error?error=INVALID_TOKEN", state.service.config().api_url);
        return Ok(redirect(&target).finish());
    }
    // Better Auth resolves the callback against the base URL (absolute Location).
    let absolute = state.base_url.join(&callback).map(|u| u.to_string()).unwrap_or(callback);
    let target = if state.service.reset_token_is_valid(&token).await? {
        with_query(&absolute, "token", &token)
    } else {
        with_query(&absolute, "error", "INVALID_TOKEN")
    };
    Ok(redirect(&target).finish())
}

/// `POST /reset-password {newPassword, token}` (the token may also be in the query).
pub(crate) async fn reset_password(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let new_password = f.string("newPassword");
    let token = f.optional_string("token").map(str::to_owned);
    f.finish()?;
    let token = token.or_else(|| query_param(&req, "token")).ok_or(AuthError::InvalidToken)?;
    state.service.reset_password(&token, new_password).await?;
    Ok(HttpResponse::Ok().json(json!({ "status": true })))
}
