//! Social sign-in: the provider port, the OAuth state Better Auth keeps, and the linking
//! rules. The network side (authorization URLs, code exchange, ID-token checks, user-info
//! mapping per provider) lives in `iam-oauth`, behind [`OAuthProvider`].

mod provider;
pub mod state;

pub use provider::{
    AuthorizationRequest, OAuthProvider, ProviderError, ProviderProfile, ProviderTokens, Providers,
};

/// Better Auth's `account.accountLinking` options.
#[derive(Debug, Clone)]
pub struct AccountLinkingConfig {
    pub enabled: bool,
    /// Providers whose email is trusted even when they do not say it is verified.
    pub trusted_providers: Vec<String>,
    /// Linking an identity whose email differs from the user's (`allowDifferentEmails`).
    pub allow_different_emails: bool,
    /// Implicit linking at sign-in needs the local user's email to be verified
    /// (`requireLocalEmailVerified`, on by default).
    pub require_local_email_verified: bool,
    /// A user's last way to sign in may be unlinked (`allowUnlinkingAll`).
    pub allow_unlinking_all: bool,
}

impl Default for AccountLinkingConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            trusted_providers: Vec::new(),
            allow_different_emails: false,
            require_local_email_verified: true,
            allow_unlinking_all: false,
        }
    }
}
