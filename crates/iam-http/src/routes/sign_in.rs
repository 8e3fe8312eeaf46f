use actix_web::http::header::LOCATION;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use crate::body::{Accepts, Fields, RawBody};
use crate::error::ApiError;
use crate::reply::set_session_cookie;
use crate::state::AuthState;

/// `POST /sign-in/email`
pub(crate) async fn sign_in_email(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::JsonOrForm)?;
    state.origin_policy.check_login_form(&req)?;

    let mut f = Fields::required(&body);
    let email = f.string("email");
    let password = f.string("password");
    let callback_url = f.optional_string("callbackURL");
    let remember_me = f.optional_bool("rememberMe").unwrap_or(true);
    f.finish()?;

    let (user, session) = state
        .service
        .sign_in_email(email, password, remember_me, callback_url, &state.client(&req))
        .await?;

    let mut response = HttpResponse::Ok();
    set_session_cookie(&mut response, &state, &session.token, remember_me);
    // A JSON "redirect": Better Auth answers 200 and also sets Location.
    if let Some(url) = callback_url {
        response.insert_header((LOCATION, url));
    }
    Ok(response.json(SignInReply {
        redirect: callback_url.is_some(),
        token: &session.token,
        url: callback_url,
        user: &user,
    }))
}

#[derive(Serialize)]
struct SignInReply<'a> {
    redirect: bool,
    token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    user: &'a iam_domain::User,
}
