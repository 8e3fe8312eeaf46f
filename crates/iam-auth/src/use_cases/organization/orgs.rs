//! Creating, reading, updating and deleting organizations, and the session's active one.

use iam_domain::organization::repository::{MemberQuery, NewOrganization};
use iam_domain::organization::{
    Invitation, Member, MemberWithUser, OrgError, Organization, Refusal, Team, TeamMember,
    split_roles,
};
use iam_domain::{AuthError, RepoError};

use super::{Caller, CookieRefresh, forbidden, invalid, permission, refuse, target_org};
use crate::crypto::generate_id;
use crate::service::AuthService;

pub struct CreateOrganization {
    pub name: String,
    pub slug: String,
    pub logo: Option<String>,
    /// JSON text of the metadata object.
    pub metadata: Option<String>,
    pub keep_current_active: bool,
}

/// Fields of `/organization/update`; `None` leaves a field alone.
#[derive(Default)]
pub struct OrganizationPatch {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub logo: Option<Option<String>>,
    pub metadata: Option<String>,
}

/// Which organization `/organization/set-active` should activate.
pub enum ActiveChoice {
    /// `organizationId: null`: none.
    Clear,
    Id(String),
    Slug(String),
    /// Neither given: re-check the current one.
    Current,
}

/// `/organization/get-full-organization`.
pub struct FullOrganization {
    pub organization: Organization,
    pub members: Vec<MemberWithUser>,
    pub invitations: Vec<Invitation>,
    /// Present when teams are on.
    pub teams: Option<Vec<Team>>,
}

impl AuthService {
    /// The creator becomes its `creatorRole` member (and joins the default team); unless
    /// asked not to, the organization becomes the session's active one.
    pub async fn create_organization(
        &self,
        caller: Caller<'_>,
        input: CreateOrganization,
    ) -> Result<(Organization, Member), AuthError> {
        let config = &self.config.organization;
        if !config.allow_user_to_create {
            return Err(forbidden(OrgError::NotAllowedToCreateOrganization));
        }
        if let Some(limit) = config.organization_limit
            && self.orgs().count_for_user(&caller.user.id).await? >= limit
        {
            return Err(forbidden(OrgError::OrganizationLimitReached));
        }
        if self.orgs().find_by_slug(&input.slug).await?.is_some() {
            return Err(invalid(OrgError::OrganizationAlreadyExists));
        }
        let now = self.clock.now();
        let organization = Organization {
            id: generate_id(),
            name: input.name,
            slug: input.slug,
            logo: input.logo,
            created_at: now,
            metadata: input.metadata,
        };
        let owner = Member {
            id: generate_id(),
            organization_id: organization.id.clone(),
            user_id: caller.user.id.clone(),
            role: config.creator_role.clone(),
            created_at: now,
        };
        let default_team = (config.teams.enabled && config.teams.default_team).then(|| {
            let team = Team {
                id: generate_id(),
                name: organization.name.clone(),
                organization_id: organization.id.clone(),
                created_at: now,
                updated_at: None,
                member_count: 0,
            };
            let member = TeamMember {
                id: generate_id(),
                team_id: team.id.clone(),
                user_id: caller.user.id.clone(),
                created_at: Some(now),
            };
            (team, member)
        });
        let new = NewOrganization {
            organization,
            owner,
            default_team,
            activate_on: (!input.keep_current_active).then(|| caller.session.token.clone()),
        };
        match self.orgs().create(&new).await {
            Ok(()) => Ok((new.organization, new.owner)),
            // Another request took the slug between our check and the insert.
            Err(RepoError::Conflict) => Err(invalid(OrgError::OrganizationAlreadyExists)),
            Err(err) => Err(err.into()),
        }
    }

    pub async fn check_slug(&self, slug: &str) -> Result<(), AuthError> {
        match self.orgs().find_by_slug(slug).await? {
            Some(_) => Err(invalid(OrgError::SlugTaken)),
            None => Ok(()),
        }
    }

