//! Verification, password reset, change of email and account deletion by mail, with the
//! mail received by a real SMTP server.

use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{
    Backend, PASSWORD, TestApp, assert_error, cookie_named, set_cookies, unique_email,
};
use crate::smtp_sink::{SmtpSink, closed_port, silent_server};

db_tests!(
    sign_up_link_verifies_and_signs_in,
    verification_link_errors,
    send_verification_email_rules,
    required_verification_blocks_sign_in,
    password_reset_by_link,
    change_email_of_verified_and_unverified_users,
    delete_account_confirmed_by_mail,
    delete_token_in_the_body_and_unverified_email_switch,
    templates_can_be_overridden,
    smtp_down_or_hung_answers_in_time_without_leftovers,
);

pub async fn with_mail(backend: Backend, extra: &[(&str, &str)]) -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let mut settings = vec![("SMTP_URL", url.as_str()), ("APP_NAME", "Test IAM")];
    settings.extend_from_slice(extra);
    (TestApp::spawn_with(backend, &settings).await, sink)
}

async fn sign_up_link_verifies_and_signs_in(backend: Backend) {
    let (app, sink) = with_mail(
        backend,
        &[
            ("EMAIL_VERIFICATION_SEND_ON_SIGN_UP", "true"),
            ("AUTO_SIGN_IN_AFTER_VERIFICATION", "true"),
        ],
    )
    .await;
    let email = unique_email("verify");
    let res = app
        .browser()
        .post(
            "/api/auth/sign-up/email",
            json!({"name": "Vera", "email": email, "password": PASSWORD, "callbackURL": "/welcome"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let mail = sink.wait_for(&email, 0).await;
    assert_eq!(mail.subject(), "Verify your email for Test IAM");
    assert!(mail.text().contains("Hello Vera"));
    assert!(mail.html().contains("Verify email"));
    let link = mail.link();
    assert!(link.starts_with("http://localhost:3000/api/auth/verify-email?token=ey"), "{link}");
    assert!(link.ends_with("&callbackURL=%2Fwelcome"), "{link}");

    // Opened in another browser: verified, and signed in there.
    let other = app.browser();
    let res = other.open(&app.local(&link)).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()["location"], "/welcome");
    assert!(cookie_named(&set_cookies(&res), "better-auth.session_token").is_some());
    let session = other.session().await;
    assert_eq!(session["user"]["email"], email);
    assert_eq!(session["user"]["emailVerified"], true);

    // A second click is harmless.
    let res = app.browser().open(&app.local(&link)).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(set_cookies(&res).is_empty());
    app.stop().await;
}

async fn verification_link_errors(backend: Backend) {
    let (app, sink) = with_mail(backend, &[("EMAIL_VERIFICATION_SEND_ON_SIGN_UP", "true")]).await;
    let email = unique_email("bad-link");
    app.browser().sign_up(&email).await;
    let link = app.local(&sink.wait_for(&email, 0).await.link());
    let token = link.split("token=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let b = app.browser();

    let tampered = format!("{}x", &token);
    let res = b.get(&format!("/api/auth/verify-email?token={tampered}&callbackURL=/done")).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()["location"], "/done?error=INVALID_TOKEN");
    let res = b.get(&format!("/api/auth/verify-email?token={tampered}")).await;
    assert_error(res, 401, "INVALID_TOKEN").await;
    let res = b.get("/api/auth/verify-email?token=x&callbackURL=https://evil.example").await;
    assert_error(res, 403, "INVALID_CALLBACK_URL").await;

    // Links expire after an hour.
    app.advance(Duration::hours(1) + Duration::seconds(1));
    let res = b.get(&format!("/api/auth/verify-email?token={token}")).await;
    assert_error(res, 401, "TOKEN_EXPIRED").await;
    let user = app.service().repositories().users.find_by_email(&email).await.unwrap().unwrap();
    assert!(!user.email_verified);

    // Without auto sign-in, a valid link answers JSON and sets no cookie.
    app.advance(Duration::hours(-2));
    let res = b.get(&format!("/api/auth/verify-email?token={token}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(set_cookies(&res).is_empty());
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"status": true, "user": null}));
    app.stop().await;
}

async fn send_verification_email_rules(backend: Backend) {
    let (app, sink) = with_mail(backend, &[]).await;
    let email = unique_email("send");
    let b = app.browser();
    b.sign_up(&email).await;
    assert_eq!(sink.count_to(&email), 0, "no mail on sign-up by default");

    let res = b
        .post("/api/auth/send-verification-email", json!({"email": email, "callbackURL": "/v"}))
        .await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"status": true}));
    let link = app.local(&sink.wait_for(&email, 0).await.link());
    assert!(link.ends_with("callbackURL=%2Fv"));

    let other = unique_email("other");
    let res = b.post("/api/auth/send-verification-email", json!({"email": other})).await;
    assert_error(res, 400, "EMAIL_MISMATCH").await;

    assert_eq!(b.open(&link).await.status(), StatusCode::FOUND);
    let res = b.post("/api/auth/send-verification-email", json!({"email": email})).await;
    assert_error(res, 400, "EMAIL_ALREADY_VERIFIED").await;

    // Signed out: the same answer for any address, never faster than 500 ms.
    let anonymous = app.plain_client();
    for address in [email.clone(), unique_email("nobody")] {
        let started = Instant::now();
        let res = anonymous
            .post(app.url("/api/auth/send-verification-email"))
            .json(&json!({"email": address}))
            .send()
            .await
            .unwrap();
        assert!(started.elapsed() >= StdDuration::from_millis(500));
        assert_eq!(res.json::<Value>().await.unwrap(), json!({"status": true}));
    }
    let res = anonymous
        .post(app.url("/api/auth/send-verification-email"))
        .json(&json!({"email": "not-an-email"}))
        .send()
        .await
        .unwrap();
    assert_error(res, 400, "VALIDATION_ERROR").await;
    app.stop().await;
}

