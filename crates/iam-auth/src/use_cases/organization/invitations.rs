//! Inviting people by email, and the invitee's answers.

use iam_domain::organization::repository::Acceptance;
use iam_domain::organization::{
    Invitation, InvitationStatus, Member, OrgError, Organization, Refusal, TeamMember, split_roles,
};
use iam_domain::{AuthError, User};

use super::{Caller, CookieRefresh, forbidden, invalid, normalize_roles, target_org};
use crate::crypto::generate_id;
use crate::mail::MailKind;
use crate::service::AuthService;
use crate::use_cases::mailing::human_duration;

pub struct InviteMember {
    pub email: String,
    pub roles: Vec<String>,
    pub organization_id: Option<String>,
    pub resend: bool,
    pub team_ids: Vec<String>,
}

/// An invitation with what its recipient sees of the organization and inviter.
pub struct InvitationDetails {
    pub invitation: Invitation,
    pub organization_name: String,
    pub organization_slug: String,
    pub inviter_email: String,
}

impl AuthService {
    pub async fn invite_member(
        &self,
        caller: Caller<'_>,
        input: InviteMember,
    ) -> Result<Invitation, AuthError> {
        let config = &self.config.organization;
        let organization_id = target_org(input.organization_id.as_deref(), caller.session)
            .ok_or_else(|| invalid(OrgError::OrganizationNotFound))?;
        let email = input.email.to_lowercase();
        if iam_domain::values::Email::parse(&email).is_none() {
            return Err(AuthError::InvalidEmail);
        }
        let inviter = self
            .member_allowed_to(
                &organization_id,
                &caller.user.id,
                (OrgError::MemberNotFound, Refusal::Invalid),
                ("invitation", "create"),
                OrgError::NotAllowedToInvite,
            )
            .await?;
        let roles = normalize_roles(&input.roles);
        if roles.is_empty() {
            return Err(invalid(OrgError::RoleNotFound));
        }
        let unknown = self.unknown_roles(&organization_id, &roles).await?;
        if !unknown.is_empty() {
            return Err(AuthError::OrgRoleNotFound {
                message: format!("ROLE_NOT_FOUND: {}", unknown.join(", ")),
                with_code: false,
            });
        }
        let creator = &config.creator_role;
        if roles.contains(creator) && !self.is_creator(&inviter) {
            return Err(forbidden(OrgError::NotAllowedToInviteWithRole));
        }
        if self.orgs().find_member_by_email(&organization_id, &email).await?.is_some() {
            return Err(invalid(OrgError::AlreadyMember));
        }
        let now = self.clock.now();
        let pending = self.orgs().pending_invitations(&organization_id, &email, now).await?;
        if !pending.is_empty() && !input.resend && !config.cancel_pending_invitations_on_reinvite {
            return Err(invalid(OrgError::AlreadyInvited));
        }
        let organization = self
            .orgs()
            .find(&organization_id)
            .await?
            .ok_or_else(|| invalid(OrgError::OrganizationNotFound))?;
        let expires_at = now + config.invitation_expires_in;

        if input.resend
            && let Some(mut existing) = pending.into_iter().next()
        {
            // Resending extends the invitation as it is; its role and teams stay.
            if split_roles(&existing.role).any(|r| r == creator) && !self.is_creator(&inviter) {
                return Err(forbidden(OrgError::NotAllowedToInviteWithRole));
            }
            self.orgs().extend_invitation(&existing.id, expires_at).await?;
            existing.expires_at = expires_at;
            self.send_invitation(&existing, &organization, caller.user).await?;
            return Ok(existing);
        }

        if self.orgs().count_pending_invitations(&organization_id, now).await?
            >= config.invitation_limit
        {
            return Err(forbidden(OrgError::InvitationLimitReached));
        }
        let team_ids = if config.teams.enabled {
            self.invitation_teams(&organization_id, &input.team_ids).await?
        } else {
            Vec::new()
        };
        let invitation = Invitation {
            id: generate_id(),
            organization_id,
            email,
            role: roles.join(","),
            team_id: (!team_ids.is_empty()).then(|| team_ids.join(",")),
            status: InvitationStatus::Pending,
            expires_at,
            created_at: now,
            inviter_id: caller.user.id.clone(),
        };
        self.orgs()
            .create_invitation(&invitation, config.cancel_pending_invitations_on_reinvite)
            .await?;
        self.send_invitation(&invitation, &organization, caller.user).await?;
        Ok(invitation)
    }

