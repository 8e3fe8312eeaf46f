//! The organization plugin's use cases: organizations, invitations, members, teams and
//! custom roles. Every permission decision goes through [`AuthService::may`], which asks
//! the domain's [`AccessControl`] with the organization's custom roles.
//!
//! Checks run in Better Auth's order and refuse with its codes and statuses (the same code
//! is a 400 on one endpoint and a 403 on another); see `docs/organizations.md`.

pub mod invitations;
pub mod members;
pub mod orgs;
pub mod roles;
pub mod teams;

use iam_domain::organization::access::RoleGrant;
use iam_domain::organization::{
    AccessControl, Member, OrgError, OrganizationRepository, Permissions, Refusal, split_roles,
};
use iam_domain::{AuthError, Session, User};

use crate::service::AuthService;

/// The signed-in caller of an organization endpoint.
#[derive(Clone, Copy)]
pub struct Caller<'a> {
    pub session: &'a Session,
    pub user: &'a User,
}

/// Whether a write also changed the session in a way the browser's cookie should follow
/// (Better Auth re-sends the session cookie after set-active and similar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieRefresh {
    Resend,
    Keep,
}

pub(crate) fn refuse(error: OrgError, refusal: Refusal) -> AuthError {
    AuthError::Org(error, refusal)
}

pub(crate) fn invalid(error: OrgError) -> AuthError {
    refuse(error, Refusal::Invalid)
}

pub(crate) fn forbidden(error: OrgError) -> AuthError {
    refuse(error, Refusal::Forbidden)
}

/// `{resource: [action]}`.
pub(crate) fn permission(resource: &str, action: &str) -> Permissions {
    Permissions::from([(resource.to_owned(), vec![action.to_owned()])])
}

/// The organization a request is about: the one it names, else the session's active one.
pub(crate) fn target_org(explicit: Option<&str>, session: &Session) -> Option<String> {
    explicit
        .filter(|id| !id.is_empty())
        .or(session.active_organization_id.as_deref())
        .map(str::to_owned)
}

/// [`target_org`], or `NO_ACTIVE_ORGANIZATION` (400) when there is none.
pub(crate) fn org_or_active(
    explicit: Option<&str>,
    session: &Session,
) -> Result<String, AuthError> {
    target_org(explicit, session).ok_or_else(|| invalid(OrgError::NoActiveOrganization))
}

/// Role lists as given (`"admin, owner"` or `["admin", "owner"]`), split and trimmed the way
/// they are stored.
pub(crate) fn normalize_roles(roles: &[String]) -> Vec<String> {
    roles.iter().flat_map(|r| split_roles(r)).map(str::to_owned).collect()
}

impl AuthService {
    pub(crate) fn orgs(&self) -> &dyn OrganizationRepository {
        self.repos.organizations.as_ref()
    }

    pub(crate) fn access(&self) -> &AccessControl {
        &self.access_control
    }

    /// The organization's custom roles (dynamic access control), parsed. A stored
    /// permission that is not a resource → actions map is a server fault, as in Better Auth.
    pub(crate) async fn custom_roles(
        &self,
        organization_id: &str,
    ) -> Result<Vec<RoleGrant>, AuthError> {
        if !self.config.organization.dynamic_roles.enabled {
            return Ok(Vec::new());
        }
        let rows = self.orgs().list_roles(organization_id).await?;
        rows.into_iter()
            .map(|row| {
                let grants: Permissions = serde_json::from_str(&row.permission).map_err(|e| {
                    AuthError::internal("Invalid permissions for role", "INTERNAL_SERVER_ERROR", e)
                })?;
                Ok(RoleGrant { name: row.role, grants })
            })
            .collect()
    }

    /// The one authorization question: may this member do all of `requested`?
    pub(crate) async fn may(
        &self,
        member: &Member,
        requested: &Permissions,
    ) -> Result<bool, AuthError> {
        let custom = self.custom_roles(&member.organization_id).await?;
        Ok(self.access().authorize(&member.role, requested, &custom))
    }

    /// [`Self::may`] for a single action, refusing with `error` as `refusal`.
    pub(crate) async fn require_permission(
        &self,
        member: &Member,
        resource: &str,
        action: &str,
        error: OrgError,
        refusal: Refusal,
    ) -> Result<(), AuthError> {
        if self.may(member, &permission(resource, action)).await? {
            Ok(())
        } else {
            Err(refuse(error, refusal))
        }
    }

    /// The caller's membership, allowed `resource:action`: Better Auth's two refusals in its
    /// order (not a member as `not_member`, then `denied` as 403).
    pub(crate) async fn member_allowed_to(
        &self,
        organization_id: &str,
        user_id: &str,
        not_member: (OrgError, Refusal),
        (resource, action): (&str, &str),
        denied: OrgError,
    ) -> Result<Member, AuthError> {
        let member = self
            .orgs()
            .find_member(organization_id, user_id)
            .await?
            .ok_or_else(|| refuse(not_member.0, not_member.1))?;
        self.require_permission(&member, resource, action, denied, Refusal::Forbidden).await?;
        Ok(member)
    }

    /// Role names no predefined or custom role of the organization answers to.
    pub(crate) async fn unknown_roles(
        &self,
        organization_id: &str,
        roles: &[String],
    ) -> Result<Vec<String>, AuthError> {
        let custom = self.custom_roles(organization_id).await?;
        Ok(roles.iter().filter(|r| !self.access().role_exists(r, &custom)).cloned().collect())
    }

    pub(crate) fn is_creator(&self, member: &Member) -> bool {
        member.has_role(&self.config.organization.creator_role)
    }

    /// Whether `member` is the organization's only holder of the creator role.
    pub(crate) async fn is_last_creator(&self, organization_id: &str) -> Result<bool, AuthError> {
        let creators = self
            .orgs()
            .members_with_role(organization_id, &self.config.organization.creator_role)
            .await?;
        Ok(creators.len() <= 1)
    }
}
