//! argon2id with OWASP's minimum parameters (m = 19 MiB, t = 2, p = 1), in the standard PHC
//! string format (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`).
//!
//! Each hashing thread keeps its argon2 working memory (19 MiB) and reuses it for every
//! hash. Allocating it per hash made the allocator keep a growing pile of freed 19 MiB
//! blocks around (RSS near 1 GiB after a sign-in benchmark); with reuse, memory is
//! `threads × 19 MiB`, allocated once.

use std::cell::RefCell;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq;

/// Refuse stored hashes that would need more than this much memory (1 GiB in KiB).
const MAX_M_COST: u32 = 1024 * 1024;

thread_local! {
    static SCRATCH: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

fn with_blocks<T>(count: usize, work: impl FnOnce(&mut [Block]) -> T) -> T {
    SCRATCH.with(|scratch| {
        let mut blocks = scratch.borrow_mut();
        if blocks.len() < count {
            blocks.resize(count, Block::new());
        }
        work(&mut blocks[..count])
    })
}

#[derive(Debug, thiserror::Error)]
#[error("argon2: {0}")]
pub(super) struct HashError(String);

pub(super) fn hash(password: &str) -> Result<String, HashError> {
    let params = Params::DEFAULT;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut salt = [0u8; 16];
    rand::fill(&mut salt);
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    with_blocks(params.block_count(), |blocks| {
        argon.hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, blocks)
    })
    .map_err(|e| HashError(e.to_string()))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| HashError(e.to_string()))?,
        salt: Some(Salt::new(&salt).map_err(|e| HashError(e.to_string()))?),
        hash: Some(Output::new(&out).map_err(|e| HashError(e.to_string()))?),
    };
    Ok(phc.to_string())
}

/// Returns (matches, parameters are current).
pub(super) fn verify(password: &str, stored: &str) -> (bool, bool) {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return (false, true);
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return (false, true);
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return (false, true);
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return (false, true),
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return (false, true);
    };
    if params.m_cost() > MAX_M_COST {
        return (false, true);
    }
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    let computed = with_blocks(params.block_count(), |blocks| {
        argon.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, blocks)
    });
    let matched = computed.is_ok() && bool::from(out.ct_eq(expected.as_bytes()));
    let current = algorithm == Algorithm::Argon2id
        && params.m_cost() >= Params::DEFAULT_M_COST
        && params.t_cost() >= Params::DEFAULT_T_COST;
    (matched, current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordVerifier;

    #[test]
    fn writes_standard_phc_strings() {
        let stored = hash("hunter42").unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        // The argon2 crate's own verifier accepts what we write...
        let parsed = PasswordHash::new(&stored).unwrap();
        assert!(Argon2::default().verify_password(b"hunter42", &parsed).is_ok());
        // ...and we accept what it writes, flagging weaker parameters.
        use argon2::password_hash::PasswordHasher;
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8192, 1, 1, None).unwrap(),
        );
        let theirs = weak.hash_password(b"hunter42").unwrap().to_string();
        assert_eq!(verify("hunter42", &theirs), (true, false));
        assert_eq!(verify("hunter43", &stored), (false, true));
        assert_eq!(verify("hunter42", &stored), (true, true));
    }
}
