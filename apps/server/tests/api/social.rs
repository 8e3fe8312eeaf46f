//! Social sign-in against a real OAuth 2.0 / OpenID Connect provider process
//! (`compat/oauth-provider.mjs`, oauth2-mock-server) on loopback.

use std::process::Stdio;

use chrono::Duration;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::compat::harness;
use crate::db_tests;
use crate::helpers::{
    Backend, Browser, ORIGIN, PASSWORD, TestApp, assert_error, cookie_named, set_cookies,
    unique_email,
};

db_tests!(
    oidc_sign_in_creates_then_recognises_the_user,
    linking_and_unlinking,
    tokens_are_refreshed_when_expired,
    callback_failures_redirect_with_codes,
    unverified_local_account_is_not_linked,
    github_profile_and_primary_email,
    plain_oauth2_provider_and_closed_sign_up,
    tokens_can_be_encrypted_at_rest,
    id_token_sign_in,
);

/// The provider process, killed when dropped.
pub struct MockProvider {
    pub base: String,
    admin: Client,
    _process: Child,
}

impl MockProvider {
    pub async fn start() -> Option<Self> {
        let dir = harness()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut process = Command::new("node")
            .arg("oauth-provider.mjs")
            .current_dir(&dir)
            .env("PORT", port.to_string())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start the provider");
        let mut lines = BufReader::new(process.stdout.take().unwrap()).lines();
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.starts_with("listening on") {
                break;
            }
        }
        Some(Self {
            base: format!("http://127.0.0.1:{port}"),
            admin: Client::new(),
            _process: process,
        })
    }

    pub async fn admin(&self, path: &str, body: Value) {
        let res = self
            .admin
            .post(format!("{}/__admin/{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "admin {path}: {}", res.status());
    }

    pub async fn token_requests(&self) -> Vec<Value> {
        let res = self.admin.get(format!("{}/__admin/requests", self.base)).send().await.unwrap();
        let body: Value = res.json().await.unwrap();
        body.as_array()
            .cloned()
            .or_else(|| body["requests"].as_array().cloned())
            .unwrap_or_default()
    }

    pub fn settings(&self) -> Vec<(String, String)> {
        let b = &self.base;
        [
            ("OIDC_PROVIDERS", "mock-oidc".to_owned()),
            ("OIDC_MOCK_OIDC_DISCOVERY_URL", format!("{b}/.well-known/openid-configuration")),
            ("OIDC_MOCK_OIDC_CLIENT_ID", "test-client".to_owned()),
            ("OIDC_MOCK_OIDC_CLIENT_SECRET", "test-secret".to_owned()),
            ("GITHUB_CLIENT_ID", "gh-client".to_owned()),
            ("GITHUB_CLIENT_SECRET", "gh-secret".to_owned()),
            ("GITHUB_AUTHORIZATION_URL", format!("{b}/authorize")),
            ("GITHUB_TOKEN_URL", format!("{b}/token")),
            ("GITHUB_USERINFO_URL", format!("{b}/github/user")),
            // A plain OAuth 2.0 provider (no OIDC): profile from its user-info endpoint.
            ("OAUTH2_PROVIDERS", "plain-oauth".to_owned()),
            ("OAUTH2_PLAIN_OAUTH_AUTHORIZATION_URL", format!("{b}/authorize")),
            ("OAUTH2_PLAIN_OAUTH_TOKEN_URL", format!("{b}/token")),
            ("OAUTH2_PLAIN_OAUTH_USERINFO_URL", format!("{b}/userinfo")),
            ("OAUTH2_PLAIN_OAUTH_CLIENT_ID", "plain-client".to_owned()),
            ("OAUTH2_PLAIN_OAUTH_CLIENT_SECRET", "plain-secret".to_owned()),
            ("OAUTH2_PLAIN_OAUTH_SCOPES", "email profile".to_owned()),
            ("BETTER_AUTH_TRUSTED_ORIGINS", ORIGIN.to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }
}

pub async fn setup(backend: Backend, extra: &[(&str, &str)]) -> Option<(TestApp, MockProvider)> {
    let provider = MockProvider::start().await?;
    let settings = provider.settings();
    let mut pairs: Vec<(&str, &str)> =
        settings.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    pairs.extend_from_slice(extra);
    Some((TestApp::spawn_public(backend, &pairs).await, provider))
}

/// The provider's redirect back to us (it approves at once).
async fn through_provider(authorize_url: &str) -> String {
    let res = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(authorize_url)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND, "the provider redirects back");
    res.headers()["location"].to_str().unwrap().to_owned()
}

/// Starts a flow in `browser` and returns the response to the callback.
async fn sign_in(browser: &Browser, path: &str, body: Value) -> Response {
    let res = browser.post(path, body).await;
    assert_eq!(res.status(), StatusCode::OK, "start of the flow");
    let url = res.json::<Value>().await.unwrap()["url"].as_str().unwrap().to_owned();
    let callback = through_provider(&url).await;
    browser.open(&callback).await
}

fn social(provider: &str) -> Value {
    json!({"provider": provider, "callbackURL": "/dash", "newUserCallbackURL": "/welcome", "errorCallbackURL": "/err"})
}

fn location(res: &Response) -> String {
    res.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default()
}

async fn oidc_sign_in_creates_then_recognises_the_user(backend: Backend) {
    let Some((app, provider)) = setup(backend, &[]).await else { return };
    let email = unique_email("oidc");
    provider.admin("next-user", json!({"sub": "sub-123", "email": email, "email_verified": true, "name": "Olga Oidc", "picture": "https://img.example/olga.png"})).await;

    let b = app.browser();
    let res = b.post("/api/auth/sign-in/social", social("mock-oidc")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(cookie_named(&set_cookies(&res), "better-auth.state").unwrap().contains("Max-Age=300"));
    let started_location = location(&res);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["redirect"], true);
    let url = url::Url::parse(body["url"].as_str().unwrap()).unwrap();
    assert_eq!(started_location, url.as_str(), "a JSON redirect also sets Location");
    let params: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(params["response_type"], "code");
    assert_eq!(params["client_id"], "test-client");
    assert_eq!(params["code_challenge_method"], "S256");
    assert_eq!(params["redirect_uri"], format!("{}/api/auth/callback/mock-oidc", app.base));
    assert_eq!(params["scope"], "openid email profile");
    assert_eq!(params["state"].len(), 32);
    assert!(params.contains_key("nonce") && params.contains_key("code_challenge"));

    let callback = through_provider(url.as_str()).await;
    let res = b.open(&callback).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res), "/welcome", "new users go to newUserCallbackURL");
    let cookies = set_cookies(&res);
    assert!(cookie_named(&cookies, "better-auth.state").unwrap().contains("Max-Age=0"));
    assert!(cookie_named(&cookies, "better-auth.session_token").is_some());
    let user = b.session().await["user"].clone();
    assert_eq!(user["email"], email);
    assert_eq!(user["name"], "Olga Oidc");
    assert_eq!(user["image"], "https://img.example/olga.png");
    assert_eq!(user["emailVerified"], true);

    let requests = provider.token_requests().await;
    assert!(!requests.is_empty());
    let last = requests.last().unwrap().to_string();
    assert!(last.contains("authorization_code"), "{last}");

    // Again, from another browser: the same user, no new account.
    let again = app.browser();
    let res = sign_in(&again, "/api/auth/sign-in/social", social("mock-oidc")).await;
    assert_eq!(location(&res), "/dash");
    assert_eq!(again.session().await["user"]["id"], user["id"]);
    let accounts: Vec<Value> = again.get("/api/auth/list-accounts").await.json().await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0]["providerId"], "mock-oidc");
    assert_eq!(accounts[0]["accountId"], "sub-123");
    assert_eq!(accounts[0]["scopes"], json!(["openid", "email", "profile"]));
    assert!(accounts[0].get("accessToken").is_none());
    app.stop().await;
}

