// capture-org-observations.mjs — raw HTTP transcript of every organization-plugin
// endpoint (teams + dynamic access control), as Markdown on stdout. Used to write
// ORG-OBSERVATIONS.md; run it against the Rust server too and diff.
//
//   BASE_URL=http://127.0.0.1:8123 MAIL_OUTBOX_DIR=/tmp/outbox \
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/db [MAIL_CALLBACK_LOG=/tmp/cb.jsonl] \
//     node capture-org-observations.mjs > out.md
//
// Env:
//   BASE_URL, MAIL_OUTBOX_DIR (required) the server (reference-server.mjs with ORG=1 and
//                       an outbox, i.e. also e-mail mode) and its outbox
//   DATABASE_URL        optional (postgres): dump the stored organization rows at a few points
//   MAIL_CALLBACK_LOG   optional: the reference server's callback log; its invitation lines
//                       are printed (what Better Auth hands sendInvitationEmail)
//   DDL=1               also print the DDL Better Auth's getMigrations().compileMigrations()
//                       emits with the organization options, on a scratch PostgreSQL AND a
//                       scratch MariaDB database created and dropped here
//                       (DDL_PG_ADMIN_URL default postgres://postgres@127.0.0.1:5432/postgres,
//                        DDL_MYSQL_ADMIN_URL default mysql://root@127.0.0.1:3306/)
//   SECTIONS            comma list of: http,ddl (default: http, plus ddl when DDL=1)
//
// Every request is a raw fetch() with `Origin: <BASE_URL origin>` (GETs too) and the
// caller's cookie jar. Ids, tokens and dates are replaced by placeholders; key order,
// value types, null vs missing are kept exactly (bodies are re-serialised with
// JSON.stringify(..., 2) after placeholder substitution of string values only).

import { randomBytes } from "node:crypto";
import { readFileSync, existsSync } from "node:fs";
import { CookieJar } from "./lib/harness.mjs";
import { Outbox, extractUrl } from "./lib/outbox.mjs";

const BASE_URL = (process.env.BASE_URL || "").replace(/\/+$/, "");
const OUTBOX_DIR = process.env.MAIL_OUTBOX_DIR;
const DDL_ONLY = !BASE_URL && process.env.DDL === "1";
if ((!BASE_URL || !OUTBOX_DIR) && !DDL_ONLY) {
  console.error("BASE_URL and MAIL_OUTBOX_DIR are required (or DDL=1 alone for the DDL section)");
  process.exit(2);
}
const SECTIONS = new Set((process.env.SECTIONS || (DDL_ONLY ? "ddl" : process.env.DDL === "1" ? "http,ddl" : "http")).split(","));
const ORIGIN = BASE_URL ? new URL(BASE_URL).origin : "";
const API = `${BASE_URL}/api/auth`;
const RUN = randomBytes(3).toString("hex");
const outbox = OUTBOX_DIR ? new Outbox(OUTBOX_DIR) : null;

let pool = null;
if (process.env.DATABASE_URL && SECTIONS.has("http")) {
  const { default: pg } = await import("pg");
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
}

// ------------------------------------------------------------------ output
// A closed stdout (e.g. `| head`) must not kill the script before it dropped its
// scratch databases: stop writing, keep going, clean up.
let stdoutClosed = false;
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") stdoutClosed = true;
  else throw e;
});
const p = (s = "") => {
  if (!stdoutClosed) process.stdout.write(`${s}\n`);
};
function fence(body, lang = "") {
  p(`\`\`\`${lang}`);
  p(body);
  p("```");
}

const known = new Map(); // literal -> placeholder
function remember(literal, placeholder) {
  if (typeof literal === "string" && literal && !known.has(literal)) known.set(literal, placeholder);
}
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
function elideString(s) {
  if (ISO_RE.test(s)) return "<date>";
  let out = s;
  // longest literals first so that e.g. a token is not partially replaced by an id
  for (const [lit, ph] of [...known].sort((a, b) => b[0].length - a[0].length)) out = out.split(lit).join(ph);
  out = out.split(RUN).join("RUN").split(RUN.toUpperCase()).join("RUN");
  out = out.replace(/\b[A-Za-z0-9]{32}\b/g, "<id?>");
  return out;
}
function elide(v) {
  if (typeof v === "string") return elideString(v);
  if (Array.isArray(v)) return v.map(elide);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, elide(x)]));
  return v;
}

// ------------------------------------------------------------------ http
function browser(label) {
  return { label, jar: new CookieJar() };
}

function describeSetCookie(line) {
  const [pair, ...attrs] = line.split(";");
  const name = pair.slice(0, pair.indexOf("=")).trim();
  const value = pair.slice(pair.indexOf("=") + 1).trim();
  const v = value === "" ? '""' : "<value>";
  return `${name}=${v}; ${attrs.map((a) => a.trim()).filter(Boolean).join("; ")}`;
}

/**
 * One exchange; prints it and returns {status, json, text, setCookie}.
 * opts: {b (browser; none = no cookies), body, query}
 */
