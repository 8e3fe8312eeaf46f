use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{
    Backend, PASSWORD, TestApp, assert_error, cookie_named, set_cookies, unique_email,
};

db_tests!(
    signed_out_get_session_is_null_and_not_cached,
    expired_sessions_are_refused_and_deleted,
    sessions_slide_once_a_day,
    dont_remember_and_disable_refresh_never_slide,
    list_sessions_needs_a_fresh_session,
    revoking_sessions,
    sign_out_deletes_the_session_and_cookies,
    bearer_tokens_and_tampered_cookies,
    cookie_cache_answers_without_the_database,
);

async fn signed_out_get_session_is_null_and_not_cached(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app.browser().get("/api/auth/get-session").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert_eq!(res.headers()["pragma"], "no-cache");
    assert!(set_cookies(&res).is_empty());
    assert_eq!(res.text().await.unwrap(), "null");
    app.stop().await;
}

async fn expired_sessions_are_refused_and_deleted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    let token = b.sign_up(&unique_email("exp")).await["token"].as_str().unwrap().to_owned();
    app.advance(Duration::days(7) + Duration::seconds(1));
    let res = b.get("/api/auth/get-session").await;
    let cookies = set_cookies(&res);
    assert!(cookie_named(&cookies, "better-auth.session_token").unwrap().contains("Max-Age=0"));
    assert_eq!(res.text().await.unwrap(), "null");
    let row = app.service().repositories().sessions.find_with_user(&token).await.unwrap();
    assert!(row.is_none(), "the expired row is deleted");
    app.stop().await;
}

async fn sessions_slide_once_a_day(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    b.sign_up(&unique_email("slide")).await;
    let first = b.session().await["session"]["expiresAt"].clone();

    app.advance(Duration::hours(23));
    let res = b.get("/api/auth/get-session").await;
    assert!(set_cookies(&res).is_empty(), "no refresh before updateAge");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["session"]["expiresAt"], first);

    app.advance(Duration::hours(2));
    let res = b.get("/api/auth/get-session").await;
    let cookies = set_cookies(&res);
    assert!(
        cookie_named(&cookies, "better-auth.session_token").unwrap().contains("Max-Age=604800")
    );
    let body: Value = res.json().await.unwrap();
    let expires = parse(&body["session"]["expiresAt"]);
    assert_eq!(expires, app_now(&app) + Duration::days(7), "slid to now + 7 days");
    // Persisted: a later read sees the new expiry.
    assert_eq!(b.session().await["session"]["expiresAt"], body["session"]["expiresAt"]);

    // Six more days: still alive thanks to the refresh (the original expiry has passed).
    app.advance(Duration::days(6) + Duration::hours(1));
    assert!(b.session().await["session"].is_object());
    app.stop().await;
}

async fn dont_remember_and_disable_refresh_never_slide(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("SESSION_UPDATE_AGE", "0")]).await;
    let email = unique_email("dr");
    app.browser().sign_up(&email).await;
    let b = app.browser();
    let res = b
        .post(
            "/api/auth/sign-in/email",
            json!({"email": email, "password": PASSWORD, "rememberMe": false}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    app.advance(Duration::minutes(5));
    let res = b.get("/api/auth/get-session").await;
    assert!(set_cookies(&res).is_empty(), "don't-remember sessions never slide");

    let other = app.browser();
    other.sign_in(&email, PASSWORD).await;
    app.advance(Duration::minutes(5));
    let res = other.get("/api/auth/get-session?disableRefresh=true").await;
    assert!(set_cookies(&res).is_empty(), "disableRefresh");
    let res = other.get("/api/auth/get-session").await;
    assert!(!set_cookies(&res).is_empty(), "updateAge 0 refreshes every time");
    app.stop().await;
}

async fn list_sessions_needs_a_fresh_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("list");
    let a = app.browser();
    a.sign_up(&email).await;
    let b = app.browser();
    b.sign_in(&email, PASSWORD).await;

    let res = a.get("/api/auth/list-sessions").await;
    assert_eq!(res.status(), StatusCode::OK);
    let sessions: Vec<Value> = res.json().await.unwrap();
    assert_eq!(sessions.len(), 2);
    assert!(sessions.iter().all(|s| s["token"].as_str().is_some_and(|t| t.len() == 32)));

    app.advance(Duration::days(1) + Duration::minutes(1));
    assert_error(a.get("/api/auth/list-sessions").await, 403, "SESSION_NOT_FRESH").await;
    assert_error(
        app.plain_client().get(app.url("/api/auth/list-sessions")).send().await.unwrap(),
        401,
        "UNAUTHORIZED",
    )
    .await;
    app.stop().await;
}

