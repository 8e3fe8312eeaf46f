//! Organizations over HTTP: create, invite by mail (received by a real SMTP server),
//! accept, roles and their limits, teams, custom roles, deletion, and concurrent accepts.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::email::with_mail;
use crate::helpers::{
    Backend, Browser, TestApp, assert_error, cookie_named, set_cookies, unique_email,
};

db_tests!(
    invite_accept_and_owner_rules,
    deleting_an_organization_removes_members_and_invitations,
    concurrent_accepts_make_one_member,
    invitation_rules,
    teams_and_the_active_team,
    custom_roles,
    bad_input_and_switches,
    personal_organization_policy,
    limits_from_configuration,
    invitation_into_a_team_and_lookups,
);

const TEAMS: (&str, &str) = ("ORGANIZATION_TEAMS_ENABLED", "true");
const ROLES: (&str, &str) = ("ORGANIZATION_DYNAMIC_ROLES_ENABLED", "true");

async fn json_of(res: reqwest::Response) -> Value {
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(status, StatusCode::OK, "body: {body}");
    body
}

async fn signed_up(app: &TestApp, tag: &str) -> (Browser, String) {
    let browser = app.browser();
    let email = unique_email(tag);
    browser.sign_up(&email).await;
    (browser, email)
}

async fn create_org(browser: &Browser, slug: &str) -> Value {
    json_of(
        browser.post("/api/auth/organization/create", json!({"name": "Acme", "slug": slug})).await,
    )
    .await
}

/// Invites `email` as `role` and returns the invitation id.
async fn invite(browser: &Browser, org: &str, email: &str, role: &str) -> String {
    let body = json!({"email": email, "role": role, "organizationId": org});
    let invitation =
        json_of(browser.post("/api/auth/organization/invite-member", body).await).await;
    invitation["id"].as_str().unwrap().to_owned()
}

/// Invites and accepts: `email` (signed in on `browser`) becomes a member with `role`.
async fn join(owner: &Browser, member: &Browser, org: &str, email: &str, role: &str) -> Value {
    let id = invite(owner, org, email, role).await;
    let accepted =
        member.post("/api/auth/organization/accept-invitation", json!({"invitationId": id})).await;
    json_of(accepted).await["member"].clone()
}

async fn count(app: &TestApp, table: &str, column: &str, value: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let db = app.db();
    let backend = db.get_database_backend();
    let (q, p) = if backend == sea_orm::DatabaseBackend::MySql { ('`', "?") } else { ('"', "$1") };
    let p = if backend == sea_orm::DatabaseBackend::Sqlite { "?" } else { p };
    let sql = format!("SELECT COUNT(*) AS n FROM {q}{table}{q} WHERE {q}{column}{q} = {p}");
    let row = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [value.into()]))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

