//! The IAM server as a library, so the binary and the integration tests build the same app.

pub mod app_api;
pub mod migrate;
pub mod startup;
pub mod telemetry;

pub use startup::{Application, BuildError};
