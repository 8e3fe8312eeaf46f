//! Social sign-in, linking, unlinking and provider tokens.

use actix_web::http::header::{LOCATION, SET_COOKIE};
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use iam_auth::social::state::LinkTarget;
use iam_auth::use_cases::social::{CallbackInput, IdTokenInput, SocialStart};
use iam_domain::AuthError;
use iam_domain::time::iso_millis;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::body::{Accepts, Body, Fields, RawBody};
use crate::cookies::find_cookie;
use crate::csrf::query_param;
use crate::error::ApiError;
use crate::reply::{redirect, set_session_cookie, with_query};
use crate::state::AuthState;

/// How long the browser keeps the OAuth state cookie (Better Auth: 5 minutes).
const STATE_COOKIE_MAX_AGE: i64 = 300;

/// The common part of `/sign-in/social` and `/link-social` bodies.
struct SocialBody {
    start: SocialStart,
    disable_redirect: bool,
    id_token: Option<IdTokenInput>,
}

fn read_social_body(body: &Body) -> Result<SocialBody, AuthError> {
    let mut f = Fields::required(body);
    let provider = f.string("provider").to_owned();
    let callback_url = f.optional_string("callbackURL").map(str::to_owned);
    let new_user_callback_url = f.optional_string("newUserCallbackURL").map(str::to_owned);
    let error_callback_url = f.optional_string("errorCallbackURL").map(str::to_owned);
    let disable_redirect = f.optional_bool("disableRedirect").unwrap_or(false);
    let scopes = f.optional_strings("scopes");
    let request_sign_up = f.optional_bool("requestSignUp").unwrap_or(false);
    let login_hint = f.optional_string("loginHint").map(str::to_owned);
    let id_token = f.optional_object("idToken");
    f.finish()?;
    let id_token = id_token.map(read_id_token).transpose()?;
    Ok(SocialBody {
        start: SocialStart {
            provider,
            callback_url,
            new_user_callback_url,
            error_callback_url,
            scopes,
            request_sign_up,
            login_hint,
        },
        disable_redirect,
        id_token,
    })
}

fn read_id_token(map: &Map<String, Value>) -> Result<IdTokenInput, AuthError> {
    let text = |key: &str| map.get(key).and_then(Value::as_str).map(str::to_owned);
    let token = text("token").ok_or_else(|| {
        AuthError::Validation(
            "[body.idToken.token] Invalid input: expected string, received undefined".into(),
        )
    })?;
    Ok(IdTokenInput {
        token,
        nonce: text("nonce"),
        access_token: text("accessToken"),
        refresh_token: text("refreshToken"),
        expires_at: map.get("expiresAt").and_then(Value::as_i64),
    })
}

/// `{url, redirect}` with the state cookie (and `Location` when redirecting).
fn authorization_reply(
    state: &AuthState,
    url: &str,
    oauth_state: &str,
    redirect: bool,
) -> HttpResponse {
    let signer = state.service.verifier().signer();
    let mut response = HttpResponse::Ok();
    response.append_header((
        SET_COOKIE,
        state.cookies.set(
            &state.cookies.state,
            &signer.sign(oauth_state),
            Some(STATE_COOKIE_MAX_AGE),
        ),
    ));
    if redirect {
        response.insert_header((LOCATION, url));
    }
    response.json(json!({ "url": url, "redirect": redirect }))
}

/// `POST /sign-in/social`: the provider's authorization URL, or (with `idToken`) a
/// session straight away.
pub(crate) async fn sign_in_social(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let social = read_social_body(&body)?;
    if let Some(id_token) = &social.id_token {
        let remember = !state.guard.dont_remember(&req);
        let (user, session) = state
            .service
            .sign_in_with_id_token(&social.start.provider, id_token, remember, &state.client(&req))
            .await?;
        let mut response = HttpResponse::Ok();
        set_session_cookie(&mut response, &state, &session.token, remember);
        return Ok(
            response.json(json!({ "redirect": false, "token": session.token, "user": user }))
        );
    }
    let started = state.service.start_oauth(social.start, None).await?;
    Ok(authorization_reply(&state, &started.url, &started.state, !social.disable_redirect))
}

/// `POST /link-social`: links another provider to the signed-in user.
pub(crate) async fn link_social(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let social = read_social_body(&body)?;
    let auth = state.guard.require(&req).await?;
    if let Some(id_token) = &social.id_token {
        state.service.link_with_id_token(&auth.user, &social.start.provider, id_token).await?;
        return Ok(HttpResponse::Ok().json(json!({ "url": "", "status": true, "redirect": false })));
    }
    let link = LinkTarget { email: auth.user.email.clone(), user_id: auth.user.id.clone() };
    let started = state.service.start_oauth(social.start, Some(link)).await?;
    Ok(authorization_reply(&state, &started.url, &started.state, !social.disable_redirect))
}

