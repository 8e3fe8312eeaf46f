//! Better Auth's email-OTP plugin: six-digit codes by mail for sign-in, email verification,
//! password reset and change of email.
//!
//! Codes live in the `verification` table as Better Auth keeps them: identifier
//! `<type>-otp-<email>`, value `<code or its hash>:<failed attempts>`. Three wrong guesses
//! void a code. Attempt counting and redemption are compare-and-set updates, so concurrent
//! guesses cannot get more tries than allowed or redeem one code twice.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use iam_domain::values::{Email, ImageUrl, UserName};
use iam_domain::{AuthError, PasswordReset, RepoError, Session, User};
use rand::RngExt;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::config::OtpStorage;
use crate::crypto::generate_id;
use crate::mail::MailKind;
use crate::service::{AuthService, ClientInfo};
use crate::use_cases::mailing::human_duration;

/// What a code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtpType {
    EmailVerification,
    SignIn,
    ForgetPassword,
    ChangeEmail,
}

impl OtpType {
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "email-verification" => Self::EmailVerification,
            "sign-in" => Self::SignIn,
            "forget-password" => Self::ForgetPassword,
            "change-email" => Self::ChangeEmail,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::EmailVerification => "email-verification",
            Self::SignIn => "sign-in",
            Self::ForgetPassword => "forget-password",
            Self::ChangeEmail => "change-email",
        }
    }

    fn purpose(self) -> &'static str {
        match self {
            Self::EmailVerification => "verify your email address",
            Self::SignIn => "sign in",
            Self::ForgetPassword => "reset your password",
            Self::ChangeEmail => "confirm your new email address",
        }
    }
}

fn identifier(kind: OtpType, email: &str) -> String {
    format!("{}-otp-{email}", kind.as_str())
}

fn change_email_identifier(user_id: &str, new_email: &str) -> String {
    format!("change-email-otp-{user_id}:{new_email}")
}

impl AuthService {
    fn stored_form(&self, otp: &str) -> String {
        match self.config.email_otp.storage {
            OtpStorage::Hashed => URL_SAFE_NO_PAD.encode(Sha256::digest(otp.as_bytes())),
            OtpStorage::Plain => otp.to_owned(),
        }
    }

    /// Creates a fresh code under `identifier` (replacing any earlier one) and returns it.
    async fn issue_otp(&self, identifier: String) -> Result<String, AuthError> {
        let otp: String = {
            let mut rng = rand::rng();
            (0..self.config.email_otp.length)
                .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
                .collect()
        };
        self.repos.verifications.delete_by_identifier(&identifier).await?;
        let value = format!("{}:0", self.stored_form(&otp));
        let row = self.new_verification(identifier, value, self.config.email_otp.expires_in);
        self.repos.verifications.create(&row).await?;
        Ok(otp)
    }

    async fn mail_otp(&self, to: &str, kind: OtpType, otp: &str) -> Result<(), AuthError> {
        let expires = human_duration(self.config.email_otp.expires_in);
        let vars = [("otp", otp), ("purpose", kind.purpose()), ("expires_in", expires.as_str())];
        self.send_mail(MailKind::Otp, to, Some(kind.as_str()), &vars).await
    }

    /// Checks a code; a wrong one counts an attempt, a right one is redeemed when `consume`.
    async fn check_otp(&self, identifier: &str, otp: &str, consume: bool) -> Result<(), AuthError> {
        let now = self.clock.now();
        let Some(row) = self.repos.verifications.find_by_identifier(identifier).await? else {
            return Err(AuthError::InvalidOtp);
        };
        if row.is_expired(now) {
            self.repos.verifications.delete_by_identifier(identifier).await?;
            return Err(AuthError::OtpExpired);
        }
        let Some((stored, attempts)) = row.value.rsplit_once(':') else {
            return Err(AuthError::InvalidOtp);
        };
        let attempts: u32 = attempts.parse().map_err(|_| AuthError::InvalidOtp)?;
        if attempts >= self.config.email_otp.allowed_attempts {
            self.repos.verifications.delete_by_identifier(identifier).await?;
            return Err(AuthError::TooManyAttempts);
        }
        let offered = self.stored_form(otp);
        if !bool::from(offered.as_bytes().ct_eq(stored.as_bytes())) {
            let counted = format!("{stored}:{}", attempts + 1);
            self.repos.verifications.compare_and_set(&row.id, &row.value, &counted, now).await?;
            return Err(AuthError::InvalidOtp);
        }
        if consume && !self.repos.verifications.delete_if_value(&row.id, &row.value).await? {
            return Err(AuthError::InvalidOtp); // redeemed concurrently
        }
        Ok(())
    }

