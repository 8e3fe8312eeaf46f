//! One [`OAuthProvider`] implementation for every provider: what differs is configuration
//! (endpoints, scopes, OIDC or not) and the user-info mapping.

use std::borrow::Cow;

use async_trait::async_trait;
use iam_auth::social::{
    AuthorizationRequest, OAuthProvider, ProviderError, ProviderProfile, ProviderTokens,
};
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken,
    EndpointNotSet, EndpointSet, ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, RefreshToken, Scope, StandardRevocableToken, StandardTokenResponse, TokenResponse,
    TokenUrl,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::OnceCell;

use crate::catalog::{ProviderKind, ProviderSettings, defaults};
use crate::id_token::{IdTokenVerifier, IssuerRule};
use crate::profile;

/// Token-response fields beyond RFC 6749 that we keep.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct ExtraFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token_expires_in: Option<i64>,
}

impl ExtraTokenFields for ExtraFields {}

type Tokens = StandardTokenResponse<ExtraFields, BasicTokenType>;
type OAuthClient = Client<
    BasicErrorResponse,
    Tokens,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// Endpoints once known (after discovery, for OIDC providers configured that way).
struct Resolved {
    client: OAuthClient,
    userinfo_url: Option<String>,
    id_tokens: Option<IdTokenVerifier>,
    issuer: Option<String>,
    end_session_url: Option<String>,
}

pub struct OAuth2Provider {
    settings: ProviderSettings,
    scopes: Vec<String>,
    auth_type: AuthType,
    http: reqwest::Client,
    resolved: OnceCell<Resolved>,
}

fn request_error(what: &str, e: impl std::fmt::Display) -> ProviderError {
    ProviderError::Request(format!("{what}: {e}"))
}

impl OAuth2Provider {
    pub fn new(settings: ProviderSettings, http: reqwest::Client) -> Self {
        let d = defaults(settings.kind, settings.tenant.as_deref());
        let mut scopes: Vec<String> = d.scopes.iter().map(|s| (*s).to_owned()).collect();
        for extra in &settings.scopes {
            if !scopes.contains(extra) {
                scopes.push(extra.clone());
            }
        }
        Self { scopes, auth_type: d.auth_type, settings, http, resolved: OnceCell::new() }
    }

    async fn resolved(&self) -> Result<&Resolved, ProviderError> {
        self.resolved.get_or_try_init(|| self.resolve()).await
    }

