use std::time::Duration;

use async_trait::async_trait;
use iam_auth::mail::{MailError, Mailer, OutgoingMail};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How to talk to the server when it is given by parts (rather than `SMTP_URL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain text; only for a relay on localhost or inside a private network.
    None,
    /// Upgrade with STARTTLS (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

#[derive(Debug, Clone)]
pub enum SmtpConfig {
    /// lettre's URL form: `smtp://user:pass@host:587?tls=required`, `smtps://host:465`,
    /// `smtp://localhost:25`.
    Url(String),
    Parts {
        host: String,
        port: u16,
        security: SmtpSecurity,
        username: Option<String>,
        password: Option<String>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum SmtpSetupError {
    #[error("invalid SMTP settings: {0}")]
    Transport(#[from] lettre::transport::smtp::Error),
    #[error("invalid MAIL_FROM address: {0}")]
    From(#[from] lettre::address::AddressError),
}

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// `timeout` bounds each network operation with the server.
    pub fn new(config: &SmtpConfig, from: &str, timeout: Duration) -> Result<Self, SmtpSetupError> {
        let builder = match config {
            SmtpConfig::Url(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?,
            SmtpConfig::Parts { host, port, security, username, password } => {
                let builder = match security {
                    SmtpSecurity::None => {
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                    }
                    SmtpSecurity::StartTls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?
                    }
                    SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
                };
                let builder = builder.port(*port);
                match (username, password) {
                    (Some(user), Some(pass)) => {
                        builder.credentials(Credentials::new(user.clone(), pass.clone()))
                    }
                    _ => builder,
                }
            }
        };
        let transport = builder.timeout(Some(timeout)).build();
        Ok(Self { transport, from: from.parse()? })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: OutgoingMail) -> Result<(), MailError> {
        let to: Mailbox = mail.to.parse().map_err(|e| MailError(format!("bad recipient: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject)
            .multipart(MultiPart::alternative_plain_html(mail.text, mail.html))
            .map_err(|e| MailError(format!("cannot build the message: {e}")))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| MailError(e.to_string()))
    }
}
