// org-flow.mjs — drive the organization plugin (teams + dynamic access control)
// of an auth server with the OFFICIAL Better Auth client (`createAuthClient` +
// `organizationClient`), reading invitation mails from an outbox directory
// (format: lib/outbox.mjs, kind "invitation").
//
// Usage:
//   BASE_URL=http://127.0.0.1:8123 MAIL_OUTBOX_DIR=/tmp/outbox node org-flow.mjs
//
// The server must be configured like reference-server.mjs with ORG=1 and
// MAIL_OUTBOX_DIR: organization plugin with teams enabled (default team on create)
// and dynamic access control (default statements and roles owner/admin/member),
// every other organization option at Better Auth's defaults (in particular
// requireEmailVerificationOnInvitation off: nobody here verifies an address);
// invitation mails to the outbox with the accept link
// `${BASE_URL origin}/accept-invitation/<invitation id>` and the inviter's name,
// e-mail and the organization name in `text`; email+password, bearer, origin
// checks on, no rate limiting. Every assertion holds for real Better Auth 1.7.25
// (ORG-OBSERVATIONS.md), so a failure against our Rust server is a wire difference.
//
// Output: one "ok   NN step" line per step; on the first failure "FAIL NN step"
// with expected/actual, then "N passed, 1 failed" and exit 1. Exit 0 = all passed.
//
// Env:
//   BASE_URL            (required) server origin; the API is at ${BASE_URL}/api/auth
//   MAIL_OUTBOX_DIR     (required) the directory the server writes mails to
//   MAIL_TIMEOUT_MS     how long to wait for a mail (default 5000)
//   REQUEST_TIMEOUT_MS  per-request timeout (default 15000)
//   VERBOSE=1           log every request to stderr

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { organizationClient } from "better-auth/client/plugins";
import { Outbox, extractUrl } from "./lib/outbox.mjs";
import { assertNear, assertSignedToken, createHarness, ID_RE, SESSION_COOKIE, setCookieNames, TOKEN_RE } from "./lib/harness.mjs";

const BASE_URL = (process.env.BASE_URL || "").replace(/\/+$/, "");
const OUTBOX_DIR = process.env.MAIL_OUTBOX_DIR || "";
if (!BASE_URL || !OUTBOX_DIR) {
  console.error("error: BASE_URL and MAIL_OUTBOX_DIR are required, e.g.\n  BASE_URL=http://127.0.0.1:8123 MAIL_OUTBOX_DIR=/tmp/outbox node org-flow.mjs");
  process.exit(2);
}

const H = createHarness({
  baseURL: BASE_URL,
  plugins: [organizationClient({ teams: { enabled: true }, dynamicAccessControl: { enabled: true } })],
  timeoutMs: Number(process.env.REQUEST_TIMEOUT_MS || 15000),
  verbose: process.env.VERBOSE === "1",
});
const { ORIGIN, API, makeBrowser, step, okData, expectError } = H;
process.on("unhandledRejection", H.fail);

const outbox = new Outbox(OUTBOX_DIR, { timeoutMs: Number(process.env.MAIL_TIMEOUT_MS || 5000) });

const INVITATION_TTL_MS = 48 * 3600 * 1000; // organization invitationExpiresIn default 172800 s
const SESSION_COOKIE_ATTRS = { maxAge: "604800", path: "/", httpOnly: true, sameSite: "lax" };

// Exact key lists (JSON key order as Better Auth sends it).
const ORG_KEYS = ["name", "slug", "logo", "createdAt", "metadata", "id"];
const MEMBER_KEYS = ["organizationId", "userId", "role", "createdAt", "id"];
const MEMBER_USER_KEYS = ["id", "name", "email", "image"];
const INVITATION_KEYS = ["organizationId", "email", "role", "teamId", "status", "expiresAt", "createdAt", "inviterId", "id"];
const TEAM_KEYS = ["name", "organizationId", "createdAt", "updatedAt", "id"];
const TEAM_MEMBER_KEYS = ["teamId", "userId", "createdAt", "id"];
const ROLE_KEYS = ["organizationId", "role", "permission", "createdAt", "updatedAt", "id"];
const SESSION_KEYS = ["expiresAt", "token", "createdAt", "updatedAt", "ipAddress", "userAgent", "userId", "activeOrganizationId", "activeTeamId", "id"];

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

