use chrono::Duration;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{
    Backend, ORIGIN, PASSWORD, TestApp, assert_error, cookie_named, set_cookies, unique_email,
};

db_tests!(
    cookie_requests_need_a_trusted_origin,
    sign_in_from_foreign_pages_is_refused,
    untrusted_callback_urls_are_refused,
    test_environment_disables_origin_checks,
    cors_allows_exactly_the_trusted_origins,
    rate_limits_follow_better_auth,
    forwarded_for_counts_only_behind_trusted_proxies,
    https_base_url_uses_secure_cookies,
);

fn cookie_client_without_origin() -> Client {
    Client::builder().cookie_store(true).build().unwrap()
}

async fn cookie_requests_need_a_trusted_origin(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("CORS_ORIGIN", "http://localhost:5173")]).await;
    let client = cookie_client_without_origin();
    let email = unique_email("origin");
    let res = client
        .post(app.url("/api/auth/sign-up/email"))
        .json(&json!({"name": "O", "email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "a non-browser sign-up without cookies is fine");

    let update = |origin: Option<&'static str>| {
        let client = client.clone();
        let url = app.url("/api/auth/update-user");
        async move {
            let mut req = client.post(url).json(&json!({"name": "changed"}));
            if let Some(origin) = origin {
                req = req.header("origin", origin);
            }
            req.send().await.unwrap()
        }
    };
    assert_error(update(None).await, 403, "MISSING_OR_NULL_ORIGIN").await;
    assert_error(update(Some("null")).await, 403, "MISSING_OR_NULL_ORIGIN").await;
    assert_error(update(Some("https://evil.example")).await, 403, "INVALID_ORIGIN").await;
    assert_error(update(Some("http://localhost:3000.evil.example")).await, 403, "INVALID_ORIGIN")
        .await;
    assert_eq!(update(Some(ORIGIN)).await.status(), StatusCode::OK);
    assert_eq!(
        update(Some("http://localhost:5173")).await.status(),
        StatusCode::OK,
        "CORS_ORIGIN is trusted"
    );

    // Referer stands in for a missing Origin.
    let res = client
        .post(app.url("/api/auth/update-user"))
        .header("referer", "http://localhost:3000/settings")
        .json(&json!({"name": "via referer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    // GET requests are not origin-checked.
    let res = client.get(app.url("/api/auth/get-session")).send().await.unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["user"]["name"], "via referer");
    app.stop().await;
}

async fn sign_in_from_foreign_pages_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("csrf");
    app.browser().sign_up(&email).await;
    let client = app.plain_client();
    let sign_in = |headers: Vec<(&'static str, &'static str)>| {
        let mut req = client
            .post(app.url("/api/auth/sign-in/email"))
            .json(&json!({"email": email, "password": PASSWORD}));
        for (k, v) in headers {
            req = req.header(k, v);
        }
        req.send()
    };
    assert_error(
        sign_in(vec![("origin", "https://evil.example")]).await.unwrap(),
        403,
        "INVALID_ORIGIN",
    )
    .await;
    assert_error(
        sign_in(vec![("sec-fetch-site", "cross-site"), ("sec-fetch-mode", "navigate")])
            .await
            .unwrap(),
        403,
        "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED",
    )
    .await;
    assert_error(
        sign_in(vec![("sec-fetch-site", "same-site")]).await.unwrap(),
        403,
        "MISSING_OR_NULL_ORIGIN",
    )
    .await;
    assert_eq!(
        sign_in(vec![]).await.unwrap().status(),
        StatusCode::OK,
        "non-browser callers have no Origin"
    );
    assert_eq!(sign_in(vec![("origin", ORIGIN)]).await.unwrap().status(), StatusCode::OK);
    app.stop().await;
}

async fn untrusted_callback_urls_are_refused(backend: Backend) {
    let app =
        TestApp::spawn_with(backend, &[("BETTER_AUTH_TRUSTED_ORIGINS", "https://app.example.com")])
            .await;
    let email = unique_email("cb");
    app.browser().sign_up(&email).await;
    let b = app.browser();
    let attempt = |callback: &'static str, key: &'static str| {
        b.post(
            "/api/auth/sign-in/email",
            json!({"email": email, "password": PASSWORD, key: callback}),
        )
    };
    assert_error(
        attempt("https://evil.example/steal", "callbackURL").await,
        403,
        "INVALID_CALLBACK_URL",
    )
    .await;
    assert_error(attempt("//evil.example", "callbackURL").await, 403, "INVALID_CALLBACK_URL").await;
    assert_error(
        attempt("https://evil.example", "errorCallbackURL").await,
        403,
        "INVALID_ERROR_CALLBACK_URL",
    )
    .await;
    assert_error(
        attempt("https://evil.example", "newUserCallbackURL").await,
        403,
        "INVALID_NEW_USER_CALLBACK_URL",
    )
    .await;
    assert_eq!(attempt("/welcome", "callbackURL").await.status(), StatusCode::OK);
    assert_eq!(
        attempt("https://app.example.com/home", "callbackURL").await.status(),
        StatusCode::OK
    );
    // Checked without cookies too.
    let res = app
        .plain_client()
        .post(app.url("/api/auth/sign-out"))
        .json(&json!({"callbackURL": "https://evil.example"}))
        .send()
        .await
        .unwrap();
    assert_error(res, 403, "INVALID_CALLBACK_URL").await;
    app.stop().await;
}

async fn test_environment_disables_origin_checks(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("NODE_ENV", "test")]).await;
    let client = cookie_client_without_origin();
    let res = client
        .post(app.url("/api/auth/sign-up/email"))
        .header("origin", "https://evil.example")
        .json(&json!({"name": "T", "email": unique_email("t"), "password": PASSWORD, "callbackURL": "https://evil.example"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = client
        .post(app.url("/api/auth/update-user"))
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    app.stop().await;
}

async fn cors_allows_exactly_the_trusted_origins(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("CORS_ORIGIN", "http://localhost:5173")]).await;
    let client = app.plain_client();
    let preflight = |origin: &'static str| {
        client
            .request(reqwest::Method::OPTIONS, app.url("/api/auth/sign-in/email"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let ok = preflight("http://localhost:5173").await.unwrap();
    assert!(ok.status().is_success());
    assert_eq!(ok.headers()["access-control-allow-origin"], "http://localhost:5173");
    assert_eq!(ok.headers()["access-control-allow-credentials"], "true");
    let evil = preflight("https://evil.example").await.unwrap();
    assert!(!evil.headers().contains_key("access-control-allow-origin"));

    let res = client
        .get(app.url("/rpc/healthCheck"))
        .header("origin", "http://localhost:5173")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], "http://localhost:5173");
    app.stop().await;
}

async fn rate_limits_follow_better_auth(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("RATE_LIMIT_ENABLED", "true")]).await;
    let b = app.browser();
    let email = unique_email("rl");
    for _ in 0..3 {
        assert_error(b.sign_in(&email, "wrong-password").await, 401, "INVALID_EMAIL_OR_PASSWORD")
            .await;
    }
    let limited = b.sign_in(&email, "wrong-password").await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.headers()["x-retry-after"], "10");
    assert_eq!(
        limited.json::<Value>().await.unwrap(),
        json!({"message": "Too many requests. Please try again later."})
    );
    // Other paths have their own (larger) budget.
    assert_eq!(b.get("/api/auth/get-session").await.status(), StatusCode::OK);
    // The window is anchored on the last allowed request.
    app.advance(Duration::seconds(10));
    assert_error(b.sign_in(&email, "wrong-password").await, 401, "INVALID_EMAIL_OR_PASSWORD").await;
    app.stop().await;
}

