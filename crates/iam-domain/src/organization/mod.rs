//! Organizations (Better Auth's organization plugin): organizations, their members,
//! invitations, teams and custom roles, plus the access-control rules that decide what a
//! member may do.

pub mod access;
pub mod error;
pub mod repository;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::time::iso_millis;

pub use access::{AccessControl, Permissions};
pub use error::{OrgError, Refusal};
pub use repository::{MemberPage, MemberQuery, OrganizationRepository, SortDirection};

/// A tenant. `metadata` is stored as a JSON text, as Better Auth stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub logo: Option<String>,
    pub created_at: DateTime<Utc>,
    pub metadata: Option<String>,
}

/// A user's membership of an organization. `role` may list several roles, comma-separated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub id: String,
    pub organization_id: String,
    pub user_id: String,
    pub role: String,
    #[serde(with = "iso_millis")]
    pub created_at: DateTime<Utc>,
}

impl Member {
    /// The member's roles (`"admin,billing"` holds two).
    pub fn roles(&self) -> impl Iterator<Item = &str> {
        split_roles(&self.role)
    }

    pub fn has_role(&self, role: &str) -> bool {
        self.roles().any(|r| r == role)
    }
}

/// The roles of a comma-separated role list, trimmed, empty entries skipped.
pub fn split_roles(roles: &str) -> impl Iterator<Item = &str> {
    roles.split(',').map(str::trim).filter(|r| !r.is_empty())
}

/// The public part of a user shown next to a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberUser {
    pub id: String,
    pub name: String,
    pub email: String,
    pub image: Option<String>,
}

/// A member with the user it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberWithUser {
    pub member: Member,
    pub user: MemberUser,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Rejected,
    Canceled,
}

impl InvitationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Canceled => "canceled",
        }
    }

    /// Reads a stored status; anything unknown counts as canceled (never as pending).
    pub fn parse(raw: &str) -> Self {
        match raw {
            "pending" => Self::Pending,
            "accepted" => Self::Accepted,
            "rejected" => Self::Rejected,
            _ => Self::Canceled,
        }
    }
}

/// An invitation to join an organization, addressed to an email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub id: String,
    pub organization_id: String,
    /// Lower-cased.
    pub email: String,
    pub role: String,
    /// Comma-separated team ids the invitee joins on acceptance.
    pub team_id: Option<String>,
    pub status: InvitationStatus,
    #[serde(with = "iso_millis")]
    pub expires_at: DateTime<Utc>,
    #[serde(with = "iso_millis")]
    pub created_at: DateTime<Utc>,
    pub inviter_id: String,
}

impl Invitation {
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.status == InvitationStatus::Pending && self.expires_at > now
    }

    pub fn team_ids(&self) -> impl Iterator<Item = &str> {
        self.team_id.as_deref().into_iter().flat_map(split_roles)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Team {
    pub id: String,
    pub name: String,
    pub organization_id: String,
    #[serde(with = "iso_millis")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "iso_millis::option")]
    pub updated_at: Option<DateTime<Utc>>,
    /// Members, as the stored counter says; Better Auth shows it in the full organization
    /// only.
    #[serde(skip)]
    pub member_count: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamMember {
    pub id: String,
    pub team_id: String,
    pub user_id: String,
    #[serde(with = "iso_millis::option")]
    pub created_at: Option<DateTime<Utc>>,
}

/// A role defined at run time for one organization (dynamic access control).
/// `permission` is the JSON text of a [`Permissions`] map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationRole {
    pub id: String,
    pub organization_id: String,
    pub role: String,
    pub permission: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
}
