//! The built-in providers: endpoints, default scopes and protocol, as Better Auth knows
//! them. Every endpoint can be overridden (tests point them at a local provider).

use oauth2::AuthType;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    Github,
    Google,
    Discord,
    Linkedin,
    Twitter,
    Microsoft,
    /// Any OpenID Connect provider, usually by its discovery URL.
    Oidc,
    /// A plain OAuth 2.0 provider with a user-info endpoint.
    OAuth2,
}

impl ProviderKind {
    /// The built-in kind for a Better Auth provider id.
    pub fn built_in(id: &str) -> Option<Self> {
        Some(match id {
            "github" => Self::Github,
            "google" => Self::Google,
            "discord" => Self::Discord,
            "linkedin" => Self::Linkedin,
            "twitter" => Self::Twitter,
            "microsoft" => Self::Microsoft,
            _ => return None,
        })
    }

    /// Providers whose identity comes from a verified ID token.
    pub fn is_oidc(self) -> bool {
        matches!(self, Self::Google | Self::Microsoft | Self::Oidc)
    }
}

/// Endpoint overrides (or, for generic providers, the endpoints themselves).
#[derive(Debug, Clone, Default)]
pub struct Endpoints {
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    pub userinfo_url: Option<String>,
    pub jwks_url: Option<String>,
    pub issuer: Option<String>,
    /// `/.well-known/openid-configuration` of an OIDC provider.
    pub discovery_url: Option<String>,
    /// RP-initiated logout endpoint (otherwise from discovery).
    pub end_session_url: Option<String>,
}

#[derive(Clone)]
pub struct ProviderSettings {
    pub id: String,
    pub kind: ProviderKind,
    pub client_id: String,
    pub client_secret: String,
    /// Scopes requested on top of the provider's defaults.
    pub scopes: Vec<String>,
    /// Overrides `<BETTER_AUTH_URL>/api/auth/callback/<id>`.
    pub redirect_uri: Option<String>,
    pub endpoints: Endpoints,
    /// Microsoft tenant (`common` by default).
    pub tenant: Option<String>,
}

impl std::fmt::Debug for ProviderSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderSettings")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Defaults {
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    pub userinfo_url: Option<String>,
    pub jwks_url: Option<String>,
    pub issuer: Option<String>,
    pub scopes: &'static [&'static str],
    pub auth_type: AuthType,
}

pub(crate) fn defaults(kind: ProviderKind, tenant: Option<&str>) -> Defaults {
    let s = |v: &str| Some(v.to_owned());
    match kind {
        ProviderKind::Github => Defaults {
            authorization_url: s("https://github.com/login/oauth/authorize"),
            token_url: s("https://github.com/login/oauth/access_token"),
            userinfo_url: s("https://api.github.com/user"),
            jwks_url: None,
            issuer: None,
            scopes: &["read:user", "user:email"],
            auth_type: AuthType::RequestBody,
        },
        ProviderKind::Google => Defaults {
            authorization_url: s("https://accounts.google.com/o/oauth2/v2/auth"),
            token_url: s("https://oauth2.googleapis.com/token"),
            userinfo_url: s("https://openidconnect.googleapis.com/v1/userinfo"),
            jwks_url: s("https://www.googleapis.com/oauth2/v3/certs"),
            issuer: s("https://accounts.google.com"),
            scopes: &["openid", "email", "profile"],
            auth_type: AuthType::RequestBody,
        },
        ProviderKind::Discord => Defaults {
            authorization_url: s("https://discord.com/oauth2/authorize"),
            token_url: s("https://discord.com/api/oauth2/token"),
            userinfo_url: s("https://discord.com/api/users/@me"),
            jwks_url: None,
            issuer: None,
            scopes: &["identify", "email"],
            auth_type: AuthType::RequestBody,
        },
        ProviderKind::Linkedin => Defaults {
            authorization_url: s("https://www.linkedin.com/oauth/v2/authorization"),
            token_url: s("https://www.linkedin.com/oauth/v2/accessToken"),
            userinfo_url: s("https://api.linkedin.com/v2/userinfo"),
            jwks_url: None,
            issuer: None,
            scopes: &["profile", "email", "openid"],
            auth_type: AuthType::RequestBody,
        },
        ProviderKind::Twitter => Defaults {
            authorization_url: s("https://x.com/i/oauth2/authorize"),
            token_url: s("https://api.x.com/2/oauth2/token"),
            userinfo_url: s(
                "https://api.x.com/2/users/me?user.fields=profile_image_url,confirmed_email",
            ),
            jwks_url: None,
            issuer: None,
            scopes: &["users.read", "tweet.read", "offline.access", "users.email"],
            auth_type: AuthType::BasicAuth,
        },
        ProviderKind::Microsoft => {
            let tenant = tenant.unwrap_or("common");
            let base = format!("https://login.microsoftonline.com/{tenant}");
            Defaults {
                authorization_url: Some(format!("{base}/oauth2/v2.0/authorize")),
                token_url: Some(format!("{base}/oauth2/v2.0/token")),
                userinfo_url: s("https://graph.microsoft.com/oidc/userinfo"),
                jwks_url: Some(format!("{base}/discovery/v2.0/keys")),
                // Multi-tenant endpoints issue per-tenant issuers; checked by pattern.
                issuer: None,
                scopes: &["openid", "profile", "email", "offline_access", "User.Read"],
                auth_type: AuthType::RequestBody,
            }
        }
        ProviderKind::Oidc => Defaults {
            authorization_url: None,
            token_url: None,
            userinfo_url: None,
            jwks_url: None,
            issuer: None,
            scopes: &["openid", "email", "profile"],
            // Better Auth sends client credentials in the body (client_secret_post).
            auth_type: AuthType::RequestBody,
        },
        ProviderKind::OAuth2 => Defaults {
            authorization_url: None,
            token_url: None,
            userinfo_url: None,
            jwks_url: None,
            issuer: None,
            scopes: &[],
            auth_type: AuthType::RequestBody,
        },
    }
}
