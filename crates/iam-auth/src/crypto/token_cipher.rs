//! Better Auth's `symmetricEncrypt`, used for provider tokens with `encryptOAuthTokens`:
//! XChaCha20-Poly1305 under SHA-256(secret), a random 24-byte nonce prepended, the whole
//! written as lower-case hex. Values may also carry the newer `$ba$<version>$` envelope.
//! Reading accepts both, and passes through values that are not ciphertexts (tokens stored
//! before encryption was switched on), so a database stays readable both ways.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

const NONCE_LEN: usize = 24;

#[derive(Clone)]
pub struct TokenCipher {
    cipher: XChaCha20Poly1305,
}

impl TokenCipher {
    pub fn new(secret: &[u8]) -> Self {
        let key: [u8; 32] = Sha256::digest(secret).into();
        Self { cipher: XChaCha20Poly1305::new(&Key::from(key)) }
    }

    pub fn encrypt(&self, plaintext: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::fill(&mut nonce);
        // Encryption with a fresh nonce cannot fail for inputs of this size.
        let sealed =
            self.cipher.encrypt(&XNonce::from(nonce), plaintext.as_bytes()).unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        hex::encode(out)
    }

    /// The plaintext of a stored value: decrypted when it is one of our ciphertexts, as is
    /// otherwise.
    pub fn decrypt(&self, stored: &str) -> String {
        let hex_part = match stored.strip_prefix("$ba$") {
            Some(rest) => rest.split_once('$').map_or(rest, |(_version, hex)| hex),
            None => stored,
        };
        let looks_encrypted = hex_part.len() % 2 == 0
            && hex_part.len() > 2 * NONCE_LEN
            && hex_part.bytes().all(|b| b.is_ascii_hexdigit());
        if !looks_encrypted {
            return stored.to_owned();
        }
        let Ok(bytes) = hex::decode(hex_part) else { return stored.to_owned() };
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let Ok(nonce) = <[u8; NONCE_LEN]>::try_from(nonce) else { return stored.to_owned() };
        match self.cipher.decrypt(&XNonce::from(nonce), sealed) {
            Ok(plain) => String::from_utf8(plain).unwrap_or_else(|_| stored.to_owned()),
            Err(_) => stored.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_pass_through() {
        let cipher = TokenCipher::new(b"a-very-long-secret-value-for-testing-0123456789");
        let sealed = cipher.encrypt("gho_abc123");
        assert_ne!(sealed, "gho_abc123");
        assert!(sealed.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(cipher.decrypt(&sealed), "gho_abc123");
        assert_eq!(cipher.decrypt(&format!("$ba$1${sealed}")), "gho_abc123");
        assert_eq!(cipher.decrypt("gho_plain_token"), "gho_plain_token");
        let other = TokenCipher::new(b"another-secret-another-secret-another");
        assert_eq!(other.decrypt(&sealed), sealed, "a foreign ciphertext is left alone");
    }

    /// Values Better Auth 1.7.25 wrote with `encryptOAuthTokens` (compat/
    /// oauth-token-encryption-examples.json): bare hex, and the `$ba$<version>$` envelope it
    /// uses when secrets are rotated.
    #[test]
    fn reads_what_better_auth_wrote() {
        let cipher = TokenCipher::new(b"compat-reference-secret-0123456789abcdef");
        let stored = "ace5fe20b6e6c9e54bc289cae64fdfd6109ac6eb91e13bdbdf6bcab54cccf290c4198222bb3cbe40633376489800c66509322536743f25e339071cf6d6552afd847a3b6b25b854e649d1c443";
        assert_eq!(cipher.decrypt(stored), "66fec2cf-088d-4c6b-b598-c4c1a006b77e");
        let rotated = TokenCipher::new(b"rotated-secret-v2-abcdefghijklmnopqrstuvwxyz0123");
        let enveloped = "$ba$2$f617b2d4a31bde14a65767b23c8d7032ffc779310f66eb16096f8db6c78aa91e21468b26b49451181e46f292b503ada289dada6857060843dc4225ab559e332aef13c8089e509de268ee9ada";
        assert_eq!(rotated.decrypt(enveloped), "f01f4cf9-a81b-412a-b52e-386e41e529c2");
    }
}
