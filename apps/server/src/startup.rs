//! Composition: settings -> database -> repositories -> auth service -> HTTP server.
//! Nothing here decides behaviour; it only wires the crates together.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::dev::{Server, ServerHandle};
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use iam_auth::config::{
    ChangeEmailConfig, DeleteUserConfig, DynamicRolesConfig, EmailOtpConfig,
    EmailVerificationConfig, OrganizationConfig, OtpStorage, PasswordResetConfig, TeamsConfig,
};
use iam_auth::mail::{MailTemplates, Mailer};
use iam_auth::origins::TrustedOrigins;
use iam_auth::password::HashAlgorithm;
use iam_auth::rate_limit::{MemoryStore, RateLimitConfig, Rule};
use iam_auth::social::{AccountLinkingConfig, Providers};
use iam_auth::{AuthConfig, AuthService, Clock, Dependencies, SessionConfig, SystemClock};
use iam_domain::values::PasswordPolicy;
use iam_http::body::MAX_BODY_BYTES;
use iam_http::client::ClientIpResolver;
use iam_http::cookies::CookieSettings;
use iam_http::csrf::OriginPolicy;
use iam_http::{AuthState, RateLimiter, SessionGuard, rate_limit, trace_requests};
use iam_mail::{NoMailer, OutboxMailer, SmtpConfig, SmtpMailer, SmtpSecurity};
use iam_oauth::{Endpoints, ProviderKind, ProviderSettings};
use iam_repos::{DatabaseConnection, PoolSettings};
use secrecy::ExposeSecret;
use shared_env::{Environment, MailTransport, PasswordHashSetting, Settings};