async fn linking_and_unlinking(backend: Backend) {
    let Some((app, provider)) = setup(backend, &[]).await else { return };
    let email = unique_email("linker");
    let b = app.browser();
    let user_id = b.sign_up(&email).await["user"]["id"].as_str().unwrap().to_owned();
    app.service()
        .repositories()
        .users
        .set_email_verified(&user_id, true, chrono::Utc::now())
        .await
        .unwrap();

    // A provider identity with another email is refused.
    provider
        .admin(
            "next-user",
            json!({"sub": "other-sub", "email": unique_email("else"), "email_verified": true}),
        )
        .await;
    let res = sign_in(
        &b,
        "/api/auth/link-social",
        json!({"provider": "mock-oidc", "callbackURL": "/linked", "errorCallbackURL": "/err"}),
    )
    .await;
    assert_eq!(location(&res), "/err?error=email_does_not_match");

    provider
        .admin("next-user", json!({"sub": "linked-sub", "email": email, "email_verified": true}))
        .await;
    let res = sign_in(
        &b,
        "/api/auth/link-social",
        json!({"provider": "mock-oidc", "callbackURL": "/linked"}),
    )
    .await;
    assert_eq!(location(&res), "/linked");
    let accounts: Vec<Value> = b.get("/api/auth/list-accounts").await.json().await.unwrap();
    assert_eq!(accounts.len(), 2);
    let social_id = accounts.iter().find(|a| a["providerId"] == "mock-oidc").unwrap()["id"].clone();
    let credential_id =
        accounts.iter().find(|a| a["providerId"] == "credential").unwrap()["id"].clone();

    // The linked identity now signs this user in.
    let other = app.browser();
    sign_in(&other, "/api/auth/sign-in/social", social("mock-oidc")).await;
    assert_eq!(other.session().await["user"]["id"], user_id.as_str());

    assert_error(
        b.post("/api/auth/unlink-account", json!({"accountId": "nope"})).await,
        400,
        "ACCOUNT_NOT_FOUND",
    )
    .await;
    let res = b.post("/api/auth/unlink-account", json!({"accountId": social_id})).await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"status": true}));
    let res = b.post("/api/auth/unlink-account", json!({"accountId": credential_id})).await;
    assert_error(res, 400, "FAILED_TO_UNLINK_LAST_ACCOUNT").await;
    assert_eq!(app.browser().sign_in(&email, PASSWORD).await.status(), StatusCode::OK);

    app.advance(Duration::days(2));
    b.get("/api/auth/get-session").await;
    assert_error(
        b.post("/api/auth/unlink-account", json!({"accountId": credential_id})).await,
        403,
        "SESSION_NOT_FRESH",
    )
    .await;
    app.stop().await;
}

