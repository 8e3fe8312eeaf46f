//! Members: listing, roles, removal, leaving, and permission checks.

use iam_domain::organization::repository::{MemberPage, MemberQuery};
use iam_domain::organization::{
    Member, MemberWithUser, OrgError, Permissions, Refusal, TeamMember,
};
use iam_domain::{AuthError, RepoError};

use super::{Caller, forbidden, invalid, normalize_roles, org_or_active, refuse};
use crate::crypto::generate_id;
use crate::service::AuthService;

/// The member `/organization/remove-member` removed; with its user when it was named by
/// email (Better Auth's response differs that way).
pub enum Removed {
    ById(Member),
    ByEmail(MemberWithUser),
}

/// Adds a user to an organization without an invitation (Better Auth's server-only
/// `addMember`; not an HTTP route).
pub struct AddMember {
    pub user_id: String,
    pub roles: Vec<String>,
    pub organization_id: String,
    pub team_id: Option<String>,
}

impl AuthService {
    /// The caller's membership of the organization, or `error` as `refusal`.
    pub(crate) async fn membership(
        &self,
        organization_id: &str,
        user_id: &str,
        error: OrgError,
        refusal: Refusal,
    ) -> Result<Member, AuthError> {
        self.orgs()
            .find_member(organization_id, user_id)
            .await?
            .ok_or_else(|| refuse(error, refusal))
    }

    pub async fn list_members(
        &self,
        caller: Caller<'_>,
        organization_id: Option<&str>,
        organization_slug: Option<&str>,
        mut query: MemberQuery,
    ) -> Result<MemberPage, AuthError> {
        let organization_id = self.resolve_org(caller, organization_id, organization_slug).await?;
        self.membership(
            &organization_id,
            &caller.user.id,
            OrgError::NotAMemberOfThisOrganization,
            Refusal::Forbidden,
        )
        .await?;
        if query.limit == 0 {
            query.limit = self.config.organization.membership_limit;
        }
        Ok(self.orgs().list_members(&organization_id, &query).await?)
    }

    /// An organization named by slug (first) or id, else the session's active one.
    async fn resolve_org(
        &self,
        caller: Caller<'_>,
        organization_id: Option<&str>,
        organization_slug: Option<&str>,
    ) -> Result<String, AuthError> {
        if let Some(slug) = organization_slug {
            let organization = self.orgs().find_by_slug(slug).await?;
            return organization
                .map(|o| o.id)
                .ok_or_else(|| invalid(OrgError::OrganizationNotFound));
        }
        org_or_active(organization_id, caller.session)
    }

    pub async fn get_active_member(&self, caller: Caller<'_>) -> Result<MemberWithUser, AuthError> {
        let organization_id = caller
            .session
            .active_organization_id
            .as_deref()
            .ok_or_else(|| invalid(OrgError::NoActiveOrganization))?;
        self.orgs()
            .member_with_user(organization_id, &caller.user.id)
            .await?
            .ok_or_else(|| invalid(OrgError::MemberNotFound))
    }

    /// The role of the caller, or of `user_id`, in the organization.
    pub async fn get_active_member_role(
        &self,
        caller: Caller<'_>,
        user_id: Option<&str>,
        organization_id: Option<&str>,
        organization_slug: Option<&str>,
    ) -> Result<String, AuthError> {
        let organization_id = self.resolve_org(caller, organization_id, organization_slug).await?;
        let me = self
            .membership(
                &organization_id,
                &caller.user.id,
                OrgError::NotAMemberOfThisOrganization,
                Refusal::Forbidden,
            )
            .await?;
        match user_id.filter(|id| *id != caller.user.id) {
            None => Ok(me.role),
            Some(other) => Ok(self
                .membership(
                    &organization_id,
                    other,
                    OrgError::NotAMemberOfThisOrganization,
                    Refusal::Forbidden,
                )
                .await?
                .role),
        }
    }

    pub async fn remove_member(
        &self,
        caller: Caller<'_>,
        member_id_or_email: &str,
        organization_id: Option<&str>,
    ) -> Result<Removed, AuthError> {
        let organization_id = org_or_active(organization_id, caller.session)?;
        let me = self
            .membership(
                &organization_id,
                &caller.user.id,
                OrgError::MemberNotFound,
                Refusal::Invalid,
            )
            .await?;
        let target = if member_id_or_email.contains('@') {
            self.orgs()
                .find_member_by_email(&organization_id, &member_id_or_email.to_lowercase())
                .await?
                .map(Removed::ByEmail)
        } else {
            self.orgs()
                .find_member_by_id(member_id_or_email)
                .await?
                .map(|m| Removed::ById(m.member))
        };
        let target = target.ok_or_else(|| invalid(OrgError::MemberNotFound))?;
        let member = match &target {
            Removed::ById(m) => m,
            Removed::ByEmail(m) => &m.member,
        };
        if self.is_creator(member)
            && (!self.is_creator(&me) || self.is_last_creator(&organization_id).await?)
        {
            return Err(invalid(OrgError::OnlyOwnerCannotLeave));
        }
        self.require_permission(
            &me,
            "member",
            "delete",
            OrgError::NotAllowedToDeleteMember,
            Refusal::Unauthenticated,
        )
        .await?;
        if member.organization_id != organization_id {
            return Err(invalid(OrgError::MemberNotFound));
        }
        self.orgs().remove_member(member).await?;
        Ok(target)
    }

