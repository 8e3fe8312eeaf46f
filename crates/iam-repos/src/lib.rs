//! sea-orm implementations of the repository ports in [`iam_domain::repository`].
//!
//! Each repository wraps a cloned [`DatabaseConnection`] (a pool handle). Rows are turned
//! into domain values here and nowhere else. Inserts use `exec_without_returning`, which is
//! one statement on every backend (sea-orm's `insert` re-selects the row on MySQL).

mod accounts;
mod connect;
mod convert;
mod errors;
mod organizations;
mod sessions;
mod users;
mod verifications;

use std::sync::Arc;

pub use accounts::SeaOrmAccounts;
pub use connect::{Backend, ConnectError, PoolSettings, backend_of, connect};
use iam_domain::Repositories;
pub use organizations::SeaOrmOrganizations;
pub use sea_orm::DatabaseConnection;
pub use sessions::SeaOrmSessions;
pub use users::SeaOrmUsers;
pub use verifications::SeaOrmVerifications;

/// All repositories over one connection pool, as the trait objects the auth service takes.
pub fn repositories(db: DatabaseConnection) -> Repositories {
    Repositories {
        users: Arc::new(SeaOrmUsers::new(db.clone())),
        sessions: Arc::new(SeaOrmSessions::new(db.clone())),
        accounts: Arc::new(SeaOrmAccounts::new(db.clone())),
        verifications: Arc::new(SeaOrmVerifications::new(db.clone())),
        organizations: Arc::new(SeaOrmOrganizations::new(db)),
    }
}
