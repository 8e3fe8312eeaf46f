//! Test harness: a real server on a random port over a fresh real database.
//!
//! Every test runs on SQLite; the same test runs on PostgreSQL and MariaDB when
//! `TEST_POSTGRES_URL` / `TEST_MYSQL_URL` name a server (an admin URL: each test creates its
//! own database there). Without them those variants print a visible SKIP line; with `CI=true`
//! a missing service fails the test instead.

use std::sync::Arc;

use chrono::Duration;
use iam_auth::{Clock, ManualClock};
use iam_server::Application;
use reqwest::{Client, Response, StatusCode};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use shared_env::Settings;

pub const ORIGIN: &str = "http://localhost:3000";
pub const SECRET: &str = "integration-test-secret-0123456789abcdef";
pub const PASSWORD: &str = "correct-horse-battery";

#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    Postgres(String),
    MySql(String),
}

impl Backend {
    pub fn postgres() -> Option<Self> {
        service_url("TEST_POSTGRES_URL").map(Self::Postgres)
    }

    pub fn mysql() -> Option<Self> {
        service_url("TEST_MYSQL_URL").map(Self::MySql)
    }

    /// Creates a new empty database and returns its URL.
    pub async fn fresh_database(&self) -> String {
        let name = format!("iam_t_{}", iam_auth::crypto::random_alphanumeric(12).to_lowercase());
        match self {
            Self::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                format!("sqlite://{}", path.display())
            }
            Self::Postgres(admin) => {
                create_database(admin, &format!("CREATE DATABASE \"{name}\"")).await;
                replace_db_name(admin, &name)
            }
            Self::MySql(admin) => {
                create_database(admin, &format!("CREATE DATABASE `{name}`")).await;
                replace_db_name(admin, &name)
            }
        }
    }
}

fn service_url(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{var} is not set, and CI=true: service-backed tests must run in CI")
        }
        _ => {
            skip_notice(&format!("{var} is not set: its tests ran on SQLite only"));
            None
        }
    }
}

/// Prints a skip notice once per reason, past libtest's output capture (which would hide it
/// for passing tests), so a run without the services says what it did not test.
pub fn skip_notice(reason: &str) {
    use std::collections::HashSet;
    use std::io::Write;
    use std::sync::{Mutex, OnceLock};
    static SHOWN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let mut shown = SHOWN.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    if shown.insert(reason.to_owned()) {
        let _ = writeln!(std::io::stderr(), "SKIPPED: {reason}");
    }
}

async fn create_database(admin_url: &str, sql: &str) {
    let admin = Database::connect(admin_url).await.expect("connect to the admin database");
    admin.execute_unprepared(sql).await.expect("create the test database");
    admin.close().await.ok();
}

/// `postgres://u@h:5432/postgres` + `x` -> `postgres://u@h:5432/x`.
fn replace_db_name(admin_url: &str, name: &str) -> String {
    let (base, query) = admin_url.split_once('?').map_or((admin_url, None), |(b, q)| (b, Some(q)));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Generates one test per backend for each listed `async fn name(backend: Backend)`.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $name() { super::$name($crate::helpers::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $name() {
                if let Some(backend) = $crate::helpers::Backend::postgres() { super::$name(backend).await }
            } )*
        }
        mod mysql {
            $( #[tokio::test] async fn $name() {
                if let Some(backend) = $crate::helpers::Backend::mysql() { super::$name(backend).await }
            } )*
        }
    };
}

