use async_trait::async_trait;
use chrono::{DateTime, Utc};
use iam_domain::{
    Account, AccountRepository, AccountTokens, CREDENTIAL_PROVIDER_ID, PasswordReset, RepoResult,
    Session,
};
use iam_tables::{account, session, user, verification};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
    sea_query::Expr,
};

use crate::convert::{account_from_row, account_to_row, session_to_row};
use crate::errors::DbResultExt;

pub struct SeaOrmAccounts {
    db: DatabaseConnection,
}

impl SeaOrmAccounts {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl AccountRepository for SeaOrmAccounts {
    async fn list_for_user(&self, user_id: &str) -> RepoResult<Vec<Account>> {
        let rows = account::Entity::find()
            .filter(account::Column::UserId.eq(user_id))
            .order_by_asc(account::Column::CreatedAt)
            .all(&self.db)
            .await
            .repo()?;
        Ok(rows.into_iter().map(account_from_row).collect())
    }

    async fn find_credential(&self, user_id: &str) -> RepoResult<Option<Account>> {
        let row = account::Entity::find()
            .filter(account::Column::UserId.eq(user_id))
            .filter(account::Column::ProviderId.eq(CREDENTIAL_PROVIDER_ID))
            .one(&self.db)
            .await
            .repo()?;
        Ok(row.map(account_from_row))
    }

    async fn find_by_provider(
        &self,
        provider_id: &str,
        account_id: &str,
    ) -> RepoResult<Option<Account>> {
        let row = account::Entity::find()
            .filter(account::Column::ProviderId.eq(provider_id))
            .filter(account::Column::AccountId.eq(account_id))
            .one(&self.db)
            .await
            .repo()?;
        Ok(row.map(account_from_row))
    }

    async fn create(&self, a: &Account) -> RepoResult<()> {
        account::Entity::insert(account_to_row(a)).exec_without_returning(&self.db).await.repo()?;
        Ok(())
    }

    async fn update_password(
        &self,
        account_id: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> RepoResult<()> {
        account::Entity::update_many()
            .col_expr(account::Column::Password, Expr::value(password_hash))
            .col_expr(account::Column::UpdatedAt, Expr::value(now))
            .filter(account::Column::Id.eq(account_id))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(())
    }

    async fn update_password_and_replace_sessions(
        &self,
        account_id: &str,
        password_hash: &str,
        new_session: &Session,
        now: DateTime<Utc>,
    ) -> RepoResult<()> {
        let txn = self.db.begin().await.repo()?;
        account::Entity::update_many()
            .col_expr(account::Column::Password, Expr::value(password_hash))
            .col_expr(account::Column::UpdatedAt, Expr::value(now))
            .filter(account::Column::Id.eq(account_id))
            .exec(&txn)
            .await
            .repo()?;
        crate::sessions::delete_sessions_of(&txn, new_session.user_id.as_str()).await?;
        session::Entity::insert(session_to_row(new_session))
            .exec_without_returning(&txn)
            .await
            .repo()?;
        txn.commit().await.repo()
    }

    async fn update_tokens(
        &self,
        account_id: &str,
        tokens: &AccountTokens,
        now: DateTime<Utc>,
    ) -> RepoResult<()> {
        account::Entity::update_many()
            .col_expr(account::Column::AccessToken, Expr::value(tokens.access_token.clone()))
            .col_expr(account::Column::RefreshToken, Expr::value(tokens.refresh_token.clone()))
            .col_expr(account::Column::IdToken, Expr::value(tokens.id_token.clone()))
            .col_expr(
                account::Column::AccessTokenExpiresAt,
                Expr::value(tokens.access_token_expires_at),
            )
            .col_expr(
                account::Column::RefreshTokenExpiresAt,
                Expr::value(tokens.refresh_token_expires_at),
            )
            .col_expr(account::Column::Scope, Expr::value(tokens.scope.clone()))
            .col_expr(account::Column::UpdatedAt, Expr::value(now))
            .filter(account::Column::Id.eq(account_id))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(())
    }

    async fn reset_password(&self, reset: &PasswordReset<'_>) -> RepoResult<bool> {
        let txn = self.db.begin().await.repo()?;
        if let Some(verification_id) = reset.consume_verification {
            let consumed =
                verification::Entity::delete_by_id(verification_id).exec(&txn).await.repo()?;
            if consumed.rows_affected == 0 {
                // Redeemed concurrently: change nothing.
                txn.rollback().await.repo()?;
                return Ok(false);
            }
        }
        let updated = account::Entity::update_many()
            .col_expr(account::Column::Password, Expr::value(reset.password_hash))
            .col_expr(account::Column::UpdatedAt, Expr::value(reset.now))
            .filter(account::Column::UserId.eq(reset.user_id))
            .filter(account::Column::ProviderId.eq(CREDENTIAL_PROVIDER_ID))
            .exec(&txn)
            .await
            .repo()?;
        if updated.rows_affected == 0 {
            let credential = Account::credential(
                reset.new_credential_id.to_owned(),
                reset.user_id,
                reset.password_hash.to_owned(),
                reset.now,
            );
            account::Entity::insert(account_to_row(&credential))
                .exec_without_returning(&txn)
                .await
                .repo()?;
        }
        if reset.revoke_sessions {
            crate::sessions::delete_sessions_of(&txn, reset.user_id).await?;
        }
        if reset.mark_email_verified {
            user::Entity::update_many()
                .col_expr(user::Column::EmailVerified, Expr::value(true))
                .col_expr(user::Column::UpdatedAt, Expr::value(reset.now))
                .filter(user::Column::Id.eq(reset.user_id))
                .exec(&txn)
                .await
                .repo()?;
        }
        txn.commit().await.repo()?;
        Ok(true)
    }

    async fn delete(&self, account_id: &str) -> RepoResult<bool> {
        let result = account::Entity::delete_by_id(account_id).exec(&self.db).await.repo()?;
        Ok(result.rows_affected > 0)
    }
}
