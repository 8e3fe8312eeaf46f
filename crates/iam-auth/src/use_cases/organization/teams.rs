//! Teams inside an organization, and the session's active team.

use iam_domain::organization::{OrgError, Refusal, Team, TeamMember};
use iam_domain::{AuthError, RepoError};

use super::{Caller, CookieRefresh, forbidden, invalid, org_or_active};
use crate::crypto::generate_id;
use crate::service::AuthService;

/// `/organization/set-active-team`'s choice.
pub enum TeamChoice {
    Clear,
    Current,
    Id(String),
}

impl AuthService {
    /// A team of `organization_id`, or TEAM_NOT_FOUND.
    async fn team_in(&self, organization_id: &str, team_id: &str) -> Result<Team, AuthError> {
        self.orgs()
            .find_team(team_id)
            .await?
            .filter(|t| t.organization_id == organization_id)
            .ok_or_else(|| invalid(OrgError::TeamNotFound))
    }

    pub async fn create_team(
        &self,
        caller: Caller<'_>,
        name: String,
        organization_id: Option<&str>,
    ) -> Result<Team, AuthError> {
        let organization_id = org_or_active(organization_id, caller.session)?;
        // Better Auth reports a non-member with the invitation code here.
        self.member_allowed_to(
            &organization_id,
            &caller.user.id,
            (OrgError::NotAllowedToInvite, Refusal::Forbidden),
            ("team", "create"),
            OrgError::NotAllowedToCreateTeams,
        )
        .await?;
        if let Some(max) = self.config.organization.teams.maximum_teams.filter(|m| *m > 0)
            && self.orgs().count_teams(&organization_id).await? >= max
        {
            return Err(invalid(OrgError::TeamLimitReached));
        }
        if self.orgs().find(&organization_id).await?.is_none() {
            return Err(invalid(OrgError::OrganizationNotFound));
        }
        let now = self.clock.now();
        let team = Team {
            id: generate_id(),
            name,
            organization_id,
            created_at: now,
            updated_at: Some(now),
            member_count: 0,
        };
        self.orgs().create_team(&team).await?;
        Ok(team)
    }

    pub async fn update_team(
        &self,
        caller: Caller<'_>,
        team_id: &str,
        name: Option<String>,
        organization_id: Option<&str>,
    ) -> Result<Team, AuthError> {
        let organization_id = org_or_active(organization_id, caller.session)?;
        self.member_allowed_to(
            &organization_id,
            &caller.user.id,
            (OrgError::NotAllowedToUpdateTeam, Refusal::Forbidden),
            ("team", "update"),
            OrgError::NotAllowedToUpdateTeam,
        )
        .await?;
        let mut team = self.team_in(&organization_id, team_id).await?;
        if let Some(name) = name {
            team.name = name;
        }
        team.updated_at = Some(self.clock.now());
        self.orgs().update_team(&team).await?;
        Ok(team)
    }

    pub async fn remove_team(
        &self,
        caller: Caller<'_>,
        team_id: &str,
        organization_id: Option<&str>,
    ) -> Result<(), AuthError> {
        let organization_id = org_or_active(organization_id, caller.session)?;
        let me = self
            .membership(
                &organization_id,
                &caller.user.id,
                OrgError::NotAllowedToDeleteTeam,
                Refusal::Forbidden,
            )
            .await?;
        if caller.session.active_team_id.as_deref() == Some(team_id) {
            return Err(forbidden(OrgError::NotAllowedToDeleteTeam));
        }
        self.require_permission(
            &me,
            "team",
            "delete",
            OrgError::NotAllowedToDeleteTeams,
            Refusal::Forbidden,
        )
        .await?;
        self.team_in(&organization_id, team_id).await?;
        if !self.config.organization.teams.allow_removing_all_teams
            && self.orgs().count_teams(&organization_id).await? <= 1
        {
            return Err(invalid(OrgError::UnableToRemoveLastTeam));
        }
        self.orgs().delete_team(team_id).await?;
        Ok(())
    }

    pub async fn list_teams(
        &self,
        caller: Caller<'_>,
        organization_id: Option<&str>,
    ) -> Result<Vec<Team>, AuthError> {
        let organization_id = org_or_active(organization_id, caller.session)?;
        self.membership(
            &organization_id,
            &caller.user.id,
            OrgError::NotAllowedToAccessOrganization,
            Refusal::Forbidden,
        )
        .await?;
        Ok(self.orgs().list_teams(&organization_id).await?)
    }

    /// Teams of the caller (or, with `member:update`, of another member).
    pub async fn list_user_teams(
        &self,
        caller: Caller<'_>,
        user_id: Option<&str>,
        organization_id: Option<&str>,
    ) -> Result<Vec<Team>, AuthError> {
        match user_id.filter(|id| *id != caller.user.id) {
            Some(other) => {
                let organization_id = org_or_active(organization_id, caller.session)?;
                self.member_allowed_to(
                    &organization_id,
                    &caller.user.id,
                    (OrgError::NotAMemberOfThisOrganization, Refusal::Forbidden),
                    ("member", "update"),
                    OrgError::NotAllowedToUpdateMember,
                )
                .await?;
                self.membership(&organization_id, other, OrgError::UserNotMember, Refusal::Invalid)
                    .await?;
                Ok(self.orgs().list_user_teams(&organization_id, other).await?)
            }
            None => {
                let organizations = match organization_id.filter(|id| !id.is_empty()) {
                    Some(id) => {
                        self.membership(
                            id,
                            &caller.user.id,
                            OrgError::NotAMemberOfThisOrganization,
                            Refusal::Forbidden,
                        )
                        .await?;
                        vec![id.to_owned()]
                    }
                    None => self
                        .orgs()
                        .list_for_user(&caller.user.id)
                        .await?
                        .into_iter()
                        .map(|o| o.id)
                        .collect(),
                };
                let mut teams = Vec::new();
                for id in organizations {
                    teams.extend(self.orgs().list_user_teams(&id, &caller.user.id).await?);
                }
                Ok(teams)
            }
        }
    }