pub struct TestApp {
    pub base: String,
    pub clock: Arc<ManualClock>,
    handle: actix_web::dev::ServerHandle,
    service: iam_auth::AuthService,
    db: iam_repos::DatabaseConnection,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, &[]).await
    }

    /// Extra settings override the defaults (`("NODE_ENV", "production")`, ...).
    pub async fn spawn_with(backend: Backend, extra: &[(&str, &str)]) -> Self {
        let url = backend.fresh_database().await;
        Self::spawn_on(&url, extra).await
    }

    /// A server whose public URL (`BETTER_AUTH_URL`, used in mailed links) is its real
    /// address, for clients that follow links themselves.
    pub async fn spawn_public(backend: Backend, extra: &[(&str, &str)]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let (port, url) = (port.to_string(), format!("http://127.0.0.1:{port}"));
        let mut settings = vec![("PORT", port.as_str()), ("BETTER_AUTH_URL", url.as_str())];
        settings.extend_from_slice(extra);
        Self::spawn_with(backend, &settings).await
    }

    /// A server on an existing database.
    pub async fn spawn_on(database_url: &str, extra: &[(&str, &str)]) -> Self {
        let mut pairs: Vec<(&str, &str)> = vec![
            ("NODE_ENV", "development"),
            ("BETTER_AUTH_SECRET", SECRET),
            ("BETTER_AUTH_URL", ORIGIN),
            ("DATABASE_URL", database_url),
            ("HOST", "127.0.0.1"),
            ("PORT", "0"),
            ("HTTP_WORKERS", "1"),
            ("DATABASE_MAX_CONNECTIONS", "5"),
            ("LOG_LEVEL", "warn"),
        ];
        pairs.extend_from_slice(extra);
        let settings = Settings::from_pairs(pairs).expect("valid test settings");
        if std::env::var("TEST_LOG").is_ok() {
            iam_server::telemetry::init(&settings.log);
        }
        let clock = Arc::new(ManualClock::starting_now());
        let app = Application::build_with_clock(&settings, clock.clone() as Arc<dyn Clock>)
            .await
            .expect("the app builds");
        let port = app.port();
        let handle = app.handle();
        let service = app.service().clone();
        let db = app.database().clone();
        tokio::spawn(app.run_until_stopped());
        Self { base: format!("http://127.0.0.1:{port}"), clock, handle, service, db }
    }

    pub fn service(&self) -> &iam_auth::AuthService {
        &self.service
    }

    pub fn db(&self) -> &iam_repos::DatabaseConnection {
        &self.db
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A new "browser": its own cookie jar, sending our origin like a same-site page.
    pub fn browser(&self) -> Browser {
        Browser { app_base: self.base.clone(), client: browser_client(Some(ORIGIN)) }
    }

    /// A client without cookies or Origin header (a server-side caller, curl).
    pub fn plain_client(&self) -> Client {
        Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
    }

    /// A link the server mailed (built on the public `BETTER_AUTH_URL`), pointed at this
    /// test server.
    pub fn local(&self, link: &str) -> String {
        link.replacen(ORIGIN, &self.base, 1)
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    pub async fn stop(self) {
        self.handle.stop(false).await;
    }
}

fn browser_client(origin: Option<&str>) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(origin) = origin {
        headers.insert("origin", origin.parse().expect("origin header"));
    }
    Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

pub struct Browser {
    app_base: String,
    pub client: Client,
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.app_base)
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.client.post(self.url(path)).json(&body).send().await.expect("request")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    /// GET an absolute URL (a mailed link), without following redirects.
    pub async fn open(&self, url: &str) -> Response {
        self.client.get(url).send().await.expect("request")
    }

    pub async fn sign_up(&self, email: &str) -> Value {
        let res = self
            .post(
                "/api/auth/sign-up/email",
                json!({"name": "Test User", "email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "sign-up of {email}");
        res.json().await.expect("json")
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.post("/api/auth/sign-in/email", json!({"email": email, "password": password})).await
    }

    pub async fn session(&self) -> Value {
        let res = self.get("/api/auth/get-session").await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.expect("json")
    }
}

pub fn unique_email(tag: &str) -> String {
    format!("{tag}-{}@example.com", iam_auth::crypto::random_alphanumeric(10).to_lowercase())
}

/// Asserts a Better Auth error: status, and `code` (or its absence) in `{message, code}`.
pub async fn assert_error(res: Response, status: u16, code: &str) -> Value {
    let actual = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(actual, status, "status; body: {body}");
    assert_eq!(body["code"], code, "code; body: {body}");
    assert!(body["message"].is_string(), "message; body: {body}");
    body
}

/// Every Set-Cookie header of a response.
pub fn set_cookies(res: &Response) -> Vec<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}

pub fn cookie_named<'a>(cookies: &'a [String], name: &str) -> Option<&'a String> {
    cookies.iter().find(|c| c.starts_with(&format!("{name}=")))
}
