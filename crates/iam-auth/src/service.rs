use std::sync::Arc;

use iam_domain::AuthError;
pub use iam_domain::Repositories;

use crate::clock::Clock;
use crate::config::AuthConfig;
use crate::crypto::TokenCipher;
use crate::mail::{MailTemplates, Mailer};
use crate::password::PasswordHasher;
use crate::sessions::SessionVerifier;
use crate::social::Providers;

/// Who is calling, as far as the session record cares.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
}

/// What the service is built from besides its settings.
pub struct Dependencies {
    pub repos: Repositories,
    pub mailer: Arc<dyn Mailer>,
    pub templates: MailTemplates,
    pub clock: Arc<dyn Clock>,
    pub providers: Providers,
}

/// The auth use cases. Cheap to share (`Arc` inside every field); one per process.
#[derive(Clone)]
pub struct AuthService {
    pub(crate) repos: Repositories,
    pub(crate) hasher: PasswordHasher,
    pub(crate) verifier: SessionVerifier,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) config: Arc<AuthConfig>,
    pub(crate) mailer: Arc<dyn Mailer>,
    pub(crate) templates: Arc<MailTemplates>,
    pub(crate) providers: Arc<Providers>,
    pub(crate) token_cipher: TokenCipher,
    pub(crate) access_control: Arc<iam_domain::organization::AccessControl>,
    cookie_cache: Option<crate::cookie_cache::CookieCache>,
}

impl AuthService {
    pub fn new(deps: Dependencies, secret: &[u8], config: AuthConfig) -> Result<Self, AuthError> {
        let hasher = PasswordHasher::new(config.password_hash, config.password_hash_concurrency)?;
        let verifier = SessionVerifier::new(
            secret,
            deps.repos.sessions.clone(),
            deps.clock.clone(),
            config.session,
        );
        let cookie_cache = config
            .session
            .cookie_cache_max_age
            .map(|max_age| crate::cookie_cache::CookieCache::new(secret, max_age));
        Ok(Self {
            repos: deps.repos,
            hasher,
            verifier,
            clock: deps.clock,
            config: Arc::new(config),
            mailer: deps.mailer,
            templates: Arc::new(deps.templates),
            providers: Arc::new(deps.providers),
            token_cipher: TokenCipher::new(secret),
            access_control: Arc::new(iam_domain::organization::AccessControl::default()),
            cookie_cache,
        })
    }

    pub fn verifier(&self) -> &SessionVerifier {
        &self.verifier
    }

    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub fn repositories(&self) -> &Repositories {
        &self.repos
    }

    /// The session cookie cache, when switched on.
    pub fn cookie_cache(&self) -> Option<&crate::cookie_cache::CookieCache> {
        self.cookie_cache.as_ref()
    }
}
