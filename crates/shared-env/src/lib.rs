//! The server's configuration: one typed [`Settings`], read once at start-up.
//!
//! Sources, later winning: an optional TOML file (`IAM_CONFIG_FILE`, default `iam.toml`),
//! an optional `.env`, the process environment. Keys are the environment variable names
//! (lower-case in the TOML file). The names follow the seed's contract (`DATABASE_URL`,
//! `BETTER_AUTH_SECRET`, `BETTER_AUTH_URL`, `CORS_ORIGIN`, `NODE_ENV`) so existing Better Auth
//! deployments carry over. Validation collects every problem and reports them together.

use std::collections::HashMap;
use std::fmt;

use ipnet::IpNet;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

mod raw;

pub use raw::Source;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
    Test,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordHashSetting {
    Argon2id,
    Scrypt,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub environment: Environment,
    pub database: DatabaseSettings,
    pub secret: SecretString,
    /// The secret was generated for this run (development only): sessions die on restart.
    pub secret_generated: bool,
    /// Public URL of this server (`BETTER_AUTH_URL`), without the `/api/auth` path.
    pub base_url: Url,
    /// Extra trusted origins: `CORS_ORIGIN` and `BETTER_AUTH_TRUSTED_ORIGINS`.
    pub trusted_origins: Vec<String>,
    pub host: String,
    pub port: u16,
    /// HTTP worker threads (`HTTP_WORKERS`); `None` means one per CPU core.
    pub workers: Option<usize>,
    pub log: LogSettings,
    pub session: SessionSettings,
    pub password: PasswordSettings,
    pub rate_limit: RateLimitSettings,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNet>,
    pub sign_up_enabled: bool,
    pub cookie_prefix: String,
    pub mail: MailSettings,
    pub flows: FlowSettings,
    pub social: SocialSettings,
    pub organization: OrganizationSettings,
}

/// The organization plugin (`ORGANIZATION_*`), Better Auth's defaults.
#[derive(Debug, Clone)]
pub struct OrganizationSettings {
    pub enabled: bool,
    pub allow_user_to_create: bool,
    /// Organizations per user; `None` is unlimited.
    pub organization_limit: Option<u64>,
    pub membership_limit: u64,
    pub invitation_limit: u64,
    pub invitation_expires_in_secs: i64,
    pub cancel_pending_invitations_on_reinvite: bool,
    pub require_email_verification_on_invitation: bool,
    pub disable_deletion: bool,
    pub creator_role: String,
    /// Link in invitation mails, `{id}` standing for the invitation id.
    pub invitation_url: String,
    /// `ORGANIZATION_PERSONAL`: every new user gets an organization of their own.
    pub personal_organization: bool,
    pub teams_enabled: bool,
    pub default_team: bool,
    pub maximum_teams: Option<u64>,
    pub maximum_members_per_team: Option<u64>,
    pub allow_removing_all_teams: bool,
    pub dynamic_roles_enabled: bool,
    pub maximum_roles_per_organization: Option<u64>,
}

/// Social sign-in: providers and Better Auth's account-linking options.
#[derive(Debug, Clone, Default)]
pub struct SocialSettings {
    pub providers: Vec<ProviderConfig>,
    pub linking_enabled: bool,
    pub trusted_providers: Vec<String>,
    pub allow_different_emails: bool,
    pub require_local_email_verified: bool,
    pub allow_unlinking_all: bool,
    /// Store provider tokens encrypted (`ENCRYPT_OAUTH_TOKENS`).
    pub encrypt_tokens: bool,
    /// Longest wait for a provider (`OAUTH_HTTP_TIMEOUT`, seconds).
    pub http_timeout_secs: u64,
}

/// One provider. `kind` is a built-in id (`github`, `google`, `discord`, `linkedin`,
/// `twitter`, `microsoft`), `oidc` or `oauth2`.
#[derive(Clone)]
pub struct ProviderConfig {
    pub id: String,
    pub kind: String,
    pub client_id: String,
    pub client_secret: SecretString,
    pub scopes: Vec<String>,
    pub redirect_uri: Option<String>,
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    pub userinfo_url: Option<String>,
    pub jwks_url: Option<String>,
    pub issuer: Option<String>,
    pub discovery_url: Option<String>,
    pub tenant: Option<String>,
}

