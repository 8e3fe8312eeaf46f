//! `POST /sign-up/email`.

use iam_domain::values::{Email, ImageUrl, UserName};
use iam_domain::{Account, AuthError, RepoError, Session, User};

use crate::crypto::generate_id;
use crate::service::{AuthService, ClientInfo};

#[derive(Debug)]
pub struct SignUp {
    pub name: UserName,
    pub email: Email,
    pub password: String,
    pub image: Option<ImageUrl>,
    pub remember_me: bool,
    /// Where the verification link leads once opened.
    pub callback_url: Option<String>,
}

#[derive(Debug)]
pub struct SignUpOutcome {
    pub user: User,
    /// `None` when auto sign-in is off.
    pub session: Option<Session>,
}

impl AuthService {
    /// Creates the user and its credential account in one transaction, then (with auto
    /// sign-in) a session. A taken email is a 422, also when two sign-ups race, except when
    /// sign-up does not sign in (email verification required, or auto sign-in off): then
    /// Better Auth answers with a look-alike user, so the response reveals nothing.
    pub async fn sign_up(
        &self,
        input: SignUp,
        client: &ClientInfo,
    ) -> Result<SignUpOutcome, AuthError> {
        if !self.config.sign_up_enabled {
            return Err(AuthError::EmailPasswordSignUpDisabled);
        }
        self.config.password.check_new(&input.password)?;
        let verification = self.config.email_verification;
        let conceal_duplicates = verification.require || !self.config.auto_sign_in;
        if self.repos.users.find_by_email(input.email.as_str()).await?.is_some() {
            if conceal_duplicates {
                // Spend the hashing time a real sign-up spends.
                self.hasher.hash(&input.password).await?;
                return Ok(self.look_alike_sign_up(&input));
            }
            return Err(AuthError::UserAlreadyExistsUseAnotherEmail);
        }
        let hash = self.hasher.hash(&input.password).await?;

        let now = self.clock.now();
        let user = User {
            id: generate_id(),
            name: input.name.clone().into_string(),
            email: input.email.as_str().to_owned(),
            email_verified: false,
            image: input.image.clone().map(ImageUrl::into_string),
            created_at: now,
            updated_at: now,
        };
        let account = Account::credential(generate_id(), &user.id, hash, now);
        let personal = self.personal_organization(&user);
        match self.repos.users.create_with_account(&user, &account, personal.as_ref()).await {
            Ok(()) => {}
            Err(RepoError::Conflict) if conceal_duplicates => {
                return Ok(self.look_alike_sign_up(&input));
            }
            Err(RepoError::Conflict) => return Err(AuthError::UserAlreadyExistsUseAnotherEmail),
            Err(err) => {
                return Err(AuthError::internal(
                    "Failed to create user",
                    "FAILED_TO_CREATE_USER",
                    err,
                ));
            }
        }
        tracing::info!(user_id = %user.id, "user signed up");

        if verification.send_on_sign_up || verification.require {
            // The account exists either way; a failed mail is logged, and the user can ask
            // for another link.
            let _ = self.send_verification_mail(&user, input.callback_url.as_deref()).await;
        }
        let session = if self.config.auto_sign_in && !verification.require {
            Some(self.create_session(&user.id, input.remember_me, client).await?)
        } else {
            None
        };
        Ok(SignUpOutcome { user, session })
    }
}

impl AuthService {
    fn look_alike_sign_up(&self, input: &SignUp) -> SignUpOutcome {
        let now = self.clock.now();
        let user = User {
            id: generate_id(),
            name: input.name.clone().into_string(),
            email: input.email.as_str().to_owned(),
            email_verified: false,
            image: None,
            created_at: now,
            updated_at: now,
        };
        SignUpOutcome { user, session: None }
    }
}