    pub async fn update_organization(
        &self,
        caller: Caller<'_>,
        organization_id: Option<&str>,
        patch: OrganizationPatch,
    ) -> Result<Organization, AuthError> {
        let id = target_org(organization_id, caller.session)
            .ok_or_else(|| invalid(OrgError::OrganizationNotFound))?;
        let not_member = (OrgError::UserNotMember, Refusal::Invalid);
        self.member_allowed_to(
            &id,
            &caller.user.id,
            not_member,
            ("organization", "update"),
            OrgError::NotAllowedToUpdateOrganization,
        )
        .await?;
        if let Some(slug) = &patch.slug
            && self.orgs().find_by_slug(slug).await?.is_some_and(|o| o.id != id)
        {
            return Err(invalid(OrgError::SlugTaken));
        }
        let mut organization =
            self.orgs().find(&id).await?.ok_or_else(|| invalid(OrgError::OrganizationNotFound))?;
        if let Some(name) = patch.name {
            organization.name = name;
        }
        if let Some(slug) = patch.slug {
            organization.slug = slug;
        }
        if let Some(logo) = patch.logo {
            organization.logo = logo;
        }
        if let Some(metadata) = patch.metadata {
            organization.metadata = Some(metadata);
        }
        match self.orgs().update(&organization).await {
            Ok(()) => Ok(organization),
            Err(RepoError::Conflict) => Err(invalid(OrgError::SlugTaken)),
            Err(err) => Err(err.into()),
        }
    }

    /// Deletes the organization with everything in it; returns it as it was.
    pub async fn delete_organization(
        &self,
        caller: Caller<'_>,
        organization_id: &str,
    ) -> Result<Organization, AuthError> {
        if self.config.organization.disable_deletion {
            return Err(refuse(OrgError::OrganizationDeletionDisabled, Refusal::NotFound));
        }
        if organization_id.is_empty() {
            return Err(invalid(OrgError::OrganizationNotFound));
        }
        let not_member = (OrgError::UserNotMember, Refusal::Invalid);
        self.member_allowed_to(
            organization_id,
            &caller.user.id,
            not_member,
            ("organization", "delete"),
            OrgError::NotAllowedToDeleteOrganization,
        )
        .await?;
        let organization = self
            .orgs()
            .find(organization_id)
            .await?
            .ok_or(AuthError::OrgEmpty(Refusal::Invalid))?;
        self.orgs().delete(organization_id).await?;
        Ok(organization)
    }

    /// `/organization/set-active`. A caller who is not a member loses the active
    /// organization before being refused, as in Better Auth.
    pub async fn set_active_organization(
        &self,
        caller: Caller<'_>,
        choice: ActiveChoice,
    ) -> Result<(Option<Organization>, CookieRefresh), AuthError> {
        let token = caller.session.token.as_str();
        let id = match choice {
            ActiveChoice::Clear => {
                if caller.session.active_organization_id.is_none() {
                    return Ok((None, CookieRefresh::Keep));
                }
                self.orgs()
                    .set_active(token, None, caller.session.active_team_id.as_deref())
                    .await?;
                return Ok((None, CookieRefresh::Resend));
            }
            ActiveChoice::Current => match &caller.session.active_organization_id {
                Some(id) => id.clone(),
                None => return Ok((None, CookieRefresh::Keep)),
            },
            ActiveChoice::Id(id) => id,
            ActiveChoice::Slug(slug) => {
                self.orgs()
                    .find_by_slug(&slug)
                    .await?
                    .ok_or_else(|| invalid(OrgError::OrganizationNotFound))?
                    .id
            }
        };
        if self.orgs().find_member(&id, &caller.user.id).await?.is_none() {
            self.orgs().set_active(token, None, caller.session.active_team_id.as_deref()).await?;
            return Err(forbidden(OrgError::UserNotMember));
        }
        let organization =
            self.orgs().find(&id).await?.ok_or_else(|| invalid(OrgError::OrganizationNotFound))?;
        self.orgs().set_active(token, Some(&id), caller.session.active_team_id.as_deref()).await?;
        Ok((Some(organization), CookieRefresh::Resend))
    }

    /// The organization named by id or slug (slug first), else the active one; `None` when
    /// there is none. Non-members lose their active organization and are refused.
    pub async fn get_organization(
        &self,
        caller: Caller<'_>,
        id: Option<&str>,
        slug: Option<&str>,
    ) -> Result<Option<Organization>, AuthError> {
        Ok(self
            .organization_as_member(caller, id, slug)
            .await?
            .map(|(organization, _)| organization))
    }

