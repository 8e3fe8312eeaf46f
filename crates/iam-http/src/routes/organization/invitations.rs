use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use iam_auth::use_cases::organization::invitations::InviteMember;
use iam_domain::AuthError;
use iam_domain::organization::Refusal;
use serde_json::{Map, Value, json};

use super::{query, refresh_cookie, signed_in};
use crate::body::{Accepts, Fields, RawBody};
use crate::error::ApiError;
use crate::state::AuthState;

fn object(value: impl serde::Serialize) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// `POST /organization/invite-member {email, role, organizationId?, resend?, teamId?}`
pub(crate) async fn invite_member(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let email = f.string("email");
    let roles = f.string_or_strings("role");
    if roles.is_none() {
        f.invalid("role", "Invalid input");
    }
    let organization_id = f.optional_string("organizationId");
    let resend = f.optional_bool("resend").unwrap_or(false);
    let team_ids = f.string_or_strings("teamId").unwrap_or_default();
    f.finish()?;
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let input = InviteMember {
        email: email.to_owned(),
        roles: roles.unwrap_or_default(),
        organization_id: organization_id.map(str::to_owned),
        resend,
        team_ids,
    };
    let invitation = state.service.invite_member(caller, input).await?;
    Ok(HttpResponse::Ok().json(invitation))
}

/// `GET /organization/get-invitation?id`
pub(crate) async fn get_invitation(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let auth = signed_in(
        &state,
        &req,
        AuthError::OrgMessage(Refusal::Unauthenticated, "Not authenticated"),
    )
    .await?;
    let caller = auth.caller();
    let id = query(&req, "id").unwrap_or_default();
    let details = state.service.get_invitation(caller, &id).await?;
    let mut out = object(&details.invitation);
    out.insert("organizationName".into(), json!(details.organization_name));
    out.insert("organizationSlug".into(), json!(details.organization_slug));
    out.insert("inviterEmail".into(), json!(details.inviter_email));
    Ok(HttpResponse::Ok().json(out))
}

/// `GET /organization/list-invitations?organizationId`
pub(crate) async fn list_invitations(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let organization_id = query(&req, "organizationId");
    let invitations = state.service.list_invitations(caller, organization_id.as_deref()).await?;
    Ok(HttpResponse::Ok().json(invitations))
}

/// `GET /organization/list-user-invitations`: the caller's pending invitations.
pub(crate) async fn list_user_invitations(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    if crate::csrf::query_param(&req, "email").is_some() {
        return Err(AuthError::OrgMessage(
            Refusal::Invalid,
            "User email cannot be passed for client side API calls.",
        )
        .into());
    }
    let missing = AuthError::OrgMessage(
        Refusal::Invalid,
        "Missing session headers, or email query parameter.",
    );
    let auth = signed_in(&state, &req, missing).await?;
    let caller = auth.caller();
    let invitations = state.service.list_user_invitations(caller).await?;
    let out: Vec<_> = invitations
        .iter()
        .map(|(invitation, organization)| {
            let mut row = object(invitation);
            row.insert("organizationName".into(), json!(organization.name));
            row
        })
        .collect();
    Ok(HttpResponse::Ok().json(out))
}

fn invitation_id(
    state: &AuthState,
    req: &HttpRequest,
    bytes: &actix_web::web::Bytes,
) -> Result<String, AuthError> {
    let body = state.post_body(req, bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let id = f.string("invitationId").to_owned();
    f.finish()?;
    Ok(id)
}

/// `POST /organization/accept-invitation {invitationId}`
pub(crate) async fn accept_invitation(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let id = invitation_id(&state, &req, &bytes)?;
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let (invitation, member, refresh) = state.service.accept_invitation(caller, &id).await?;
    let mut response = HttpResponse::Ok();
    refresh_cookie(&mut response, &state, &req, &auth, refresh);
    Ok(response.json(json!({ "invitation": invitation, "member": member })))
}

/// `POST /organization/reject-invitation {invitationId}`
pub(crate) async fn reject_invitation(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let id = invitation_id(&state, &req, &bytes)?;
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let invitation = state.service.reject_invitation(caller, &id).await?;
    Ok(HttpResponse::Ok().json(json!({ "invitation": invitation, "member": null })))
}

/// `POST /organization/cancel-invitation {invitationId}`
pub(crate) async fn cancel_invitation(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let id = invitation_id(&state, &req, &bytes)?;
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let invitation = state.service.cancel_invitation(caller, &id).await?;
    Ok(HttpResponse::Ok().json(invitation))
}
