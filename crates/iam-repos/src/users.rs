use async_trait::async_trait;
use chrono::{DateTime, Utc};
use iam_domain::organization::repository::NewOrganization;
use iam_domain::{Account, CREDENTIAL_PROVIDER_ID, RepoResult, User, UserPatch, UserRepository};
use iam_tables::{account, user};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, JoinType, QueryFilter, QuerySelect,
    RelationTrait, TransactionTrait,
    sea_query::{Expr, ExprTrait, IntoCondition},
};

use crate::convert::{account_from_row, account_to_row, user_from_row, user_to_row};
use crate::errors::DbResultExt;

pub struct SeaOrmUsers {
    db: DatabaseConnection,
}

impl SeaOrmUsers {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl UserRepository for SeaOrmUsers {
    async fn find_by_id(&self, id: &str) -> RepoResult<Option<User>> {
        let row = user::Entity::find_by_id(id).one(&self.db).await.repo()?;
        Ok(row.map(user_from_row))
    }

    async fn find_by_email(&self, email: &str) -> RepoResult<Option<User>> {
        let row = user::Entity::find()
            .filter(user::Column::Email.eq(email))
            .one(&self.db)
            .await
            .repo()?;
        Ok(row.map(user_from_row))
    }

    async fn find_with_credential_by_email(
        &self,
        email: &str,
    ) -> RepoResult<Option<(User, Option<Account>)>> {
        // LEFT JOIN with the provider in the ON clause, so a user without a password still
        // comes back (with no account) instead of disappearing from the result.
        let credential_join = user::Relation::Account.def().on_condition(|_user, account| {
            Expr::col((account, account::Column::ProviderId))
                .eq(CREDENTIAL_PROVIDER_ID)
                .into_condition()
        });
        let row = user::Entity::find()
            .filter(user::Column::Email.eq(email))
            .join(JoinType::LeftJoin, credential_join)
            .select_also(account::Entity)
            .one(&self.db)
            .await
            .repo()?;
        Ok(row.map(|(u, a)| (user_from_row(u), a.map(account_from_row))))
    }

    async fn create_with_account(
        &self,
        user: &User,
        account: &Account,
        organization: Option<&NewOrganization>,
    ) -> RepoResult<()> {
        let txn = self.db.begin().await.repo()?;
        user::Entity::insert(user_to_row(user)).exec_without_returning(&txn).await.repo()?;
        account::Entity::insert(account_to_row(account))
            .exec_without_returning(&txn)
            .await
            .repo()?;
        if let Some(organization) = organization {
            crate::organizations::insert_organization(&txn, organization).await?;
        }
        txn.commit().await.repo()
    }

    async fn update_profile(
        &self,
        id: &str,
        patch: &UserPatch,
        now: DateTime<Utc>,
    ) -> RepoResult<bool> {
        let mut update = user::Entity::update_many()
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .filter(user::Column::Id.eq(id));
        if let Some(name) = &patch.name {
            update = update.col_expr(user::Column::Name, Expr::value(name.clone()));
        }
        if let Some(image) = &patch.image {
            update = update.col_expr(user::Column::Image, Expr::value(image.clone()));
        }
        let result = update.exec(&self.db).await.repo()?;
        Ok(result.rows_affected > 0)
    }

    async fn delete(&self, id: &str) -> RepoResult<bool> {
        // The foreign keys cascade, but Better Auth databases created by other tools may
        // lack them (and SQLite enforces them only per connection), so delete explicitly.
        let txn = self.db.begin().await.repo()?;
        crate::sessions::delete_sessions_of(&txn, id).await?;
        account::Entity::delete_many()
            .filter(account::Column::UserId.eq(id))
            .exec(&txn)
            .await
            .repo()?;
        crate::organizations::delete_user_memberships(&txn, id).await?;
        let deleted = user::Entity::delete_by_id(id).exec(&txn).await.repo()?;
        txn.commit().await.repo()?;
        Ok(deleted.rows_affected > 0)
    }

    async fn create(&self, user: &User, organization: Option<&NewOrganization>) -> RepoResult<()> {
        let Some(organization) = organization else {
            user::Entity::insert(user_to_row(user))
                .exec_without_returning(&self.db)
                .await
                .repo()?;
            return Ok(());
        };
        let txn = self.db.begin().await.repo()?;
        user::Entity::insert(user_to_row(user)).exec_without_returning(&txn).await.repo()?;
        crate::organizations::insert_organization(&txn, organization).await?;
        txn.commit().await.repo()
    }

    async fn set_email_verified(
        &self,
        id: &str,
        verified: bool,
        now: DateTime<Utc>,
    ) -> RepoResult<()> {
        user::Entity::update_many()
            .col_expr(user::Column::EmailVerified, Expr::value(verified))
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .filter(user::Column::Id.eq(id))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(())
    }

    async fn update_email(
        &self,
        id: &str,
        email: &str,
        verified: Option<bool>,
        now: DateTime<Utc>,
    ) -> RepoResult<()> {
        let mut update = user::Entity::update_many()
            .col_expr(user::Column::Email, Expr::value(email))
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .filter(user::Column::Id.eq(id));
        if let Some(verified) = verified {
            update = update.col_expr(user::Column::EmailVerified, Expr::value(verified));
        }
        update.exec(&self.db).await.repo()?;
        Ok(())
    }

    async fn secure_unproven_account(&self, id: &str, now: DateTime<Utc>) -> RepoResult<()> {
        let txn = self.db.begin().await.repo()?;
        account::Entity::delete_many()
            .filter(account::Column::UserId.eq(id))
            .exec(&txn)
            .await
            .repo()?;
        crate::sessions::delete_sessions_of(&txn, id).await?;
        user::Entity::update_many()
            .col_expr(user::Column::EmailVerified, Expr::value(true))
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .filter(user::Column::Id.eq(id))
            .exec(&txn)
            .await
            .repo()?;
        txn.commit().await.repo()
    }
}
