//! Housekeeping run in the background by the server.

use iam_domain::AuthError;

use crate::service::AuthService;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    pub verifications: u64,
}

impl AuthService {
    /// Deletes expired sessions and verification rows.
    pub async fn sweep_expired(&self) -> Result<Swept, AuthError> {
        let now = self.clock.now();
        Ok(Swept {
            sessions: self.repos.sessions.delete_expired(now).await?,
            verifications: self.repos.verifications.delete_expired(now).await?,
        })
    }
}