impl std::fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// Where mail goes and how it looks.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// Shown in messages (`APP_NAME`).
    pub app_name: String,
    /// Sender (`MAIL_FROM`), `Name <address>` or an address.
    pub from: String,
    pub transport: MailTransport,
    /// Overrides for the built-in templates (`MAIL_TEMPLATES_DIR`).
    pub templates_dir: Option<std::path::PathBuf>,
    /// Longest wait for the mail server (`MAIL_TIMEOUT`, seconds).
    pub timeout_secs: u64,
}

#[derive(Debug, Clone)]
pub enum MailTransport {
    /// `SMTP_URL`, e.g. `smtp://user:pass@host:587?tls=required` (holds a password).
    SmtpUrl(SecretString),
    /// `SMTP_HOST`, `SMTP_PORT`, `SMTP_SECURITY` (`starttls`, `tls`, `none`),
    /// `SMTP_USERNAME`, `SMTP_PASSWORD`.
    SmtpParts {
        host: String,
        port: u16,
        security: SmtpSecurity,
        username: Option<String>,
        password: Option<SecretString>,
    },
    /// One JSON file per message in a folder (`MAIL_OUTBOX_DIR`; the development default).
    Outbox(std::path::PathBuf),
    /// No mail server (production without SMTP settings): mail flows report failures.
    Disabled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    StartTls,
    Tls,
    None,
}

/// Switches and lifetimes of the email flows (seconds), Better Auth's defaults.
#[derive(Debug, Clone, Copy)]
pub struct FlowSettings {
    pub verification_send_on_sign_up: bool,
    pub verification_send_on_sign_in: bool,
    pub require_email_verification: bool,
    pub auto_sign_in_after_verification: bool,
    pub verification_expires_in_secs: i64,
    pub reset_password_expires_in_secs: i64,
    pub revoke_sessions_on_password_reset: bool,
    pub change_email_enabled: bool,
    pub change_email_without_verification: bool,
    pub change_email_confirm_current: bool,
    pub delete_user_enabled: bool,
    pub delete_user_send_verification: bool,
    pub delete_user_token_expires_in_secs: i64,
    pub email_otp_enabled: bool,
    pub email_otp_length: usize,
    pub email_otp_expires_in_secs: i64,
    pub email_otp_attempts: u32,
    /// `EMAIL_OTP_STORE=hashed|plain`.
    pub email_otp_hashed: bool,
    pub email_otp_disable_sign_up: bool,
    pub email_otp_change_email: bool,
    pub email_otp_change_email_verify_current: bool,
}

#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    pub url: String,
    pub max_connections: u32,
    /// Apply pending migrations at start-up.
    pub auto_migrate: bool,
}

#[derive(Debug, Clone)]
pub struct LogSettings {
    /// A `tracing` filter (`info`, `iam_auth=debug,info`).
    pub filter: String,
    pub format: LogFormat,
}

#[derive(Debug, Clone, Copy)]
pub struct SessionSettings {
    pub expires_in_secs: i64,
    pub update_age_secs: i64,
    pub fresh_age_secs: i64,
    /// Better Auth's cookie cache: `SESSION_COOKIE_CACHE=true` with
    /// `SESSION_COOKIE_CACHE_MAX_AGE` seconds (300); `None` when off.
    pub cookie_cache_max_age_secs: Option<i64>,
}

#[derive(Debug, Clone, Copy)]
pub struct PasswordSettings {
    pub min_length: usize,
    pub max_length: usize,
    pub hash: PasswordHashSetting,
    pub hash_concurrency: usize,
}

#[derive(Debug, Clone, Copy)]
pub struct RateLimitSettings {
    pub enabled: bool,
    pub window_secs: u64,
    pub max: u32,
}

impl Settings {
    /// Loads from the file, `.env` and the environment.
    pub fn load() -> Result<Self, SettingsError> {
        let _ = dotenvy::dotenv();
        let source = Source::from_file_and_env().map_err(|e| SettingsError(vec![e]))?;
        Self::from_source(&source)
    }

