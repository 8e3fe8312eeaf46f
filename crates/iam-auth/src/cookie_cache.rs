//! Better Auth's session cookie cache (`session.cookieCache`, "compact" strategy): a signed
//! snapshot of `{session, user}` in the `session_data` cookie that lets get-session answer
//! without the database until it expires.
//!
//! Format (Better Auth 1.7): the cookie value is base64url (no padding) of
//! `{"session": <sessionData>, "expiresAt": <ms>, "signature": <sig>}` where sessionData is
//! `{"session": …, "user": …, "updatedAt": <ms>, "version": "1"}` and the signature is
//! base64url(HMAC-SHA256(secret, JSON of sessionData with `"expiresAt"` appended)). The
//! signed text is rebuilt from the raw JSON the cookie carries, so a cookie written by
//! Better Auth (its key order, its number formats) verifies here and the other way round.
//!
//! The trade-off is Better Auth's: a revoked session stays visible through this cookie until
//! the snapshot expires (`SESSION_COOKIE_CACHE_MAX_AGE`). Routes other than get-session
//! always read the database.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use iam_domain::{Session, User};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::crypto::Signer;

/// Better Auth's `cookieCache.version` default.
const VERSION: &str = "1";

/// Better Auth splits larger values over several cookies; we simply do not cache those.
pub const MAX_COOKIE_VALUE: usize = 4050;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SnapshotOut<'a> {
    session: &'a Session,
    user: &'a User,
    updated_at: i64,
    version: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SnapshotIn {
    session: Session,
    user: User,
    version: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<'a> {
    #[serde(borrow)]
    session: &'a RawValue,
    expires_at: i64,
    signature: String,
}

#[derive(Clone)]
pub struct CookieCache {
    signer: Signer,
    max_age: Duration,
}

impl CookieCache {
    pub fn new(secret: &[u8], max_age: Duration) -> Self {
        Self { signer: Signer::new(secret), max_age }
    }

    pub fn max_age(&self) -> Duration {
        self.max_age
    }

