//! The OAuth state Better Auth keeps between `/sign-in/social` and `/callback/:id`: a
//! `verification` row `auth-state:<state>` holding this JSON, plus a signed `state` cookie
//! binding it to the browser that started the flow.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkTarget {
    pub email: String,
    pub user_id: String,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthState {
    #[serde(rename = "callbackURL")]
    pub callback_url: String,
    pub code_verifier: String,
    #[serde(rename = "errorURL", skip_serializing_if = "Option::is_none", default)]
    pub error_url: Option<String>,
    #[serde(rename = "newUserURL", skip_serializing_if = "Option::is_none", default)]
    pub new_user_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub link: Option<LinkTarget>,
    /// Milliseconds since the epoch.
    pub expires_at: i64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub request_sign_up: Option<bool>,
    pub oauth_state: String,
    /// OIDC nonce sent with the authorization request (checked in the ID token).
    #[serde(rename = "idTokenNonce", skip_serializing_if = "Option::is_none", default)]
    pub nonce: Option<String>,
}

impl std::fmt::Debug for OAuthState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthState")
            .field("callback_url", &self.callback_url)
            .field("link", &self.link.is_some())
            .finish_non_exhaustive()
    }
}

pub fn identifier(state: &str) -> String {
    format!("auth-state:{state}")
}