    /// Builds settings from explicit key/value pairs (tests, embedding).
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, SettingsError> {
        let map: HashMap<String, String> =
            pairs.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v.to_owned())).collect();
        Self::from_source(&Source::from_map(map))
    }

    pub fn from_source(src: &Source) -> Result<Self, SettingsError> {
        let mut p = Problems::default();
        let environment = match src.get("NODE_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some("test") => Environment::Test,
            Some(other) => {
                p.push(format!(
                    "NODE_ENV: expected development, production or test, got {other:?}"
                ));
                Environment::Development
            }
        };
        let production = environment == Environment::Production;

        let port = p.parse(src, "PORT", 3000u16);
        let host = src.get("HOST").unwrap_or_else(|| "127.0.0.1".to_owned());

        let (secret, secret_generated) = match src.get("BETTER_AUTH_SECRET") {
            Some(s) if s.chars().count() >= 32 => (s, false),
            Some(_) => {
                p.push("BETTER_AUTH_SECRET: must be at least 32 characters".to_owned());
                (String::new(), false)
            }
            None if environment == Environment::Development => (generate_secret(), true),
            None => {
                p.push("BETTER_AUTH_SECRET: required outside development (at least 32 characters; `openssl rand -base64 32` makes one)".to_owned());
                (String::new(), false)
            }
        };

        let base_url_raw =
            src.get("BETTER_AUTH_URL").unwrap_or_else(|| format!("http://localhost:{port}"));
        let base_url = match Url::parse(&base_url_raw) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => url,
            _ => {
                p.push(format!("BETTER_AUTH_URL: expected an http(s) URL, got {base_url_raw:?}"));
                Url::parse("http://localhost:3000").unwrap_or_else(|_| unreachable!())
            }
        };

        let mut trusted_origins = list(src.get("CORS_ORIGIN"));
        trusted_origins.extend(list(src.get("BETTER_AUTH_TRUSTED_ORIGINS")));
        for origin in &trusted_origins {
            let ok = origin.contains('*') || Url::parse(origin).is_ok();
            if !ok {
                p.push(format!(
                    "CORS_ORIGIN/BETTER_AUTH_TRUSTED_ORIGINS: {origin:?} is not a URL or pattern"
                ));
            }
        }

        let trusted_proxies = list(src.get("TRUSTED_PROXIES"))
            .into_iter()
            .filter_map(|entry| {
                let parsed = entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<std::net::IpAddr>().map(IpNet::from));
                if parsed.is_err() {
                    p.push(format!("TRUSTED_PROXIES: {entry:?} is not an IP address or CIDR"));
                }
                parsed.ok()
            })
            .collect();

        let log_format = match src.get("LOG_FORMAT").as_deref() {
            None | Some("pretty") | Some("text") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                p.push(format!("LOG_FORMAT: expected pretty or json, got {other:?}"));
                LogFormat::Pretty
            }
        };
        let log_filter = src
            .get("RUST_LOG")
            .or_else(|| src.get("LOG_LEVEL"))
            .unwrap_or_else(|| "info".to_owned());

        let session = SessionSettings {
            expires_in_secs: p.parse_positive(src, "SESSION_EXPIRES_IN", 604_800),
            update_age_secs: p.parse(src, "SESSION_UPDATE_AGE", 86_400),
            fresh_age_secs: p.parse(src, "SESSION_FRESH_AGE", 86_400),
            cookie_cache_max_age_secs: p
                .parse(src, "SESSION_COOKIE_CACHE", false)
                .then(|| p.parse_positive(src, "SESSION_COOKIE_CACHE_MAX_AGE", 300)),
        };
        if session.update_age_secs < 0 || session.fresh_age_secs < 0 {
            p.push("SESSION_UPDATE_AGE/SESSION_FRESH_AGE: must not be negative".to_owned());
        }

        let hash = match src.get("PASSWORD_HASH").as_deref() {
            None | Some("argon2id") | Some("argon2") => PasswordHashSetting::Argon2id,
            Some("scrypt") => PasswordHashSetting::Scrypt,
            Some(other) => {
                p.push(format!("PASSWORD_HASH: expected argon2id or scrypt, got {other:?}"));
                PasswordHashSetting::Argon2id
            }
        };
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let password = PasswordSettings {
            min_length: p.parse_positive(src, "PASSWORD_MIN_LENGTH", 8),
            max_length: p.parse_positive(src, "PASSWORD_MAX_LENGTH", 128),
            hash,
            hash_concurrency: p.parse_positive(src, "PASSWORD_HASH_CONCURRENCY", cores),
        };
        if password.min_length > password.max_length {
            p.push("PASSWORD_MIN_LENGTH: must not exceed PASSWORD_MAX_LENGTH".to_owned());
        }

        let rate_limit = RateLimitSettings {
            enabled: p.parse(src, "RATE_LIMIT_ENABLED", production),
            window_secs: p.parse_positive(src, "RATE_LIMIT_WINDOW", 10),
            max: p.parse_positive(src, "RATE_LIMIT_MAX", 100),
        };

        let database = DatabaseSettings {
            url: src.get("DATABASE_URL").unwrap_or_else(|| "sqlite://./data/iam.db".to_owned()),
            max_connections: p.parse_positive(src, "DATABASE_MAX_CONNECTIONS", 16),
            auto_migrate: p.parse(src, "DATABASE_AUTO_MIGRATE", !production),
        };
        let scheme = database.url.split(':').next().unwrap_or_default();
        if !matches!(scheme, "sqlite" | "postgres" | "postgresql" | "mysql" | "mariadb") {
            p.push(
                "DATABASE_URL: expected a sqlite:, postgres:, mysql: or mariadb: URL".to_owned(),
            );
        }

        let organization = organization_settings(src, &mut p, &base_url);
        let settings = Self {
            environment,
            database,
            secret: SecretString::from(secret),
            secret_generated,
            base_url,
            trusted_origins,
            host,
            port,
            workers: src.get("HTTP_WORKERS").map(|_| p.parse_positive(src, "HTTP_WORKERS", 1usize)),
            log: LogSettings { filter: log_filter, format: log_format },
            session,
            password,
            rate_limit,
            trusted_proxies,
            sign_up_enabled: p.parse(src, "SIGN_UP_ENABLED", true),
            cookie_prefix: src.get("COOKIE_PREFIX").unwrap_or_else(|| "better-auth".to_owned()),
            mail: mail_settings(src, &mut p, environment),
            flows: flow_settings(src, &mut p),
            social: social_settings(src, &mut p),
            organization,
        };
        p.finish(settings)
    }

    pub fn secret_bytes(&self) -> &[u8] {
        self.secret.expose_secret().as_bytes()
    }

    /// Cookies get `__Secure-` and `Secure` on an https base URL or in production, as in
    /// Better Auth.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.scheme() == "https" || self.environment == Environment::Production
    }
}

