use iam_server::migrate;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::db_tests;
use crate::helpers::{Backend, TestApp, unique_email};

db_tests!(
    migrations_are_idempotent_and_complete,
    rolling_back_keeps_tables_that_hold_data,
    an_existing_better_auth_schema_is_completed_not_rewritten,
);

async fn migrations_are_idempotent_and_complete(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    migrate::up(app.db()).await.expect("second run is a no-op");
    let status = migrate::status(app.db()).await.unwrap();
    assert!(!status.is_empty() && status.iter().all(|(_, applied)| *applied), "{status:?}");
    assert!(iam_migrations::missing_indexes(app.db()).await.unwrap().is_empty());
    app.stop().await;
}

async fn rolling_back_keeps_tables_that_hold_data(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("keep");
    let browser = app.browser();
    browser.sign_up(&email).await;
    let res = browser
        .post("/api/auth/organization/create", json!({"name": "Kept", "slug": "kept"}))
        .await;
    assert_eq!(res.status(), 200);

    // Both migrations: the organization tables that hold rows stay, the empty ones go.
    migrate::down(app.db(), 2).await.unwrap();
    let users = &app.service().repositories().users;
    assert!(users.find_by_email(&email).await.unwrap().is_some(), "user data survives a rollback");
    let orgs = &app.service().repositories().organizations;
    assert!(orgs.find_by_slug("kept").await.unwrap().is_some(), "organizations survive too");
    let backend = app.db().get_database_backend();
    let probe = match backend {
        sea_orm::DatabaseBackend::MySql => "SELECT COUNT(*) FROM `organizationRole`",
        _ => "SELECT COUNT(*) FROM \"organizationRole\"",
    };
    let probe = app.db().query_one_raw(Statement::from_string(backend, probe)).await;
    assert!(probe.is_err(), "an empty table is dropped");
    let missing = iam_migrations::missing_indexes(app.db()).await.unwrap();
    assert!(missing.contains(&"session_expiresAt_idx"), "{missing:?}");

    migrate::up(app.db()).await.unwrap();
    assert!(iam_migrations::missing_indexes(app.db()).await.unwrap().is_empty());
    assert!(users.find_by_email(&email).await.unwrap().is_some());
    let full = browser.get("/api/auth/organization/get-full-organization").await;
    assert_eq!(full.json::<serde_json::Value>().await.unwrap()["slug"], "kept");
    app.stop().await;
}

/// A database whose tables exist but which never ran our migrations (as one created by
/// Better Auth): `up` keeps the tables and rows, and only adds the missing indexes.
async fn an_existing_better_auth_schema_is_completed_not_rewritten(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("existing");
    let b = app.browser();
    b.sign_up(&email).await;

    let db = app.db();
    let backend = db.get_database_backend();
    let exec = |sql: String| async move {
        db.execute_raw(Statement::from_string(backend, sql)).await.expect("raw statement");
    };
    exec("DROP TABLE seaql_migrations".to_owned()).await;
    for (table, index) in
        [("session", "session_expiresAt_idx"), ("account", "account_providerId_accountId_uidx")]
    {
        let sql = match backend {
            sea_orm::DatabaseBackend::MySql => format!("DROP INDEX `{index}` ON `{table}`"),
            _ => format!("DROP INDEX \"{index}\""),
        };
        exec(sql).await;
    }

    migrate::up(db).await.unwrap();
    assert!(iam_migrations::missing_indexes(db).await.unwrap().is_empty());
    assert!(b.session().await["user"]["email"] == email.as_str(), "rows and sessions untouched");
    app.stop().await;
}
