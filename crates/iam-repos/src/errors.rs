use iam_domain::RepoError;
use sea_orm::{DbErr, SqlErr};

/// Maps a sea-orm error to the domain's: unique violations become [`RepoError::Conflict`]
/// so use cases can answer "already exists" instead of failing.
pub(crate) fn map_db_err(err: DbErr) -> RepoError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => RepoError::Conflict,
        _ => RepoError::Database(err.to_string()),
    }
}

pub(crate) trait DbResultExt<T> {
    fn repo(self) -> Result<T, RepoError>;
}

impl<T> DbResultExt<T> for Result<T, DbErr> {
    fn repo(self) -> Result<T, RepoError> {
        self.map_err(map_db_err)
    }
}
