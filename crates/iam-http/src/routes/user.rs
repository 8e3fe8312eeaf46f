use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use iam_auth::use_cases::profile::{ChangePassword, DeleteUser, DeleteUserOutcome};
use iam_domain::values::{ImageUrl, UserName};
use iam_domain::{AuthError, UserPatch};
use serde_json::json;

use crate::body::{Accepts, Fields, RawBody};
use crate::csrf::{query_param, required_query};
use crate::error::ApiError;
use crate::reply::{
    TokenAndUser, clear_session_cookies, redirect, reissue_session_cookie, set_session_cookie,
};
use crate::state::AuthState;

/// `POST /update-user {name?, image?}`. Returns `{status: true}`; the email cannot change here.
pub(crate) async fn update_user(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    match &body.value {
        None => {
            return Err(AuthError::Validation(
                "[body] Invalid input: expected record, received undefined".into(),
            )
            .into());
        }
        Some(v) if !v.is_object() => return Err(AuthError::BodyMustBeAnObject.into()),
        Some(_) => {}
    }
    let mut f = Fields::required(&body);
    let name = f.optional_string("name");
    let image = f.nullable_string("image");
    f.limit("name", name, UserName::MAX_CHARS as usize);
    f.no_control_chars("name", name);
    let image = match image {
        Some(Some(raw)) => match ImageUrl::parse(raw) {
            Some(url) => Some(Some(url.into_string())),
            None => {
                f.invalid("image", "Invalid URL");
                None
            }
        },
        Some(None) => Some(None),
        None => None,
    };
    f.finish()?;
    if body.object().is_some_and(|m| m.contains_key("email")) {
        return Err(AuthError::EmailCanNotBeUpdated.into());
    }

    let auth = state.guard.require(&req).await?;
    let patch = UserPatch { name: name.map(str::to_owned), image };
    state.service.update_user(&auth.user, &patch).await?;

    // Better Auth re-issues the session cookie on update-user.
    let mut response = HttpResponse::Ok();
    reissue_session_cookie(&mut response, &state, &req, &auth.session.token);
    Ok(response.json(json!({ "status": true })))
}

/// `POST /change-password {currentPassword, newPassword, revokeOtherSessions?}`
pub(crate) async fn change_password(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let new_password = f.string("newPassword");
    let current_password = f.string("currentPassword");
    let revoke = f.optional_bool("revokeOtherSessions").unwrap_or(false);
    f.finish()?;

    let auth = state.guard.require(&req).await?;
    let remember = !state.guard.dont_remember(&req);
    let input = ChangePassword {
        current_password: current_password.to_owned(),
        new_password: new_password.to_owned(),
        revoke_other_sessions: revoke,
        remember_me: remember,
    };
    let new_session =
        state.service.change_password(&auth.session, input, &state.client(&req)).await?;

    let mut response = HttpResponse::Ok();
    let token = new_session.as_ref().map(|s| s.token.as_str());
    if let Some(token) = token {
        set_session_cookie(&mut response, &state, token, remember);
    }
    Ok(response.json(TokenAndUser { token, user: &auth.user }))
}

/// `POST /verify-password {password}`
pub(crate) async fn verify_password(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let password = f.string("password");
    f.finish()?;
    let auth = state.guard.require(&req).await?;
    state.service.verify_password(&auth.user.id, password).await?;
    Ok(HttpResponse::Ok().json(json!({ "status": true })))
}

/// `POST /delete-user {password?, token?, callbackURL?}`: with the password, a mailed token,
/// or a fresh session; or, when deletion is confirmed by mail, sends the link.
pub(crate) async fn delete_user(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::optional(&body);
    let password = f.optional_string("password");
    let callback_url = f.optional_string("callbackURL");
    let token = f.optional_string("token");
    f.finish()?;
    if !state.service.config().delete_user.enabled {
        return Err(AuthError::DeleteUserDisabled.into());
    }
    let auth = state.guard.require(&req).await?;
    let request = DeleteUser { password, token, callback_url };
    match state.service.delete_user(&auth.session, &auth.user, request).await? {
        DeleteUserOutcome::LinkSent => Ok(HttpResponse::Ok()
            .json(json!({ "success": true, "message": "Verification email sent" }))),
        DeleteUserOutcome::Deleted => {
            let mut response = HttpResponse::Ok();
            clear_session_cookies(&mut response, &state);
            Ok(response.json(json!({ "success": true, "message": "User deleted" })))
        }
    }
}

/// `GET /delete-user/callback?token=&callbackURL=`: the confirmation link, opened while
/// signed in.
pub(crate) async fn delete_user_callback(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    state.origin_policy.check_query_callback(&req)?;
    if !state.service.config().delete_user.enabled {
        return Err(AuthError::NotFound.into());
    }
    let token = required_query(&req, "token")?;
    let auth = state.guard.session(&req).await?.ok_or(AuthError::DeleteConfirmationNeedsSession)?;
    state.service.confirm_delete_user(&auth.user, &token).await?;
    match query_param(&req, "callbackURL").filter(|c| !c.is_empty()) {
        Some(callback) => {
            let mut response = redirect(&callback);
            clear_session_cookies(&mut response, &state);
            Ok(response.finish())
        }
        None => {
            let mut response = HttpResponse::Ok();
            clear_session_cookies(&mut response, &state);
            Ok(response.json(json!({ "success": true, "message": "User deleted" })))
        }
    }
}