async fn revoking_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("revoke");
    let (a, b, c) = (app.browser(), app.browser(), app.browser());
    a.sign_up(&email).await;
    let b_token: Value = b.sign_in(&email, PASSWORD).await.json().await.unwrap();
    c.sign_in(&email, PASSWORD).await;
    let stranger = app.browser();
    let stranger_token = stranger.sign_up(&unique_email("stranger")).await["token"].clone();

    // Another user's token is silently ignored.
    let res = a.post("/api/auth/revoke-session", json!({"token": stranger_token})).await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"status": true}));
    assert!(stranger.session().await.is_object());

    let res = a.post("/api/auth/revoke-session", json!({"token": b_token["token"]})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(b.session().await.is_null());
    assert!(c.session().await.is_object());

    let res = a.post("/api/auth/revoke-other-sessions", json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(c.session().await.is_null());
    assert!(a.session().await.is_object());

    c.sign_in(&email, PASSWORD).await;
    let res = a.post("/api/auth/revoke-sessions", json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        cookie_named(&set_cookies(&res), "better-auth.session_token")
            .unwrap()
            .contains("Max-Age=0")
    );
    assert!(a.session().await.is_null());
    assert!(c.session().await.is_null());

    let missing = app.browser().post("/api/auth/revoke-session", json!({})).await;
    assert_error(missing, 400, "VALIDATION_ERROR").await;
    app.stop().await;
}

async fn sign_out_deletes_the_session_and_cookies(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    let token = b.sign_up(&unique_email("out")).await["token"].as_str().unwrap().to_owned();
    let res = b.post("/api/auth/sign-out", json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookies = set_cookies(&res);
    for name in ["session_token", "session_data", "dont_remember"] {
        let c = cookie_named(&cookies, &format!("better-auth.{name}")).unwrap();
        assert!(c.contains("Max-Age=0"), "{c}");
    }
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"success": true}));
    assert!(app.service().repositories().sessions.find_with_user(&token).await.unwrap().is_none());
    assert!(b.session().await.is_null());
    // Signing out without a session still succeeds.
    assert_eq!(app.browser().post("/api/auth/sign-out", json!({})).await.status(), StatusCode::OK);
    app.stop().await;
}

