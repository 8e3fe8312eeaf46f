//! The organization plugin's error vocabulary: Better Auth's codes and messages.
//!
//! Better Auth answers the same code with different statuses on different endpoints (not a
//! member is 400 on update, 403 on set-active, 401 on has-permission), so an error carries
//! a [`Refusal`] chosen by the use case; the HTTP adapter turns refusals into statuses.

/// How a request was refused, independent of HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The request is wrong or names something that does not exist (400).
    Invalid,
    /// The caller is not allowed, in the sense Better Auth reports as 401.
    Unauthenticated,
    /// The caller is known but not allowed (403).
    Forbidden,
    /// The feature or thing is not there (404).
    NotFound,
    /// The server is not configured for it (501).
    NotImplemented,
}

macro_rules! org_errors {
    ($($variant:ident => $code:literal, $message:literal;)*) => {
        /// One of Better Auth's organization error codes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum OrgError { $($variant,)* }

        impl OrgError {
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code,)* }
            }

            pub fn message(self) -> &'static str {
                match self { $(Self::$variant => $message,)* }
            }
        }
    };
}

org_errors! {
    NotAllowedToCreateOrganization => "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_ORGANIZATION", "You are not allowed to create a new organization";
    OrganizationLimitReached => "YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_ORGANIZATIONS", "You have reached the maximum number of organizations";
    OrganizationAlreadyExists => "ORGANIZATION_ALREADY_EXISTS", "Organization already exists";
    SlugTaken => "ORGANIZATION_SLUG_ALREADY_TAKEN", "Organization slug already taken";
    OrganizationNotFound => "ORGANIZATION_NOT_FOUND", "Organization not found";
    UserNotMember => "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION", "User is not a member of the organization";
    NotAllowedToUpdateOrganization => "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_ORGANIZATION", "You are not allowed to update this organization";
    NotAllowedToDeleteOrganization => "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION", "You are not allowed to delete this organization";
    OrganizationDeletionDisabled => "ORGANIZATION_DELETION_DISABLED", "Organization deletion is disabled";
    NoActiveOrganization => "NO_ACTIVE_ORGANIZATION", "No active organization";
    AlreadyMember => "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION", "User is already a member of this organization";
    MemberNotFound => "MEMBER_NOT_FOUND", "Member not found";
    RoleNotFound => "ROLE_NOT_FOUND", "Role not found";
    NotAllowedToCreateTeam => "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM", "You are not allowed to create a new team";
    TeamAlreadyExists => "TEAM_ALREADY_EXISTS", "Team already exists";
    TeamNotFound => "TEAM_NOT_FOUND", "Team not found";
    OnlyOwnerCannotLeave => "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER", "You cannot leave the organization as the only owner";
    CannotLeaveWithoutOwner => "YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER", "You cannot leave the organization without an owner";
    NotAllowedToDeleteMember => "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER", "You are not allowed to delete this member";
    NotAllowedToInvite => "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION", "You are not allowed to invite users to this organization";
    AlreadyInvited => "USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION", "User is already invited to this organization";
    InvitationNotFound => "INVITATION_NOT_FOUND", "Invitation not found";
    NotTheRecipient => "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION", "You are not the recipient of the invitation";
    VerificationRequiredToAnswer => "EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION", "Email verification required before accepting or rejecting invitation";
    VerificationRequiredToList => "EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION", "Email verification required to view or list invitations for the session email";
    NotAllowedToCancelInvitation => "YOU_ARE_NOT_ALLOWED_TO_CANCEL_THIS_INVITATION", "You are not allowed to cancel this invitation";
    NotAllowedToListInvitations => "YOU_ARE_NOT_ALLOWED_TO_LIST_INVITATIONS", "You are not allowed to list invitations for this organization";
    InviterNoLongerMember => "INVITER_IS_NO_LONGER_A_MEMBER_OF_THE_ORGANIZATION", "Inviter is no longer a member of the organization";
    NotAllowedToInviteWithRole => "YOU_ARE_NOT_ALLOWED_TO_INVITE_USER_WITH_THIS_ROLE", "You are not allowed to invite a user with this role";
    FailedToRetrieveInvitation => "FAILED_TO_RETRIEVE_INVITATION", "Failed to retrieve invitation";
    TeamLimitReached => "YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_TEAMS", "You have reached the maximum number of teams";
    UnableToRemoveLastTeam => "UNABLE_TO_REMOVE_LAST_TEAM", "Unable to remove last team";
    NotAllowedToUpdateMember => "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER", "You are not allowed to update this member";
    MembershipLimitReached => "ORGANIZATION_MEMBERSHIP_LIMIT_REACHED", "Organization membership limit reached";
    NotAllowedToCreateTeams => "YOU_ARE_NOT_ALLOWED_TO_CREATE_TEAMS_IN_THIS_ORGANIZATION", "You are not allowed to create teams in this organization";
    NotAllowedToDeleteTeams => "YOU_ARE_NOT_ALLOWED_TO_DELETE_TEAMS_IN_THIS_ORGANIZATION", "You are not allowed to delete teams in this organization";
    NotAllowedToUpdateTeam => "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_TEAM", "You are not allowed to update this team";
    NotAllowedToDeleteTeam => "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_TEAM", "You are not allowed to delete this team";
    InvitationLimitReached => "INVITATION_LIMIT_REACHED", "Invitation limit reached";
    TeamMemberLimitReached => "TEAM_MEMBER_LIMIT_REACHED", "Team member limit reached";
    NotTeamMember => "USER_IS_NOT_A_MEMBER_OF_THE_TEAM", "User is not a member of the team";
    CannotListTeamMembers => "YOU_CAN_NOT_ACCESS_THE_MEMBERS_OF_THIS_TEAM", "You are not allowed to list the members of this team";
    NoActiveTeam => "YOU_DO_NOT_HAVE_AN_ACTIVE_TEAM", "You do not have an active team";
    NotAllowedToAddTeamMember => "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM_MEMBER", "You are not allowed to create a new member";
    NotAllowedToRemoveTeamMember => "YOU_ARE_NOT_ALLOWED_TO_REMOVE_A_TEAM_MEMBER", "You are not allowed to remove a team member";
    NotAllowedToAccessOrganization => "YOU_ARE_NOT_ALLOWED_TO_ACCESS_THIS_ORGANIZATION", "You are not allowed to access this organization as an owner";
    NotAMemberOfThisOrganization => "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION", "You are not a member of this organization";
    MissingAcInstance => "MISSING_AC_INSTANCE", "Dynamic Access Control requires a pre-defined ac instance on the server auth plugin. Read server logs for more information";
    MustBeInOrganizationToCreateRole => "YOU_MUST_BE_IN_AN_ORGANIZATION_TO_CREATE_A_ROLE", "You must be in an organization to create a role";
    NotAllowedToCreateRole => "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE", "You are not allowed to create a role";
    NotAllowedToUpdateRole => "YOU_ARE_NOT_ALLOWED_TO_UPDATE_A_ROLE", "You are not allowed to update a role";
    NotAllowedToDeleteRole => "YOU_ARE_NOT_ALLOWED_TO_DELETE_A_ROLE", "You are not allowed to delete a role";
    NotAllowedToReadRole => "YOU_ARE_NOT_ALLOWED_TO_READ_A_ROLE", "You are not allowed to read a role";
    NotAllowedToListRoles => "YOU_ARE_NOT_ALLOWED_TO_LIST_A_ROLE", "You are not allowed to list a role";
    NotAllowedToGetRole => "YOU_ARE_NOT_ALLOWED_TO_GET_A_ROLE", "You are not allowed to get a role";
    TooManyRoles => "TOO_MANY_ROLES", "This organization has too many roles";
    InvalidResource => "INVALID_RESOURCE", "The provided permission includes an invalid resource";
    RoleNameTaken => "ROLE_NAME_IS_ALREADY_TAKEN", "That role name is already taken";
    CannotDeletePredefinedRole => "CANNOT_DELETE_A_PRE_DEFINED_ROLE", "Cannot delete a pre-defined role";
    RoleAssignedToMembers => "ROLE_IS_ASSIGNED_TO_MEMBERS", "Cannot delete a role that is assigned to members. Please reassign the members to a different role first";
    InvalidTeamId => "INVALID_TEAM_ID", "Team id contains a reserved character";
}
