//! Repository ports: how the auth service reads and writes the model, in domain terms.
//!
//! Implementations live in `iam-repos` (sea-orm). Every method is one indexed query or,
//! where a use case changes several rows, one transaction, so a failure never leaves
//! partial data behind.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::organization::repository::NewOrganization;
use crate::{Account, Session, User, UserPatch, Verification};

#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// A unique constraint rejected the write (e.g. a second user with the same email).
    #[error("unique constraint violated")]
    Conflict,
    #[error("database error: {0}")]
    Database(String),
}

pub type RepoResult<T> = Result<T, RepoError>;

#[async_trait]
pub trait UserRepository: Send + Sync {
    async fn find_by_id(&self, id: &str) -> RepoResult<Option<User>>;
    async fn find_by_email(&self, email: &str) -> RepoResult<Option<User>>;
    /// The user with that email and its credential account (if it has one), in one query.
    async fn find_with_credential_by_email(
        &self,
        email: &str,
    ) -> RepoResult<Option<(User, Option<Account>)>>;
    /// Inserts a user, its first account and (with the personal-organization policy) its
    /// organization, in one transaction. A taken email yields [`RepoError::Conflict`] and
    /// writes nothing.
    async fn create_with_account(
        &self,
        user: &User,
        account: &Account,
        organization: Option<&NewOrganization>,
    ) -> RepoResult<()>;
    /// Applies a profile patch; returns whether the user exists.
    async fn update_profile(
        &self,
        id: &str,
        patch: &UserPatch,
        now: DateTime<Utc>,
    ) -> RepoResult<bool>;
    /// Deletes the user with its sessions and accounts in one transaction.
    async fn delete(&self, id: &str) -> RepoResult<bool>;
    /// Inserts a user without any account (passwordless sign-up), with its personal
    /// organization if given, in one transaction.
    async fn create(&self, user: &User, organization: Option<&NewOrganization>) -> RepoResult<()>;
    async fn set_email_verified(
        &self,
        id: &str,
        verified: bool,
        now: DateTime<Utc>,
    ) -> RepoResult<()>;
    /// Changes the email (and optionally the verified flag). A taken address yields
    /// [`RepoError::Conflict`].
    async fn update_email(
        &self,
        id: &str,
        email: &str,
        verified: Option<bool>,
        now: DateTime<Utc>,
    ) -> RepoResult<()>;
    /// Before a passwordless sign-in proves control of an unverified address: deletes every
    /// account and session of the user and marks the email verified, in one transaction, so
    /// whoever registered the address first (perhaps not its owner) loses access.
    async fn secure_unproven_account(&self, id: &str, now: DateTime<Utc>) -> RepoResult<()>;
}