// The exact set of keys: none missing, none extra. Their order is not compared: JSON
// object members are unordered and clients read them by name.
function keys(obj, expected, what) {
  assert.ok(obj && typeof obj === "object" && !Array.isArray(obj), `${what}: expected an object, got ${inspect(obj)}`);
  assert.deepEqual(Object.keys(obj).sort(), [...expected].sort(), `${what}: keys`);
}

function assertDate(value, what) {
  assert.ok(value instanceof Date && !Number.isNaN(value.getTime()), `${what} should be revived to a valid Date (was ${inspect(value)})`);
}

function assertMember(m, { userId, organizationId, role, withUser }, what) {
  keys(m, withUser ? [...MEMBER_KEYS, "user"] : MEMBER_KEYS, what);
  assert.match(m.id, ID_RE, `${what}: id`);
  assert.deepEqual({ organizationId: m.organizationId, userId: m.userId, role: m.role }, { organizationId, userId, role }, `${what}: organizationId/userId/role`);
  assertDate(m.createdAt, `${what}: createdAt`);
  if (withUser) {
    keys(m.user, MEMBER_USER_KEYS, `${what}: user`);
    assert.deepEqual({ id: m.user.id, email: m.user.email, image: m.user.image }, { id: userId, email: withUser.email, image: null }, `${what}: user id/email/image`);
  }
}

function assertInvitation(inv, { organizationId, email, role, status, inviterId, teamId = null }, what) {
  keys(inv, INVITATION_KEYS, what);
  assert.match(inv.id, ID_RE, `${what}: id`);
  assert.deepEqual(
    { organizationId: inv.organizationId, email: inv.email, role: inv.role, teamId: inv.teamId, status: inv.status, inviterId: inv.inviterId },
    { organizationId, email, role, teamId, status, inviterId },
    `${what}: fields`,
  );
  assertDate(inv.createdAt, `${what}: createdAt`);
  assertDate(inv.expiresAt, `${what}: expiresAt`);
}

function assertTeam(t, { name, organizationId }, what) {
  keys(t, TEAM_KEYS, what);
  assert.match(t.id, ID_RE, `${what}: id`);
  assert.deepEqual({ name: t.name, organizationId: t.organizationId }, { name, organizationId }, `${what}: name/organizationId`);
  assertDate(t.createdAt, `${what}: createdAt`);
}

/** get-session: {session, user}; the organization columns are always present. */
async function sessionOf(browser, userId, what) {
  const data = okData(await browser.client.getSession(), `${what}: get-session`);
  assert.ok(data && data.session && data.user, `${what}: {session, user} expected, got ${inspect(data)}`);
  keys(data.session, SESSION_KEYS, `${what}: session`);
  assert.equal(data.session.userId, userId, `${what}: session.userId`);
  return data.session;
}

/** The last response re-set the session cookie (same token) and sent set-auth-token (bearer). */
function expectSessionCookieRefreshed(browser, token, what) {
  const lines = browser.last.headers.getSetCookie();
  assert.deepEqual(setCookieNames(lines), [SESSION_COOKIE], `${what}: Set-Cookie names`);
  const c = browser.sessionCookie();
  assert.equal(assertSignedToken(decodeURIComponent(c.value), undefined, `${what}: session cookie value`), token, `${what}: same session token`);
  assert.deepEqual(
    { maxAge: c.attrs["max-age"], path: c.attrs.path, httpOnly: c.attrs.httponly, sameSite: String(c.attrs.samesite).toLowerCase() },
    SESSION_COOKIE_ATTRS,
    `${what}: session cookie attributes`,
  );
  assert.equal(assertSignedToken(browser.last.headers.get("set-auth-token"), undefined, `${what}: set-auth-token`), token, `${what}: set-auth-token carries the same token`);
}

async function signUp(label, email, name) {
  const b = makeBrowser(label);
  const data = okData(await b.client.signUp.email({ email, password: `pw-${rand}-${label}`, name }), `sign-up (${label})`);
  assert.match(data.user.id, ID_RE, `sign-up (${label}): user id`);
  assert.match(data.token, TOKEN_RE, `sign-up (${label}): token`);
  b.userId = data.user.id;
  b.token = data.token;
  b.email = data.user.email;
  b.name = name;
  return b;
}

