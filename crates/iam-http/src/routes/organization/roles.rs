use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use iam_auth::use_cases::organization::roles::RoleRef;
use iam_domain::AuthError;
use serde_json::json;

use super::{query, role_json};
use crate::body::{Accepts, Fields, RawBody};
use crate::error::ApiError;
use crate::state::AuthState;

/// `{roleName}` or `{roleId}` (the name wins when both are given).
fn role_ref(name: Option<&str>, id: Option<&str>) -> Result<RoleRef, AuthError> {
    match (name.filter(|n| !n.is_empty()), id.filter(|i| !i.is_empty())) {
        (Some(name), _) => Ok(RoleRef::Name(name.to_owned())),
        (None, Some(id)) => Ok(RoleRef::Id(id.to_owned())),
        (None, None) => Err(AuthError::Validation(
            "[body.roleName] Invalid input: expected string, received undefined".into(),
        )),
    }
}

/// `POST /organization/create-role {role, permission, organizationId?}`
pub(crate) async fn create_role(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let organization_id = f.optional_string("organizationId");
    let role = f.string("role");
    let permission = f.permissions("permission");
    if permission.is_none() {
        f.invalid("permission", "Invalid input: expected record, received undefined");
    }
    f.finish()?;
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let permission = permission.unwrap_or_default();
    let view = state.service.create_role(caller, organization_id, role, permission).await?;
    Ok(HttpResponse::Ok().json(
        json!({ "success": true, "roleData": role_json(&view), "statements": view.permission }),
    ))
}

/// `POST /organization/update-role {roleName|roleId, data: {permission?, roleName?}, organizationId?}`
pub(crate) async fn update_role(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let organization_id = f.optional_string("organizationId");
    let name = f.optional_string("roleName");
    let id = f.optional_string("roleId");
    let mut d = f.nested("data");
    let permission = d.permissions("permission");
    let new_name = d.optional_string("roleName");
    f.finish()?;
    d.finish()?;
    let role = role_ref(name, id)?;
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let view =
        state.service.update_role(caller, organization_id, role, permission, new_name).await?;
    Ok(HttpResponse::Ok().json(json!({ "success": true, "roleData": role_json(&view) })))
}

/// `POST /organization/delete-role {roleName|roleId, organizationId?}`
pub(crate) async fn delete_role(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let organization_id = f.optional_string("organizationId");
    let name = f.optional_string("roleName");
    let id = f.optional_string("roleId");
    f.finish()?;
    let role = role_ref(name, id)?;
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    state.service.delete_role(caller, organization_id, role).await?;
    Ok(HttpResponse::Ok().json(json!({ "success": true })))
}

/// `GET /organization/list-roles?organizationId`
pub(crate) async fn list_roles(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let organization_id = query(&req, "organizationId");
    let roles = state.service.list_roles(caller, organization_id.as_deref()).await?;
    Ok(HttpResponse::Ok().json(roles.iter().map(role_json).collect::<Vec<_>>()))
}

/// `GET /organization/get-role?roleName|roleId&organizationId`
pub(crate) async fn get_role(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let name = query(&req, "roleName");
    let id = query(&req, "roleId");
    let role = role_ref(name.as_deref(), id.as_deref())?;
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let organization_id = query(&req, "organizationId");
    let view = state.service.get_role(caller, organization_id.as_deref(), role).await?;
    Ok(HttpResponse::Ok().json(role_json(&view)))
}
