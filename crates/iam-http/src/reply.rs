//! Response helpers for the session cookie and Better Auth's bearer header.

use actix_web::http::header::{CONTENT_TYPE, LOCATION, SET_COOKIE};
use actix_web::{HttpResponse, HttpResponseBuilder};

use crate::state::AuthState;

/// Sets the signed session cookie (and `dont_remember` for browser-session logins) and the
/// bearer plugin's `set-auth-token` header. With the cookie cache on, the snapshot is
/// dropped: what the session carries may have changed, and the next get-session caches
/// afresh.
pub fn set_session_cookie(
    response: &mut HttpResponseBuilder,
    state: &AuthState,
    token: &str,
    remember: bool,
) {
    issue_session_cookie(response, state, token, remember, None);
}

/// Re-sends the cookie of the request's own session (after a change it carries), keeping the
/// browser's "remember me" choice.
pub fn reissue_session_cookie(
    response: &mut HttpResponseBuilder,
    state: &AuthState,
    req: &actix_web::HttpRequest,
    token: &str,
) {
    let remember = !state.guard.dont_remember(req);
    set_session_cookie(response, state, token, remember);
}

/// [`set_session_cookie`] that writes `snapshot` as the new cookie-cache value instead of
/// dropping it (get-session, which has just read the session).
pub fn issue_session_cookie(
    response: &mut HttpResponseBuilder,
    state: &AuthState,
    token: &str,
    remember: bool,
    snapshot: Option<&str>,
) {
    let signer = state.service.verifier().signer();
    let signed = signer.sign(token);
    let max_age = remember.then(|| state.service.config().session.expires_in.num_seconds());
    response.append_header((
        SET_COOKIE,
        state.cookies.set(&state.cookies.session_token, &signed, max_age),
    ));
    if !remember {
        let flag = signer.sign("true");
        response.append_header((
            SET_COOKIE,
            state.cookies.set(&state.cookies.dont_remember, &flag, None),
        ));
    }
    match snapshot {
        Some(value) => set_cookie_cache(response, state, value),
        None if state.service.cookie_cache().is_some() => {
            response.append_header((SET_COOKIE, state.cookies.expire(&state.cookies.session_data)));
        }
        None => {}
    }
    response
        .insert_header(("set-auth-token", signed))
        .insert_header(("access-control-expose-headers", "set-auth-token"));
}

/// Sets the cookie-cache snapshot (`session_data`), for as long as the snapshot is valid.
pub fn set_cookie_cache(response: &mut HttpResponseBuilder, state: &AuthState, value: &str) {
    let max_age = state.service.cookie_cache().map(|c| c.max_age().num_seconds());
    response.append_header((
        SET_COOKIE,
        state.cookies.set(&state.cookies.session_data, value, max_age),
    ));
}

/// Expires the session cookies, as Better Auth's sign-out does.
pub fn clear_session_cookies(response: &mut HttpResponseBuilder, state: &AuthState) {
    let c = &state.cookies;
    for name in [&c.session_token, &c.session_data, &c.dont_remember] {
        response.append_header((SET_COOKIE, c.expire(name)));
    }
}

/// `{token, user}` (sign-up, change-password).
#[derive(serde::Serialize)]
pub struct TokenAndUser<'a> {
    pub token: Option<&'a str>,
    pub user: &'a iam_domain::User,
}

/// `{session, user}` (get-session).
#[derive(serde::Serialize)]
pub struct SessionAndUser<'a> {
    pub session: &'a iam_domain::Session,
    pub user: &'a iam_domain::User,
}

/// Better Auth's redirect: 302, `Location`, an empty body still typed as JSON.
pub fn redirect(location: &str) -> HttpResponseBuilder {
    let mut response = HttpResponse::Found();
    response.insert_header((LOCATION, location)).insert_header((CONTENT_TYPE, "application/json"));
    response
}

pub use iam_auth::links::with_query;
