//! Settings the use cases need, in domain units. Built by the binary from the environment.
//! Defaults follow Better Auth's.

use chrono::Duration;
use iam_domain::values::PasswordPolicy;

use crate::password::HashAlgorithm;

#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Public URL of the auth API, without a trailing slash
    /// (`http://localhost:3000/api/auth`); links in mails point here.
    pub api_url: String,
    /// Application name shown in mails.
    pub app_name: String,
    pub session: SessionConfig,
    pub password: PasswordPolicy,
    /// Algorithm for new hashes. `Scrypt` keeps a database readable by a running Better Auth.
    pub password_hash: HashAlgorithm,
    /// Concurrent password hashes; more requests wait their turn.
    pub password_hash_concurrency: usize,
    /// `emailAndPassword.disableSignUp` negated.
    pub sign_up_enabled: bool,
    /// `emailAndPassword.autoSignIn`: sign-up also signs in.
    pub auto_sign_in: bool,
    pub email_verification: EmailVerificationConfig,
    pub password_reset: PasswordResetConfig,
    pub change_email: ChangeEmailConfig,
    pub delete_user: DeleteUserConfig,
    pub email_otp: EmailOtpConfig,
    /// Longest wait for the mail server before a send counts as failed.
    pub mail_timeout: std::time::Duration,
    pub account_linking: crate::social::AccountLinkingConfig,
    /// Store provider tokens encrypted (`account.encryptOAuthTokens`).
    pub encrypt_oauth_tokens: bool,
    pub organization: OrganizationConfig,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            api_url: "http://localhost:3000/api/auth".to_owned(),
            app_name: "IAM".to_owned(),
            session: SessionConfig::default(),
            password: PasswordPolicy::default(),
            password_hash: HashAlgorithm::Argon2id,
            password_hash_concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            sign_up_enabled: true,
            auto_sign_in: true,
            email_verification: EmailVerificationConfig::default(),
            password_reset: PasswordResetConfig::default(),
            change_email: ChangeEmailConfig::default(),
            delete_user: DeleteUserConfig::default(),
            email_otp: EmailOtpConfig::default(),
            mail_timeout: std::time::Duration::from_secs(10),
            account_linking: crate::social::AccountLinkingConfig::default(),
            encrypt_oauth_tokens: false,
            organization: OrganizationConfig::default(),
        }
    }
}

/// Better Auth's session options with its defaults.
#[derive(Debug, Clone, Copy)]
pub struct SessionConfig {
    /// Lifetime of a remembered session (`session.expiresIn`, 7 days).
    pub expires_in: Duration,
    /// Sliding refresh interval (`session.updateAge`, 1 day; zero refreshes every time).
    pub update_age: Duration,
    /// Sensitive routes need a session younger than this (`session.freshAge`, 1 day; zero
    /// disables the check).
    pub fresh_age: Duration,
    /// Lifetime of a `rememberMe: false` session (Better Auth fixes it at 1 day).
    pub dont_remember_expires_in: Duration,
    /// Better Auth's cookie cache (`session.cookieCache`, compact strategy): how long a
    /// signed `session_data` snapshot may answer get-session without the database. `None`
    /// (the default) always reads the database.
    pub cookie_cache_max_age: Option<Duration>,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            expires_in: Duration::days(7),
            update_age: Duration::days(1),
            fresh_age: Duration::days(1),
            dont_remember_expires_in: Duration::days(1),
            cookie_cache_max_age: None,
        }
    }
}

/// `emailVerification.*` and `emailAndPassword.requireEmailVerification`.
#[derive(Debug, Clone, Copy)]
pub struct EmailVerificationConfig {
    /// Mail a verification link on sign-up (`sendOnSignUp`; Better Auth's default is
    /// `requireEmailVerification`).
    pub send_on_sign_up: bool,
    /// Mail a fresh link when an unverified user is refused at sign-in (`sendOnSignIn`).
    pub send_on_sign_in: bool,
    /// Refuse sign-in until the email is verified (`requireEmailVerification`).
    pub require: bool,
    /// Verifying the email signs the user in (`autoSignInAfterVerification`).
    pub auto_sign_in_after_verification: bool,
    /// Lifetime of a verification link (`expiresIn`, 1 hour).
    pub expires_in: Duration,
}

