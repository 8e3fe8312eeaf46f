//! Log-safe renderings of personal data.

use std::fmt;

/// Displays an email as `j***@example.com`: enough to tell accounts apart in logs without
/// revealing the address.
pub struct MaskedEmail<'a>(pub &'a str);

impl fmt::Display for MaskedEmail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.split_once('@') {
            Some((local, domain)) => {
                let first = local.chars().next().unwrap_or('*');
                write!(f, "{first}***@{domain}")
            }
            None => f.write_str("***"),
        }
    }
}

impl fmt::Debug for MaskedEmail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::MaskedEmail;

    #[test]
    fn masks_the_local_part() {
        assert_eq!(MaskedEmail("john.doe@example.com").to_string(), "j***@example.com");
        assert_eq!(MaskedEmail("not-an-email").to_string(), "***");
        assert_eq!(MaskedEmail("@x.io").to_string(), "****@x.io");
    }
}

/// Masks every email address inside free text (errors from mail servers often quote the
/// recipient).
pub fn mask_emails(text: &str) -> String {
    text.split_inclusive(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | ',' | ';' | '"'))
        .map(|piece| {
            let (word, tail) = match piece.char_indices().last() {
                Some((i, c)) if !c.is_alphanumeric() && c != '.' && c != '@' => piece.split_at(i),
                _ => (piece, ""),
            };
            if word.contains('@') {
                format!("{}{tail}", MaskedEmail(word))
            } else {
                piece.to_owned()
            }
        })
        .collect()
}

#[cfg(test)]
mod mask_tests {
    use super::mask_emails;

    #[test]
    fn masks_addresses_in_text() {
        assert_eq!(
            mask_emails("550 5.1.1 <john.doe@example.com>: Recipient rejected"),
            "550 5.1.1 <j***@example.com>: Recipient rejected"
        );
        assert_eq!(mask_emails("no address here"), "no address here");
    }
}
