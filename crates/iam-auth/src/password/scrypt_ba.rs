//! Better Auth's default password hash: scrypt N=16384, r=16, p=1, 64-byte key, password
//! NFKC-normalised, stored as `saltHex:keyHex`. Note: the scrypt salt is the 32-character hex
//! *text* (its ASCII bytes), not the 16 random bytes it encodes.

use scrypt::Params;
use subtle::ConstantTimeEq;
use unicode_normalization::UnicodeNormalization;

const LOG_N: u8 = 14;
const R: u32 = 16;
const P: u32 = 1;
const KEY_LEN: usize = 64;

fn params() -> Params {
    match Params::new(LOG_N, R, P) {
        Ok(p) => p,
        Err(_) => unreachable!("constant scrypt parameters are valid"),
    }
}

fn derive(password: &str, salt_hex: &str) -> [u8; KEY_LEN] {
    let normalized: String = password.nfkc().collect();
    let mut key = [0u8; KEY_LEN];
    // Output length 64 is within scrypt's limits, so this cannot fail.
    let _ = scrypt::scrypt(normalized.as_bytes(), salt_hex.as_bytes(), &params(), &mut key);
    key
}

pub(super) fn looks_like(stored: &str) -> bool {
    stored.split_once(':').is_some_and(|(salt, key)| salt.len() == 32 && key.len() == KEY_LEN * 2)
}

pub(super) fn hash(password: &str) -> String {
    let mut salt = [0u8; 16];
    rand::fill(&mut salt);
    hash_with_salt(password, &hex::encode(salt))
}

pub(super) fn hash_with_salt(password: &str, salt_hex: &str) -> String {
    format!("{salt_hex}:{}", hex::encode(derive(password, salt_hex)))
}

pub(super) fn verify(password: &str, stored: &str) -> bool {
    let Some((salt_hex, key_hex)) = stored.split_once(':') else {
        return false;
    };
    let Ok(expected) = hex::decode(key_hex) else {
        return false;
    };
    if expected.len() != KEY_LEN {
        return false;
    }
    derive(password, salt_hex).ct_eq(&expected).into()
}
