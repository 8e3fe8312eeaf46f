//! Sign-in and account linking with OAuth 2.0 / OpenID Connect providers, with Better
//! Auth's rules:
//! - the state lives in the `verification` table and in a signed cookie, and is single-use;
//! - PKCE S256 always, an OIDC nonce for OIDC providers;
//! - an identity already linked signs its user in; otherwise an existing user with the same
//!   email is linked only when the provider is trusted or says the email is verified, and the
//!   local email is verified; otherwise a new user is created;
//! - callback failures become redirects with `?error=<code>`, never errors.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use iam_domain::{Account, AccountTokens, AuthError, RepoError, Session, User};
use rand::RngExt;

use crate::crypto::generate_id;
use crate::links::with_query;
use crate::service::{AuthService, ClientInfo};
use crate::social::state::{LinkTarget, OAuthState, identifier};
use crate::social::{AuthorizationRequest, OAuthProvider, ProviderProfile, ProviderTokens};

/// The alphabet of Better Auth's state and PKCE verifier.
const STATE_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn random_token(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(STATE_ALPHABET[rng.random_range(0..STATE_ALPHABET.len())]))
        .collect()
}

/// Where a social sign-in (or link) should go.
#[derive(Debug, Clone, Default)]
pub struct SocialStart {
    pub provider: String,
    pub callback_url: Option<String>,
    pub new_user_callback_url: Option<String>,
    pub error_callback_url: Option<String>,
    pub scopes: Vec<String>,
    pub request_sign_up: bool,
    pub login_hint: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AuthorizationRedirect {
    pub url: String,
    /// The state to bind to the browser (signed cookie).
    pub state: String,
}

/// What came back to `/callback/:provider`.
#[derive(Debug, Clone, Default)]
pub struct CallbackInput<'a> {
    pub provider: &'a str,
    pub state: Option<&'a str>,
    pub code: Option<&'a str>,
    pub error: Option<&'a str>,
    pub error_description: Option<&'a str>,
    /// RFC 9207 `iss` of the authorization response, when the provider sends one.
    pub issuer: Option<&'a str>,
    /// The verified value of the browser's state cookie.
    pub state_cookie: Option<&'a str>,
    /// The browser asked not to be remembered (its `dont_remember` cookie).
    pub dont_remember: bool,
}

/// Where to send the browser after the callback, and the session it got.
#[derive(Debug, Clone)]
pub struct CallbackResult {
    pub location: String,
    pub session: Option<Session>,
    /// The state matched and was used up: the browser's state cookie can go.
    pub state_used: bool,
}

/// A provider ID token handed to `/sign-in/social` or `/link-social` directly.
#[derive(Debug, Clone, Default)]
pub struct IdTokenInput {
    pub token: String,
    pub nonce: Option<String>,
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    /// Milliseconds since the epoch.
    pub expires_at: Option<i64>,
}

/// `/get-access-token`'s answer.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub access_token: String,
    pub access_token_expires_at: Option<DateTime<Utc>>,
    pub scopes: Vec<String>,
    pub id_token: Option<String>,
}

/// `/refresh-token`'s answer.
#[derive(Debug, Clone)]
pub struct RefreshedTokens {
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub access_token_expires_at: Option<DateTime<Utc>>,
    pub refresh_token_expires_at: Option<DateTime<Utc>>,
    pub scope: Option<String>,
    pub id_token: Option<String>,
    pub provider_id: String,
    pub account_id: String,
}

type Failure = &'static str;

impl AuthService {
    fn provider(&self, id: &str) -> Result<Arc<dyn OAuthProvider>, AuthError> {
        self.providers.get(id).cloned().ok_or(AuthError::ProviderNotFound)
    }

    pub fn oauth_redirect_uri(&self, provider_id: &str) -> String {
        format!("{}/callback/{provider_id}", self.config.api_url)
    }

