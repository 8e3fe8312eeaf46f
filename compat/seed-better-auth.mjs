// seed-better-auth.mjs — make a database look like a live Better Auth deployment.
//
// Used by the Rust test-suite to prove our server can take over an existing
// Better Auth database: the schema, the password hash and the session row are
// all written by REAL Better Auth 1.7.25, not by us.
//
// Env:
//   DATABASE_URL        postgres://... or mysql://... (an EMPTY database;
//                       an already-migrated one is fine too — the migration
//                       only adds what is missing)
//   BETTER_AUTH_SECRET  the secret our Rust server will use (cookies are
//                       HMAC-signed with it, so it must be the same)
//   BETTER_AUTH_URL     base URL (origin) of the deployment, e.g. http://127.0.0.1:8123
//
// Stdout: exactly ONE line of JSON
//   {"email","password","userId","sessionToken","cookie"}
// where `cookie` is "better-auth.session_token=<value exactly as in Set-Cookie>"
// (URL-encoded signed token), ready to be sent as a Cookie header.
// Everything else goes to stderr.
//
// Optional organization mode:
//   ORG=1               Better Auth is configured with the organization plugin
//                       exactly as reference-server.mjs does with ORG=1
//                       (lib/org-options.mjs: teams, dynamic access control, the
//                       default ac/roles; no sendInvitationEmail), so the migration
//                       also creates organization, member, invitation, team,
//                       teamMember, organizationRole and the session columns
//                       activeOrganizationId, activeTeamId. After the sign-up above,
//                       through Better Auth's server API (auth.api.*, headers carrying
//                       the session cookies):
//                         1. the seeded user (owner) creates {name:"Seeded Org",
//                            slug:"seeded-org", metadata:{plan:"pro"}} — it becomes the
//                            owner session's active organization, its default team
//                            ("Seeded Org", owner inside) the active team;
//                         2. a second user signs up (member-<hex>@example.com,
//                            "member-password-123"), is invited as "member" and accepts
//                            (accepted invitation + member row; the org is active on
//                            the second user's session, no active team);
//                         3. a third address (invitee-<hex>@example.com, no account)
//                            is invited as "admin" and left pending;
//                         4. a team "Seeded Team" is created and the second user added;
//                         5. a custom role "auditor" {member:["update"], ac:["read"]} is
//                            created and the second user's role set to "member,auditor"
//                            (update-member-role).
//                       The JSON line then carries one more key, `org`:
//                         {"organizationId","slug","defaultTeamId","teamId",
//                          "pendingInvitationId","pendingEmail",
//                          "member":{"email","password","userId","memberId","cookie"}}
//                       (member.cookie: the second user's session cookie, same format
//                       as `cookie`). The top-level keys are unchanged; the top-level
//                       `cookie`/`sessionToken` is the owner's session, whose
//                       activeOrganizationId is the new organization.
//                       Without ORG=1 the script behaves and prints exactly as before.

import { randomBytes } from "node:crypto";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { authOptions, createPool, requireEnv } from "./ba-options.mjs";

// Better Auth's logger and our own progress messages must not pollute stdout,
// which carries the single JSON line the Rust test parses.
const log = (...args) => console.error("[seed]", ...args);
console.log = console.info = console.debug = console.warn = (...args) => console.error(...args);
const emit = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);

const databaseUrl = requireEnv("DATABASE_URL");
const secret = requireEnv("BETTER_AUTH_SECRET");
const baseURL = requireEnv("BETTER_AUTH_URL");

const orgMode = process.env.ORG === "1";

const db = await createPool(databaseUrl);
let exitCode = 0;
try {
  let options = authOptions({ database: db.pool, secret, baseURL });
  if (orgMode) {
    // Same plugin options as reference-server.mjs with ORG=1 (no outbox: no
    // sendInvitationEmail, which Better Auth simply skips when absent).
    const { withOrgOptions } = await import("./lib/org-options.mjs");
    options = withOrgOptions(options, { baseURL });
    log("organization plugin: teams, dynamic access control");
  }

  // 1. Schema, created by Better Auth's own migration (same as `@better-auth/cli migrate`).
  const migrations = await getMigrations(options);
  log(
    `${db.kind}: creating [${migrations.toBeCreated.map((t) => t.table).join(", ")}]` +
      ` altering [${migrations.toBeAdded.map((t) => t.table).join(", ")}]`,
  );
  await migrations.runMigrations();

  // 2. A user, signed up through the real endpoint logic (scrypt hash, credential
  //    account, session row, signed cookie), without any HTTP server.
  const auth = betterAuth(options);
  const email = `legacy-${randomBytes(5).toString("hex")}@example.com`;
  const password = "legacy-password-123";
  const response = await auth.api.signUpEmail({
    body: { email, password, name: "Legacy User" },
    asResponse: true,
  });
  if (response.status !== 200) {
    throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  }
  const body = await response.json();

  // 3. The session cookie exactly as Better Auth sent it. getSetCookie() keeps
  //    each Set-Cookie line separate; the value stays URL-encoded (%2B, %2F, %3D),
  //    which is what a browser stores and sends back.
  const sessionLine = response.headers
    .getSetCookie()
    .find((line) => line.startsWith("better-auth.session_token="));
  if (!sessionLine) throw new Error("sign-up response carried no better-auth.session_token cookie");
  const cookie = sessionLine.split(";")[0];
  const signed = decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1));
  if (!signed.startsWith(`${body.token}.`)) {
    throw new Error(`cookie value ${signed} does not start with the session token ${body.token}`);
  }

  log(`seeded user ${body.user.id} <${email}>`);
  const seeded = { email, password, userId: body.user.id, sessionToken: body.token, cookie };
  if (orgMode) seeded.org = await seedOrganization(auth, seeded);
  emit(seeded);
} catch (err) {
  console.error("[seed] error:", err);
  exitCode = 1;
} finally {
  await db.close().catch(() => {});
}
process.exit(exitCode);