async function http(title, method, path, { b = null, body, query, note, reg } = {}) {
  let url = `${API}${path}`;
  if (query) {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    url += `?${qs}`;
  }
  const headers = new Headers({ origin: ORIGIN });
  if (body !== undefined) headers.set("content-type", "application/json");
  const cookie = b?.jar.header();
  if (cookie) headers.set("cookie", cookie);
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: "manual" });
  const setCookie = res.headers.getSetCookie();
  if (b) b.jar.absorb(setCookie);
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (reg && json) reg(json);
  p(`### ${title}`);
  if (note) p(`\n${note}\n`);
  const reqLine = `${method} /api/auth${path}${query ? `?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}` : ""}   [${b ? b.label : "no cookies"}]`;
  const lines = [elideString(reqLine)];
  if (body !== undefined) lines.push(JSON.stringify(elide(body)));
  lines.push("->");
  lines.push(`${res.status} ${res.statusText}   content-type: ${res.headers.get("content-type") ?? "(none)"}`);
  for (const sc of setCookie) lines.push(`set-cookie: ${describeSetCookie(sc)}`);
  if (res.headers.get("set-auth-token")) lines.push("set-auth-token: <signed token>");
  lines.push(json !== undefined ? JSON.stringify(elide(json), null, 2) : text === "" ? "(empty body)" : `(raw) ${elideString(text)}`);
  fence(lines.join("\n"));
  p();
  return { status: res.status, json, text, setCookie };
}

const post = (title, path, b, body, opts = {}) => http(title, "POST", path, { b, body, ...opts });
const get = (title, path, b, query, opts = {}) => http(title, "GET", path, { b, query, ...opts });

async function signUp(label, local, name) {
  const b = browser(label);
  const email = `${local}.${RUN}@example.com`;
  const mark = outbox.mark();
  const r = await fetch(`${API}/sign-up/email`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ email, password: "org-password-123", name }),
  });
  b.jar.absorb(r.headers.getSetCookie());
  const j = await r.json();
  if (r.status !== 200) throw new Error(`sign-up ${email}: ${r.status} ${JSON.stringify(j)}`);
  remember(j.user.id, `<${label}.userId>`);
  remember(j.token, `<${label}.token>`);
  b.email = email;
  b.userId = j.user.id;
  b.name = name;
  b.signupMark = mark;
  return b;
}

async function session(title, b) {
  return get(`${title} — get-session (${b.label})`, "/get-session", b);
}

async function dbDump(title, sql, params = []) {
  if (!pool) return;
  const { rows } = await pool.query(sql, params);
  p(`#### DB: ${title}`);
  fence(`${sql}\n->\n${JSON.stringify(elide(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])))), null, 2)}`);
  p();
}

