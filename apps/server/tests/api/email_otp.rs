//! Better Auth's email-OTP plugin, codes read from real mail.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::email::with_mail;
use crate::helpers::{Backend, PASSWORD, assert_error, unique_email};

db_tests!(
    sign_in_with_a_code_creates_the_user,
    wrong_expired_and_exhausted_codes,
    codes_are_stored_hashed_or_plain,
    verify_email_and_reset_password_with_codes,
    code_sign_in_secures_an_unverified_account,
    change_email_with_a_code,
    the_plugin_can_be_switched_off,
    closed_sign_up_and_current_address_proof,
);

async fn sign_in_with_a_code_creates_the_user(backend: Backend) {
    let (app, sink) = with_mail(backend, &[]).await;
    let email = unique_email("otp");
    let b = app.browser();
    let res = b
        .post(
            "/api/auth/email-otp/send-verification-otp",
            json!({"email": email, "type": "sign-in"}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"success": true}));
    let mail = sink.wait_for(&email, 0).await;
    let code = mail.code();
    assert_eq!(code.len(), 6);
    assert!(mail.subject().contains(&code));
    assert!(mail.text().contains("sign in"));

    let res = b
        .post("/api/auth/sign-in/email-otp", json!({"email": email, "otp": code, "name": "Otto"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("set-auth-token"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["email"], email);
    assert_eq!(body["user"]["name"], "Otto");
    assert_eq!(body["user"]["emailVerified"], true);
    assert_eq!(b.session().await["session"]["token"], body["token"]);

    // Single use.
    let res = app
        .browser()
        .post("/api/auth/sign-in/email-otp", json!({"email": email, "otp": code}))
        .await;
    assert_error(res, 400, "INVALID_OTP").await;

    let res = b
        .post(
            "/api/auth/email-otp/send-verification-otp",
            json!({"email": email, "type": "change-email"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = b
        .post(
            "/api/auth/email-otp/send-verification-otp",
            json!({"email": email, "type": "nonsense"}),
        )
        .await;
    assert_error(res, 400, "VALIDATION_ERROR").await;
    let res = b
        .post(
            "/api/auth/email-otp/send-verification-otp",
            json!({"email": "bad", "type": "sign-in"}),
        )
        .await;
    assert_error(res, 400, "INVALID_EMAIL").await;
    app.stop().await;
}

async fn wrong_expired_and_exhausted_codes(backend: Backend) {
    let (app, sink) = with_mail(backend, &[]).await;
    let email = unique_email("tries");
    let b = app.browser();
    b.post("/api/auth/email-otp/send-verification-otp", json!({"email": email, "type": "sign-in"}))
        .await;
    let code = sink.wait_for(&email, 0).await.code();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..3 {
        let res =
            b.post("/api/auth/sign-in/email-otp", json!({"email": email, "otp": wrong})).await;
        assert_error(res, 400, "INVALID_OTP").await;
    }
    let res = b.post("/api/auth/sign-in/email-otp", json!({"email": email, "otp": code})).await;
    assert_error(res, 403, "TOO_MANY_ATTEMPTS").await;
    let res = b.post("/api/auth/sign-in/email-otp", json!({"email": email, "otp": code})).await;
    assert_error(res, 400, "INVALID_OTP").await;

    b.post("/api/auth/email-otp/send-verification-otp", json!({"email": email, "type": "sign-in"}))
        .await;
    let code = sink.wait_for(&email, 1).await.code();
    app.advance(Duration::minutes(5) + Duration::seconds(1));
    let res = b.post("/api/auth/sign-in/email-otp", json!({"email": email, "otp": code})).await;
    assert_error(res, 400, "OTP_EXPIRED").await;
    app.stop().await;
}

async fn codes_are_stored_hashed_or_plain(backend: Backend) {
    for (store, hashed) in [("hashed", true), ("plain", false)] {
        let (app, sink) = with_mail(backend.clone(), &[("EMAIL_OTP_STORE", store)]).await;
        let email = unique_email(store);
        app.browser()
            .post(
                "/api/auth/email-otp/send-verification-otp",
                json!({"email": email, "type": "sign-in"}),
            )
            .await;
        let code = sink.wait_for(&email, 0).await.code();
        let row = app
            .service()
            .repositories()
            .verifications
            .find_by_identifier(&format!("sign-in-otp-{email}"))
            .await
            .unwrap()
            .expect("the code's row");
        let (stored, attempts) = row.value.rsplit_once(':').unwrap();
        assert_eq!(attempts, "0");
        assert_eq!(stored == code, !hashed, "{store}: {stored}");
        if hashed {
            assert_eq!(stored.len(), 43, "base64url SHA-256 without padding");
        }
        let res = app
            .browser()
            .post("/api/auth/sign-in/email-otp", json!({"email": email, "otp": code}))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        app.stop().await;
    }
}

async fn verify_email_and_reset_password_with_codes(backend: Backend) {
    let (app, sink) = with_mail(backend, &[]).await;
    let email = unique_email("codes");
    let b = app.browser();
    b.sign_up(&email).await;

    b.post(
        "/api/auth/email-otp/send-verification-otp",
        json!({"email": email, "type": "email-verification"}),
    )
    .await;
    let code = sink.wait_for(&email, 0).await.code();
    // Checking does not use the code up.
    let res = b
        .post(
            "/api/auth/email-otp/check-verification-otp",
            json!({"email": email, "type": "email-verification", "otp": code}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"success": true}));
    let res =
        b.post("/api/auth/email-otp/verify-email", json!({"email": email, "otp": code})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], true);
    assert!(body["token"].is_null());
    assert_eq!(body["user"]["emailVerified"], true);
    assert_eq!(b.session().await["user"]["emailVerified"], true);

    // Unknown addresses: the same answer, no mail.
    let ghost = unique_email("ghost");
    let res = b.post("/api/auth/email-otp/request-password-reset", json!({"email": ghost})).await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"success": true}));
    assert_eq!(sink.count_to(&ghost), 0);

    let res = b.post("/api/auth/forget-password/email-otp", json!({"email": email})).await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"success": true}));
    let code = sink.wait_for(&email, 1).await.code();
    let res = b
        .post(
            "/api/auth/email-otp/reset-password",
            json!({"email": email, "otp": code, "password": "code-reset-password"}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"success": true}));
    assert_error(app.browser().sign_in(&email, PASSWORD).await, 401, "INVALID_EMAIL_OR_PASSWORD")
        .await;
    assert_eq!(app.browser().sign_in(&email, "code-reset-password").await.status(), StatusCode::OK);
    app.stop().await;
}

