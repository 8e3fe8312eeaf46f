//! sea-orm entities for Better Auth's tables, with Better Auth's camelCase column names.
//!
//! The core schema (`user`, `session`, `account`, `verification`) and the organization
//! plugin's (`organization`, `member`, `invitation`, `team`, `teamMember`,
//! `organizationRole`). A database created by Better Auth with other plugins has more
//! (nullable) columns; selecting and inserting our columns leaves them alone.

pub mod account;
pub mod invitation;
pub mod member;
pub mod organization;
pub mod organization_role;
pub mod session;
pub mod team;
pub mod team_member;
pub mod user;
pub mod verification;
