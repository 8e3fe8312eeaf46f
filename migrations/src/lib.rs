//! Schema migrations.
//!
//! The first migration creates Better Auth's core tables exactly as Better Auth's own
//! migration would on each backend, so either server can use the database afterwards. On a
//! database Better Auth already created it creates nothing, and only adds the indexes our
//! access patterns need. Migrations never drop, rename or rewrite user data.

use sea_orm_migration::prelude::*;

mod m20261123_000001_better_auth_core;
mod m20261123_000002_organizations;
mod schema;

pub use sea_orm_migration::MigratorTrait;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_better_auth_core::Migration),
            Box::new(m20261123_000002_organizations::Migration),
        ]
    }
}
pub use sea_orm_migration::MigrationStatus;
pub use sea_orm_migration::sea_orm::DbErr;

/// Indexes the schema should have that the database lacks (a diagnostic for `migrate status`
/// and for tests).
pub async fn missing_indexes(
    db: &sea_orm_migration::sea_orm::DatabaseConnection,
) -> Result<Vec<&'static str>, DbErr> {
    let manager = SchemaManager::new(db);
    let mut missing =
        schema::missing_indexes(&manager, &m20261123_000001_better_auth_core::INDEXES).await?;
    missing
        .extend(schema::missing_indexes(&manager, &m20261123_000002_organizations::INDEXES).await?);
    Ok(missing)
}
