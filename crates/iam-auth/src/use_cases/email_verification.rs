//! Email verification with Better Auth's stateless links: an HS256 JWT signed with the
//! secret, `{email, userId, updateTo?, requestType?, iat, exp}`, so links sent by a Better
//! Auth deployment keep working here and the other way round.

use iam_domain::values::Email;
use iam_domain::{AuthError, RepoError, Session, User};
use serde_json::{Map, Value};

use crate::crypto::JwtError;
use crate::mail::MailKind;
use crate::service::{AuthService, ClientInfo};
use crate::sessions::VerifiedSession;
use crate::use_cases::mailing::{encode_component, human_duration};

/// What opening a verification link did.
#[derive(Debug)]
pub enum LinkOutcome {
    /// The address is verified. `session` is set when auto sign-in opened one.
    Verified { user: User, session: Option<Box<Session>> },
    /// The current address approved a change of email; a link went to the new address.
    ChangeApproved,
    /// The email changed.
    EmailChanged { user: User },
}

const CHANGE_CONFIRMATION: &str = "change-email-confirmation";
const CHANGE_VERIFICATION: &str = "change-email-verification";

impl AuthService {
    /// A signed verification token for `email` (and a pending change to `update_to`).
    pub(crate) fn email_token(
        &self,
        email: &str,
        user_id: &str,
        update_to: Option<&str>,
        request_type: Option<&str>,
    ) -> String {
        let now = self.clock.now().timestamp();
        let expires = now + self.config.email_verification.expires_in.num_seconds();
        let mut claims = Map::new();
        claims.insert("email".into(), Value::from(email));
        if let Some(update_to) = update_to {
            claims.insert("updateTo".into(), Value::from(update_to));
        }
        claims.insert("userId".into(), Value::from(user_id));
        if let Some(request_type) = request_type {
            claims.insert("requestType".into(), Value::from(request_type));
        }
        claims.insert("iat".into(), Value::from(now));
        claims.insert("exp".into(), Value::from(expires));
        self.verifier.signer().sign_jwt(&claims)
    }

    /// Mails `to` a link that opens `/verify-email` with `token`.
    pub(crate) async fn mail_verification_link(
        &self,
        to: &str,
        name: &str,
        token: &str,
        callback_url: Option<&str>,
    ) -> Result<(), AuthError> {
        let url = format!(
            "{}/verify-email?token={token}&callbackURL={}",
            self.config.api_url,
            encode_component(callback_url.filter(|c| !c.is_empty()).unwrap_or("/"))
        );
        let expires = human_duration(self.config.email_verification.expires_in);
        let vars = [("url", url.as_str()), ("name", name), ("email", to), ("expires_in", &expires)];
        self.send_mail(MailKind::Verification, to, None, &vars).await
    }

    /// Mails `user` a link that verifies their current address.
    pub async fn send_verification_mail(
        &self,
        user: &User,
        callback_url: Option<&str>,
    ) -> Result<(), AuthError> {
        let token = self.email_token(&user.email, &user.id, None, None);
        self.mail_verification_link(&user.email, &user.name, &token, callback_url).await
    }

    /// `POST /send-verification-email`. Signed in: the address must be the caller's and
    /// not verified yet. Signed out: the same answer whatever the address, after at least
    /// 500 ms, so the response says nothing about which accounts exist.
    pub async fn request_verification_mail(
        &self,
        email: &Email,
        callback_url: Option<&str>,
        signed_in: Option<&User>,
    ) -> Result<(), AuthError> {
        if let Some(user) = signed_in {
            if user.email != email.as_str() {
                return Err(AuthError::EmailMismatch);
            }
            if user.email_verified {
                return Err(AuthError::EmailAlreadyVerified);
            }
            return self.send_verification_mail(user, callback_url).await;
        }
        let floor = tokio::time::Instant::now() + std::time::Duration::from_millis(500);
        if let Some(user) = self.repos.users.find_by_email(email.as_str()).await?
            && !user.email_verified
        {
            // Failure is logged by send_mail; telling the client would reveal the account.
            let _ = self.send_verification_mail(&user, callback_url).await;
        }
        tokio::time::sleep_until(floor).await;
        Ok(())
    }

