//! Session checking: from a signed cookie value or bearer token to a live session and user.
//!
//! This is the part another service reuses to protect its own routes: it needs the secret
//! and the session repository, nothing else of the auth service. One indexed query per check;
//! the HMAC key is prepared once.

use std::borrow::Cow;
use std::sync::Arc;

use iam_domain::{AuthError, Session, SessionRepository, User};

use crate::clock::Clock;
use crate::config::SessionConfig;
use crate::crypto::Signer;

/// A session that exists, has not expired, and its user.
#[derive(Debug, Clone)]
pub struct VerifiedSession {
    pub session: Session,
    pub user: User,
}

#[derive(Clone)]
pub struct SessionVerifier {
    signer: Signer,
    sessions: Arc<dyn SessionRepository>,
    clock: Arc<dyn Clock>,
    config: SessionConfig,
}

impl SessionVerifier {
    pub fn new(
        secret: &[u8],
        sessions: Arc<dyn SessionRepository>,
        clock: Arc<dyn Clock>,
        config: SessionConfig,
    ) -> Self {
        Self { signer: Signer::new(secret), sessions, clock, config }
    }

    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// The token inside a session cookie's value (`token.signature`, possibly URL-encoded),
    /// if the signature is valid.
    pub fn token_from_cookie<'a>(&self, cookie_value: &'a str) -> Option<Cow<'a, str>> {
        match decode_if_needed(cookie_value) {
            Cow::Borrowed(raw) => self.signer.verify(raw).map(Cow::Borrowed),
            Cow::Owned(raw) => self.signer.verify(&raw).map(|t| Cow::Owned(t.to_owned())),
        }
    }

    /// The token inside an `Authorization: Bearer` credential. Like Better Auth's bearer
    /// plugin this accepts the signed form (`token.signature`, raw or URL-encoded) and the raw
    /// session token.
    pub fn token_from_bearer<'a>(&self, credential: &'a str) -> Option<Cow<'a, str>> {
        if credential.contains('.') || credential.contains('%') {
            self.token_from_cookie(credential)
        } else if credential.is_empty() {
            None
        } else {
            Some(Cow::Borrowed(credential))
        }
    }

    /// Loads the session for a token. Expired sessions are deleted and reported as absent.
    pub async fn load(&self, token: &str) -> Result<Option<VerifiedSession>, AuthError> {
        if !is_plausible_token(token) {
            return Ok(None);
        }
        let Some((session, user)) = self.sessions.find_with_user(token).await? else {
            return Ok(None);
        };
        if session.is_expired(self.clock.now()) {
            // Never accepted, and cleaned up on sight (a background sweep catches the rest).
            if let Err(err) = self.sessions.delete_by_token(token).await {
                tracing::warn!(error = %err, "could not delete an expired session");
            }
            return Ok(None);
        }
        Ok(Some(VerifiedSession { session, user }))
    }

    /// Better Auth's `freshSessionMiddleware` rule.
    pub fn require_fresh(&self, session: &Session) -> Result<(), AuthError> {
        if session.is_fresh(self.clock.now(), self.config.fresh_age) {
            Ok(())
        } else {
            Err(AuthError::SessionNotFresh)
        }
    }
}

/// Whether a string could be a session token at all. Anything else is answered "no such
/// session" without a query (a NUL byte would even make PostgreSQL fail the query).
pub fn is_plausible_token(token: &str) -> bool {
    !token.is_empty() && token.len() <= 255 && !token.chars().any(char::is_control)
}

/// `decodeURIComponent`, applied only when the value contains `%` (as Better Auth does).
fn decode_if_needed(value: &str) -> Cow<'_, str> {
    if !value.contains('%') {
        return Cow::Borrowed(value);
    }
    percent_encoding::percent_decode_str(value).decode_utf8().unwrap_or(Cow::Borrowed(value))
}

#[cfg(test)]
mod tests {
    use super::decode_if_needed;

    #[test]
    fn decodes_percent_escapes_only_when_present() {
        assert_eq!(decode_if_needed("abc.de+f="), "abc.de+f=");
        assert_eq!(decode_if_needed("a%2Bb%2Fc%3D"), "a+b/c=");
        assert_eq!(decode_if_needed("bad%zz%"), "bad%zz%");
    }
}