    /// The `session_data` value for this session, or `None` when it would not fit in one
    /// cookie.
    pub fn encode(&self, session: &Session, user: &User, now: DateTime<Utc>) -> Option<String> {
        let now_ms = now.timestamp_millis();
        let snapshot = SnapshotOut { session, user, updated_at: now_ms, version: VERSION };
        let data = serde_json::to_string(&snapshot).ok()?;
        let expires_at = now_ms + self.max_age.num_milliseconds();
        let signature =
            URL_SAFE_NO_PAD.encode(self.signer.mac(signed_text(&data, expires_at)?.as_bytes()));
        let envelope =
            format!(r#"{{"session":{data},"expiresAt":{expires_at},"signature":"{signature}"}}"#);
        let value = URL_SAFE_NO_PAD.encode(envelope);
        (value.len() <= MAX_COOKIE_VALUE).then_some(value)
    }

    /// The cached session and user, if the value is signed with our secret, belongs to the
    /// session `token`, has the current version and neither it nor the session has expired.
    pub fn decode(&self, value: &str, token: &str, now: DateTime<Utc>) -> Option<(Session, User)> {
        let json = URL_SAFE_NO_PAD.decode(value.trim_end_matches('=')).ok()?;
        let envelope: Envelope<'_> = serde_json::from_slice(&json).ok()?;
        let signature = URL_SAFE_NO_PAD.decode(envelope.signature.trim_end_matches('=')).ok()?;
        let text = signed_text(envelope.session.get(), envelope.expires_at)?;
        if !self.signer.verify_mac(text.as_bytes(), &signature) {
            return None;
        }
        if envelope.expires_at < now.timestamp_millis() {
            return None;
        }
        let snapshot: SnapshotIn = serde_json::from_str(envelope.session.get()).ok()?;
        let fresh = snapshot.version.as_deref().unwrap_or(VERSION) == VERSION
            && snapshot.session.token == token
            && snapshot.session.expires_at >= now;
        fresh.then_some((snapshot.session, snapshot.user))
    }
}

/// `JSON.stringify({...sessionData, expiresAt})` from the JSON text of sessionData.
fn signed_text(data: &str, expires_at: i64) -> Option<String> {
    let body = data.trim().strip_suffix('}')?;
    let separator = if body.trim_end().ends_with('{') { "" } else { "," };
    Some(format!(r#"{body}{separator}"expiresAt":{expires_at}}}"#))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn fixtures(now: DateTime<Utc>) -> (Session, User) {
        let session = Session {
            id: "s1".into(),
            expires_at: now + Duration::days(7),
            token: "T0k3nT0k3nT0k3nT0k3nT0k3nT0k3nAB".into(),
            created_at: now,
            updated_at: now,
            ip_address: Some(String::new()),
            user_agent: Some("agent \"quoted\" é".into()),
            user_id: "u1".into(),
            active_organization_id: None,
            active_team_id: None,
        };
        let user = User {
            id: "u1".into(),
            name: "Ann".into(),
            email: "ann@example.com".into(),
            email_verified: false,
            image: None,
            created_at: now,
            updated_at: now,
        };
        (session, user)
    }

    #[test]
    fn round_trip_and_every_refusal() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        let cache = CookieCache::new(b"a-secret-of-at-least-32-characters!!", Duration::minutes(5));
        let (session, user) = fixtures(now);
        let value = cache.encode(&session, &user, now).unwrap();
        let (s, u) = cache.decode(&value, &session.token, now + Duration::minutes(4)).unwrap();
        assert_eq!((s, u), (session.clone(), user.clone()));

        assert!(cache.decode(&value, "another-token", now).is_none(), "bound to its session");
        assert!(
            cache.decode(&value, &session.token, now + Duration::minutes(6)).is_none(),
            "expires"
        );
        let other = CookieCache::new(b"another-secret-of-32-characters!!!!!", Duration::minutes(5));
        assert!(other.decode(&value, &session.token, now).is_none(), "signed with our secret");
        let mut tampered = URL_SAFE_NO_PAD.decode(&value).unwrap();
        let at = tampered.windows(3).position(|w| w == b"Ann").unwrap();
        tampered[at] = b'B';
        let tampered = URL_SAFE_NO_PAD.encode(tampered);
        assert!(cache.decode(&tampered, &session.token, now).is_none(), "tampering is caught");
        assert!(cache.decode("not base64 at all!", &session.token, now).is_none());
    }

    /// A `session_data` cookie Better Auth 1.7.25 itself set (compat/cookie-cache-vector.json,
    /// captured from a real server): it verifies and decodes here.
    #[test]
    fn reads_a_cookie_better_auth_wrote() {
        let vector: serde_json::Value =
            serde_json::from_str(include_str!("../../../compat/cookie-cache-vector.json")).unwrap();
        let text = |key: &str| vector[key].as_str().unwrap().to_owned();
        let captured =
            DateTime::from_timestamp_millis(vector["capturedAtMs"].as_i64().unwrap()).unwrap();
        let cache = CookieCache::new(text("secret").as_bytes(), Duration::minutes(5));
        let (session, user) = cache
            .decode(&text("sessionDataCookie"), &text("sessionToken"), captured)
            .expect("accepted");
        assert_eq!(session.token, text("sessionToken"));
        assert_eq!(user.email, vector["decoded"]["user"]["email"].as_str().unwrap());
        let later = captured + Duration::minutes(6);
        assert!(cache.decode(&text("sessionDataCookie"), &text("sessionToken"), later).is_none());
    }

    #[test]
    fn signed_text_appends_expiry_like_javascript() {
        assert_eq!(signed_text(r#"{"a":1}"#, 5).unwrap(), r#"{"a":1,"expiresAt":5}"#);
        assert_eq!(signed_text("{}", 5).unwrap(), r#"{"expiresAt":5}"#);
        assert!(signed_text("[1]", 5).is_none());
    }
}
