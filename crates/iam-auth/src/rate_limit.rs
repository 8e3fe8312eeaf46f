//! Better Auth's rate-limit rules and algorithm, over a pluggable store.
//!
//! Rules: 100 requests per 10 s by default; 3 per 10 s on sign-in, sign-up, change-password
//! and change-email; 3 per 60 s on the paths that send mail and on every email-OTP path. The window is anchored on the
//! last allowed request (Better Auth's algorithm): once `max` requests fall inside it, further
//! ones are refused until `window` has passed since the last allowed one.
//! Keys are `"<client ip>|<path>"`. The in-memory store suits one instance; a shared store
//! (Redis, database) implements [`RateLimitStore`] for several.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub window_secs: u64,
    pub max: u32,
}

#[derive(Debug, Clone)]
pub struct RateLimitConfig {
    pub enabled: bool,
    pub default_rule: Rule,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self { enabled: false, default_rule: Rule { window_secs: 10, max: 100 } }
    }
}

const STRICT: Rule = Rule { window_secs: 10, max: 3 };
const MAIL: Rule = Rule { window_secs: 60, max: 3 };

impl RateLimitConfig {
    /// The rule for a path relative to the auth base path (`/sign-in/email`).
    pub fn rule_for(&self, path: &str) -> Rule {
        const MAIL_PATHS: [&str; 4] = [
            "/request-password-reset",
            "/send-verification-email",
            "/email-otp/send-verification-otp",
            "/email-otp/request-password-reset",
        ];
        // The email-OTP plugin's own rule covers all of its paths, sign-in included.
        if MAIL_PATHS.contains(&path)
            || path.starts_with("/forget-password")
            || path.starts_with("/email-otp/")
            || path == "/sign-in/email-otp"
        {
            MAIL
        } else if ["/sign-in", "/sign-up", "/change-password", "/change-email"]
            .iter()
            .any(|prefix| path.starts_with(prefix))
        {
            STRICT
        } else {
            self.default_rule
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    Limited { retry_after_secs: u64 },
}

#[async_trait]
pub trait RateLimitStore: Send + Sync {
    /// Records a request under `key` at `now_ms` and decides whether it may proceed.
    async fn hit(&self, key: &str, rule: Rule, now_ms: i64) -> Decision;
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    count: u32,
    last_request_ms: i64,
}

fn window_ms(rule: Rule) -> i64 {
    i64::try_from(rule.window_secs).unwrap_or(i64::MAX / 1000) * 1000
}

/// Better Auth's algorithm on one bucket; shared by every store.
fn decide(bucket: Option<Bucket>, rule: Rule, now_ms: i64) -> (Decision, Option<Bucket>) {
    let window_ms = window_ms(rule);
    match bucket {
        Some(b) if now_ms - b.last_request_ms < window_ms => {
            if b.count >= rule.max {
                let wait_ms = b.last_request_ms + window_ms - now_ms;
                let secs = u64::try_from((wait_ms + 999) / 1000).unwrap_or(1).max(1);
                (Decision::Limited { retry_after_secs: secs }, None)
            } else {
                let next = Bucket { count: b.count + 1, last_request_ms: now_ms };
                (Decision::Allowed, Some(next))
            }
        }
        _ => (Decision::Allowed, Some(Bucket { count: 1, last_request_ms: now_ms })),
    }
}

/// Buckets in a mutex-guarded map. Once the map is large, buckets older than the longest
/// window seen are swept, at most once per that window: a flood of distinct keys costs one
/// sweep per window, never one per request.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<MemoryState>,
}

#[derive(Debug, Default)]
struct MemoryState {
    buckets: HashMap<String, Bucket>,
    longest_window_ms: i64,
    last_sweep_ms: i64,
}

impl MemoryStore {
    const SWEEP_AT: usize = 10_000;
}

#[async_trait]
impl RateLimitStore for MemoryStore {
    async fn hit(&self, key: &str, rule: Rule, now_ms: i64) -> Decision {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let state = &mut *state;
        state.longest_window_ms = state.longest_window_ms.max(window_ms(rule));
        let window = state.longest_window_ms;
        if state.buckets.len() >= Self::SWEEP_AT && now_ms - state.last_sweep_ms >= window {
            state.buckets.retain(|_, b| now_ms - b.last_request_ms < window);
            state.last_sweep_ms = now_ms;
        }
        let (decision, next) = decide(state.buckets.get(key).copied(), rule, now_ms);
        if let Some(next) = next {
            match state.buckets.get_mut(key) {
                Some(b) => *b = next,
                None => {
                    state.buckets.insert(key.to_owned(), next);
                }
            }
        }
        decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stale_buckets_are_swept_at_most_once_per_window() {
        let store = MemoryStore::default();
        let rule = Rule { window_secs: 10, max: 100 };
        for i in 0..MemoryStore::SWEEP_AT {
            store.hit(&format!("k{i}"), rule, 0).await;
        }
        // Inside the window nothing is stale: the map keeps everything and is not swept.
        store.hit("late", rule, 5_000).await;
        assert_eq!(store.state.lock().unwrap().buckets.len(), MemoryStore::SWEEP_AT + 1);
        // A window later the old keys go, in one sweep; the sweep then waits a window.
        store.hit("later", rule, 10_000).await;
        let state = store.state.lock().unwrap();
        assert_eq!(state.buckets.len(), 2, "only 'late' and 'later' remain");
        assert_eq!(state.last_sweep_ms, 10_000);
    }

    #[test]
    fn rules_follow_better_auth() {
        let c = RateLimitConfig::default();
        assert_eq!(c.rule_for("/sign-in/email"), STRICT);
        assert_eq!(c.rule_for("/sign-up/email"), STRICT);
        assert_eq!(c.rule_for("/change-password"), STRICT);
        assert_eq!(c.rule_for("/request-password-reset"), MAIL);
        assert_eq!(c.rule_for("/sign-in/email-otp"), MAIL);
        assert_eq!(c.rule_for("/email-otp/verify-email"), MAIL);
        assert_eq!(c.rule_for("/get-session"), Rule { window_secs: 10, max: 100 });
    }

    #[tokio::test]
    async fn three_then_limited_until_the_window_passes() {
        let store = MemoryStore::default();
        let t = 1_000_000;
        for i in 0..3 {
            assert_eq!(store.hit("ip|/sign-in/email", STRICT, t + i).await, Decision::Allowed);
        }
        assert_eq!(
            store.hit("ip|/sign-in/email", STRICT, t + 5).await,
            Decision::Limited { retry_after_secs: 10 }
        );
        // Another key is independent.
        assert_eq!(store.hit("other|/sign-in/email", STRICT, t + 5).await, Decision::Allowed);
        // Ten seconds after the last allowed request the window resets.
        assert_eq!(store.hit("ip|/sign-in/email", STRICT, t + 2 + 10_000).await, Decision::Allowed);
    }
}