/** Wait for the invitation mail to `to` and check it; returns the accept URL. */
async function expectInvitationMail({ to, invitationId, inviter, orgName }, mark, what) {
  const mail = await outbox.waitFor({ to, kind: "invitation" }, mark);
  for (const k of ["to", "subject", "text", "html", "kind"]) assert.equal(typeof mail[k], "string", `${what}: mail "${k}" is a string`);
  assert.equal(mail.to, to.toLowerCase(), `${what}: mail "to" is the lower-cased invitee address`);
  assert.equal(mail.otpType, undefined, `${what}: no otpType on an invitation mail`);
  const url = extractUrl(mail.text);
  assert.equal(url, `${ORIGIN}/accept-invitation/${invitationId}`, `${what}: accept link in text`);
  for (const part of [inviter.name, inviter.email, orgName]) {
    assert.ok(mail.text.includes(part), `${what}: mail text should mention ${inspect(part)}: ${inspect(mail.text)}`);
  }
  return url;
}

// ---------------------------------------------------------------------------
// The flow
// ---------------------------------------------------------------------------

const rand = randomBytes(6).toString("hex");
const orgName = `Acme ${rand}`;
const orgSlug = `acme-${rand}`;
const metadata = { plan: "pro", seats: 5 };
const typedMemberEmail = `Org-Member-${rand}@Example.COM`; // mixed case on purpose
const memberEmail = typedMemberEmail.toLowerCase();
const thirdEmail = `org-third-${rand}@example.com`;
const fourthEmail = `org-fourth-${rand}@example.com`;

const anon = makeBrowser("anon");