async fn required_verification_blocks_sign_in(backend: Backend) {
    let (app, sink) = with_mail(
        backend,
        &[("REQUIRE_EMAIL_VERIFICATION", "true"), ("EMAIL_VERIFICATION_SEND_ON_SIGN_IN", "true")],
    )
    .await;
    let email = unique_email("required");
    let b = app.browser();
    let res = b
        .post("/api/auth/sign-up/email", json!({"name": "R", "email": email, "password": PASSWORD}))
        .await;
    assert!(set_cookies(&res).is_empty(), "no session before verification");
    let body: Value = res.json().await.unwrap();
    assert!(body["token"].is_null());
    let first = sink.wait_for(&email, 0).await;

    // A second sign-up looks the same as the first (no account enumeration).
    let res = b
        .post("/api/auth/sign-up/email", json!({"name": "R", "email": email, "password": PASSWORD}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let dup: Value = res.json().await.unwrap();
    assert!(dup["token"].is_null());
    assert_ne!(dup["user"]["id"], body["user"]["id"]);

    let res = b.sign_in(&email, PASSWORD).await;
    assert_error(res, 403, "EMAIL_NOT_VERIFIED").await;
    let second = sink.wait_for(&email, 1).await;
    assert!(first.link().contains("/verify-email?token="));
    assert_error(b.sign_in(&email, "wrong-password").await, 401, "INVALID_EMAIL_OR_PASSWORD").await;

    assert_eq!(b.open(&app.local(&second.link())).await.status(), StatusCode::FOUND);
    assert_eq!(b.sign_in(&email, PASSWORD).await.status(), StatusCode::OK);
    app.stop().await;
}

async fn password_reset_by_link(backend: Backend) {
    let (app, sink) = with_mail(backend, &[("REVOKE_SESSIONS_ON_PASSWORD_RESET", "true")]).await;
    let email = unique_email("reset");
    let signed_in = app.browser();
    signed_in.sign_up(&email).await;
    let b = app.browser();
    let expected = json!({"status": true, "message": "If this email exists in our system, check your email for the reset link"});

    let res = b
        .post(
            "/api/auth/request-password-reset",
            json!({"email": unique_email("ghost"), "redirectTo": "/reset"}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap(), expected);
    let res = b
        .post("/api/auth/request-password-reset", json!({"email": email, "redirectTo": "/reset"}))
        .await;
    assert_eq!(res.json::<Value>().await.unwrap(), expected);
    assert_eq!(sink.all().len(), 1, "mail only for the known address");
    let mail = sink.wait_for(&email, 0).await;
    assert_eq!(mail.subject(), "Reset your Test IAM password");
    let link = app.local(&mail.link());
    assert!(
        link.contains("/api/auth/reset-password/") && link.ends_with("?callbackURL=%2Freset"),
        "{link}"
    );
    let token =
        link.split("/reset-password/").nth(1).unwrap().split('?').next().unwrap().to_owned();
    assert_eq!(token.len(), 24);

    // The link leads to the app with the token, without using it up.
    for _ in 0..2 {
        let res = b.open(&link).await;
        assert_eq!(res.status(), StatusCode::FOUND);
        assert_eq!(res.headers()["location"], format!("http://localhost:3000/reset?token={token}"));
    }
    let res = b.get("/api/auth/reset-password/not-a-token?callbackURL=/reset").await;
    assert_eq!(res.headers()["location"], "http://localhost:3000/reset?error=INVALID_TOKEN");

    let short =
        b.post("/api/auth/reset-password", json!({"newPassword": "short", "token": token})).await;
    assert_error(short, 400, "PASSWORD_TOO_SHORT").await;
    let res = b
        .post(
            "/api/auth/reset-password",
            json!({"newPassword": "brand-new-password", "token": token}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"status": true}));
    let replay = b
        .post(
            "/api/auth/reset-password",
            json!({"newPassword": "another-password", "token": token}),
        )
        .await;
    assert_error(replay, 400, "INVALID_TOKEN").await;

    assert!(signed_in.session().await.is_null(), "sessions revoked on reset");
    assert_error(app.browser().sign_in(&email, PASSWORD).await, 401, "INVALID_EMAIL_OR_PASSWORD")
        .await;
    assert_eq!(app.browser().sign_in(&email, "brand-new-password").await.status(), StatusCode::OK);

    // Expired tokens are refused.
    b.post("/api/auth/request-password-reset", json!({"email": email})).await;
    let link = sink.wait_for(&email, 1).await.link();
    assert!(link.ends_with("?callbackURL="), "no redirectTo: {link}");
    let token =
        link.split("/reset-password/").nth(1).unwrap().split('?').next().unwrap().to_owned();
    app.advance(Duration::hours(1) + Duration::seconds(1));
    let res = b
        .post(
            "/api/auth/reset-password",
            json!({"newPassword": "too-late-password", "token": token}),
        )
        .await;
    assert_error(res, 400, "INVALID_TOKEN").await;
    assert_error(
        b.post("/api/auth/reset-password", json!({"newPassword": "x-password-1"})).await,
        400,
        "INVALID_TOKEN",
    )
    .await;
    app.stop().await;
}

async fn change_email_of_verified_and_unverified_users(backend: Backend) {
    let (app, sink) = with_mail(backend, &[]).await;
    // A verified user approves from the current address first.
    let (old, new) = (unique_email("old"), unique_email("new"));
    let b = app.browser();
    b.sign_up(&old).await;
    b.post("/api/auth/send-verification-email", json!({"email": old})).await;
    b.open(&app.local(&sink.wait_for(&old, 0).await.link())).await;

    let res =
        b.post("/api/auth/change-email", json!({"newEmail": new, "callbackURL": "/changed"})).await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"status": true}));
    let approval = sink.wait_for(&old, 1).await;
    assert!(approval.text().contains(&new), "the current address is told the new one");
    assert_eq!(sink.count_to(&new), 0);
    let res = b.open(&app.local(&approval.link())).await;
    assert_eq!(res.headers()["location"], "/changed");
    assert_eq!(b.session().await["user"]["email"], old, "not changed yet");

    let proof = sink.wait_for(&new, 0).await;
    let res = b.open(&app.local(&proof.link())).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let user = b.session().await["user"].clone();
    assert_eq!(user["email"], new);
    assert_eq!(user["emailVerified"], true);
    assert_eq!(app.browser().sign_in(&new, PASSWORD).await.status(), StatusCode::OK);

    // An unverified user gets the link at the new address directly.
    let (u_old, u_new) = (unique_email("u-old"), unique_email("u-new"));
    let u = app.browser();
    u.sign_up(&u_old).await;
    u.post("/api/auth/change-email", json!({"newEmail": u_new})).await;
    let res = u.open(&app.local(&sink.wait_for(&u_new, 0).await.link())).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(u.session().await["user"]["email"], u_new);

    // A taken address: the same answer, no mail; the same address: an error.
    let before = sink.all().len();
    let res = u.post("/api/auth/change-email", json!({"newEmail": new})).await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"status": true}));
    assert_eq!(sink.all().len(), before);
    let res = u.post("/api/auth/change-email", json!({"newEmail": u_new})).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"message": "Email is the same"}));
    app.stop().await;
}

