use rand::RngExt;
use rand::distr::Alphanumeric;

/// A random string of `[A-Za-z0-9]`, the alphabet of Better Auth's `generateId`, from the
/// thread-local CSPRNG (ChaCha seeded by the OS).
pub fn random_alphanumeric(len: usize) -> String {
    rand::rng().sample_iter(Alphanumeric).take(len).map(char::from).collect()
}

/// A 32-character id or session token, byte-compatible with rows Better Auth writes.
pub fn generate_id() -> String {
    random_alphanumeric(32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_32_alphanumerics_and_distinct() {
        let a = generate_id();
        let b = generate_id();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