use crate::migrate;

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("database: {0}")]
    Database(#[from] iam_repos::ConnectError),
    #[error("migrations failed: {0}")]
    Migration(#[from] iam_migrations::DbErr),
    #[error("auth service: {0}")]
    Auth(#[from] iam_domain::AuthError),
    #[error("mail: {0}")]
    Mail(#[from] iam_mail::SmtpSetupError),
    #[error("mail templates: {0}")]
    Templates(#[from] iam_auth::mail::TemplateError),
    #[error("HTTP client for providers: {0}")]
    HttpClient(#[from] reqwest::Error),
    #[error("cannot listen: {0}")]
    Bind(#[from] std::io::Error),
}

/// A built, listening server.
pub struct Application {
    port: u16,
    server: Server,
    service: AuthService,
    db: DatabaseConnection,
    sweeper: tokio::task::JoinHandle<()>,
}

impl Application {
    pub async fn build(settings: &Settings) -> Result<Self, BuildError> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// Like [`Application::build`] with a chosen clock (tests move time with a manual one).
    pub async fn build_with_clock(
        settings: &Settings,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, BuildError> {
        let pool = PoolSettings {
            max_connections: settings.database.max_connections,
            ..PoolSettings::default()
        };
        let db =
            iam_repos::connect(&settings.database.url, pool).await.map_err(BuildError::Database)?;
        if settings.database.auto_migrate {
            migrate::up(&db).await.map_err(BuildError::Migration)?;
        }

        let deps = Dependencies {
            repos: iam_repos::repositories(db.clone()),
            mailer: mailer(settings)?,
            templates: MailTemplates::load(settings.mail.templates_dir.as_deref())?,
            clock: clock.clone(),
            providers: providers(settings)?,
        };
        let service = AuthService::new(deps, settings.secret_bytes(), auth_config(settings))?;

        let origins = TrustedOrigins::new(&settings.base_url, settings.trusted_origins.clone());
        let cookies = CookieSettings::new(&settings.cookie_prefix, settings.secure_cookies());
        let clients = ClientIpResolver::new(settings.trusted_proxies.clone());
        let guard = SessionGuard::new(
            service.verifier().clone(),
            cookies.session_token.clone(),
            cookies.dont_remember.clone(),
        );
        let state = web::Data::new(AuthState {
            service: service.clone(),
            cookies,
            // Better Auth switches origin checks off under NODE_ENV=test.
            origin_policy: OriginPolicy {
                origins: origins.clone(),
                enabled: settings.environment != Environment::Test,
            },
            clients: clients.clone(),
            guard: guard.clone(),
            base_url: settings.base_url.clone(),
            production: settings.environment == Environment::Production,
        });
        let guard = web::Data::new(guard);
        let limiter = web::Data::new(RateLimiter {
            config: RateLimitConfig {
                enabled: settings.rate_limit.enabled,
                default_rule: Rule {
                    window_secs: settings.rate_limit.window_secs,
                    max: settings.rate_limit.max,
                },
            },
            store: Arc::new(MemoryStore::default()),
            clients,
            clock,
        });

        let listener =
            TcpListener::bind((settings.host.as_str(), settings.port)).map_err(BuildError::Bind)?;
        let port = listener.local_addr().map_err(BuildError::Bind)?.port();
        let cors_origins = origins.clone();
        let mut server = HttpServer::new(move || {
            let origins = cors_origins.clone();
            // Browsers from a trusted origin may send credentials; others get no CORS headers,
            // and the origin check answers them with Better Auth's 403 rather than a CORS 400.
            let cors = Cors::default()
                .allowed_origin_fn(move |origin, _| {
                    origin.to_str().is_ok_and(|o| origins.is_trusted(o))
                })
                .allowed_methods(["GET", "POST", "OPTIONS"])
                .allowed_headers([header::CONTENT_TYPE, header::AUTHORIZATION, header::ACCEPT])
                .expose_headers(["set-auth-token"])
                .supports_credentials()
                .block_on_origin_mismatch(false)
                .max_age(600);
            App::new()
                .wrap(from_fn(rate_limit))
                .wrap(cors)
                .wrap(from_fn(trace_requests))
                .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
                .app_data(state.clone())
                .app_data(guard.clone())
                .app_data(limiter.clone())
                .configure(iam_http::configure)
                .configure(crate::app_api::configure)
        })
        .shutdown_timeout(30);
        if let Some(workers) = settings.workers {
            server = server.workers(workers);
        }
        let server = server.listen(listener).map_err(BuildError::Bind)?.run();

        let sweeper = tokio::spawn(sweep_periodically(service.clone()));
        Ok(Self { port, server, service, db, sweeper })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn service(&self) -> &AuthService {
        &self.service
    }

    pub fn database(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM/SIGINT (graceful: in-flight requests finish) or `handle().stop()`.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.sweeper.abort();
        result
    }
}

fn auth_config(settings: &Settings) -> AuthConfig {
    let s = settings.session;
    let f = settings.flows;
    let secs = chrono::Duration::seconds;
    AuthConfig {
        api_url: format!(
            "{}{}",
            settings.base_url.as_str().trim_end_matches('/'),
            iam_http::BASE_PATH
        ),
        app_name: settings.mail.app_name.clone(),
        session: SessionConfig {
            expires_in: secs(s.expires_in_secs),
            update_age: secs(s.update_age_secs),
            fresh_age: secs(s.fresh_age_secs),
            cookie_cache_max_age: s.cookie_cache_max_age_secs.map(secs),
            ..SessionConfig::default()
        },
        password: PasswordPolicy {
            min_length: settings.password.min_length,
            max_length: settings.password.max_length,
        },
        password_hash: match settings.password.hash {
            PasswordHashSetting::Argon2id => HashAlgorithm::Argon2id,
            PasswordHashSetting::Scrypt => HashAlgorithm::Scrypt,
        },
        password_hash_concurrency: settings.password.hash_concurrency,
        sign_up_enabled: settings.sign_up_enabled,
        auto_sign_in: true,
        email_verification: EmailVerificationConfig {
            send_on_sign_up: f.verification_send_on_sign_up,
            send_on_sign_in: f.verification_send_on_sign_in,
            require: f.require_email_verification,
            auto_sign_in_after_verification: f.auto_sign_in_after_verification,
            expires_in: secs(f.verification_expires_in_secs),
        },
        password_reset: PasswordResetConfig {
            expires_in: secs(f.reset_password_expires_in_secs),
            revoke_sessions: f.revoke_sessions_on_password_reset,
        },
        change_email: ChangeEmailConfig {
            enabled: f.change_email_enabled,
            update_without_verification: f.change_email_without_verification,
            confirm_with_current_email: f.change_email_confirm_current,
        },
        delete_user: DeleteUserConfig {
            enabled: f.delete_user_enabled,
            send_verification: f.delete_user_send_verification,
            token_expires_in: secs(f.delete_user_token_expires_in_secs),
        },
        email_otp: EmailOtpConfig {
            enabled: f.email_otp_enabled,
            length: f.email_otp_length,
            expires_in: secs(f.email_otp_expires_in_secs),
            allowed_attempts: f.email_otp_attempts,
            storage: if f.email_otp_hashed { OtpStorage::Hashed } else { OtpStorage::Plain },
            disable_sign_up: f.email_otp_disable_sign_up,
            change_email_enabled: f.email_otp_change_email,
            change_email_verify_current: f.email_otp_change_email_verify_current,
        },
        mail_timeout: Duration::from_secs(settings.mail.timeout_secs),
        account_linking: AccountLinkingConfig {
            enabled: settings.social.linking_enabled,
            trusted_providers: settings.social.trusted_providers.clone(),
            allow_different_emails: settings.social.allow_different_emails,
            require_local_email_verified: settings.social.require_local_email_verified,
            allow_unlinking_all: settings.social.allow_unlinking_all,
        },
        encrypt_oauth_tokens: settings.social.encrypt_tokens,
        organization: organization_config(&settings.organization),
    }
}

fn providers(settings: &Settings) -> Result<Providers, BuildError> {
    let social = &settings.social;
    let http = iam_oauth::http_client(Duration::from_secs(social.http_timeout_secs))?;
    let configured = social
        .providers
        .iter()
        .map(|p| ProviderSettings {
            id: p.id.clone(),
            kind: ProviderKind::built_in(&p.kind).unwrap_or(if p.kind == "oidc" {
                ProviderKind::Oidc
            } else {
                ProviderKind::OAuth2
            }),
            client_id: p.client_id.clone(),
            client_secret: p.client_secret.expose_secret().to_owned(),
            scopes: p.scopes.clone(),
            redirect_uri: p.redirect_uri.clone(),
            endpoints: Endpoints {
                authorization_url: p.authorization_url.clone(),
                token_url: p.token_url.clone(),
                userinfo_url: p.userinfo_url.clone(),
                jwks_url: p.jwks_url.clone(),
                issuer: p.issuer.clone(),
                discovery_url: p.discovery_url.clone(),
                end_session_url: None,
            },
            tenant: p.tenant.clone(),
        })
        .collect();
    let built = iam_oauth::build_providers(configured, &http);
    for provider in &built {
        tracing::info!(provider = provider.id(), "social provider enabled");
    }
    Ok(Providers::new(built))
}

fn mailer(settings: &Settings) -> Result<Arc<dyn Mailer>, BuildError> {
    let mail = &settings.mail;
    let timeout = Duration::from_secs(mail.timeout_secs);
    Ok(match &mail.transport {
        MailTransport::SmtpUrl(url) => Arc::new(SmtpMailer::new(
            &SmtpConfig::Url(url.expose_secret().to_owned()),
            &mail.from,
            timeout,
        )?),
        MailTransport::SmtpParts { host, port, security, username, password } => {
            let config = SmtpConfig::Parts {
                host: host.clone(),
                port: *port,
                security: match security {
                    shared_env::SmtpSecurity::StartTls => SmtpSecurity::StartTls,
                    shared_env::SmtpSecurity::Tls => SmtpSecurity::Tls,
                    shared_env::SmtpSecurity::None => SmtpSecurity::None,
                },
                username: username.clone(),
                password: password.as_ref().map(|p| p.expose_secret().to_owned()),
            };
            Arc::new(SmtpMailer::new(&config, &mail.from, timeout)?)
        }
        MailTransport::Outbox(dir) => {
            tracing::info!(dir = %dir.display(), "no SMTP server configured: mail goes to the outbox folder");
            Arc::new(OutboxMailer::new(dir))
        }
        MailTransport::Disabled => {
            tracing::warn!(
                "no SMTP server configured (SMTP_URL or SMTP_HOST): mail flows will fail"
            );
            Arc::new(NoMailer)
        }
    })
}

/// Deletes expired sessions and verifications every ten minutes; lookups already refuse
/// them, this keeps the tables small.
async fn sweep_periodically(service: AuthService) {
    let mut ticks = tokio::time::interval(Duration::from_secs(600));
    loop {
        ticks.tick().await;
        match service.sweep_expired().await {
            Ok(swept) if swept.sessions + swept.verifications > 0 => {
                tracing::info!(
                    sessions = swept.sessions,
                    verifications = swept.verifications,
                    "expired rows removed"
                );
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "expiry sweep failed"),
        }
    }
}

fn organization_config(o: &shared_env::OrganizationSettings) -> OrganizationConfig {
    OrganizationConfig {
        enabled: o.enabled,
        allow_user_to_create: o.allow_user_to_create,
        organization_limit: o.organization_limit,
        membership_limit: o.membership_limit,
        invitation_limit: o.invitation_limit,
        invitation_expires_in: chrono::Duration::seconds(o.invitation_expires_in_secs),
        cancel_pending_invitations_on_reinvite: o.cancel_pending_invitations_on_reinvite,
        require_email_verification_on_invitation: o.require_email_verification_on_invitation,
        disable_deletion: o.disable_deletion,
        creator_role: o.creator_role.clone(),
        invitation_url: o.invitation_url.clone(),
        personal_organization: o.personal_organization,
        teams: TeamsConfig {
            enabled: o.teams_enabled,
            default_team: o.default_team,
            maximum_teams: o.maximum_teams,
            maximum_members_per_team: o.maximum_members_per_team,
            allow_removing_all_teams: o.allow_removing_all_teams,
        },
        dynamic_roles: DynamicRolesConfig {
            enabled: o.dynamic_roles_enabled,
            maximum_roles_per_organization: o.maximum_roles_per_organization,
        },
    }
}
