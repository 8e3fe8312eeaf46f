use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use iam_auth::mail::{MailError, Mailer, OutgoingMail};
use iam_domain::redact::MaskedEmail;
use serde_json::json;

/// Writes each message as `<dir>/<millis>-<seq>.json` with `to`, `subject`, `text`, `html`,
/// `kind` (and `otpType` for codes). Files are written under a temporary name and renamed,
/// so a reader never sees half a message.
pub struct OutboxMailer {
    dir: PathBuf,
    sequence: AtomicU64,
}

impl OutboxMailer {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into(), sequence: AtomicU64::new(0) }
    }
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, mail: OutgoingMail) -> Result<(), MailError> {
        let fail = |what: &str, e: std::io::Error| MailError(format!("outbox: {what}: {e}"));
        tokio::fs::create_dir_all(&self.dir).await.map_err(|e| fail("create folder", e))?;
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let seq = self.sequence.fetch_add(1, Ordering::Relaxed);
        let name = format!("{millis:015}-{seq:06}-{:08x}.json", rand::random::<u32>());
        let mut body = json!({
            "to": mail.to,
            "subject": mail.subject,
            "text": mail.text,
            "html": mail.html,
            "kind": mail.kind.as_str(),
        });
        if let Some(otp_type) = mail.otp_type {
            body["otpType"] = json!(otp_type);
        }
        let temporary = self.dir.join(format!(".{name}.tmp"));
        let target = self.dir.join(&name);
        tokio::fs::write(&temporary, body.to_string()).await.map_err(|e| fail("write", e))?;
        tokio::fs::rename(&temporary, &target).await.map_err(|e| fail("rename", e))?;
        // Redacted: the file holds the link or code, the log line only where to find it.
        tracing::info!(
            to = %MaskedEmail(&mail.to),
            kind = mail.kind.as_str(),
            file = %target.display(),
            "mail written to the outbox folder (no SMTP server configured)"
        );
        Ok(())
    }
}
