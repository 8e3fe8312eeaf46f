//! Row <-> domain conversions for the organization tables.

use iam_domain::organization::{
    Invitation, InvitationStatus, Member, MemberUser, MemberWithUser, Organization,
    OrganizationRole, Team, TeamMember,
};
use iam_tables::{invitation, member, organization, organization_role, team, team_member, user};
use sea_orm::ActiveValue::Set;

pub(super) fn organization_from_row(row: organization::Model) -> Organization {
    Organization {
        id: row.id,
        name: row.name,
        slug: row.slug,
        logo: row.logo,
        created_at: row.created_at,
        metadata: row.metadata,
    }
}

pub(super) fn organization_to_row(o: &Organization) -> organization::ActiveModel {
    organization::ActiveModel {
        id: Set(o.id.clone()),
        name: Set(o.name.clone()),
        slug: Set(o.slug.clone()),
        logo: Set(o.logo.clone()),
        created_at: Set(o.created_at),
        metadata: Set(o.metadata.clone()),
    }
}

pub(super) fn member_from_row(row: member::Model) -> Member {
    Member {
        id: row.id,
        organization_id: row.organization_id,
        user_id: row.user_id,
        role: row.role,
        created_at: row.created_at,
    }
}

pub(super) fn member_to_row(m: &Member) -> member::ActiveModel {
    member::ActiveModel {
        id: Set(m.id.clone()),
        organization_id: Set(m.organization_id.clone()),
        user_id: Set(m.user_id.clone()),
        role: Set(m.role.clone()),
        created_at: Set(m.created_at),
    }
}

/// A member joined with its user; `None` when the user row is gone.
pub(super) fn member_with_user(
    (m, u): (member::Model, Option<user::Model>),
) -> Option<MemberWithUser> {
    let u = u?;
    Some(MemberWithUser {
        member: member_from_row(m),
        user: MemberUser { id: u.id, name: u.name, email: u.email, image: u.image },
    })
}

pub(super) fn invitation_from_row(row: invitation::Model) -> Invitation {
    Invitation {
        id: row.id,
        organization_id: row.organization_id,
        email: row.email,
        role: row.role.unwrap_or_default(),
        team_id: row.team_id,
        status: InvitationStatus::parse(&row.status),
        expires_at: row.expires_at,
        created_at: row.created_at,
        inviter_id: row.inviter_id,
    }
}

pub(super) fn invitation_to_row(i: &Invitation) -> invitation::ActiveModel {
    invitation::ActiveModel {
        id: Set(i.id.clone()),
        organization_id: Set(i.organization_id.clone()),
        email: Set(i.email.clone()),
        role: Set(Some(i.role.clone())),
        team_id: Set(i.team_id.clone()),
        status: Set(i.status.as_str().to_owned()),
        expires_at: Set(i.expires_at),
        created_at: Set(i.created_at),
        inviter_id: Set(i.inviter_id.clone()),
    }
}

pub(super) fn team_from_row(row: team::Model) -> Team {
    Team {
        id: row.id,
        name: row.name,
        organization_id: row.organization_id,
        created_at: row.created_at,
        updated_at: row.updated_at,
        member_count: row.member_count,
    }
}

pub(super) fn team_to_row(t: &Team) -> team::ActiveModel {
    team::ActiveModel {
        id: Set(t.id.clone()),
        name: Set(t.name.clone()),
        member_count: Set(t.member_count),
        organization_id: Set(t.organization_id.clone()),
        created_at: Set(t.created_at),
        updated_at: Set(t.updated_at),
    }
}

pub(super) fn team_member_from_row(row: team_member::Model) -> TeamMember {
    TeamMember {
        id: row.id,
        team_id: row.team_id,
        user_id: row.user_id,
        created_at: row.created_at,
    }
}

pub(super) fn team_member_to_row(tm: &TeamMember) -> team_member::ActiveModel {
    team_member::ActiveModel {
        id: Set(tm.id.clone()),
        team_id: Set(tm.team_id.clone()),
        user_id: Set(tm.user_id.clone()),
        membership_key: Set(Some(membership_key(&tm.team_id, &tm.user_id))),
        created_at: Set(tm.created_at),
    }
}

/// Better Auth's `teamMember.membershipKey`: base64url (no padding) of the SHA-256 of the
/// JSON array `["<teamId>","<userId>"]`. Unique, so one user joins a team once.
pub(super) fn membership_key(team_id: &str, user_id: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let json = serde_json::to_string(&[team_id, user_id]).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(json.as_bytes()))
}

pub(super) fn role_from_row(row: organization_role::Model) -> OrganizationRole {
    OrganizationRole {
        id: row.id,
        organization_id: row.organization_id,
        role: row.role,
        permission: row.permission,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

pub(super) fn role_to_row(r: &OrganizationRole) -> organization_role::ActiveModel {
    organization_role::ActiveModel {
        id: Set(r.id.clone()),
        organization_id: Set(r.organization_id.clone()),
        role: Set(r.role.clone()),
        permission: Set(r.permission.clone()),
        created_at: Set(r.created_at),
        updated_at: Set(r.updated_at),
    }
}
