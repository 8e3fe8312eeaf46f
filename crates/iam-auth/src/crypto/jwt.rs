//! The HS256 JSON Web Tokens Better Auth uses for email-verification links: header
//! `{"alg":"HS256"}`, signed with the raw secret, `exp` in seconds.
//!
//! Written here rather than pulled from a JWT crate: it is one HMAC over two base64url
//! segments, and the JWT crates bring RSA/EC backends (with an open RustSec advisory) that
//! this server never uses.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::Signer;

/// `base64url({"alg":"HS256"})`, the header Better Auth (jose) writes.
const HEADER: &str = "eyJhbGciOiJIUzI1NiJ9";

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    #[error("invalid token")]
    Invalid,
    #[error("token expired")]
    Expired,
}

impl Signer {
    /// Signs `claims` (a JSON object) as an HS256 JWT.
    pub fn sign_jwt(&self, claims: &Map<String, Value>) -> String {
        let payload = URL_SAFE_NO_PAD.encode(Value::Object(claims.clone()).to_string());
        let signing_input = format!("{HEADER}.{payload}");
        let signature = URL_SAFE_NO_PAD.encode(self.mac(signing_input.as_bytes()));
        format!("{signing_input}.{signature}")
    }

    /// Verifies an HS256 JWT and returns its claims; `now_secs` is checked against `exp`.
    pub fn verify_jwt(&self, token: &str, now_secs: i64) -> Result<Map<String, Value>, JwtError> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JwtError::Invalid);
        };
        let header: Value = decode_json(header)?;
        if header.get("alg").and_then(Value::as_str) != Some("HS256") {
            return Err(JwtError::Invalid);
        }
        let signature_b64_len = signature.len();
        let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| JwtError::Invalid)?;
        let signing_input = &token[..token.len() - signature_b64_len - 1];
        if !self.verify_mac(signing_input.as_bytes(), &signature) {
            return Err(JwtError::Invalid);
        }
        let Value::Object(claims) = decode_json(payload)? else {
            return Err(JwtError::Invalid);
        };
        match claims.get("exp").and_then(Value::as_i64) {
            Some(exp) if exp <= now_secs => Err(JwtError::Expired),
            _ => Ok(claims),
        }
    }
}

fn decode_json(segment: &str) -> Result<Value, JwtError> {
    let bytes = URL_SAFE_NO_PAD.decode(segment).map_err(|_| JwtError::Invalid)?;
    serde_json::from_slice(&bytes).map_err(|_| JwtError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(exp: i64) -> Map<String, Value> {
        match json!({"email": "a@example.com", "iat": 100, "exp": exp}) {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn round_trip_and_expiry() {
        let signer = Signer::new(b"a-very-long-secret-value-for-testing-0123456789");
        let token = signer.sign_jwt(&claims(200));
        assert!(token.starts_with("eyJhbGciOiJIUzI1NiJ9."));
        assert_eq!(signer.verify_jwt(&token, 150).unwrap()["email"], "a@example.com");
        assert_eq!(signer.verify_jwt(&token, 200), Err(JwtError::Expired));
        let other = Signer::new(b"another-secret-another-secret-another");
        assert_eq!(other.verify_jwt(&token, 150), Err(JwtError::Invalid));
        let mut tampered = token.clone();
        tampered.insert(30, 'x');
        assert_eq!(signer.verify_jwt(&tampered, 150), Err(JwtError::Invalid));
        assert_eq!(signer.verify_jwt("a.b", 0), Err(JwtError::Invalid));
    }

    /// A token made by `jose` (Better Auth) with the spec's secret verifies here.
    #[test]
    fn accepts_tokens_signed_elsewhere() {
        // header {"alg":"HS256","typ":"JWT"}: a different header must verify too.
        let signer = Signer::new(b"s3cret-s3cret-s3cret-s3cret-s3cret");
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(r#"{"email":"b@example.com","exp":9999999999}"#);
        let input = format!("{header}.{payload}");
        let sig = URL_SAFE_NO_PAD.encode(signer.mac(input.as_bytes()));
        let claims = signer.verify_jwt(&format!("{input}.{sig}"), 0).unwrap();
        assert_eq!(claims["email"], "b@example.com");
    }
}
