//! The real binary: configuration errors, logs that keep secrets out, graceful shutdown.

use std::process::Stdio;
use std::time::Duration;

use serde_json::json;
use tokio::io::AsyncReadExt;
use tokio::process::{Child, Command};

use crate::helpers::{PASSWORD, SECRET};

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iam-server"));
    // Only what the test sets: nothing from the developer's shell or .env.
    command.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    command.current_dir(std::env::temp_dir());
    command
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn invalid_configuration_is_reported_in_full() {
    let output = binary()
        .env("NODE_ENV", "production")
        .env("PORT", "not-a-port")
        .env("TRUSTED_PROXIES", "nonsense")
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for key in ["BETTER_AUTH_SECRET", "PORT", "TRUSTED_PROXIES"] {
        assert!(stderr.contains(key), "{key} not reported:\n{stderr}");
    }
}

/// A running server whose stdout and stderr are drained as it writes: an undrained pipe
/// fills at 64 KiB (trace logging gets there quickly) and then blocks the server itself.
struct Running {
    child: Child,
    logs: tokio::task::JoinHandle<String>,
}

fn drain(mut child: Child) -> Running {
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let logs = tokio::spawn(async move {
        let (mut out, mut err) = (String::new(), String::new());
        let _ = tokio::join!(stdout.read_to_string(&mut out), stderr.read_to_string(&mut err));
        out + &err
    });
    Running { child, logs }
}

async fn start(port: u16, db: &str, log_level: &str, outbox: &str) -> Running {
    let child = binary()
        .env("MAIL_OUTBOX_DIR", outbox)
        .env("BETTER_AUTH_SECRET", SECRET)
        .env("DATABASE_URL", db)
        .env("PORT", port.to_string())
        .env("LOG_LEVEL", log_level)
        .env("LOG_FORMAT", "json")
        .env("HTTP_WORKERS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let running = drain(child);
    let client = reqwest::Client::new();
    // Generous: in CI the binary starts while the rest of the suite loads both cores.
    for _ in 0..600 {
        if client.get(format!("http://127.0.0.1:{port}/api/auth/ok")).send().await.is_ok() {
            return running;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start within 30 s");
}

/// Drives sign-up, sign-in and a session check with every log level on, then stops the
/// server with SIGTERM: it must exit cleanly, and its logs must hold no password, token,
/// cookie or full email address.
#[tokio::test]
async fn logs_keep_secrets_out_and_sigterm_stops_gracefully() {
    let port = free_port();
    let db = format!(
        "sqlite://{}/iam-bin-{}.db",
        std::env::temp_dir().display(),
        iam_auth::crypto::random_alphanumeric(8)
    );
    let outbox = std::env::temp_dir().join(format!("iam-bin-outbox-{port}"));
    let Running { mut child, logs } =
        start(port, &db, "trace", &outbox.display().to_string()).await;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let email = "secret.person@example.com";
    let res = client
        .post(format!("{base}/api/auth/sign-up/email"))
        .json(&json!({"name": "Secret", "email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let token = res.headers()["set-auth-token"].to_str().unwrap().to_owned();
    let res = client
        .post(format!("{base}/api/auth/sign-in/email"))
        .json(&json!({"email": email, "password": "a-wrong-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = client
        .get(format!("{base}/api/auth/get-session"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // Mail flows: a reset link and a one-time code travel through the logs' neighbourhood.
    let res = client
        .post(format!("{base}/api/auth/request-password-reset"))
        .json(&json!({"email": email, "redirectTo": "/reset"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = client
        .post(format!("{base}/api/auth/email-otp/send-verification-otp"))
        .json(&json!({"email": email, "type": "sign-in"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mut secrets_in_mail = Vec::new();
    for entry in std::fs::read_dir(&outbox).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "json") {
            continue;
        }
        let mail: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let text = mail["text"].as_str().unwrap().to_owned();
        let secret = text
            .split_whitespace()
            .find(|w| {
                w.starts_with("http") || (w.len() == 6 && w.chars().all(|c| c.is_ascii_digit()))
            })
            .unwrap()
            .to_owned();
        secrets_in_mail.push(secret.clone());
        if let Some(token) = secret.split("/reset-password/").nth(1) {
            secrets_in_mail.push(token.split('?').next().unwrap().to_owned());
        }
    }
    assert_eq!(secrets_in_mail.len(), 3, "a reset link, its token and a code");

    let pid = child.id().unwrap().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().await.unwrap();
    assert!(status.success());
    let exit = tokio::time::timeout(Duration::from_secs(20), child.wait()).await;
    let exit = exit.expect("stops within 20 s of SIGTERM").unwrap();
    assert!(exit.success(), "clean exit: {exit:?}");

    let logs = logs.await.unwrap();
    assert!(logs.contains("request completed"), "request spans are logged");
    let raw_token = token.split('.').next().unwrap();
    for secret in [PASSWORD, "a-wrong-password", raw_token, email, SECRET] {
        assert!(!logs.contains(secret), "{secret:?} leaked into the logs");
    }
    for secret in &secrets_in_mail {
        assert!(!logs.contains(secret.as_str()), "{secret:?} leaked into the logs");
    }
    assert!(logs.contains("s***@example.com"), "addresses appear masked");
    let _ = std::fs::remove_dir_all(&outbox);
}

/// `iam-server migrate status|up|down` on a fresh SQLite file.
#[tokio::test]
async fn migrate_commands() {
    let db = format!(
        "sqlite://{}/iam-cli-{}.db",
        std::env::temp_dir().display(),
        iam_auth::crypto::random_alphanumeric(8)
    );
    let run = |args: &'static [&'static str]| {
        let db = db.clone();
        async move {
            let output = binary().env("DATABASE_URL", db).args(args).output().await.unwrap();
            assert!(
                output.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8_lossy(&output.stdout).into_owned()
        }
    };
    assert!(run(&["migrate", "status"]).await.contains("pending "));
    assert!(run(&["migrate", "up"]).await.contains("database is up to date"));
    let status = run(&["migrate", "status"]).await;
    assert!(status.contains("applied ") && !status.contains("missing indexes"), "{status}");
    assert!(run(&["migrate", "down"]).await.contains("rolled back 1"));
    assert!(run(&["migrate", "status"]).await.contains("pending "));
    assert_eq!(run(&["generate-secret"]).await.trim().len(), 48);
}
