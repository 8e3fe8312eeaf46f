//! Opening the connection pool for whichever database `DATABASE_URL` names.

use std::path::Path;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

pub use sea_orm::DatabaseBackend as Backend;

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "unsupported DATABASE_URL scheme (expected sqlite:, postgres:, postgresql:, mysql: or mariadb:)"
    )]
    UnsupportedScheme,
    #[error("cannot create the directory for the SQLite file {path}: {source}")]
    CreateDir { path: String, source: std::io::Error },
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] sea_orm::DbErr),
}

/// Pool sizing; the defaults suit a small instance.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self { max_connections: 16, acquire_timeout: Duration::from_secs(5) }
    }
}

/// Which backend a URL names, without connecting.
pub fn backend_of(url: &str) -> Result<Backend, ConnectError> {
    let scheme = url.split(':').next().unwrap_or_default().to_ascii_lowercase();
    match scheme.as_str() {
        "sqlite" => Ok(Backend::Sqlite),
        "postgres" | "postgresql" => Ok(Backend::Postgres),
        "mysql" | "mariadb" => Ok(Backend::MySql),
        _ => Err(ConnectError::UnsupportedScheme),
    }
}

/// Opens a pool. SQLite files (and their directory) are created on first use and run in WAL
/// mode with a busy timeout, so readers never wait for the writer and concurrent writers
/// queue instead of failing.
pub async fn connect(url: &str, pool: PoolSettings) -> Result<DatabaseConnection, ConnectError> {
    let backend = backend_of(url)?;
    // sqlx knows MariaDB as mysql.
    let url = match url.strip_prefix("mariadb:") {
        Some(rest) => format!("mysql:{rest}"),
        None => url.to_owned(),
    };
    let mut options = ConnectOptions::new(url.clone());
    options
        .max_connections(pool.max_connections)
        .min_connections(1)
        .acquire_timeout(pool.acquire_timeout)
        // sqlx logs every statement at info with its parameters; parameters include tokens.
        .sqlx_logging(false);

    if backend == Backend::Sqlite {
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if in_memory {
            // Every connection to :memory: is a separate empty database.
            options.max_connections(1);
        } else if let Some(path) = sqlite_path(&url)
            && let Some(dir) = Path::new(path).parent().filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .map_err(|source| ConnectError::CreateDir { path: path.to_owned(), source })?;
        }
        options.map_sqlx_sqlite_opts(move |opts| {
            let opts = opts
                .create_if_missing(true)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            if in_memory {
                opts
            } else {
                opts.journal_mode(SqliteJournalMode::Wal).synchronous(SqliteSynchronous::Normal)
            }
        });
    }

    Ok(Database::connect(options).await?)
}

/// The file path of a `sqlite:` URL (`sqlite://./data/iam.db?mode=rwc` -> `./data/iam.db`).
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next()?;
    (!path.is_empty()).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_backends_and_sqlite_paths() {
        assert_eq!(backend_of("sqlite://./data/iam.db").ok(), Some(Backend::Sqlite));
        assert_eq!(backend_of("postgresql://u@h/db").ok(), Some(Backend::Postgres));
        assert_eq!(backend_of("mariadb://root@h/db").ok(), Some(Backend::MySql));
        assert!(backend_of("redis://h").is_err());
        assert_eq!(sqlite_path("sqlite://./data/iam.db?mode=rwc"), Some("./data/iam.db"));
        assert_eq!(sqlite_path("sqlite:data/x.db"), Some("data/x.db"));
    }
}
