use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::time::iso_millis;

/// A signed-in browser or client. Mirrors Better Auth's `session` table.
///
/// Better Auth returns the token in session JSON (and in `/list-sessions`), so it is
/// serialised too; it is still a secret and never logged.
///
/// It also deserialises from that JSON (Better Auth's cookie cache carries it); unknown keys
/// from other plugins are ignored and the organization fields default to `null`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub id: String,
    #[serde(serialize_with = "iso_millis::serialize")]
    pub expires_at: DateTime<Utc>,
    pub token: String,
    #[serde(serialize_with = "iso_millis::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "iso_millis::serialize")]
    pub updated_at: DateTime<Utc>,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub user_id: String,
    /// The organization the session works in (organization plugin); `null` when none.
    #[serde(default)]
    pub active_organization_id: Option<String>,
    /// The team the session works in (organization plugin with teams).
    #[serde(default)]
    pub active_team_id: Option<String>,
}

impl Session {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at <= now
    }

    /// Better Auth's sliding refresh rule: refresh when the last refresh (`expiresAt -
    /// expiresIn`) is at least `update_age` ago. An `update_age` of zero refreshes every time.
    pub fn needs_refresh(
        &self,
        now: DateTime<Utc>,
        expires_in: Duration,
        update_age: Duration,
    ) -> bool {
        self.expires_at - expires_in + update_age <= now
    }

    /// Better Auth's freshness rule for sensitive routes: created less than `fresh_age` ago.
    /// A `fresh_age` of zero disables the check.
    pub fn is_fresh(&self, now: DateTime<Utc>, fresh_age: Duration) -> bool {
        fresh_age.is_zero() || now - self.created_at < fresh_age
    }
}

impl std::fmt::Debug for Session {
    // Hand-written so the token never reaches a log line through `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("expires_at", &self.expires_at)
            .field("created_at", &self.created_at)
            .field("token", &"<redacted>")
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn session(created: DateTime<Utc>, expires: DateTime<Utc>) -> Session {
        Session {
            id: "s".into(),
            expires_at: expires,
            token: "t".into(),
            created_at: created,
            updated_at: created,
            ip_address: None,
            user_agent: None,
            user_id: "u".into(),
            active_organization_id: None,
            active_team_id: None,
        }
    }

    #[test]
    fn refresh_happens_once_update_age_has_passed() {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let week = Duration::days(7);
        let day = Duration::days(1);
        let s = session(t0, t0 + week);
        assert!(!s.needs_refresh(t0 + Duration::hours(23), week, day));
        assert!(s.needs_refresh(t0 + day, week, day));
        assert!(s.needs_refresh(t0, week, Duration::zero()));
    }

    #[test]
    fn freshness_and_expiry() {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let s = session(t0, t0 + Duration::days(7));
        assert!(s.is_fresh(t0 + Duration::hours(23), Duration::days(1)));
        assert!(!s.is_fresh(t0 + Duration::days(1), Duration::days(1)));
        assert!(s.is_fresh(t0 + Duration::days(3), Duration::zero()));
        assert!(!s.is_expired(t0 + Duration::days(6)));
        assert!(s.is_expired(t0 + Duration::days(7)));
    }

    #[test]
    fn debug_output_hides_the_token() {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut s = session(t0, t0);
        s.token = "super-secret-token".into();
        assert!(!format!("{s:?}").contains("super-secret-token"));
    }
}
