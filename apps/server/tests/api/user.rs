use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{
    Backend, PASSWORD, TestApp, assert_error, cookie_named, set_cookies, unique_email,
};

db_tests!(
    verify_password_checks_the_credential,
    update_user_changes_name_and_image,
    change_password_checks_and_revokes,
    delete_user_with_password_or_fresh_session,
    list_accounts_hides_secrets,
    features_can_be_switched_off,
);

async fn update_user_changes_name_and_image(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    b.sign_up(&unique_email("upd")).await;

    app.advance(Duration::minutes(1));
    let res = b.post("/api/auth/update-user", json!({"name": "New Name", "image": "https://img.example.com/x.png", "emailVerified": true})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        cookie_named(&set_cookies(&res), "better-auth.session_token")
            .unwrap()
            .contains("Max-Age=604800")
    );
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"status": true}));
    let user = b.session().await["user"].clone();
    assert_eq!(user["name"], "New Name");
    assert_eq!(user["image"], "https://img.example.com/x.png");
    assert_eq!(user["emailVerified"], false, "core fields other than name/image are ignored");
    assert_ne!(user["updatedAt"], user["createdAt"], "updatedAt moves");

    let res = b.post("/api/auth/update-user", json!({"image": null})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(b.session().await["user"]["image"].is_null());

    assert_error(
        b.post("/api/auth/update-user", json!({"email": "x@example.com"})).await,
        400,
        "EMAIL_CAN_NOT_BE_UPDATED",
    )
    .await;
    let none = b.post("/api/auth/update-user", json!({})).await;
    assert_eq!(none.status(), StatusCode::BAD_REQUEST);
    assert_eq!(none.json::<Value>().await.unwrap(), json!({"message": "No fields to update"}));
    assert_error(
        b.post("/api/auth/update-user", json!({"name": 5})).await,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_error(
        b.post("/api/auth/update-user", json!("text")).await,
        400,
        "BODY_MUST_BE_AN_OBJECT",
    )
    .await;
    assert_error(
        app.browser().post("/api/auth/update-user", json!({"name": "x"})).await,
        401,
        "UNAUTHORIZED",
    )
    .await;
    app.stop().await;
}

async fn change_password_checks_and_revokes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("pw");
    let (a, b) = (app.browser(), app.browser());
    a.sign_up(&email).await;
    b.sign_in(&email, PASSWORD).await;

    let wrong = a
        .post(
            "/api/auth/change-password",
            json!({"currentPassword": "nope-nope-nope", "newPassword": "another-password-1"}),
        )
        .await;
    assert_error(wrong, 400, "INVALID_PASSWORD").await;
    let short = a
        .post(
            "/api/auth/change-password",
            json!({"currentPassword": PASSWORD, "newPassword": "short"}),
        )
        .await;
    assert_error(short, 400, "PASSWORD_TOO_SHORT").await;

    // Without revocation: no new token, other sessions live on.
    let res = a
        .post(
            "/api/auth/change-password",
            json!({"currentPassword": PASSWORD, "newPassword": "second-password-2"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert!(body["token"].is_null());
    assert_eq!(body["user"]["email"], email);
    assert!(b.session().await.is_object());

    // With revocation: every old session dies, the caller gets a new one.
    let old_token = a.session().await["session"]["token"].clone();
    let res = a
        .post(
            "/api/auth/change-password",
            json!({"currentPassword": "second-password-2", "newPassword": "third-password-3", "revokeOtherSessions": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("set-auth-token"));
    let body: Value = res.json().await.unwrap();
    let new_token = body["token"].as_str().unwrap().to_owned();
    assert_ne!(Value::String(new_token.clone()), old_token);
    assert_eq!(a.session().await["session"]["token"], new_token);
    assert!(b.session().await.is_null());

    assert_error(app.browser().sign_in(&email, PASSWORD).await, 401, "INVALID_EMAIL_OR_PASSWORD")
        .await;
    assert_error(
        app.browser().sign_in(&email, "second-password-2").await,
        401,
        "INVALID_EMAIL_OR_PASSWORD",
    )
    .await;
    assert_eq!(app.browser().sign_in(&email, "third-password-3").await.status(), StatusCode::OK);
    app.stop().await;
}

async fn delete_user_with_password_or_fresh_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("del");
    let b = app.browser();
    let user_id = b.sign_up(&email).await["user"]["id"].as_str().unwrap().to_owned();

    let wrong = b.post("/api/auth/delete-user", json!({"password": "wrong-password"})).await;
    assert_error(wrong, 400, "INVALID_PASSWORD").await;

    // Old session, no password: re-authentication needed.
    app.advance(Duration::days(2));
    b.get("/api/auth/get-session").await; // keep it alive (slides)
    assert_error(b.post("/api/auth/delete-user", json!({})).await, 400, "SESSION_EXPIRED").await;

    let res = b.post("/api/auth/delete-user", json!({"password": PASSWORD})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        cookie_named(&set_cookies(&res), "better-auth.session_token")
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"success": true, "message": "User deleted"})
    );
    assert!(app.service().repositories().users.find_by_id(&user_id).await.unwrap().is_none());
    assert!(app.service().list_accounts(&user_id).await.unwrap().is_empty());
    assert_error(app.browser().sign_in(&email, PASSWORD).await, 401, "INVALID_EMAIL_OR_PASSWORD")
        .await;

    // A fresh session may delete without the password.
    let fresh = app.browser();
    fresh.sign_up(&unique_email("del2")).await;
    assert_eq!(fresh.post("/api/auth/delete-user", json!({})).await.status(), StatusCode::OK);
    assert!(fresh.session().await.is_null());
    app.stop().await;
}

async fn list_accounts_hides_secrets(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    let user = b.sign_up(&unique_email("acc")).await["user"].clone();
    let res = b.get("/api/auth/list-accounts").await;
    assert_eq!(res.status(), StatusCode::OK);
    let accounts: Vec<Value> = res.json().await.unwrap();
    assert_eq!(accounts.len(), 1);
    let account = &accounts[0];
    assert_eq!(account["providerId"], "credential");
    assert_eq!(account["accountId"], user["id"]);
    assert_eq!(account["userId"], user["id"]);
    assert_eq!(account["scopes"], json!([]));
    let keys: Vec<&str> = account.as_object().unwrap().keys().map(String::as_str).collect();
    for secret in ["password", "accessToken", "refreshToken", "idToken"] {
        assert!(!keys.contains(&secret), "{secret} must not be listed");
    }
    app.stop().await;
}

async fn verify_password_checks_the_credential(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    b.sign_up(&unique_email("verify-pw")).await;
    let res = b.post("/api/auth/verify-password", json!({"password": PASSWORD})).await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"status": true}));
    assert_error(
        b.post("/api/auth/verify-password", json!({"password": "wrong-one"})).await,
        400,
        "INVALID_PASSWORD",
    )
    .await;
    assert_error(b.post("/api/auth/verify-password", json!({})).await, 400, "VALIDATION_ERROR")
        .await;
    let anonymous =
        app.browser().post("/api/auth/verify-password", json!({"password": PASSWORD})).await;
    assert_error(anonymous, 401, "UNAUTHORIZED").await;
    app.stop().await;
}

