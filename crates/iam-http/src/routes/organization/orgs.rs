use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use iam_auth::use_cases::organization::orgs::{
    ActiveChoice, CreateOrganization, OrganizationPatch,
};
use iam_domain::AuthError;
use iam_domain::organization::Refusal;
use serde_json::{Value, json};

use super::{
    MetadataAs, member_with_user_json, organization_json, query, refresh_cookie, signed_in,
};
use crate::body::{Accepts, Fields, RawBody};
use crate::error::ApiError;
use crate::state::AuthState;

/// `POST /organization/create {name, slug, logo?, metadata?, keepCurrentActiveOrganization?}`
pub(crate) async fn create(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let name = f.string("name");
    let slug = f.string("slug");
    let logo = f.nullable_string("logo").flatten();
    let metadata = f.optional_object("metadata");
    let keep = f.optional_bool("keepCurrentActiveOrganization").unwrap_or(false);
    if name.is_empty() {
        f.invalid("name", "Too small: expected string to have >=1 characters");
    }
    if slug.is_empty() {
        f.invalid("slug", "Too small: expected string to have >=1 characters");
    }
    f.finish()?;
    let auth = signed_in(&state, &req, AuthError::UnauthorizedNoBody).await?;
    let caller = auth.caller();
    let input = CreateOrganization {
        name: name.to_owned(),
        slug: slug.to_owned(),
        logo: logo.map(str::to_owned),
        metadata: metadata.map(|m| Value::Object(m.clone()).to_string()),
        keep_current_active: keep,
    };
    let (organization, owner) = state.service.create_organization(caller, input).await?;
    let mut out = organization_json(&organization, MetadataAs::Object);
    out.insert("members".into(), json!([owner]));
    Ok(HttpResponse::Ok().json(out))
}

/// `POST /organization/check-slug {slug}`
pub(crate) async fn check_slug(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let slug = f.string("slug");
    f.finish()?;
    state.guard.require(&req).await?;
    state.service.check_slug(slug).await?;
    Ok(HttpResponse::Ok().json(json!({ "status": true })))
}

/// `POST /organization/update {data: {name?, slug?, logo?, metadata?}, organizationId?}`
pub(crate) async fn update(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let organization_id = f.optional_string("organizationId");
    let mut d = f.nested("data");
    let name = d.optional_string("name");
    let slug = d.optional_string("slug");
    let logo = d.nullable_string("logo");
    let metadata = d.optional_object("metadata");
    f.finish()?;
    d.finish()?;
    let auth =
        signed_in(&state, &req, AuthError::OrgMessage(Refusal::Unauthenticated, "User not found"))
            .await?;
    let caller = auth.caller();
    let patch = OrganizationPatch {
        name: name.map(str::to_owned),
        slug: slug.map(str::to_owned),
        logo: logo.map(|l| l.map(str::to_owned)),
        metadata: metadata.map(|m| Value::Object(m.clone()).to_string()),
    };
    let organization = state.service.update_organization(caller, organization_id, patch).await?;
    Ok(HttpResponse::Ok().json(organization_json(&organization, MetadataAs::Object)))
}

/// `POST /organization/delete {organizationId}`
pub(crate) async fn delete(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::required(&body);
    let organization_id = f.string("organizationId");
    f.finish()?;
    if state.service.config().organization.disable_deletion {
        return Err(AuthError::org(
            iam_domain::organization::OrgError::OrganizationDeletionDisabled,
            Refusal::NotFound,
        )
        .into());
    }
    let auth = signed_in(&state, &req, AuthError::UnauthorizedNoBody).await?;
    let caller = auth.caller();
    let organization = state.service.delete_organization(caller, organization_id).await?;
    Ok(HttpResponse::Ok().json(organization_json(&organization, MetadataAs::Text)))
}

/// `POST /organization/set-active {organizationId?: string|null, organizationSlug?}`
pub(crate) async fn set_active(
    state: Data<AuthState>,
    req: HttpRequest,
    RawBody(bytes): RawBody,
) -> Result<HttpResponse, ApiError> {
    let body = state.post_body(&req, &bytes, Accepts::Json)?;
    let mut f = Fields::optional(&body);
    let id = f.nullable_string("organizationId");
    let slug = f.optional_string("organizationSlug");
    f.finish()?;
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let choice = match (id, slug) {
        (Some(None), _) => ActiveChoice::Clear,
        (Some(Some(id)), _) => ActiveChoice::Id(id.to_owned()),
        (None, Some(slug)) => ActiveChoice::Slug(slug.to_owned()),
        (None, None) => ActiveChoice::Current,
    };
    let (organization, refresh) = state.service.set_active_organization(caller, choice).await?;
    let mut response = HttpResponse::Ok();
    refresh_cookie(&mut response, &state, &req, &auth, refresh);
    Ok(match organization {
        Some(o) => response.json(organization_json(&o, MetadataAs::Text)),
        None => response.json(Value::Null),
    })
}

/// `GET /organization/get-organization?organizationId&organizationSlug`
pub(crate) async fn get_organization(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let id = query(&req, "organizationId");
    let slug = query(&req, "organizationSlug");
    let organization =
        state.service.get_organization(caller, id.as_deref(), slug.as_deref()).await?;
    Ok(match organization {
        Some(o) => HttpResponse::Ok().json(organization_json(&o, MetadataAs::Text)),
        None => HttpResponse::Ok().json(Value::Null),
    })
}

/// `GET /organization/get-full-organization?organizationId&organizationSlug&membersLimit`
pub(crate) async fn get_full_organization(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let id = query(&req, "organizationId");
    let slug = query(&req, "organizationSlug");
    let limit = query(&req, "membersLimit").and_then(|l| l.parse::<u64>().ok());
    let full =
        state.service.full_organization(caller, id.as_deref(), slug.as_deref(), limit).await?;
    let Some(full) = full else {
        return Ok(HttpResponse::Ok().json(Value::Null));
    };
    let mut out = organization_json(&full.organization, MetadataAs::Text);
    out.insert("invitations".into(), json!(full.invitations));
    out.insert(
        "members".into(),
        Value::Array(full.members.iter().map(member_with_user_json).collect()),
    );
    if let Some(teams) = full.teams {
        let teams: Vec<Value> = teams
            .iter()
            .map(|t| {
                let mut team = json!(t);
                team["memberCount"] = json!(t.member_count);
                team
            })
            .collect();
        out.insert("teams".into(), Value::Array(teams));
    }
    Ok(HttpResponse::Ok().json(out))
}

/// `GET /organization/list`
pub(crate) async fn list(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let auth = state.guard.require(&req).await?;
    let caller = auth.caller();
    let organizations = state.service.list_organizations(caller).await?;
    let out: Vec<_> =
        organizations.iter().map(|o| organization_json(o, MetadataAs::Text)).collect();
    Ok(HttpResponse::Ok().json(out))
}