    /// Checks the teams an invitation names: no reserved character, each in the
    /// organization, each with room.
    async fn invitation_teams(
        &self,
        organization_id: &str,
        team_ids: &[String],
    ) -> Result<Vec<String>, AuthError> {
        let team_ids: Vec<String> = team_ids.iter().filter(|t| !t.is_empty()).cloned().collect();
        if team_ids.iter().any(|t| t.contains(',')) {
            return Err(invalid(OrgError::InvalidTeamId));
        }
        for team_id in &team_ids {
            let team = self.orgs().find_team(team_id).await?;
            if team.is_none_or(|t| t.organization_id != organization_id) {
                return Err(invalid(OrgError::TeamNotFound));
            }
            if let Some(max) = self.config.organization.teams.maximum_members_per_team
                && self.orgs().count_team_members(team_id).await? >= max
            {
                return Err(forbidden(OrgError::TeamMemberLimitReached));
            }
        }
        Ok(team_ids)
    }

    async fn send_invitation(
        &self,
        invitation: &Invitation,
        organization: &Organization,
        inviter: &User,
    ) -> Result<(), AuthError> {
        let url = self.config.organization.invitation_url.replace("{id}", &invitation.id);
        let expires_in = human_duration(self.config.organization.invitation_expires_in);
        self.send_mail(
            MailKind::Invitation,
            &invitation.email,
            None,
            &[
                ("url", url.as_str()),
                ("inviter_name", inviter.name.as_str()),
                ("inviter_email", inviter.email.as_str()),
                ("organization_name", organization.name.as_str()),
                ("role", invitation.role.as_str()),
                ("email", invitation.email.as_str()),
                ("expires_in", expires_in.as_str()),
            ],
        )
        .await
    }

    /// The recipient's view of a pending invitation.
    pub async fn get_invitation(
        &self,
        caller: Caller<'_>,
        id: &str,
    ) -> Result<InvitationDetails, AuthError> {
        let invitation = self
            .orgs()
            .find_invitation(id)
            .await?
            .filter(|i| i.is_open(self.clock.now()))
            .ok_or_else(|| invalid(OrgError::InvitationNotFound))?;
        self.check_recipient(caller.user, &invitation, OrgError::VerificationRequiredToList)?;
        let organization = self
            .orgs()
            .find(&invitation.organization_id)
            .await?
            .ok_or_else(|| invalid(OrgError::OrganizationNotFound))?;
        let inviter = self
            .orgs()
            .member_with_user(&invitation.organization_id, &invitation.inviter_id)
            .await?
            .ok_or_else(|| invalid(OrgError::InviterNoLongerMember))?;
        Ok(InvitationDetails {
            organization_name: organization.name,
            organization_slug: organization.slug,
            inviter_email: inviter.user.email,
            invitation,
        })
    }

    fn check_recipient(
        &self,
        user: &User,
        invitation: &Invitation,
        unverified: OrgError,
    ) -> Result<(), AuthError> {
        if !invitation.email.eq_ignore_ascii_case(&user.email) {
            return Err(forbidden(OrgError::NotTheRecipient));
        }
        if self.config.organization.require_email_verification_on_invitation && !user.email_verified
        {
            return Err(forbidden(unverified));
        }
        Ok(())
    }

    /// Every invitation of the organization, for members who may invite.
    pub async fn list_invitations(
        &self,
        caller: Caller<'_>,
        organization_id: Option<&str>,
    ) -> Result<Vec<Invitation>, AuthError> {
        let organization_id = target_org(organization_id, caller.session)
            .ok_or(AuthError::OrgMessage(Refusal::Invalid, "Organization ID is required"))?;
        let me = self.orgs().find_member(&organization_id, &caller.user.id).await?.ok_or(
            AuthError::OrgMessage(Refusal::Forbidden, "You are not a member of this organization"),
        )?;
        self.require_permission(
            &me,
            "invitation",
            "create",
            OrgError::NotAllowedToListInvitations,
            Refusal::Forbidden,
        )
        .await?;
        let all = self.orgs().list_invitations(&organization_id).await?;
        Ok(self.hide_creator_invitations(&me, all))
    }

    /// Pending invitations addressed to the caller (verified addresses only).
    pub async fn list_user_invitations(
        &self,
        caller: Caller<'_>,
    ) -> Result<Vec<(Invitation, Organization)>, AuthError> {
        if !caller.user.email_verified {
            return Err(forbidden(OrgError::VerificationRequiredToList));
        }
        Ok(self
            .orgs()
            .list_invitations_for_email(&caller.user.email.to_lowercase(), self.clock.now())
            .await?)
    }