/// Every invalid or missing setting, one per line.
#[derive(Debug)]
pub struct SettingsError(pub Vec<String>);

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid configuration:")?;
        for problem in &self.0 {
            writeln!(f, "  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SettingsError {}

#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn push(&mut self, problem: String) {
        self.0.push(problem);
    }

    fn parse<T: std::str::FromStr>(&mut self, src: &Source, key: &str, default: T) -> T {
        match src.get(key) {
            None => default,
            Some(raw) => raw.trim().parse().unwrap_or_else(|_| {
                self.push(format!("{key}: cannot parse {raw:?}"));
                default
            }),
        }
    }

    fn parse_positive<T>(&mut self, src: &Source, key: &str, default: T) -> T
    where
        T: std::str::FromStr + PartialOrd + Default + Copy,
    {
        let value = self.parse(src, key, default);
        if value <= T::default() {
            self.push(format!("{key}: must be greater than zero"));
            return default;
        }
        value
    }

    fn finish(self, settings: Settings) -> Result<Settings, SettingsError> {
        if self.0.is_empty() { Ok(settings) } else { Err(SettingsError(self.0)) }
    }
}

fn mail_settings(src: &Source, p: &mut Problems, environment: Environment) -> MailSettings {
    let security = match src.get("SMTP_SECURITY").as_deref() {
        None | Some("starttls") => SmtpSecurity::StartTls,
        Some("tls") | Some("ssl") => SmtpSecurity::Tls,
        Some("none") | Some("plain") => SmtpSecurity::None,
        Some(other) => {
            p.push(format!("SMTP_SECURITY: expected starttls, tls or none, got {other:?}"));
            SmtpSecurity::StartTls
        }
    };
    let transport = if let Some(url) = src.get("SMTP_URL") {
        if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
            p.push("SMTP_URL: expected an smtp:// or smtps:// URL".to_owned());
        }
        MailTransport::SmtpUrl(SecretString::from(url))
    } else if let Some(host) = src.get("SMTP_HOST") {
        let default_port = match security {
            SmtpSecurity::Tls => 465,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::None => 25,
        };
        MailTransport::SmtpParts {
            host,
            port: p.parse(src, "SMTP_PORT", default_port),
            security,
            username: src.get("SMTP_USERNAME"),
            password: src.get("SMTP_PASSWORD").map(SecretString::from),
        }
    } else if let Some(dir) = src.get("MAIL_OUTBOX_DIR") {
        MailTransport::Outbox(dir.into())
    } else if environment == Environment::Production {
        MailTransport::Disabled
    } else {
        MailTransport::Outbox("./data/outbox".into())
    };
    let app_name = src.get("APP_NAME").unwrap_or_else(|| "IAM".to_owned());
    MailSettings {
        from: src.get("MAIL_FROM").unwrap_or_else(|| format!("{app_name} <no-reply@localhost>")),
        app_name,
        transport,
        templates_dir: src.get("MAIL_TEMPLATES_DIR").map(Into::into),
        timeout_secs: p.parse_positive(src, "MAIL_TIMEOUT", 10),
    }
}

