//! OAuth 2.0 / OpenID Connect providers behind [`iam_auth::social::OAuthProvider`].
//!
//! One implementation ([`provider::OAuth2Provider`]) drives every provider with the
//! `oauth2` crate (authorization URL with PKCE S256, code exchange, refresh); what differs
//! per provider is data ([`catalog`]: endpoints, default scopes, whether it is OIDC) and the
//! mapping of its user-info answer ([`profile`]). ID tokens are verified against the
//! provider's JWKS (signature, issuer, audience, expiry, nonce) in [`id_token`].
//! The HTTP client follows no redirects and has timeouts ([`http_client`]).

mod catalog;
mod id_token;
pub mod profile;
mod provider;

use std::sync::Arc;
use std::time::Duration;

use iam_auth::social::OAuthProvider;

pub use catalog::{Endpoints, ProviderKind, ProviderSettings};
pub use provider::OAuth2Provider;

/// The client every provider call goes through: no redirects (a token endpoint that
/// redirects is a misconfiguration or an attack), bounded waits.
pub fn http_client(timeout: Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .user_agent(concat!("iam-server/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Builds the configured providers over one shared client.
pub fn build_providers(
    settings: Vec<ProviderSettings>,
    http: &reqwest::Client,
) -> Vec<Arc<dyn OAuthProvider>> {
    settings
        .into_iter()
        .map(|s| Arc::new(OAuth2Provider::new(s, http.clone())) as Arc<dyn OAuthProvider>)
        .collect()
}