async fn bearer_tokens_and_tampered_cookies(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("bearer");
    app.browser().sign_up(&email).await;
    let client = app.plain_client();
    let res = client
        .post(app.url("/api/auth/sign-in/email"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["access-control-expose-headers"], "set-auth-token");
    let signed = res.headers()["set-auth-token"].to_str().unwrap().to_owned();
    let raw = signed.split('.').next().unwrap().to_owned();

    let get = |auth: String| {
        let client = client.clone();
        let url = app.url("/api/auth/get-session");
        async move {
            client
                .get(url)
                .header("authorization", auth)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(get(format!("Bearer {signed}")).await["user"]["email"], email);
    assert_eq!(get(format!("bearer {raw}")).await["user"]["email"], email, "raw token");
    let tampered = format!("{raw}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    assert!(get(format!("Bearer {tampered}")).await.is_null());

    // A bearer request needs no Origin: no ambient credential, nothing to forge.
    let res = client
        .post(app.url("/api/auth/update-user"))
        .header("authorization", format!("Bearer {signed}"))
        .json(&json!({"name": "Via Bearer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(get(format!("Bearer {signed}")).await["user"]["name"], "Via Bearer");

    // A cookie with a forged signature is no session.
    let forged = client
        .get(app.url("/api/auth/get-session"))
        .header("cookie", format!("better-auth.session_token={raw}.{}", "B".repeat(43) + "="))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.text().await.unwrap(), "null");
    app.stop().await;
}

fn parse(v: &Value) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap().with_timezone(&chrono::Utc)
}

fn app_now(app: &TestApp) -> chrono::DateTime<chrono::Utc> {
    use iam_auth::Clock;
    app.clock.now()
}

/// `SESSION_COOKIE_CACHE=true`: get-session caches a signed snapshot in `session_data` and
/// answers from it until it expires, even after the row is gone (Better Auth's trade-off);
/// `disableCookieCache`, a tampered snapshot and any re-set session cookie go back to the
/// database.
async fn cookie_cache_answers_without_the_database(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        &[("SESSION_COOKIE_CACHE", "true"), ("SESSION_COOKIE_CACHE_MAX_AGE", "300")],
    )
    .await;
    let b = app.browser();
    let token = b.sign_up(&unique_email("cache")).await["token"].as_str().unwrap().to_owned();
    let res = b.get("/api/auth/get-session").await;
    let cookies = set_cookies(&res);
    let cached = cookie_named(&cookies, "better-auth.session_data").expect("a snapshot is set");
    assert!(cached.contains("Max-Age=300") && cached.contains("HttpOnly"), "{cached}");
    let fresh: Value = res.json().await.unwrap();

    // The row goes; the snapshot still answers, byte for byte the same session.
    app.service().repositories().sessions.delete_by_token(&token).await.unwrap();
    let res = b.get("/api/auth/get-session").await;
    assert!(set_cookies(&res).is_empty(), "served from the snapshot");
    assert_eq!(res.json::<Value>().await.unwrap(), fresh);
    let res = b.get("/api/auth/get-session?disableCookieCache=true").await;
    assert_eq!(res.text().await.unwrap(), "null", "the database has the last word");

    // A new session; a forged snapshot is dropped and the database answers.
    let b = app.browser();
    let email = unique_email("forged");
    let token = b.sign_up(&email).await["token"].as_str().unwrap().to_owned();
    let signed = app.service().verifier().signer().sign(&token);
    let cookie = format!(
        "better-auth.session_token={}; better-auth.session_data=eyJzZXNzaW9uIjp7fX0",
        urlencoding(&signed)
    );
    let res = app
        .plain_client()
        .get(app.url("/api/auth/get-session"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    let data: Vec<String> = set_cookies(&res)
        .into_iter()
        .filter(|c| c.starts_with("better-auth.session_data="))
        .collect();
    assert_eq!(data.len(), 2, "{data:?}");
    assert!(data[0].contains("Max-Age=0"), "the forged snapshot is dropped: {data:?}");
    assert!(data[1].contains("Max-Age=300"), "and a genuine one set: {data:?}");
    assert_eq!(res.json::<Value>().await.unwrap()["user"]["email"], email.as_str());

    // A change that re-sets the session cookie drops the snapshot: no stale organization.
    b.get("/api/auth/get-session").await;
    let org = b
        .post(
            "/api/auth/organization/create",
            json!({"name": "C", "slug": unique_email("c").replace('@', "-")}),
        )
        .await;
    let org_id = org.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let res = b.post("/api/auth/organization/set-active", json!({"organizationId": null})).await;
    let cookies = set_cookies(&res);
    assert!(cookie_named(&cookies, "better-auth.session_data").unwrap().contains("Max-Age=0"));
    let session = b.session().await;
    assert!(session["session"]["activeOrganizationId"].is_null());
    b.post("/api/auth/organization/set-active", json!({"organizationId": org_id})).await;
    assert_eq!(b.session().await["session"]["activeOrganizationId"], org_id.as_str());

    // Snapshots expire with their max-age.
    app.service().repositories().sessions.delete_by_token(&token).await.unwrap();
    app.advance(Duration::seconds(301));
    let res = b.get("/api/auth/get-session").await;
    assert_eq!(res.text().await.unwrap(), "null");
    app.stop().await;
}

fn urlencoding(value: &str) -> String {
    value.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")
}