async fn forwarded_for_counts_only_behind_trusted_proxies(backend: Backend) {
    let app = TestApp::spawn_with(backend.clone(), &[("RATE_LIMIT_ENABLED", "true")]).await;
    let b = app.browser();
    let email = unique_email("xff");
    for i in 0..3 {
        let res = b
            .client
            .post(b.url("/api/auth/sign-in/email"))
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .json(&json!({"email": email, "password": "wrong-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = b
        .client
        .post(b.url("/api/auth/sign-in/email"))
        .header("x-forwarded-for", "198.51.100.99")
        .json(&json!({"email": email, "password": "wrong-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "a spoofed header does not buy a new bucket"
    );
    app.stop().await;

    let app = TestApp::spawn_with(
        backend,
        &[("RATE_LIMIT_ENABLED", "true"), ("TRUSTED_PROXIES", "127.0.0.1")],
    )
    .await;
    let b = app.browser();
    for i in 0..5 {
        let res = b
            .client
            .post(b.url("/api/auth/sign-in/email"))
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .json(&json!({"email": email, "password": "wrong-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::UNAUTHORIZED,
            "behind a trusted proxy each client has its bucket"
        );
    }
    let session = b
        .client
        .post(b.url("/api/auth/sign-up/email"))
        .header("x-forwarded-for", "203.0.113.5, 127.0.0.1")
        .json(&json!({"name": "P", "email": unique_email("proxied"), "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(session.status(), StatusCode::OK);
    assert_eq!(b.session().await["session"]["ipAddress"], "203.0.113.5");
    app.stop().await;
}

async fn https_base_url_uses_secure_cookies(backend: Backend) {
    let app =
        TestApp::spawn_with(backend, &[("BETTER_AUTH_URL", "https://auth.example.com")]).await;
    let res = app
        .plain_client()
        .post(app.url("/api/auth/sign-up/email"))
        .json(&json!({"name": "S", "email": unique_email("secure"), "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookies = set_cookies(&res);
    let cookie =
        cookie_named(&cookies, "__Secure-better-auth.session_token").expect("prefixed cookie");
    assert!(cookie.ends_with("; Path=/; HttpOnly; Secure; SameSite=Lax"), "{cookie}");
    app.stop().await;
}
