use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{
    Backend, PASSWORD, SECRET, TestApp, assert_error, cookie_named, set_cookies, unique_email,
};

db_tests!(
    creates_user_and_session,
    duplicate_email_is_422,
    concurrent_double_sign_up_creates_one_user,
    password_length_is_enforced,
    invalid_fields_are_validation_errors,
    form_post_and_remember_me_false,
);

async fn creates_user_and_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser = app.browser();
    let res = browser
        .post(
            "/api/auth/sign-up/email",
            json!({"name": "Alice", "email": "Alice@Example.COM", "password": PASSWORD, "image": "https://cdn.example.com/a.png"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookies = set_cookies(&res);
    let auth_token = res.headers()["set-auth-token"].to_str().unwrap().to_owned();
    let body: Value = res.json().await.unwrap();

    let user = &body["user"];
    assert_eq!(user["email"], "alice@example.com", "emails are lower-cased");
    assert_eq!(user["name"], "Alice");
    assert_eq!(user["emailVerified"], false);
    assert_eq!(user["image"], "https://cdn.example.com/a.png");
    assert_eq!(user["id"].as_str().unwrap().len(), 32);
    let created = user["createdAt"].as_str().unwrap();
    assert!(created.ends_with('Z') && created.len() == 24, "ISO date with millis: {created}");

    let token = body["token"].as_str().unwrap();
    assert_eq!(token.len(), 32);
    // The cookie is Better Auth's signed value, URL-encoded, with its attributes.
    let signature = iam_auth::crypto::Signer::new(SECRET.as_bytes()).signature(token);
    assert_eq!(auth_token, format!("{token}.{signature}"));
    let cookie = cookie_named(&cookies, "better-auth.session_token").expect("session cookie");
    assert!(cookie.contains("Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("%3D"), "value is URL-encoded: {cookie}");

    let session = browser.session().await;
    assert_eq!(session["user"]["id"], user["id"]);
    assert_eq!(session["session"]["token"], token);
    assert_eq!(session["session"]["ipAddress"], "127.0.0.1");
    app.stop().await;
}

async fn duplicate_email_is_422(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("dup");
    app.browser().sign_up(&email).await;
    let res = app
        .browser()
        .post(
            "/api/auth/sign-up/email",
            json!({"name": "B", "email": email.to_uppercase(), "password": PASSWORD}),
        )
        .await;
    let body = assert_error(res, 422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL").await;
    assert_eq!(body["message"], "User already exists. Use another email.");
    app.stop().await;
}

async fn concurrent_double_sign_up_creates_one_user(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("race");
    let attempts = (0..4).map(|_| {
        let browser = app.browser();
        let email = email.clone();
        async move {
            browser
                .post(
                    "/api/auth/sign-up/email",
                    json!({"name": "R", "email": email, "password": PASSWORD}),
                )
                .await
                .status()
                .as_u16()
        }
    });
    let mut statuses = futures_util::future::join_all(attempts).await;
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 422, 422, 422], "exactly one sign-up wins");
    let users = app.service().repositories().users.find_by_email(&email).await.unwrap();
    assert!(users.is_some());
    let accounts = app.service().list_accounts(&users.unwrap().id).await.unwrap();
    assert_eq!(accounts.len(), 1, "one credential account, nothing half-written");
    app.stop().await;
}

async fn password_length_is_enforced(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    let short = b
        .post(
            "/api/auth/sign-up/email",
            json!({"name": "S", "email": unique_email("short"), "password": "1234567"}),
        )
        .await;
    assert_error(short, 400, "PASSWORD_TOO_SHORT").await;
    let long = b
        .post(
            "/api/auth/sign-up/email",
            json!({"name": "L", "email": unique_email("long"), "password": "x".repeat(129)}),
        )
        .await;
    assert_error(long, 400, "PASSWORD_TOO_LONG").await;
    app.stop().await;
}

async fn invalid_fields_are_validation_errors(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    let cases = [
        (
            json!({"name": "A", "email": "not-an-email", "password": PASSWORD}),
            "[body.email] Invalid email address",
        ),
        (
            json!({"name": "A", "email": 42, "password": PASSWORD}),
            "[body.email] Invalid input: expected string, received number",
        ),
        (
            json!({"name": "A", "email": unique_email("m")}),
            "[body.password] Invalid input: expected string, received undefined",
        ),
        (
            json!({"name": "x".repeat(256), "email": unique_email("n"), "password": PASSWORD}),
            "[body.name] Too big: expected string to have <=255 characters",
        ),
        (
            json!({"name": "A", "email": unique_email("i"), "password": PASSWORD, "image": "not a url"}),
            "[body.image] Invalid URL",
        ),
        (
            json!({"name": "A", "email": unique_email("r"), "password": PASSWORD, "rememberMe": "yes"}),
            "[body.rememberMe] Invalid input: expected boolean, received string",
        ),
        (json!(["array"]), "[body] Invalid input: expected object, received array"),
    ];
    for (body, message) in cases {
        let res = b.post("/api/auth/sign-up/email", body).await;
        let err = assert_error(res, 400, "VALIDATION_ERROR").await;
        assert_eq!(err["message"], message);
    }
    app.stop().await;
}

async fn form_post_and_remember_me_false(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    let email = unique_email("form");
    let res = b
        .client
        .post(b.url("/api/auth/sign-up/email"))
        .form(&[
            ("name", "Form"),
            ("email", email.as_str()),
            ("password", PASSWORD),
            ("rememberMe", "false"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookies = set_cookies(&res);
    let session_cookie = cookie_named(&cookies, "better-auth.session_token").unwrap();
    assert!(!session_cookie.contains("Max-Age"), "browser-session cookie: {session_cookie}");
    assert!(cookie_named(&cookies, "better-auth.dont_remember").is_some());
    let session = b.session().await;
    let expires =
        chrono::DateTime::parse_from_rfc3339(session["session"]["expiresAt"].as_str().unwrap())
            .unwrap();
    let created =
        chrono::DateTime::parse_from_rfc3339(session["session"]["createdAt"].as_str().unwrap())
            .unwrap();
    assert_eq!(expires - created, chrono::Duration::days(1), "don't-remember sessions last a day");
    app.stop().await;
}
