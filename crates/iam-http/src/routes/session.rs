use actix_web::http::header::SET_COOKIE;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use iam_auth::use_cases::session::GetSessionOptions;
use iam_domain::AuthError;
use serde_json::json;

use crate::body::{Accepts, Fields, RawBody};
use crate::cookies::find_cookie;
use crate::error::ApiError;
use crate::reply::{SessionAndUser, clear_session_cookies, issue_session_cookie, set_cookie_cache};
use crate::state::AuthState;

fn no_store(mut response: HttpResponseBuilder) -> HttpResponseBuilder {
    response.insert_header(("cache-control", "no-store")).insert_header(("pragma", "no-cache"));
    response
}

/// zod's `coerce.boolean()` on a query value: any non-empty string is true, even "false".
fn query_flag(req: &HttpRequest, name: &str) -> bool {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .any(|(key, value)| key == name && !value.is_empty())
}

/// `GET /get-session`: `null` when signed out; slides the expiry once a day.
pub(crate) async fn get_session(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut response = no_store(HttpResponse::Ok());
    let Some(token) = state.guard.token(&req) else {
        return Ok(response.json(serde_json::Value::Null));
    };
    let cache = state.service.cookie_cache().filter(|_| !query_flag(&req, "disableCookieCache"));
    if let Some(cache) = cache
        && let Some(snapshot) = find_cookie(&req, &state.cookies.session_data)
    {
        let now = state.service.clock().now();
        match cache.decode(snapshot, &token, now) {
            // Answered from the signed snapshot: no database round trip.
            Some((session, user)) => {
                return Ok(response.json(SessionAndUser { session: &session, user: &user }));
            }
            None => {
                response
                    .append_header((SET_COOKIE, state.cookies.expire(&state.cookies.session_data)));
            }
        }
    }
    let dont_remember = state.guard.dont_remember(&req);
    let options =
        GetSessionOptions { dont_remember, disable_refresh: query_flag(&req, "disableRefresh") };
    match state.service.get_session(&token, options).await? {
        None => {
            // A stale cookie: tell the browser to drop it.
            clear_session_cookies(&mut response, &state);
            Ok(response.json(serde_json::Value::Null))
        }
        Some(current) => {
            // Better Auth caches nothing on get-session for "don't remember" sessions.
            let now = state.service.clock().now();
            let snapshot = cache
                .filter(|_| !dont_remember)
                .and_then(|c| c.encode(&current.session, &current.user, now));
            if current.refreshed {
                let token = &current.session.token;
                let remember = !dont_remember;
                issue_session_cookie(&mut response, &state, token, remember, snapshot.as_deref());
            } else if let Some(value) = &snapshot {
                set_cookie_cache(&mut response, &state, value);
            }
            Ok(response.json(SessionAndUser { session: &current.session, user: &current.user }))
        }
    }
}

/// `POST /get-session` needs Better Auth's deferred refresh, which this server does not offer.
pub(crate) async fn post_get_session() -> Result<HttpResponse, ApiError> {
    Err(AuthError::MethodNotAllowedDeferSessionRequired.into())
}

/// `POST /sign-out`: always succeeds and always clears the cookies.
pub(crate) async fn sign_out(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::optional(&body);
    let callback_url = f.optional_string("callbackURL");
    let disable_redirect = f.optional_bool("disableRedirect").unwrap_or(false);
    let logout_state = f.optional_string("state");
    f.finish()?;
    // Provider logout (OIDC end-session), for a user who signed in with such a provider.
    let mut logout_url = None;
    if let Some(current) = state.guard.session(&req).await? {
        let target = callback_url.map(|c| {
            state.base_url.join(c).map(|u| u.to_string()).unwrap_or_else(|_| c.to_owned())
        });
        logout_url = state
            .service
            .provider_logout_url(&current.user.id, target.as_deref(), logout_state)
            .await;
        state.service.sign_out(&current.session.token).await;
    }
    let mut response = HttpResponse::Ok();
    clear_session_cookies(&mut response, &state);
    match logout_url {
        Some(url) => {
            if !disable_redirect {
                response.insert_header((actix_web::http::header::LOCATION, url.as_str()));
            }
            Ok(response.json(json!({ "success": true, "url": url, "redirect": !disable_redirect })))
        }
        None => Ok(response.json(json!({ "success": true }))),
    }
}

/// `GET /list-sessions` (fresh session required).
pub(crate) async fn list_sessions(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let auth = state.guard.require(&req).await?;
    state.guard.verifier().require_fresh(&auth.session)?;
    let sessions = state.service.list_sessions(&auth.user.id).await?;
    Ok(HttpResponse::Ok().json(sessions))
}

/// `POST /revoke-session {token}`
pub(crate) async fn revoke_session(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let token = f.string("token");
    f.finish()?;
    let auth = state.guard.require(&req).await?;
    state.service.revoke_session(&auth.user.id, token).await?;
    let mut response = HttpResponse::Ok();
    if token == auth.session.token {
        clear_session_cookies(&mut response, &state);
    }
    Ok(response.json(json!({ "status": true })))
}

/// `POST /revoke-sessions`: every session of the user, this one included.
pub(crate) async fn revoke_sessions(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    state.post_body(&req, &bytes, Accepts::Json)?;
    let auth = state.guard.require(&req).await?;
    state.service.revoke_all_sessions(&auth.user.id).await?;
    let mut response = HttpResponse::Ok();
    clear_session_cookies(&mut response, &state);
    Ok(response.json(json!({ "status": true })))
}

/// `POST /revoke-other-sessions`
pub(crate) async fn revoke_other_sessions(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    state.post_body(&req, &bytes, Accepts::Json)?;
    let auth = state.guard.require(&req).await?;
    state.service.revoke_other_sessions(&auth.user.id, &auth.session.token).await?;
    Ok(HttpResponse::Ok().json(json!({ "status": true })))
}
