use async_trait::async_trait;
use chrono::{DateTime, Utc};
use iam_domain::{RepoResult, Verification, VerificationRepository};
use iam_tables::verification;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};

use crate::convert::{verification_from_row, verification_to_row};
use crate::errors::DbResultExt;

pub struct SeaOrmVerifications {
    db: DatabaseConnection,
}

impl SeaOrmVerifications {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl VerificationRepository for SeaOrmVerifications {
    async fn create(&self, v: &Verification) -> RepoResult<()> {
        verification::Entity::insert(verification_to_row(v))
            .exec_without_returning(&self.db)
            .await
            .repo()?;
        Ok(())
    }

    async fn find_by_identifier(&self, identifier: &str) -> RepoResult<Option<Verification>> {
        // Newest first: Better Auth may hold several rows per identifier (re-sent codes).
        let row = verification::Entity::find()
            .filter(verification::Column::Identifier.eq(identifier))
            .order_by_desc(verification::Column::CreatedAt)
            .one(&self.db)
            .await
            .repo()?;
        Ok(row.map(verification_from_row))
    }

    async fn delete_by_identifier(&self, identifier: &str) -> RepoResult<()> {
        verification::Entity::delete_many()
            .filter(verification::Column::Identifier.eq(identifier))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(())
    }

    async fn compare_and_set(
        &self,
        id: &str,
        expected: &str,
        value: &str,
        now: DateTime<Utc>,
    ) -> RepoResult<bool> {
        let result = verification::Entity::update_many()
            .col_expr(verification::Column::Value, Expr::value(value))
            .col_expr(verification::Column::UpdatedAt, Expr::value(now))
            .filter(verification::Column::Id.eq(id))
            .filter(verification::Column::Value.eq(expected))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(result.rows_affected == 1)
    }

    async fn delete_if_value(&self, id: &str, expected: &str) -> RepoResult<bool> {
        let result = verification::Entity::delete_many()
            .filter(verification::Column::Id.eq(id))
            .filter(verification::Column::Value.eq(expected))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(result.rows_affected == 1)
    }

    async fn delete_expired(&self, now: DateTime<Utc>) -> RepoResult<u64> {
        let result = verification::Entity::delete_many()
            .filter(verification::Column::ExpiresAt.lte(now))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(result.rows_affected)
    }
}
