use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{Backend, TestApp, assert_error, unique_email};

db_tests!(health_and_private_data);

async fn health_and_private_data(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = app.plain_client();
    let root = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(root.status(), StatusCode::OK);
    assert_eq!(root.text().await.unwrap(), "OK");
    for method in [reqwest::Method::GET, reqwest::Method::POST] {
        let res = client.request(method, app.url("/rpc/healthCheck")).send().await.unwrap();
        assert_eq!(res.json::<Value>().await.unwrap(), json!("OK"));
    }
    assert_eq!(
        client.get(app.url("/api/auth/ok")).send().await.unwrap().json::<Value>().await.unwrap(),
        json!({"ok": true})
    );

    let anonymous = client.get(app.url("/rpc/privateData")).send().await.unwrap();
    let err = assert_error(anonymous, 401, "UNAUTHORIZED").await;
    assert_eq!(err["message"], "Unauthorized");

    let b = app.browser();
    let email = unique_email("private");
    let signed_up = b.sign_up(&email).await;
    let res = b.client.post(b.url("/rpc/privateData")).send().await.unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["message"], "This is private");
    assert_eq!(body["user"]["email"], email);

    let token = signed_up["token"].as_str().unwrap();
    let res = client.get(app.url("/rpc/privateData")).bearer_auth(token).send().await.unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["user"]["id"], signed_up["user"]["id"]);

    let res = client.get(app.url("/api/auth/error?error=state_mismatch")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("state_mismatch"));
    let res = client.get(app.url("/api/auth/error?error=%3Cscript%3E")).send().await.unwrap();
    let page = res.text().await.unwrap();
    assert!(page.contains("UNKNOWN") && !page.contains("<script>"));
    app.stop().await;
}
