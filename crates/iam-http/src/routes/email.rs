//! Email verification and change of email.

use actix_web::http::StatusCode;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use iam_auth::use_cases::change_email::ChangeEmailOutcome;
use iam_auth::use_cases::email_verification::LinkOutcome;
use iam_domain::AuthError;
use iam_domain::values::Email;
use serde_json::json;

use crate::body::{Accepts, Fields, RawBody};
use crate::csrf::{query_param, required_query};
use crate::error::{ApiError, error_response_with_status};
use crate::reply::{redirect, reissue_session_cookie, set_session_cookie, with_query};
use crate::state::AuthState;

/// `POST /send-verification-email {email, callbackURL?}`
pub(crate) async fn send_verification_email(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let email = f.email("email");
    let callback_url = f.optional_string("callbackURL");
    f.finish()?;
    let email = Email::parse(email).ok_or(AuthError::InvalidEmail)?;
    let signed_in = state.guard.session(&req).await?;
    state
        .service
        .request_verification_mail(&email, callback_url, signed_in.as_ref().map(|s| &s.user))
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "status": true })))
}

/// `GET /verify-email?token=&callbackURL=`. Success redirects to `callbackURL` (or answers
/// JSON); failures redirect with `?error=CODE`, or answer 401 with the code.
pub(crate) async fn verify_email(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    state.origin_policy.check_query_callback(&req)?;
    let token = required_query(&req, "token")?;
    let callback = query_param(&req, "callbackURL").filter(|c| !c.is_empty());
    let current = state.guard.session(&req).await?;
    let client = state.client(&req);
    let outcome = state
        .service
        .open_verification_link(&token, callback.as_deref(), current.as_ref(), &client)
        .await;

    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(err) if err.code().is_some() && !matches!(err, AuthError::Internal { .. }) => {
            return Ok(match &callback {
                Some(cb) => {
                    redirect(&with_query(cb, "error", err.code().unwrap_or("UNKNOWN"))).finish()
                }
                None => error_response_with_status(&err, StatusCode::UNAUTHORIZED),
            });
        }
        Err(err) => return Err(err.into()),
    };

    let mut response = match &callback {
        Some(cb) => redirect(cb),
        None => HttpResponse::Ok(),
    };
    let user = match &outcome {
        LinkOutcome::Verified { user, session, .. } => {
            if let Some(session) = session {
                set_session_cookie(&mut response, &state, &session.token, true);
            }
            session.as_ref().map(|_| user)
        }
        LinkOutcome::EmailChanged { user } => {
            // The signed-in user's cookie is re-issued with the changed profile.
            if let Some(current) = current.as_ref().filter(|c| c.user.id == user.id) {
                reissue_session_cookie(&mut response, &state, &req, &current.session.token);
            }
            None
        }
        LinkOutcome::ChangeApproved => None,
    };
    if callback.is_some() {
        return Ok(response.finish());
    }
    Ok(response.json(json!({ "status": true, "user": user })))
}

/// `POST /change-email {newEmail, callbackURL?}`
pub(crate) async fn change_email(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let new_email = f.email("newEmail");
    let callback_url = f.optional_string("callbackURL");
    f.finish()?;
    let new_email = Email::parse(new_email).ok_or(AuthError::InvalidEmail)?;
    let auth = state.guard.require(&req).await?;
    let outcome = state.service.change_email(&auth.user, &new_email, callback_url).await?;
    let mut response = HttpResponse::Ok();
    if let ChangeEmailOutcome::Changed { .. } = outcome {
        reissue_session_cookie(&mut response, &state, &req, &auth.session.token);
    }
    Ok(response.json(json!({ "status": true })))
}