async fn tokens_are_refreshed_when_expired(backend: Backend) {
    let Some((app, provider)) = setup(backend, &[]).await else { return };
    provider
        .admin(
            "next-user",
            json!({"sub": "tok-sub", "email": unique_email("tok"), "email_verified": true}),
        )
        .await;
    let b = app.browser();
    sign_in(&b, "/api/auth/sign-in/social", social("mock-oidc")).await;
    let accounts: Vec<Value> = b.get("/api/auth/list-accounts").await.json().await.unwrap();
    let account_id = accounts[0]["id"].as_str().unwrap().to_owned();

    let first: Value = b
        .post("/api/auth/get-access-token", json!({"accountId": account_id}))
        .await
        .json()
        .await
        .unwrap();
    let token = first["accessToken"].as_str().unwrap().to_owned();
    assert_eq!(first["scopes"], json!(["openid", "email", "profile"]));
    assert!(first["accessTokenExpiresAt"].is_string());
    let same: Value = b
        .post("/api/auth/get-access-token", json!({"accountId": account_id}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(same["accessToken"], token.as_str(), "still valid: no refresh");

    // An hour later the token has expired: get-access-token refreshes it.
    app.advance(Duration::hours(1));
    let refreshed: Value = b
        .post("/api/auth/get-access-token", json!({"accountId": account_id}))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(refreshed["accessToken"], token.as_str());
    let grants: Vec<String> =
        provider.token_requests().await.iter().map(|r| r.to_string()).collect();
    assert!(grants.iter().any(|g| g.contains("refresh_token")), "{grants:?}");

    let res = b.post("/api/auth/refresh-token", json!({"accountId": account_id})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let tokens: Value = res.json().await.unwrap();
    assert_eq!(tokens["providerId"], "mock-oidc");
    assert!(tokens["refreshToken"].is_string() && tokens["accessToken"].is_string());

    let info: Value = b
        .get(&format!("/api/auth/account-info?accountId={account_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(info["user"]["id"], "tok-sub");
    assert_eq!(info["account"]["providerId"], "mock-oidc");

    let strict =
        b.post("/api/auth/get-access-token", json!({"accountId": account_id, "extra": 1})).await;
    assert_error(strict, 400, "VALIDATION_ERROR").await;
    let anonymous = app
        .plain_client()
        .post(app.url("/api/auth/get-access-token"))
        .json(&json!({"accountId": account_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert!(anonymous.bytes().await.unwrap().is_empty(), "Better Auth's bare 401");
    let credential = app.browser();
    credential.sign_up(&unique_email("pw")).await;
    let accounts: Vec<Value> =
        credential.get("/api/auth/list-accounts").await.json().await.unwrap();
    let res = credential
        .post("/api/auth/get-access-token", json!({"accountId": accounts[0]["id"]}))
        .await;
    assert_error(res, 400, "PROVIDER_NOT_SUPPORTED").await;
    app.stop().await;
}

async fn callback_failures_redirect_with_codes(backend: Backend) {
    let Some((app, provider)) = setup(backend, &[]).await else { return };
    let default_error = format!("{}/api/auth/error", app.base);
    let b = app.browser();

    // Tampered state: unreadable, so Better Auth's own error page.
    let res = b.post("/api/auth/sign-in/social", social("mock-oidc")).await;
    let callback =
        through_provider(res.json::<Value>().await.unwrap()["url"].as_str().unwrap()).await;
    let tampered = callback.replacen("state=", "state=x", 1);
    assert_eq!(location(&b.open(&tampered).await), format!("{default_error}?error=state_mismatch"));
    // The genuine callback still works once; a replay does not.
    assert_eq!(location(&b.open(&callback).await), "/welcome");
    assert_eq!(location(&b.open(&callback).await), format!("{default_error}?error=state_mismatch"));

    // The callback opened in a browser that did not start the flow: the state is readable,
    // so the caller's error URL; and it stays usable by the right browser.
    let res = b.post("/api/auth/sign-in/social", social("mock-oidc")).await;
    let callback =
        through_provider(res.json::<Value>().await.unwrap()["url"].as_str().unwrap()).await;
    assert_eq!(location(&app.browser().open(&callback).await), "/err?error=state_mismatch");
    assert_eq!(location(&b.open(&callback).await), "/dash");

    // Denied consent at the provider.
    provider
        .admin(
            "next-authorize",
            json!({"error": "access_denied", "error_description": "The user said no"}),
        )
        .await;
    let res = sign_in(&app.browser(), "/api/auth/sign-in/social", social("mock-oidc")).await;
    assert_eq!(location(&res), "/err?error=access_denied&error_description=The+user+said+no");

    // An ID token with another nonce.
    provider.admin("next-id-token", json!({"nonce": "not-the-one-we-sent"})).await;
    let res = sign_in(&app.browser(), "/api/auth/sign-in/social", social("mock-oidc")).await;
    assert_eq!(location(&res), "/err?error=unable_to_get_user_info");
    // ... or for another audience.
    provider.admin("next-id-token", json!({"aud": "someone-else"})).await;
    let res = sign_in(&app.browser(), "/api/auth/sign-in/social", social("mock-oidc")).await;
    assert_eq!(location(&res), "/err?error=unable_to_get_user_info");

    // A state older than ten minutes.
    let slow = app.browser();
    let res = slow.post("/api/auth/sign-in/social", social("mock-oidc")).await;
    let callback =
        through_provider(res.json::<Value>().await.unwrap()["url"].as_str().unwrap()).await;
    app.advance(Duration::minutes(11));
    assert_eq!(location(&slow.open(&callback).await), "/err?error=state_mismatch");

    // RFC 9207: an authorization response from another issuer.
    provider.admin("next-authorize", json!({"iss": "https://impostor.example"})).await;
    let res = sign_in(&app.browser(), "/api/auth/sign-in/social", social("mock-oidc")).await;
    assert_eq!(location(&res), "/err?error=issuer_mismatch");

    // disableRedirect: the URL without a Location header, the state stored all the same.
    let quiet = app.browser();
    let res = quiet
        .post(
            "/api/auth/sign-in/social",
            json!({"provider": "mock-oidc", "disableRedirect": true, "callbackURL": "/dash"}),
        )
        .await;
    assert!(res.headers().get("location").is_none());
    assert!(cookie_named(&set_cookies(&res), "better-auth.state").is_some());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["redirect"], false);
    let callback = through_provider(body["url"].as_str().unwrap()).await;
    assert_eq!(location(&quiet.open(&callback).await), "/dash");

    let res = app.browser().get("/api/auth/callback/mock-oidc?code=abc").await;
    assert_eq!(location(&res), format!("{default_error}?error=state_not_found"));
    let res = app.browser().post("/api/auth/sign-in/social", json!({"provider": "nope"})).await;
    assert_error(res, 404, "PROVIDER_NOT_FOUND").await;
    let res = app
        .browser()
        .post(
            "/api/auth/sign-in/social",
            json!({"provider": "mock-oidc", "callbackURL": "https://evil.example"}),
        )
        .await;
    assert_error(res, 403, "INVALID_CALLBACK_URL").await;

    // form_post: re-sent as a GET with the same parameters.
    let res = app
        .plain_client()
        .post(app.url("/api/auth/callback/mock-oidc"))
        .form(&[("code", "c1"), ("state", "s1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(
        location(&res),
        format!("{}/api/auth/callback/mock-oidc?code=c1&state=s1", app.base)
    );
    app.stop().await;
}

async fn unverified_local_account_is_not_linked(backend: Backend) {
    let Some((app, provider)) = setup(backend, &[]).await else { return };
    let email = unique_email("unverified");
    app.browser().sign_up(&email).await;
    provider
        .admin("next-user", json!({"sub": "u-sub", "email": email, "email_verified": true}))
        .await;
    let res = sign_in(&app.browser(), "/api/auth/sign-in/social", social("mock-oidc")).await;
    assert_eq!(location(&res), "/err?error=account_not_linked");
    app.stop().await;
}

async fn github_profile_and_primary_email(backend: Backend) {
    let Some((app, provider)) = setup(backend, &[]).await else { return };
    let email = unique_email("gh");
    provider.admin("next-user", json!({"sub": "gh-sub", "email": email, "email_verified": true, "name": "Gita Hub", "github_id": 4242, "login": "gitahub"})).await;
    let b = app.browser();
    let res = sign_in(&b, "/api/auth/sign-in/social", social("github")).await;
    assert_eq!(location(&res), "/welcome");
    let user = b.session().await["user"].clone();
    assert_eq!(user["email"], email, "the primary address from /user/emails");
    assert_eq!(user["emailVerified"], true);
    assert_eq!(user["name"], "Gita Hub");
    let accounts: Vec<Value> = b.get("/api/auth/list-accounts").await.json().await.unwrap();
    assert_eq!(accounts[0]["providerId"], "github");
    assert_eq!(accounts[0]["accountId"], "4242", "GitHub's numeric id");
    let res = app
        .browser()
        .post(
            "/api/auth/sign-in/social",
            json!({"provider": "github", "idToken": {"token": "x.y.z"}}),
        )
        .await;
    assert_error(res, 404, "ID_TOKEN_NOT_SUPPORTED").await;
    app.stop().await;
}

async fn tokens_can_be_encrypted_at_rest(backend: Backend) {
    let Some((app, provider)) = setup(backend, &[("ENCRYPT_OAUTH_TOKENS", "true")]).await else {
        return;
    };
    provider
        .admin(
            "next-user",
            json!({"sub": "enc-sub", "email": unique_email("enc"), "email_verified": true}),
        )
        .await;
    let b = app.browser();
    sign_in(&b, "/api/auth/sign-in/social", social("mock-oidc")).await;
    let user_id = b.session().await["user"]["id"].as_str().unwrap().to_owned();
    let stored = app.service().list_accounts(&user_id).await.unwrap().remove(0);
    let sealed = stored.access_token.clone().unwrap();
    assert!(
        stored.id_token.as_deref().is_some_and(|t| t.starts_with("ey")),
        "ID tokens stay as issued"
    );
    assert!(sealed.bytes().all(|c| c.is_ascii_hexdigit()), "hex ciphertext at rest");
    let plain: Value = b
        .post("/api/auth/get-access-token", json!({"accountId": stored.id}))
        .await
        .json()
        .await
        .unwrap();
    let plain = plain["accessToken"].as_str().unwrap();
    assert!(plain.starts_with("ey") && plain != sealed, "the client gets the real token");
    assert_eq!(
        iam_auth::crypto::TokenCipher::new(crate::helpers::SECRET.as_bytes()).decrypt(&sealed),
        plain
    );
    app.stop().await;
}

async fn id_token_sign_in(backend: Backend) {
    let Some((app, provider)) = setup(backend, &[]).await else { return };
    let email = unique_email("idt");
    provider
        .admin("next-user", json!({"sub": "idt-sub", "email": email, "email_verified": true}))
        .await;
    let b = app.browser();
    sign_in(&b, "/api/auth/sign-in/social", social("mock-oidc")).await;
    let user_id = b.session().await["user"]["id"].as_str().unwrap().to_owned();
    let id_token = app.service().list_accounts(&user_id).await.unwrap().remove(0).id_token.unwrap();

    let fresh = app.browser();
    let res = fresh
        .post(
            "/api/auth/sign-in/social",
            json!({"provider": "mock-oidc", "idToken": {"token": id_token}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["redirect"], false);
    assert_eq!(body["user"]["id"], user_id.as_str());
    assert_eq!(fresh.session().await["session"]["token"], body["token"]);

    let res = app
        .browser()
        .post(
            "/api/auth/sign-in/social",
            json!({"provider": "mock-oidc", "idToken": {"token": id_token, "nonce": "wrong"}}),
        )
        .await;
    assert_error(res, 401, "INVALID_TOKEN").await;
    let res = app
        .browser()
        .post(
            "/api/auth/sign-in/social",
            json!({"provider": "mock-oidc", "idToken": {"token": "garbage"}}),
        )
        .await;
    assert_error(res, 401, "INVALID_TOKEN").await;

    // Sign-out also ends the session at the provider (RP-initiated logout).
    let res = b.post("/api/auth/sign-out", json!({})).await;
    let expected = format!("{}/endsession?id_token_hint={id_token}", provider.base);
    assert_eq!(location(&res), expected);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body, json!({"success": true, "url": expected, "redirect": true}));
    let res = fresh
        .post(
            "/api/auth/sign-out",
            json!({"callbackURL": "/bye", "state": "s1", "disableRedirect": true}),
        )
        .await;
    assert!(res.headers().get("location").is_none());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["redirect"], false);
    let url = body["url"].as_str().unwrap();
    let back: String =
        url::form_urlencoded::byte_serialize(format!("{}/bye", app.base).as_bytes()).collect();
    assert!(url.contains(&format!("&post_logout_redirect_uri={back}&")), "{url}");
    assert!(url.ends_with("&client_id=test-client&state=s1"), "{url}");
    // A password user has no provider to log out of.
    let plain = app.browser();
    plain.sign_up(&unique_email("plain")).await;
    let res = plain.post("/api/auth/sign-out", json!({})).await;
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"success": true}));
    app.stop().await;
}

/// A provider configured by its endpoints alone (no discovery, no ID token): the profile
/// comes from the user-info endpoint. With sign-up closed, unknown identities are refused.
async fn plain_oauth2_provider_and_closed_sign_up(backend: Backend) {
    let Some((app, provider)) = setup(backend.clone(), &[]).await else { return };
    let email = unique_email("plain");
    provider
        .admin("next-user", json!({"sub": "plain-sub", "email": email, "email_verified": true, "name": "Paula Plain"}))
        .await;
    let b = app.browser();
    let res = b.post("/api/auth/sign-in/social", social("plain-oauth")).await;
    let url = res.json::<Value>().await.unwrap()["url"].as_str().unwrap().to_owned();
    assert!(!url.contains("nonce="), "no OIDC nonce for a plain OAuth 2.0 provider: {url}");
    assert!(url.contains("scope=email+profile"), "{url}");
    let res = b.open(&through_provider(&url).await).await;
    assert_eq!(location(&res), "/welcome");
    let user = b.session().await["user"].clone();
    assert_eq!(
        (user["email"].as_str(), user["name"].as_str()),
        (Some(email.as_str()), Some("Paula Plain"))
    );
    let accounts: Vec<Value> = b.get("/api/auth/list-accounts").await.json().await.unwrap();
    assert_eq!(accounts[0]["accountId"], "plain-sub");
    app.stop().await;

    let Some((closed, provider)) = setup(backend, &[("SIGN_UP_ENABLED", "false")]).await else {
        return;
    };
    provider
        .admin(
            "next-user",
            json!({"sub": "new-sub", "email": unique_email("new"), "email_verified": true}),
        )
        .await;
    let res = sign_in(&closed.browser(), "/api/auth/sign-in/social", social("mock-oidc")).await;
    assert_eq!(location(&res), "/err?error=signup_disabled");
    closed.stop().await;
}
