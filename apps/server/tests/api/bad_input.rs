use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{Backend, PASSWORD, TestApp, assert_error, unique_email};

db_tests!(malformed_requests_get_4xx_in_better_auth_shape, awkward_but_valid_values_round_trip);

async fn malformed_requests_get_4xx_in_better_auth_shape(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.plain_client();
    let post_raw = |path: &'static str, content_type: Option<&'static str>, body: Vec<u8>| {
        let mut req = client.post(app.url(path)).body(body);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        req.send()
    };

    let res =
        post_raw("/api/auth/sign-in/email", Some("application/json"), b"{\"email\": ".to_vec())
            .await
            .unwrap();
    let err = assert_error(res, 400, "BAD_REQUEST").await;
    assert_eq!(err["message"], "Invalid JSON in request body");

    let res =
        post_raw("/api/auth/sign-in/email", Some("text/plain"), b"hello".to_vec()).await.unwrap();
    let err = assert_error(res, 415, "UNSUPPORTED_MEDIA_TYPE").await;
    assert_eq!(
        err["message"],
        "Content-Type \"text/plain\" is not allowed. Allowed types: application/x-www-form-urlencoded, application/json"
    );
    let res =
        post_raw("/api/auth/update-user", Some("text/plain"), b"hello".to_vec()).await.unwrap();
    let err = assert_error(res, 415, "UNSUPPORTED_MEDIA_TYPE").await;
    assert_eq!(
        err["message"],
        "Content-Type \"text/plain\" is not allowed. Allowed types: application/json"
    );

    // No Content-Type: the body is ignored, as on Node.
    let res = post_raw("/api/auth/sign-in/email", None, b"{}".to_vec()).await.unwrap();
    let err = assert_error(res, 400, "VALIDATION_ERROR").await;
    assert_eq!(err["message"], "[body] Invalid input: expected object, received undefined");

    let huge = format!("{{\"name\":\"{}\"}}", "a".repeat(100 * 1024)).into_bytes();
    let res = post_raw("/api/auth/sign-up/email", Some("application/json"), huge).await.unwrap();
    assert_error(res, 413, "PAYLOAD_TOO_LARGE").await;

    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes();
    let res = post_raw("/api/auth/sign-in/email", Some("application/json"), deep).await.unwrap();
    assert_error(res, 400, "BAD_REQUEST").await;

    let long_email = format!("{}@example.com", "a".repeat(300));
    let res = client
        .post(app.url("/api/auth/sign-up/email"))
        .json(&json!({"name": "L", "email": long_email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_error(res, 400, "VALIDATION_ERROR").await;
    let res = client
        .post(app.url("/api/auth/sign-in/email"))
        .json(&json!({"email": long_email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_error(res, 400, "INVALID_EMAIL").await;

    let res = client
        .post(app.url("/api/auth/sign-up/email"))
        .json(&json!({"name": "nul\u{0}byte", "email": unique_email("nul"), "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_error(res, 400, "VALIDATION_ERROR").await;

    // A NUL in a token to revoke is no token, not a database error.
    let b = app.browser();
    b.sign_up(&unique_email("nul2")).await;
    let res = b.post("/api/auth/revoke-session", json!({"token": "a\u{0}b"})).await;
    assert_eq!(res.status(), StatusCode::OK);

    for (method, path) in [
        (reqwest::Method::GET, "/api/auth/does-not-exist"),
        (reqwest::Method::GET, "/api/auth/sign-in/email"),
        (reqwest::Method::GET, "/api/auth/get-session/"),
        (reqwest::Method::DELETE, "/api/auth/sign-out"),
    ] {
        let res = client.request(method.clone(), app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{method} {path}");
        assert!(res.bytes().await.unwrap().is_empty());
    }

    let res = client.post(app.url("/api/auth/get-session")).json(&json!({})).send().await.unwrap();
    assert_error(res, 405, "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED").await;
    app.stop().await;
}

async fn awkward_but_valid_values_round_trip(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    let name = "Zoë 🚀 O'Brien <script>";
    let password = "pässwörd-🔑-1234";
    let email = unique_email("unicode");
    let res = b
        .post(
            "/api/auth/sign-up/email",
            json!({"name": name, "email": email, "password": password}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["name"], name);
    assert_eq!(app.browser().sign_in(&email, password).await.status(), StatusCode::OK);
    let max_name = "n".repeat(255);
    let res = b.post("/api/auth/update-user", json!({"name": max_name})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(b.session().await["user"]["name"], max_name);
    app.stop().await;
}
