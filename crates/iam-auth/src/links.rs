//! Building URLs for redirects and mailed links.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What JavaScript's `encodeURIComponent` leaves alone: `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
pub const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// `encodeURIComponent(value)`.
pub fn encode_component(value: &str) -> String {
    utf8_percent_encode(value, URI_COMPONENT).to_string()
}

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