try {
  console.log(`org-flow against ${API} (outbox ${OUTBOX_DIR}, run ${rand})`);

  let O, M, org, defaultTeamId, invitation, memberRow, team, role;

  // ---------------------------------------------------------------- 1
  await step("owner signs up; get-session carries activeOrganizationId:null and activeTeamId:null", async () => {
    O = await signUp("owner", `org-owner-${rand}@example.com`, "Olivia Owner");
    const s = await sessionOf(O, O.userId, "fresh owner");
    assert.deepEqual({ activeOrganizationId: s.activeOrganizationId, activeTeamId: s.activeTeamId }, { activeOrganizationId: null, activeTeamId: null }, "organization columns are null, not missing");
  });

  // ---------------------------------------------------------------- 2
  await step("organization.create {metadata object} -> org with metadata OBJECT and members[0] owner", async () => {
    org = okData(await O.client.organization.create({ name: orgName, slug: orgSlug, metadata }), "create");
    keys(org, [...ORG_KEYS, "members"], "create");
    assert.match(org.id, ID_RE, "create: id");
    assert.deepEqual({ name: org.name, slug: org.slug, logo: org.logo, metadata: org.metadata }, { name: orgName, slug: orgSlug, logo: null, metadata }, "create: name/slug/logo/metadata (object)");
    assertDate(org.createdAt, "create: createdAt");
    assert.equal(org.members.length, 1, "create: one member");
    assertMember(org.members[0], { userId: O.userId, organizationId: org.id, role: "owner" }, "create: members[0]");
  });

  // ---------------------------------------------------------------- 3
  await step("check-slug: taken -> 400 ORGANIZATION_SLUG_ALREADY_TAKEN, free -> {status:true}; create with the taken slug -> 400 ORGANIZATION_ALREADY_EXISTS", async () => {
    expectError(await O.client.organization.checkSlug({ slug: orgSlug }), { status: 400, code: "ORGANIZATION_SLUG_ALREADY_TAKEN", message: "Organization slug already taken" }, "check-slug taken");
    assert.deepEqual(okData(await O.client.organization.checkSlug({ slug: `${orgSlug}-free` }), "check-slug free"), { status: true }, "check-slug free: body");
    expectError(await O.client.organization.create({ name: "Dup", slug: orgSlug }), { status: 400, code: "ORGANIZATION_ALREADY_EXISTS", message: "Organization already exists" }, "create with taken slug");
  });

  // ---------------------------------------------------------------- 4
  await step("organization.list -> [org] with metadata as a JSON STRING", async () => {
    const list = okData(await O.client.organization.list(), "list");
    assert.ok(Array.isArray(list) && list.length === 1, `list: one organization, got ${inspect(list)}`);
    keys(list[0], ORG_KEYS, "list[0]");
    assert.equal(list[0].id, org.id, "list[0].id");
    assert.equal(list[0].metadata, JSON.stringify(metadata), "list[0].metadata is the stored JSON text");
  });

  // ---------------------------------------------------------------- 5
  await step("get-session: create made the org active AND set activeTeamId to its default team", async () => {
    const s = await sessionOf(O, O.userId, "after create");
    assert.equal(s.activeOrganizationId, org.id, "session.activeOrganizationId");
    assert.match(String(s.activeTeamId), ID_RE, "session.activeTeamId = the default team");
    defaultTeamId = s.activeTeamId;
    const teams = okData(await O.client.organization.listTeams(), "list-teams");
    assert.equal(teams.length, 1, "list-teams: only the default team");
    assertTeam(teams[0], { name: orgName, organizationId: org.id }, "default team");
    assert.equal(teams[0].id, defaultTeamId, "default team id = session.activeTeamId");
    assert.equal(teams[0].updatedAt, null, "default team: updatedAt null");
  });

  // ---------------------------------------------------------------- 6
  await step("get-full-organization: org + invitations/members(user)/teams(memberCount)", async () => {
    const full = okData(await O.client.organization.getFullOrganization(), "get-full-organization");
    keys(full, [...ORG_KEYS, "invitations", "members", "teams"], "get-full-organization");
    assert.equal(full.id, org.id, "full.id");
    assert.equal(full.metadata, JSON.stringify(metadata), "full.metadata is the stored JSON text");
    assert.deepEqual(full.invitations, [], "full.invitations");
    assert.equal(full.members.length, 1, "full.members");
    assertMember(full.members[0], { userId: O.userId, organizationId: org.id, role: "owner", withUser: { email: O.email } }, "full.members[0]");
    assert.equal(full.members[0].user.name, O.name, "full.members[0].user.name");
    assert.equal(full.teams.length, 1, "full.teams");
    keys(full.teams[0], ["name", "memberCount", "organizationId", "createdAt", "updatedAt", "id"], "full.teams[0]");
    assert.deepEqual({ id: full.teams[0].id, memberCount: full.teams[0].memberCount }, { id: defaultTeamId, memberCount: 1 }, "full.teams[0]: default team with the creator");
  });

  // ---------------------------------------------------------------- 7
  await step("set-active null -> null + session cookie re-set; set-active by slug -> org (metadata string) + cookie", async () => {
    assert.equal(okData(await O.client.organization.setActive({ organizationId: null }), "set-active null"), null, "set-active null: body null");
    expectSessionCookieRefreshed(O, O.token, "set-active null");
    let s = await sessionOf(O, O.userId, "after set-active null");
    assert.equal(s.activeOrganizationId, null, "activeOrganizationId null");
    assert.equal(okData(await O.client.organization.getFullOrganization(), "get-full-organization without active org"), null, "get-full-organization with no active org: null");
    const active = okData(await O.client.organization.setActive({ organizationSlug: orgSlug }), "set-active by slug");
    keys(active, ORG_KEYS, "set-active");
    assert.deepEqual({ id: active.id, metadata: active.metadata }, { id: org.id, metadata: JSON.stringify(metadata) }, "set-active: the org, metadata as text");
    expectSessionCookieRefreshed(O, O.token, "set-active by slug");
    s = await sessionOf(O, O.userId, "after set-active by slug");
    assert.equal(s.activeOrganizationId, org.id, "activeOrganizationId back");
  });

  // ---------------------------------------------------------------- 8
  await step("invite-member (mixed-case e-mail, role member) -> pending invitation + invitation mail with the accept link", async () => {
    const mark = outbox.mark();
    const before = Date.now();
    invitation = okData(await O.client.organization.inviteMember({ email: typedMemberEmail, role: "member" }), "invite-member");
    assertInvitation(invitation, { organizationId: org.id, email: memberEmail, role: "member", status: "pending", inviterId: O.userId }, "invitation");
    assertNear(invitation.expiresAt.getTime(), before + INVITATION_TTL_MS, 60_000, "invitation.expiresAt = now + 48 h");
    await expectInvitationMail({ to: memberEmail, invitationId: invitation.id, inviter: O, orgName }, mark, "invitation mail");
    expectError(await O.client.organization.inviteMember({ email: memberEmail, role: "member" }), { status: 400, code: "USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION", message: "User is already invited to this organization" }, "invite again");
  });

  // ---------------------------------------------------------------- 9
  await step("invitee signs up in its own browser; get-invitation -> invitation + organizationName/Slug + inviterEmail", async () => {
    M = await signUp("member", typedMemberEmail, "Max Member");
    expectError(await O.client.organization.getInvitation({ query: { id: invitation.id } }), { status: 403, code: "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION", message: "You are not the recipient of the invitation" }, "get-invitation by the inviter");
    const got = okData(await M.client.organization.getInvitation({ query: { id: invitation.id } }), "get-invitation");
    keys(got, [...INVITATION_KEYS, "organizationName", "organizationSlug", "inviterEmail"], "get-invitation");
    assert.deepEqual(
      { id: got.id, status: got.status, organizationName: got.organizationName, organizationSlug: got.organizationSlug, inviterEmail: got.inviterEmail },
      { id: invitation.id, status: "pending", organizationName: orgName, organizationSlug: orgSlug, inviterEmail: O.email },
      "get-invitation: fields",
    );
  });

  // ---------------------------------------------------------------- 10
  await step("accept-invitation -> {invitation accepted, member}; wrong recipient 403; replay 400; invitee's session now points at the org", async () => {
    expectError(await O.client.organization.acceptInvitation({ invitationId: invitation.id }), { status: 403, code: "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION", message: "You are not the recipient of the invitation" }, "accept by the inviter");
    expectError(await M.client.organization.acceptInvitation({ invitationId: `missing${rand}` }), { status: 400, code: "INVITATION_NOT_FOUND", message: "Invitation not found" }, "accept unknown");
    const res = okData(await M.client.organization.acceptInvitation({ invitationId: invitation.id }), "accept-invitation");
    keys(res, ["invitation", "member"], "accept-invitation");
    assertInvitation(res.invitation, { organizationId: org.id, email: memberEmail, role: "member", status: "accepted", inviterId: O.userId }, "accept: invitation");
    assert.equal(res.invitation.id, invitation.id, "accept: invitation id");
    assertMember(res.member, { userId: M.userId, organizationId: org.id, role: "member" }, "accept: member");
    memberRow = res.member;
    expectError(await M.client.organization.acceptInvitation({ invitationId: invitation.id }), { status: 400, code: "INVITATION_NOT_FOUND", message: "Invitation not found" }, "accept again");
    const s = await sessionOf(M, M.userId, "invitee after accept");
    assert.deepEqual({ activeOrganizationId: s.activeOrganizationId, activeTeamId: s.activeTeamId }, { activeOrganizationId: org.id, activeTeamId: null }, "invitee session: org active, no team");
  });

  // ---------------------------------------------------------------- 11
  await step("list-members -> {members(with user), total:2}; limit=1 keeps total 2; get-active-member(-role) of the invitee", async () => {
    const all = okData(await O.client.organization.listMembers(), "list-members");
    keys(all, ["members", "total"], "list-members");
    assert.equal(all.total, 2, "list-members: total");
    const mine = all.members.find((m) => m.userId === M.userId);
    assertMember(mine, { userId: M.userId, organizationId: org.id, role: "member", withUser: { email: memberEmail } }, "list-members: the invitee");
    const page = okData(await O.client.organization.listMembers({ query: { limit: 1 } }), "list-members limit=1");
    assert.deepEqual({ n: page.members.length, total: page.total }, { n: 1, total: 2 }, "list-members limit=1: one row, total 2");
    const active = okData(await M.client.organization.getActiveMember(), "get-active-member");
    assertMember(active, { userId: M.userId, organizationId: org.id, role: "member", withUser: { email: memberEmail } }, "get-active-member");
    assert.deepEqual(okData(await M.client.organization.getActiveMemberRole(), "get-active-member-role"), { role: "member" }, "get-active-member-role");
  });

  // ---------------------------------------------------------------- 12
  await step("member: delete -> 403 YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION, update -> 403, invite -> 403", async () => {
    expectError(await M.client.organization.delete({ organizationId: org.id }), { status: 403, code: "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION", message: "You are not allowed to delete this organization" }, "member delete");
    expectError(await M.client.organization.update({ data: { name: "Hacked" } }), { status: 403, code: "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_ORGANIZATION", message: "You are not allowed to update this organization" }, "member update");
    expectError(await M.client.organization.inviteMember({ email: thirdEmail, role: "member" }), { status: 403, code: "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION", message: "You are not allowed to invite users to this organization" }, "member invite");
  });

  // ---------------------------------------------------------------- 13
  await step("has-permission -> {error:null, success}: owner organization:delete true, member false, member ac:read true", async () => {
    assert.deepEqual(okData(await O.client.organization.hasPermission({ permissions: { organization: ["delete"] } }), "owner"), { error: null, success: true }, "owner organization:delete");
    assert.deepEqual(okData(await M.client.organization.hasPermission({ permissions: { organization: ["delete"] } }), "member"), { error: null, success: false }, "member organization:delete");
    assert.deepEqual(okData(await M.client.organization.hasPermission({ permissions: { ac: ["read"] } }), "member ac"), { error: null, success: true }, "member ac:read");
  });

  // ---------------------------------------------------------------- 14
  await step("update (metadata object) -> metadata object back; update-member-role -> admin (bare member object)", async () => {
    const updated = okData(await O.client.organization.update({ data: { metadata: { plan: "enterprise" } } }), "update");
    keys(updated, ORG_KEYS, "update");
    assert.deepEqual({ id: updated.id, metadata: updated.metadata }, { id: org.id, metadata: { plan: "enterprise" } }, "update: metadata object");
    const m = okData(await O.client.organization.updateMemberRole({ memberId: memberRow.id, role: "admin" }), "update-member-role");
    assertMember(m, { userId: M.userId, organizationId: org.id, role: "admin" }, "update-member-role");
    assert.equal(m.id, memberRow.id, "update-member-role: same member id");
    assert.deepEqual(okData(await M.client.organization.getActiveMemberRole(), "get-active-member-role"), { role: "admin" }, "role is admin now");
  });

  // ---------------------------------------------------------------- 15
  await step("only owner: leave -> 400 YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER, self-demotion -> 400 …_WITHOUT_AN_OWNER", async () => {
    expectError(await O.client.organization.leave({ organizationId: org.id }), { status: 400, code: "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER", message: "You cannot leave the organization as the only owner" }, "owner leave");
    expectError(await O.client.organization.updateMemberRole({ memberId: org.members[0].id, role: "admin" }), { status: 400, code: "YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER", message: "You cannot leave the organization without an owner" }, "owner demotes self");
    expectError(await M.client.organization.updateMemberRole({ memberId: org.members[0].id, role: "member" }), { status: 403, code: "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER", message: "You are not allowed to update this member" }, "admin demotes the owner");
  });

  // ---------------------------------------------------------------- 16
  await step("create-team -> team (no memberCount); add-team-member -> team member; list-team-members", async () => {
    team = okData(await O.client.organization.createTeam({ name: "Engineering" }), "create-team");
    assertTeam(team, { name: "Engineering", organizationId: org.id }, "create-team");
    assertDate(team.updatedAt, "create-team: updatedAt");
    const tm = okData(await O.client.organization.addTeamMember({ teamId: team.id, userId: M.userId }), "add-team-member");
    keys(tm, TEAM_MEMBER_KEYS, "add-team-member");
    assert.deepEqual({ teamId: tm.teamId, userId: tm.userId }, { teamId: team.id, userId: M.userId }, "add-team-member: teamId/userId");
    assert.match(tm.id, ID_RE, "add-team-member: id");
    const members = okData(await M.client.organization.listTeamMembers({ query: { teamId: team.id } }), "list-team-members");
    assert.equal(members.length, 1, "list-team-members: one");
    keys(members[0], TEAM_MEMBER_KEYS, "list-team-members[0]");
    assert.equal(members[0].id, tm.id, "list-team-members[0].id");
    expectError(await O.client.organization.listTeamMembers({ query: { teamId: team.id } }), { status: 400, code: "USER_IS_NOT_A_MEMBER_OF_THE_TEAM", message: "User is not a member of the team" }, "list-team-members by a non-member of the team");
  });

  // ---------------------------------------------------------------- 17
  await step("set-active-team -> team + session cookie re-set; get-session session.activeTeamId; list-user-teams", async () => {
    const t = okData(await M.client.organization.setActiveTeam({ teamId: team.id }), "set-active-team");
    assertTeam(t, { name: "Engineering", organizationId: org.id }, "set-active-team");
    assert.equal(t.id, team.id, "set-active-team: id");
    expectSessionCookieRefreshed(M, M.token, "set-active-team");
    const s = await sessionOf(M, M.userId, "after set-active-team");
    assert.deepEqual({ activeOrganizationId: s.activeOrganizationId, activeTeamId: s.activeTeamId }, { activeOrganizationId: org.id, activeTeamId: team.id }, "session: active org + team");
    const mine = okData(await M.client.organization.listUserTeams(), "list-user-teams");
    assert.deepEqual(mine.map((x) => x.id), [team.id], "list-user-teams: the one team");
    expectError(await O.client.organization.setActiveTeam({ teamId: team.id }), { status: 403, code: "USER_IS_NOT_A_MEMBER_OF_THE_TEAM", message: "User is not a member of the team" }, "set-active-team by a non-member of the team");
  });

  // ---------------------------------------------------------------- 18
  await step("create-role \"Support\" -> {success, roleData(permission object, role lower-cased), statements}; pre-defined name -> 400", async () => {
    const permission = { member: ["update"], invitation: ["create"] };
    const res = okData(await O.client.organization.createRole({ role: "Support", permission }), "create-role");
    keys(res, ["success", "roleData", "statements"], "create-role");
    assert.equal(res.success, true, "create-role: success");
    keys(res.roleData, ROLE_KEYS, "create-role: roleData");
    assert.deepEqual(
      { organizationId: res.roleData.organizationId, role: res.roleData.role, permission: res.roleData.permission, updatedAt: res.roleData.updatedAt },
      { organizationId: org.id, role: "support", permission, updatedAt: null },
      "create-role: roleData fields",
    );
    assert.match(res.roleData.id, ID_RE, "create-role: roleData.id");
    assert.deepEqual(res.statements, permission, "create-role: statements");
    role = res.roleData;
    expectError(await O.client.organization.createRole({ role: "admin", permission: { member: ["update"] } }), { status: 400, code: "ROLE_NAME_IS_ALREADY_TAKEN", message: "That role name is already taken" }, "create-role admin");
    expectError(await O.client.organization.createRole({ role: "support", permission: { member: ["update"] } }), { status: 400, code: "ROLE_NAME_IS_ALREADY_TAKEN", message: "That role name is already taken" }, "create-role duplicate");
    expectError(await O.client.organization.createRole({ role: "weird", permission: { rocket: ["launch"] } }), { status: 400, code: "INVALID_RESOURCE", message: "The provided permission includes an invalid resource" }, "create-role invalid resource");
  });

  // ---------------------------------------------------------------- 19
  await step("create-role by an admin granting organization:delete -> 403 + missingPermissions [\"organization:delete\"]", async () => {
    const r = await M.client.organization.createRole({ role: "deleter", permission: { organization: ["delete"], member: ["update"] } });
    expectError(r, { status: 403, code: "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE", message: "You are not allowed to create a role" }, "admin create-role");
    assert.deepEqual(r.error.missingPermissions, ["organization:delete"], "error.missingPermissions");
  });

  // ---------------------------------------------------------------- 20
  await step("list-roles / get-role / update-role / delete-role", async () => {
    const list = okData(await M.client.organization.listRoles(), "list-roles (admin)");
    assert.equal(list.length, 1, "list-roles: one");
    keys(list[0], ROLE_KEYS, "list-roles[0]");
    assert.deepEqual({ id: list[0].id, role: list[0].role, permission: list[0].permission }, { id: role.id, role: "support", permission: role.permission }, "list-roles[0]: permission object");
    const got = okData(await O.client.organization.getRole({ query: { roleName: "support" } }), "get-role");
    keys(got, ROLE_KEYS, "get-role");
    assert.equal(got.id, role.id, "get-role: id");
    const newPermission = { member: ["update", "delete"] };
    const upd = okData(await O.client.organization.updateRole({ roleName: "support", data: { permission: newPermission } }), "update-role");
    keys(upd, ["success", "roleData"], "update-role");
    assert.deepEqual({ success: upd.success, id: upd.roleData.id, role: upd.roleData.role, permission: upd.roleData.permission }, { success: true, id: role.id, role: "support", permission: newPermission }, "update-role: roleData");
    expectError(await O.client.organization.deleteRole({ roleName: "member" }), { status: 400, code: "CANNOT_DELETE_A_PRE_DEFINED_ROLE", message: "Cannot delete a pre-defined role" }, "delete-role member");
    assert.deepEqual(okData(await O.client.organization.deleteRole({ roleName: "support" }), "delete-role"), { success: true }, "delete-role: body");
    assert.deepEqual(okData(await O.client.organization.listRoles(), "list-roles after delete"), [], "list-roles: empty");
    expectError(await O.client.organization.getRole({ query: { roleName: "support" } }), { status: 400, code: "ROLE_NOT_FOUND", message: "Role not found" }, "get-role deleted");
  });

  // ---------------------------------------------------------------- 21
  let third, thirdInvitation;
  await step("invite a third address, cancel-invitation -> canceled invitation; its recipient cannot accept it", async () => {
    const mark = outbox.mark();
    thirdInvitation = okData(await O.client.organization.inviteMember({ email: thirdEmail, role: "member" }), "invite third");
    await expectInvitationMail({ to: thirdEmail, invitationId: thirdInvitation.id, inviter: O, orgName }, mark, "third invitation mail");
    const canceled = okData(await O.client.organization.cancelInvitation({ invitationId: thirdInvitation.id }), "cancel-invitation");
    assertInvitation(canceled, { organizationId: org.id, email: thirdEmail, role: "member", status: "canceled", inviterId: O.userId }, "cancel-invitation");
    assert.equal(canceled.id, thirdInvitation.id, "cancel-invitation: id");
    third = await signUp("third", thirdEmail, "Theo Third");
    expectError(await third.client.organization.acceptInvitation({ invitationId: thirdInvitation.id }), { status: 400, code: "INVITATION_NOT_FOUND", message: "Invitation not found" }, "accept canceled");
  });

  // ---------------------------------------------------------------- 22
  await step("a fourth invitation rejected by its recipient -> {invitation rejected, member:null}; list-invitations shows every status", async () => {
    const mark = outbox.mark();
    const inv = okData(await M.client.organization.inviteMember({ email: fourthEmail, role: "member" }), "invite fourth (by the admin)");
    assertInvitation(inv, { organizationId: org.id, email: fourthEmail, role: "member", status: "pending", inviterId: M.userId }, "fourth invitation");
    await expectInvitationMail({ to: fourthEmail, invitationId: inv.id, inviter: M, orgName }, mark, "fourth invitation mail");
    const fourth = await signUp("fourth", fourthEmail, "Fay Fourth");
    const res = okData(await fourth.client.organization.rejectInvitation({ invitationId: inv.id }), "reject-invitation");
    keys(res, ["invitation", "member"], "reject-invitation");
    assert.equal(res.member, null, "reject-invitation: member null");
    assertInvitation(res.invitation, { organizationId: org.id, email: fourthEmail, role: "member", status: "rejected", inviterId: M.userId }, "reject-invitation: invitation");
    expectError(await fourth.client.organization.rejectInvitation({ invitationId: inv.id }), { status: 400, code: "INVITATION_NOT_FOUND", message: "Invitation not found!" }, "reject again");
    const list = okData(await O.client.organization.listInvitations(), "list-invitations");
    assert.deepEqual(
      list.map((i) => [i.email, i.status]).sort(),
      [[fourthEmail, "rejected"], [memberEmail, "accepted"], [thirdEmail, "canceled"]].sort(),
      "list-invitations: all three with their status",
    );
  });

  // ---------------------------------------------------------------- 23
  await step("remove-member by e-mail -> {member (with user)}; list-members total 1", async () => {
    const res = okData(await O.client.organization.removeMember({ memberIdOrEmail: memberEmail }), "remove-member");
    keys(res, ["member"], "remove-member");
    assertMember(res.member, { userId: M.userId, organizationId: org.id, role: "admin", withUser: { email: memberEmail } }, "remove-member: member");
    const all = okData(await O.client.organization.listMembers(), "list-members");
    assert.equal(all.total, 1, "list-members: total 1");
    expectError(await O.client.organization.removeMember({ memberIdOrEmail: memberEmail }), { status: 400, code: "MEMBER_NOT_FOUND", message: "Member not found" }, "remove again");
  });

  // ---------------------------------------------------------------- 24
  await step("organization.delete -> the org (metadata as text); owner's active org cleared; list is empty", async () => {
    const del = okData(await O.client.organization.delete({ organizationId: org.id }), "delete");
    keys(del, ORG_KEYS, "delete");
    assert.deepEqual({ id: del.id, metadata: del.metadata }, { id: org.id, metadata: JSON.stringify({ plan: "enterprise" }) }, "delete: the deleted org");
    const s = await sessionOf(O, O.userId, "after delete");
    assert.equal(s.activeOrganizationId, null, "owner: activeOrganizationId null");
    assert.deepEqual(okData(await O.client.organization.list(), "list after delete"), [], "list: empty");
  });

  // ---------------------------------------------------------------- 25
  await step("without a session: list -> 401 UNAUTHORIZED", async () => {
    expectError(await anon.client.organization.list(), { status: 401, code: "UNAUTHORIZED", message: "Unauthorized" }, "anonymous list");
  });

  H.finish();
} catch (err) {
  H.fail(err);
}