async fn invite_accept_and_owner_rules(backend: Backend) {
    let (app, sink) = with_mail(backend, &[]).await;
    let (owner, owner_email) = signed_up(&app, "owner").await;
    let res = owner
        .post(
            "/api/auth/organization/create",
            json!({"name": "Acme", "slug": "acme-rules", "metadata": {"plan": "pro"}}),
        )
        .await;
    assert!(set_cookies(&res).is_empty(), "create changes the session row only");
    let org = json_of(res).await;
    assert_eq!(org["metadata"], json!({"plan": "pro"}), "an object from create");
    assert_eq!(org["members"][0]["role"], "owner");
    let org_id = org["id"].as_str().unwrap().to_owned();

    let taken =
        owner.post("/api/auth/organization/check-slug", json!({"slug": "acme-rules"})).await;
    assert_error(taken, 400, "ORGANIZATION_SLUG_ALREADY_TAKEN").await;
    let again = owner
        .post("/api/auth/organization/create", json!({"name": "B", "slug": "acme-rules"}))
        .await;
    assert_error(again, 400, "ORGANIZATION_ALREADY_EXISTS").await;
    let list = json_of(owner.get("/api/auth/organization/list").await).await;
    assert_eq!(list[0]["metadata"], "{\"plan\":\"pro\"}", "a JSON string from list");
    assert_eq!(owner.session().await["session"]["activeOrganizationId"], org_id.as_str());

    // The invitation mail reaches the SMTP server with the accept link and who sent it.
    let (member, member_email) = signed_up(&app, "member").await;
    let invitation_id = invite(&owner, &org_id, &member_email.to_uppercase(), "member").await;
    let mail = sink.wait_for(&member_email, 0).await;
    assert_eq!(mail.link(), format!("http://localhost:3000/accept-invitation/{invitation_id}"));
    assert!(mail.text().contains(&owner_email) && mail.text().contains("Acme"), "{}", mail.text());
    assert!(mail.html().contains("Join Acme"));

    let details = json_of(
        member.get(&format!("/api/auth/organization/get-invitation?id={invitation_id}")).await,
    )
    .await;
    assert_eq!(details["organizationName"], "Acme");
    assert_eq!(details["inviterEmail"], owner_email.as_str());
    assert_eq!(details["email"], member_email.as_str(), "stored lower-cased");
    let stranger = signed_up(&app, "stranger").await.0;
    let res = stranger
        .post("/api/auth/organization/accept-invitation", json!({"invitationId": invitation_id}))
        .await;
    assert_error(res, 403, "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION").await;
    let accepted = json_of(
        member
            .post(
                "/api/auth/organization/accept-invitation",
                json!({"invitationId": invitation_id}),
            )
            .await,
    )
    .await;
    assert_eq!(accepted["invitation"]["status"], "accepted");
    assert_eq!(accepted["member"]["role"], "member");
    let member_id = accepted["member"]["id"].as_str().unwrap().to_owned();
    assert_eq!(member.session().await["session"]["activeOrganizationId"], org_id.as_str());
    let page = json_of(member.get("/api/auth/organization/list-members").await).await;
    assert_eq!(page["total"], 2);
    assert!(page["members"][0]["user"]["email"].is_string());

    // A plain member cannot do what owners do.
    let res = member.post("/api/auth/organization/delete", json!({"organizationId": org_id})).await;
    assert_error(res, 403, "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION").await;
    let res = member
        .post(
            "/api/auth/organization/invite-member",
            json!({"email": "x@example.com", "role": "member"}),
        )
        .await;
    assert_error(res, 403, "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION").await;
    let res = member.post("/api/auth/organization/update", json!({"data": {"name": "Mine"}})).await;
    assert_error(res, 403, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_ORGANIZATION").await;
    let res = member
        .post("/api/auth/organization/remove-member", json!({"memberIdOrEmail": owner_email}))
        .await;
    assert_error(res, 400, "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER").await;
    let check = |perm: Value| json!({"permissions": perm});
    let denied = json_of(
        member
            .post("/api/auth/organization/has-permission", check(json!({"member": ["delete"]})))
            .await,
    )
    .await;
    assert_eq!(denied, json!({"error": null, "success": false}));
    let role = json_of(member.get("/api/auth/organization/get-active-member-role").await).await;
    assert_eq!(role, json!({"role": "member"}));

    // Roles change: an admin may invite and update, but not delete the organization.
    let res = member
        .post(
            "/api/auth/organization/update-member-role",
            json!({"memberId": member_id, "role": "owner"}),
        )
        .await;
    assert_error(res, 403, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER").await;
    let updated = json_of(
        owner
            .post(
                "/api/auth/organization/update-member-role",
                json!({"memberId": member_id, "role": ["admin"]}),
            )
            .await,
    )
    .await;
    assert_eq!(updated["role"], "admin");
    let allowed = json_of(
        member
            .post(
                "/api/auth/organization/has-permission",
                check(json!({"invitation": ["create"], "member": ["update"]})),
            )
            .await,
    )
    .await;
    assert_eq!(allowed["success"], true);
    let res =
        member.post("/api/auth/organization/update", json!({"data": {"name": "Acme Inc"}})).await;
    assert_eq!(json_of(res).await["name"], "Acme Inc");
    let res = member.post("/api/auth/organization/delete", json!({"organizationId": org_id})).await;
    assert_error(res, 403, "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION").await;

    // The last owner can neither leave, nor be removed, nor step down.
    let res = owner.post("/api/auth/organization/leave", json!({"organizationId": org_id})).await;
    assert_error(res, 400, "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER").await;
    let own_id = org["members"][0]["id"].as_str().unwrap();
    let res = owner
        .post(
            "/api/auth/organization/update-member-role",
            json!({"memberId": own_id, "role": "admin"}),
        )
        .await;
    assert_error(res, 400, "YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER").await;
    let res = owner
        .post("/api/auth/organization/remove-member", json!({"memberIdOrEmail": own_id}))
        .await;
    assert_error(res, 400, "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER").await;

    // A second owner makes leaving possible; the new sole owner then cannot leave.
    json_of(
        owner
            .post(
                "/api/auth/organization/update-member-role",
                json!({"memberId": member_id, "role": "admin,owner"}),
            )
            .await,
    )
    .await;
    let left = json_of(
        owner.post("/api/auth/organization/leave", json!({"organizationId": org_id})).await,
    )
    .await;
    assert_eq!(left["user"]["email"], owner_email.as_str());
    assert!(owner.session().await["session"]["activeOrganizationId"].is_null());
    assert_eq!(json_of(owner.get("/api/auth/organization/list").await).await, json!([]));
    let res = member.post("/api/auth/organization/leave", json!({"organizationId": org_id})).await;
    assert_error(res, 400, "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER").await;
    app.stop().await;
}

async fn deleting_an_organization_removes_members_and_invitations(backend: Backend) {
    let (app, _sink) = with_mail(backend, &[TEAMS, ROLES]).await;
    let (owner, _) = signed_up(&app, "owner").await;
    let org = create_org(&owner, "doomed").await;
    let org_id = org["id"].as_str().unwrap();
    let (member, member_email) = signed_up(&app, "member").await;
    join(&owner, &member, org_id, &member_email, "member").await;
    invite(&owner, org_id, &unique_email("pending"), "member").await;
    let role = json!({"role": "auditor", "permission": {"ac": ["read"]}, "organizationId": org_id});
    json_of(owner.post("/api/auth/organization/create-role", role).await).await;
    assert_eq!(count(&app, "member", "organizationId", org_id).await, 2);
    assert_eq!(count(&app, "invitation", "organizationId", org_id).await, 2);

    let deleted = json_of(
        owner.post("/api/auth/organization/delete", json!({"organizationId": org_id})).await,
    )
    .await;
    assert_eq!(deleted["id"], org_id);
    assert!(deleted["metadata"].is_null(), "a string or null after delete");
    for table in ["member", "invitation", "team", "organizationRole"] {
        assert_eq!(count(&app, table, "organizationId", org_id).await, 0, "{table} rows left");
    }
    assert_eq!(count(&app, "organization", "id", org_id).await, 0);
    // Neither the owner's nor the member's session points at it any more.
    assert!(owner.session().await["session"]["activeOrganizationId"].is_null());
    assert!(member.session().await["session"]["activeOrganizationId"].is_null());
    let res = member
        .get(&format!("/api/auth/organization/get-full-organization?organizationId={org_id}"))
        .await;
    assert_error(res, 400, "ORGANIZATION_NOT_FOUND").await;
    app.stop().await;
}

async fn concurrent_accepts_make_one_member(backend: Backend) {
    let (app, _sink) = with_mail(backend, &[]).await;
    let (owner, _) = signed_up(&app, "owner").await;
    let org = create_org(&owner, "race").await;
    let org_id = org["id"].as_str().unwrap();
    let email = unique_email("racer");
    let first = app.browser();
    first.sign_up(&email).await;
    let id = invite(&owner, org_id, &email, "member").await;
    // The same person signed in on four devices accepts on all of them at once.
    let mut devices = vec![first];
    for _ in 0..3 {
        let device = app.browser();
        assert_eq!(device.sign_in(&email, crate::helpers::PASSWORD).await.status(), StatusCode::OK);
        devices.push(device);
    }
    let body = json!({"invitationId": id});
    let results = futures_util::future::join_all(
        devices.iter().map(|d| d.post("/api/auth/organization/accept-invitation", body.clone())),
    )
    .await;
    let statuses: Vec<u16> = results.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 400), "{statuses:?}");
    assert_eq!(count(&app, "member", "organizationId", org_id).await, 2);
    app.stop().await;
}

