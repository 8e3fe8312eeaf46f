//! Creating, reading, refreshing and revoking sessions.

use chrono::Duration;
use iam_domain::{AuthError, Session, User};

use crate::crypto::generate_id;
use crate::service::{AuthService, ClientInfo};
use crate::sessions::VerifiedSession;

/// What `get-session` found.
#[derive(Debug, Clone)]
pub struct CurrentSession {
    pub session: Session,
    pub user: User,
    /// The expiry moved forward: the caller should re-issue the cookie.
    pub refreshed: bool,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct GetSessionOptions {
    /// The client asked not to be remembered (`dont_remember` cookie): never slide.
    pub dont_remember: bool,
    /// `?disableRefresh`.
    pub disable_refresh: bool,
}

impl AuthService {
    /// A new session row for `user_id`. `remember == false` gives Better Auth's one-day
    /// "don't remember" session (the cookie then has no Max-Age).
    pub async fn create_session(
        &self,
        user_id: &str,
        remember: bool,
        client: &ClientInfo,
    ) -> Result<Session, AuthError> {
        let mut session = self.new_session(user_id, remember, client);
        if self.personal_organizations_on() {
            session.active_organization_id = self.personal_organization_id(user_id).await?;
        }
        self.repos.sessions.create(&session).await.map_err(|e| {
            AuthError::internal("Failed to create session", "FAILED_TO_CREATE_SESSION", e)
        })?;
        Ok(session)
    }

    /// The session value `create_session` would insert, for use cases that insert it inside
    /// their own transaction.
    pub(crate) fn new_session(
        &self,
        user_id: &str,
        remember: bool,
        client: &ClientInfo,
    ) -> Session {
        let now = self.clock.now();
        let lifetime = self.session_lifetime(remember);
        Session {
            id: generate_id(),
            expires_at: now + lifetime,
            token: generate_id(),
            created_at: now,
            updated_at: now,
            // Better Auth stores "" when it does not know.
            ip_address: Some(client.ip_address.clone().unwrap_or_default()),
            user_agent: Some(client.user_agent.clone().unwrap_or_default()),
            user_id: user_id.to_owned(),
            active_organization_id: None,
            active_team_id: None,
        }
    }

    pub fn session_lifetime(&self, remember: bool) -> Duration {
        if remember {
            self.config.session.expires_in
        } else {
            self.config.session.dont_remember_expires_in
        }
    }

    /// Better Auth's get-session: load, drop if expired, and slide the expiry once per
    /// `updateAge` (never for "don't remember" sessions or when the caller disables it).
    pub async fn get_session(
        &self,
        token: &str,
        options: GetSessionOptions,
    ) -> Result<Option<CurrentSession>, AuthError> {
        let Some(VerifiedSession { mut session, user }) = self.verifier.load(token).await? else {
            return Ok(None);
        };
        let config = &self.config.session;
        let now = self.clock.now();
        let refresh = !options.dont_remember
            && !options.disable_refresh
            && session.needs_refresh(now, config.expires_in, config.update_age);
        if refresh {
            let expires_at = now + config.expires_in;
            self.repos.sessions.refresh(&session.token, expires_at, now).await.map_err(|e| {
                AuthError::internal("Failed to get session", "FAILED_TO_GET_SESSION", e)
            })?;
            session.expires_at = expires_at;
            session.updated_at = now;
        }
        Ok(Some(CurrentSession { session, user, refreshed: refresh }))
    }

    /// The user's live sessions (`/list-sessions`; the caller checks freshness).
    pub async fn list_sessions(&self, user_id: &str) -> Result<Vec<Session>, AuthError> {
        Ok(self.repos.sessions.list_active_for_user(user_id, self.clock.now()).await?)
    }

    /// Deletes one of the user's sessions; someone else's token is silently ignored.
    pub async fn revoke_session(&self, user_id: &str, token: &str) -> Result<(), AuthError> {
        if !crate::sessions::is_plausible_token(token) {
            return Ok(());
        }
        self.repos.sessions.delete_for_user_by_token(user_id, token).await?;
        Ok(())
    }

    pub async fn revoke_all_sessions(&self, user_id: &str) -> Result<(), AuthError> {
        self.repos.sessions.delete_all_for_user(user_id).await?;
        Ok(())
    }

    pub async fn revoke_other_sessions(
        &self,
        user_id: &str,
        current_token: &str,
    ) -> Result<(), AuthError> {
        self.repos.sessions.delete_others_for_user(user_id, current_token).await?;
        Ok(())
    }

    /// Sign-out: deletes the session. Failures are logged, not reported (Better Auth
    /// always answers sign-out with success and clears the cookies).
    pub async fn sign_out(&self, token: &str) {
        if !crate::sessions::is_plausible_token(token) {
            return;
        }
        if let Err(err) = self.repos.sessions.delete_by_token(token).await {
            tracing::warn!(error = %err, "could not delete the session on sign-out");
        }
    }
}
