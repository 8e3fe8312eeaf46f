//! Password hashing and verification, off the async workers.
//!
//! New hashes are argon2id with OWASP's parameters. Better Auth's scrypt hashes (from a
//! database it created) verify too and are flagged for an upgrade. Every hash runs on a
//! dedicated pool of `concurrency` threads ([`pool`]): a sign-in storm queues there instead
//! of starving the HTTP workers that answer session checks, and memory stays bounded (each
//! argon2 hash needs 19 MiB, each Better Auth scrypt verification 32 MiB).

mod argon;
mod pool;
mod scrypt_ba;

use std::sync::{Arc, OnceLock};

use iam_domain::AuthError;

use self::pool::HashPool;

/// Which algorithm writes new hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlgorithm {
    Argon2id,
    /// Better Auth's scrypt format, for a database still shared with a running Better Auth.
    Scrypt,
}

impl HashAlgorithm {
    fn of_stored(stored: &str) -> Option<Self> {
        if stored.starts_with("$argon2") {
            Some(Self::Argon2id)
        } else if scrypt_ba::looks_like(stored) {
            Some(Self::Scrypt)
        } else {
            None
        }
    }
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    Mismatch,
    Match,
    /// Correct, but stored with another algorithm or weaker parameters: re-hash it.
    MatchNeedsRehash,
}

impl Verification {
    pub fn is_match(self) -> bool {
        !matches!(self, Self::Mismatch)
    }
}

#[derive(Clone)]
pub struct PasswordHasher {
    algorithm: HashAlgorithm,
    pool: Arc<HashPool>,
    /// A hash of a random password, verified against when the account does not exist so that
    /// "no such user" costs the same time as "wrong password". Made on first use.
    decoy: Arc<OnceLock<String>>,
}

impl PasswordHasher {
    pub fn new(algorithm: HashAlgorithm, concurrency: usize) -> Result<Self, AuthError> {
        Ok(Self {
            algorithm,
            pool: Arc::new(HashPool::new(concurrency)?),
            decoy: Arc::new(OnceLock::new()),
        })
    }

    /// Hashes a new password with the configured algorithm.
    pub async fn hash(&self, password: &str) -> Result<String, AuthError> {
        let algorithm = self.algorithm;
        let password = password.to_owned();
        self.run(move || hash_now(algorithm, &password)).await?
    }

    /// Verifies a password against a stored hash of either supported format.
    pub async fn verify(&self, password: &str, stored: &str) -> Result<Verification, AuthError> {
        let wanted = self.algorithm;
        let password = password.to_owned();
        let stored = stored.to_owned();
        self.run(move || verify_now(wanted, &password, &stored)).await
    }

    /// Spends the time of a verification without a real hash (unknown account).
    pub async fn verify_decoy(&self, password: &str) -> Result<(), AuthError> {
        let (algorithm, decoy) = (self.algorithm, self.decoy.clone());
        let password = password.to_owned();
        self.run(move || {
            let decoy = decoy.get_or_init(|| {
                hash_now(algorithm, &crate::crypto::random_alphanumeric(32)).unwrap_or_default()
            });
            verify_now(algorithm, &password, decoy);
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AuthError> {
        self.pool.run(work).await
    }
}

fn hash_now(algorithm: HashAlgorithm, password: &str) -> Result<String, AuthError> {
    match algorithm {
        HashAlgorithm::Argon2id => {
            argon::hash(password).map_err(|e| AuthError::unexpected(e.to_string()))
        }
        HashAlgorithm::Scrypt => Ok(scrypt_ba::hash(password)),
    }
}

fn verify_now(wanted: HashAlgorithm, password: &str, stored: &str) -> Verification {
    let (matched, current) = match HashAlgorithm::of_stored(stored) {
        Some(HashAlgorithm::Argon2id) => argon::verify(password, stored),
        Some(HashAlgorithm::Scrypt) => (scrypt_ba::verify(password, stored), true),
        None => {
            tracing::warn!("stored password hash has an unknown format");
            (false, true)
        }
    };
    let same_algorithm = HashAlgorithm::of_stored(stored) == Some(wanted);
    match (matched, same_algorithm && current) {
        (false, _) => Verification::Mismatch,
        (true, true) => Verification::Match,
        (true, false) => Verification::MatchNeedsRehash,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A hash written by Better Auth 1.7 for "password123" (spec §5.3: salt is the hex text).
    fn better_auth_hash() -> String {
        scrypt_ba::hash_with_salt("password123", "adc720de328a43eaaec6d6275ff839ea")
    }

    #[test]
    fn better_auth_reference_key() {
        let hash = better_auth_hash();
        let key = hash.split(':').nth(1).unwrap_or_default();
        assert!(key.starts_with("4b5e6b108fa7d85d944dbb9f3cf11e99"), "{key}");
    }

    #[tokio::test]
    async fn argon2_round_trip() {
        let hasher = PasswordHasher::new(HashAlgorithm::Argon2id, 2).unwrap();
        let stored = hasher.hash("correct horse").await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(hasher.verify("correct horse", &stored).await.unwrap(), Verification::Match);
        assert_eq!(hasher.verify("wrong horse", &stored).await.unwrap(), Verification::Mismatch);
    }

    #[tokio::test]
    async fn scrypt_hashes_verify_and_ask_for_an_upgrade() {
        let hasher = PasswordHasher::new(HashAlgorithm::Argon2id, 2).unwrap();
        let stored = better_auth_hash();
        assert_eq!(
            hasher.verify("password123", &stored).await.unwrap(),
            Verification::MatchNeedsRehash
        );
        assert_eq!(hasher.verify("password124", &stored).await.unwrap(), Verification::Mismatch);

        let keep_scrypt = PasswordHasher::new(HashAlgorithm::Scrypt, 1).unwrap();
        assert_eq!(keep_scrypt.verify("password123", &stored).await.unwrap(), Verification::Match);
        let fresh = keep_scrypt.hash("another one").await.unwrap();
        assert!(scrypt_ba::looks_like(&fresh));
        assert_eq!(keep_scrypt.verify("another one", &fresh).await.unwrap(), Verification::Match);
    }

    #[tokio::test]
    async fn garbage_never_matches() {
        let hasher = PasswordHasher::new(HashAlgorithm::Argon2id, 1).unwrap();
        for stored in ["", "plain-text", "$argon2id$broken", "zz:zz"] {
            assert_eq!(hasher.verify("x", stored).await.unwrap(), Verification::Mismatch);
        }
        hasher.verify_decoy("anything").await.unwrap();
    }
}