async fn invitation_rules(backend: Backend) {
    let (app, sink) = with_mail(backend, &[]).await;
    let (owner, _) = signed_up(&app, "owner").await;
    let org = create_org(&owner, "rules").await;
    let org_id = org["id"].as_str().unwrap();
    let (guest, guest_email) = signed_up(&app, "guest").await;
    let id = invite(&owner, org_id, &guest_email, "member").await;

    let again = json!({"email": guest_email, "role": "member"});
    let res = owner.post("/api/auth/organization/invite-member", again.clone()).await;
    assert_error(res, 400, "USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION").await;
    let before = sink.count_to(&guest_email);
    let mut resend = again.clone();
    resend["resend"] = json!(true);
    let resent = json_of(owner.post("/api/auth/organization/invite-member", resend).await).await;
    assert_eq!(resent["id"], id.as_str(), "a resend extends the same invitation");
    sink.wait_for(&guest_email, before).await;
    let res = owner
        .post(
            "/api/auth/organization/invite-member",
            json!({"email": "x@example.com", "role": "wizard"}),
        )
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"message": "ROLE_NOT_FOUND: wizard"}));
    let res = owner
        .post(
            "/api/auth/organization/invite-member",
            json!({"email": "not-an-email", "role": "member"}),
        )
        .await;
    assert_error(res, 400, "INVALID_EMAIL").await;

    // The owner withdraws it; the guest can no longer accept.
    let canceled = json_of(
        owner.post("/api/auth/organization/cancel-invitation", json!({"invitationId": id})).await,
    )
    .await;
    assert_eq!(canceled["status"], "canceled");
    let res =
        guest.post("/api/auth/organization/accept-invitation", json!({"invitationId": id})).await;
    assert_error(res, 400, "INVITATION_NOT_FOUND").await;

    // A fresh one is rejected by its recipient.
    let id = invite(&owner, org_id, &guest_email, "member").await;
    let res = guest.get("/api/auth/organization/list-user-invitations").await;
    assert_error(res, 403, "EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION").await;
    let rejected = json_of(
        guest.post("/api/auth/organization/reject-invitation", json!({"invitationId": id})).await,
    )
    .await;
    assert_eq!(rejected["invitation"]["status"], "rejected");
    assert!(rejected["member"].is_null());
    let res =
        guest.post("/api/auth/organization/reject-invitation", json!({"invitationId": id})).await;
    let body = assert_error(res, 400, "INVITATION_NOT_FOUND").await;
    assert_eq!(body["message"], "Invitation not found!");

    // Invitations expire after 48 hours.
    let id = invite(&owner, org_id, &guest_email, "member").await;
    app.advance(Duration::hours(49));
    let res =
        guest.post("/api/auth/organization/accept-invitation", json!({"invitationId": id})).await;
    assert_error(res, 400, "INVITATION_NOT_FOUND").await;
    let all = json_of(
        owner
            .get(&format!("/api/auth/organization/list-invitations?organizationId={org_id}"))
            .await,
    )
    .await;
    assert_eq!(all.as_array().unwrap().len(), 3, "every status is listed: {all}");
    app.stop().await;
}