    pub async fn set_active_team(
        &self,
        caller: Caller<'_>,
        choice: TeamChoice,
    ) -> Result<(Option<Team>, CookieRefresh), AuthError> {
        let session = caller.session;
        let team_id = match choice {
            TeamChoice::Clear => {
                if session.active_team_id.is_none() {
                    return Ok((None, CookieRefresh::Keep));
                }
                self.orgs()
                    .set_active(&session.token, session.active_organization_id.as_deref(), None)
                    .await?;
                return Ok((None, CookieRefresh::Resend));
            }
            TeamChoice::Current => match &session.active_team_id {
                Some(id) => id.clone(),
                None => return Ok((None, CookieRefresh::Keep)),
            },
            TeamChoice::Id(id) => id,
        };
        let organization_id = session
            .active_organization_id
            .as_deref()
            .ok_or_else(|| invalid(OrgError::NoActiveOrganization))?;
        let team = self.team_in(organization_id, &team_id).await?;
        if self.orgs().find_team_member(&team.id, &caller.user.id).await?.is_none() {
            return Err(forbidden(OrgError::NotTeamMember));
        }
        self.orgs().set_active(&session.token, Some(organization_id), Some(&team.id)).await?;
        Ok((Some(team), CookieRefresh::Resend))
    }

    pub async fn list_team_members(
        &self,
        caller: Caller<'_>,
        team_id: Option<&str>,
    ) -> Result<Vec<TeamMember>, AuthError> {
        let team_id = team_id
            .filter(|id| !id.is_empty())
            .or(caller.session.active_team_id.as_deref())
            .ok_or_else(|| invalid(OrgError::NoActiveTeam))?;
        let team =
            self.orgs().find_team(team_id).await?.ok_or_else(|| invalid(OrgError::TeamNotFound))?;
        self.membership(
            &team.organization_id,
            &caller.user.id,
            OrgError::NotTeamMember,
            Refusal::Invalid,
        )
        .await?;
        if self.orgs().find_team_member(&team.id, &caller.user.id).await?.is_none() {
            return Err(invalid(OrgError::NotTeamMember));
        }
        Ok(self.orgs().list_team_members(&team.id).await?)
    }

    /// Adds an organization member to a team; adding someone already in it returns their
    /// membership.
    pub async fn add_team_member(
        &self,
        caller: Caller<'_>,
        team_id: &str,
        user_id: &str,
        organization_id: Option<&str>,
    ) -> Result<TeamMember, AuthError> {
        let team = self
            .team_and_member(
                caller,
                organization_id,
                team_id,
                user_id,
                "update",
                OrgError::NotAllowedToAddTeamMember,
            )
            .await?;
        if let Some(existing) = self.orgs().find_team_member(&team.id, user_id).await? {
            return Ok(existing);
        }
        if let Some(max) = self.config.organization.teams.maximum_members_per_team
            && self.orgs().count_team_members(&team.id).await? >= max
        {
            return Err(forbidden(OrgError::TeamMemberLimitReached));
        }
        let team_member = TeamMember {
            id: generate_id(),
            team_id: team.id,
            user_id: user_id.to_owned(),
            created_at: Some(self.clock.now()),
        };
        match self.orgs().add_team_member(&team_member).await {
            Ok(()) => Ok(team_member),
            // A concurrent add won; answer with its row.
            Err(RepoError::Conflict) => self
                .orgs()
                .find_team_member(&team_member.team_id, user_id)
                .await?
                .ok_or_else(|| invalid(OrgError::TeamNotFound)),
            Err(err) => Err(err.into()),
        }
    }

    pub async fn remove_team_member(
        &self,
        caller: Caller<'_>,
        team_id: &str,
        user_id: &str,
        organization_id: Option<&str>,
    ) -> Result<(), AuthError> {
        let team = self
            .team_and_member(
                caller,
                organization_id,
                team_id,
                user_id,
                "delete",
                OrgError::NotAllowedToRemoveTeamMember,
            )
            .await?;
        if !self.orgs().remove_team_member(&team.id, user_id).await? {
            return Err(invalid(OrgError::NotTeamMember));
        }
        Ok(())
    }

    /// The checks shared by adding and removing a team member, in Better Auth's order: the
    /// caller is a member allowed `member:<action>`, the user is a member, the team belongs
    /// to the organization.
    async fn team_and_member(
        &self,
        caller: Caller<'_>,
        organization_id: Option<&str>,
        team_id: &str,
        user_id: &str,
        action: &str,
        denied: OrgError,
    ) -> Result<Team, AuthError> {
        let organization_id = org_or_active(organization_id, caller.session)?;
        let not_member = (OrgError::UserNotMember, Refusal::Invalid);
        self.member_allowed_to(
            &organization_id,
            &caller.user.id,
            not_member,
            ("member", action),
            denied,
        )
        .await?;
        self.membership(&organization_id, user_id, not_member.0, not_member.1).await?;
        self.team_in(&organization_id, team_id).await
    }
}
