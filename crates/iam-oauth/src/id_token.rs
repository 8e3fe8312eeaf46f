//! OpenID Connect ID-token verification: the signature against the provider's JWKS
//! (fetched once, refetched when an unknown key id shows up), then issuer, audience,
//! expiry and the nonce of the authorization request.

use std::time::{Duration, Instant};

use iam_auth::social::ProviderError;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation, decode, decode_header};
use serde_json::{Map, Value};
use tokio::sync::RwLock;

/// How the `iss` claim is checked.
#[derive(Debug, Clone)]
pub(crate) enum IssuerRule {
    Exact(String),
    /// Microsoft's multi-tenant endpoints: `https://login.microsoftonline.com/<tid>/v2.0`
    /// with the token's own `tid`.
    MicrosoftTenant,
}

pub(crate) struct IdTokenVerifier {
    jwks_url: String,
    issuer: Option<IssuerRule>,
    audience: String,
    http: reqwest::Client,
    keys: RwLock<Option<(JwkSet, Instant)>>,
}

/// Don't hammer a provider's JWKS endpoint when tokens with unknown keys arrive.
const REFETCH_AFTER: Duration = Duration::from_secs(60);

impl IdTokenVerifier {
    pub(crate) fn new(
        jwks_url: String,
        issuer: Option<IssuerRule>,
        audience: String,
        http: reqwest::Client,
    ) -> Self {
        Self { jwks_url, issuer, audience, http, keys: RwLock::new(None) }
    }

    /// Verified claims of `token`; `nonce` must match when given.
    pub(crate) async fn verify(
        &self,
        token: &str,
        nonce: Option<&str>,
    ) -> Result<Map<String, Value>, ProviderError> {
        let reject = |why: &str| ProviderError::Rejected(format!("id token: {why}"));
        let header = decode_header(token).map_err(|_| reject("malformed"))?;
        let key = self.key_for(header.kid.as_deref()).await?;
        let mut validation = Validation::new(header.alg);
        validation.set_audience(&[&self.audience]);
        validation.leeway = 60;
        if let Some(IssuerRule::Exact(issuer)) = &self.issuer {
            validation.set_issuer(&[issuer]);
        }
        let claims = decode::<Map<String, Value>>(token, &key, &validation)
            .map_err(|e| reject(&e.to_string()))?
            .claims;
        if let Some(IssuerRule::MicrosoftTenant) = &self.issuer {
            let tid = claims.get("tid").and_then(Value::as_str).unwrap_or_default();
            let expected = format!("https://login.microsoftonline.com/{tid}/v2.0");
            if tid.is_empty() || claims.get("iss").and_then(Value::as_str) != Some(&expected) {
                return Err(reject("issuer"));
            }
        }
        if let Some(expected) = nonce
            && claims.get("nonce").and_then(Value::as_str) != Some(expected)
        {
            return Err(reject("nonce"));
        }
        Ok(claims)
    }

    async fn key_for(&self, kid: Option<&str>) -> Result<DecodingKey, ProviderError> {
        if let Some(key) = self.cached_key(kid).await {
            return Ok(key);
        }
        let stale =
            self.keys.read().await.as_ref().is_none_or(|(_, at)| at.elapsed() > REFETCH_AFTER);
        if stale {
            let set: JwkSet = self
                .http
                .get(&self.jwks_url)
                .send()
                .await
                .and_then(reqwest::Response::error_for_status)
                .map_err(|e| ProviderError::Request(format!("jwks: {e}")))?
                .json()
                .await
                .map_err(|e| ProviderError::Request(format!("jwks: {e}")))?;
            *self.keys.write().await = Some((set, Instant::now()));
        }
        self.cached_key(kid)
            .await
            .ok_or_else(|| ProviderError::Rejected("id token: unknown signing key".to_owned()))
    }

    async fn cached_key(&self, kid: Option<&str>) -> Option<DecodingKey> {
        let keys = self.keys.read().await;
        let (set, _) = keys.as_ref()?;
        let jwk = match kid {
            Some(kid) => set.find(kid)?,
            None => set.keys.first()?,
        };
        DecodingKey::from_jwk(jwk).ok()
    }
}
