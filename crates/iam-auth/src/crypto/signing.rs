//! Better Auth's signed-cookie format: `value + "." + base64(HMAC-SHA256(secret, value))`,
//! standard base64 with `=` padding (always 44 characters).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const SIGNATURE_LEN: usize = 44;

/// Signs and verifies values with the server secret. Keyed once at start-up; each use clones
/// the keyed state (a small copy) instead of re-deriving the key.
#[derive(Clone)]
pub struct Signer {
    keyed: HmacSha256,
}

impl Signer {
    pub fn new(secret: &[u8]) -> Self {
        // HMAC accepts keys of any length, so this cannot fail.
        let keyed = match HmacSha256::new_from_slice(secret) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC-SHA256 takes keys of any length"),
        };
        Self { keyed }
    }

    /// The base64 signature of `value` (44 characters).
    pub fn signature(&self, value: &str) -> String {
        let mut mac = self.keyed.clone();
        mac.update(value.as_bytes());
        STANDARD.encode(mac.finalize().into_bytes())
    }

    /// The raw HMAC-SHA256 of `data` under the secret.
    pub fn mac(&self, data: &[u8]) -> [u8; 32] {
        let mut mac = self.keyed.clone();
        mac.update(data);
        mac.finalize().into_bytes().into()
    }

    /// Constant-time check of a raw HMAC-SHA256.
    pub fn verify_mac(&self, data: &[u8], expected: &[u8]) -> bool {
        let mut mac = self.keyed.clone();
        mac.update(data);
        mac.verify_slice(expected).is_ok()
    }

    /// `value.signature`, before URL-encoding.
    pub fn sign(&self, value: &str) -> String {
        let mut out = String::with_capacity(value.len() + 1 + SIGNATURE_LEN);
        out.push_str(value);
        out.push('.');
        out.push_str(&self.signature(value));
        out
    }

    /// Returns the value of a `value.signature` string if the signature is valid, compared in
    /// constant time. Mirrors Better Auth's checks: split at the last dot, non-empty value,
    /// a 44-character padded signature.
    pub fn verify<'a>(&self, signed: &'a str) -> Option<&'a str> {
        let dot = signed.rfind('.')?;
        if dot == 0 {
            return None;
        }
        let (value, signature) = (&signed[..dot], &signed[dot + 1..]);
        if signature.len() != SIGNATURE_LEN || !signature.ends_with('=') {
            return None;
        }
        let mut raw = [0u8; 32];
        let decoded = STANDARD.decode_slice(signature, &mut raw).ok()?;
        if decoded != raw.len() {
            return None;
        }
        let mut mac = self.keyed.clone();
        mac.update(value.as_bytes());
        mac.verify_slice(&raw).ok()?;
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Captured from a running Better Auth 1.7.25 (spec §3.2).
    const SECRET: &str = "a-very-long-secret-value-for-testing-0123456789";
    const TOKEN: &str = "I8rHF8QELc1MeUvkac6AljOVRUkABLoU";
    const SIGNATURE: &str = "yHJCkVj+XL8Fqp0KxY/I3m8UcZ/C7To6kxmFKN80E9s=";

    #[test]
    fn matches_better_auth_signature() {
        let signer = Signer::new(SECRET.as_bytes());
        assert_eq!(signer.signature(TOKEN), SIGNATURE);
        assert_eq!(signer.sign(TOKEN), format!("{TOKEN}.{SIGNATURE}"));
    }

    #[test]
    fn verifies_and_rejects() {
        let signer = Signer::new(SECRET.as_bytes());
        let signed = format!("{TOKEN}.{SIGNATURE}");
        assert_eq!(signer.verify(&signed), Some(TOKEN));
        assert_eq!(signer.verify(TOKEN), None);
        assert_eq!(signer.verify(&format!(".{SIGNATURE}")), None);
        let tampered = format!("{}x.{SIGNATURE}", &TOKEN[..31]);
        assert_eq!(signer.verify(&tampered), None);
        let other = Signer::new(b"another-secret-another-secret-another");
        assert_eq!(other.verify(&signed), None);
        assert_eq!(signer.verify(&format!("{TOKEN}.{}", &SIGNATURE[..43])), None);
    }
}
