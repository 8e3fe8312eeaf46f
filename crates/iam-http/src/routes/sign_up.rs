use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use iam_auth::use_cases::sign_up::SignUp;
use iam_domain::values::{Email, ImageUrl, UserName};

use crate::body::{Accepts, Fields, RawBody};
use crate::error::ApiError;
use crate::reply::{TokenAndUser, set_session_cookie};
use crate::state::AuthState;

/// `POST /sign-up/email`
pub(crate) async fn sign_up_email(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::JsonOrForm)?;
    state.origin_policy.check_login_form(&req)?;

    let mut f = Fields::required(&body);
    let name = f.string("name");
    let email = f.email("email");
    let password = f.string("password");
    let image = f.optional_string("image");
    let callback_url = f.optional_string("callbackURL");
    let remember_me = f.optional_bool("rememberMe").unwrap_or(true);
    f.limit("name", Some(name), UserName::MAX_CHARS as usize);
    f.no_control_chars("name", Some(name));
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
    // `finish` has checked both fields with the same rules, so these parse.
    let (Some(name), Some(email)) = (UserName::parse(name), Email::parse(email)) else {
        return Err(iam_domain::AuthError::Validation("[body] Invalid input".into()).into());
    };

    let input = SignUp {
        name,
        email,
        password: password.to_owned(),
        image,
        remember_me,
        callback_url: callback_url.map(str::to_owned),
    };
    let outcome = state.service.sign_up(input, &state.client(&req)).await?;

    let mut response = HttpResponse::Ok();
    let token = outcome.session.as_ref().map(|s| s.token.as_str());
    if let Some(token) = token {
        set_session_cookie(&mut response, &state, token, remember_me);
    }
    Ok(response.json(TokenAndUser { token, user: &outcome.user }))
}
