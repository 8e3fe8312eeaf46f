//! Timestamps as Better Auth writes them.
//!
//! JavaScript dates carry millisecond precision and serialise with `toISOString()`
//! (`2026-11-23T06:48:11.672Z`). We truncate every timestamp we create to milliseconds so a
//! value survives a round trip through any database and through a JS client unchanged.

use chrono::{DateTime, SubsecRound, Utc};

/// A timestamp truncated to millisecond precision, as JavaScript would hold it.
pub fn to_millis(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(3)
}

/// Serde adapter: `DateTime<Utc>` as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub mod iso_millis {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::Serializer;

    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&at.to_rfc3339_opts(SecondsFormat::Millis, true))
    }

    /// The same for optional timestamps (`null` when absent).
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(
            at: &Option<DateTime<Utc>>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match at {
                Some(at) => super::serialize(at, serializer),
                None => serializer.serialize_none(),
            }
        }
    }
}
