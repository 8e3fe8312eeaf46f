//! Custom roles per organization (dynamic access control). A member may only create or
//! change a role that grants what they hold themselves.

use iam_domain::AuthError;
use iam_domain::organization::{Member, OrgError, OrganizationRole, Permissions, Refusal};

use super::{Caller, invalid, org_or_active};
use crate::crypto::generate_id;
use crate::service::AuthService;

/// A role named by name or by id.
pub enum RoleRef {
    Name(String),
    Id(String),
}

/// A stored role with its permission parsed.
pub struct RoleView {
    pub role: OrganizationRole,
    pub permission: Permissions,
}

impl RoleView {
    fn parse(role: OrganizationRole) -> Result<Self, AuthError> {
        let permission = serde_json::from_str(&role.permission).map_err(|e| {
            AuthError::internal("Invalid permissions for role", "INTERNAL_SERVER_ERROR", e)
        })?;
        Ok(Self { role, permission })
    }
}

impl AuthService {
    /// The caller's membership allowed `ac:<action>` (the role routes' two refusals).
    async fn role_member_allowed(
        &self,
        caller: Caller<'_>,
        organization_id: &str,
        action: &str,
        denied: OrgError,
    ) -> Result<Member, AuthError> {
        let not_member = (OrgError::NotAMemberOfThisOrganization, Refusal::Forbidden);
        self.member_allowed_to(organization_id, &caller.user.id, not_member, ("ac", action), denied)
            .await
    }

    /// Refuses a grant with unknown resources, or with actions the member does not hold.
    async fn check_grant(
        &self,
        me: &Member,
        permission: &Permissions,
        refused: OrgError,
    ) -> Result<(), AuthError> {
        if !self.access().unknown_resources(permission).is_empty() {
            return Err(invalid(OrgError::InvalidResource));
        }
        let custom = self.custom_roles(&me.organization_id).await?;
        let missing = self.access().missing(&me.role, permission, &custom);
        if !missing.is_empty() {
            return Err(AuthError::OrgMissingPermissions { error: refused, missing });
        }
        Ok(())
    }

    async fn find_role(
        &self,
        organization_id: &str,
        role: &RoleRef,
    ) -> Result<OrganizationRole, AuthError> {
        let found = match role {
            RoleRef::Name(name) => self.orgs().find_role_by_name(organization_id, name).await?,
            RoleRef::Id(id) => self.orgs().find_role_by_id(organization_id, id).await?,
        };
        found.ok_or_else(|| invalid(OrgError::RoleNotFound))
    }

    pub async fn create_role(
        &self,
        caller: Caller<'_>,
        organization_id: Option<&str>,
        name: &str,
        permission: Permissions,
    ) -> Result<RoleView, AuthError> {
        let organization_id = organization_id
            .map(str::to_owned)
            .or_else(|| caller.session.active_organization_id.clone())
            .ok_or_else(|| invalid(OrgError::MustBeInOrganizationToCreateRole))?;
        let name = name.to_lowercase();
        if self.access().is_predefined(&name) {
            return Err(invalid(OrgError::RoleNameTaken));
        }
        let me = self
            .role_member_allowed(
                caller,
                &organization_id,
                "create",
                OrgError::NotAllowedToCreateRole,
            )
            .await?;
        if let Some(max) = self.config.organization.dynamic_roles.maximum_roles_per_organization
            && self.orgs().count_roles(&organization_id).await? >= max
        {
            return Err(invalid(OrgError::TooManyRoles));
        }
        self.check_grant(&me, &permission, OrgError::NotAllowedToCreateRole).await?;
        if self.orgs().find_role_by_name(&organization_id, &name).await?.is_some() {
            return Err(invalid(OrgError::RoleNameTaken));
        }
        let role = OrganizationRole {
            id: generate_id(),
            organization_id,
            role: name,
            permission: serde_json::to_string(&permission).unwrap_or_default(),
            created_at: self.clock.now(),
            updated_at: None,
        };
        self.orgs().create_role(&role).await?;
        Ok(RoleView { role, permission })
    }

    pub async fn update_role(
        &self,
        caller: Caller<'_>,
        organization_id: Option<&str>,
        role: RoleRef,
        permission: Option<Permissions>,
        new_name: Option<&str>,
    ) -> Result<RoleView, AuthError> {
        let organization_id = org_or_active(organization_id, caller.session)?;
        let me = self
            .role_member_allowed(
                caller,
                &organization_id,
                "update",
                OrgError::NotAllowedToUpdateRole,
            )
            .await?;
        let mut stored = self.find_role(&organization_id, &role).await?;
        if let Some(permission) = &permission {
            self.check_grant(&me, permission, OrgError::NotAllowedToUpdateRole).await?;
        }
        let mut renamed_from = None;
        if let Some(new_name) = new_name {
            let new_name = new_name.to_lowercase();
            if self.access().is_predefined(&new_name)
                || self.orgs().find_role_by_name(&organization_id, &new_name).await?.is_some()
            {
                return Err(invalid(OrgError::RoleNameTaken));
            }
            renamed_from = Some(std::mem::replace(&mut stored.role, new_name));
        }
        if let Some(permission) = &permission {
            stored.permission = serde_json::to_string(permission).unwrap_or_default();
        }
        stored.updated_at = Some(self.clock.now());
        self.orgs().update_role(&stored, renamed_from.as_deref()).await?;
        RoleView::parse(stored)
    }

    pub async fn delete_role(
        &self,
        caller: Caller<'_>,
        organization_id: Option<&str>,
        role: RoleRef,
    ) -> Result<(), AuthError> {
        let organization_id = org_or_active(organization_id, caller.session)?;
        self.role_member_allowed(
            caller,
            &organization_id,
            "delete",
            OrgError::NotAllowedToDeleteRole,
        )
        .await?;
        if let RoleRef::Name(name) = &role
            && self.access().is_predefined(name)
        {
            return Err(invalid(OrgError::CannotDeletePredefinedRole));
        }
        let stored = self.find_role(&organization_id, &role).await?;
        if !self.orgs().members_with_role(&organization_id, &stored.role).await?.is_empty() {
            return Err(invalid(OrgError::RoleAssignedToMembers));
        }
        self.orgs().delete_role(&stored.id).await?;
        Ok(())
    }

    pub async fn list_roles(
        &self,
        caller: Caller<'_>,
        organization_id: Option<&str>,
    ) -> Result<Vec<RoleView>, AuthError> {
        let organization_id = org_or_active(organization_id, caller.session)?;
        self.role_member_allowed(caller, &organization_id, "read", OrgError::NotAllowedToListRoles)
            .await?;
        self.orgs().list_roles(&organization_id).await?.into_iter().map(RoleView::parse).collect()
    }

    pub async fn get_role(
        &self,
        caller: Caller<'_>,
        organization_id: Option<&str>,
        role: RoleRef,
    ) -> Result<RoleView, AuthError> {
        let organization_id = org_or_active(organization_id, caller.session)?;
        self.role_member_allowed(caller, &organization_id, "read", OrgError::NotAllowedToReadRole)
            .await?;
        RoleView::parse(self.find_role(&organization_id, &role).await?)
    }
}
