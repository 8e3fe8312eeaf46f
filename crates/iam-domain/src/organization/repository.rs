//! The organization aggregate's storage port: organizations with their members,
//! invitations, teams and custom roles. Writes that touch several rows are transactions.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{
    Invitation, InvitationStatus, Member, MemberWithUser, Organization, OrganizationRole, Team,
    TeamMember,
};
use crate::repository::RepoResult;

/// A new organization with its creator's membership (and, with teams, its default team).
#[derive(Debug, Clone)]
pub struct NewOrganization {
    pub organization: Organization,
    pub owner: Member,
    pub default_team: Option<(Team, TeamMember)>,
    /// The session (token) that becomes active in the new organization, if any.
    pub activate_on: Option<String>,
}

/// What accepting an invitation writes.
#[derive(Debug, Clone)]
pub struct Acceptance {
    pub invitation_id: String,
    pub member: Member,
    pub team_members: Vec<TeamMember>,
    /// The accepting session (token) and the team it makes active.
    pub session_token: String,
    pub active_team_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDirection {
    #[default]
    Asc,
    Desc,
}

/// Paging, sorting and filtering of `/organization/list-members`.
#[derive(Debug, Clone, Default)]
pub struct MemberQuery {
    pub limit: u64,
    pub offset: u64,
    /// A member column (`createdAt`, `role`, `userId`, `id`).
    pub sort_by: Option<MemberField>,
    pub sort_direction: SortDirection,
    pub filter: Option<MemberFilter>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberField {
    Id,
    UserId,
    Role,
    CreatedAt,
}

impl MemberField {
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "id" => Self::Id,
            "userId" => Self::UserId,
            "role" => Self::Role,
            "createdAt" => Self::CreatedAt,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterOperator {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
    Contains,
}

impl FilterOperator {
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "eq" => Self::Eq,
            "ne" => Self::Ne,
            "lt" => Self::Lt,
            "lte" => Self::Lte,
            "gt" => Self::Gt,
            "gte" => Self::Gte,
            "contains" => Self::Contains,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct MemberFilter {
    pub field: MemberField,
    pub operator: FilterOperator,
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct MemberPage {
    pub members: Vec<MemberWithUser>,
    pub total: u64,
}

#[async_trait]
pub trait OrganizationRepository: Send + Sync {
    // --- organizations -------------------------------------------------------------------
    /// Inserts the organization, its owner (and default team) and activates it on the
    /// session, in one transaction. A taken slug yields `RepoError::Conflict`.
    async fn create(&self, new: &NewOrganization) -> RepoResult<()>;
    async fn find(&self, id: &str) -> RepoResult<Option<Organization>>;
    async fn find_by_slug(&self, slug: &str) -> RepoResult<Option<Organization>>;
    /// Writes name, slug, logo and metadata. A taken slug yields `RepoError::Conflict`.
    async fn update(&self, organization: &Organization) -> RepoResult<()>;
    /// Deletes the organization with its members, invitations, teams and roles, and clears
    /// it from sessions that had it active, in one transaction.
    async fn delete(&self, id: &str) -> RepoResult<()>;
    /// The organizations the user is a member of, oldest membership first.
    async fn list_for_user(&self, user_id: &str) -> RepoResult<Vec<Organization>>;
    async fn count_for_user(&self, user_id: &str) -> RepoResult<u64>;

    // --- members -------------------------------------------------------------------------
    async fn find_member(&self, organization_id: &str, user_id: &str)
    -> RepoResult<Option<Member>>;
    async fn find_member_by_id(&self, member_id: &str) -> RepoResult<Option<MemberWithUser>>;
    async fn find_member_by_email(
        &self,
        organization_id: &str,
        email: &str,
    ) -> RepoResult<Option<MemberWithUser>>;
    async fn member_with_user(
        &self,
        organization_id: &str,
        user_id: &str,
    ) -> RepoResult<Option<MemberWithUser>>;
    async fn list_members(
        &self,
        organization_id: &str,
        query: &MemberQuery,
    ) -> RepoResult<MemberPage>;
    async fn count_members(&self, organization_id: &str) -> RepoResult<u64>;
    /// Members whose role list includes `role`.
    async fn members_with_role(&self, organization_id: &str, role: &str)
    -> RepoResult<Vec<Member>>;
    async fn add_member(&self, member: &Member, team_members: &[TeamMember]) -> RepoResult<()>;
    async fn update_member_role(&self, member_id: &str, role: &str) -> RepoResult<()>;
    /// Deletes the membership with the user's team memberships in the organization, and
    /// clears the organization from the user's sessions, in one transaction.
    async fn remove_member(&self, member: &Member) -> RepoResult<()>;

    // --- invitations ---------------------------------------------------------------------
    /// Inserts the invitation; with `cancel_pending`, first cancels the invitee's other
    /// pending invitations to the organization (same transaction).
    async fn create_invitation(
        &self,
        invitation: &Invitation,
        cancel_pending: bool,
    ) -> RepoResult<()>;
    async fn find_invitation(&self, id: &str) -> RepoResult<Option<Invitation>>;
    async fn pending_invitations(
        &self,
        organization_id: &str,
        email: &str,
        now: DateTime<Utc>,
    ) -> RepoResult<Vec<Invitation>>;
    async fn count_pending_invitations(
        &self,
        organization_id: &str,
        now: DateTime<Utc>,
    ) -> RepoResult<u64>;
    async fn list_invitations(&self, organization_id: &str) -> RepoResult<Vec<Invitation>>;
    /// Pending, unexpired invitations to `email` with their organization.
    async fn list_invitations_for_email(
        &self,
        email: &str,
        now: DateTime<Utc>,
    ) -> RepoResult<Vec<(Invitation, Organization)>>;
    /// Moves a pending invitation to `status`; `false` when it was no longer pending.
    async fn answer_invitation(&self, id: &str, status: InvitationStatus) -> RepoResult<bool>;
    async fn extend_invitation(&self, id: &str, expires_at: DateTime<Utc>) -> RepoResult<()>;
    /// Marks the invitation accepted, adds the member (and team memberships) and activates
    /// the organization on the session, in one transaction; `false` (and nothing written)
    /// when the invitation was no longer pending, so concurrent accepts make one member.
    async fn accept_invitation(&self, acceptance: &Acceptance) -> RepoResult<bool>;

    // --- teams -----------------------------------------------------------------------------
    async fn create_team(&self, team: &Team) -> RepoResult<()>;
    async fn find_team(&self, id: &str) -> RepoResult<Option<Team>>;
    async fn update_team(&self, team: &Team) -> RepoResult<()>;
    /// Deletes the team with its memberships and clears it from sessions.
    async fn delete_team(&self, id: &str) -> RepoResult<()>;
    async fn list_teams(&self, organization_id: &str) -> RepoResult<Vec<Team>>;
    async fn count_teams(&self, organization_id: &str) -> RepoResult<u64>;
    /// Teams of the organization the user belongs to.
    async fn list_user_teams(&self, organization_id: &str, user_id: &str) -> RepoResult<Vec<Team>>;
    async fn find_team_member(
        &self,
        team_id: &str,
        user_id: &str,
    ) -> RepoResult<Option<TeamMember>>;
    async fn list_team_members(&self, team_id: &str) -> RepoResult<Vec<TeamMember>>;
    async fn count_team_members(&self, team_id: &str) -> RepoResult<u64>;
    /// A second membership of the same user yields `RepoError::Conflict`.
    async fn add_team_member(&self, team_member: &TeamMember) -> RepoResult<()>;
    async fn remove_team_member(&self, team_id: &str, user_id: &str) -> RepoResult<bool>;

    // --- custom roles ----------------------------------------------------------------------
    async fn create_role(&self, role: &OrganizationRole) -> RepoResult<()>;
    async fn find_role_by_name(
        &self,
        organization_id: &str,
        role: &str,
    ) -> RepoResult<Option<OrganizationRole>>;
    async fn find_role_by_id(
        &self,
        organization_id: &str,
        id: &str,
    ) -> RepoResult<Option<OrganizationRole>>;
    async fn list_roles(&self, organization_id: &str) -> RepoResult<Vec<OrganizationRole>>;
    async fn count_roles(&self, organization_id: &str) -> RepoResult<u64>;
    /// Writes role name, permission and updatedAt; renaming also renames it on members.
    async fn update_role(
        &self,
        role: &OrganizationRole,
        renamed_from: Option<&str>,
    ) -> RepoResult<()>;
    async fn delete_role(&self, id: &str) -> RepoResult<()>;

    // --- sessions --------------------------------------------------------------------------
    /// Sets (or clears) the active organization and team of a session.
    async fn set_active(
        &self,
        session_token: &str,
        organization_id: Option<&str>,
        team_id: Option<&str>,
    ) -> RepoResult<()>;
}
