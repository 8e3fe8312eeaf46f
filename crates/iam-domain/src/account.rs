use chrono::{DateTime, Utc};

/// The `providerId` Better Auth gives email/password credentials.
pub const CREDENTIAL_PROVIDER_ID: &str = "credential";

/// A way to sign in: the password credential or a linked OAuth provider. Mirrors Better
/// Auth's `account` table. Deliberately not `Serialize`: it carries the password hash and
/// provider tokens, which never leave the server.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    /// Provider subject, or the user id for the `credential` provider.
    pub account_id: String,
    pub provider_id: String,
    pub user_id: String,
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub id_token: Option<String>,
    pub access_token_expires_at: Option<DateTime<Utc>>,
    pub refresh_token_expires_at: Option<DateTime<Utc>>,
    /// Comma-separated granted scopes, as Better Auth stores them.
    pub scope: Option<String>,
    /// Password hash (argon2id PHC string, or Better Auth's `saltHex:keyHex` scrypt).
    pub password: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Account {
    /// A new email/password credential for `user_id`.
    pub fn credential(
        id: String,
        user_id: &str,
        password_hash: String,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            account_id: user_id.to_owned(),
            provider_id: CREDENTIAL_PROVIDER_ID.to_owned(),
            user_id: user_id.to_owned(),
            access_token: None,
            refresh_token: None,
            id_token: None,
            access_token_expires_at: None,
            refresh_token_expires_at: None,
            scope: None,
            password: Some(password_hash),
            created_at: now,
            updated_at: now,
        }
    }

    /// Granted scopes as a list (Better Auth's `scopes` field of `/list-accounts`).
    pub fn scopes(&self) -> Vec<&str> {
        self.scope
            .as_deref()
            .map(|s| s.split(',').map(str::trim).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default()
    }
}

impl std::fmt::Debug for Account {
    // Hand-written so the password hash and provider tokens never reach a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("provider_id", &self.provider_id)
            .field("account_id", &self.account_id)
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}
