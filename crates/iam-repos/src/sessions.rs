use async_trait::async_trait;
use chrono::{DateTime, Utc};
use iam_domain::{RepoResult, Session, SessionRepository, User};
use iam_tables::{session, user};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    sea_query::Expr,
};

use crate::convert::{session_from_row, session_to_row, user_from_row};
use crate::errors::DbResultExt;

/// Deletes every session of a user (also inside other repositories' transactions).
pub(crate) async fn delete_sessions_of(
    conn: &impl ConnectionTrait,
    user_id: &str,
) -> RepoResult<u64> {
    let result = session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(conn)
        .await
        .repo()?;
    Ok(result.rows_affected)
}

pub struct SeaOrmSessions {
    db: DatabaseConnection,
}

impl SeaOrmSessions {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl SessionRepository for SeaOrmSessions {
    async fn create(&self, s: &Session) -> RepoResult<()> {
        session::Entity::insert(session_to_row(s)).exec_without_returning(&self.db).await.repo()?;
        Ok(())
    }

    async fn find_with_user(&self, token: &str) -> RepoResult<Option<(Session, User)>> {
        // The hot path of every authenticated request: one indexed lookup joined with the user.
        let row = session::Entity::find()
            .filter(session::Column::Token.eq(token))
            .find_also_related(user::Entity)
            .one(&self.db)
            .await
            .repo()?;
        Ok(match row {
            Some((s, Some(u))) => Some((session_from_row(s), user_from_row(u))),
            _ => None,
        })
    }

    async fn list_active_for_user(
        &self,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> RepoResult<Vec<Session>> {
        let rows = session::Entity::find()
            .filter(session::Column::UserId.eq(user_id))
            .filter(session::Column::ExpiresAt.gt(now))
            .order_by_asc(session::Column::CreatedAt)
            .all(&self.db)
            .await
            .repo()?;
        Ok(rows.into_iter().map(session_from_row).collect())
    }

    async fn refresh(
        &self,
        token: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> RepoResult<()> {
        session::Entity::update_many()
            .col_expr(session::Column::ExpiresAt, Expr::value(expires_at))
            .col_expr(session::Column::UpdatedAt, Expr::value(now))
            .filter(session::Column::Token.eq(token))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(())
    }

    async fn delete_by_token(&self, token: &str) -> RepoResult<()> {
        session::Entity::delete_many()
            .filter(session::Column::Token.eq(token))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(())
    }

    async fn delete_for_user_by_token(&self, user_id: &str, token: &str) -> RepoResult<bool> {
        let result = session::Entity::delete_many()
            .filter(session::Column::Token.eq(token))
            .filter(session::Column::UserId.eq(user_id))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(result.rows_affected > 0)
    }

    async fn delete_all_for_user(&self, user_id: &str) -> RepoResult<u64> {
        delete_sessions_of(&self.db, user_id).await
    }

    async fn delete_others_for_user(&self, user_id: &str, keep_token: &str) -> RepoResult<u64> {
        let result = session::Entity::delete_many()
            .filter(session::Column::UserId.eq(user_id))
            .filter(session::Column::Token.ne(keep_token))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(result.rows_affected)
    }

    async fn delete_expired(&self, now: DateTime<Utc>) -> RepoResult<u64> {
        let result = session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(now))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(result.rows_affected)
    }
}