    /// `GET /verify-email?token=`: checks the link and applies what it stands for.
    pub async fn open_verification_link(
        &self,
        token: &str,
        callback_url: Option<&str>,
        current: Option<&VerifiedSession>,
        client: &ClientInfo,
    ) -> Result<LinkOutcome, AuthError> {
        let claims =
            self.verifier.signer().verify_jwt(token, self.clock.now().timestamp()).map_err(
                |e| match e {
                    JwtError::Invalid => AuthError::InvalidToken,
                    JwtError::Expired => AuthError::TokenExpired,
                },
            )?;
        let claim = |key: &str| claims.get(key).and_then(Value::as_str);
        let email = claim("email").ok_or(AuthError::InvalidToken)?.to_lowercase();
        let user = self.repos.users.find_by_email(&email).await?.ok_or(AuthError::UserNotFound)?;
        if claim("userId").is_some_and(|id| id != user.id) {
            return Err(AuthError::InvalidUser);
        }
        let update_to = claim("updateTo").map(str::to_lowercase);
        // A change-of-email link opened in someone else's signed-in browser is refused, as
        // in Better Auth.
        if update_to.is_some() && current.is_some_and(|c| c.user.id != user.id) {
            return Err(AuthError::InvalidUser);
        }

        match (claim("requestType"), update_to) {
            (Some(CHANGE_CONFIRMATION), Some(new_email)) => {
                // The current address said yes; now the new one must prove it is theirs.
                let token = self.email_token(
                    &user.email,
                    &user.id,
                    Some(&new_email),
                    Some(CHANGE_VERIFICATION),
                );
                self.mail_verification_link(&new_email, &user.name, &token, callback_url).await?;
                Ok(LinkOutcome::ChangeApproved)
            }
            (request_type, Some(new_email)) => {
                // Legacy tokens (no request type) also reset the verified flag and ask for a
                // verification of the new address, as Better Auth does.
                let legacy = request_type != Some(CHANGE_VERIFICATION);
                let verified = if legacy { Some(false) } else { None };
                let now = self.clock.now();
                match self.repos.users.update_email(&user.id, &new_email, verified, now).await {
                    Err(RepoError::Conflict) => return Err(AuthError::EmailAlreadyInUse),
                    other => other?,
                }
                let mut changed = user.clone();
                changed.email.clone_from(&new_email);
                changed.updated_at = now;
                if let Some(v) = verified {
                    changed.email_verified = v;
                }
                tracing::info!(user_id = %user.id, "email changed");
                if legacy {
                    let _ = self.send_verification_mail(&changed, callback_url).await;
                }
                Ok(LinkOutcome::EmailChanged { user: changed })
            }
            (_, None) => self.verify_address(user, current, client).await,
        }
    }

    async fn verify_address(
        &self,
        mut user: User,
        current: Option<&VerifiedSession>,
        client: &ClientInfo,
    ) -> Result<LinkOutcome, AuthError> {
        if user.email_verified {
            return Ok(LinkOutcome::Verified { user, session: None });
        }
        let now = self.clock.now();
        self.repos.users.set_email_verified(&user.id, true, now).await?;
        user.email_verified = true;
        user.updated_at = now;
        tracing::info!(user_id = %user.id, "email verified");
        let signed_in_as_user = current.is_some_and(|c| c.user.id == user.id);
        let session = if self.config.email_verification.auto_sign_in_after_verification
            && !signed_in_as_user
        {
            Some(self.create_session(&user.id, true, client).await?)
        } else {
            None
        };
        Ok(LinkOutcome::Verified { user, session: session.map(Box::new) })
    }
}
