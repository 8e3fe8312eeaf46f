//! HTTP tests against the running app: one binary, a module per area.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    unreachable_pub,
    reason = "test code: a failed expectation should abort the test loudly"
)]

mod helpers;
mod smtp_sink;

mod app_api;
mod bad_input;
mod binary;
mod compat;
mod email;
mod email_otp;
mod migrations;
mod organization;
mod security;
mod session;
mod sign_in;
mod sign_up;
mod social;
mod user;