async fn teams_and_the_active_team(backend: Backend) {
    let (app, _sink) = with_mail(backend, &[TEAMS]).await;
    let (owner, _) = signed_up(&app, "owner").await;
    let org = create_org(&owner, "teams").await;
    let org_id = org["id"].as_str().unwrap();
    let session = owner.session().await["session"].clone();
    let default_team =
        session["activeTeamId"].as_str().expect("the default team is active").to_owned();
    let teams = json_of(owner.get("/api/auth/organization/list-teams").await).await;
    assert_eq!(teams[0]["name"], "Acme");

    let team = json_of(
        owner.post("/api/auth/organization/create-team", json!({"name": "Platform"})).await,
    )
    .await;
    let team_id = team["id"].as_str().unwrap();
    let (member, member_email) = signed_up(&app, "member").await;
    let joined = join(&owner, &member, org_id, &member_email, "member").await;
    let user_id = joined["userId"].as_str().unwrap();
    let add = json!({"teamId": team_id, "userId": user_id});
    let added =
        json_of(owner.post("/api/auth/organization/add-team-member", add.clone()).await).await;
    let again =
        json_of(owner.post("/api/auth/organization/add-team-member", add.clone()).await).await;
    assert_eq!(added["id"], again["id"], "adding twice keeps one membership");
    let res = member.post("/api/auth/organization/add-team-member", add.clone()).await;
    assert_error(res, 403, "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM_MEMBER").await;

    let res =
        member.post("/api/auth/organization/set-active-team", json!({"teamId": team_id})).await;
    let cookies = set_cookies(&res);
    assert!(cookie_named(&cookies, "better-auth.session_token").is_some(), "the cookie follows");
    assert_eq!(json_of(res).await["id"], team_id);
    assert_eq!(member.session().await["session"]["activeTeamId"], team_id);
    let members = json_of(member.get("/api/auth/organization/list-team-members").await).await;
    assert_eq!(members.as_array().unwrap().len(), 1);
    let res = member
        .post("/api/auth/organization/set-active-team", json!({"teamId": default_team}))
        .await;
    assert_error(res, 403, "USER_IS_NOT_A_MEMBER_OF_THE_TEAM").await;
    let mine = json_of(member.get("/api/auth/organization/list-user-teams").await).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);

    let renamed = json!({"teamId": team_id, "data": {"name": "Core"}});
    assert_eq!(
        json_of(owner.post("/api/auth/organization/update-team", renamed).await).await["name"],
        "Core"
    );
    json_of(owner.post("/api/auth/organization/remove-team-member", add).await).await;
    let res =
        member.get(&format!("/api/auth/organization/list-team-members?teamId={team_id}")).await;
    assert_error(res, 400, "USER_IS_NOT_A_MEMBER_OF_THE_TEAM").await;
    let res =
        owner.post("/api/auth/organization/remove-team", json!({"teamId": default_team})).await;
    assert_error(res, 403, "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_TEAM").await;
    let removed =
        json_of(owner.post("/api/auth/organization/remove-team", json!({"teamId": team_id})).await)
            .await;
    assert_eq!(removed["message"], "Team removed successfully.");
    assert_eq!(count(&app, "teamMember", "teamId", team_id).await, 0);
    let cleared = json_of(
        owner.post("/api/auth/organization/set-active-team", json!({"teamId": null})).await,
    )
    .await;
    assert!(cleared.is_null());
    let res =
        owner.post("/api/auth/organization/remove-team", json!({"teamId": default_team})).await;
    assert_error(res, 400, "UNABLE_TO_REMOVE_LAST_TEAM").await;
    app.stop().await;
}