fn flow_settings(src: &Source, p: &mut Problems) -> FlowSettings {
    let require = p.parse(src, "REQUIRE_EMAIL_VERIFICATION", false);
    let email_otp_hashed = match src.get("EMAIL_OTP_STORE").as_deref() {
        None | Some("hashed") => true,
        Some("plain") => false,
        Some(other) => {
            p.push(format!("EMAIL_OTP_STORE: expected hashed or plain, got {other:?}"));
            true
        }
    };
    FlowSettings {
        // Better Auth: `sendOnSignUp` defaults to `requireEmailVerification`.
        verification_send_on_sign_up: p.parse(src, "EMAIL_VERIFICATION_SEND_ON_SIGN_UP", require),
        verification_send_on_sign_in: p.parse(src, "EMAIL_VERIFICATION_SEND_ON_SIGN_IN", false),
        require_email_verification: require,
        auto_sign_in_after_verification: p.parse(src, "AUTO_SIGN_IN_AFTER_VERIFICATION", false),
        verification_expires_in_secs: p.parse_positive(src, "EMAIL_VERIFICATION_EXPIRES_IN", 3600),
        reset_password_expires_in_secs: p.parse_positive(src, "RESET_PASSWORD_EXPIRES_IN", 3600),
        revoke_sessions_on_password_reset: p.parse(src, "REVOKE_SESSIONS_ON_PASSWORD_RESET", false),
        change_email_enabled: p.parse(src, "CHANGE_EMAIL_ENABLED", true),
        change_email_without_verification: p.parse(src, "CHANGE_EMAIL_WITHOUT_VERIFICATION", false),
        change_email_confirm_current: p.parse(src, "CHANGE_EMAIL_CONFIRM_CURRENT", true),
        delete_user_enabled: p.parse(src, "DELETE_USER_ENABLED", true),
        delete_user_send_verification: p.parse(src, "DELETE_USER_SEND_VERIFICATION", false),
        delete_user_token_expires_in_secs: p.parse_positive(
            src,
            "DELETE_USER_TOKEN_EXPIRES_IN",
            86_400,
        ),
        email_otp_enabled: p.parse(src, "EMAIL_OTP_ENABLED", true),
        email_otp_length: p.parse_positive(src, "EMAIL_OTP_LENGTH", 6),
        email_otp_expires_in_secs: p.parse_positive(src, "EMAIL_OTP_EXPIRES_IN", 300),
        email_otp_attempts: p.parse_positive(src, "EMAIL_OTP_ATTEMPTS", 3),
        email_otp_hashed,
        email_otp_disable_sign_up: p.parse(src, "EMAIL_OTP_DISABLE_SIGN_UP", false),
        email_otp_change_email: p.parse(src, "EMAIL_OTP_CHANGE_EMAIL", true),
        email_otp_change_email_verify_current: p.parse(
            src,
            "EMAIL_OTP_CHANGE_EMAIL_VERIFY_CURRENT",
            false,
        ),
    }
}

