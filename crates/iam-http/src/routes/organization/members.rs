use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use iam_auth::use_cases::organization::members::Removed;
use iam_domain::AuthError;
use iam_domain::organization::repository::{
    FilterOperator, MemberField, MemberFilter, MemberQuery, SortDirection,
};
use serde_json::json;

use super::{member_with_user_json, query};
use crate::body::{Accepts, Fields, RawBody};
use crate::error::ApiError;
use crate::state::AuthState;

/// `GET /organization/list-members?limit&offset&sortBy&sortDirection&filterField&filterValue&filterOperator&organizationId&organizationSlug`
pub(crate) async fn list_members(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let number = |name: &str| -> Result<u64, AuthError> {
        match query(&req, name) {
            None => Ok(0),
            Some(raw) => raw.parse::<u64>().map_err(|_| {
                AuthError::Validation(format!("[query.{name}] Invalid input: expected number"))
            }),
        }
    };
    let field = |name: &str| -> Result<Option<MemberField>, AuthError> {
        query(&req, name)
            .map(|raw| {
                MemberField::parse(&raw).ok_or_else(|| {
                    AuthError::Validation(format!("[query.{name}] Invalid field: {raw}"))
                })
            })
            .transpose()
    };
    let sort_direction = match query(&req, "sortDirection").as_deref() {
        None | Some("asc") => SortDirection::Asc,
        Some("desc") => SortDirection::Desc,
        Some(_) => {
            return Err(AuthError::Validation(
                "[query.sortDirection] Invalid option: expected one of \"asc\"|\"desc\"".into(),
            )
            .into());
        }
    };
    let filter = match field("filterField")? {
        None => None,
        Some(field) => {
            let operator = match query(&req, "filterOperator") {
                None => FilterOperator::Eq,
                Some(raw) => FilterOperator::parse(&raw).ok_or_else(|| {
                    AuthError::Validation(format!("[query.filterOperator] Invalid option: {raw}"))
                })?,
            };
            Some(MemberFilter {
                field,
                operator,
                value: query(&req, "filterValue").unwrap_or_default(),
            })
        }
    };
    let member_query = MemberQuery {
        limit: number("limit")?,
        offset: number("offset")?,
        sort_by: field("sortBy")?,
        sort_direction,
        filter,
    };
    let organization_id = query(&req, "organizationId");
    let slug = query(&req, "organizationSlug");
    let page = state
        .service
        .list_members(caller, organization_id.as_deref(), slug.as_deref(), member_query)
        .await?;
    let members: Vec<_> = page.members.iter().map(member_with_user_json).collect();
    Ok(HttpResponse::Ok().json(json!({ "members": members, "total": page.total })))
}

/// `GET /organization/get-active-member`
pub(crate) async fn get_active_member(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let member = state.service.get_active_member(caller).await?;
    Ok(HttpResponse::Ok().json(member_with_user_json(&member)))
}

/// `GET /organization/get-active-member-role?userId&organizationId&organizationSlug`
pub(crate) async fn get_active_member_role(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let user_id = query(&req, "userId");
    let organization_id = query(&req, "organizationId");
    let slug = query(&req, "organizationSlug");
    let role = state
        .service
        .get_active_member_role(
            caller,
            user_id.as_deref(),
            organization_id.as_deref(),
            slug.as_deref(),
        )
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "role": role })))
}

/// `POST /organization/remove-member {memberIdOrEmail, organizationId?}`
pub(crate) async fn remove_member(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let target = f.string("memberIdOrEmail");
    let organization_id = f.optional_string("organizationId");
    f.finish()?;
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let removed = state.service.remove_member(caller, target, organization_id).await?;
    let member = match &removed {
        Removed::ById(member) => json!(member),
        Removed::ByEmail(member) => member_with_user_json(member),
    };
    Ok(HttpResponse::Ok().json(json!({ "member": member })))
}

/// `POST /organization/update-member-role {role, memberId, organizationId?}`
pub(crate) async fn update_member_role(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let roles = f.string_or_strings("role");
    if roles.is_none() {
        f.invalid("role", "Invalid input");
    }
    let member_id = f.string("memberId");
    let organization_id = f.optional_string("organizationId");
    f.finish()?;
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let roles = roles.unwrap_or_default();
    let member =
        state.service.update_member_role(caller, member_id, &roles, organization_id).await?;
    Ok(HttpResponse::Ok().json(member))
}

/// `POST /organization/leave {organizationId}`
pub(crate) async fn leave(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let organization_id = f.string("organizationId");
    f.finish()?;
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let member = state.service.leave_organization(caller, organization_id).await?;
    Ok(HttpResponse::Ok().json(member_with_user_json(&member)))
}

/// `POST /organization/has-permission {permissions, organizationId?}`. The deprecated
/// `permission` key is accepted and, as in Better Auth, grants nothing.
pub(crate) async fn has_permission(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let organization_id = f.optional_string("organizationId");
    let permissions = f.permissions("permissions");
    let legacy = f.permissions("permission");
    if permissions.is_some() == legacy.is_some() {
        f.invalid("permissions", "Invalid input");
    }
    f.finish()?;
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let requested = permissions.unwrap_or_default();
    let success = state.service.has_permission(caller, organization_id, &requested).await?;
    Ok(HttpResponse::Ok().json(json!({ "error": null, "success": success })))
}