/// `GET /callback/{provider}`: where the provider sends the browser back.
pub(crate) async fn callback(
    state: Data<AuthState>,
    req: HttpRequest,
    provider: Path<String>,
) -> HttpResponse {
    let param = |name: &str| query_param(&req, name);
    let (code, oauth_state, error, description, issuer) =
        (param("code"), param("state"), param("error"), param("error_description"), param("iss"));
    let state_cookie = find_cookie(&req, &state.cookies.state)
        .and_then(|v| state.service.verifier().token_from_cookie(v))
        .map(|v| v.into_owned());
    let dont_remember = state.guard.dont_remember(&req);
    let input = CallbackInput {
        provider: &provider,
        state: oauth_state.as_deref(),
        code: code.as_deref(),
        error: error.as_deref(),
        error_description: description.as_deref(),
        issuer: issuer.as_deref(),
        state_cookie: state_cookie.as_deref(),
        dont_remember,
    };
    let outcome = state.service.oauth_callback(input, &state.client(&req)).await;
    let mut response = redirect(&outcome.location);
    if outcome.state_used {
        response.append_header((SET_COOKIE, state.cookies.expire(&state.cookies.state)));
    }
    if let Some(session) = &outcome.session {
        set_session_cookie(&mut response, &state, &session.token, !dont_remember);
    }
    response.finish()
}

/// `POST /callback/{provider}` (`response_mode=form_post`): re-sent as a GET so the state
/// cookie (SameSite=Lax) comes along.
pub(crate) async fn callback_form_post(
    state: Data<AuthState>,
    req: HttpRequest,
    provider: Path<String>,
    RawBody(bytes): RawBody,
) -> HttpResponse {
    let mut target = format!("{}/callback/{provider}", state.service.config().api_url);
    let from_body = url::form_urlencoded::parse(&bytes).into_owned();
    let from_query = url::form_urlencoded::parse(req.query_string().as_bytes()).into_owned();
    for (key, value) in from_body.chain(from_query) {
        target = with_query(&target, &key, &value);
    }
    redirect(&target).finish()
}

/// `POST /unlink-account {accountId}` (fresh session): never the last way in.
pub(crate) async fn unlink_account(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let account_id = f.string("accountId");
    f.finish()?;
    let auth = state.guard.require(&req).await?;
    state.guard.verifier().require_fresh(&auth.session)?;
    state.service.unlink_account(&auth.user.id, account_id).await?;
    Ok(HttpResponse::Ok().json(json!({ "status": true })))
}

/// The signed-in user and the account a provider-token request selects: Better Auth's strict
/// `{accountId, userId?}` (the session's user wins over `userId`; the cookie-stored account
/// variant is not supported). Without a session, Better Auth's bare 401.
async fn selected_account(
    state: &AuthState,
    req: &HttpRequest,
    bytes: &actix_web::web::Bytes,
) -> Result<(String, String), AuthError> {
    let body = state.post_body(req, bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    if f.unknown_keys(&["accountId", "userId", "useAccountCookie"]) {
        return Err(AuthError::Validation("[body] Invalid input".into()));
    }
    let account_id = f.optional_string("accountId").map(str::to_owned);
    f.optional_string("userId");
    f.optional_bool("useAccountCookie");
    f.finish()?;
    let account_id = account_id.ok_or(AuthError::AccountNotFound)?;
    let auth = state.guard.session(req).await?.ok_or(AuthError::UnauthorizedNoBody)?;
    Ok((auth.user.id, account_id))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccessTokenReply {
    access_token: String,
    #[serde(skip_serializing_if = "Option::is_none", with = "iso_millis::option")]
    access_token_expires_at: Option<DateTime<Utc>>,
    scopes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
}

/// `POST /get-access-token {accountId}`: a valid access token, refreshed when it is about
/// to expire.
pub(crate) async fn get_access_token(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let (user_id, account_id) = selected_account(&state, &req, &bytes).await?;
    let token = state.service.get_access_token(&user_id, &account_id).await?;
    Ok(HttpResponse::Ok().json(AccessTokenReply {
        access_token: token.access_token,
        access_token_expires_at: token.access_token_expires_at,
        scopes: token.scopes,
        id_token: token.id_token,
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RefreshReply {
    access_token: Option<String>,
    refresh_token: Option<String>,
    #[serde(with = "iso_millis::option")]
    access_token_expires_at: Option<DateTime<Utc>>,
    #[serde(with = "iso_millis::option")]
    refresh_token_expires_at: Option<DateTime<Utc>>,
    scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
    provider_id: String,
    account_id: String,
}

/// `POST /refresh-token {accountId}`: asks the provider for new tokens.
pub(crate) async fn refresh_token(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let (user_id, account_id) = selected_account(&state, &req, &bytes).await?;
    let t = state.service.refresh_token(&user_id, &account_id).await?;
    Ok(HttpResponse::Ok().json(RefreshReply {
        access_token: t.access_token,
        refresh_token: t.refresh_token,
        access_token_expires_at: t.access_token_expires_at,
        refresh_token_expires_at: t.refresh_token_expires_at,
        scope: t.scope,
        id_token: t.id_token,
        provider_id: t.provider_id,
        account_id: t.account_id,
    }))
}

/// `GET /account-info?accountId=`: the provider's current profile of the account.
pub(crate) async fn account_info(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let account_id = query_param(&req, "accountId").ok_or(AuthError::AccountNotFound)?;
    let auth = state.guard.session(&req).await?.ok_or(AuthError::UnauthorizedNoBody)?;
    let (profile, account) = state.service.account_info(&auth.user.id, &account_id).await?;
    Ok(HttpResponse::Ok().json(json!({
        "user": {
            "id": profile.id,
            "name": profile.name,
            "email": profile.email,
            "image": profile.image,
            "emailVerified": profile.email_verified,
        },
        "data": profile.raw,
        "account": {
            "id": account.id,
            "providerId": account.provider_id,
            "accountId": account.account_id,
        },
    })))
}
