use validator::ValidateEmail;

/// A syntactically valid email address, lower-cased as Better Auth stores it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Validates and lower-cases an address. Besides `validator`'s RFC checks this requires a
    /// dotted domain with an alphabetic top-level label, as the zod schema Better Auth uses does
    /// (`a@localhost` is refused by Better Auth, so it is refused here too).
    pub fn parse(raw: &str) -> Option<Self> {
        if !raw.validate_email() {
            return None;
        }
        let (local, domain) = raw.rsplit_once('@')?;
        let tld = domain.rsplit_once('.').map(|(_, tld)| tld)?;
        let tld_ok = tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic());
        let local_ok = !local.starts_with('.') && !local.ends_with('.') && !local.contains("..");
        (tld_ok && local_ok).then(|| Self(raw.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Email({})", crate::redact::MaskedEmail(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn lower_cases_valid_addresses() {
        assert_eq!(Email::parse("Alice@Example.com").unwrap().as_str(), "alice@example.com");
        assert!(Email::parse("a.b+tag@sub.example.org").is_some());
    }

    #[test]
    fn refuses_invalid_addresses() {
        for bad in [
            "",
            "plain",
            "a@",
            "@b.com",
            "a@localhost",
            "a@b.c",
            "a..b@x.com",
            "a @x.com",
            "a@x.123",
        ] {
            assert!(Email::parse(bad).is_none(), "{bad:?} should be invalid");
        }
    }

    #[test]
    fn debug_masks_the_address() {
        let e = Email::parse("john@example.com").unwrap();
        assert_eq!(format!("{e:?}"), "Email(j***@example.com)");
    }
}
