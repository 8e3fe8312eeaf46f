//! Message templates: a subject, a text part and an HTML part per [`MailKind`], with
//! `{{placeholders}}`. Defaults are compiled in; a deployer overrides any of them by putting
//! `<kind>.subject.txt`, `<kind>.txt` or `<kind>.html` in `MAIL_TEMPLATES_DIR`.
//! Values are HTML-escaped in the HTML part.

use std::collections::HashMap;
use std::path::Path;

use super::MailKind;

#[derive(Debug, Clone)]
struct Template {
    subject: String,
    text: String,
    html: String,
}

#[derive(Debug, Clone)]
pub struct MailTemplates {
    templates: HashMap<MailKind, Template>,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot read mail template {path}: {source}")]
pub struct TemplateError {
    path: String,
    source: std::io::Error,
}

fn default_template(kind: MailKind) -> Template {
    let (subject, text, html) = match kind {
        MailKind::Verification => (
            include_str!("../../templates/verification.subject.txt"),
            include_str!("../../templates/verification.txt"),
            include_str!("../../templates/verification.html"),
        ),
        MailKind::PasswordReset => (
            include_str!("../../templates/password-reset.subject.txt"),
            include_str!("../../templates/password-reset.txt"),
            include_str!("../../templates/password-reset.html"),
        ),
        MailKind::ChangeEmailConfirmation => (
            include_str!("../../templates/change-email-confirmation.subject.txt"),
            include_str!("../../templates/change-email-confirmation.txt"),
            include_str!("../../templates/change-email-confirmation.html"),
        ),
        MailKind::DeleteAccount => (
            include_str!("../../templates/delete-account.subject.txt"),
            include_str!("../../templates/delete-account.txt"),
            include_str!("../../templates/delete-account.html"),
        ),
        MailKind::Otp => (
            include_str!("../../templates/otp.subject.txt"),
            include_str!("../../templates/otp.txt"),
            include_str!("../../templates/otp.html"),
        ),
        MailKind::Invitation => (
            include_str!("../../templates/invitation.subject.txt"),
            include_str!("../../templates/invitation.txt"),
            include_str!("../../templates/invitation.html"),
        ),
    };
    Template { subject: subject.trim().to_owned(), text: text.to_owned(), html: html.to_owned() }
}

impl Default for MailTemplates {
    fn default() -> Self {
        Self { templates: MailKind::ALL.into_iter().map(|k| (k, default_template(k))).collect() }
    }
}

impl MailTemplates {
    /// The built-in templates, with any file found in `dir` taking precedence.
    pub fn load(dir: Option<&Path>) -> Result<Self, TemplateError> {
        let mut templates = Self::default();
        let Some(dir) = dir else { return Ok(templates) };
        for (kind, template) in &mut templates.templates {
            let read = |suffix: &str| -> Result<Option<String>, TemplateError> {
                let path = dir.join(format!("{}.{suffix}", kind.as_str()));
                match std::fs::read_to_string(&path) {
                    Ok(content) => Ok(Some(content)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(source) => Err(TemplateError { path: path.display().to_string(), source }),
                }
            };
            if let Some(subject) = read("subject.txt")? {
                template.subject = subject.trim().to_owned();
            }
            if let Some(text) = read("txt")? {
                template.text = text;
            }
            if let Some(html) = read("html")? {
                template.html = html;
            }
        }
        Ok(templates)
    }

    /// Renders (subject, text, html) with `vars`.
    pub fn render(&self, kind: MailKind, vars: &[(&str, &str)]) -> (String, String, String) {
        let template = self.templates.get(&kind).cloned().unwrap_or_else(|| default_template(kind));
        (
            fill(&template.subject, vars, false),
            fill(&template.text, vars, false),
            fill(&template.html, vars, true),
        )
    }
}

/// Replaces `{{name}}` (spaces inside the braces allowed) by its value; unknown names are
/// left as they are so a typo in a custom template shows up in the message.
fn fill(template: &str, vars: &[(&str, &str)], html: bool) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else { break };
        let name = rest[start + 2..start + 2 + len].trim();
        out.push_str(&rest[..start]);
        match vars.iter().find(|(k, _)| *k == name) {
            Some((_, value)) if html => out.push_str(&crate::html::escape(value)),
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[start..start + 4 + len]),
        }
        rest = &rest[start + 4 + len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_placeholders_and_escapes_html() {
        let t = MailTemplates::default();
        let (subject, text, html) = t.render(
            MailKind::Verification,
            &[
                ("app_name", "Acme <Auth>"),
                ("url", "https://x.io/v?a=1&b=2"),
                ("name", "Zoë"),
                ("email", "zoe@example.com"),
                ("expires_in", "1 hour"),
            ],
        );
        assert!(subject.contains("Acme <Auth>"));
        assert!(text.contains("\nhttps://x.io/v?a=1&b=2\n"), "link on its own line: {text}");
        assert!(html.contains("https://x.io/v?a=1&amp;b=2"));
        assert!(html.contains("Acme &lt;Auth&gt;"));
        assert!(!text.contains("{{"));
    }

    #[test]
    fn a_directory_overrides_single_parts() {
        let dir = std::env::temp_dir().join(format!("iam-templates-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("otp.subject.txt"), "Your code: {{ otp }}\n").unwrap();
        let t = MailTemplates::load(Some(&dir)).unwrap();
        let (subject, text, _) = t.render(MailKind::Otp, &[("otp", "123456")]);
        assert_eq!(subject, "Your code: 123456");
        assert!(text.contains("123456"), "default text part kept");
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(fill("{{unknown}} {{x", &[], false), "{{unknown}} {{x");
    }
}
