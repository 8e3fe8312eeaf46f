//! Which origins and redirect targets the server trusts (Better Auth's `trustedOrigins`).
//!
//! An entry is an origin (`https://app.example.com`), compared by exact string equality with
//! the URL's origin, as Better Auth does (so a trailing slash never matches); or a wildcard
//! pattern (`*.example.com` against the host, `https://*.example.com` against the origin); or
//! a custom-scheme prefix (`myapp://`). Relative callback URLs are allowed when they cannot
//! escape the site.

use url::Url;

#[derive(Debug, Clone, Default)]
pub struct TrustedOrigins {
    entries: Vec<String>,
}

impl TrustedOrigins {
    /// The base URL's origin plus the configured extra entries (blank ones skipped).
    pub fn new(base_url: &Url, extra: impl IntoIterator<Item = String>) -> Self {
        let mut entries = vec![base_url.origin().ascii_serialization()];
        for entry in extra {
            let entry = entry.trim().to_owned();
            if !entry.is_empty() && !entries.contains(&entry) {
                entries.push(entry);
            }
        }
        Self { entries }
    }

    /// Whether a request's `Origin`/`Referer` (any URL) comes from a trusted origin.
    pub fn is_trusted(&self, url: &str) -> bool {
        if url.starts_with('/') {
            return false;
        }
        self.entries.iter().any(|pattern| matches_pattern(url, pattern))
    }

    /// Whether a callback/redirect URL may be used: a safe relative path or a trusted URL.
    pub fn allows_redirect(&self, url: &str) -> bool {
        if url.starts_with('/') {
            return is_safe_relative_path(url);
        }
        self.is_trusted(url)
    }
}

fn matches_pattern(url: &str, pattern: &str) -> bool {
    let Ok(parsed) = Url::parse(url) else {
        return false;
    };
    let is_web = matches!(parsed.scheme(), "http" | "https");
    let wildcard = pattern.contains('*') || pattern.contains('?');
    if !wildcard {
        if is_web {
            return pattern == parsed.origin().ascii_serialization();
        }
        // Custom schemes (`myapp://callback`): prefix match on the normalised URL.
        return pattern.contains("://") && parsed.as_str().starts_with(pattern);
    }
    if pattern.contains("://") {
        if is_web {
            glob(pattern, &parsed.origin().ascii_serialization())
        } else {
            parsed.username().is_empty() && glob(pattern, parsed.as_str())
        }
    } else {
        parsed.host_str().is_some_and(|host| glob(pattern, host))
    }
}

/// `*` matches any run of characters, `?` one character.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// A path on this site only: no scheme-relative `//host`, no backslashes (browsers treat them
/// as slashes), no control characters, no encoded slashes that could be decoded later.
fn is_safe_relative_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
        && !lower.contains("%2f")
        && !lower.contains("%5c")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origins(extra: &[&str]) -> TrustedOrigins {
        let base = Url::parse("http://localhost:3000/api/auth").unwrap();
        TrustedOrigins::new(&base, extra.iter().map(|s| s.to_string()))
    }

    #[test]
    fn exact_origins_match_only_exactly() {
        let o = origins(&["https://app.example.com", "http://localhost:5173/"]);
        assert!(o.is_trusted("http://localhost:3000"));
        assert!(o.is_trusted("http://localhost:3000/some/page?x=1"));
        assert!(o.is_trusted("https://app.example.com/dash"));
        assert!(!o.is_trusted("https://evil.com"));
        assert!(!o.is_trusted("http://localhost:3001"));
        // A trusted entry with a trailing slash never matches (Better Auth behaves the same).
        assert!(!o.is_trusted("http://localhost:5173"));
        assert!(!o.is_trusted("null"));
    }

    #[test]
    fn wildcards_and_custom_schemes() {
        let o = origins(&["*.example.com", "https://*.trusted.io", "myapp://"]);
        assert!(o.is_trusted("https://a.example.com"));
        assert!(o.is_trusted("http://b.example.com/x"));
        assert!(!o.is_trusted("https://example.org"));
        assert!(o.is_trusted("https://x.trusted.io"));
        assert!(!o.is_trusted("http://x.trusted.io"));
        assert!(o.is_trusted("myapp://callback"));
    }

    #[test]
    fn relative_redirects_must_stay_on_site() {
        let o = origins(&[]);
        assert!(o.allows_redirect("/dashboard?tab=1"));
        assert!(o.allows_redirect("http://localhost:3000/ok"));
        assert!(!o.allows_redirect("//evil.com"));
        assert!(!o.allows_redirect("/\\evil.com"));
        assert!(!o.allows_redirect("/%2F%2Fevil.com"));
        assert!(!o.allows_redirect("https://evil.com/"));
        assert!(!o.allows_redirect("javascript:alert(1)"));
    }
}