    /// `POST /email-otp/send-verification-otp`. Unknown addresses get the same answer;
    /// a sign-in code goes out anyway when sign-up by code is allowed.
    pub async fn send_verification_otp(
        &self,
        email: &Email,
        kind: OtpType,
    ) -> Result<(), AuthError> {
        if kind == OtpType::ChangeEmail {
            return Err(AuthError::InvalidOtpType);
        }
        let id = identifier(kind, email.as_str());
        let otp = self.issue_otp(id.clone()).await?;
        let known = self.repos.users.find_by_email(email.as_str()).await?.is_some();
        let sends_anyway = kind == OtpType::SignIn && self.otp_sign_up_allowed();
        if !known && !sends_anyway {
            self.repos.verifications.delete_by_identifier(&id).await?;
            return Ok(());
        }
        if let Err(err) = self.mail_otp(email.as_str(), kind, &otp).await {
            self.repos.verifications.delete_by_identifier(&id).await?;
            // Reporting the failure for other kinds would reveal that the account exists.
            if kind == OtpType::SignIn {
                return Err(err);
            }
        }
        Ok(())
    }

    fn otp_sign_up_allowed(&self) -> bool {
        self.config.sign_up_enabled && !self.config.email_otp.disable_sign_up
    }

    /// `POST /email-otp/check-verification-otp`: checks without redeeming.
    pub async fn check_verification_otp(
        &self,
        email: &Email,
        kind: OtpType,
        otp: &str,
    ) -> Result<(), AuthError> {
        if self.repos.users.find_by_email(email.as_str()).await?.is_none() {
            return Err(AuthError::UserNotFound);
        }
        self.check_otp(&identifier(kind, email.as_str()), otp, false).await
    }

    /// `POST /email-otp/verify-email`: marks the address verified (and signs in when
    /// auto sign-in after verification is on).
    pub async fn verify_email_otp(
        &self,
        email: &Email,
        otp: &str,
        client: &ClientInfo,
    ) -> Result<(User, Option<Session>), AuthError> {
        self.check_otp(&identifier(OtpType::EmailVerification, email.as_str()), otp, true).await?;
        let mut user =
            self.repos.users.find_by_email(email.as_str()).await?.ok_or(AuthError::UserNotFound)?;
        let now = self.clock.now();
        self.repos.users.set_email_verified(&user.id, true, now).await?;
        user.email_verified = true;
        user.updated_at = now;
        let session = if self.config.email_verification.auto_sign_in_after_verification {
            Some(self.create_session(&user.id, true, client).await?)
        } else {
            None
        };
        Ok((user, session))
    }

    /// `POST /sign-in/email-otp`: signs in, creating the user when allowed. An existing
    /// account whose address was never verified is first stripped of every way in (accounts,
    /// sessions): the code proves the address, whoever registered it before may not be its
    /// owner.
    pub async fn sign_in_email_otp(
        &self,
        email: &Email,
        otp: &str,
        name: Option<UserName>,
        image: Option<ImageUrl>,
        client: &ClientInfo,
    ) -> Result<(User, Session), AuthError> {
        self.check_otp(&identifier(OtpType::SignIn, email.as_str()), otp, true).await?;
        let now = self.clock.now();
        let user = match self.repos.users.find_by_email(email.as_str()).await? {
            Some(mut user) if !user.email_verified => {
                self.repos.users.secure_unproven_account(&user.id, now).await?;
                user.email_verified = true;
                user.updated_at = now;
                tracing::info!(user_id = %user.id, "unverified account secured by email code");
                user
            }
            Some(user) => user,
            None if !self.otp_sign_up_allowed() => return Err(AuthError::InvalidOtp),
            None => {
                let user = User {
                    id: generate_id(),
                    name: name.map(UserName::into_string).unwrap_or_default(),
                    email: email.as_str().to_owned(),
                    email_verified: true,
                    image: image.map(ImageUrl::into_string),
                    created_at: now,
                    updated_at: now,
                };
                let personal = self.personal_organization(&user);
                match self.repos.users.create(&user, personal.as_ref()).await {
                    Err(RepoError::Conflict) => return Err(AuthError::InvalidOtp),
                    other => other.map_err(|e| {
                        AuthError::internal("Failed to create user", "FAILED_TO_CREATE_USER", e)
                    })?,
                }
                tracing::info!(user_id = %user.id, "user signed up by email code");
                user
            }
        };
        let session = self.create_session(&user.id, true, client).await?;
        Ok((user, session))
    }

