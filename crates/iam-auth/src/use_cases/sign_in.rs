//! `POST /sign-in/email`.

use iam_domain::values::Email;
use iam_domain::{AuthError, Session, User};

use crate::password::Verification;
use crate::service::{AuthService, ClientInfo};

impl AuthService {
    /// Checks email and password and opens a session. An unknown email, an account without
    /// a password and a wrong password all cost one hash verification and give the same
    /// error, so responses do not reveal which accounts exist.
    pub async fn sign_in_email(
        &self,
        email: &str,
        password: &str,
        remember_me: bool,
        callback_url: Option<&str>,
        client: &ClientInfo,
    ) -> Result<(User, Session), AuthError> {
        let email = Email::parse(email).ok_or(AuthError::InvalidEmail)?;
        self.config.password.check_offered(password)?;

        let found = self.repos.users.find_with_credential_by_email(email.as_str()).await?;
        let (user, account, stored) = match found {
            Some((user, Some(account))) => match account.password.clone() {
                Some(stored) => (user, account, stored),
                None => return self.refuse(password).await,
            },
            _ => return self.refuse(password).await,
        };

        match self.hasher.verify(password, &stored).await? {
            Verification::Mismatch => return Err(AuthError::InvalidEmailOrPassword),
            Verification::Match => {}
            Verification::MatchNeedsRehash => self.upgrade_hash(&account.id, password).await,
        }
        let verification = self.config.email_verification;
        if verification.require && !user.email_verified {
            if verification.send_on_sign_in {
                let _ = self.send_verification_mail(&user, Some(callback_url.unwrap_or("/"))).await;
            }
            return Err(AuthError::EmailNotVerified);
        }
        let session = self.create_session(&user.id, remember_me, client).await?;
        tracing::info!(user_id = %user.id, "user signed in");
        Ok((user, session))
    }

    async fn refuse<T>(&self, password: &str) -> Result<T, AuthError> {
        self.hasher.verify_decoy(password).await?;
        Err(AuthError::InvalidEmailOrPassword)
    }

    /// Re-hashes a password stored in an older format. Best effort: the user is signed in
    /// either way, and the next sign-in tries again.
    pub(crate) async fn upgrade_hash(&self, account_id: &str, password: &str) {
        let result = async {
            let hash = self.hasher.hash(password).await?;
            self.repos.accounts.update_password(account_id, &hash, self.clock.now()).await?;
            Ok::<_, AuthError>(())
        }
        .await;
        match result {
            Ok(()) => tracing::info!(account_id, "password hash upgraded"),
            Err(err) => tracing::warn!(account_id, error = %err, "password hash upgrade failed"),
        }
    }
}
