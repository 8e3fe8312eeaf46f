use chrono::{DateTime, Utc};

/// A single-use secret held on the server (password-reset tokens, OTPs, OAuth state).
/// Mirrors Better Auth's `verification` table.
#[derive(Clone, PartialEq, Eq)]
pub struct Verification {
    pub id: String,
    pub identifier: String,
    pub value: String,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Verification {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at <= now
    }
}

impl std::fmt::Debug for Verification {
    // Identifiers embed tokens (`reset-password:<token>`); keep them out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verification")
            .field("id", &self.id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}
