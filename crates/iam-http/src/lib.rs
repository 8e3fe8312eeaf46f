//! The HTTP adapter: Better Auth's `/api/auth` API on actix-web, plus the pieces another
//! actix service needs to require a session ([`SessionGuard`] and the [`Authenticated`]
//! extractor).
//!
//! Handlers do four things in Better Auth's order: parse the body (media type, JSON),
//! run the origin checks, validate fields, call one use case; the responses and cookies are
//! shaped here and errors become HTTP in [`error`] only.

pub mod body;
pub mod client;
pub mod cookies;
pub mod csrf;
pub mod error;
pub mod guard;
pub mod middleware;
pub mod reply;
pub mod routes;
pub mod state;

pub use error::ApiError;
pub use guard::{Authenticated, SessionGuard};
pub use middleware::{RateLimiter, rate_limit, trace_requests};
pub use routes::{BASE_PATH, configure};
pub use state::AuthState;