    /// [`Self::get_organization`] with the caller's membership.
    async fn organization_as_member(
        &self,
        caller: Caller<'_>,
        id: Option<&str>,
        slug: Option<&str>,
    ) -> Result<Option<(Organization, Member)>, AuthError> {
        let organization = match (slug, target_org(id, caller.session)) {
            (Some(slug), _) => self.orgs().find_by_slug(slug).await?,
            (None, Some(id)) => self.orgs().find(&id).await?,
            (None, None) => return Ok(None),
        };
        let organization = organization.ok_or_else(|| invalid(OrgError::OrganizationNotFound))?;
        let Some(me) = self.orgs().find_member(&organization.id, &caller.user.id).await? else {
            self.orgs()
                .set_active(&caller.session.token, None, caller.session.active_team_id.as_deref())
                .await?;
            return Err(forbidden(OrgError::UserNotMember));
        };
        Ok(Some((organization, me)))
    }

    pub async fn full_organization(
        &self,
        caller: Caller<'_>,
        id: Option<&str>,
        slug: Option<&str>,
        members_limit: Option<u64>,
    ) -> Result<Option<FullOrganization>, AuthError> {
        let Some((organization, me)) = self.organization_as_member(caller, id, slug).await? else {
            return Ok(None);
        };
        let config = &self.config.organization;
        let query = MemberQuery {
            limit: members_limit.filter(|n| *n > 0).unwrap_or(config.membership_limit),
            ..MemberQuery::default()
        };
        let members = self.orgs().list_members(&organization.id, &query).await?.members;
        let invitations = if self.may(&me, &permission("invitation", "create")).await? {
            let all = self.orgs().list_invitations(&organization.id).await?;
            self.hide_creator_invitations(&me, all)
        } else {
            Vec::new()
        };
        let teams = if config.teams.enabled {
            Some(self.orgs().list_teams(&organization.id).await?)
        } else {
            None
        };
        Ok(Some(FullOrganization { organization, members, invitations, teams }))
    }

    /// Invitations that grant the creator role are visible to creators only.
    pub(crate) fn hide_creator_invitations(
        &self,
        me: &Member,
        all: Vec<Invitation>,
    ) -> Vec<Invitation> {
        if self.is_creator(me) {
            return all;
        }
        let creator = &self.config.organization.creator_role;
        all.into_iter().filter(|i| !split_roles(&i.role).any(|r| r == creator)).collect()
    }

    pub async fn list_organizations(
        &self,
        caller: Caller<'_>,
    ) -> Result<Vec<Organization>, AuthError> {
        Ok(self.orgs().list_for_user(&caller.user.id).await?)
    }
}

/// The slug of a user's personal organization: unique because user ids are.
fn personal_slug(user_id: &str) -> String {
    format!("personal-{user_id}")
}

impl AuthService {
    /// The personal-organization policy applies (the plugin is on and so is the policy).
    pub(crate) fn personal_organizations_on(&self) -> bool {
        self.config.organization.enabled && self.config.organization.personal_organization
    }

    /// With the personal-organization policy, the organization a new user gets (written in
    /// the same transaction as the user).
    pub(crate) fn personal_organization(&self, user: &iam_domain::User) -> Option<NewOrganization> {
        if !self.personal_organizations_on() {
            return None;
        }
        let config = &self.config.organization;
        let now = self.clock.now();
        let organization = Organization {
            id: generate_id(),
            name: user.name.clone(),
            slug: personal_slug(&user.id),
            logo: None,
            created_at: now,
            metadata: Some(r#"{"personal":true}"#.to_owned()),
        };
        let owner = Member {
            id: generate_id(),
            organization_id: organization.id.clone(),
            user_id: user.id.clone(),
            role: config.creator_role.clone(),
            created_at: now,
        };
        Some(NewOrganization { organization, owner, default_team: None, activate_on: None })
    }

    /// The user's personal organization, if they still belong to it: new sessions start in it.
    pub(crate) async fn personal_organization_id(
        &self,
        user_id: &str,
    ) -> Result<Option<String>, AuthError> {
        let Some(organization) = self.orgs().find_by_slug(&personal_slug(user_id)).await? else {
            return Ok(None);
        };
        let member = self.orgs().find_member(&organization.id, user_id).await?;
        Ok(member.map(|_| organization.id))
    }
}
