//! Turning a request into a session: the extractor other actix services can reuse.
//!
//! Register a [`SessionGuard`] as app data and take [`Authenticated`] as a handler argument;
//! requests without a valid session get Better Auth's 401
//! `{"code":"UNAUTHORIZED","message":"Unauthorized"}`. Credentials are read from
//! `Authorization: Bearer` (Better Auth's bearer plugin) or the signed session cookie.

use std::borrow::Cow;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use iam_auth::{SessionVerifier, VerifiedSession};
use iam_domain::{AuthError, Session, User};

use crate::cookies::find_cookie;
use crate::error::ApiError;

#[derive(Clone)]
pub struct SessionGuard {
    verifier: SessionVerifier,
    session_cookie: String,
    dont_remember_cookie: String,
}

impl SessionGuard {
    pub fn new(
        verifier: SessionVerifier,
        session_cookie: String,
        dont_remember_cookie: String,
    ) -> Self {
        Self { verifier, session_cookie, dont_remember_cookie }
    }

    pub fn verifier(&self) -> &SessionVerifier {
        &self.verifier
    }

    /// The session token the request presents: a valid bearer credential wins (as Better
    /// Auth's bearer plugin overrides the cookie), else the signed cookie.
    pub fn token<'r>(&self, req: &'r HttpRequest) -> Option<Cow<'r, str>> {
        let bearer = req
            .headers()
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, credential) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| credential.trim())
            })
            .and_then(|credential| self.verifier.token_from_bearer(credential));
        bearer.or_else(|| {
            find_cookie(req, &self.session_cookie).and_then(|v| self.verifier.token_from_cookie(v))
        })
    }

    /// Whether the client signed in with `rememberMe: false` (a valid `dont_remember` cookie).
    pub fn dont_remember(&self, req: &HttpRequest) -> bool {
        find_cookie(req, &self.dont_remember_cookie)
            .and_then(|v| self.verifier.token_from_cookie(v))
            .is_some_and(|v| v == "true")
    }

    /// The live session of the request, if any.
    pub async fn session(&self, req: &HttpRequest) -> Result<Option<VerifiedSession>, AuthError> {
        match self.token(req) {
            Some(token) => self.verifier.load(&token).await,
            None => Ok(None),
        }
    }

    /// The live session of the request, or Better Auth's 401.
    pub async fn require(&self, req: &HttpRequest) -> Result<Authenticated, AuthError> {
        let found = self.session(req).await?.ok_or(AuthError::Unauthorized)?;
        Ok(Authenticated { session: found.session, user: found.user })
    }
}

/// A signed-in request. As a handler argument it rejects anonymous requests with 401.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub session: Session,
    pub user: User,
}

impl Authenticated {
    /// The caller as the organization use cases take it.
    pub fn caller(&self) -> iam_auth::use_cases::organization::Caller<'_> {
        iam_auth::use_cases::organization::Caller { session: &self.session, user: &self.user }
    }
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let guard = req.app_data::<web::Data<SessionGuard>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let guard = guard.ok_or_else(|| {
                AuthError::unexpected("SessionGuard is not registered as app data")
            })?;
            Ok(guard.require(&req).await?)
        })
    }
}