fn organization_settings(src: &Source, p: &mut Problems, base_url: &Url) -> OrganizationSettings {
    let mut optional_limit =
        |key: &str| -> Option<u64> { src.get(key).map(|_| p.parse_positive(src, key, 1u64)) };
    let organization_limit = optional_limit("ORGANIZATION_LIMIT");
    let maximum_teams = optional_limit("ORGANIZATION_MAXIMUM_TEAMS");
    let maximum_members_per_team = optional_limit("ORGANIZATION_MAXIMUM_MEMBERS_PER_TEAM");
    let maximum_roles_per_organization = optional_limit("ORGANIZATION_MAXIMUM_ROLES");
    let invitation_url = src.get("ORGANIZATION_INVITATION_URL").unwrap_or_else(|| {
        format!("{}/accept-invitation/{{id}}", base_url.origin().ascii_serialization())
    });
    if !invitation_url.contains("{id}") {
        p.push("ORGANIZATION_INVITATION_URL: must contain {id}".to_owned());
    }
    OrganizationSettings {
        enabled: p.parse(src, "ORGANIZATION_ENABLED", true),
        allow_user_to_create: p.parse(src, "ORGANIZATION_ALLOW_USER_TO_CREATE", true),
        organization_limit,
        membership_limit: p.parse_positive(src, "ORGANIZATION_MEMBERSHIP_LIMIT", 100),
        invitation_limit: p.parse(src, "ORGANIZATION_INVITATION_LIMIT", 100),
        invitation_expires_in_secs: p.parse_positive(
            src,
            "ORGANIZATION_INVITATION_EXPIRES_IN",
            172_800,
        ),
        cancel_pending_invitations_on_reinvite: p.parse(
            src,
            "ORGANIZATION_CANCEL_PENDING_INVITATIONS_ON_REINVITE",
            false,
        ),
        require_email_verification_on_invitation: p.parse(
            src,
            "ORGANIZATION_REQUIRE_EMAIL_VERIFICATION_ON_INVITATION",
            false,
        ),
        disable_deletion: p.parse(src, "ORGANIZATION_DISABLE_DELETION", false),
        creator_role: src.get("ORGANIZATION_CREATOR_ROLE").unwrap_or_else(|| "owner".to_owned()),
        invitation_url,
        personal_organization: p.parse(src, "ORGANIZATION_PERSONAL", false),
        teams_enabled: p.parse(src, "ORGANIZATION_TEAMS_ENABLED", false),
        default_team: p.parse(src, "ORGANIZATION_DEFAULT_TEAM", true),
        maximum_teams,
        maximum_members_per_team,
        allow_removing_all_teams: p.parse(src, "ORGANIZATION_ALLOW_REMOVING_ALL_TEAMS", false),
        dynamic_roles_enabled: p.parse(src, "ORGANIZATION_DYNAMIC_ROLES_ENABLED", false),
        maximum_roles_per_organization,
    }
}

const BUILT_IN_PROVIDERS: [&str; 6] =
    ["github", "google", "discord", "linkedin", "twitter", "microsoft"];

