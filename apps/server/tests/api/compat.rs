//! Wire compatibility with Better Auth itself, using its npm package (`compat/`):
//! - the official `createAuthClient` drives a full account life cycle against this server;
//! - a database created and populated by Better Auth is adopted by this server: the same
//!   password signs in and a session Better Auth issued stays valid.
//!
//! Needs Node and `npm ci` in `compat/` (`.ci/run` does both); otherwise the tests print a
//! SKIP line, or fail under `CI=true`.

use std::path::PathBuf;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{Backend, ORIGIN, SECRET, TestApp};

db_tests!(
    official_client_full_flow,
    official_client_email_flows,
    official_client_social_flows,
    official_client_organization_flow,
);

mod adopts_better_auth_database {
    use super::*;

    #[tokio::test]
    async fn postgres() {
        if let Some(backend) = Backend::postgres() {
            adopt_database_created_by_better_auth(backend).await;
        }
    }

    #[tokio::test]
    async fn mysql() {
        if let Some(backend) = Backend::mysql() {
            adopt_database_created_by_better_auth(backend).await;
        }
    }
}

mod adopts_better_auth_organization_database {
    use super::*;

    #[tokio::test]
    async fn postgres() {
        if let Some(backend) = Backend::postgres() {
            adopt_organizations_created_by_better_auth(backend).await;
        }
    }

    #[tokio::test]
    async fn mysql() {
        if let Some(backend) = Backend::mysql() {
            adopt_organizations_created_by_better_auth(backend).await;
        }
    }
}

/// The `session_data` snapshot this server writes is accepted by Better Auth's own
/// `getCookieCache` and get-session (`compat/check-cookie-cache.mjs`), and a tampered copy
/// is not.
#[tokio::test]
async fn better_auth_reads_our_cookie_cache() {
    let Some(dir) = harness() else { return };
    let app = TestApp::spawn_with(Backend::Sqlite, &[("SESSION_COOKIE_CACHE", "true")]).await;
    let b = app.browser();
    let signed_up = b.sign_up(&crate::helpers::unique_email("cached")).await;
    let token = signed_up["token"].as_str().unwrap();
    let res = b.get("/api/auth/get-session").await;
    let cookies = crate::helpers::set_cookies(&res);
    let cookie = crate::helpers::cookie_named(&cookies, "better-auth.session_data").unwrap();
    let value = cookie.trim_start_matches("better-auth.session_data=").split(';').next().unwrap();
    let now = iam_auth::Clock::now(app.clock.as_ref()).timestamp_millis().to_string();
    let check = |data: String| {
        let (dir, token, now) = (dir.clone(), token.to_owned(), now.clone());
        async move {
            let env = [
                ("BETTER_AUTH_SECRET", SECRET),
                ("SESSION_TOKEN", token.as_str()),
                ("SESSION_DATA", data.as_str()),
                ("NOW_MS", now.as_str()),
            ];
            run_node_status(&dir, "check-cookie-cache.mjs", &env).await
        }
    };
    let accepted = check(value.to_owned()).await;
    assert!(accepted.status.success(), "{}", String::from_utf8_lossy(&accepted.stdout));
    let out: Value = serde_json::from_slice(&accepted.stdout).unwrap();
    assert_eq!(out["session"]["session"]["token"], token);
    let mut tampered = value.to_owned();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    tampered.insert(20, if value.as_bytes()[20] == b'x' { 'y' } else { 'x' });
    tampered.remove(21);
    assert!(!check(tampered).await.status.success(), "a tampered snapshot is refused");
    app.stop().await;
}

/// The harness directory, when Node and its packages are installed.
pub fn harness() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../compat");
    let installed = dir.join("node_modules/better-auth/package.json").exists();
    let node = std::process::Command::new("node").arg("--version").output().is_ok();
    if installed && node {
        return Some(dir);
    }
    let why = if node { "run `npm ci` in compat/" } else { "Node.js is not installed" };
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("Better Auth compatibility tests cannot run: {why}");
    }
    crate::helpers::skip_notice(&format!(
        "Better Auth compatibility and social sign-in tests ({why})"
    ));
    None
}