#[async_trait]
pub trait SessionRepository: Send + Sync {
    async fn create(&self, session: &Session) -> RepoResult<()>;
    /// The session with that token and its user, in one query.
    async fn find_with_user(&self, token: &str) -> RepoResult<Option<(Session, User)>>;
    /// The user's sessions that expire after `now`.
    async fn list_active_for_user(
        &self,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> RepoResult<Vec<Session>>;
    /// Slides the expiry forward (Better Auth's daily refresh).
    async fn refresh(
        &self,
        token: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> RepoResult<()>;
    async fn delete_by_token(&self, token: &str) -> RepoResult<()>;
    /// Deletes the session only if it belongs to `user_id`; returns whether one was deleted.
    async fn delete_for_user_by_token(&self, user_id: &str, token: &str) -> RepoResult<bool>;
    async fn delete_all_for_user(&self, user_id: &str) -> RepoResult<u64>;
    async fn delete_others_for_user(&self, user_id: &str, keep_token: &str) -> RepoResult<u64>;
    /// Removes sessions that expired before `now`; returns how many.
    async fn delete_expired(&self, now: DateTime<Utc>) -> RepoResult<u64>;
}

#[async_trait]
pub trait AccountRepository: Send + Sync {
    async fn list_for_user(&self, user_id: &str) -> RepoResult<Vec<Account>>;
    /// The user's `credential` account (email and password), if any.
    async fn find_credential(&self, user_id: &str) -> RepoResult<Option<Account>>;
    async fn find_by_provider(
        &self,
        provider_id: &str,
        account_id: &str,
    ) -> RepoResult<Option<Account>>;
    async fn create(&self, account: &Account) -> RepoResult<()>;
    /// Replaces the password hash of an account.
    async fn update_password(
        &self,
        account_id: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> RepoResult<()>;
    /// Replaces the password hash, deletes every session of the account's user and inserts
    /// `new_session`, in one transaction (change-password with `revokeOtherSessions`).
    async fn update_password_and_replace_sessions(
        &self,
        account_id: &str,
        password_hash: &str,
        new_session: &Session,
        now: DateTime<Utc>,
    ) -> RepoResult<()>;
    async fn delete(&self, account_id: &str) -> RepoResult<bool>;
    /// Replaces the provider tokens (and scope) stored on an account.
    async fn update_tokens(
        &self,
        account_id: &str,
        tokens: &AccountTokens,
        now: DateTime<Utc>,
    ) -> RepoResult<()>;
    /// Sets a new password after a reset, in one transaction: consumes the reset token (if
    /// given; `false` and no change when someone else consumed it first), updates the
    /// credential account or creates it, optionally revokes every session and marks the
    /// email verified.
    async fn reset_password(&self, reset: &PasswordReset<'_>) -> RepoResult<bool>;
}

/// Provider tokens as stored on an account row (already encrypted when configured).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AccountTokens {
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub id_token: Option<String>,
    pub access_token_expires_at: Option<DateTime<Utc>>,
    pub refresh_token_expires_at: Option<DateTime<Utc>>,
    pub scope: Option<String>,
}

impl std::fmt::Debug for AccountTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountTokens")
            .field("access_token_expires_at", &self.access_token_expires_at)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// The writes of a password reset; see [`AccountRepository::reset_password`].
#[derive(Debug, Clone, Copy)]
pub struct PasswordReset<'a> {
    pub user_id: &'a str,
    pub password_hash: &'a str,
    /// The verification row (id) holding the reset token.
    pub consume_verification: Option<&'a str>,
    /// Id for the credential account if the user has none yet.
    pub new_credential_id: &'a str,
    pub revoke_sessions: bool,
    pub mark_email_verified: bool,
    pub now: DateTime<Utc>,
}

#[async_trait]
pub trait VerificationRepository: Send + Sync {
    async fn create(&self, verification: &Verification) -> RepoResult<()>;
    async fn find_by_identifier(&self, identifier: &str) -> RepoResult<Option<Verification>>;
    async fn delete_by_identifier(&self, identifier: &str) -> RepoResult<()>;
    /// Replaces the value of a row only if it still holds `expected` (one-time-code attempt
    /// counters); returns whether it did.
    async fn compare_and_set(
        &self,
        id: &str,
        expected: &str,
        value: &str,
        now: DateTime<Utc>,
    ) -> RepoResult<bool>;
    /// Deletes a row only if it still holds `expected`; returns whether it did (whoever
    /// deletes it owns the code).
    async fn delete_if_value(&self, id: &str, expected: &str) -> RepoResult<bool>;
    async fn delete_expired(&self, now: DateTime<Utc>) -> RepoResult<u64>;
}

/// Every repository the auth service needs, as trait objects over one storage backend.
#[derive(Clone)]
pub struct Repositories {
    pub users: Arc<dyn UserRepository>,
    pub sessions: Arc<dyn SessionRepository>,
    pub accounts: Arc<dyn AccountRepository>,
    pub verifications: Arc<dyn VerificationRepository>,
    pub organizations: Arc<dyn crate::organization::OrganizationRepository>,
}