/// Sign-up, change of email and deletion switched off, on a database that already has a user.
async fn features_can_be_switched_off(backend: Backend) {
    let url = backend.fresh_database().await;
    let email = unique_email("switches");
    let first = TestApp::spawn_on(&url, &[]).await;
    first.browser().sign_up(&email).await;
    first.stop().await;

    let app = TestApp::spawn_on(
        &url,
        &[
            ("SIGN_UP_ENABLED", "false"),
            ("CHANGE_EMAIL_ENABLED", "false"),
            ("DELETE_USER_ENABLED", "false"),
        ],
    )
    .await;
    let b = app.browser();
    let res = b
        .post(
            "/api/auth/sign-up/email",
            json!({"name": "N", "email": unique_email("n"), "password": PASSWORD}),
        )
        .await;
    assert_error(res, 400, "EMAIL_PASSWORD_SIGN_UP_DISABLED").await;
    assert_eq!(b.sign_in(&email, PASSWORD).await.status(), StatusCode::OK);
    let res = b.post("/api/auth/change-email", json!({"newEmail": unique_email("other")})).await;
    assert_error(res, 400, "CHANGE_EMAIL_DISABLED").await;
    let res = b.post("/api/auth/delete-user", json!({"password": PASSWORD})).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(res.headers()["content-type"], "application/json");
    assert!(res.bytes().await.unwrap().is_empty(), "Better Auth's empty 404");
    assert!(b.session().await.is_object(), "nothing deleted");
    app.stop().await;
}