    /// Joins the organization. Of concurrent accepts only one writes; the others find the
    /// invitation no longer pending.
    pub async fn accept_invitation(
        &self,
        caller: Caller<'_>,
        invitation_id: &str,
    ) -> Result<(Invitation, Member, CookieRefresh), AuthError> {
        let config = &self.config.organization;
        let now = self.clock.now();
        let mut invitation = self
            .orgs()
            .find_invitation(invitation_id)
            .await?
            .filter(|i| i.is_open(now))
            .ok_or_else(|| invalid(OrgError::InvitationNotFound))?;
        self.check_recipient(caller.user, &invitation, OrgError::VerificationRequiredToAnswer)?;
        let organization_id = invitation.organization_id.clone();
        let members = self.orgs().count_members(&organization_id).await?;
        if self.orgs().find(&organization_id).await?.is_none() {
            return Err(invalid(OrgError::OrganizationNotFound));
        }
        if members >= config.membership_limit {
            return Err(forbidden(OrgError::MembershipLimitReached));
        }
        // Better Auth would add a second membership here; one per user is the invariant.
        if self.orgs().find_member(&organization_id, &caller.user.id).await?.is_some() {
            return Err(invalid(OrgError::AlreadyMember));
        }
        let mut team_members = Vec::new();
        if config.teams.enabled {
            for team_id in invitation.team_ids() {
                let team = self.orgs().find_team(team_id).await?;
                if team.is_none_or(|t| t.organization_id != organization_id) {
                    return Err(invalid(OrgError::TeamNotFound));
                }
                if let Some(max) = config.teams.maximum_members_per_team
                    && self.orgs().count_team_members(team_id).await? >= max
                {
                    return Err(forbidden(OrgError::TeamMemberLimitReached));
                }
                team_members.push(TeamMember {
                    id: generate_id(),
                    team_id: team_id.to_owned(),
                    user_id: caller.user.id.clone(),
                    created_at: Some(now),
                });
            }
        }
        let single_team = (team_members.len() == 1).then(|| team_members[0].team_id.clone());
        let member = Member {
            id: generate_id(),
            organization_id: organization_id.clone(),
            user_id: caller.user.id.clone(),
            role: invitation.role.clone(),
            created_at: now,
        };
        let acceptance = Acceptance {
            invitation_id: invitation.id.clone(),
            member: member.clone(),
            team_members,
            session_token: caller.session.token.clone(),
            active_team_id: single_team.clone().or_else(|| caller.session.active_team_id.clone()),
        };
        if !self.orgs().accept_invitation(&acceptance).await? {
            return Err(invalid(OrgError::InvitationNotFound));
        }
        invitation.status = InvitationStatus::Accepted;
        let cookie =
            if single_team.is_some() { CookieRefresh::Resend } else { CookieRefresh::Keep };
        Ok((invitation, member, cookie))
    }

    pub async fn reject_invitation(
        &self,
        caller: Caller<'_>,
        invitation_id: &str,
    ) -> Result<Invitation, AuthError> {
        let mut invitation = self
            .orgs()
            .find_invitation(invitation_id)
            .await?
            .filter(|i| i.status == InvitationStatus::Pending)
            .ok_or_else(not_found_bang)?;
        self.check_recipient(caller.user, &invitation, OrgError::VerificationRequiredToAnswer)?;
        if self.orgs().find(&invitation.organization_id).await?.is_none() {
            return Err(invalid(OrgError::OrganizationNotFound));
        }
        if !self.orgs().answer_invitation(&invitation.id, InvitationStatus::Rejected).await? {
            return Err(not_found_bang());
        }
        invitation.status = InvitationStatus::Rejected;
        Ok(invitation)
    }

    pub async fn cancel_invitation(
        &self,
        caller: Caller<'_>,
        invitation_id: &str,
    ) -> Result<Invitation, AuthError> {
        let mut invitation = self
            .orgs()
            .find_invitation(invitation_id)
            .await?
            .ok_or_else(|| invalid(OrgError::InvitationNotFound))?;
        self.member_allowed_to(
            &invitation.organization_id,
            &caller.user.id,
            (OrgError::MemberNotFound, Refusal::Invalid),
            ("invitation", "cancel"),
            OrgError::NotAllowedToCancelInvitation,
        )
        .await?;
        // Only a pending invitation can be withdrawn; an answered one keeps its answer.
        if !self.orgs().answer_invitation(&invitation.id, InvitationStatus::Canceled).await? {
            return Err(invalid(OrgError::InvitationNotFound));
        }
        invitation.status = InvitationStatus::Canceled;
        Ok(invitation)
    }
}

/// reject-invitation's variant of the message ("Invitation not found!").
fn not_found_bang() -> AuthError {
    AuthError::OrgCoded(Refusal::Invalid, OrgError::InvitationNotFound, "Invitation not found!")
}