async fn delete_account_confirmed_by_mail(backend: Backend) {
    let (app, sink) = with_mail(backend, &[("DELETE_USER_SEND_VERIFICATION", "true")]).await;
    let email = unique_email("delete");
    let b = app.browser();
    let user_id = b.sign_up(&email).await["user"]["id"].as_str().unwrap().to_owned();

    let res = b.post("/api/auth/delete-user", json!({"callbackURL": "/bye"})).await;
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"success": true, "message": "Verification email sent"})
    );
    let link = app.local(&sink.wait_for(&email, 0).await.link());
    assert!(
        link.contains("/api/auth/delete-user/callback?token=")
            && link.ends_with("&callbackURL=%2Fbye")
    );

    let stranger = app.browser();
    assert_error(stranger.open(&link).await, 404, "FAILED_TO_GET_USER_INFO").await;
    stranger.sign_up(&unique_email("stranger")).await;
    assert_error(stranger.open(&link).await, 404, "INVALID_TOKEN").await;
    let repos = app.service().repositories();
    assert!(repos.users.find_by_id(&user_id).await.unwrap().is_some());

    let res = b.open(&link).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()["location"], "/bye");
    assert!(repos.users.find_by_id(&user_id).await.unwrap().is_none());
    assert_error(app.browser().sign_in(&email, PASSWORD).await, 401, "INVALID_EMAIL_OR_PASSWORD")
        .await;
    app.stop().await;
}

