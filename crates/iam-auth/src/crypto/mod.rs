//! Randomness and MACs in Better Auth's formats.

mod jwt;
mod random;
mod signing;
mod token_cipher;

pub use jwt::JwtError;
pub use random::{generate_id, random_alphanumeric};
pub use signing::Signer;
pub use token_cipher::TokenCipher;
