//! `/update-user`, `/change-password`, `/delete-user`.

use iam_domain::{AuthError, Session, User, UserPatch};

use crate::crypto::random_alphanumeric;
use crate::mail::MailKind;
use crate::password::Verification;
use crate::service::{AuthService, ClientInfo};
use crate::use_cases::mailing::{encode_component, human_duration};

#[derive(Debug)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
    pub revoke_other_sessions: bool,
    /// Whether the replacement session (with `revoke_other_sessions`) is remembered: the
    /// caller's current choice.
    pub remember_me: bool,
}

impl AuthService {
    pub async fn update_user(&self, user: &User, patch: &UserPatch) -> Result<User, AuthError> {
        if patch.is_empty() {
            return Err(AuthError::NoFieldsToUpdate);
        }
        let now = self.clock.now();
        let found = self.repos.users.update_profile(&user.id, patch, now).await.map_err(|e| {
            AuthError::internal("Failed to update user", "FAILED_TO_UPDATE_USER", e)
        })?;
        if !found {
            return Err(AuthError::UserNotFound);
        }
        let mut updated = user.clone();
        patch.apply_to(&mut updated, now);
        Ok(updated)
    }

    /// Changes the password after checking the current one. With `revoke_other_sessions`
    /// every session of the user is replaced by a new one (returned), in one transaction.
    pub async fn change_password(
        &self,
        current: &Session,
        input: ChangePassword,
        client: &ClientInfo,
    ) -> Result<Option<Session>, AuthError> {
        let policy = self.config.password;
        policy.check_new(&input.new_password)?;
        policy.check_offered(&input.current_password)?;

        let account = self
            .repos
            .accounts
            .find_credential(&current.user_id)
            .await?
            .filter(|a| a.password.is_some())
            .ok_or(AuthError::CredentialAccountNotFound)?;
        let stored = account.password.as_deref().unwrap_or_default();
        if !self.hasher.verify(&input.current_password, stored).await?.is_match() {
            return Err(AuthError::InvalidPassword);
        }
        let hash = self.hasher.hash(&input.new_password).await?;
        let now = self.clock.now();

        if input.revoke_other_sessions {
            let new_session = self.new_session(&current.user_id, input.remember_me, client);
            self.repos
                .accounts
                .update_password_and_replace_sessions(&account.id, &hash, &new_session, now)
                .await?;
            tracing::info!(user_id = %current.user_id, "password changed; sessions revoked");
            Ok(Some(new_session))
        } else {
            self.repos.accounts.update_password(&account.id, &hash, now).await?;
            tracing::info!(user_id = %current.user_id, "password changed");
            Ok(None)
        }
    }

    /// Checks a password against the user's credential account (Better Auth's
    /// `/verify-password` and the password confirmation of `/delete-user`).
    pub async fn verify_password(&self, user_id: &str, password: &str) -> Result<(), AuthError> {
        self.config.password.check_offered(password)?;
        let account = self
            .repos
            .accounts
            .find_credential(user_id)
            .await?
            .ok_or(AuthError::CredentialAccountNotFound)?;
        let Some(stored) = account.password.as_deref() else {
            return Err(AuthError::CredentialAccountNotFound);
        };
        match self.hasher.verify(password, stored).await? {
            Verification::Mismatch => Err(AuthError::InvalidPassword),
            Verification::Match => Ok(()),
            Verification::MatchNeedsRehash => {
                self.upgrade_hash(&account.id, password).await;
                Ok(())
            }
        }
    }

    /// `POST /delete-user`. With a password it must verify; with a mailed token it must
    /// be the caller's; when deletion is confirmed by mail, a link is sent instead; without
    /// any of these the session must be fresh (Better Auth's `SESSION_EXPIRED` otherwise).
    pub async fn delete_user(
        &self,
        current: &Session,
        user: &User,
        request: DeleteUser<'_>,
    ) -> Result<DeleteUserOutcome, AuthError> {
        let config = self.config.delete_user;
        if !config.enabled {
            return Err(AuthError::DeleteUserDisabled);
        }
        if let Some(password) = request.password {
            self.verify_password(&user.id, password).await?;
        }
        if let Some(token) = request.token {
            self.consume_delete_token(&user.id, token).await?;
        } else if config.send_verification {
            self.mail_delete_link(user, request.callback_url).await?;
            return Ok(DeleteUserOutcome::LinkSent);
        } else if request.password.is_none()
            && !current.is_fresh(self.clock.now(), self.config.session.fresh_age)
        {
            return Err(AuthError::SessionExpired);
        }
        self.repos.users.delete(&user.id).await?;
        tracing::info!(user_id = %user.id, "user deleted");
        Ok(DeleteUserOutcome::Deleted)
    }

    /// `GET /delete-user/callback?token=`: the mailed link, opened while signed in.
    pub async fn confirm_delete_user(&self, user: &User, token: &str) -> Result<(), AuthError> {
        if !self.config.delete_user.enabled {
            return Err(AuthError::NotFound);
        }
        self.consume_delete_token(&user.id, token).await?;
        self.repos.users.delete(&user.id).await?;
        tracing::info!(user_id = %user.id, "user deleted after confirmation");
        Ok(())
    }

    async fn mail_delete_link(
        &self,
        user: &User,
        callback_url: Option<&str>,
    ) -> Result<(), AuthError> {
        // Better Auth's format: 32 characters of [0-9a-z], `delete-account-<token>`.
        let token = random_alphanumeric(32).to_lowercase();
        let expires_in = self.config.delete_user.token_expires_in;
        let row =
            self.new_verification(format!("delete-account-{token}"), user.id.clone(), expires_in);
        self.repos.verifications.create(&row).await?;
        let url = format!(
            "{}/delete-user/callback?token={token}&callbackURL={}",
            self.config.api_url,
            encode_component(callback_url.filter(|c| !c.is_empty()).unwrap_or("/"))
        );
        let expires = human_duration(expires_in);
        let vars = [("url", url.as_str()), ("name", user.name.as_str()), ("expires_in", &expires)];
        if let Err(err) = self.send_mail(MailKind::DeleteAccount, &user.email, None, &vars).await {
            self.repos.verifications.delete_by_identifier(&row.identifier).await?;
            return Err(err);
        }
        Ok(())
    }

    async fn consume_delete_token(&self, user_id: &str, token: &str) -> Result<(), AuthError> {
        let identifier = format!("delete-account-{token}");
        let now = self.clock.now();
        let row = self.repos.verifications.find_by_identifier(&identifier).await?;
        match row {
            Some(row) if row.value == user_id && !row.is_expired(now) => {
                if self.repos.verifications.delete_if_value(&row.id, &row.value).await? {
                    Ok(())
                } else {
                    Err(AuthError::InvalidDeleteToken)
                }
            }
            _ => Err(AuthError::InvalidDeleteToken),
        }
    }
}

/// What `/delete-user` was given.
#[derive(Debug, Default, Clone, Copy)]
pub struct DeleteUser<'a> {
    pub password: Option<&'a str>,
    pub token: Option<&'a str>,
    pub callback_url: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteUserOutcome {
    Deleted,
    /// A confirmation link was mailed; nothing deleted yet.
    LinkSent,
}