    /// The server's origin: the default callback of a social sign-in.
    fn origin(&self) -> String {
        url::Url::parse(&self.config.api_url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default()
    }

    /// Starts a sign-in (or, with `link`, the linking of another provider): stores the
    /// state and returns the provider's authorization URL.
    pub async fn start_oauth(
        &self,
        start: SocialStart,
        link: Option<LinkTarget>,
    ) -> Result<AuthorizationRedirect, AuthError> {
        let provider = self.provider(&start.provider)?;
        let state = random_token(32);
        let verifier = random_token(128);
        let nonce = provider.uses_nonce().then(|| random_token(32));
        let now = self.clock.now();
        let value = OAuthState {
            callback_url: start.callback_url.clone().unwrap_or_else(|| self.origin()),
            code_verifier: verifier.clone(),
            error_url: start.error_callback_url.clone(),
            new_user_url: start.new_user_callback_url.clone(),
            link,
            expires_at: (now + Duration::minutes(10)).timestamp_millis(),
            request_sign_up: start.request_sign_up.then_some(true),
            oauth_state: state.clone(),
            nonce: nonce.clone(),
        };
        let json = serde_json::to_string(&value).map_err(AuthError::unexpected)?;
        let row = self.new_verification(identifier(&state), json, Duration::minutes(10));
        self.repos.verifications.create(&row).await?;
        let redirect_uri = self.oauth_redirect_uri(provider.id());
        let url = provider
            .authorization_url(&AuthorizationRequest {
                state: &state,
                code_verifier: &verifier,
                redirect_uri: &redirect_uri,
                scopes: &start.scopes,
                nonce: nonce.as_deref(),
                login_hint: start.login_hint.as_deref(),
            })
            .await
            .map_err(AuthError::unexpected)?;
        Ok(AuthorizationRedirect { url, state })
    }

    /// `/callback/:provider`. Always ends in a redirect: to the app on success, to the error
    /// URL with `?error=<code>` on failure.
    pub async fn oauth_callback(
        &self,
        input: CallbackInput<'_>,
        client: &ClientInfo,
    ) -> CallbackResult {
        let default_error_url = format!("{}/error", self.config.api_url);
        let fail = |base: &str, code: &str| CallbackResult {
            location: with_query(base, "error", code),
            session: None,
            state_used: false,
        };
        let Some(state) = input.state.filter(|s| !s.is_empty()) else {
            return fail(&default_error_url, "state_not_found");
        };
        let parsed = match self.take_state(state, input.state_cookie).await {
            Ok(parsed) => parsed,
            // A readable state names where its errors go; an unreadable one cannot.
            Err((code, Some(readable))) => {
                return fail(readable.error_url.as_deref().unwrap_or(&default_error_url), code);
            }
            Err((code, None)) => return fail(&default_error_url, code),
        };
        let error_url = parsed.error_url.clone().unwrap_or(default_error_url);
        if let Some(error) = input.error {
            let mut location = with_query(&error_url, "error", error);
            if let Some(description) = input.error_description {
                location = with_query(&location, "error_description", description);
            }
            return CallbackResult { location, session: None, state_used: true };
        }
        match self.finish_oauth(&input, &parsed, client).await {
            Ok((session, is_new_user)) => {
                let target = match (&session, is_new_user) {
                    (Some(_), true) => {
                        parsed.new_user_url.as_deref().unwrap_or(&parsed.callback_url)
                    }
                    _ => &parsed.callback_url,
                };
                CallbackResult { location: target.to_owned(), session, state_used: true }
            }
            Err(code) => CallbackResult { state_used: true, ..fail(&error_url, code) },
        }
    }

    /// Reads, checks and consumes the stored state (single use). A state that fails a check
    /// stays stored, so the genuine callback can still arrive; failures carry the state when
    /// it could be read.
    async fn take_state(
        &self,
        state: &str,
        cookie: Option<&str>,
    ) -> Result<OAuthState, (Failure, Option<OAuthState>)> {
        let verifications = &self.repos.verifications;
        let row = verifications
            .find_by_identifier(&identifier(state))
            .await
            .ok()
            .flatten()
            .ok_or(("state_mismatch", None))?;
        let parsed: OAuthState =
            serde_json::from_str(&row.value).map_err(|_| ("state_invalid", None))?;
        if parsed.oauth_state != state || cookie != Some(state) {
            return Err(("state_mismatch", Some(parsed)));
        }
        if parsed.expires_at < self.clock.now().timestamp_millis() {
            let _ = verifications.delete_if_value(&row.id, &row.value).await;
            return Err(("state_mismatch", Some(parsed)));
        }
        // Whoever deletes the row owns the state: a replay finds nothing.
        if !verifications.delete_if_value(&row.id, &row.value).await.unwrap_or(false) {
            return Err(("state_mismatch", None));
        }
        Ok(parsed)
    }

    async fn finish_oauth(
        &self,
        input: &CallbackInput<'_>,
        state: &OAuthState,
        client: &ClientInfo,
    ) -> Result<(Option<Session>, bool), Failure> {
        let code = input.code.filter(|c| !c.is_empty()).ok_or("no_code")?;
        let provider =
            self.providers.get(input.provider).cloned().ok_or("oauth_provider_not_found")?;
        if let Some(iss) = input.issuer
            && provider.issuer().await.is_some_and(|expected| expected != iss)
        {
            return Err("issuer_mismatch");
        }
        let redirect_uri = self.oauth_redirect_uri(provider.id());
        let tokens = provider
            .exchange_code(code, &state.code_verifier, &redirect_uri)
            .await
            .map_err(|e| {
                tracing::warn!(provider = provider.id(), error = %e, "code exchange failed");
                "invalid_code"
            })?;
        let profile = provider
            .user_info(&tokens, state.nonce.as_deref())
            .await
            .map_err(|e| {
                tracing::warn!(provider = provider.id(), error = %e, "user info rejected");
                "unable_to_get_user_info"
            })?
            .ok_or("unable_to_get_user_info")?;

        if let Some(link) = &state.link {
            self.link_identity(provider.id(), link, &profile, &tokens).await?;
            return Ok((None, false));
        }
        if profile.email.as_deref().is_none_or(str::is_empty) {
            return Err("email_not_found");
        }
        let (user, is_new) = self
            .resolve_oauth_user(
                provider.id(),
                &profile,
                &tokens,
                state.request_sign_up.unwrap_or(false),
            )
            .await?;
        let session = self
            .create_session(&user.id, !input.dont_remember, client)
            .await
            .map_err(|_| "unable_to_create_session")?;
        tracing::info!(user_id = %user.id, provider = provider.id(), new = is_new, "social sign-in");
        Ok((Some(session), is_new))
    }

    /// Finds or creates the user behind a provider identity (Better Auth's
    /// `handleOAuthUserInfo`). Errors are Better Auth's callback error codes.
    async fn resolve_oauth_user(
        &self,
        provider: &str,
        profile: &ProviderProfile,
        tokens: &ProviderTokens,
        _request_sign_up: bool,
    ) -> Result<(User, bool), Failure> {
        let now = self.clock.now();
        let repos = &self.repos;
        let email = profile.email.as_deref().unwrap_or_default().to_lowercase();

        if let Some(account) = repos
            .accounts
            .find_by_provider(provider, &profile.id)
            .await
            .map_err(|_| "unable_to_link_account")?
        {
            let mut user = repos
                .users
                .find_by_id(&account.user_id)
                .await
                .ok()
                .flatten()
                .ok_or("unable_to_link_account")?;
            // Later sign-ins refresh the stored tokens (keeping any the provider did not
            // send again), not the granted scope.
            let stored = self.merged_tokens(&account, tokens, now);
            repos
                .accounts
                .update_tokens(&account.id, &stored, now)
                .await
                .map_err(|_| "unable_to_update_account")?;
            if profile.email_verified && !user.email_verified && user.email == email {
                let _ = repos.users.set_email_verified(&user.id, true, now).await;
                user.email_verified = true;
            }
            return Ok((user, false));
        }

        if let Some(user) =
            repos.users.find_by_email(&email).await.map_err(|_| "unable_to_link_account")?
        {
            let linking = &self.config.account_linking;
            let trusted =
                linking.trusted_providers.iter().any(|p| p == provider) || profile.email_verified;
            let local_ok = !linking.require_local_email_verified || user.email_verified;
            if !(linking.enabled && trusted && local_ok) {
                return Err("account_not_linked");
            }
            let account = self.oauth_account(&user.id, provider, profile, tokens, now);
            repos.accounts.create(&account).await.map_err(|_| "unable_to_link_account")?;
            tracing::info!(user_id = %user.id, provider, "provider linked at sign-in");
            return Ok((user, false));
        }

        if !self.config.sign_up_enabled {
            return Err("signup_disabled");
        }
        let user = User {
            id: generate_id(),
            name: profile.name.clone().unwrap_or_default(),
            email,
            email_verified: profile.email_verified,
            image: profile.image.clone(),
            created_at: now,
            updated_at: now,
        };
        let account = self.oauth_account(&user.id, provider, profile, tokens, now);
        let personal = self.personal_organization(&user);
        match repos.users.create_with_account(&user, &account, personal.as_ref()).await {
            Ok(()) => Ok((user, true)),
            Err(RepoError::Conflict) => Err("account_not_linked"),
            Err(_) => Err("unable_to_create_user"),
        }
    }

    /// Links a provider identity to `link.user_id` (the `/link-social` callback).
    async fn link_identity(
        &self,
        provider: &str,
        link: &LinkTarget,
        profile: &ProviderProfile,
        tokens: &ProviderTokens,
    ) -> Result<(), Failure> {
        let linking = &self.config.account_linking;
        let now = self.clock.now();
        if !linking.enabled {
            return Err("unable_to_link_account");
        }
        let user = self
            .repos
            .users
            .find_by_id(&link.user_id)
            .await
            .ok()
            .flatten()
            .ok_or("unable_to_link_account")?;
        let email = profile.email.as_deref().unwrap_or_default().to_lowercase();
        if email != user.email.to_lowercase() && !linking.allow_different_emails {
            return Err("email_does_not_match");
        }
        match self
            .repos
            .accounts
            .find_by_provider(provider, &profile.id)
            .await
            .map_err(|_| "unable_to_link_account")?
        {
            Some(existing) if existing.user_id != user.id => {
                Err("account_already_linked_to_different_user")
            }
            Some(existing) => {
                let mut stored = self.merged_tokens(&existing, tokens, now);
                stored.scope = merge_scopes(existing.scope.as_deref(), &tokens.scopes);
                self.repos
                    .accounts
                    .update_tokens(&existing.id, &stored, now)
                    .await
                    .map_err(|_| "unable_to_link_account")
            }
            None => {
                let account = self.oauth_account(&user.id, provider, profile, tokens, now);
                self.repos.accounts.create(&account).await.map_err(|_| "unable_to_link_account")?;
                tracing::info!(user_id = %user.id, provider, "provider linked");
                Ok(())
            }
        }
    }

    /// `/sign-in/social` with an ID token: verifies it and signs in without a redirect.
    pub async fn sign_in_with_id_token(
        &self,
        provider_id: &str,
        input: &IdTokenInput,
        remember: bool,
        client: &ClientInfo,
    ) -> Result<(User, Session), AuthError> {
        let provider = self.provider(provider_id)?;
        let profile = self.verified_id_token(provider.as_ref(), input).await?;
        if profile.email.as_deref().is_none_or(str::is_empty) {
            return Err(AuthError::UserEmailNotFound);
        }
        let tokens = self.id_token_tokens(input);
        let (user, _) = self
            .resolve_oauth_user(provider.id(), &profile, &tokens, false)
            .await
            .map_err(|code| AuthError::OAuthLinkError(code.replace('_', " ")))?;
        let session = self.create_session(&user.id, remember, client).await?;
        Ok((user, session))
    }

    /// `/link-social` with an ID token: links directly.
    pub async fn link_with_id_token(
        &self,
        user: &User,
        provider_id: &str,
        input: &IdTokenInput,
    ) -> Result<(), AuthError> {
        let provider = self.provider(provider_id)?;
        let profile = self.verified_id_token(provider.as_ref(), input).await?;
        let linking = &self.config.account_linking;
        let trusted =
            linking.trusted_providers.iter().any(|p| p == provider_id) || profile.email_verified;
        if !linking.enabled || !trusted {
            return Err(AuthError::LinkingNotAllowed);
        }
        let email = profile.email.as_deref().unwrap_or_default().to_lowercase();
        if email != user.email && !linking.allow_different_emails {
            return Err(AuthError::LinkingDifferentEmailsNotAllowed);
        }
        let tokens = self.id_token_tokens(input);
        let now = self.clock.now();
        match self.repos.accounts.find_by_provider(provider_id, &profile.id).await? {
            Some(existing) if existing.user_id != user.id => {
                Err(AuthError::SocialAccountAlreadyLinked)
            }
            Some(existing) => {
                let stored = self.merged_tokens(&existing, &tokens, now);
                Ok(self.repos.accounts.update_tokens(&existing.id, &stored, now).await?)
            }
            None => {
                let account = self.oauth_account(&user.id, provider_id, &profile, &tokens, now);
                self.repos.accounts.create(&account).await.map_err(|_| AuthError::LinkingFailed)
            }
        }
    }

    async fn verified_id_token(
        &self,
        provider: &dyn OAuthProvider,
        input: &IdTokenInput,
    ) -> Result<ProviderProfile, AuthError> {
        if !provider.supports_id_token() {
            return Err(AuthError::IdTokenNotSupported);
        }
        provider
            .verify_id_token(&input.token, input.nonce.as_deref())
            .await
            .map_err(|e| {
                tracing::debug!(provider = provider.id(), error = %e, "id token rejected");
                AuthError::InvalidIdToken
            })?
            .ok_or(AuthError::FailedToGetUserInfo)
    }

    fn id_token_tokens(&self, input: &IdTokenInput) -> ProviderTokens {
        let now_ms = self.clock.now().timestamp_millis();
        ProviderTokens {
            access_token: input.access_token.clone(),
            refresh_token: input.refresh_token.clone(),
            id_token: Some(input.token.clone()),
            expires_in: input.expires_at.map(|at| (at - now_ms) / 1000),
            refresh_token_expires_in: None,
            scopes: Vec::new(),
        }
    }

    /// `/unlink-account {accountId}` (the account row id). The last way in stays.
    pub async fn unlink_account(&self, user_id: &str, account_id: &str) -> Result<(), AuthError> {
        let accounts = self.repos.accounts.list_for_user(user_id).await?;
        if accounts.len() <= 1 && !self.config.account_linking.allow_unlinking_all {
            return Err(AuthError::FailedToUnlinkLastAccount);
        }
        let account =
            accounts.iter().find(|a| a.id == account_id).ok_or(AuthError::AccountNotFound)?;
        self.repos.accounts.delete(&account.id).await?;
        tracing::info!(user_id, provider = %account.provider_id, "account unlinked");
        Ok(())
    }

    /// The user's account with that row id, and its configured provider.
    async fn provider_account(
        &self,
        user_id: &str,
        account_id: &str,
    ) -> Result<(Account, Arc<dyn OAuthProvider>), AuthError> {
        let accounts = self.repos.accounts.list_for_user(user_id).await?;
        let account =
            accounts.into_iter().find(|a| a.id == account_id).ok_or(AuthError::AccountNotFound)?;
        let provider = self
            .providers
            .get(&account.provider_id)
            .cloned()
            .ok_or_else(|| AuthError::ProviderNotSupported(account.provider_id.clone()))?;
        Ok((account, provider))
    }

    /// `/get-access-token`: the stored access token, refreshed first when it expires within
    /// five seconds.
    pub async fn get_access_token(
        &self,
        user_id: &str,
        account_id: &str,
    ) -> Result<AccessToken, AuthError> {
        let (account, provider) = self.provider_account(user_id, account_id).await?;
        let account = self.with_fresh_access_token(account, provider.as_ref()).await?;
        let access_token = account
            .access_token
            .as_deref()
            .map(|t| self.token_cipher.decrypt(t))
            .ok_or(AuthError::FailedToGetAccessToken)?;
        Ok(AccessToken {
            access_token,
            access_token_expires_at: account.access_token_expires_at,
            scopes: account.scopes().into_iter().map(str::to_owned).collect(),
            id_token: account.id_token.as_deref().map(|t| self.token_cipher.decrypt(t)),
        })
    }

    /// The account, refreshed first when its access token expires within 5 seconds and the
    /// provider can refresh it.
    async fn with_fresh_access_token(
        &self,
        account: Account,
        provider: &dyn OAuthProvider,
    ) -> Result<Account, AuthError> {
        let now = self.clock.now();
        let expiring =
            account.access_token_expires_at.is_some_and(|at| at - now < Duration::seconds(5));
        if expiring && account.refresh_token.is_some() && provider.supports_refresh() {
            self.refresh_account(&account, provider)
                .await
                .map_err(|_| AuthError::FailedToGetAccessToken)
        } else {
            Ok(account)
        }
    }

    /// `/refresh-token`: always asks the provider for new tokens.
    pub async fn refresh_token(
        &self,
        user_id: &str,
        account_id: &str,
    ) -> Result<RefreshedTokens, AuthError> {
        let (account, provider) = self.provider_account(user_id, account_id).await?;
        if !provider.supports_refresh() {
            return Err(AuthError::TokenRefreshNotSupported(account.provider_id));
        }
        if account.refresh_token.is_none() {
            return Err(AuthError::RefreshTokenNotFound);
        }
        let refreshed = self.refresh_account(&account, provider.as_ref()).await?;
        let plain = |t: &Option<String>| t.as_deref().map(|t| self.token_cipher.decrypt(t));
        Ok(RefreshedTokens {
            access_token: plain(&refreshed.access_token),
            refresh_token: plain(&refreshed.refresh_token),
            access_token_expires_at: refreshed.access_token_expires_at,
            refresh_token_expires_at: refreshed.refresh_token_expires_at,
            scope: refreshed.scope.clone(),
            id_token: plain(&refreshed.id_token),
            provider_id: refreshed.provider_id.clone(),
            // The account row id, as clients select accounts by it.
            account_id: refreshed.id.clone(),
        })
    }

    async fn refresh_account(
        &self,
        account: &Account,
        provider: &dyn OAuthProvider,
    ) -> Result<Account, AuthError> {
        let refresh_token = account
            .refresh_token
            .as_deref()
            .map(|t| self.token_cipher.decrypt(t))
            .ok_or(AuthError::RefreshTokenNotFound)?;
        let tokens = provider.refresh(&refresh_token).await.map_err(|e| {
            tracing::warn!(provider = provider.id(), error = %e, "token refresh failed");
            AuthError::FailedToRefreshAccessToken
        })?;
        // Providers that do not rotate refresh tokens return none: the old one stays.
        let now = self.clock.now();
        let stored = self.merged_tokens(account, &tokens, now);
        self.repos.accounts.update_tokens(&account.id, &stored, now).await?;
        let mut updated = account.clone();
        updated.access_token = stored.access_token;
        updated.refresh_token = stored.refresh_token;
        updated.id_token = stored.id_token;
        updated.access_token_expires_at = stored.access_token_expires_at;
        updated.refresh_token_expires_at = stored.refresh_token_expires_at;
        updated.updated_at = now;
        Ok(updated)
    }

    /// `/account-info`: what the provider says now, with a valid (refreshed) token.
    pub async fn account_info(
        &self,
        user_id: &str,
        account_id: &str,
    ) -> Result<(ProviderProfile, Account), AuthError> {
        let (account, provider) = self.provider_account(user_id, account_id).await?;
        let account = self.with_fresh_access_token(account, provider.as_ref()).await;
        let account = account.map_err(|_| AuthError::AccessTokenNotFound)?;
        let access_token = account
            .access_token
            .as_deref()
            .map(|t| self.token_cipher.decrypt(t))
            .ok_or(AuthError::AccessTokenNotFound)?;
        // The user-info endpoint, not the stored ID token (which may have expired).
        let tokens =
            ProviderTokens { access_token: Some(access_token), ..ProviderTokens::default() };
        let profile = provider
            .user_info(&tokens, None)
            .await
            .map_err(|_| AuthError::FailedToGetUserInfo)?
            .ok_or(AuthError::FailedToGetUserInfo)?;
        Ok((profile, account))
    }

    /// Tokens as they are written to an account row (encrypted when configured).
    fn stored_tokens(
        &self,
        tokens: &ProviderTokens,
        now: DateTime<Utc>,
        scope: Option<String>,
    ) -> AccountTokens {
        let seal = |t: &Option<String>| {
            t.as_ref().map(|t| {
                if self.config.encrypt_oauth_tokens {
                    self.token_cipher.encrypt(t)
                } else {
                    t.clone()
                }
            })
        };
        AccountTokens {
            access_token: seal(&tokens.access_token),
            refresh_token: seal(&tokens.refresh_token),
            // Better Auth never encrypts ID tokens (signed anyway, and sent as logout hints).
            id_token: tokens.id_token.clone(),
            access_token_expires_at: tokens.expires_in.map(|s| now + Duration::seconds(s)),
            refresh_token_expires_at: tokens
                .refresh_token_expires_in
                .map(|s| now + Duration::seconds(s)),
            scope,
        }
    }

    /// New tokens over an account's stored ones: what the provider did not send again
    /// (refresh token, ID token, their expiries) is kept, as Better Auth's update skips
    /// undefined fields. The scope stays.
    fn merged_tokens(
        &self,
        account: &Account,
        tokens: &ProviderTokens,
        now: DateTime<Utc>,
    ) -> AccountTokens {
        let fresh = self.stored_tokens(tokens, now, account.scope.clone());
        AccountTokens {
            access_token: fresh.access_token.or_else(|| account.access_token.clone()),
            access_token_expires_at: if tokens.access_token.is_some() {
                fresh.access_token_expires_at
            } else {
                account.access_token_expires_at
            },
            refresh_token_expires_at: if tokens.refresh_token.is_some() {
                fresh.refresh_token_expires_at
            } else {
                account.refresh_token_expires_at
            },
            refresh_token: fresh.refresh_token.or_else(|| account.refresh_token.clone()),
            id_token: fresh.id_token.or_else(|| account.id_token.clone()),
            scope: fresh.scope,
        }
    }

    fn oauth_account(
        &self,
        user_id: &str,
        provider: &str,
        profile: &ProviderProfile,
        tokens: &ProviderTokens,
        now: DateTime<Utc>,
    ) -> Account {
        let scope = (!tokens.scopes.is_empty()).then(|| tokens.scopes.join(","));
        let stored = self.stored_tokens(tokens, now, scope);
        Account {
            id: generate_id(),
            account_id: profile.id.clone(),
            provider_id: provider.to_owned(),
            user_id: user_id.to_owned(),
            access_token: stored.access_token,
            refresh_token: stored.refresh_token,
            id_token: stored.id_token,
            access_token_expires_at: stored.access_token_expires_at,
            refresh_token_expires_at: stored.refresh_token_expires_at,
            scope: stored.scope,
            password: None,
            created_at: now,
            updated_at: now,
        }
    }
}

/// The union of stored (comma-separated) and newly granted scopes.
fn merge_scopes(stored: Option<&str>, granted: &[String]) -> Option<String> {
    let mut scopes: Vec<String> = stored
        .map(|s| s.split(',').map(|x| x.trim().to_owned()).filter(|x| !x.is_empty()).collect())
        .unwrap_or_default();
    for scope in granted {
        if !scopes.contains(scope) {
            scopes.push(scope.clone());
        }
    }
    (!scopes.is_empty()).then(|| scopes.join(","))
}

impl AuthService {
    /// Better Auth's RP-initiated logout: the end-session URL of the provider of the user's
    /// most recently updated account that has one, with the stored ID token as the hint.
    pub async fn provider_logout_url(
        &self,
        user_id: &str,
        post_logout_redirect: Option<&str>,
        state: Option<&str>,
    ) -> Option<String> {
        if self.providers.is_empty() {
            return None; // no query on sign-out for deployments without social sign-in
        }
        let mut accounts = self.repos.accounts.list_for_user(user_id).await.ok()?;
        accounts.sort_by_key(|a| std::cmp::Reverse(a.updated_at));
        for account in accounts {
            let Some(provider) = self.providers.get(&account.provider_id) else { continue };
            let Some(endpoint) = provider.end_session_url().await else { continue };
            let mut url = endpoint;
            if let Some(id_token) = account.id_token.as_deref() {
                url = with_query(&url, "id_token_hint", &self.token_cipher.decrypt(id_token));
            }
            if let Some(target) = post_logout_redirect {
                url = with_query(&url, "post_logout_redirect_uri", target);
            }
            if post_logout_redirect.is_some() || account.id_token.is_none() {
                url = with_query(&url, "client_id", provider.client_id());
            }
            if let Some(state) = state {
                url = with_query(&url, "state", state);
            }
            return Some(url);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_verifiers_use_better_auths_alphabet() {
        let state = random_token(32);
        assert_eq!(state.len(), 32);
        assert!(state.bytes().all(|b| STATE_ALPHABET.contains(&b)));
        assert_eq!(
            merge_scopes(Some("read:user,user:email"), &["user:email".into(), "repo".into()]),
            Some("read:user,user:email,repo".into())
        );
        assert_eq!(merge_scopes(None, &[]), None);
    }
}