// ---------------------------------------------------------------------------
// ORG=1: organization, members, invitations, teams and a custom role, all
// written by Better Auth's own endpoint logic (auth.api.* with the caller's
// session cookie in `headers`; asResponse so status and Set-Cookie are visible).

/** The `better-auth.session_token=<value>` pair of a response, or null. */
function sessionCookieOf(response) {
  const line = response.headers.getSetCookie().find((l) => l.startsWith("better-auth.session_token="));
  return line ? line.split(";")[0] : null;
}

/** Call auth.api[name] as `cookie`'s owner; returns {body, setCookie}; throws unless 200. */
async function callApi(auth, name, { cookie, body, query } = {}) {
  const headers = new Headers();
  if (cookie) headers.set("cookie", cookie);
  const response = await auth.api[name]({
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(query !== undefined ? { query } : {}),
    asResponse: true,
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${name} failed: ${response.status} ${text}`);
  return { body: text ? JSON.parse(text) : null, setCookie: sessionCookieOf(response) };
}

function expect(condition, message) {
  if (!condition) throw new Error(`org seed: ${message}`);
}

async function seedOrganization(auth, owner) {
  // 1. The owner creates the organization: active on the owner's session, and
  //    (teams enabled) a default team with the owner in it, made the active team.
  const { body: org } = await callApi(auth, "createOrganization", {
    cookie: owner.cookie,
    body: { name: "Seeded Org", slug: "seeded-org", metadata: { plan: "pro" } },
  });
  const organizationId = org.id;
  const ownerSession = (await callApi(auth, "getSession", { cookie: owner.cookie })).body;
  expect(ownerSession?.session?.token === owner.sessionToken, "owner cookie no longer resolves to the seeded session");
  expect(ownerSession.session.activeOrganizationId === organizationId, "the new organization is not active on the owner's session");
  const defaultTeamId = ownerSession.session.activeTeamId;
  const teams = (await callApi(auth, "listOrganizationTeams", { cookie: owner.cookie, query: { organizationId } })).body;
  expect(teams.length === 1 && teams[0].id === defaultTeamId, `expected exactly the default team, got ${JSON.stringify(teams)}`);
  log(`organization ${organizationId} (seeded-org), default team ${defaultTeamId}`);

  // 2. A second user signs up, is invited as "member" and accepts.
  const memberEmail = `member-${randomBytes(5).toString("hex")}@example.com`;
  const memberPassword = "member-password-123";
  const signUp = await auth.api.signUpEmail({
    body: { email: memberEmail, password: memberPassword, name: "Seeded Member" },
    asResponse: true,
  });
  if (signUp.status !== 200) throw new Error(`member sign-up failed: ${signUp.status} ${await signUp.text()}`);
  const memberSignUp = await signUp.json();
  let memberCookie = sessionCookieOf(signUp);
  expect(memberCookie, "member sign-up carried no better-auth.session_token cookie");
  const memberUserId = memberSignUp.user.id;

  const { body: memberInvitation } = await callApi(auth, "createInvitation", {
    cookie: owner.cookie,
    body: { email: memberEmail, role: "member", organizationId },
  });
  const accepted = await callApi(auth, "acceptInvitation", {
    cookie: memberCookie,
    body: { invitationId: memberInvitation.id },
  });
  // A team-less acceptance sends no Set-Cookie in 1.7.25; if it ever does, keep the newest.
  if (accepted.setCookie) memberCookie = accepted.setCookie;
  expect(accepted.body.invitation.status === "accepted", "invitation not accepted");
  const memberId = accepted.body.member.id;
  log(`member ${memberUserId} <${memberEmail}> joined as ${memberId}`);

  // 3. A pending "admin" invitation for an address without an account.
  const pendingEmail = `invitee-${randomBytes(5).toString("hex")}@example.com`;
  const { body: pending } = await callApi(auth, "createInvitation", {
    cookie: owner.cookie,
    body: { email: pendingEmail, role: "admin", organizationId },
  });
  expect(pending.status === "pending", "third invitation is not pending");

  // 4. A second team with the member in it.
  const { body: team } = await callApi(auth, "createTeam", {
    cookie: owner.cookie,
    body: { name: "Seeded Team", organizationId },
  });
  await callApi(auth, "addTeamMember", {
    cookie: owner.cookie,
    body: { teamId: team.id, userId: memberUserId, organizationId },
  });

  // 5. A custom role, then the member holds "member,auditor".
  await callApi(auth, "createOrgRole", {
    cookie: owner.cookie,
    body: { role: "auditor", permission: { member: ["update"], ac: ["read"] }, organizationId },
  });
  const { body: updated } = await callApi(auth, "updateMemberRole", {
    cookie: owner.cookie,
    body: { memberId, role: ["member", "auditor"], organizationId },
  });
  expect(updated.role === "member,auditor", `member role is ${JSON.stringify(updated.role)}`);

  // The member's cookie is accepted and its session has the organization active.
  const memberSession = (await callApi(auth, "getSession", { cookie: memberCookie })).body;
  expect(memberSession?.user?.id === memberUserId, "member cookie rejected");
  expect(memberSession.session.activeOrganizationId === organizationId, "organization not active on the member's session");
  log(`team ${team.id}, pending invitation ${pending.id} <${pendingEmail}>, role auditor`);

  return {
    organizationId,
    slug: org.slug,
    defaultTeamId,
    teamId: team.id,
    pendingInvitationId: pending.id,
    pendingEmail: pending.email,
    member: { email: memberEmail, password: memberPassword, userId: memberUserId, memberId, cookie: memberCookie },
  };
}