/// Runs a harness script and returns its output whatever its exit status.
async fn run_node_status(
    dir: &PathBuf,
    script: &str,
    env: &[(&str, &str)],
) -> std::process::Output {
    let mut command = tokio::process::Command::new("node");
    command.arg(script).current_dir(dir).envs(env.iter().copied());
    command.output().await.expect("run node")
}

/// Runs a harness script that must succeed.
async fn run_node(dir: &PathBuf, script: &str, env: &[(&str, &str)]) -> std::process::Output {
    let output = run_node_status(dir, script, env).await;
    if !output.status.success() {
        panic!(
            "{script} failed\n--- stdout ---\n{}\n--- stderr ---\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    output
}

async fn official_client_full_flow(backend: Backend) {
    let Some(dir) = harness() else { return };
    // The script sends its own origin (http://127.0.0.1:<port>), like a page served here.
    let app =
        TestApp::spawn_with(backend, &[("BETTER_AUTH_TRUSTED_ORIGINS", "http://127.0.0.1:*")])
            .await;
    let output = run_node(&dir, "client-flow.mjs", &[("BASE_URL", &app.base)]).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    app.stop().await;
}

/// `compat/email-flow.mjs` (also validated against a real Better Auth): verification,
/// reset, change of email, deletion by mail and email OTP, through the official client,
/// reading mail from the outbox folder.
async fn official_client_email_flows(backend: Backend) {
    let Some(dir) = harness() else { return };
    let outbox = std::env::temp_dir()
        .join(format!("iam-outbox-{}", iam_auth::crypto::random_alphanumeric(8)));
    let outbox_str = outbox.display().to_string();
    let app = TestApp::spawn_public(
        backend,
        &[
            ("BETTER_AUTH_TRUSTED_ORIGINS", "http://127.0.0.1:*"),
            ("MAIL_OUTBOX_DIR", &outbox_str),
            ("EMAIL_VERIFICATION_SEND_ON_SIGN_UP", "true"),
            ("AUTO_SIGN_IN_AFTER_VERIFICATION", "true"),
            ("REVOKE_SESSIONS_ON_PASSWORD_RESET", "true"),
            ("DELETE_USER_SEND_VERIFICATION", "true"),
        ],
    )
    .await;
    let env = [
        ("BASE_URL", app.base.as_str()),
        ("MAIL_OUTBOX_DIR", &outbox_str),
        ("BETTER_AUTH_SECRET", SECRET),
    ];
    let output = run_node(&dir, "email-flow.mjs", &env).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    app.stop().await;
    let _ = std::fs::remove_dir_all(&outbox);
}

/// `compat/org-flow.mjs` (also validated against a real Better Auth with its organization
/// plugin, teams and dynamic access control): organizations, invitations by mail, members,
/// roles, teams and custom roles through the official `organizationClient`.
async fn official_client_organization_flow(backend: Backend) {
    let Some(dir) = harness() else { return };
    let outbox = std::env::temp_dir()
        .join(format!("iam-org-outbox-{}", iam_auth::crypto::random_alphanumeric(8)));
    let outbox_str = outbox.display().to_string();
    let app = TestApp::spawn_public(
        backend,
        &[
            ("BETTER_AUTH_TRUSTED_ORIGINS", "http://127.0.0.1:*"),
            ("MAIL_OUTBOX_DIR", &outbox_str),
            ("ORGANIZATION_TEAMS_ENABLED", "true"),
            ("ORGANIZATION_DYNAMIC_ROLES_ENABLED", "true"),
        ],
    )
    .await;
    let env = [
        ("BASE_URL", app.base.as_str()),
        ("MAIL_OUTBOX_DIR", &outbox_str),
        ("BETTER_AUTH_SECRET", SECRET),
    ];
    let output = run_node(&dir, "org-flow.mjs", &env).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}\n{stderr}");
    app.stop().await;
    let _ = std::fs::remove_dir_all(&outbox);
}

/// `compat/social-flow.mjs` (also validated against a real Better Auth): social sign-in,
/// linking, unlinking, provider tokens, callback errors, GitHub and provider logout, through
/// the official client against a real OAuth/OIDC provider process.
async fn official_client_social_flows(backend: Backend) {
    let Some(dir) = harness() else { return };
    let Some(provider) = crate::social::MockProvider::start().await else { return };
    let outbox = std::env::temp_dir()
        .join(format!("iam-social-outbox-{}", iam_auth::crypto::random_alphanumeric(8)));
    let outbox_str = outbox.display().to_string();
    let b = &provider.base;
    let discovery = format!("{b}/.well-known/openid-configuration");
    let (authorize, token, github_user) =
        (format!("{b}/authorize"), format!("{b}/token"), format!("{b}/github/user"));
    let app = TestApp::spawn_public(
        backend,
        &[
            ("BETTER_AUTH_TRUSTED_ORIGINS", "http://127.0.0.1:*"),
            ("MAIL_OUTBOX_DIR", &outbox_str),
            ("EMAIL_VERIFICATION_SEND_ON_SIGN_UP", "true"),
            ("AUTO_SIGN_IN_AFTER_VERIFICATION", "true"),
            ("OIDC_PROVIDERS", "mock-oidc"),
            ("OIDC_MOCK_OIDC_DISCOVERY_URL", &discovery),
            ("OIDC_MOCK_OIDC_CLIENT_ID", "mock-oidc-client"),
            ("OIDC_MOCK_OIDC_CLIENT_SECRET", "mock-oidc-secret"),
            ("GITHUB_CLIENT_ID", "mock-github-client"),
            ("GITHUB_CLIENT_SECRET", "mock-github-secret"),
            ("GITHUB_AUTHORIZATION_URL", &authorize),
            ("GITHUB_TOKEN_URL", &token),
            ("GITHUB_USERINFO_URL", &github_user),
            ("ACCOUNT_LINKING_TRUSTED_PROVIDERS", "mock-oidc"),
        ],
    )
    .await;
    let env = [
        ("BASE_URL", app.base.as_str()),
        ("OAUTH_PROVIDER_URL", b.as_str()),
        ("MAIL_OUTBOX_DIR", &outbox_str),
        ("BETTER_AUTH_SECRET", SECRET),
    ];
    let output = run_node(&dir, "social-flow.mjs", &env).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    app.stop().await;
    let _ = std::fs::remove_dir_all(&outbox);
}

async fn adopt_database_created_by_better_auth(backend: Backend) {
    let Some(dir) = harness() else { return };
    let url = backend.fresh_database().await;
    let output = run_node(
        &dir,
        "seed-better-auth.mjs",
        &[("DATABASE_URL", &url), ("BETTER_AUTH_SECRET", SECRET), ("BETTER_AUTH_URL", ORIGIN)],
    )
    .await;
    let seeded: Value = serde_json::from_slice(&output.stdout).expect("seed output is JSON");
    let email = seeded["email"].as_str().unwrap();
    let password = seeded["password"].as_str().unwrap();

    // Our migrations run on start-up against Better Auth's tables.
    let app = TestApp::spawn_on(&url, &[]).await;
    assert!(iam_migrations::missing_indexes(app.db()).await.unwrap().is_empty());

    // The session Better Auth issued is valid here, cookie as Better Auth set it.
    let cookie = seeded["cookie"].as_str().unwrap();
    let res = app
        .plain_client()
        .get(app.url("/api/auth/get-session"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    let session: Value = res.json().await.unwrap();
    assert_eq!(session["user"]["id"], seeded["userId"], "Better Auth's session is accepted");
    assert_eq!(session["session"]["token"], seeded["sessionToken"]);

    // Better Auth's scrypt hash verifies, and is upgraded to argon2id.
    let res = app.browser().sign_in(email, password).await;
    assert_eq!(res.status(), StatusCode::OK);
    let user_id = seeded["userId"].as_str().unwrap();
    let accounts = &app.service().repositories().accounts;
    let stored = accounts.find_credential(user_id).await.unwrap().unwrap().password.unwrap();
    assert!(stored.starts_with("$argon2id$"));
    assert_eq!(app.browser().sign_in(email, password).await.status(), StatusCode::OK);

    // New users land in the same tables.
    let b = app.browser();
    let res = b
        .post(
            "/api/auth/sign-up/email",
            json!({"name": "New", "email": format!("new-{email}"), "password": "a-new-password"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    app.stop().await;
}

/// A database where Better Auth's organization plugin (teams, dynamic access control)
/// created the schema, an organization, a member with a custom role, teams and a pending
/// invitation: this server reads all of it, with Better Auth's sessions still active in it.
async fn adopt_organizations_created_by_better_auth(backend: Backend) {
    let Some(dir) = harness() else { return };
    let url = backend.fresh_database().await;
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("BETTER_AUTH_SECRET", SECRET),
        ("BETTER_AUTH_URL", ORIGIN),
        ("ORG", "1"),
    ];
    let output = run_node(&dir, "seed-better-auth.mjs", &env).await;
    let seeded: Value = serde_json::from_slice(&output.stdout).expect("seed output is JSON");
    let org = &seeded["org"];
    let app = TestApp::spawn_on(
        &url,
        &[("ORGANIZATION_TEAMS_ENABLED", "true"), ("ORGANIZATION_DYNAMIC_ROLES_ENABLED", "true")],
    )
    .await;
    assert!(iam_migrations::missing_indexes(app.db()).await.unwrap().is_empty());
    let client = app.plain_client();
    let get = |cookie: &str, path: &str| {
        client.get(app.url(path)).header("cookie", cookie.to_owned()).send()
    };
    let owner = seeded["cookie"].as_str().unwrap();
    let member = org["member"]["cookie"].as_str().unwrap();

    // Better Auth's sessions keep their active organization and team.
    let session: Value = get(owner, "/api/auth/get-session").await.unwrap().json().await.unwrap();
    assert_eq!(session["session"]["activeOrganizationId"], org["organizationId"]);
    assert_eq!(session["session"]["activeTeamId"], org["defaultTeamId"]);

    let full: Value = get(owner, "/api/auth/organization/get-full-organization")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(full["slug"], "seeded-org");
    assert_eq!(full["metadata"], "{\"plan\":\"pro\"}");
    let mut roles: Vec<&str> =
        full["members"].as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    roles.sort_unstable();
    assert_eq!(roles, ["member,auditor", "owner"]);
    let statuses: Vec<&str> = full["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert!(statuses.contains(&"pending") && statuses.contains(&"accepted"), "{statuses:?}");
    assert_eq!(full["teams"].as_array().unwrap().len(), 2);

    // The member's custom role, stored by Better Auth, grants what it granted there.
    let res = client
        .post(app.url("/api/auth/organization/has-permission"))
        .header("cookie", member)
        .header("origin", ORIGIN)
        .json(&json!({"permissions": {"member": ["update"]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"error": null, "success": true}));
    let teams: Value =
        get(member, "/api/auth/organization/list-user-teams").await.unwrap().json().await.unwrap();
    assert_eq!(teams[0]["id"], org["teamId"]);
    let listed: Value =
        get(owner, "/api/auth/organization/list-roles").await.unwrap().json().await.unwrap();
    assert_eq!(listed[0]["permission"]["member"], json!(["update"]));

    // Writes land in Better Auth's tables: the pending invitation is canceled here.
    let res = client
        .post(app.url("/api/auth/organization/cancel-invitation"))
        .header("cookie", owner)
        .header("origin", ORIGIN)
        .json(&json!({"invitationId": org["pendingInvitationId"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "canceled");
    app.stop().await;
}