async fn custom_roles(backend: Backend) {
    let (app, _sink) = with_mail(backend, &[ROLES]).await;
    let (owner, _) = signed_up(&app, "owner").await;
    let org = create_org(&owner, "roles").await;
    let org_id = org["id"].as_str().unwrap();
    let role = json!({"role": "Inviter", "permission": {"invitation": ["create"], "ac": ["read"]}});
    let created =
        json_of(owner.post("/api/auth/organization/create-role", role.clone()).await).await;
    assert_eq!(created["success"], true);
    assert_eq!(created["roleData"]["role"], "inviter", "names are lower-cased");
    assert_eq!(created["roleData"]["permission"]["invitation"], json!(["create"]));
    let res = owner.post("/api/auth/organization/create-role", role).await;
    assert_error(res, 400, "ROLE_NAME_IS_ALREADY_TAKEN").await;
    let res = owner
        .post("/api/auth/organization/create-role", json!({"role": "admin", "permission": {}}))
        .await;
    assert_error(res, 400, "ROLE_NAME_IS_ALREADY_TAKEN").await;
    let res = owner
        .post(
            "/api/auth/organization/create-role",
            json!({"role": "x", "permission": {"planet": ["orbit"]}}),
        )
        .await;
    assert_error(res, 400, "INVALID_RESOURCE").await;

    let (member, member_email) = signed_up(&app, "member").await;
    let joined = join(&owner, &member, org_id, &member_email, "inviter").await;
    assert_eq!(joined["role"], "inviter");
    let email = unique_email("invited-by-inviter");
    let res = member
        .post("/api/auth/organization/invite-member", json!({"email": email, "role": "member"}))
        .await;
    assert_eq!(res.status(), 200, "the custom role grants invitation:create");
    let res = member
        .post(
            "/api/auth/organization/create-role",
            json!({"role": "boss", "permission": {"organization": ["delete"]}}),
        )
        .await;
    assert_error(res, 403, "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE").await;
    let roles = json_of(member.get("/api/auth/organization/list-roles").await).await;
    assert_eq!(roles.as_array().unwrap().len(), 1);

    // An admin may create roles, but only with what an admin holds.
    let admin_role = json!({"role": "boss", "permission": {"organization": ["delete", "update"]}});
    let (admin, admin_email) = signed_up(&app, "admin").await;
    join(&owner, &admin, org_id, &admin_email, "admin").await;
    let res = admin.post("/api/auth/organization/create-role", admin_role).await;
    let body = assert_error(res, 403, "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE").await;
    assert_eq!(body["missingPermissions"], json!(["organization:delete"]));

    let update = json!({"roleName": "inviter", "data": {"permission": {"invitation": ["create", "cancel"]}}});
    let updated = json_of(owner.post("/api/auth/organization/update-role", update).await).await;
    assert_eq!(updated["roleData"]["permission"]["invitation"], json!(["create", "cancel"]));
    let fetched =
        json_of(owner.get("/api/auth/organization/get-role?roleName=inviter").await).await;
    assert_eq!(fetched["permission"]["invitation"], json!(["create", "cancel"]));
    let res =
        owner.post("/api/auth/organization/delete-role", json!({"roleName": "inviter"})).await;
    assert_error(res, 400, "ROLE_IS_ASSIGNED_TO_MEMBERS").await;
    let res = owner.post("/api/auth/organization/delete-role", json!({"roleName": "owner"})).await;
    assert_error(res, 400, "CANNOT_DELETE_A_PRE_DEFINED_ROLE").await;
    let member_id = joined["id"].as_str().unwrap();
    json_of(
        owner
            .post(
                "/api/auth/organization/update-member-role",
                json!({"memberId": member_id, "role": "member"}),
            )
            .await,
    )
    .await;
    let deleted = json_of(
        owner.post("/api/auth/organization/delete-role", json!({"roleName": "inviter"})).await,
    )
    .await;
    assert_eq!(deleted, json!({"success": true}));
    let res = owner.get("/api/auth/organization/get-role?roleName=inviter").await;
    assert_error(res, 400, "ROLE_NOT_FOUND").await;
    app.stop().await;
}

