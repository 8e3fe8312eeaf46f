use iam_auth::password::{HashAlgorithm, PasswordHasher};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{
    Backend, PASSWORD, TestApp, assert_error, cookie_named, set_cookies, unique_email,
};

db_tests!(
    signs_in_with_the_right_password_only,
    invalid_inputs,
    callback_url_is_a_json_redirect,
    better_auth_scrypt_hash_verifies_and_is_upgraded,
    scrypt_mode_keeps_writing_scrypt,
);

async fn signs_in_with_the_right_password_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("signin");
    app.browser().sign_up(&email).await;

    let b = app.browser();
    let res = b.sign_in(&email.to_uppercase(), PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("set-auth-token"));
    let cookies = set_cookies(&res);
    assert!(
        cookie_named(&cookies, "better-auth.session_token").unwrap().contains("Max-Age=604800")
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["redirect"], false);
    assert!(body.get("url").is_none());
    assert_eq!(body["user"]["email"], email);
    assert_eq!(b.session().await["session"]["token"], body["token"]);

    let wrong = app.browser().sign_in(&email, "wrong-password").await;
    let e1 = assert_error(wrong, 401, "INVALID_EMAIL_OR_PASSWORD").await;
    let unknown = app.browser().sign_in(&unique_email("nobody"), PASSWORD).await;
    let e2 = assert_error(unknown, 401, "INVALID_EMAIL_OR_PASSWORD").await;
    assert_eq!(e1, e2, "an unknown email looks exactly like a wrong password");
    app.stop().await;
}

async fn invalid_inputs(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    assert_error(b.sign_in("not-an-email", PASSWORD).await, 400, "INVALID_EMAIL").await;
    let long = b.sign_in(&unique_email("x"), &"p".repeat(129)).await;
    assert_error(long, 400, "PASSWORD_TOO_LONG").await;
    let missing = b.post("/api/auth/sign-in/email", json!({"email": unique_email("y")})).await;
    let err = assert_error(missing, 400, "VALIDATION_ERROR").await;
    assert_eq!(
        err["message"],
        "[body.password] Invalid input: expected string, received undefined"
    );
    app.stop().await;
}

async fn callback_url_is_a_json_redirect(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("cb");
    app.browser().sign_up(&email).await;
    let res = app
        .browser()
        .post(
            "/api/auth/sign-in/email",
            json!({"email": email, "password": PASSWORD, "callbackURL": "/dashboard"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["location"], "/dashboard");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["redirect"], true);
    assert_eq!(body["url"], "/dashboard");
    app.stop().await;
}

/// A credential written by Better Auth (scrypt, `saltHex:keyHex`) signs in, and is then
/// re-hashed with argon2id.
async fn better_auth_scrypt_hash_verifies_and_is_upgraded(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("legacy");
    let user_id = app.browser().sign_up(&email).await["user"]["id"].as_str().unwrap().to_owned();
    let accounts = &app.service().repositories().accounts;
    let credential = accounts.find_credential(&user_id).await.unwrap().unwrap();

    let scrypt = PasswordHasher::new(HashAlgorithm::Scrypt, 1).unwrap();
    let legacy_hash = scrypt.hash("legacy-password-1").await.unwrap();
    assert!(!legacy_hash.starts_with('$'));
    accounts.update_password(&credential.id, &legacy_hash, chrono::Utc::now()).await.unwrap();

    assert_error(app.browser().sign_in(&email, PASSWORD).await, 401, "INVALID_EMAIL_OR_PASSWORD")
        .await;
    let res = app.browser().sign_in(&email, "legacy-password-1").await;
    assert_eq!(res.status(), StatusCode::OK);

    let upgraded = accounts.find_credential(&user_id).await.unwrap().unwrap().password.unwrap();
    assert!(upgraded.starts_with("$argon2id$"), "upgraded on sign-in: {upgraded}");
    assert_eq!(app.browser().sign_in(&email, "legacy-password-1").await.status(), StatusCode::OK);
    app.stop().await;
}

/// With `PASSWORD_HASH=scrypt` new hashes stay readable by a Better Auth sharing the database.
async fn scrypt_mode_keeps_writing_scrypt(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("PASSWORD_HASH", "scrypt")]).await;
    let email = unique_email("scrypt");
    let user_id = app.browser().sign_up(&email).await["user"]["id"].as_str().unwrap().to_owned();
    let accounts = &app.service().repositories().accounts;
    let stored = accounts.find_credential(&user_id).await.unwrap().unwrap().password.unwrap();
    let (salt, key) = stored.split_once(':').expect("saltHex:keyHex");
    assert_eq!((salt.len(), key.len()), (32, 128));
    assert_eq!(app.browser().sign_in(&email, PASSWORD).await.status(), StatusCode::OK);
    let after = accounts.find_credential(&user_id).await.unwrap().unwrap().password.unwrap();
    assert_eq!(after, stored, "no upgrade in scrypt mode");
    app.stop().await;
}
