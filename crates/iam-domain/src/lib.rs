//! The IAM domain: plain data types for Better Auth's model (users, sessions, accounts,
//! verifications), the value objects that guard what enters it, the error vocabulary
//! (Better Auth's error codes) and the repository ports the auth service talks through.
//!
//! This crate knows no database and no HTTP, so other services can depend on it to share
//! the model without pulling in a server.

pub mod account;
pub mod error;
pub mod organization;
pub mod redact;
pub mod repository;
pub mod session;
pub mod time;
pub mod user;
pub mod values;
pub mod verification;

pub use account::{Account, CREDENTIAL_PROVIDER_ID};
pub use error::AuthError;
pub use repository::{
    AccountRepository, AccountTokens, PasswordReset, RepoError, RepoResult, Repositories,
    SessionRepository, UserRepository, VerificationRepository,
};
pub use session::Session;
pub use user::{User, UserPatch};
pub use verification::Verification;