fn social_settings(src: &Source, p: &mut Problems) -> SocialSettings {
    let mut providers = Vec::new();
    for id in BUILT_IN_PROVIDERS {
        let prefix = id.to_ascii_uppercase();
        let configured = src.get(&format!("{prefix}_CLIENT_ID")).is_some()
            || src.get(&format!("{prefix}_CLIENT_SECRET")).is_some();
        if configured && let Some(provider) = provider_config(src, p, id, id, &prefix, &[]) {
            providers.push(provider);
        }
    }
    for (kind, list_key, required) in [
        ("oidc", "OIDC_PROVIDERS", &["DISCOVERY_URL"][..]),
        ("oauth2", "OAUTH2_PROVIDERS", &["AUTHORIZATION_URL", "TOKEN_URL", "USERINFO_URL"][..]),
    ] {
        for id in list(src.get(list_key)) {
            let id = id.to_ascii_lowercase();
            if BUILT_IN_PROVIDERS.contains(&id.as_str())
                || providers.iter().any(|c: &ProviderConfig| c.id == id)
            {
                p.push(format!("{list_key}: provider id {id:?} is used twice"));
                continue;
            }
            let prefix = format!(
                "{}_{}",
                list_key.trim_end_matches("_PROVIDERS"),
                id.to_ascii_uppercase().replace('-', "_")
            );
            // A generic OIDC provider needs a discovery URL, or its endpoints spelled out.
            let required: &[&str] =
                if kind == "oidc" && src.get(&format!("{prefix}_DISCOVERY_URL")).is_none() {
                    &["AUTHORIZATION_URL", "TOKEN_URL", "JWKS_URL", "ISSUER"]
                } else {
                    required
                };
            if let Some(provider) = provider_config(src, p, &id, kind, &prefix, required) {
                providers.push(provider);
            }
        }
    }
    SocialSettings {
        providers,
        linking_enabled: p.parse(src, "ACCOUNT_LINKING_ENABLED", true),
        trusted_providers: list(src.get("ACCOUNT_LINKING_TRUSTED_PROVIDERS")),
        allow_different_emails: p.parse(src, "ACCOUNT_LINKING_ALLOW_DIFFERENT_EMAILS", false),
        require_local_email_verified: p.parse(
            src,
            "ACCOUNT_LINKING_REQUIRE_LOCAL_EMAIL_VERIFIED",
            true,
        ),
        allow_unlinking_all: p.parse(src, "ACCOUNT_LINKING_ALLOW_UNLINKING_ALL", false),
        encrypt_tokens: p.parse(src, "ENCRYPT_OAUTH_TOKENS", false),
        http_timeout_secs: p.parse_positive(src, "OAUTH_HTTP_TIMEOUT", 10),
    }
}

