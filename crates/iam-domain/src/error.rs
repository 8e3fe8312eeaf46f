//! Everything that can go wrong in an auth use case, named with Better Auth's error codes.
//!
//! Each variant's `Display` is the exact `message` Better Auth sends and [`AuthError::code`]
//! its `code`; the HTTP adapter maps variants to status codes in one place. Internal causes
//! (database errors) are kept as sources for logs and never shown to clients.

use std::borrow::Cow;

use crate::repository::RepoError;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    // --- request shape -------------------------------------------------------------------
    /// Zod-style validation failure: `[body.email] Invalid email address`.
    #[error("{0}")]
    Validation(String),
    #[error("Invalid JSON in request body")]
    InvalidJson,
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("Body must be an object")]
    BodyMustBeAnObject,
    #[error("Request body is too large")]
    PayloadTooLarge,
    #[error("No fields to update")]
    NoFieldsToUpdate,
    #[error("{0}")]
    BadRequest(Cow<'static, str>),

    // --- credentials and users -----------------------------------------------------------
    #[error("Invalid email")]
    InvalidEmail,
    #[error("Invalid password")]
    InvalidPassword,
    #[error("Invalid email or password")]
    InvalidEmailOrPassword,
    #[error("Password too short")]
    PasswordTooShort,
    #[error("Password too long")]
    PasswordTooLong,
    #[error("User already exists. Use another email.")]
    UserAlreadyExistsUseAnotherEmail,
    #[error("User not found")]
    UserNotFound,
    #[error("Email can not be updated")]
    EmailCanNotBeUpdated,
    #[error("Credential account not found")]
    CredentialAccountNotFound,
    #[error("Email not verified")]
    EmailNotVerified,
    #[error("Email and password sign up is not enabled")]
    EmailPasswordSignUpDisabled,

    // --- sessions --------------------------------------------------------------------------
    #[error("Unauthorized")]
    Unauthorized,
    #[error("Session is not fresh")]
    SessionNotFresh,
    #[error("Session expired. Re-authenticate to perform this action.")]
    SessionExpired,
    #[error("Failed to get session")]
    FailedToGetSession,
    #[error("POST method requires deferSessionRefresh to be enabled in session config")]
    MethodNotAllowedDeferSessionRequired,

    // --- accounts ------------------------------------------------------------------------
    #[error("Account not found")]
    AccountNotFound,
    #[error("You can't unlink your last account")]
    FailedToUnlinkLastAccount,
    /// Deletion is switched off: Better Auth answers 404 with an empty body.
    #[error("Not found")]
    DeleteUserDisabled,

    // --- origins and redirects -----------------------------------------------------------
    #[error("Invalid origin")]
    InvalidOrigin,
    #[error("Missing or null Origin")]
    MissingOrNullOrigin,
    #[error("Invalid callbackURL")]
    InvalidCallbackUrl,
    #[error("Invalid redirectURL")]
    InvalidRedirectUrl,
    #[error("Invalid errorCallbackURL")]
    InvalidErrorCallbackUrl,
    #[error("Invalid newUserCallbackURL")]
    InvalidNewUserCallbackUrl,
    #[error("Cross-site navigation login blocked. This request appears to be a CSRF attack.")]
    CrossSiteNavigationLoginBlocked,

    // --- email flows ---------------------------------------------------------------------
    #[error("Failed to send email")]
    FailedToSendEmail,
    #[error("Email is already verified")]
    EmailAlreadyVerified,
    #[error("Email mismatch")]
    EmailMismatch,
    #[error("Invalid user")]
    InvalidUser,
    #[error("Change email is disabled")]
    ChangeEmailDisabled,
    #[error("Email is the same")]
    EmailIsTheSame,
    #[error("Email already in use")]
    EmailAlreadyInUse,
    #[error("Reset password isn't enabled")]
    ResetPasswordDisabled,
    /// A delete-account confirmation token that does not exist or is not the caller's
    /// (Better Auth answers 404 here, 400 for other tokens).
    #[error("Invalid token")]
    InvalidDeleteToken,
    /// The delete-account confirmation link was opened without a session (404).
    #[error("Failed to get user info")]
    DeleteConfirmationNeedsSession,
    #[error("Not found")]
    NotFound,

    // --- social sign-in ------------------------------------------------------------------
    #[error("Provider not found")]
    ProviderNotFound,
    #[error("id_token not supported")]
    IdTokenNotSupported,
    /// A provider ID token that failed verification (401, unlike other invalid tokens).
    #[error("Invalid token")]
    InvalidIdToken,
    #[error("Failed to get user info")]
    FailedToGetUserInfo,
    #[error("User email not found")]
    UserEmailNotFound,
    /// Sign-in with a provider's ID token was refused by the linking rules.
    #[error("{0}")]
    OAuthLinkError(String),
    #[error("Social account already linked")]
    SocialAccountAlreadyLinked,
    #[error("Account not linked - linking not allowed")]
    LinkingNotAllowed,
    #[error("Account not linked - different emails not allowed")]
    LinkingDifferentEmailsNotAllowed,
    #[error("Account not linked - unable to create account")]
    LinkingFailed,
    #[error("Provider {0} is not supported.")]
    ProviderNotSupported(String),
    #[error("Provider {0} does not support token refreshing.")]
    TokenRefreshNotSupported(String),
    #[error("Refresh token not found")]
    RefreshTokenNotFound,
    #[error("Failed to refresh access token")]
    FailedToRefreshAccessToken,
    #[error("Failed to get a valid access token")]
    FailedToGetAccessToken,
    #[error("Account is not associated with a configured social provider.")]
    ProviderNotConfigured,
    #[error("Access token not found")]
    AccessTokenNotFound,
    #[error("callbackURL is required")]
    CallbackUrlRequired,
    /// Better Auth's bare 401 (no body) on the provider-token endpoints.
    #[error("Unauthorized")]
    UnauthorizedNoBody,

    // --- one-time codes ------------------------------------------------------------------
    #[error("Invalid OTP")]
    InvalidOtp,
    #[error("OTP expired")]
    OtpExpired,
    #[error("Too many attempts")]
    TooManyAttempts,
    #[error("Invalid OTP type")]
    InvalidOtpType,
    #[error("Change email with OTP is disabled")]
    ChangeEmailOtpDisabled,

    // --- organizations -------------------------------------------------------------------
    #[error("{}", .0.message())]
    Org(crate::organization::OrgError, crate::organization::Refusal),
    /// Unknown role names: `ROLE_NOT_FOUND: <roles>`. Better Auth sends no `code` on
    /// invite-member and `ROLE_NOT_FOUND` on update-member-role.
    #[error("{message}")]
    OrgRoleNotFound { message: String, with_code: bool },
    /// An organization refusal Better Auth sends with a message and no code.
    #[error("{1}")]
    OrgMessage(crate::organization::Refusal, &'static str),
    /// An organization code sent with a message of its own (reject-invitation's
    /// "Invitation not found!").
    #[error("{2}")]
    OrgCoded(crate::organization::Refusal, crate::organization::OrgError, &'static str),
    /// An organization refusal Better Auth sends with an empty body.
    #[error("{0:?}")]
    OrgEmpty(crate::organization::Refusal),
    /// A custom role would grant what its creator does not hold (403 with the list).
    #[error("{}", .error.message())]
    OrgMissingPermissions { error: crate::organization::OrgError, missing: Vec<String> },

    // --- throttling ----------------------------------------------------------------------
    #[error("Too many requests. Please try again later.")]
    TooManyRequests { retry_after_secs: u64 },

    // --- tokens --------------------------------------------------------------------------
    #[error("Invalid token")]
    InvalidToken,
    #[error("Token expired")]
    TokenExpired,

    // --- infrastructure ------------------------------------------------------------------
    /// A failure the client cannot fix; the source is logged, never sent.
    #[error("{message}")]
    Internal {
        message: &'static str,
        code: &'static str,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl AuthError {
    /// Better Auth's `code` string, or `None` for the errors it sends without one.
    pub fn code(&self) -> Option<&'static str> {
        use AuthError::*;
        Some(match self {
            Validation(_) => "VALIDATION_ERROR",
            InvalidJson | BadRequest(_) => "BAD_REQUEST",
            UnsupportedMediaType(_) => "UNSUPPORTED_MEDIA_TYPE",
            BodyMustBeAnObject => "BODY_MUST_BE_AN_OBJECT",
            PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            NoFieldsToUpdate
            | TooManyRequests { .. }
            | DeleteUserDisabled
            | EmailIsTheSame
            | EmailAlreadyInUse
            | InvalidOtpType
            | ChangeEmailOtpDisabled => return None,
            FailedToSendEmail => "FAILED_TO_SEND_EMAIL",
            EmailAlreadyVerified => "EMAIL_ALREADY_VERIFIED",
            EmailMismatch => "EMAIL_MISMATCH",
            InvalidUser => "INVALID_USER",
            ChangeEmailDisabled => "CHANGE_EMAIL_DISABLED",
            ResetPasswordDisabled => "RESET_PASSWORD_DISABLED",
            InvalidDeleteToken => "INVALID_TOKEN",
            DeleteConfirmationNeedsSession | FailedToGetUserInfo => "FAILED_TO_GET_USER_INFO",
            ProviderNotFound => "PROVIDER_NOT_FOUND",
            IdTokenNotSupported => "ID_TOKEN_NOT_SUPPORTED",
            InvalidIdToken => "INVALID_TOKEN",
            UserEmailNotFound => "USER_EMAIL_NOT_FOUND",
            OAuthLinkError(_) => "OAUTH_LINK_ERROR",
            SocialAccountAlreadyLinked => "SOCIAL_ACCOUNT_ALREADY_LINKED",
            LinkingNotAllowed => "LINKING_NOT_ALLOWED",
            LinkingDifferentEmailsNotAllowed => "LINKING_DIFFERENT_EMAILS_NOT_ALLOWED",
            LinkingFailed => "LINKING_FAILED",
            ProviderNotSupported(_) => "PROVIDER_NOT_SUPPORTED",
            TokenRefreshNotSupported(_) => "TOKEN_REFRESH_NOT_SUPPORTED",
            RefreshTokenNotFound => "REFRESH_TOKEN_NOT_FOUND",
            FailedToRefreshAccessToken => "FAILED_TO_REFRESH_ACCESS_TOKEN",
            FailedToGetAccessToken => "FAILED_TO_GET_ACCESS_TOKEN",
            ProviderNotConfigured => "PROVIDER_NOT_CONFIGURED",
            AccessTokenNotFound => "ACCESS_TOKEN_NOT_FOUND",
            CallbackUrlRequired => "CALLBACK_URL_REQUIRED",
            UnauthorizedNoBody => "UNAUTHORIZED",
            NotFound => "NOT_FOUND",
            InvalidOtp => "INVALID_OTP",
            OtpExpired => "OTP_EXPIRED",
            TooManyAttempts => "TOO_MANY_ATTEMPTS",
            InvalidEmail => "INVALID_EMAIL",
            InvalidPassword => "INVALID_PASSWORD",
            InvalidEmailOrPassword => "INVALID_EMAIL_OR_PASSWORD",
            PasswordTooShort => "PASSWORD_TOO_SHORT",
            PasswordTooLong => "PASSWORD_TOO_LONG",
            UserAlreadyExistsUseAnotherEmail => "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
            UserNotFound => "USER_NOT_FOUND",
            EmailCanNotBeUpdated => "EMAIL_CAN_NOT_BE_UPDATED",
            CredentialAccountNotFound => "CREDENTIAL_ACCOUNT_NOT_FOUND",
            EmailNotVerified => "EMAIL_NOT_VERIFIED",
            EmailPasswordSignUpDisabled => "EMAIL_PASSWORD_SIGN_UP_DISABLED",
            Unauthorized => "UNAUTHORIZED",
            SessionNotFresh => "SESSION_NOT_FRESH",
            SessionExpired => "SESSION_EXPIRED",
            FailedToGetSession => "FAILED_TO_GET_SESSION",
            MethodNotAllowedDeferSessionRequired => "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED",
            AccountNotFound => "ACCOUNT_NOT_FOUND",
            FailedToUnlinkLastAccount => "FAILED_TO_UNLINK_LAST_ACCOUNT",
            InvalidOrigin => "INVALID_ORIGIN",
            MissingOrNullOrigin => "MISSING_OR_NULL_ORIGIN",
            InvalidCallbackUrl => "INVALID_CALLBACK_URL",
            InvalidRedirectUrl => "INVALID_REDIRECT_URL",
            InvalidErrorCallbackUrl => "INVALID_ERROR_CALLBACK_URL",
            InvalidNewUserCallbackUrl => "INVALID_NEW_USER_CALLBACK_URL",
            CrossSiteNavigationLoginBlocked => "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED",
            InvalidToken => "INVALID_TOKEN",
            TokenExpired => "TOKEN_EXPIRED",
            Internal { code, .. } => code,
            Org(error, _) | OrgCoded(_, error, _) | OrgMissingPermissions { error, .. } => {
                error.code()
            }
            OrgMessage(..) | OrgEmpty(_) => return None,
            OrgRoleNotFound { with_code, .. } => {
                return with_code.then_some("ROLE_NOT_FOUND");
            }
        })
    }

    /// An unexpected failure reported to the client as `code` with `message`.
    pub fn internal(
        message: &'static str,
        code: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self::Internal { message, code, source: Some(source.into()) }
    }
}

impl AuthError {
    /// An organization error refused as `refusal`.
    pub fn org(
        error: crate::organization::OrgError,
        refusal: crate::organization::Refusal,
    ) -> Self {
        Self::Org(error, refusal)
    }

    /// An unexpected failure, reported as Better Auth's generic 500.
    pub fn unexpected(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::internal("Internal Server Error", "INTERNAL_SERVER_ERROR", source)
    }
}

/// Repository failures that reach a use case unhandled are internal errors; use cases that
/// expect a conflict (a duplicate email) match on [`RepoError::Conflict`] first.
impl From<RepoError> for AuthError {
    fn from(err: RepoError) -> Self {
        Self::unexpected(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_codes_match_better_auth() {
        let e = AuthError::UserAlreadyExistsUseAnotherEmail;
        assert_eq!(e.to_string(), "User already exists. Use another email.");
        assert_eq!(e.code(), Some("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"));
        assert_eq!(AuthError::NoFieldsToUpdate.code(), None);
    }

    #[test]
    fn internal_errors_do_not_leak_their_source() {
        let e: AuthError = RepoError::Database("password=hunter2 connection refused".into()).into();
        assert_eq!(e.to_string(), "Internal Server Error");
    }
}
