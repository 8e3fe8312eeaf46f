//! sea-orm entities for Better Auth's tables, with Better Auth's camelCase column names.
//!
//! Only the columns of the core schema are mapped. A database created by Better Auth with
//! plugins has more (nullable) columns; selecting and inserting our columns leaves them alone.

pub mod account;
pub mod session;
pub mod user;
pub mod verification;