    /// Changes a member's roles. Only creators hand out or take away the creator role, and
    /// the last creator cannot step down.
    pub async fn update_member_role(
        &self,
        caller: Caller<'_>,
        member_id: &str,
        roles: &[String],
        organization_id: Option<&str>,
    ) -> Result<Member, AuthError> {
        let organization_id = org_or_active(organization_id, caller.session)?;
        let roles = normalize_roles(roles);
        if roles.is_empty() {
            return Err(AuthError::OrgEmpty(Refusal::Invalid));
        }
        let me = self
            .membership(
                &organization_id,
                &caller.user.id,
                OrgError::MemberNotFound,
                Refusal::Invalid,
            )
            .await?;
        let mut target = if member_id == me.id {
            me.clone()
        } else {
            self.orgs()
                .find_member_by_id(member_id)
                .await?
                .map(|m| m.member)
                .ok_or_else(|| invalid(OrgError::MemberNotFound))?
        };
        if target.organization_id != organization_id {
            return Err(forbidden(OrgError::NotAllowedToUpdateMember));
        }
        let creator = &self.config.organization.creator_role;
        let grants_creator = roles.contains(creator);
        if (self.is_creator(&target) || grants_creator) && !self.is_creator(&me) {
            return Err(forbidden(OrgError::NotAllowedToUpdateMember));
        }
        if self.is_creator(&me)
            && target.id == me.id
            && !grants_creator
            && self.is_last_creator(&organization_id).await?
        {
            return Err(invalid(OrgError::CannotLeaveWithoutOwner));
        }
        // The creator may always change roles (Better Auth's allowCreatorAllPermissions).
        if !self.is_creator(&me) {
            self.require_permission(
                &me,
                "member",
                "update",
                OrgError::NotAllowedToUpdateMember,
                Refusal::Forbidden,
            )
            .await?;
        }
        let unknown = self.unknown_roles(&organization_id, &roles).await?;
        if !unknown.is_empty() {
            return Err(AuthError::OrgRoleNotFound {
                message: format!("ROLE_NOT_FOUND: {}", unknown.join(", ")),
                with_code: true,
            });
        }
        target.role = roles.join(",");
        self.orgs().update_member_role(&target.id, &target.role).await?;
        Ok(target)
    }

    /// Leaves the organization; the last creator cannot.
    pub async fn leave_organization(
        &self,
        caller: Caller<'_>,
        organization_id: &str,
    ) -> Result<MemberWithUser, AuthError> {
        let me = self
            .orgs()
            .member_with_user(organization_id, &caller.user.id)
            .await?
            .ok_or_else(|| invalid(OrgError::MemberNotFound))?;
        if self.is_creator(&me.member) && self.is_last_creator(organization_id).await? {
            return Err(invalid(OrgError::OnlyOwnerCannotLeave));
        }
        self.orgs().remove_member(&me.member).await?;
        Ok(me)
    }

    /// `/organization/has-permission`: whether the caller's roles grant all of `requested`.
    pub async fn has_permission(
        &self,
        caller: Caller<'_>,
        organization_id: Option<&str>,
        requested: &Permissions,
    ) -> Result<bool, AuthError> {
        let organization_id = org_or_active(organization_id, caller.session)?;
        let me = self
            .membership(
                &organization_id,
                &caller.user.id,
                OrgError::UserNotMember,
                Refusal::Unauthenticated,
            )
            .await?;
        self.may(&me, requested).await
    }

    /// Server-side membership without an invitation, for services embedding this crate.
    pub async fn add_member(&self, input: AddMember) -> Result<Member, AuthError> {
        let config = &self.config.organization;
        let organization_id = input.organization_id;
        if input.team_id.is_some() && !config.teams.enabled {
            return Err(AuthError::OrgMessage(Refusal::Invalid, "Teams are not enabled"));
        }
        if self.repos.users.find_by_id(&input.user_id).await?.is_none() {
            return Err(AuthError::UserNotFound);
        }
        if self.orgs().find_member(&organization_id, &input.user_id).await?.is_some() {
            return Err(invalid(OrgError::AlreadyMember));
        }
        let now = self.clock.now();
        let mut team_members = Vec::new();
        if let Some(team_id) = input.team_id {
            let team = self.orgs().find_team(&team_id).await?;
            if team.is_none_or(|t| t.organization_id != organization_id) {
                return Err(invalid(OrgError::TeamNotFound));
            }
            team_members.push(TeamMember {
                id: generate_id(),
                team_id,
                user_id: input.user_id.clone(),
                created_at: Some(now),
            });
        }
        if self.orgs().find(&organization_id).await?.is_none() {
            return Err(invalid(OrgError::OrganizationNotFound));
        }
        if self.orgs().count_members(&organization_id).await? >= config.membership_limit {
            return Err(forbidden(OrgError::MembershipLimitReached));
        }
        let member = Member {
            id: generate_id(),
            organization_id,
            user_id: input.user_id,
            role: normalize_roles(&input.roles).join(","),
            created_at: now,
        };
        match self.orgs().add_member(&member, &team_members).await {
            Ok(()) => Ok(member),
            Err(RepoError::Conflict) => Err(invalid(OrgError::AlreadyMember)),
            Err(err) => Err(err.into()),
        }
    }
}
