//! Rendering and sending one message, within the mail timeout, with redacted logs.

use chrono::Duration;
use iam_domain::AuthError;
use iam_domain::redact::{MaskedEmail, mask_emails};

use crate::mail::{MailKind, OutgoingMail};
use crate::service::AuthService;

impl AuthService {
    /// Sends a templated message. `vars` fill the template (`app_name` is added). A failure
    /// or a timeout is logged without the address or the body and reported as
    /// [`AuthError::FailedToSendEmail`]; callers decide whether the client may learn of it.
    pub(crate) async fn send_mail(
        &self,
        kind: MailKind,
        to: &str,
        otp_type: Option<&'static str>,
        vars: &[(&str, &str)],
    ) -> Result<(), AuthError> {
        let mut all = Vec::with_capacity(vars.len() + 1);
        all.extend_from_slice(vars);
        all.push(("app_name", self.config.app_name.as_str()));
        let (subject, text, html) = self.templates.render(kind, &all);
        let mail = OutgoingMail { to: to.to_owned(), subject, text, html, kind, otp_type };
        let to = MaskedEmail(to);
        match tokio::time::timeout(self.config.mail_timeout, self.mailer.send(mail)).await {
            Ok(Ok(())) => {
                tracing::info!(kind = kind.as_str(), %to, "mail sent");
                Ok(())
            }
            Ok(Err(err)) => {
                let error = mask_emails(&err.0);
                tracing::warn!(kind = kind.as_str(), %to, %error, "mail could not be sent");
                Err(AuthError::FailedToSendEmail)
            }
            Err(_) => {
                let after = self.config.mail_timeout;
                tracing::warn!(kind = kind.as_str(), %to, ?after, "mail send timed out");
                Err(AuthError::FailedToSendEmail)
            }
        }
    }
}

/// "1 hour", "5 minutes", "1 day": for the "expires in" line of messages.
pub(crate) fn human_duration(d: Duration) -> String {
    let secs = d.num_seconds();
    let (n, unit) = if secs % 86_400 == 0 && secs >= 86_400 {
        (secs / 86_400, "day")
    } else if secs % 3_600 == 0 && secs >= 3_600 {
        (secs / 3_600, "hour")
    } else if secs % 60 == 0 && secs >= 60 {
        (secs / 60, "minute")
    } else {
        (secs, "second")
    };
    if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") }
}

pub(crate) use crate::links::encode_component;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(Duration::hours(1)), "1 hour");
        assert_eq!(human_duration(Duration::minutes(5)), "5 minutes");
        assert_eq!(human_duration(Duration::days(1)), "1 day");
        assert_eq!(human_duration(Duration::seconds(90)), "90 seconds");
        assert_eq!(encode_component("/a b?c=d&e"), "%2Fa%20b%3Fc%3Dd%26e");
    }
}
