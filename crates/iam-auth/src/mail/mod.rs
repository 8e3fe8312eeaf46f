//! Outgoing mail: one [`Mailer`] port, message kinds, and templates.
//!
//! The auth service renders a message from a template and hands it to whatever mailer the
//! binary composed (SMTP, or the development outbox folder; `iam-mail`). Sending is bounded
//! by a timeout so a slow or dead SMTP server cannot hold a request.

mod templates;

use std::fmt;

use async_trait::async_trait;
use iam_domain::redact::MaskedEmail;

pub use templates::{MailTemplates, TemplateError};

/// What a message is for; also the template name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailKind {
    Verification,
    PasswordReset,
    ChangeEmailConfirmation,
    DeleteAccount,
    Otp,
    Invitation,
}

impl MailKind {
    pub const ALL: [MailKind; 6] = [
        Self::Verification,
        Self::PasswordReset,
        Self::ChangeEmailConfirmation,
        Self::DeleteAccount,
        Self::Otp,
        Self::Invitation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verification => "verification",
            Self::PasswordReset => "password-reset",
            Self::ChangeEmailConfirmation => "change-email-confirmation",
            Self::DeleteAccount => "delete-account",
            Self::Otp => "otp",
            Self::Invitation => "invitation",
        }
    }
}

/// A rendered message, ready to send.
#[derive(Clone)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub kind: MailKind,
    /// For one-time codes: which flow the code is for (`sign-in`, `forget-password`, ...).
    pub otp_type: Option<&'static str>,
}

impl fmt::Debug for OutgoingMail {
    // The body holds links with tokens or codes: never print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutgoingMail")
            .field("to", &MaskedEmail(&self.to))
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MailError(pub String);

#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, mail: OutgoingMail) -> Result<(), MailError>;
}
