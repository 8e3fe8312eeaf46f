use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::time::iso_millis;

/// A person who can sign in. Mirrors Better Auth's `user` table; serialises to the JSON
/// shape Better Auth's endpoints return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub name: String,
    /// Always stored lower-cased, as Better Auth does.
    pub email: String,
    pub email_verified: bool,
    pub image: Option<String>,
    #[serde(serialize_with = "iso_millis::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "iso_millis::serialize")]
    pub updated_at: DateTime<Utc>,
}

/// The profile fields a user may change through `/update-user`.
/// `None` leaves a field alone; `Some(None)` clears the image.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserPatch {
    pub name: Option<String>,
    pub image: Option<Option<String>>,
}

impl UserPatch {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.image.is_none()
    }

    /// Applies the patch to an in-memory user (the repository does the same in SQL).
    pub fn apply_to(&self, user: &mut User, now: DateTime<Utc>) {
        if let Some(name) = &self.name {
            user.name.clone_from(name);
        }
        if let Some(image) = &self.image {
            user.image.clone_from(image);
        }
        user.updated_at = now;
    }
}
