//! `POST /change-email`, with Better Auth's three paths:
//! an unverified user may be allowed to switch at once (then verify the new address);
//! a verified user first approves from the current address, then proves the new one;
//! otherwise the new address receives a link that performs the change.

use iam_domain::values::Email;
use iam_domain::{AuthError, RepoError, User};

use crate::mail::MailKind;
use crate::service::AuthService;
use crate::use_cases::mailing::{encode_component, human_duration};

#[derive(Debug)]
pub enum ChangeEmailOutcome {
    /// Nothing visible happened (the address is taken; the client is not told).
    Silent,
    /// A link was mailed (to the current or the new address).
    LinkSent,
    /// The email changed at once (unverified user, `update_without_verification`).
    Changed { user: User },
}

impl AuthService {
    pub async fn change_email(
        &self,
        user: &User,
        new_email: &Email,
        callback_url: Option<&str>,
    ) -> Result<ChangeEmailOutcome, AuthError> {
        let config = self.config.change_email;
        if !config.enabled {
            return Err(AuthError::ChangeEmailDisabled);
        }
        if new_email.as_str() == user.email {
            return Err(AuthError::EmailIsTheSame);
        }
        if self.repos.users.find_by_email(new_email.as_str()).await?.is_some() {
            // Better Auth answers as if it worked: the caller learns nothing about the address.
            return Ok(ChangeEmailOutcome::Silent);
        }

        if !user.email_verified && config.update_without_verification {
            let now = self.clock.now();
            match self
                .repos
                .users
                .update_email(&user.id, new_email.as_str(), Some(false), now)
                .await
            {
                Err(RepoError::Conflict) => return Ok(ChangeEmailOutcome::Silent),
                other => other?,
            }
            let mut changed = user.clone();
            changed.email = new_email.as_str().to_owned();
            changed.email_verified = false;
            changed.updated_at = now;
            self.send_verification_mail(&changed, callback_url).await?;
            return Ok(ChangeEmailOutcome::Changed { user: changed });
        }

        if user.email_verified && config.confirm_with_current_email {
            let token = self.email_token(
                &user.email,
                &user.id,
                Some(new_email.as_str()),
                Some("change-email-confirmation"),
            );
            let url = format!(
                "{}/verify-email?token={token}&callbackURL={}",
                self.config.api_url,
                encode_component(callback_url.filter(|c| !c.is_empty()).unwrap_or("/"))
            );
            let expires = human_duration(self.config.email_verification.expires_in);
            let vars = [
                ("url", url.as_str()),
                ("name", user.name.as_str()),
                ("new_email", new_email.as_str()),
                ("expires_in", expires.as_str()),
            ];
            self.send_mail(MailKind::ChangeEmailConfirmation, &user.email, None, &vars).await?;
            return Ok(ChangeEmailOutcome::LinkSent);
        }

        let token = self.email_token(
            &user.email,
            &user.id,
            Some(new_email.as_str()),
            Some("change-email-verification"),
        );
        self.mail_verification_link(new_email.as_str(), &user.name, &token, callback_url).await?;
        Ok(ChangeEmailOutcome::LinkSent)
    }
}