    /// Endpoints from the settings, the provider's defaults and (if configured) its OIDC
    /// discovery document, in that order of precedence.
    async fn resolve(&self) -> Result<Resolved, ProviderError> {
        let s = &self.settings;
        let d = defaults(s.kind, s.tenant.as_deref());
        let discovered = match &s.endpoints.discovery_url {
            Some(url) => Some(self.get_json(url, None).await?),
            None => None,
        };
        let pick = |own: &Option<String>, default: Option<String>, key: &str| {
            own.clone().or(default).or_else(|| {
                discovered
                    .as_ref()
                    .and_then(|doc| doc.get(key))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
        };
        let missing =
            |what: &str| ProviderError::Request(format!("{}: no {what} configured", s.id));
        let authorization =
            pick(&s.endpoints.authorization_url, d.authorization_url, "authorization_endpoint")
                .ok_or_else(|| missing("authorization endpoint"))?;
        let token = pick(&s.endpoints.token_url, d.token_url, "token_endpoint")
            .ok_or_else(|| missing("token endpoint"))?;
        let userinfo_url = pick(&s.endpoints.userinfo_url, d.userinfo_url, "userinfo_endpoint");
        let jwks_url = pick(&s.endpoints.jwks_url, d.jwks_url, "jwks_uri");
        let issuer = pick(&s.endpoints.issuer, d.issuer, "issuer");
        let end_session_url = pick(&s.endpoints.end_session_url, None, "end_session_endpoint");

        let id_tokens = match (s.kind.is_oidc(), jwks_url) {
            (true, Some(jwks)) => {
                let rule = match (s.kind, issuer.clone()) {
                    (_, Some(issuer)) => Some(IssuerRule::Exact(issuer)),
                    (ProviderKind::Microsoft, None) => Some(IssuerRule::MicrosoftTenant),
                    (_, None) => None,
                };
                Some(IdTokenVerifier::new(jwks, rule, s.client_id.clone(), self.http.clone()))
            }
            (true, None) => return Err(missing("JWKS")),
            (false, _) => None,
        };
        let invalid = |what: &str, e: url::ParseError| {
            ProviderError::Request(format!("{}: bad {what}: {e}", s.id))
        };
        let client = Client::new(ClientId::new(s.client_id.clone()))
            .set_client_secret(ClientSecret::new(s.client_secret.clone()))
            .set_auth_type(self.auth_type.clone())
            .set_auth_uri(AuthUrl::new(authorization).map_err(|e| invalid("authorization URL", e))?)
            .set_token_uri(TokenUrl::new(token).map_err(|e| invalid("token URL", e))?);
        Ok(Resolved { client, userinfo_url, id_tokens, issuer, end_session_url })
    }

    async fn get_json(&self, url: &str, bearer: Option<&str>) -> Result<Value, ProviderError> {
        let mut request = self.http.get(url).header("accept", "application/json");
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(|e| request_error(url, e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(ProviderError::Request(format!("{url}: HTTP {status}")));
        }
        response.json().await.map_err(|e| request_error(url, e))
    }

    fn redirect_url(&self, default: &str) -> Result<RedirectUrl, ProviderError> {
        let url = self.settings.redirect_uri.clone().unwrap_or_else(|| default.to_owned());
        RedirectUrl::new(url).map_err(|e| request_error("redirect URI", e))
    }

    fn to_tokens(&self, response: &Tokens) -> ProviderTokens {
        // Some providers (GitHub) separate granted scopes with commas, not spaces.
        let scopes = response
            .scopes()
            .map(|granted| {
                granted
                    .iter()
                    .flat_map(|s| {
                        s.as_str().split(',').map(str::trim).map(str::to_owned).collect::<Vec<_>>()
                    })
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_else(|| self.scopes.clone());
        ProviderTokens {
            access_token: Some(response.access_token().secret().clone()),
            refresh_token: response.refresh_token().map(|t| t.secret().clone()),
            id_token: response.extra_fields().id_token.clone(),
            expires_in: response
                .expires_in()
                .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
            refresh_token_expires_in: response.extra_fields().refresh_token_expires_in,
            scopes,
        }
    }

    async fn profile_from_endpoint(
        &self,
        access_token: &str,
    ) -> Result<Option<ProviderProfile>, ProviderError> {
        let resolved = self.resolved().await?;
        let Some(url) = resolved.userinfo_url.as_deref() else { return Ok(None) };
        let body = self.get_json(url, Some(access_token)).await?;
        Ok(match self.settings.kind {
            ProviderKind::Github => {
                // Private emails are only listed at /user/emails.
                let emails = match self.get_json(&format!("{url}/emails"), Some(access_token)).await
                {
                    Ok(list) => Some(list),
                    Err(e) => {
                        tracing::debug!(error = %e, "github: no email list");
                        None
                    }
                };
                profile::from_github(&body, emails.as_ref())
            }
            ProviderKind::Discord => profile::from_discord(&body),
            ProviderKind::Twitter => profile::from_twitter(&body),
            _ => profile::from_userinfo(&body),
        })
    }
}

#[async_trait]
impl OAuthProvider for OAuth2Provider {
    fn id(&self) -> &str {
        &self.settings.id
    }

    fn client_id(&self) -> &str {
        &self.settings.client_id
    }

    async fn issuer(&self) -> Option<String> {
        self.resolved().await.ok()?.issuer.clone()
    }

    async fn end_session_url(&self) -> Option<String> {
        self.resolved().await.ok()?.end_session_url.clone()
    }

    fn uses_nonce(&self) -> bool {
        self.settings.kind.is_oidc()
    }

    async fn authorization_url(
        &self,
        request: &AuthorizationRequest<'_>,
    ) -> Result<String, ProviderError> {
        let resolved = self.resolved().await?;
        let redirect = self.redirect_url(request.redirect_uri)?;
        let verifier = PkceCodeVerifier::new(request.code_verifier.to_owned());
        let state = request.state.to_owned();
        let mut authorize = resolved
            .client
            .authorize_url(move || CsrfToken::new(state))
            .set_redirect_uri(Cow::Owned(redirect))
            .set_pkce_challenge(PkceCodeChallenge::from_code_verifier_sha256(&verifier));
        for scope in self.scopes.iter().chain(request.scopes) {
            authorize = authorize.add_scope(Scope::new(scope.clone()));
        }
        if let Some(nonce) = request.nonce {
            authorize = authorize.add_extra_param("nonce", nonce);
        }
        if let Some(hint) = request.login_hint {
            authorize = authorize.add_extra_param("login_hint", hint);
        }
        Ok(authorize.url().0.to_string())
    }

    async fn exchange_code(
        &self,
        code: &str,
        code_verifier: &str,
        redirect_uri: &str,
    ) -> Result<ProviderTokens, ProviderError> {
        let resolved = self.resolved().await?;
        let redirect = self.redirect_url(redirect_uri)?;
        let response = resolved
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(code_verifier.to_owned()))
            .set_redirect_uri(Cow::Owned(redirect))
            .request_async(&self.http)
            .await
            .map_err(|e| request_error("token endpoint", e))?;
        Ok(self.to_tokens(&response))
    }

    async fn user_info(
        &self,
        tokens: &ProviderTokens,
        nonce: Option<&str>,
    ) -> Result<Option<ProviderProfile>, ProviderError> {
        let resolved = self.resolved().await?;
        if let (Some(id_token), Some(verifier)) = (&tokens.id_token, &resolved.id_tokens) {
            let claims = verifier.verify(id_token, nonce).await?;
            let from_token = profile::from_oidc_claims(&Value::Object(claims));
            // The user-info endpoint only when the ID token carries no email (Better Auth).
            if from_token.as_ref().is_some_and(|p| p.email.is_some()) {
                return Ok(from_token);
            }
            if let Some(access) = tokens.access_token.as_deref()
                && let Some(mut fetched) = self.profile_from_endpoint(access).await?
            {
                if let Some(token_profile) = from_token {
                    fetched.id = token_profile.id;
                }
                return Ok(Some(fetched));
            }
            return Ok(from_token);
        }
        if self.settings.kind.is_oidc() && tokens.id_token.is_none() && nonce.is_some() {
            // A sign-in that asked for a nonce must come back with an ID token carrying it.
            return Err(ProviderError::Rejected("id token missing".to_owned()));
        }
        match tokens.access_token.as_deref() {
            Some(access) => self.profile_from_endpoint(access).await,
            None => Ok(None),
        }
    }

    fn supports_refresh(&self) -> bool {
        true
    }

    async fn refresh(&self, refresh_token: &str) -> Result<ProviderTokens, ProviderError> {
        let resolved = self.resolved().await?;
        let token = RefreshToken::new(refresh_token.to_owned());
        let response = resolved
            .client
            .exchange_refresh_token(&token)
            .request_async(&self.http)
            .await
            .map_err(|e| request_error("token endpoint (refresh)", e))?;
        Ok(self.to_tokens(&response))
    }

    fn supports_id_token(&self) -> bool {
        self.settings.kind.is_oidc()
    }

    async fn verify_id_token(
        &self,
        id_token: &str,
        nonce: Option<&str>,
    ) -> Result<Option<ProviderProfile>, ProviderError> {
        let resolved = self.resolved().await?;
        let verifier = resolved
            .id_tokens
            .as_ref()
            .ok_or_else(|| ProviderError::Rejected("provider has no ID tokens".to_owned()))?;
        let claims = verifier.verify(id_token, nonce).await?;
        Ok(profile::from_oidc_claims(&Value::Object(claims)))
    }
}
