//! Implementations of [`iam_auth::mail::Mailer`]:
//! - [`SmtpMailer`]: SMTP with lettre (pooled connections; STARTTLS, implicit TLS, or plain
//!   for a local relay);
//! - [`OutboxMailer`]: the development default, one JSON file per message in a folder, so
//!   a person running without SMTP can still open their links;
//! - [`NoMailer`]: refuses to send (production without a mail server).

mod outbox;
mod smtp;

use async_trait::async_trait;
use iam_auth::mail::{MailError, Mailer, OutgoingMail};

pub use outbox::OutboxMailer;
pub use smtp::{SmtpConfig, SmtpMailer, SmtpSecurity, SmtpSetupError};

/// A mailer for deployments with no mail server: every send fails (and is logged).
#[derive(Debug, Default)]
pub struct NoMailer;

#[async_trait]
impl Mailer for NoMailer {
    async fn send(&self, _mail: OutgoingMail) -> Result<(), MailError> {
        Err(MailError("no mail server is configured (set SMTP_URL or SMTP_HOST)".to_owned()))
    }
}
