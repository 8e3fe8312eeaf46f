//! The one place where domain errors become HTTP responses.
//!
//! Body: `{"message": ..., "code": ...}` as Better Auth sends it (no `code` for the few
//! errors that have none; an empty body where Better Auth sends one). Internal causes are
//! logged with their source chain and never sent.

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use iam_domain::AuthError;
use iam_domain::organization::Refusal;
use serde::Serialize;

/// An [`AuthError`] on its way out of a handler.
#[derive(Debug)]
pub struct ApiError(pub AuthError);

impl From<AuthError> for ApiError {
    fn from(err: AuthError) -> Self {
        Self(err)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
    #[serde(rename = "missingPermissions", skip_serializing_if = "Option::is_none")]
    missing_permissions: Option<&'a [String]>,
}

impl<'a> ErrorBody<'a> {
    fn of(err: &'a AuthError) -> Self {
        let missing_permissions = match err {
            AuthError::OrgMissingPermissions { missing, .. } => Some(missing.as_slice()),
            _ => None,
        };
        Self { message: err.to_string(), code: err.code(), missing_permissions }
    }
}

/// The status of an organization refusal.
fn refusal_status(refusal: Refusal) -> StatusCode {
    match refusal {
        Refusal::Invalid => StatusCode::BAD_REQUEST,
        Refusal::Unauthenticated => StatusCode::UNAUTHORIZED,
        Refusal::Forbidden => StatusCode::FORBIDDEN,
        Refusal::NotFound => StatusCode::NOT_FOUND,
        Refusal::NotImplemented => StatusCode::NOT_IMPLEMENTED,
    }
}

/// The status Better Auth answers each error with.
pub fn status_of(err: &AuthError) -> StatusCode {
    use AuthError::*;
    match err {
        Validation(_)
        | InvalidJson
        | BadRequest(_)
        | BodyMustBeAnObject
        | NoFieldsToUpdate
        | InvalidEmail
        | InvalidPassword
        | PasswordTooShort
        | PasswordTooLong
        | UserNotFound
        | EmailCanNotBeUpdated
        | CredentialAccountNotFound
        | EmailPasswordSignUpDisabled
        | SessionExpired
        | AccountNotFound
        | FailedToUnlinkLastAccount
        | InvalidToken
        | TokenExpired
        | EmailAlreadyVerified
        | EmailMismatch
        | InvalidUser
        | ChangeEmailDisabled
        | EmailIsTheSame
        | EmailAlreadyInUse
        | ResetPasswordDisabled
        | InvalidOtp
        | OtpExpired
        | InvalidOtpType
        | ChangeEmailOtpDisabled => StatusCode::BAD_REQUEST,
        InvalidDeleteToken
        | DeleteConfirmationNeedsSession
        | NotFound
        | ProviderNotFound
        | IdTokenNotSupported => StatusCode::NOT_FOUND,
        FailedToGetUserInfo
        | InvalidIdToken
        | UserEmailNotFound
        | OAuthLinkError(_)
        | LinkingNotAllowed
        | LinkingDifferentEmailsNotAllowed
        | UnauthorizedNoBody => StatusCode::UNAUTHORIZED,
        SocialAccountAlreadyLinked => StatusCode::CONFLICT,
        LinkingFailed => StatusCode::EXPECTATION_FAILED,
        ProviderNotSupported(_)
        | TokenRefreshNotSupported(_)
        | RefreshTokenNotFound
        | FailedToRefreshAccessToken
        | FailedToGetAccessToken
        | ProviderNotConfigured
        | AccessTokenNotFound
        | CallbackUrlRequired => StatusCode::BAD_REQUEST,
        TooManyAttempts => StatusCode::FORBIDDEN,
        Org(_, refusal) | OrgCoded(refusal, ..) | OrgMessage(refusal, _) | OrgEmpty(refusal) => {
            refusal_status(*refusal)
        }
        OrgRoleNotFound { .. } => StatusCode::BAD_REQUEST,
        OrgMissingPermissions { .. } => StatusCode::FORBIDDEN,
        UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        InvalidEmailOrPassword | Unauthorized => StatusCode::UNAUTHORIZED,
        UserAlreadyExistsUseAnotherEmail => StatusCode::UNPROCESSABLE_ENTITY,
        EmailNotVerified
        | SessionNotFresh
        | InvalidOrigin
        | MissingOrNullOrigin
        | InvalidCallbackUrl
        | InvalidRedirectUrl
        | InvalidErrorCallbackUrl
        | InvalidNewUserCallbackUrl
        | CrossSiteNavigationLoginBlocked => StatusCode::FORBIDDEN,
        DeleteUserDisabled => StatusCode::NOT_FOUND,
        MethodNotAllowedDeferSessionRequired => StatusCode::METHOD_NOT_ALLOWED,
        TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        FailedToGetSession | FailedToSendEmail | Internal { .. } => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

/// The body and headers of `err` under a status chosen by the caller: for the few endpoints
/// where Better Auth reports errors under another status (`/verify-email` answers 401).
pub fn error_response_with_status(err: &AuthError, status: StatusCode) -> HttpResponse {
    tracing::debug!(error = %err, status = status.as_u16(), "request refused");
    HttpResponse::build(status).json(ErrorBody::of(err))
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        status_of(&self.0)
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = %self.0, cause = ?std::error::Error::source(&self.0), "request failed");
        } else {
            tracing::debug!(error = %self.0, status = status.as_u16(), "request refused");
        }
        let mut response = HttpResponse::build(status);
        match &self.0 {
            // Better Auth answers these with an empty JSON-typed body.
            AuthError::DeleteUserDisabled
            | AuthError::UnauthorizedNoBody
            | AuthError::OrgEmpty(_) => {
                return response
                    .insert_header((CONTENT_TYPE, HeaderValue::from_static("application/json")))
                    .finish();
            }
            AuthError::TooManyRequests { retry_after_secs } => {
                response.insert_header(("X-Retry-After", retry_after_secs.to_string()));
            }
            AuthError::MethodNotAllowedDeferSessionRequired => {
                response
                    .insert_header(("cache-control", "no-store"))
                    .insert_header(("pragma", "no-cache"));
            }
            _ => {}
        }
        response.json(ErrorBody::of(&self.0))
    }
}
