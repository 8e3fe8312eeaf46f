//! Password reset by link: a random token kept in the `verification` table as
//! `reset-password:<token>` (Better Auth's format), single-use, expiring.

use chrono::Duration;
use iam_domain::values::Email;
use iam_domain::{AuthError, PasswordReset, Verification};

use crate::crypto::{generate_id, random_alphanumeric};
use crate::mail::MailKind;
use crate::service::AuthService;
use crate::use_cases::mailing::{encode_component, human_duration};

fn identifier(token: &str) -> String {
    format!("reset-password:{token}")
}

impl AuthService {
    /// `POST /request-password-reset`. Same outcome for unknown addresses; a token is only
    /// kept if its mail went out.
    pub async fn request_password_reset(
        &self,
        email: &Email,
        redirect_to: Option<&str>,
    ) -> Result<(), AuthError> {
        let Some(user) = self.repos.users.find_by_email(email.as_str()).await? else {
            // Do the lookup a real request does, so timing says little.
            let _ = self.repos.verifications.find_by_identifier(&identifier("unknown")).await;
            return Ok(());
        };
        let token = random_alphanumeric(24);
        let expires_in = self.config.password_reset.expires_in;
        let row = self.new_verification(identifier(&token), user.id.clone(), expires_in);
        self.repos.verifications.create(&row).await?;
        let url = format!(
            "{}/reset-password/{token}?callbackURL={}",
            self.config.api_url,
            encode_component(redirect_to.unwrap_or_default())
        );
        let expires = human_duration(expires_in);
        let vars = [("url", url.as_str()), ("name", user.name.as_str()), ("expires_in", &expires)];
        if self.send_mail(MailKind::PasswordReset, &user.email, None, &vars).await.is_err() {
            // Nothing half-done: without its mail the token is useless.
            self.repos.verifications.delete_by_identifier(&row.identifier).await?;
        }
        Ok(())
    }

    /// Whether a reset token exists and is unexpired (`GET /reset-password/:token`; the
    /// token is not consumed there).
    pub async fn reset_token_is_valid(&self, token: &str) -> Result<bool, AuthError> {
        let found = self.repos.verifications.find_by_identifier(&identifier(token)).await?;
        Ok(found.is_some_and(|v| !v.is_expired(self.clock.now())))
    }

    /// `POST /reset-password`: consumes the token and sets the new password in one
    /// transaction (creating the credential account if the user had none).
    pub async fn reset_password(&self, token: &str, new_password: &str) -> Result<(), AuthError> {
        self.config.password.check_new(new_password)?;
        let now = self.clock.now();
        let row = self
            .repos
            .verifications
            .find_by_identifier(&identifier(token))
            .await?
            .filter(|v| !v.is_expired(now))
            .ok_or(AuthError::InvalidToken)?;
        let user = self.repos.users.find_by_id(&row.value).await?.ok_or(AuthError::UserNotFound)?;
        let hash = self.hasher.hash(new_password).await?;
        let reset = PasswordReset {
            user_id: &user.id,
            password_hash: &hash,
            consume_verification: Some(&row.id),
            new_credential_id: &generate_id(),
            revoke_sessions: self.config.password_reset.revoke_sessions,
            mark_email_verified: false,
            now,
        };
        if !self.repos.accounts.reset_password(&reset).await? {
            return Err(AuthError::InvalidToken);
        }
        tracing::info!(user_id = %user.id, "password reset");
        Ok(())
    }

    pub(crate) fn new_verification(
        &self,
        identifier: String,
        value: String,
        expires_in: Duration,
    ) -> Verification {
        let now = self.clock.now();
        Verification {
            id: generate_id(),
            identifier,
            value,
            expires_at: now + expires_in,
            created_at: now,
            updated_at: now,
        }
    }
}
