use actix_web::HttpRequest;
use actix_web::web::Bytes;
use iam_auth::{AuthService, ClientInfo};
use iam_domain::AuthError;
use url::Url;

use crate::body::{Accepts, Body};
use crate::client::ClientIpResolver;
use crate::cookies::CookieSettings;
use crate::csrf::OriginPolicy;
use crate::guard::SessionGuard;

/// Everything the auth routes need, shared by all workers.
pub struct AuthState {
    pub service: AuthService,
    pub cookies: CookieSettings,
    pub origin_policy: OriginPolicy,
    pub clients: ClientIpResolver,
    pub guard: SessionGuard,
    /// The server's public URL (`BETTER_AUTH_URL`).
    pub base_url: Url,
    /// `NODE_ENV=production`: the error page redirects to the app instead of rendering.
    pub production: bool,
}

impl AuthState {
    /// Parses a POST body and runs the origin and redirect-target checks on it, in Better
    /// Auth's order (media type, JSON, then origin).
    pub fn post_body(
        &self,
        req: &HttpRequest,
        bytes: &Bytes,
        accepts: Accepts,
    ) -> Result<Body, AuthError> {
        let body = Body::parse(req, bytes, accepts)?;
        self.origin_policy.check_request(req, &body)?;
        Ok(body)
    }

    pub fn client(&self, req: &HttpRequest) -> ClientInfo {
        self.clients.client_info(req)
    }
}
