use validator::{ValidateLength, ValidateUrl};

/// A profile image reference: an absolute URL (https, or a `data:` URI) of bounded size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageUrl(String);

impl ImageUrl {
    pub const MAX_CHARS: u64 = 8192;

    pub fn parse(raw: &str) -> Option<Self> {
        (raw.validate_length(None, Some(Self::MAX_CHARS), None)
            && !raw.chars().any(char::is_control)
            && raw.validate_url())
        .then(|| Self(raw.to_owned()))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::ImageUrl;

    #[test]
    fn accepts_absolute_urls_only() {
        assert!(ImageUrl::parse("https://cdn.example.com/a.png").is_some());
        assert!(ImageUrl::parse("data:image/png;base64,AAAA").is_some());
        assert!(ImageUrl::parse("not a url").is_none());
        assert!(ImageUrl::parse(&format!("https://x.io/{}", "a".repeat(9000))).is_none());
    }
}