async fn bad_input_and_switches(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("ORGANIZATION_ALLOW_USER_TO_CREATE", "false")]).await;
    let anonymous = app.browser();
    let res =
        anonymous.post("/api/auth/organization/create", json!({"name": "A", "slug": "a"})).await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.text().await.unwrap(), "", "Better Auth's empty 401");
    let res = anonymous.get("/api/auth/organization/list").await;
    assert_error(res, 401, "UNAUTHORIZED").await;

    let (user, _) = signed_up(&app, "user").await;
    for body in [json!({"name": 1, "slug": "a"}), json!({"name": "", "slug": "a"}), json!([1])] {
        let res = user.post("/api/auth/organization/create", body.clone()).await;
        assert_error(res, 400, "VALIDATION_ERROR").await;
    }
    let res = user.post("/api/auth/organization/create", json!({"name": "A", "slug": "a"})).await;
    assert_error(res, 403, "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_ORGANIZATION").await;
    let res = user
        .post("/api/auth/organization/has-permission", json!({"permissions": {"member": "delete"}}))
        .await;
    assert_error(res, 400, "VALIDATION_ERROR").await;
    let res = user
        .post(
            "/api/auth/organization/has-permission",
            json!({"permissions": {"member": ["delete"]}}),
        )
        .await;
    assert_error(res, 400, "NO_ACTIVE_ORGANIZATION").await;
    let res =
        user.post("/api/auth/organization/set-active", json!({"organizationId": "nope"})).await;
    assert_error(res, 403, "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION").await;
    let res = user.get("/api/auth/organization/list-members?limit=ten").await;
    assert_error(res, 400, "VALIDATION_ERROR").await;
    let res = user.get("/api/auth/organization/get-invitation?id=missing").await;
    assert_error(res, 400, "INVITATION_NOT_FOUND").await;
    // Teams and custom roles are off by default: their routes do not exist.
    let res = user.post("/api/auth/organization/create-team", json!({"name": "T"})).await;
    assert_eq!(res.status(), 404);
    let res = user.get("/api/auth/organization/list-roles").await;
    assert_eq!(res.status(), 404);
    let res = user
        .post("/api/auth/organization/add-member", json!({"userId": "x", "role": "member"}))
        .await;
    assert_eq!(res.status(), 404, "server-side only, as in Better Auth");
    app.stop().await;

    let app = TestApp::spawn_with(backend_again(), &[("ORGANIZATION_ENABLED", "false")]).await;
    let (user, _) = signed_up(&app, "off").await;
    let res = user.get("/api/auth/organization/list").await;
    assert_eq!(res.status(), 404);
    app.stop().await;
}

/// A second app on a fresh SQLite file (switch tests need no particular backend).
fn backend_again() -> Backend {
    Backend::Sqlite
}

/// `ORGANIZATION_PERSONAL`: sign-up creates the user's own organization (same transaction)
/// and every new session starts in it, until the user leaves it.
async fn personal_organization_policy(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("ORGANIZATION_PERSONAL", "true")]).await;
    let browser = app.browser();
    let email = unique_email("personal");
    let signed_up = browser.sign_up(&email).await;
    let user_id = signed_up["user"]["id"].as_str().unwrap();
    let orgs = json_of(browser.get("/api/auth/organization/list").await).await;
    assert_eq!(orgs.as_array().unwrap().len(), 1, "{orgs}");
    let personal = &orgs[0];
    assert_eq!(personal["slug"], format!("personal-{user_id}"));
    assert_eq!(personal["metadata"], "{\"personal\":true}");
    let personal_id = personal["id"].as_str().unwrap();
    assert_eq!(browser.session().await["session"]["activeOrganizationId"], personal_id);
    let me = json_of(browser.get("/api/auth/organization/get-active-member").await).await;
    assert_eq!(me["role"], "owner");

    // A second device signs in straight into it.
    let other = app.browser();
    assert_eq!(other.sign_in(&email, crate::helpers::PASSWORD).await.status(), StatusCode::OK);
    assert_eq!(other.session().await["session"]["activeOrganizationId"], personal_id);
    app.stop().await;
}

