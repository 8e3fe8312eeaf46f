use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use serde_json::Value;

/// What a provider says about the person who signed in.
#[derive(Clone)]
pub struct ProviderProfile {
    /// The provider's stable subject (`sub`, GitHub's numeric id, ...): `account.accountId`.
    pub id: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    pub image: Option<String>,
    /// The provider's own fields, for `/account-info`.
    pub raw: Value,
}

impl fmt::Debug for ProviderProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderProfile")
            .field("id", &self.id)
            .field("email_verified", &self.email_verified)
            .finish_non_exhaustive()
    }
}

/// A token endpoint's answer.
#[derive(Clone, Default)]
pub struct ProviderTokens {
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub id_token: Option<String>,
    /// Seconds from now.
    pub expires_in: Option<i64>,
    pub refresh_token_expires_in: Option<i64>,
    pub scopes: Vec<String>,
}

impl fmt::Debug for ProviderTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderTokens")
            .field("expires_in", &self.expires_in)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// What goes into an authorization URL.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest<'a> {
    pub state: &'a str,
    /// PKCE verifier; the provider sends its S256 challenge.
    pub code_verifier: &'a str,
    pub redirect_uri: &'a str,
    /// Extra scopes on top of the provider's defaults.
    pub scopes: &'a [String],
    pub nonce: Option<&'a str>,
    pub login_hint: Option<&'a str>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The provider could not be reached or answered with an error.
    #[error("provider request failed: {0}")]
    Request(String),
    /// The provider's answer did not pass our checks (ID token signature, nonce, ...).
    #[error("provider response rejected: {0}")]
    Rejected(String),
}

#[async_trait]
pub trait OAuthProvider: Send + Sync {
    fn id(&self) -> &str;

    fn client_id(&self) -> &str;

    /// The issuer the provider announces (OIDC), for RFC 9207's `iss` check at the callback.
    async fn issuer(&self) -> Option<String>;

    /// The provider's RP-initiated logout endpoint (OIDC `end_session_endpoint`).
    async fn end_session_url(&self) -> Option<String>;

    /// Whether sign-in uses an OIDC nonce (ID tokens are checked against it).
    fn uses_nonce(&self) -> bool;

    /// May need the network (OIDC discovery) on first use.
    async fn authorization_url(
        &self,
        request: &AuthorizationRequest<'_>,
    ) -> Result<String, ProviderError>;

    async fn exchange_code(
        &self,
        code: &str,
        code_verifier: &str,
        redirect_uri: &str,
    ) -> Result<ProviderTokens, ProviderError>;

    /// The person behind `tokens`: from the verified ID token (signature, issuer, audience,
    /// expiry, nonce) or the user-info endpoint. `None` when the provider gave nothing usable.
    async fn user_info(
        &self,
        tokens: &ProviderTokens,
        nonce: Option<&str>,
    ) -> Result<Option<ProviderProfile>, ProviderError>;

    fn supports_refresh(&self) -> bool;

    async fn refresh(&self, refresh_token: &str) -> Result<ProviderTokens, ProviderError>;

    /// Whether `/sign-in/social` accepts an ID token from this provider directly.
    fn supports_id_token(&self) -> bool;

    async fn verify_id_token(
        &self,
        id_token: &str,
        nonce: Option<&str>,
    ) -> Result<Option<ProviderProfile>, ProviderError>;
}

/// The configured providers by id.
#[derive(Clone, Default)]
pub struct Providers {
    by_id: HashMap<String, Arc<dyn OAuthProvider>>,
}

impl Providers {
    pub fn new(providers: impl IntoIterator<Item = Arc<dyn OAuthProvider>>) -> Self {
        Self { by_id: providers.into_iter().map(|p| (p.id().to_owned(), p)).collect() }
    }

    pub fn get(&self, id: &str) -> Option<&Arc<dyn OAuthProvider>> {
        self.by_id.get(id)
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}