// ==================================================================== HTTP
async function captureHttp() {
  p(`# Organization plugin — raw exchanges (Better Auth reference, run ${new Date().toISOString().slice(0, 10)})`);
  p();
  p("Placeholders: `<X.userId>`/`<X.token>` per browser, `<org1.id>`…, `<inv.B>`…, `<date>` = ISO-8601 string, `<id?>` = an unregistered 32-char id, `RUN` = the run suffix in e-mails/slugs. `set-cookie` values are elided; attributes are verbatim.");
  p();

  // -------------------------------------------------------------- users
  const A = await signUp("A", "owner", "Owner Ann");
  const B = await signUp("B", "bob", "Bob Member");
  const C = await signUp("C", "carol", "Carol Third");
  const D = await signUp("D", "dave", "Dave Fourth");
  const E = await signUp("E", "erin", "Erin Outsider");
  const F = await signUp("F", "frank", "Frank Fifth");
  const G = await signUp("G", "gina", "Gina Rejecter");
  const H = await signUp("H", "hank", "Hank Canceled");
  const anon = null;

  p("## 1. Unauthenticated calls");
  p();
  await get("list without session", "/organization/list", anon);
  await post("create without session", "/organization/create", anon, { name: "X", slug: `x-${RUN}` });
  await get("get-full-organization without session", "/organization/get-full-organization", anon);
  await post("check-slug without session", "/organization/check-slug", anon, { slug: `free-${RUN}` });
  await get("get-invitation without session", "/organization/get-invitation", anon, { id: "nope" });
  await get("list-user-invitations without session", "/organization/list-user-invitations", anon);
  await post("has-permission without session", "/organization/has-permission", anon, { permissions: { member: ["create"] } });
  await post("set-active without session", "/organization/set-active", anon, { organizationId: null });
  await post("create-team without session", "/organization/create-team", anon, { name: "T" });
  await get("list-roles without session", "/organization/list-roles", anon);

  p("## 2. Session before any organization");
  p();
  await session("fresh user", A);

  p("## 3. create / check-slug / list / get");
  p();
  const org1Slug = `acme-${RUN}`;
  const c1 = await post("create with metadata object (becomes active)", "/organization/create", A, {
    name: "Acme Inc",
    slug: org1Slug,
    logo: "https://example.com/logo.png",
    metadata: { plan: "pro", seats: 5, nested: { a: [1, 2] } },
  }, { reg: (j) => { remember(j.id, "<org1.id>"); remember(j.members?.[0]?.id, "<member.A@org1>"); } });
  const org1 = c1.json;
  // (silently) the default team Better Auth created with the organization
  const teams1 = await (await fetch(`${API}/organization/list-teams`, { headers: { origin: ORIGIN, cookie: A.jar.header() } })).json();
  if (Array.isArray(teams1) && teams1[0]) remember(teams1[0].id, "<team.default@org1>");
  await session("after create", A);
  await dbDump("organization row after create (metadata is stored as a JSON string)", 'select id, name, slug, logo, metadata, "createdAt" from organization where id = $1', [org1.id]);

  const org2Slug = `beta-${RUN}`;
  const c2 = await post("create with keepCurrentActiveOrganization:true, no metadata, no logo", "/organization/create", A, {
    name: "Beta LLC",
    slug: org2Slug,
    keepCurrentActiveOrganization: true,
  }, { reg: (j) => { remember(j.id, "<org2.id>"); remember(j.members?.[0]?.id, "<member.A@org2>"); } });
  const org2 = c2.json;
  await session("after keepCurrentActiveOrganization create", A);
  await post("create with a taken slug", "/organization/create", A, { name: "Dup", slug: org1Slug });
  await post("create with empty name (schema validation)", "/organization/create", A, { name: "", slug: `empty-${RUN}` });
  await post("create without slug (schema validation)", "/organization/create", A, { name: "No slug" });
  await post("create with metadata as a string (schema validation)", "/organization/create", A, { name: "Str meta", slug: `strmeta-${RUN}`, metadata: "{\"a\":1}" });
  await post("check-slug free", "/organization/check-slug", A, { slug: `free-${RUN}` });
  await post("check-slug taken", "/organization/check-slug", A, { slug: org1Slug });
  await get("list (metadata comes back as a STRING)", "/organization/list", A);
  await get("get-organization (active)", "/organization/get-organization", A);
  await get("get-organization ?organizationSlug", "/organization/get-organization", A, { organizationSlug: org2Slug });

  p("## 4. update");
  p();
  await post("update active org (name + metadata object)", "/organization/update", A, { data: { name: "Acme Corp", metadata: { plan: "enterprise" } } });
  await post("update by organizationId, slug only", "/organization/update", A, { organizationId: org2.id, data: { slug: `${org2Slug}-2` } });
  await post("update with a slug taken by another org", "/organization/update", A, { organizationId: org2.id, data: { slug: org1Slug } });
  await post("update unknown organizationId", "/organization/update", A, { organizationId: "does-not-exist", data: { name: "x" } });
  await post("update with logo null", "/organization/update", A, { organizationId: org2.id, data: { logo: null } });

  p("## 5. set-active");
  p();
  await post("set-active by organizationId", "/organization/set-active", A, { organizationId: org2.id });
  await session("after set-active org2", A);
  await post("set-active by organizationSlug", "/organization/set-active", A, { organizationSlug: org1Slug });
  await session("after set-active by slug", A);
  await post("set-active organizationId:null", "/organization/set-active", A, { organizationId: null });
  await session("after set-active null", A);
  await post("set-active null again (already none)", "/organization/set-active", A, { organizationId: null });
  await post("set-active {} with no active org", "/organization/set-active", A, {});
  await get("get-full-organization with no active org", "/organization/get-full-organization", A);
  await get("get-organization with no active org", "/organization/get-organization", A);
  await post("set-active unknown slug", "/organization/set-active", A, { organizationSlug: "no-such-slug" });
  await post("set-active unknown id", "/organization/set-active", A, { organizationId: "no-such-id" });
  await post("set-active org1 again", "/organization/set-active", A, { organizationId: org1.id });
  await post("set-active {} with an active org (re-affirms it)", "/organization/set-active", A, {});
  await post("E (not a member) set-active org1", "/organization/set-active", E, { organizationId: org1.id });

  p("## 6. get-full-organization");
  p();
  await get("as owner (active org)", "/organization/get-full-organization", A);
  await get("?organizationId=org2", "/organization/get-full-organization", A, { organizationId: org2.id });
  await get("?organizationSlug", "/organization/get-full-organization", A, { organizationSlug: org1Slug });
  await get("E (not a member) ?organizationId=org1", "/organization/get-full-organization", E, { organizationId: org1.id });
  await get("unknown organizationId", "/organization/get-full-organization", A, { organizationId: "nope" });

  p("## 7. invite-member");
  p();
  let mark = outbox.mark();
  const invB = await post("invite B as member", "/organization/invite-member", A, { email: B.email.toUpperCase(), role: "member" }, { note: "E-mail given upper-cased.", reg: (j) => remember(j.id, "<inv.B>") });
  const mailB = await outbox.waitFor({ to: B.email, kind: "invitation" }, mark);
  p("Outbox file written by the reference server's sendInvitationEmail:");
  fence(JSON.stringify(elide({ ...mailB, file: "<file>" }), null, 2));
  p();
  await post("invite B again (pending invitation exists)", "/organization/invite-member", A, { email: B.email, role: "member" });
  mark = outbox.mark();
  await post("invite B again with resend:true", "/organization/invite-member", A, { email: B.email, role: "member", resend: true });
  const resent = outbox.list({ to: B.email, kind: "invitation" }, mark);
  p(`resend -> ${resent.length} new invitation mail(s) (same invitation id in the link: ${resent.length ? extractUrl(resent[0].text).endsWith(invB.json.id) : "n/a"})`);
  p();
  await post("invite bad email", "/organization/invite-member", A, { email: "not-an-email", role: "member" });
  await post("invite unknown role", "/organization/invite-member", A, { email: `zed.${RUN}@example.com`, role: "superhero" });
  await post("invite with empty role", "/organization/invite-member", A, { email: `zed.${RUN}@example.com`, role: "" });
  await post("invite A (already a member)", "/organization/invite-member", A, { email: A.email, role: "member" });
  const invC = await post("invite C as admin into the default team (teamId)", "/organization/invite-member", A, { email: C.email, role: "admin", teamId: teams1[0]?.id }, { reg: (j) => remember(j.id, "<inv.C>") });
  await post("invite with unknown teamId", "/organization/invite-member", A, { email: `zed2.${RUN}@example.com`, role: "member", teamId: "no-such-team" });
  const invD = await post("invite D with a role array [\"member\",\"admin\"]", "/organization/invite-member", A, { email: D.email, role: ["member", "admin"] }, { reg: (j) => remember(j.id, "<inv.D>") });
  const invF = await post("invite F as member, explicit organizationId", "/organization/invite-member", A, { email: F.email, role: "member", organizationId: org1.id }, { reg: (j) => remember(j.id, "<inv.F>") });
  const invG = await post("invite G (will reject)", "/organization/invite-member", A, { email: G.email, role: "member" }, { reg: (j) => remember(j.id, "<inv.G>") });
  const invH = await post("invite H (will be canceled)", "/organization/invite-member", A, { email: H.email, role: "member" }, { reg: (j) => remember(j.id, "<inv.H>") });
  await post("E (not a member) invites into org1", "/organization/invite-member", E, { email: `zed3.${RUN}@example.com`, role: "member", organizationId: org1.id });
  await post("E invites with no active org and no organizationId", "/organization/invite-member", E, { email: `zed3.${RUN}@example.com`, role: "member" });
  await dbDump("invitation rows (role array stored comma-joined, teamId)", 'select id, email, role, "teamId", status, "inviterId" from invitation where "organizationId" = $1 order by "createdAt"', [org1.id]);

  if (process.env.MAIL_CALLBACK_LOG && existsSync(process.env.MAIL_CALLBACK_LOG)) {
    const lines = readFileSync(process.env.MAIL_CALLBACK_LOG, "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((l) => l.kind === "invitation");
    if (lines.length) {
      p("#### sendInvitationEmail callback data (first call, as Better Auth passes it; JSON-serialised)");
      fence(JSON.stringify(elide(lines[0]), null, 2));
      p();
    }
  }

  p("## 8. get-invitation / list-invitations / list-user-invitations");
  p();
  await get("get-invitation as B (recipient)", "/organization/get-invitation", B, { id: invB.json.id });
  await get("get-invitation as A (not the recipient)", "/organization/get-invitation", A, { id: invB.json.id });
  await get("get-invitation unknown id", "/organization/get-invitation", B, { id: "nope" });
  await get("get-invitation without id (schema)", "/organization/get-invitation", B);
  await get("list-invitations as owner (active org)", "/organization/list-invitations", A);
  await get("list-invitations ?organizationId as E (not a member)", "/organization/list-invitations", E, { organizationId: org1.id });
  await get("list-invitations with no active org", "/organization/list-invitations", E);
  await get("list-user-invitations as B (email NOT verified)", "/organization/list-user-invitations", B);
  await get("list-user-invitations ?email= from a client", "/organization/list-user-invitations", B, { email: B.email });
  // verify B's email through the sign-up verification mail (reference server in e-mail mode)
  try {
    const vm = await outbox.waitFor({ to: B.email, kind: "verification" }, new Set(), 2000);
    const r = await fetch(extractUrl(vm.text), { redirect: "manual", headers: { cookie: B.jar.header() } });
    B.jar.absorb(r.headers.getSetCookie());
    p(`(B's address verified through the sign-up verification link: ${r.status})`);
    p();
    await get("list-user-invitations as B (verified)", "/organization/list-user-invitations", B);
  } catch (e) {
    p(`(could not verify B: ${e.message})`);
    p();
  }

  p("## 9. accept-invitation");
  p();
  await post("accept as A (not the recipient)", "/organization/accept-invitation", A, { invitationId: invB.json.id });
  await post("accept unknown invitation", "/organization/accept-invitation", B, { invitationId: "nope" });
  await session("B before accept", B);
  const accB = await post("accept as B", "/organization/accept-invitation", B, { invitationId: invB.json.id }, { reg: (j) => remember(j?.member?.id, "<member.B>") });
  await session("B after accept", B);
  await post("accept B's invitation again", "/organization/accept-invitation", B, { invitationId: invB.json.id });
  const accC = await post("accept as C (invitation with teamId)", "/organization/accept-invitation", C, { invitationId: invC.json.id }, { reg: (j) => remember(j?.member?.id, "<member.C>") });
  await session("C after accepting an invitation with a teamId", C);
  const accD = await post("accept as D (role array)", "/organization/accept-invitation", D, { invitationId: invD.json.id }, { reg: (j) => remember(j?.member?.id, "<member.D>") });
  const accF = await post("accept as F", "/organization/accept-invitation", F, { invitationId: invF.json.id }, { reg: (j) => remember(j?.member?.id, "<member.F>") });
  await get("get-full-organization as B (member: invitations hidden)", "/organization/get-full-organization", B);
  await get("get-full-organization as A ?membersLimit=2", "/organization/get-full-organization", A, { membersLimit: 2 });

  p("## 10. reject-invitation / cancel-invitation");
  p();
  await post("reject G's invitation as A (not the recipient)", "/organization/reject-invitation", A, { invitationId: invG.json.id });
  await post("reject as G", "/organization/reject-invitation", G, { invitationId: invG.json.id });
  await post("reject again", "/organization/reject-invitation", G, { invitationId: invG.json.id });
  await post("reject unknown", "/organization/reject-invitation", G, { invitationId: "nope" });
  await session("G after reject", G);
  await post("cancel H's invitation as B (member lacks invitation:cancel)", "/organization/cancel-invitation", B, { invitationId: invH.json.id });
  await post("cancel H's invitation as E (not a member)", "/organization/cancel-invitation", E, { invitationId: invH.json.id });
  await post("cancel as A", "/organization/cancel-invitation", A, { invitationId: invH.json.id });
  await post("cancel again (already canceled)", "/organization/cancel-invitation", A, { invitationId: invH.json.id });
  await post("cancel unknown", "/organization/cancel-invitation", A, { invitationId: "nope" });
  await post("accept the canceled invitation as H", "/organization/accept-invitation", H, { invitationId: invH.json.id });
  await get("list-invitations after accept/reject/cancel", "/organization/list-invitations", A);

  p("## 11. list-members / get-active-member / get-active-member-role");
  p();
  await get("list-members (default)", "/organization/list-members", A);
  await get("list-members limit=2", "/organization/list-members", A, { limit: 2 });
  await get("list-members limit=2&offset=2", "/organization/list-members", A, { limit: 2, offset: 2 });
  await get("list-members sortBy=createdAt&sortDirection=desc", "/organization/list-members", A, { sortBy: "createdAt", sortDirection: "desc" });
  await get("list-members filterField=role&filterValue=owner&filterOperator=eq", "/organization/list-members", A, { filterField: "role", filterValue: "owner", filterOperator: "eq" });
  await get("list-members filterField=role&filterValue=admin (no operator)", "/organization/list-members", A, { filterField: "role", filterValue: "admin" });
  await get("list-members ?organizationSlug (org2)", "/organization/list-members", A, { organizationSlug: `${org2Slug}-2` });
  await get("list-members as E (no active org)", "/organization/list-members", E);
  await get("list-members as E ?organizationId=org1", "/organization/list-members", E, { organizationId: org1.id });
  await get("get-active-member as A", "/organization/get-active-member", A);
  await get("get-active-member as B", "/organization/get-active-member", B);
  await get("get-active-member as E (no active org)", "/organization/get-active-member", E);
  await get("get-active-member-role as A", "/organization/get-active-member-role", A);
  await get("get-active-member-role as A ?userId=B", "/organization/get-active-member-role", A, { userId: B.userId });
  await get("get-active-member-role as A ?userId=E (not a member)", "/organization/get-active-member-role", A, { userId: E.userId });
  await get("get-active-member-role as D (role array)", "/organization/get-active-member-role", D);

  p("## 12. has-permission");
  p();
  await post("A permissions {organization:[delete]}", "/organization/has-permission", A, { permissions: { organization: ["delete"] } });
  await post("B permissions {organization:[delete]}", "/organization/has-permission", B, { permissions: { organization: ["delete"] } });
  await post("B permissions {ac:[read]}", "/organization/has-permission", B, { permissions: { ac: ["read"] } });
  await post("A legacy `permission` key", "/organization/has-permission", A, { permission: { member: ["create"] } });
  await post("A both `permission` and `permissions`", "/organization/has-permission", A, { permission: { member: ["create"] }, permissions: { member: ["create"] } });
  await post("A neither", "/organization/has-permission", A, {});
  await post("A unknown resource", "/organization/has-permission", A, { permissions: { rocket: ["launch"] } });
  await post("A multiple resources, one denied? (owner: all)", "/organization/has-permission", A, { permissions: { member: ["create", "delete"], team: ["create"] } });
  await post("E (no active org)", "/organization/has-permission", E, { permissions: { member: ["create"] } });
  await post("E ?organizationId=org1 (not a member)", "/organization/has-permission", E, { organizationId: org1.id, permissions: { member: ["create"] } });

  p("## 13. member permissions, update-member-role, remove-member, leave");
  p();
  await post("B (member) delete org1", "/organization/delete", B, { organizationId: org1.id });
  await post("B (member) update org1", "/organization/update", B, { data: { name: "Hacked" } });
  await post("B (member) invite-member", "/organization/invite-member", B, { email: `zed4.${RUN}@example.com`, role: "member" });
  await post("B (member) remove-member F by id (lacks member:delete)", "/organization/remove-member", B, { memberIdOrEmail: accF.json.member.id });
  await post("B (member) remove-member A (the owner)", "/organization/remove-member", B, { memberIdOrEmail: A.email });
  await post("B (member) update-member-role of F", "/organization/update-member-role", B, { memberId: accF.json.member.id, role: "admin" });
  await post("A update-member-role B -> [\"admin\",\"member\"]", "/organization/update-member-role", A, { memberId: accB.json.member.id, role: ["admin", "member"] });
  await post("A update-member-role B -> \"admin\"", "/organization/update-member-role", A, { memberId: accB.json.member.id, role: "admin" });
  await post("A update-member-role B -> unknown role", "/organization/update-member-role", A, { memberId: accB.json.member.id, role: "superhero" });
  await post("A update-member-role B -> empty string", "/organization/update-member-role", A, { memberId: accB.json.member.id, role: "" });
  await post("A demotes self (last owner) -> admin", "/organization/update-member-role", A, { memberId: org1.members[0].id, role: "admin" });
  await post("A update-member-role unknown memberId", "/organization/update-member-role", A, { memberId: "nope", role: "member" });
  await post("B (admin) update-member-role A (owner)", "/organization/update-member-role", B, { memberId: org1.members[0].id, role: "member" });
  await post("B (admin) update-member-role F -> owner", "/organization/update-member-role", B, { memberId: accF.json.member.id, role: "owner" });
  await post("B (admin) invite as owner", "/organization/invite-member", B, { email: `zed5.${RUN}@example.com`, role: "owner" });
  await get("B get-active-member after role change", "/organization/get-active-member", B);
  await post("A leave org1 (only owner)", "/organization/leave", A, { organizationId: org1.id });
  await post("A remove-member self (only owner)", "/organization/remove-member", A, { memberIdOrEmail: org1.members[0].id });
  await post("A remove-member unknown id", "/organization/remove-member", A, { memberIdOrEmail: "nope" });
  await post("A remove-member unknown email", "/organization/remove-member", A, { memberIdOrEmail: `nobody.${RUN}@example.com` });
  await post("A remove-member D by id", "/organization/remove-member", A, { memberIdOrEmail: accD.json.member.id });
  await post("A remove-member F by email (upper-cased)", "/organization/remove-member", A, { memberIdOrEmail: F.email.toUpperCase() });
  await post("A remove-member F by email again (already removed)", "/organization/remove-member", A, { memberIdOrEmail: F.email });
  await session("F after being removed (active org stays)", F);
  await post("C leave org1", "/organization/leave", C, { organizationId: org1.id });
  await session("C after leave", C);
  await post("C leave again", "/organization/leave", C, { organizationId: org1.id });

  p("## 14. Teams");
  p();
  await get("list-teams (default team created with the org)", "/organization/list-teams", A);
  const t1 = await post("create-team", "/organization/create-team", A, { name: "Engineering" }, { reg: (j) => remember(j.id, "<team.eng>") });
  await post("create-team with the same name again", "/organization/create-team", A, { name: "Engineering" });
  await post("create-team as E (not a member) ?organizationId", "/organization/create-team", E, { name: "X", organizationId: org1.id });
  await post("create-team as E (no active org)", "/organization/create-team", E, { name: "X" });
  await post("create-team empty name", "/organization/create-team", A, { name: "" });
  await post("update-team", "/organization/update-team", A, { teamId: t1.json.id, data: { name: "Platform" } });
  await post("update-team unknown", "/organization/update-team", A, { teamId: "nope", data: { name: "x" } });
  await get("list-teams", "/organization/list-teams", A);
  await post("add-team-member B", "/organization/add-team-member", A, { teamId: t1.json.id, userId: B.userId });
  await post("add-team-member B again", "/organization/add-team-member", A, { teamId: t1.json.id, userId: B.userId });
  await post("add-team-member E (not an org member)", "/organization/add-team-member", A, { teamId: t1.json.id, userId: E.userId });
  await post("add-team-member unknown team", "/organization/add-team-member", A, { teamId: "nope", userId: B.userId });
  await get("list-team-members ?teamId", "/organization/list-team-members", A, { teamId: t1.json.id }, { note: "A is not in this team." });
  await get("list-team-members ?teamId as B", "/organization/list-team-members", B, { teamId: t1.json.id });
  await get("list-team-members (active team of A = default team)", "/organization/list-team-members", A);
  await dbDump("team / teamMember rows after add-team-member (memberCount, membershipKey)", 'select t.name, t."memberCount", tm."userId", tm."membershipKey", tm."createdAt" from team t left join "teamMember" tm on tm."teamId" = t.id where t."organizationId" = $1 order by t."createdAt"', [org1.id]);
  await get("list-user-teams as A", "/organization/list-user-teams", A);
  await get("list-user-teams as B", "/organization/list-user-teams", B);
  await get("list-user-teams as A ?userId=B", "/organization/list-user-teams", A, { userId: B.userId });
  await post("set-active-team as B", "/organization/set-active-team", B, { teamId: t1.json.id });
  await session("B after set-active-team", B);
  await post("set-active-team as A (not in the team)", "/organization/set-active-team", A, { teamId: t1.json.id });
  await post("set-active-team unknown", "/organization/set-active-team", B, { teamId: "nope" });
  await post("set-active-team null", "/organization/set-active-team", B, { teamId: null });
  await session("B after set-active-team null", B);
  await post("set-active-team {} (no active team)", "/organization/set-active-team", B, {});
  await get("list-team-members as B with no active team", "/organization/list-team-members", B);
  await post("remove-team-member B", "/organization/remove-team-member", A, { teamId: t1.json.id, userId: B.userId });
  await post("remove-team-member B again", "/organization/remove-team-member", A, { teamId: t1.json.id, userId: B.userId });
  await post("remove-team the active team of A (default team)", "/organization/remove-team", A, { teamId: teams1[0]?.id });
  await post("remove-team as B (admin)", "/organization/remove-team", B, { teamId: t1.json.id });
  await post("remove-team unknown", "/organization/remove-team", A, { teamId: "nope" });
  const t2 = await post("create-team (to remove the last one later)", "/organization/create-team", A, { name: "Temp" }, { reg: (j) => remember(j.id, "<team.temp>") });
  await post("remove-team Temp", "/organization/remove-team", A, { teamId: t2.json.id });
  await post("set-active-team null for A", "/organization/set-active-team", A, { teamId: null });
  await post("remove-team default team (now not active)", "/organization/remove-team", A, { teamId: teams1[0]?.id });
  await get("list-teams after removals", "/organization/list-teams", A);
  await dbDump("team / teamMember rows after removals", 'select t.id, t.name, t."memberCount", tm."userId", tm."membershipKey" from team t left join "teamMember" tm on tm."teamId" = t.id where t."organizationId" = $1 order by t.name', [org1.id]);

  p("## 15. Dynamic access control (roles)");
  p();
  const r1 = await post("create-role \"Support\" {member:[update], invitation:[create]}", "/organization/create-role", A, { role: "Support", permission: { member: ["update"], invitation: ["create"] } }, { reg: (j) => remember(j?.roleData?.id, "<role.support>") });
  await post("create-role \"admin\" (pre-defined name)", "/organization/create-role", A, { role: "admin", permission: { member: ["update"] } });
  await post("create-role \"support\" again", "/organization/create-role", A, { role: "support", permission: { member: ["update"] } });
  await post("create-role invalid resource", "/organization/create-role", A, { role: "weird", permission: { rocket: ["launch"] } });
  await post("create-role unknown action on a valid resource", "/organization/create-role", A, { role: "weird2", permission: { member: ["fly"] } });
  await post("create-role as B (admin) with organization:[delete] (missingPermissions)", "/organization/create-role", B, { role: "deleter", permission: { organization: ["delete"], member: ["update"] } });
  await post("create-role as C (not a member any more) ?organizationId", "/organization/create-role", C, { role: "x", permission: { member: ["update"] }, organizationId: org1.id });
  await post("create-role as E (no active org)", "/organization/create-role", E, { role: "x", permission: { member: ["update"] } });
  await dbDump("organizationRole row (permission stored as JSON text, role lower-cased)", 'select id, role, permission, "createdAt", "updatedAt" from "organizationRole" where "organizationId" = $1', [org1.id]);
  await get("list-roles", "/organization/list-roles", A);
  await get("get-role ?roleName=support", "/organization/get-role", A, { roleName: "support" });
  await get("get-role ?roleId", "/organization/get-role", A, { roleId: r1.json?.roleData?.id });
  await get("get-role unknown", "/organization/get-role", A, { roleName: "nope" });
  await get("get-role without name/id", "/organization/get-role", A);
  await post("update-role permission + rename", "/organization/update-role", A, { roleName: "support", data: { permission: { member: ["update", "delete"] }, roleName: "Helpdesk" } });
  await post("update-role rename to pre-defined", "/organization/update-role", A, { roleName: "helpdesk", data: { roleName: "owner" } });
  await post("update-role unknown", "/organization/update-role", A, { roleName: "nope", data: { permission: { member: ["update"] } } });
  await post("update-role empty data", "/organization/update-role", A, { roleId: r1.json?.roleData?.id, data: {} });
  await post("invite with the custom role", "/organization/invite-member", A, { email: `zed6.${RUN}@example.com`, role: "helpdesk" });
  await post("update-member-role B -> helpdesk", "/organization/update-member-role", A, { memberId: accB.json.member.id, role: "helpdesk" });
  await post("B (helpdesk) has-permission member:[delete]", "/organization/has-permission", B, { permissions: { member: ["delete"] } });
  await post("delete-role in use", "/organization/delete-role", A, { roleName: "helpdesk" });
  await post("delete-role pre-defined", "/organization/delete-role", A, { roleName: "member" });
  await post("delete-role unknown", "/organization/delete-role", A, { roleName: "nope" });
  await post("delete-role without name/id", "/organization/delete-role", A, {});
  await post("update-member-role B -> member", "/organization/update-member-role", A, { memberId: accB.json.member.id, role: "member" });
  await get("B (member) list-roles (ac:read)", "/organization/list-roles", B);
  await post("B (member) create-role (lacks ac:create)", "/organization/create-role", B, { role: "mine", permission: { ac: ["read"] } });
  await post("B (member) delete-role", "/organization/delete-role", B, { roleName: "helpdesk" });
  await post("delete-role by roleId", "/organization/delete-role", A, { roleId: r1.json?.roleData?.id });
  await get("list-roles after delete", "/organization/list-roles", A);

  p("## 16. delete");
  p();
  await post("delete unknown organizationId", "/organization/delete", A, { organizationId: "nope" });
  await post("delete org2 (not active)", "/organization/delete", A, { organizationId: org2.id });
  await session("A after deleting a non-active org", A);
  await post("delete org1 (active)", "/organization/delete", A, { organizationId: org1.id });
  await session("A after deleting the active org", A);
  await session("B after org1 was deleted (still points at it)", B);
  await get("B get-full-organization (active org deleted)", "/organization/get-full-organization", B);
  await get("B list-members (active org deleted)", "/organization/list-members", B);
  await get("list as A", "/organization/list", A);
  await dbDump("leftovers of org1 (members / invitations / teams / roles)", `select (select count(*) from member where "organizationId" = $1) members, (select count(*) from invitation where "organizationId" = $1) invitations, (select count(*) from team where "organizationId" = $1) teams, (select count(*) from "organizationRole" where "organizationId" = $1) roles`, [org1.id]);
}

// ==================================================================== DDL
async function captureDdl() {
  const { getMigrations } = await import("better-auth/db/migration");
  const { authOptions, createPool } = await import("./ba-options.mjs");
  const { withOrgOptions } = await import("./lib/org-options.mjs");
  p("## 17. DDL: getMigrations(options).compileMigrations() on an empty database");
  p();
  p("Options = ba-options.mjs + lib/org-options.mjs (teams, dynamicAccessControl). The e-mail options add no schema, shown here without them.");
  p();
  const name = `iam_orgddl_${RUN}`;
  // PostgreSQL
  const pgAdmin = process.env.DDL_PG_ADMIN_URL || "postgres://postgres@127.0.0.1:5432/postgres";
  const { default: pg } = await import("pg");
  const admin = new pg.Client({ connectionString: pgAdmin });
  await admin.connect();
  await admin.query(`create database ${name}`);
  try {
    const url = new URL(pgAdmin);
    url.pathname = `/${name}`;
    const db = await createPool(url.toString());
    try {
      const opts = withOrgOptions(authOptions({ database: db.pool, secret: "x".repeat(32), baseURL: "http://127.0.0.1:1" }), { baseURL: "http://127.0.0.1:1" });
      const sql = await (await getMigrations(opts)).compileMigrations();
      p("### PostgreSQL");
      fence(sql, "sql");
      p();
      // also: the same with the base options first, then org -> what an upgrade adds
      const base = authOptions({ database: db.pool, secret: "x".repeat(32), baseURL: "http://127.0.0.1:1" });
      await (await getMigrations(base)).runMigrations();
      const up = await (await getMigrations(withOrgOptions(base, { baseURL: "http://127.0.0.1:1" }))).compileMigrations();
      p("### PostgreSQL, upgrade of an existing (non-org) Better Auth database");
      fence(up, "sql");
      p();
    } finally {
      await db.close();
    }
  } finally {
    await admin.query(`drop database if exists ${name}`);
    await admin.end();
  }
  // MariaDB / MySQL
  const myAdmin = process.env.DDL_MYSQL_ADMIN_URL || "mysql://root@127.0.0.1:3306/";
  const mysql = await import("mysql2/promise");
  const conn = await mysql.createConnection({ uri: myAdmin });
  await conn.query(`create database ${name}`);
  try {
    const url = new URL(myAdmin);
    url.pathname = `/${name}`;
    const db = await createPool(url.toString());
    try {
      const opts = withOrgOptions(authOptions({ database: db.pool, secret: "x".repeat(32), baseURL: "http://127.0.0.1:1" }), { baseURL: "http://127.0.0.1:1" });
      const sql = await (await getMigrations(opts)).compileMigrations();
      p("### MySQL / MariaDB");
      fence(sql, "sql");
      p();
      await (await getMigrations(opts)).runMigrations();
      p("### MariaDB: SHOW CREATE TABLE after runMigrations()");
      for (const t of ["organization", "member", "invitation", "team", "teamMember", "organizationRole", "session"]) {
        const [rows] = await conn.query(`show create table \`${name}\`.\`${t}\``);
        fence(rows[0]["Create Table"], "sql");
      }
      p();
    } finally {
      await db.close();
    }
  } finally {
    await conn.query(`drop database if exists ${name}`);
    await conn.end();
  }
}

try {
  if (SECTIONS.has("http")) await captureHttp();
  if (SECTIONS.has("ddl")) await captureDdl();
} finally {
  if (pool) await pool.end();
}