impl Default for EmailVerificationConfig {
    fn default() -> Self {
        Self {
            send_on_sign_up: false,
            send_on_sign_in: false,
            require: false,
            auto_sign_in_after_verification: false,
            expires_in: Duration::hours(1),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct PasswordResetConfig {
    /// Lifetime of a reset link (`resetPasswordTokenExpiresIn`, 1 hour).
    pub expires_in: Duration,
    /// Sign the user out everywhere after a reset (`revokeSessionsOnPasswordReset`).
    pub revoke_sessions: bool,
}

impl Default for PasswordResetConfig {
    fn default() -> Self {
        Self { expires_in: Duration::hours(1), revoke_sessions: false }
    }
}

/// `user.changeEmail.*`.
#[derive(Debug, Clone, Copy)]
pub struct ChangeEmailConfig {
    pub enabled: bool,
    /// An unverified user's email changes at once (`updateEmailWithoutVerification`).
    pub update_without_verification: bool,
    /// A verified user first approves from the current address
    /// (`sendChangeEmailConfirmation`).
    pub confirm_with_current_email: bool,
}

impl Default for ChangeEmailConfig {
    fn default() -> Self {
        Self { enabled: true, update_without_verification: false, confirm_with_current_email: true }
    }
}

/// `user.deleteUser.*`.
#[derive(Debug, Clone, Copy)]
pub struct DeleteUserConfig {
    pub enabled: bool,
    /// Confirm deletion through a mailed link (`sendDeleteAccountVerification`).
    pub send_verification: bool,
    /// Lifetime of that link (`deleteTokenExpiresIn`, 1 day).
    pub token_expires_in: Duration,
}

impl Default for DeleteUserConfig {
    fn default() -> Self {
        Self { enabled: true, send_verification: false, token_expires_in: Duration::days(1) }
    }
}

/// How one-time codes are kept in the `verification` table (the email-OTP plugin's
/// `storeOTP`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtpStorage {
    /// `base64url(SHA-256(code))`, so a database leak reveals no usable code.
    Hashed,
    /// The code itself, as Better Auth's default does (for a database shared with it).
    Plain,
}

/// The email-OTP plugin.
#[derive(Debug, Clone, Copy)]
pub struct EmailOtpConfig {
    pub enabled: bool,
    /// Digits per code (6).
    pub length: usize,
    /// Lifetime of a code (5 minutes).
    pub expires_in: Duration,
    /// Wrong guesses allowed before a code is void (3).
    pub allowed_attempts: u32,
    pub storage: OtpStorage,
    /// Sign-in with a code never creates users.
    pub disable_sign_up: bool,
    /// `/email-otp/request-email-change` and `/email-otp/change-email` are available.
    pub change_email_enabled: bool,
    /// Changing the email by code also needs a code sent to the current address.
    pub change_email_verify_current: bool,
}

impl Default for EmailOtpConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            length: 6,
            expires_in: Duration::minutes(5),
            allowed_attempts: 3,
            storage: OtpStorage::Hashed,
            disable_sign_up: false,
            change_email_enabled: true,
            change_email_verify_current: false,
        }
    }
}

/// The organization plugin's options, with Better Auth's defaults.
#[derive(Debug, Clone)]
pub struct OrganizationConfig {
    /// Mounts the `/organization/*` routes.
    pub enabled: bool,
    /// `allowUserToCreateOrganization`.
    pub allow_user_to_create: bool,
    /// `organizationLimit`: organizations a user may belong to before creating another is
    /// refused; `None` is unlimited.
    pub organization_limit: Option<u64>,
    /// `membershipLimit`: members per organization.
    pub membership_limit: u64,
    /// `invitationLimit`: pending invitations per organization.
    pub invitation_limit: u64,
    /// `invitationExpiresIn` (48 hours).
    pub invitation_expires_in: Duration,
    /// `cancelPendingInvitationsOnReInvite`.
    pub cancel_pending_invitations_on_reinvite: bool,
    /// `requireEmailVerificationOnInvitation`.
    pub require_email_verification_on_invitation: bool,
    /// `disableOrganizationDeletion`.
    pub disable_deletion: bool,
    /// `creatorRole`.
    pub creator_role: String,
    /// Link in invitation mails; `{id}` is replaced with the invitation id.
    pub invitation_url: String,
    /// The seed's policy: every new user gets a personal organization, created in the same
    /// transaction as the user, and it is active on their new sessions.
    pub personal_organization: bool,
    pub teams: TeamsConfig,
    pub dynamic_roles: DynamicRolesConfig,
}

impl Default for OrganizationConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            allow_user_to_create: true,
            organization_limit: None,
            membership_limit: 100,
            invitation_limit: 100,
            invitation_expires_in: Duration::hours(48),
            cancel_pending_invitations_on_reinvite: false,
            require_email_verification_on_invitation: false,
            disable_deletion: false,
            creator_role: "owner".to_owned(),
            invitation_url: "http://localhost:3000/accept-invitation/{id}".to_owned(),
            personal_organization: false,
            teams: TeamsConfig::default(),
            dynamic_roles: DynamicRolesConfig::default(),
        }
    }
}

/// `organization({ teams })`.
#[derive(Debug, Clone, Copy)]
pub struct TeamsConfig {
    pub enabled: bool,
    /// `teams.defaultTeam.enabled`: a team named after the organization, with its creator.
    pub default_team: bool,
    /// `teams.maximumTeams`; `None` is unlimited.
    pub maximum_teams: Option<u64>,
    /// `teams.maximumMembersPerTeam`; `None` is unlimited.
    pub maximum_members_per_team: Option<u64>,
    /// `teams.allowRemovingAllTeams`.
    pub allow_removing_all_teams: bool,
}

impl Default for TeamsConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            default_team: true,
            maximum_teams: None,
            maximum_members_per_team: None,
            allow_removing_all_teams: false,
        }
    }
}

/// `organization({ dynamicAccessControl })`: roles defined per organization at run time.
#[derive(Debug, Clone, Copy, Default)]
pub struct DynamicRolesConfig {
    pub enabled: bool,
    /// `maximumRolesPerOrganization`; `None` is unlimited.
    pub maximum_roles_per_organization: Option<u64>,
}
