//! `/organization/*`: Better Auth's organization plugin. Handlers parse the request,
//! call one use case and shape the JSON; every rule lives in the use case.

mod invitations;
mod members;
mod orgs;
mod roles;
mod teams;

use actix_web::guard::{self, GuardContext};
use actix_web::web::{self, Data};
use actix_web::{HttpRequest, HttpResponseBuilder, Route};
use iam_auth::use_cases::organization::CookieRefresh;
use iam_auth::use_cases::organization::roles::RoleView;
use iam_domain::AuthError;
use iam_domain::organization::{MemberWithUser, Organization};
use serde_json::{Map, Value, json};

use super::resource;
use crate::guard::Authenticated;
use crate::reply::reissue_session_cookie;
use crate::state::AuthState;

/// Which part of the plugin a route belongs to; routes of a part that is off answer the
/// bare 404 of an unknown path, as Better Auth does.
#[derive(Clone, Copy)]
enum Part {
    Core,
    Teams,
    Roles,
}

fn org_resource(path: &str, route: Route, part: Part) -> actix_web::Resource {
    let on = move |ctx: &GuardContext<'_>| {
        ctx.app_data::<Data<AuthState>>().is_some_and(|s| {
            let config = &s.service.config().organization;
            config.enabled
                && match part {
                    Part::Core => true,
                    Part::Teams => config.teams.enabled,
                    Part::Roles => config.dynamic_roles.enabled,
                }
        })
    };
    resource(path, route).guard(guard::fn_guard(on))
}

pub(crate) fn configure(scope: actix_web::Scope) -> actix_web::Scope {
    use Part::*;
    let routes: [(&str, Route, Part); 36] = [
        ("/organization/create", web::post().to(orgs::create), Core),
        ("/organization/check-slug", web::post().to(orgs::check_slug), Core),
        ("/organization/update", web::post().to(orgs::update), Core),
        ("/organization/delete", web::post().to(orgs::delete), Core),
        ("/organization/set-active", web::post().to(orgs::set_active), Core),
        ("/organization/get-organization", web::get().to(orgs::get_organization), Core),
        ("/organization/get-full-organization", web::get().to(orgs::get_full_organization), Core),
        ("/organization/list", web::get().to(orgs::list), Core),
        ("/organization/invite-member", web::post().to(invitations::invite_member), Core),
        ("/organization/get-invitation", web::get().to(invitations::get_invitation), Core),
        ("/organization/list-invitations", web::get().to(invitations::list_invitations), Core),
        (
            "/organization/list-user-invitations",
            web::get().to(invitations::list_user_invitations),
            Core,
        ),
        ("/organization/accept-invitation", web::post().to(invitations::accept_invitation), Core),
        ("/organization/reject-invitation", web::post().to(invitations::reject_invitation), Core),
        ("/organization/cancel-invitation", web::post().to(invitations::cancel_invitation), Core),
        ("/organization/list-members", web::get().to(members::list_members), Core),
        ("/organization/get-active-member", web::get().to(members::get_active_member), Core),
        (
            "/organization/get-active-member-role",
            web::get().to(members::get_active_member_role),
            Core,
        ),
        ("/organization/remove-member", web::post().to(members::remove_member), Core),
        ("/organization/update-member-role", web::post().to(members::update_member_role), Core),
        ("/organization/leave", web::post().to(members::leave), Core),
        ("/organization/has-permission", web::post().to(members::has_permission), Core),
        ("/organization/create-team", web::post().to(teams::create_team), Teams),
        ("/organization/update-team", web::post().to(teams::update_team), Teams),
        ("/organization/remove-team", web::post().to(teams::remove_team), Teams),
        ("/organization/list-teams", web::get().to(teams::list_teams), Teams),
        ("/organization/set-active-team", web::post().to(teams::set_active_team), Teams),
        ("/organization/list-user-teams", web::get().to(teams::list_user_teams), Teams),
        ("/organization/list-team-members", web::get().to(teams::list_team_members), Teams),
        ("/organization/add-team-member", web::post().to(teams::add_team_member), Teams),
        ("/organization/remove-team-member", web::post().to(teams::remove_team_member), Teams),
        ("/organization/create-role", web::post().to(roles::create_role), Roles),
        ("/organization/update-role", web::post().to(roles::update_role), Roles),
        ("/organization/delete-role", web::post().to(roles::delete_role), Roles),
        ("/organization/list-roles", web::get().to(roles::list_roles), Roles),
        ("/organization/get-role", web::get().to(roles::get_role), Roles),
    ];
    routes
        .into_iter()
        .fold(scope, |scope, (path, route, part)| scope.service(org_resource(path, route, part)))
}

/// The signed-in caller; `missing` is what Better Auth answers this endpoint without one.
async fn signed_in(
    state: &AuthState,
    req: &HttpRequest,
    missing: AuthError,
) -> Result<Authenticated, AuthError> {
    match state.guard.require(req).await {
        Err(AuthError::Unauthorized) => Err(missing),
        other => other,
    }
}

/// A query parameter, empty treated as absent.
fn query(req: &HttpRequest, name: &str) -> Option<String> {
    crate::csrf::query_param(req, name).filter(|v| !v.is_empty())
}

/// Re-sends the session cookie when the use case changed what the session carries.
fn refresh_cookie(
    response: &mut HttpResponseBuilder,
    state: &AuthState,
    req: &HttpRequest,
    auth: &Authenticated,
    refresh: CookieRefresh,
) {
    if refresh == CookieRefresh::Resend {
        reissue_session_cookie(response, state, req, &auth.session.token);
    }
}

/// How an endpoint shows `metadata`: create/update parse it into an object (and leave the
/// key out when there is none); every read returns the stored JSON text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum MetadataAs {
    Object,
    Text,
}

fn organization_json(o: &Organization, metadata: MetadataAs) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("id".into(), json!(o.id));
    out.insert("name".into(), json!(o.name));
    out.insert("slug".into(), json!(o.slug));
    out.insert("logo".into(), json!(o.logo));
    out.insert("createdAt".into(), json!(iso(o.created_at)));
    match metadata {
        MetadataAs::Text => {
            out.insert("metadata".into(), json!(o.metadata));
        }
        MetadataAs::Object => {
            if let Some(parsed) =
                o.metadata.as_deref().and_then(|m| serde_json::from_str::<Value>(m).ok())
            {
                out.insert("metadata".into(), parsed);
            }
        }
    }
    out
}

fn iso(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn member_with_user_json(m: &MemberWithUser) -> Value {
    let mut out = match serde_json::to_value(&m.member) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    out.insert("user".into(), json!(m.user));
    Value::Object(out)
}

fn role_json(view: &RoleView) -> Value {
    let r = &view.role;
    json!({
        "id": r.id,
        "organizationId": r.organization_id,
        "role": r.role,
        "permission": view.permission,
        "createdAt": iso(r.created_at),
        "updatedAt": r.updated_at.map(iso),
    })
}
