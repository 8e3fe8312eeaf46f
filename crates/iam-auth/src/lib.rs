//! The auth service: Better Auth's use cases over the domain's repository ports.
//!
//! Layout: [`crypto`] (ids, tokens, cookie signatures), [`password`] (hashing off the async
//! workers), [`origins`] (trusted-origin and callback-URL rules), [`rate_limit`] (Better
//! Auth's throttling rules and a store trait), [`sessions`] (the session-checking core other
//! services can reuse) and [`use_cases`] (one module per endpoint family). Time comes from a
//! [`Clock`] so expiry logic is tested without sleeping.

pub mod clock;
pub mod config;
pub mod cookie_cache;
pub mod crypto;
pub mod html;
pub mod links;
pub mod mail;
pub mod origins;
pub mod password;
pub mod rate_limit;
pub mod sessions;
pub mod social;
pub mod use_cases;

mod service;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{AuthConfig, SessionConfig};
pub use iam_domain::AuthError;
pub use service::{AuthService, ClientInfo, Dependencies, Repositories};
pub use sessions::{SessionVerifier, VerifiedSession};
