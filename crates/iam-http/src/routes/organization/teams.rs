use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use iam_auth::use_cases::organization::teams::TeamChoice;
use iam_domain::AuthError;
use serde_json::json;

use super::{query, refresh_cookie, signed_in};
use crate::body::{Accepts, Fields, RawBody};
use crate::error::ApiError;
use crate::state::AuthState;

/// `POST /organization/create-team {name, organizationId?}`
pub(crate) async fn create_team(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let name = f.string("name");
    let organization_id = f.optional_string("organizationId");
    f.finish()?;
    let auth = signed_in(&state, &req, AuthError::UnauthorizedNoBody).await?;
    let caller = auth.caller();
    let team = state.service.create_team(caller, name.to_owned(), organization_id).await?;
    Ok(HttpResponse::Ok().json(team))
}

/// `POST /organization/update-team {teamId, data: {name?, organizationId?}}`
pub(crate) async fn update_team(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let team_id = f.string("teamId");
    let mut d = f.nested("data");
    let name = d.optional_string("name");
    if name == Some("") {
        d.invalid("name", "Too small: expected string to have >=1 characters");
    }
    let organization_id = d.optional_string("organizationId");
    f.finish()?;
    d.finish()?;
    let name = name.map(str::to_owned);
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let team = state.service.update_team(caller, team_id, name, organization_id).await?;
    Ok(HttpResponse::Ok().json(team))
}

/// `POST /organization/remove-team {teamId, organizationId?}`
pub(crate) async fn remove_team(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let team_id = f.string("teamId");
    let organization_id = f.optional_string("organizationId");
    f.finish()?;
    let auth = signed_in(&state, &req, AuthError::UnauthorizedNoBody).await?;
    let caller = auth.caller();
    state.service.remove_team(caller, team_id, organization_id).await?;
    Ok(HttpResponse::Ok().json(json!({ "message": "Team removed successfully." })))
}

/// `GET /organization/list-teams?organizationId`
pub(crate) async fn list_teams(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let organization_id = query(&req, "organizationId");
    let teams = state.service.list_teams(caller, organization_id.as_deref()).await?;
    Ok(HttpResponse::Ok().json(teams))
}

/// `POST /organization/set-active-team {teamId?: string|null}`
pub(crate) async fn set_active_team(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::optional(&body);
    let team_id = f.nullable_string("teamId");
    f.finish()?;
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let choice = match team_id {
        Some(None) => TeamChoice::Clear,
        Some(Some(id)) if !id.is_empty() => TeamChoice::Id(id.to_owned()),
        _ => TeamChoice::Current,
    };
    let (team, refresh) = state.service.set_active_team(caller, choice).await?;
    let mut response = HttpResponse::Ok();
    refresh_cookie(&mut response, &state, &req, &auth, refresh);
    Ok(response.json(team))
}

/// `GET /organization/list-user-teams?userId&organizationId`
pub(crate) async fn list_user_teams(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let user_id = query(&req, "userId");
    let organization_id = query(&req, "organizationId");
    let teams = state
        .service
        .list_user_teams(caller, user_id.as_deref(), organization_id.as_deref())
        .await?;
    Ok(HttpResponse::Ok().json(teams))
}

/// `GET /organization/list-team-members?teamId`
pub(crate) async fn list_team_members(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let team_id = query(&req, "teamId");
    let members = state.service.list_team_members(caller, team_id.as_deref()).await?;
    Ok(HttpResponse::Ok().json(members))
}

fn team_and_user(
    state: &AuthState,
    req: &HttpRequest,
    bytes: &actix_web::web::Bytes,
) -> Result<(String, String, Option<String>), AuthError> {
    let body = state.post_body(req, bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let team_id = f.string("teamId").to_owned();
    let user_id = f.string("userId").to_owned();
    let organization_id = f.optional_string("organizationId").map(str::to_owned);
    f.finish()?;
    Ok((team_id, user_id, organization_id))
}

/// `POST /organization/add-team-member {teamId, userId, organizationId?}`
pub(crate) async fn add_team_member(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let (team_id, user_id, organization_id) = team_and_user(&state, &req, &bytes)?;
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let member = state
        .service
        .add_team_member(caller, &team_id, &user_id, organization_id.as_deref())
        .await?;
    Ok(HttpResponse::Ok().json(member))
}

/// `POST /organization/remove-team-member {teamId, userId, organizationId?}`
pub(crate) async fn remove_team_member(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let (team_id, user_id, organization_id) = team_and_user(&state, &req, &bytes)?;
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    state
        .service
        .remove_team_member(caller, &team_id, &user_id, organization_id.as_deref())
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "message": "Team member removed successfully." })))
}