async fn templates_can_be_overridden(backend: Backend) {
    let dir =
        std::env::temp_dir().join(format!("iam-tpl-{}", iam_auth::crypto::random_alphanumeric(8)));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("password-reset.subject.txt"), "Custom reset for {{ app_name }}")
        .unwrap();
    let dir_str = dir.display().to_string();
    let (app, sink) = with_mail(backend, &[("MAIL_TEMPLATES_DIR", &dir_str)]).await;
    let email = unique_email("tpl");
    app.browser().sign_up(&email).await;
    app.browser().post("/api/auth/request-password-reset", json!({"email": email})).await;
    let mail = sink.wait_for(&email, 0).await;
    assert_eq!(mail.subject(), "Custom reset for Test IAM");
    assert!(mail.text().contains("reset the password"), "default text part kept");
    std::fs::remove_dir_all(&dir).unwrap();
    app.stop().await;
}

async fn smtp_down_or_hung_answers_in_time_without_leftovers(backend: Backend) {
    for (label, port) in [("down", closed_port()), ("hung", silent_server().await)] {
        let url = format!("smtp://127.0.0.1:{port}");
        let app = TestApp::spawn_with(
            backend.clone(),
            &[
                ("SMTP_URL", &url),
                ("MAIL_TIMEOUT", "1"),
                ("EMAIL_VERIFICATION_SEND_ON_SIGN_UP", "true"),
            ],
        )
        .await;
        let email = unique_email(label);
        let b = app.browser();
        let started = Instant::now();
        b.sign_up(&email).await; // the account is created; the failed mail is logged
        let res = b.post("/api/auth/request-password-reset", json!({"email": email})).await;
        assert_eq!(res.status(), StatusCode::OK, "{label}: same answer as for unknown addresses");
        let res = b.post("/api/auth/send-verification-email", json!({"email": email})).await;
        assert_error(res, 500, "FAILED_TO_SEND_EMAIL").await;
        let res = b
            .post(
                "/api/auth/email-otp/send-verification-otp",
                json!({"email": unique_email("otp"), "type": "sign-in"}),
            )
            .await;
        assert_error(res, 500, "FAILED_TO_SEND_EMAIL").await;
        assert!(started.elapsed() < StdDuration::from_secs(12), "{label}: {:?}", started.elapsed());

        // Nothing half-written: no reset token or code without its mail.
        let db = app.db();
        use sea_orm::{ConnectionTrait, Statement};
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM verification".to_owned(),
            ))
            .await
            .unwrap()
            .unwrap();
        let leftover: i64 = row.try_get("", "n").unwrap();
        assert_eq!(leftover, 0, "{label}: verification rows left behind");
        app.stop().await;
    }
}

/// The mailed delete token may also come back in `POST /delete-user {token}`; and with
/// `CHANGE_EMAIL_WITHOUT_VERIFICATION` an unverified user's email changes at once.
async fn delete_token_in_the_body_and_unverified_email_switch(backend: Backend) {
    let (app, sink) = with_mail(
        backend,
        &[("DELETE_USER_SEND_VERIFICATION", "true"), ("CHANGE_EMAIL_WITHOUT_VERIFICATION", "true")],
    )
    .await;
    let (email, new) = (unique_email("switch"), unique_email("switched"));
    let b = app.browser();
    let user_id = b.sign_up(&email).await["user"]["id"].as_str().unwrap().to_owned();

    let res = b.post("/api/auth/change-email", json!({"newEmail": new})).await;
    assert!(
        cookie_named(&set_cookies(&res), "better-auth.session_token").is_some(),
        "cookie re-issued"
    );
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"status": true}));
    let user = b.session().await["user"].clone();
    assert_eq!(
        (user["email"].as_str(), user["emailVerified"].as_bool()),
        (Some(new.as_str()), Some(false))
    );
    assert!(
        sink.wait_for(&new, 0).await.link().contains("/verify-email?token="),
        "the new address is asked to verify"
    );

    b.post("/api/auth/delete-user", json!({})).await;
    let link = sink.wait_for(&new, 1).await.link();
    let token = link.split("token=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    assert_error(
        b.post("/api/auth/delete-user", json!({"token": "wrong-token"})).await,
        404,
        "INVALID_TOKEN",
    )
    .await;
    let res = b.post("/api/auth/delete-user", json!({"token": token})).await;
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"success": true, "message": "User deleted"})
    );
    assert!(app.service().repositories().users.find_by_id(&user_id).await.unwrap().is_none());
    app.stop().await;
}