/// Someone registered an address they do not own (unverified). The owner signs in with a
/// code: the squatter's password and sessions are gone.
async fn code_sign_in_secures_an_unverified_account(backend: Backend) {
    let (app, sink) = with_mail(backend, &[]).await;
    let email = unique_email("squat");
    let squatter = app.browser();
    squatter.sign_up(&email).await;

    let owner = app.browser();
    owner
        .post(
            "/api/auth/email-otp/send-verification-otp",
            json!({"email": email, "type": "sign-in"}),
        )
        .await;
    let code = sink.wait_for(&email, 0).await.code();
    let res = owner.post("/api/auth/sign-in/email-otp", json!({"email": email, "otp": code})).await;
    assert_eq!(res.status(), StatusCode::OK);

    assert!(squatter.session().await.is_null(), "the squatter's session is revoked");
    assert_error(app.browser().sign_in(&email, PASSWORD).await, 401, "INVALID_EMAIL_OR_PASSWORD")
        .await;
    assert_eq!(owner.session().await["user"]["emailVerified"], true);
    app.stop().await;
}

async fn change_email_with_a_code(backend: Backend) {
    let (app, sink) = with_mail(backend, &[]).await;
    let (old, new) = (unique_email("c-old"), unique_email("c-new"));
    let b = app.browser();
    b.sign_up(&old).await;
    let res = b.post("/api/auth/email-otp/request-email-change", json!({"newEmail": new})).await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"success": true}));
    let mail = sink.wait_for(&new, 0).await;
    assert!(mail.text().contains("new email address"));
    let res =
        b.post("/api/auth/email-otp/change-email", json!({"newEmail": new, "otp": "000000"})).await;
    if res.status() == StatusCode::OK {
        panic!("a wrong code changed the email");
    }
    let res = b
        .post("/api/auth/email-otp/change-email", json!({"newEmail": new, "otp": mail.code()}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let user = b.session().await["user"].clone();
    assert_eq!(
        (user["email"].as_str(), user["emailVerified"].as_bool()),
        (Some(new.as_str()), Some(true))
    );
    let anonymous = app
        .browser()
        .post("/api/auth/email-otp/request-email-change", json!({"newEmail": unique_email("x")}))
        .await;
    assert_error(anonymous, 401, "UNAUTHORIZED").await;
    app.stop().await;
}

async fn the_plugin_can_be_switched_off(backend: Backend) {
    let (app, sink) = with_mail(backend, &[("EMAIL_OTP_ENABLED", "false")]).await;
    let email = unique_email("off");
    let res = app
        .browser()
        .post(
            "/api/auth/email-otp/send-verification-otp",
            json!({"email": email, "type": "sign-in"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.bytes().await.unwrap().is_empty());
    let res = app
        .browser()
        .post("/api/auth/sign-in/email-otp", json!({"email": email, "otp": "123456"}))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(sink.count_to(&email), 0);
    app.stop().await;
}

/// `EMAIL_OTP_DISABLE_SIGN_UP`: codes never create users (and unknown addresses get no mail).
/// `EMAIL_OTP_CHANGE_EMAIL_VERIFY_CURRENT`: a change of email also needs a code from the
/// current address.
async fn closed_sign_up_and_current_address_proof(backend: Backend) {
    let (app, sink) = with_mail(
        backend,
        &[("EMAIL_OTP_DISABLE_SIGN_UP", "true"), ("EMAIL_OTP_CHANGE_EMAIL_VERIFY_CURRENT", "true")],
    )
    .await;
    let stranger = unique_email("stranger");
    let b = app.browser();
    let res = b
        .post(
            "/api/auth/email-otp/send-verification-otp",
            json!({"email": stranger, "type": "sign-in"}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"success": true}));
    assert_eq!(sink.count_to(&stranger), 0);
    let res =
        b.post("/api/auth/sign-in/email-otp", json!({"email": stranger, "otp": "123456"})).await;
    assert_error(res, 400, "INVALID_OTP").await;

    let (old, new) = (unique_email("cur"), unique_email("next"));
    b.sign_up(&old).await;
    let res = b.post("/api/auth/email-otp/request-email-change", json!({"newEmail": new})).await;
    assert_error(res, 400, "INVALID_OTP").await;
    assert_eq!(sink.count_to(&new), 0);
    b.post(
        "/api/auth/email-otp/send-verification-otp",
        json!({"email": old, "type": "email-verification"}),
    )
    .await;
    let current = sink.wait_for(&old, 0).await.code();
    let res = b
        .post("/api/auth/email-otp/request-email-change", json!({"newEmail": new, "otp": current}))
        .await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"success": true}));
    let code = sink.wait_for(&new, 0).await.code();
    let res =
        b.post("/api/auth/email-otp/change-email", json!({"newEmail": new, "otp": code})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(b.session().await["user"]["email"], new);
    app.stop().await;
}
