//! `iam-server migrate up|down|status`.

use iam_migrations::{DbErr, MigrationStatus, Migrator, MigratorTrait};
use iam_repos::DatabaseConnection;

pub async fn up(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

pub async fn down(db: &DatabaseConnection, steps: u32) -> Result<(), DbErr> {
    Migrator::down(db, Some(steps)).await
}

/// Each migration's name and whether it has been applied.
pub async fn status(db: &DatabaseConnection) -> Result<Vec<(String, bool)>, DbErr> {
    let migrations = Migrator::get_migration_with_status(db).await?;
    Ok(migrations
        .iter()
        .map(|m| (m.name().to_owned(), matches!(m.status(), MigrationStatus::Applied)))
        .collect())
}