async fn verify_email(app: &TestApp, email: &str) {
    let users = &app.service().repositories().users;
    let user = users.find_by_email(email).await.unwrap().unwrap();
    users.set_email_verified(&user.id, true, chrono::Utc::now()).await.unwrap();
}

/// Every limit of the issue, set low: organizations per user, members, pending invitations,
/// invitation lifetime, re-invites, verified email to accept, teams, team size, deletion.
async fn limits_from_configuration(backend: Backend) {
    let (app, _sink) = with_mail(
        backend,
        &[
            TEAMS,
            ("ORGANIZATION_LIMIT", "1"),
            ("ORGANIZATION_MEMBERSHIP_LIMIT", "2"),
            ("ORGANIZATION_INVITATION_LIMIT", "2"),
            ("ORGANIZATION_INVITATION_EXPIRES_IN", "3600"),
            ("ORGANIZATION_CANCEL_PENDING_INVITATIONS_ON_REINVITE", "true"),
            ("ORGANIZATION_REQUIRE_EMAIL_VERIFICATION_ON_INVITATION", "true"),
            ("ORGANIZATION_MAXIMUM_TEAMS", "2"),
            ("ORGANIZATION_MAXIMUM_MEMBERS_PER_TEAM", "1"),
            ("ORGANIZATION_DISABLE_DELETION", "true"),
        ],
    )
    .await;
    let (owner, _) = signed_up(&app, "owner").await;
    let org = create_org(&owner, "limited").await;
    let org_id = org["id"].as_str().unwrap();
    let res = owner.post("/api/auth/organization/create", json!({"name": "B", "slug": "b2"})).await;
    assert_error(res, 403, "YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_ORGANIZATIONS").await;

    // Invitations live ORGANIZATION_INVITATION_EXPIRES_IN seconds; a re-invite cancels the
    // pending one instead of being refused.
    let (first, first_email) = signed_up(&app, "first").await;
    let old = invite(&owner, org_id, &first_email, "member").await;
    let body = json!({"email": first_email, "role": "member"});
    let invitation = json_of(owner.post("/api/auth/organization/invite-member", body).await).await;
    let id = invitation["id"].as_str().unwrap().to_owned();
    assert_ne!(id, old);
    let created = chrono::DateTime::parse_from_rfc3339(invitation["createdAt"].as_str().unwrap());
    let expires = chrono::DateTime::parse_from_rfc3339(invitation["expiresAt"].as_str().unwrap());
    assert_eq!((expires.unwrap() - created.unwrap()).num_seconds(), 3600);
    let listed = json_of(owner.get("/api/auth/organization/list-invitations").await).await;
    let status_of = |id: &str| {
        listed.as_array().unwrap().iter().find(|i| i["id"] == id).unwrap()["status"].clone()
    };
    assert_eq!((status_of(&old), status_of(&id)), (json!("canceled"), json!("pending")));

    // Two pending invitations are the limit.
    let (second, second_email) = signed_up(&app, "second").await;
    let second_id = invite(&owner, org_id, &second_email, "member").await;
    let res = owner
        .post(
            "/api/auth/organization/invite-member",
            json!({"email": "third@example.com", "role": "member"}),
        )
        .await;
    assert_error(res, 403, "INVITATION_LIMIT_REACHED").await;

    // Accepting needs a verified address; then the organization is full at two members.
    let accept = |id: &str| json!({"invitationId": id});
    let res = first.post("/api/auth/organization/accept-invitation", accept(&id)).await;
    assert_error(res, 403, "EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION")
        .await;
    verify_email(&app, &first_email).await;
    let joined =
        json_of(first.post("/api/auth/organization/accept-invitation", accept(&id)).await).await;
    verify_email(&app, &second_email).await;
    let res = second.post("/api/auth/organization/accept-invitation", accept(&second_id)).await;
    assert_error(res, 403, "ORGANIZATION_MEMBERSHIP_LIMIT_REACHED").await;
    app.advance(Duration::seconds(3601));
    let res = second.post("/api/auth/organization/accept-invitation", accept(&second_id)).await;
    assert_error(res, 400, "INVITATION_NOT_FOUND").await;

    // Two teams (the default one counts), one member each.
    let team =
        json_of(owner.post("/api/auth/organization/create-team", json!({"name": "T"})).await).await;
    let res = owner.post("/api/auth/organization/create-team", json!({"name": "U"})).await;
    assert_error(res, 400, "YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_TEAMS").await;
    let team_id = team["id"].as_str().unwrap();
    let owner_id = org["members"][0]["userId"].as_str().unwrap();
    let add = |user: &str| json!({"teamId": team_id, "userId": user});
    json_of(owner.post("/api/auth/organization/add-team-member", add(owner_id)).await).await;
    let res = owner
        .post(
            "/api/auth/organization/add-team-member",
            add(joined["member"]["userId"].as_str().unwrap()),
        )
        .await;
    assert_error(res, 403, "TEAM_MEMBER_LIMIT_REACHED").await;

    let res = owner.post("/api/auth/organization/delete", json!({"organizationId": org_id})).await;
    assert_error(res, 404, "ORGANIZATION_DELETION_DISABLED").await;
    app.stop().await;
}

