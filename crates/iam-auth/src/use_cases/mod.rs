//! One module per endpoint family; each adds methods to [`crate::AuthService`].

pub mod accounts;
pub mod change_email;
pub mod email_otp;
pub mod email_verification;
pub mod maintenance;
pub mod organization;
pub mod password_reset;
pub mod profile;
pub mod session;
pub mod sign_in;
pub mod sign_up;
pub mod social;

mod mailing;