    /// `POST /email-otp/request-password-reset`: always the same answer.
    pub async fn request_password_reset_otp(&self, email: &Email) -> Result<(), AuthError> {
        self.send_verification_otp(email, OtpType::ForgetPassword).await
    }

    /// `POST /email-otp/reset-password`: sets the password (creating the credential if
    /// needed), marks the email verified, and honours session revocation on reset.
    pub async fn reset_password_otp(
        &self,
        email: &Email,
        otp: &str,
        new_password: &str,
    ) -> Result<(), AuthError> {
        self.config.password.check_new(new_password)?;
        self.check_otp(&identifier(OtpType::ForgetPassword, email.as_str()), otp, true).await?;
        let user =
            self.repos.users.find_by_email(email.as_str()).await?.ok_or(AuthError::UserNotFound)?;
        let hash = self.hasher.hash(new_password).await?;
        let reset = PasswordReset {
            user_id: &user.id,
            password_hash: &hash,
            consume_verification: None,
            new_credential_id: &generate_id(),
            revoke_sessions: self.config.password_reset.revoke_sessions,
            mark_email_verified: true,
            now: self.clock.now(),
        };
        self.repos.accounts.reset_password(&reset).await?;
        tracing::info!(user_id = %user.id, "password reset by email code");
        Ok(())
    }

    /// `POST /email-otp/request-email-change`: mails a code to the new address.
    pub async fn request_email_change_otp(
        &self,
        user: &User,
        new_email: &Email,
        current_otp: Option<&str>,
    ) -> Result<(), AuthError> {
        let config = self.config.email_otp;
        if !config.change_email_enabled {
            return Err(AuthError::ChangeEmailOtpDisabled);
        }
        if new_email.as_str() == user.email {
            return Err(AuthError::EmailIsTheSame);
        }
        if config.change_email_verify_current {
            let otp = current_otp.ok_or(AuthError::InvalidOtp)?;
            let current = identifier(OtpType::EmailVerification, &user.email);
            self.check_otp(&current, otp, true).await?;
        }
        let id = change_email_identifier(&user.id, new_email.as_str());
        let otp = self.issue_otp(id.clone()).await?;
        if self.repos.users.find_by_email(new_email.as_str()).await?.is_some() {
            self.repos.verifications.delete_by_identifier(&id).await?;
            return Ok(());
        }
        if let Err(err) = self.mail_otp(new_email.as_str(), OtpType::ChangeEmail, &otp).await {
            self.repos.verifications.delete_by_identifier(&id).await?;
            return Err(err);
        }
        Ok(())
    }

    /// `POST /email-otp/change-email`: the code from the new address changes the email,
    /// which is then verified.
    pub async fn change_email_otp(
        &self,
        user: &User,
        new_email: &Email,
        otp: &str,
    ) -> Result<User, AuthError> {
        if !self.config.email_otp.change_email_enabled {
            return Err(AuthError::ChangeEmailOtpDisabled);
        }
        self.check_otp(&change_email_identifier(&user.id, new_email.as_str()), otp, true).await?;
        let now = self.clock.now();
        match self.repos.users.update_email(&user.id, new_email.as_str(), Some(true), now).await {
            Err(RepoError::Conflict) => return Err(AuthError::EmailAlreadyInUse),
            other => other?,
        }
        let mut changed = user.clone();
        changed.email = new_email.as_str().to_owned();
        changed.email_verified = true;
        changed.updated_at = now;
        tracing::info!(user_id = %user.id, "email changed by code");
        Ok(changed)
    }
}