/// An invitation into a team puts the new member in it and makes it their active team
/// (with a fresh cookie); the recipient's list, get-organization by id or slug, set-active
/// by id and removal by member id.
async fn invitation_into_a_team_and_lookups(backend: Backend) {
    let (app, _sink) = with_mail(backend, &[TEAMS]).await;
    let (owner, _) = signed_up(&app, "owner").await;
    let org = create_org(&owner, "lookups").await;
    let org_id = org["id"].as_str().unwrap();
    let team =
        json_of(owner.post("/api/auth/organization/create-team", json!({"name": "Ops"})).await)
            .await;
    let team_id = team["id"].as_str().unwrap();

    let (guest, guest_email) = signed_up(&app, "guest").await;
    let body = json!({"email": guest_email, "role": "member", "teamId": team_id});
    let invitation = json_of(owner.post("/api/auth/organization/invite-member", body).await).await;
    assert_eq!(invitation["teamId"], team_id);
    verify_email(&app, &guest_email).await;
    let mine = json_of(guest.get("/api/auth/organization/list-user-invitations").await).await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine[0]["organizationName"], "Acme");
    let res = guest
        .post("/api/auth/organization/accept-invitation", json!({"invitationId": invitation["id"]}))
        .await;
    let cookies = set_cookies(&res);
    assert!(
        cookie_named(&cookies, "better-auth.session_token").is_some(),
        "one team: cookie re-sent"
    );
    let accepted = json_of(res).await;
    let session = guest.session().await["session"].clone();
    assert_eq!(
        (session["activeOrganizationId"].as_str(), session["activeTeamId"].as_str()),
        (Some(org_id), Some(team_id))
    );
    let members = json_of(guest.get("/api/auth/organization/list-team-members").await).await;
    assert_eq!(members.as_array().unwrap().len(), 1);

    // get-organization: by slug, by id, the active one; none without an active one.
    let by_slug = json_of(
        guest.get("/api/auth/organization/get-organization?organizationSlug=lookups").await,
    )
    .await;
    let by_id = json_of(
        guest
            .get(&format!("/api/auth/organization/get-organization?organizationId={org_id}"))
            .await,
    )
    .await;
    assert_eq!((by_slug["id"].as_str(), by_id["slug"].as_str()), (Some(org_id), Some("lookups")));
    json_of(guest.post("/api/auth/organization/set-active", json!({"organizationId": null})).await)
        .await;
    let none = json_of(guest.get("/api/auth/organization/get-organization").await).await;
    assert!(none.is_null());
    let res =
        guest.post("/api/auth/organization/set-active", json!({"organizationId": org_id})).await;
    assert!(cookie_named(&set_cookies(&res), "better-auth.session_token").is_some());
    let active = json_of(res).await;
    assert_eq!(active["id"], org_id);
    assert!(active["metadata"].is_null(), "metadata as stored (no object) from set-active");

    // Removal by member id answers the member without its user, and empties its teams.
    let member_id = accepted["member"]["id"].as_str().unwrap();
    let removed = json_of(
        owner
            .post("/api/auth/organization/remove-member", json!({"memberIdOrEmail": member_id}))
            .await,
    )
    .await;
    assert_eq!(removed["member"]["id"], member_id);
    assert!(removed["member"].get("user").is_none());
    assert_eq!(count(&app, "teamMember", "teamId", team_id).await, 0);
    assert!(guest.session().await["session"]["activeOrganizationId"].is_null());
    let path = format!("/api/auth/organization/get-full-organization?organizationId={org_id}");
    assert_error(guest.get(&path).await, 403, "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION").await;
    app.stop().await;
}
