//! Building URLs for redirects and mailed links.

/// `url` with `key=value` appended to its query string (value form-encoded).
pub fn with_query(url: &str, key: &str, value: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    let value: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    format!("{url}{separator}{key}={value}")
}

#[cfg(test)]
mod tests {
    use super::with_query;

    #[test]
    fn appends_to_the_query() {
        assert_eq!(with_query("/done", "error", "INVALID_TOKEN"), "/done?error=INVALID_TOKEN");
        assert_eq!(with_query("/x?a=1", "token", "a b"), "/x?a=1&token=a+b");
    }
}
