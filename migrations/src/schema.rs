//! Helpers shared by migrations: backend-aware DDL that is safe to run on a database that
//! may already hold Better Auth's tables.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

/// One table as Better Auth creates it, per backend.
pub(crate) struct TableDdl {
    pub name: &'static str,
    pub postgres: &'static str,
    pub mysql: &'static str,
    pub sqlite: &'static str,
}

/// Which of `indexes` the database lacks.
pub(crate) async fn missing_indexes(
    manager: &SchemaManager<'_>,
    indexes: &[IndexDdl],
) -> Result<Vec<&'static str>, DbErr> {
    let mut missing = Vec::new();
    for index in indexes {
        if !manager.has_index(index.table, index.name).await? {
            missing.push(index.name);
        }
    }
    Ok(missing)
}

/// A column Better Auth's plugins add to an existing table.
pub(crate) struct ColumnDdl {
    pub table: &'static str,
    pub name: &'static str,
    pub postgres: &'static str,
    pub mysql: &'static str,
    pub sqlite: &'static str,
}

pub(crate) async fn add_column_if_missing(
    manager: &SchemaManager<'_>,
    column: &ColumnDdl,
) -> Result<(), DbErr> {
    if manager.has_column(column.table, column.name).await? {
        return Ok(());
    }
    let backend = manager.get_database_backend();
    let sql_type = match backend {
        DatabaseBackend::Postgres => column.postgres,
        DatabaseBackend::MySql => column.mysql,
        _ => column.sqlite,
    };
    let sql = format!(
        "ALTER TABLE {} ADD COLUMN {} {sql_type}",
        quote(backend, column.table),
        quote(backend, column.name)
    );
    execute(manager, &sql).await?;
    tracing::info!(table = column.table, column = column.name, "column added");
    Ok(())
}

/// An index; `mysql_columns` may carry prefix lengths (MySQL cannot index TEXT otherwise).
pub(crate) struct IndexDdl {
    pub name: &'static str,
    pub table: &'static str,
    pub columns: &'static [&'static str],
    pub mysql_columns: &'static [&'static str],
    pub unique: bool,
}

pub(crate) async fn create_table_if_missing(
    manager: &SchemaManager<'_>,
    table: &TableDdl,
) -> Result<bool, DbErr> {
    if manager.has_table(table.name).await? {
        tracing::info!(table = table.name, "table exists; keeping it as it is");
        return Ok(false);
    }
    let sql = match manager.get_database_backend() {
        DatabaseBackend::Postgres => table.postgres,
        DatabaseBackend::MySql => table.mysql,
        _ => table.sqlite,
    };
    manager.get_connection().execute_unprepared(sql).await?;
    tracing::info!(table = table.name, "table created");
    Ok(true)
}

pub(crate) async fn create_index_if_missing(
    manager: &SchemaManager<'_>,
    index: &IndexDdl,
) -> Result<(), DbErr> {
    if manager.has_index(index.table, index.name).await? {
        return Ok(());
    }
    let backend = manager.get_database_backend();
    let result = execute(manager, &index_sql(backend, index, index.unique)).await;
    match result {
        Ok(()) => Ok(()),
        // A database written by another tool may already hold duplicates; an index that
        // speeds the lookup up is still worth having, so fall back to a plain one.
        Err(err) if index.unique => {
            tracing::warn!(
                index = index.name,
                error = %err,
                "cannot create unique index (duplicate rows?); creating a non-unique one"
            );
            execute(manager, &index_sql(backend, index, false)).await
        }
        Err(err) => Err(err),
    }
}

pub(crate) async fn drop_index_if_present(
    manager: &SchemaManager<'_>,
    index: &IndexDdl,
) -> Result<(), DbErr> {
    if !manager.has_index(index.table, index.name).await? {
        return Ok(());
    }
    let sql = match manager.get_database_backend() {
        DatabaseBackend::MySql => format!("DROP INDEX `{}` ON `{}`", index.name, index.table),
        _ => format!("DROP INDEX \"{}\"", index.name),
    };
    execute(manager, &sql).await
}

/// Drops a table only when it holds no rows: rolling back must never destroy user data.
pub(crate) async fn drop_table_if_empty(
    manager: &SchemaManager<'_>,
    table: &str,
) -> Result<(), DbErr> {
    if !manager.has_table(table).await? {
        return Ok(());
    }
    let backend = manager.get_database_backend();
    let quoted = quote(backend, table);
    let row = manager
        .get_connection()
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT COUNT(*) AS n FROM {quoted}"),
        ))
        .await?;
    let rows: i64 = match row {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    if rows > 0 {
        tracing::warn!(table, rows, "table holds data; keeping it");
        return Ok(());
    }
    execute(manager, &format!("DROP TABLE {quoted}")).await
}

fn index_sql(backend: DatabaseBackend, index: &IndexDdl, unique: bool) -> String {
    let unique = if unique { "UNIQUE " } else { "" };
    match backend {
        DatabaseBackend::MySql => format!(
            "CREATE {unique}INDEX `{}` ON `{}` ({})",
            index.name,
            index.table,
            index.mysql_columns.join(", ")
        ),
        _ => {
            let cols: Vec<String> = index.columns.iter().map(|c| format!("\"{c}\"")).collect();
            format!(
                "CREATE {unique}INDEX \"{}\" ON \"{}\" ({})",
                index.name,
                index.table,
                cols.join(", ")
            )
        }
    }
}

fn quote(backend: DatabaseBackend, ident: &str) -> String {
    match backend {
        DatabaseBackend::MySql => format!("`{ident}`"),
        _ => format!("\"{ident}\""),
    }
}

async fn execute(manager: &SchemaManager<'_>, sql: &str) -> Result<(), DbErr> {
    manager.get_connection().execute_unprepared(sql).await.map(|_| ())
}