fn provider_config(
    src: &Source,
    p: &mut Problems,
    id: &str,
    kind: &str,
    prefix: &str,
    required: &[&str],
) -> Option<ProviderConfig> {
    let get = |suffix: &str| src.get(&format!("{prefix}_{suffix}"));
    let mut ok = true;
    for suffix in ["CLIENT_ID", "CLIENT_SECRET"].iter().chain(required) {
        if get(suffix).is_none() {
            p.push(format!("{prefix}_{suffix}: required to enable the {id} provider"));
            ok = false;
        }
    }
    for suffix in [
        "REDIRECT_URI",
        "AUTHORIZATION_URL",
        "TOKEN_URL",
        "USERINFO_URL",
        "JWKS_URL",
        "DISCOVERY_URL",
    ] {
        if let Some(value) = get(suffix)
            && Url::parse(&value).is_err()
        {
            p.push(format!("{prefix}_{suffix}: {value:?} is not a URL"));
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    Some(ProviderConfig {
        id: id.to_owned(),
        kind: kind.to_owned(),
        client_id: get("CLIENT_ID").unwrap_or_default(),
        client_secret: SecretString::from(get("CLIENT_SECRET").unwrap_or_default()),
        scopes: get("SCOPES")
            .map(|s| s.split([',', ' ']).filter(|x| !x.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default(),
        redirect_uri: get("REDIRECT_URI"),
        authorization_url: get("AUTHORIZATION_URL"),
        token_url: get("TOKEN_URL"),
        userinfo_url: get("USERINFO_URL"),
        jwks_url: get("JWKS_URL"),
        issuer: get("ISSUER"),
        discovery_url: get("DISCOVERY_URL"),
        tenant: get("TENANT_ID"),
    })
}

fn list(value: Option<String>) -> Vec<String> {
    value
        .map(|v| v.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default()
}

fn generate_secret() -> String {
    use rand::RngExt;
    use rand::distr::Alphanumeric;
    rand::rng().sample_iter(Alphanumeric).take(64).map(char::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn development_defaults_work_without_any_setting() {
        let s = Settings::from_pairs([]).unwrap();
        assert_eq!(s.environment, Environment::Development);
        assert!(s.secret_generated);
        assert!(s.secret_bytes().len() >= 32);
        assert_eq!(s.database.url, "sqlite://./data/iam.db");
        assert_eq!(s.base_url.as_str(), "http://localhost:3000/");
        assert!(!s.rate_limit.enabled);
        assert!(s.database.auto_migrate);
        assert!(!s.secure_cookies());
    }

    #[test]
    fn production_requires_a_secret_and_turns_rate_limits_on() {
        let err = Settings::from_pairs([("NODE_ENV", "production")]).unwrap_err();
        assert!(err.to_string().contains("BETTER_AUTH_SECRET"));
        let s = Settings::from_pairs([("NODE_ENV", "production"), ("BETTER_AUTH_SECRET", SECRET)])
            .unwrap();
        assert!(s.rate_limit.enabled);
        assert!(s.secure_cookies());
        assert!(!s.database.auto_migrate);
    }

    #[test]
    fn reports_every_problem_at_once() {
        let err = Settings::from_pairs([
            ("PORT", "eighty"),
            ("BETTER_AUTH_SECRET", "short"),
            ("BETTER_AUTH_URL", "ftp://x"),
            ("TRUSTED_PROXIES", "10.0.0.0/8,not-an-ip"),
            ("DATABASE_URL", "redis://localhost"),
            ("PASSWORD_MIN_LENGTH", "0"),
        ])
        .unwrap_err();
        let text = err.to_string();
        for key in [
            "PORT",
            "BETTER_AUTH_SECRET",
            "BETTER_AUTH_URL",
            "TRUSTED_PROXIES",
            "DATABASE_URL",
            "PASSWORD_MIN_LENGTH",
        ] {
            assert!(text.contains(key), "{key} missing from:\n{text}");
        }
        assert_eq!(err.0.len(), 6);
    }

    #[test]
    fn mail_goes_to_the_outbox_in_development_and_nowhere_in_production() {
        let dev = Settings::from_pairs([]).unwrap();
        assert!(matches!(dev.mail.transport, MailTransport::Outbox(_)));
        let prod =
            Settings::from_pairs([("NODE_ENV", "production"), ("BETTER_AUTH_SECRET", SECRET)])
                .unwrap();
        assert!(matches!(prod.mail.transport, MailTransport::Disabled));
        let smtp =
            Settings::from_pairs([("SMTP_HOST", "mail.example.com"), ("SMTP_SECURITY", "tls")])
                .unwrap();
        assert!(matches!(smtp.mail.transport, MailTransport::SmtpParts { port: 465, .. }));
        let err = Settings::from_pairs([("SMTP_URL", "http://x"), ("EMAIL_OTP_STORE", "rot13")])
            .unwrap_err();
        assert_eq!(err.0.len(), 2, "{err}");
    }

    #[test]
    fn providers_need_their_secret() {
        let err = Settings::from_pairs([("GITHUB_CLIENT_ID", "abc")]).unwrap_err();
        assert!(err.to_string().contains("GITHUB_CLIENT_SECRET: required"), "{err}");
        let err = Settings::from_pairs([
            ("OIDC_PROVIDERS", "okta"),
            ("OIDC_OKTA_CLIENT_ID", "x"),
            ("OIDC_OKTA_CLIENT_SECRET", "y"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("OIDC_OKTA_AUTHORIZATION_URL"), "{err}");
        let s = Settings::from_pairs([
            ("GOOGLE_CLIENT_ID", "g"),
            ("GOOGLE_CLIENT_SECRET", "s"),
            ("OIDC_PROVIDERS", "mock-oidc"),
            ("OIDC_MOCK_OIDC_DISCOVERY_URL", "http://127.0.0.1:9/.well-known/openid-configuration"),
            ("OIDC_MOCK_OIDC_CLIENT_ID", "c"),
            ("OIDC_MOCK_OIDC_CLIENT_SECRET", "s"),
            ("OIDC_MOCK_OIDC_SCOPES", "offline_access groups"),
        ])
        .unwrap();
        let ids: Vec<&str> = s.social.providers.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["google", "mock-oidc"]);
        assert_eq!(s.social.providers[1].scopes, ["offline_access", "groups"]);
    }

    #[test]
    fn origins_come_from_both_variables() {
        let s = Settings::from_pairs([
            ("CORS_ORIGIN", "http://localhost:5173"),
            ("BETTER_AUTH_TRUSTED_ORIGINS", "https://a.example.com, *.example.org"),
        ])
        .unwrap();
        assert_eq!(
            s.trusted_origins,
            ["http://localhost:5173", "https://a.example.com", "*.example.org"]
        );
    }
}
