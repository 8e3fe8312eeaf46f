// social-flow.mjs — drive the social-login (OAuth 2.0 / OIDC) flows of an auth
// server with the OFFICIAL Better Auth client, against a real provider process
// (oauth-provider.mjs), following every redirect by hand like a browser.
//
// Usage:
//   BASE_URL=http://127.0.0.1:8123 OAUTH_PROVIDER_URL=http://127.0.0.1:18200 \
//   MAIL_OUTBOX_DIR=/tmp/outbox   (or BETTER_AUTH_SECRET=...)   node social-flow.mjs
//
// Env:
//   BASE_URL (required)            server origin; API at ${BASE_URL}/api/auth
//   OAUTH_PROVIDER_URL (required)  the running oauth-provider.mjs (its admin API is used)
//   OAUTH_CLIENT_ID                client_id the server uses for "mock-oidc"
//                                  (default mock-oidc-client; checked in the authorize URL)
//   MAIL_OUTBOX_DIR | BETTER_AUTH_SECRET   how flow 4 verifies the password user's email:
//                                  the verification mail in the outbox (server sends one
//                                  on sign-up), or else a HS256 verification JWT minted with
//                                  the secret and opened at /verify-email
//   SOCIAL_GITHUB=0                skip flow 10 (the "github" provider pointed at the mock)
//   TRANSCRIPT_FILE                write a Markdown transcript of the raw exchanges there
//   CAPTURE_DB_URL                 (with TRANSCRIPT_FILE) postgres URL of the server's
//                                  database: verification/account rows go into the transcript
//   REQUEST_TIMEOUT_MS, VERBOSE=1  as in client-flow.mjs
//
// The "browser": a cookie jar + createAuthClient (every API call carries
// `Origin: <BASE_URL origin>` and the jar's cookies); navigations (the authorize URL,
// the provider's redirect back to /callback, links) are GETs without Origin and with
// redirects NOT followed; cookies are sent to BASE_URL only, never to the provider.
// A GitHub authorize URL (https://github.com/login/oauth/authorize?...) is opened on
// ${OAUTH_PROVIDER_URL}/authorize with the same query (Better Auth hard-codes
// GitHub's endpoints; see lib/social-options.mjs).
//
// Output: one "ok   NN flow N: ..." line per step, then "N passed, 0 failed"; on the
// first failure "FAIL ...", expected/actual, "N passed, 1 failed", exit 1.

import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createHarness, decodeJwt, assertNear, SESSION_COOKIE } from "./lib/harness.mjs";
import { Outbox, extractUrl } from "./lib/outbox.mjs";

const BASE_URL = (process.env.BASE_URL || "").replace(/\/+$/, "");
const PROVIDER = (process.env.OAUTH_PROVIDER_URL || "").replace(/\/+$/, "");
if (!BASE_URL || !PROVIDER) {
  console.error("error: BASE_URL and OAUTH_PROVIDER_URL are required");
  process.exit(2);
}
const CLIENT_ID = process.env.OAUTH_CLIENT_ID || "mock-oidc-client";
const PID = "mock-oidc";
const SECRET = process.env.BETTER_AUTH_SECRET || "";
const OUTBOX_DIR = process.env.MAIL_OUTBOX_DIR || "";
const RUN_GITHUB = process.env.SOCIAL_GITHUB !== "0";
const TRANSCRIPT_FILE = process.env.TRANSCRIPT_FILE || "";
const CAPTURE_DB_URL = process.env.CAPTURE_DB_URL || "";
const TIMEOUT = Number(process.env.REQUEST_TIMEOUT_MS || 15000);
const VERBOSE = process.env.VERBOSE === "1";
const GITHUB_AUTHORIZE = "https://github.com/login/oauth/authorize";

const H = createHarness({ baseURL: BASE_URL, timeoutMs: TIMEOUT, verbose: VERBOSE });
const { ORIGIN, API, makeBrowser, step, fail, finish, okData, expectError } = H;
const STATE_COOKIE = "better-auth.state";
const STATE_RE = /^[A-Za-z0-9_-]{32}$/;
const hex = () => randomBytes(4).toString("hex");

// ------------------------------------------------------------ transcript
const TX = [];
const tx = (s) => TRANSCRIPT_FILE && TX.push(s);
const ELIDE_PARAMS = new Set(["code", "state", "code_challenge", "nonce", "token", "id_token_hint"]);

function elideUrl(u) {
  // keeps the URL exactly as sent (encoding included), only the values of
  // ELIDE_PARAMS are replaced by <N chars> (N = decoded length)
  if (!u) return u;
  const q = u.indexOf("?");
  if (q === -1) return u;
  const query = u.slice(q + 1).split("&").map((pair) => {
    const eq = pair.indexOf("=");
    if (eq === -1) return pair;
    const k = decodeURIComponent(pair.slice(0, eq));
    if (!ELIDE_PARAMS.has(k)) return pair;
    const v = new URLSearchParams(pair).get(k) ?? "";
    return `${pair.slice(0, eq)}=<${v.length} chars>`;
  });
  return `${u.slice(0, q)}?${query.join("&")}`;
}

function elideCookie(line) {
  const i = line.indexOf("=");
  const j = line.indexOf(";");
  const value = line.slice(i + 1, j === -1 ? undefined : j);
  return `${line.slice(0, i)}=${value ? `<${value.length} chars>` : ""}${j === -1 ? "" : line.slice(j)}`;
}

const TOKEN_KEYS = new Set(["accessToken", "refreshToken", "idToken", "token", "access_token", "refresh_token", "id_token", "codeVerifier", "oauthState", "encryptedSessionToken"]);
function elideBody(v) {
  if (Array.isArray(v)) return v.map(elideBody);
  if (v instanceof Date) return v.toISOString();
  if (v && typeof v === "object") {
    const o = {};
    for (const [k, x] of Object.entries(v)) {
      if (TOKEN_KEYS.has(k) && typeof x === "string") o[k] = `<${x.length} chars>`;
      else if (k === "url" && typeof x === "string") o[k] = elideUrl(x);
      else o[k] = elideBody(x);
    }
    return o;
  }
  return v;
}

function txExchange(label, { method = "GET", url, status, headers, setCookie, body }) {
  if (!TRANSCRIPT_FILE) return;
  const lines = [`**${label}**`, "", "```", `${method} ${elideUrl(url)}`, `-> ${status}`];
  const loc = headers?.get?.("location");
  if (loc) lines.push(`Location: ${elideUrl(loc)}`);
  const sat = headers?.get?.("set-auth-token");
  if (sat) lines.push(`set-auth-token: <${sat.length} chars>`);
  for (const c of setCookie ?? headers?.getSetCookie?.() ?? []) lines.push(`Set-Cookie: ${elideCookie(c)}`);
  if (body !== undefined && body !== "") lines.push(typeof body === "string" ? body.slice(0, 400) : JSON.stringify(elideBody(body)));
  lines.push("```", "");
  TX.push(lines.join("\n"));
}

let pgPool = null;
async function txDb(label, sql, params = []) {
  if (!TRANSCRIPT_FILE || !CAPTURE_DB_URL) return null;
  if (!pgPool) {
    const { default: pg } = await import("pg");
    pgPool = new pg.Pool({ connectionString: CAPTURE_DB_URL, max: 1 });
  }
  const { rows } = await pgPool.query(sql, params);
  TX.push([`**DB: ${label}**`, "", "```json", JSON.stringify(rows, null, 2), "```", ""].join("\n"));
  return rows;
}

// ---------------------------------------------------------------- provider
async function admin(path, body) {
  const res = await fetch(`${PROVIDER}/__admin/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT),
  });
  assert.equal(res.status, 200, `provider admin ${path}`);
  return res.json();
}
const tokenLog = () => admin("requests");
const apiLog = () => admin("api-requests");

// ---------------------------------------------------------------- browser
function newBrowser(label) {
  const b = makeBrowser(label);
  /** Navigate (address bar): BASE_URL with cookies, the provider without. */
  b.nav = async (url, what = "navigate") => {
    let target = url.startsWith("/") ? `${BASE_URL}${url}` : url;
    if (target.startsWith(GITHUB_AUTHORIZE)) target = `${PROVIDER}/authorize${target.slice(GITHUB_AUTHORIZE.length)}`;
    let out;
    if (new URL(target).origin === ORIGIN) out = await b.open(target);
    else {
      const res = await fetch(target, { redirect: "manual", signal: AbortSignal.timeout(TIMEOUT) });
      const text = await res.text();
      out = { status: res.status, location: res.headers.get("location"), setCookie: res.headers.getSetCookie(), text, headers: res.headers };
      if (VERBOSE) console.error(`  [${label}] GET(nav) ${target.split("?")[0]} -> ${res.status}`);
    }
    txExchange(`${label}: ${what}`, { url: target, status: out.status, headers: out.headers, setCookie: out.setCookie, body: out.status >= 300 && out.status < 400 ? undefined : out.text });
    return out;
  };
  /** Run a client call and put it into the transcript. */
  b.call = async (what, fn) => {
    const res = await fn(b.client);
    const l = b.last;
    txExchange(`${label}: ${what}`, { method: l?.method ?? "?", url: l?.url, status: l?.status, headers: l?.headers, body: res.error ? { error: res.error } : res.data });
    return res;
  };
  return b;
}

const cookieNamed = (lines, name) => lines.find((l) => l.startsWith(`${name}=`));

function parseCookieLine(line) {
  const [pair, ...rest] = line.split(";");
  const i = pair.indexOf("=");
  const attrs = {};
  for (const p of rest) {
    const j = p.indexOf("=");
    attrs[(j === -1 ? p : p.slice(0, j)).trim().toLowerCase()] = j === -1 ? true : p.slice(j + 1).trim();
  }
  return { name: pair.slice(0, i).trim(), value: pair.slice(i + 1).trim(), attrs };
}

/** Location of a 302 as {path, params} (relative or absolute). */
function redirectOf(r, what) {
  assert.equal(r.status, 302, `${what}: status (body ${String(r.text).slice(0, 200)})`);
  assert.ok(r.location, `${what}: Location header`);
  const u = new URL(r.location, BASE_URL);
  return { raw: r.location, url: u, origin: u.origin, path: u.pathname, params: Object.fromEntries(u.searchParams) };
}

function expectErrorRedirect(r, { path, error, description }, what) {
  const red = redirectOf(r, what);
  const expectedOrigin = ORIGIN;
  assert.deepEqual(
    { origin: red.origin, path: red.path, error: red.params.error, ...(description !== undefined ? { error_description: red.params.error_description } : {}) },
    { origin: expectedOrigin, path, error, ...(description !== undefined ? { error_description: description } : {}) },
    `${what}: error redirect`,
  );
  assert.equal(cookieNamed(r.setCookie, SESSION_COOKIE), undefined, `${what}: no session cookie on an error redirect`);
  return red;
}

/**
 * Start a social sign-in (or link) and take the browser through the provider:
 * returns {data, authorize: URL, callbackUrl} (the callback not opened yet).
 */
async function startLogin(b, { provider = PID, link = false, body = {}, what }) {
  const res = await b.call(`${link ? "linkSocial" : "signIn.social"}(${provider})`, (c) =>
    link ? c.linkSocial({ provider, ...body }) : c.signIn.social({ provider, ...body }),
  );
  const data = okData(res, what);
  assert.equal(b.last.status, 200, `${what}: status`);
  assert.equal(data.redirect, true, `${what}: redirect`);
  assert.equal(typeof data.url, "string", `${what}: url`);
  assert.equal(b.last.headers.get("location"), data.url, `${what}: Location header = url`);
  const authorize = new URL(data.url);
  if (link) await txDb("verification row after link-social (state with `link`)", `select identifier, value, "expiresAt" from verification where identifier like $1`, [`%${authorize.searchParams.get("state")}`]);
  const p = await b.nav(data.url, "provider /authorize");
  assert.equal(p.status, 302, `${what}: provider /authorize status (${p.text?.slice(0, 200)})`);
  const back = new URL(p.location);
  assert.equal(`${back.origin}${back.pathname}`, `${API}/callback/${provider}`, `${what}: provider redirects to the callback`);
  return { data, authorize, callbackUrl: p.location, state: authorize.searchParams.get("state") };
}

async function fullLogin(b, opts) {
  const s = await startLogin(b, opts);
  const cb = await b.nav(s.callbackUrl, `GET /callback/${opts.provider ?? PID}`);
  return { ...s, cb };
}

function checkSessionCookie(r, what) {
  const line = cookieNamed(r.setCookie, SESSION_COOKIE);
  assert.ok(line, `${what}: session cookie set (Set-Cookie: ${r.setCookie.join(" | ")})`);
  const c = parseCookieLine(line);
  assert.deepEqual(
    { maxAge: c.attrs["max-age"], path: c.attrs.path, httponly: c.attrs.httponly, samesite: c.attrs.samesite },
    { maxAge: "604800", path: "/", httponly: true, samesite: "Lax" },
    `${what}: session cookie attributes`,
  );
  const sat = r.headers.get("set-auth-token");
  assert.equal(sat, decodeURIComponent(c.value), `${what}: set-auth-token header = decoded session cookie (bearer plugin)`);
  const st = cookieNamed(r.setCookie, STATE_COOKIE);
  assert.ok(st && /Max-Age=0/i.test(st), `${what}: state cookie expired (${st})`);
}

async function sessionUser(b, what) {
  const data = okData(await b.call("getSession", (c) => c.getSession()), `${what}: get-session`);
  assert.ok(data?.user, `${what}: signed in`);
  return data;
}

async function accounts(b, what) {
  const list = okData(await b.call("listAccounts", (c) => c.listAccounts()), `${what}: list-accounts`);
  assert.ok(Array.isArray(list), `${what}: list-accounts returns an array`);
  return list;
}

const lastGrant = async (grant) => (await tokenLog()).filter((e) => e.grant_type === grant).at(-1);

function b64urlJson(o) {
  return Buffer.from(JSON.stringify(o)).toString("base64url");
}
function mintVerificationJwt(email, userId) {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64urlJson({ alg: "HS256" })}.${b64urlJson({ email, userId, iat: now, exp: now + 3600 })}`;
  return `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
}

/** Sign up a password user; with `verify` make its email verified. Returns {email, userId}. */
async function passwordUser(b, { email, verify }) {
  const outbox = OUTBOX_DIR ? new Outbox(OUTBOX_DIR) : null;
  const mark = outbox?.mark();
  const up = okData(await b.call("signUp.email", (c) => c.signUp.email({ email, password: "social-flow-pw-123", name: "Password User" })), "sign-up");
  const userId = up.user.id;
  if (verify) {
    let link;
    if (outbox) {
      const mail = await outbox.waitFor({ to: email.toLowerCase(), kind: "verification" }, mark);
      link = extractUrl(mail.text);
    } else {
      assert.ok(SECRET, "flow 4 needs MAIL_OUTBOX_DIR or BETTER_AUTH_SECRET to verify the password user's email");
      link = `${API}/verify-email?token=${mintVerificationJwt(email.toLowerCase(), userId)}&callbackURL=%2Fverified`;
    }
    const r = await b.nav(link, "verification link");
    assert.equal(r.status, 302, `verification link status (${r.text?.slice(0, 200)})`);
    const s = await sessionUser(b, "after verification");
    assert.equal(s.user.emailVerified, true, "password user verified");
  }
  return { email: email.toLowerCase(), userId };
}

// ------------------------------------------------------------------ flows
const run = async () => {
  await admin("reset", {});
  const suffix = hex();
  const idA = { sub: `oidc-a-${suffix}`, email: `Social-${suffix}@Example.COM`, email_verified: true, name: `Social User ${suffix}`, picture: `https://avatars.example.com/a-${suffix}.png` };
  const A = newBrowser("A");
  let userA; // get-session user after the first login
  let accountA; // the mock-oidc account row (list-accounts entry)
  let login1;

  tx("## Flow 1 — new user via the generic OIDC provider\n");
  await step("flow 1: sign-in/social mock-oidc -> {url, redirect:true} + authorize URL + state cookie", async () => {
    await admin("next-user", idA);
    login1 = await startLogin(A, {
      what: "sign-in/social",
      body: { callbackURL: "/dash", newUserCallbackURL: "/welcome", errorCallbackURL: "/err" },
    });
    const q = Object.fromEntries(login1.authorize.searchParams);
    assert.equal(`${login1.authorize.origin}${login1.authorize.pathname}`, `${PROVIDER}/authorize`, "authorization endpoint from discovery");
    assert.deepEqual(
      { response_type: q.response_type, client_id: q.client_id, redirect_uri: q.redirect_uri, code_challenge_method: q.code_challenge_method },
      { response_type: "code", client_id: CLIENT_ID, redirect_uri: `${API}/callback/${PID}`, code_challenge_method: "S256" },
      "authorize URL parameters",
    );
    assert.match(q.state, STATE_RE, "state: 32 chars [A-Za-z0-9_-]");
    assert.match(q.code_challenge, /^[A-Za-z0-9_-]{43}$/, "code_challenge: base64url SHA-256 (43 chars)");
    assert.deepEqual(q.scope.split(" ").sort(), ["email", "openid", "profile"], "scope");
    assert.match(q.nonce ?? "", /^[A-Za-z0-9_-]{32}$/, "nonce sent (32 chars)");
    const st = A.jar.get(STATE_COOKIE);
    assert.ok(st, "better-auth.state cookie set");
    assert.deepEqual(
      { maxAge: st.attrs["max-age"], path: st.attrs.path, httponly: st.attrs.httponly, samesite: st.attrs.samesite },
      { maxAge: "300", path: "/", httponly: true, samesite: "Lax" },
      "state cookie attributes",
    );
    const raw = decodeURIComponent(st.value);
    assert.equal(raw.slice(0, raw.lastIndexOf(".")), q.state, "state cookie = signed state");
    await txDb("verification row after sign-in/social", `select id, identifier, value, "expiresAt", "createdAt" from verification where identifier like $1`, [`%${q.state}`]);
    return `scope="${q.scope}" nonce=yes params=[${Object.keys(q).join(",")}]`;
  });

  await step("flow 1: provider -> callback -> 302 /welcome + session cookie; PKCE verifier checked", async () => {
    const cb = await A.nav(login1.callbackUrl, "GET /callback/mock-oidc (new user)");
    const red = redirectOf(cb, "callback");
    assert.equal(red.raw, "/welcome", "new user -> newUserCallbackURL, verbatim");
    checkSessionCookie(cb, "callback");
    const t = await lastGrant("authorization_code");
    assert.deepEqual(
      { status: t.status, code_verifier_present: t.code_verifier_present, code_verifier_valid: t.code_verifier_valid, redirect_uri: t.redirect_uri, client_id: t.client_id },
      { status: 200, code_verifier_present: true, code_verifier_valid: true, redirect_uri: `${API}/callback/${PID}`, client_id: CLIENT_ID },
      "token request seen by the provider",
    );
    await txDb("account row after the first callback", `select * from account where "providerId" = $1 and "accountId" = $2`, [PID, idA.sub]);
    return `client_auth=${t.client_auth} verifier_length=${t.code_verifier_length} body_keys=[${t.body_keys.join(",")}]`;
  });

  await step("flow 1: get-session = provider profile (email lower-cased, name, image, emailVerified)", async () => {
    const s = await sessionUser(A, "after first login");
    userA = s.user;
    assert.deepEqual(
      { email: userA.email, name: userA.name, image: userA.image, emailVerified: userA.emailVerified },
      { email: idA.email.toLowerCase(), name: idA.name, image: idA.picture, emailVerified: true },
      "user from provider",
    );
  });

  tx("## Flow 2 — existing user signs in again\n");
  await step("flow 2: same provider user again -> 302 /dash; same user, one account; stored profile kept", async () => {
    await admin("next-user", { ...idA, name: "Renamed At Provider", picture: "https://avatars.example.com/renamed.png" });
    const B = newBrowser("A2");
    const { cb } = await fullLogin(B, { what: "second sign-in", body: { callbackURL: "/dash", newUserCallbackURL: "/welcome", errorCallbackURL: "/err" } });
    assert.equal(redirectOf(cb, "second callback").raw, "/dash", "existing user -> callbackURL");
    checkSessionCookie(cb, "second callback");
    const s = await sessionUser(B, "second login");
    assert.equal(s.user.id, userA.id, "same user");
    assert.deepEqual({ name: s.user.name, image: s.user.image }, { name: idA.name, image: idA.picture }, "profile not overwritten on sign-in");
    const list = await accounts(B, "second login");
    assert.equal(list.filter((a) => a.providerId === PID).length, 1, "one mock-oidc account");
    await admin("next-user", idA);
  });

  await step("flow 3: list-accounts -> {id, providerId, accountId=sub, userId, scopes[], dates}, no tokens", async () => {
    const list = await accounts(A, "list-accounts");
    assert.equal(list.length, 1, "exactly one account");
    accountA = list[0];
    const { id, createdAt, updatedAt, ...rest } = accountA;
    assert.match(id, /^[A-Za-z0-9]{32}$/, "account row id");
    assert.ok(createdAt && updatedAt, "dates");
    assert.deepEqual(rest, { providerId: PID, accountId: idA.sub, userId: userA.id, scopes: ["openid", "email", "profile"] }, "account fields");
    return `keys=[${Object.keys(accountA).join(",")}]`;
  });

  tx("## Flow 4 — link a provider account to a verified password user\n");
  const P = newBrowser("P");
  let pUser;
  await step("flow 4: password user with a verified email links mock-oidc -> 302 /linked, 2 accounts", async () => {
    pUser = await passwordUser(P, { email: `Linker-${suffix}@Example.COM`, verify: true });
    // trusted provider: linking works even though the provider says "unverified"
    await admin("next-user", { sub: `oidc-link-${suffix}`, email: pUser.email.toUpperCase(), email_verified: false, name: "Linked Identity", picture: "https://avatars.example.com/l.png" });
    const { cb } = await fullLogin(P, { link: true, what: "link-social", body: { callbackURL: "/linked" } });
    assert.equal(redirectOf(cb, "link callback").raw, "/linked", "link -> callbackURL");
    assert.equal(cookieNamed(cb.setCookie, SESSION_COOKIE), undefined, "link callback sets no session cookie");
    const list = await accounts(P, "after link");
    assert.deepEqual(list.map((a) => a.providerId).sort(), ["credential", PID], "credential + mock-oidc");
    const s = await sessionUser(P, "after link");
    assert.equal(s.user.name, "Password User", "linking copies no name");
    return `Set-Cookie on link callback: [${cb.setCookie.map((l) => l.split("=")[0]).join(",")}]`;
  });

  await step("flow 4: linking an identity with a different email -> 302 /link-err?error=email_does_not_match", async () => {
    await admin("next-user", { sub: `oidc-other-${suffix}`, email: `other-${suffix}@example.com`, email_verified: true, name: "Other", picture: "https://avatars.example.com/o.png" });
    const { cb } = await fullLogin(P, { link: true, what: "link-social (other email)", body: { callbackURL: "/linked", errorCallbackURL: "/link-err" } });
    const red = expectErrorRedirect(cb, { path: "/link-err", error: "email_does_not_match" }, "different email");
    assert.equal((await accounts(P, "after failed link")).length, 2, "still 2 accounts");
    return `Location: ${red.raw}`;
  });

  await step("flow 5: unlink-account: unknown id -> ACCOUNT_NOT_FOUND; social -> {status:true}; last -> FAILED_TO_UNLINK_LAST_ACCOUNT", async () => {
    const list = await accounts(P, "before unlink");
    expectError(await P.call("unlinkAccount(unknown)", (c) => c.unlinkAccount({ accountId: "no-such-account" })), { status: 400, code: "ACCOUNT_NOT_FOUND", message: "Account not found" }, "unknown id");
    const social = list.find((a) => a.providerId === PID);
    const cred = list.find((a) => a.providerId === "credential");
    assert.deepEqual(okData(await P.call("unlinkAccount(social)", (c) => c.unlinkAccount({ accountId: social.id })), "unlink social"), { status: true }, "unlink social");
    assert.deepEqual((await accounts(P, "after unlink")).map((a) => a.providerId), ["credential"], "only credential left");
    expectError(
      await P.call("unlinkAccount(last)", (c) => c.unlinkAccount({ accountId: cred.id })),
      { status: 400, code: "FAILED_TO_UNLINK_LAST_ACCOUNT", message: "You can't unlink your last account" },
      "last account",
    );
  });

  tx("## Flow 6 — provider tokens: get-access-token, refresh-token, account-info\n");
  await step("flow 6: get-access-token -> the token issued at sign-in (no refresh while valid)", async () => {
    const log = await tokenLog();
    const aTokens = log.filter((e) => e.grant_type === "authorization_code" && e.status === 200 && e.issued?.id_token && decodeJwt(e.issued.id_token).payload.sub === idA.sub);
    const latest = aTokens.at(-1).issued;
    const before = log.length;
    const t1 = okData(await A.call("getAccessToken", (c) => c.getAccessToken({ accountId: accountA.id })), "get-access-token");
    const t2 = okData(await A.call("getAccessToken (again)", (c) => c.getAccessToken({ accountId: accountA.id })), "get-access-token 2");
    assert.equal(t1.accessToken, latest.access_token, "access token = the one the provider issued at the last sign-in");
    assert.equal(t2.accessToken, t1.accessToken, "unchanged while valid");
    assert.deepEqual(t1.scopes, ["openid", "email", "profile"], "scopes");
    assert.equal(t1.idToken, latest.id_token, "idToken returned too");
    assertNear(new Date(t1.accessTokenExpiresAt).getTime(), Date.now() + 3600_000, 120_000, "accessTokenExpiresAt ~ now + expires_in");
    assert.equal((await tokenLog()).length, before, "no token-endpoint request");
    return `keys=[${Object.keys(t1).join(",")}]`;
  });

  let refreshed;
  await step("flow 6: access-token TTL 1 s + new sign-in -> get-access-token refreshes (refresh_token grant)", async () => {
    await admin("next-user", idA);
    await admin("access-token-ttl", { seconds: 1 });
    const B = newBrowser("A3");
    const { cb } = await fullLogin(B, { what: "sign-in (short TTL)", body: { callbackURL: "/dash" } });
    assert.equal(redirectOf(cb, "callback").raw, "/dash");
    const signin = (await lastGrant("authorization_code")).issued;
    await admin("access-token-ttl", { seconds: 3600 });
    // expiresAt = now + 1 s is already inside Better Auth's 5 s refresh window: no wait needed
    const t = okData(await A.call("getAccessToken (expiring)", (c) => c.getAccessToken({ accountId: accountA.id })), "get-access-token");
    const r = await lastGrant("refresh_token");
    assert.ok(r, "provider saw a refresh_token grant");
    assert.deepEqual(
      { status: r.status, refresh_token: r.refresh_token, client_id: r.client_id },
      { status: 200, refresh_token: signin.refresh_token, client_id: CLIENT_ID },
      "refresh request used the refresh token from the last sign-in",
    );
    assert.notEqual(t.accessToken, signin.access_token, "a NEW access token");
    assert.equal(t.accessToken, r.issued.access_token, "= the one the refresh grant issued");
    refreshed = r.issued;
    return `refresh client_auth=${r.client_auth} body_keys=[${r.body_keys.join(",")}]`;
  });

  await step("flow 6: refresh-token -> new tokens (rotated refresh token), persisted for get-access-token", async () => {
    const before = (await tokenLog()).length;
    const out = okData(await A.call("refreshToken", (c) => c.refreshToken({ accountId: accountA.id })), "refresh-token");
    const r = await lastGrant("refresh_token");
    assert.equal((await tokenLog()).length, before + 1, "exactly one token request");
    assert.equal(r.refresh_token, refreshed.refresh_token, "sent the refresh token stored by the previous refresh");
    assert.deepEqual(
      { accessToken: out.accessToken, refreshToken: out.refreshToken, idToken: out.idToken, providerId: out.providerId, accountId: out.accountId, scope: out.scope },
      { accessToken: r.issued.access_token, refreshToken: r.issued.refresh_token, idToken: r.issued.id_token, providerId: PID, accountId: accountA.id, scope: "openid,email,profile" },
      "refresh-token response",
    );
    assertNear(new Date(out.accessTokenExpiresAt).getTime(), Date.now() + 3600_000, 120_000, "accessTokenExpiresAt");
    const t = okData(await A.call("getAccessToken (after refresh)", (c) => c.getAccessToken({ accountId: accountA.id })), "get-access-token");
    assert.equal(t.accessToken, out.accessToken, "persisted");
    await txDb("account row after refresh-token", `select "accessToken", "refreshToken", "idToken", "accessTokenExpiresAt", "refreshTokenExpiresAt", scope, "updatedAt" from account where id = $1`, [accountA.id]);
    return `keys=[${Object.keys(out).join(",")}] refreshTokenExpiresAt=${out.refreshTokenExpiresAt ?? "(absent)"}`;
  });

  await step("flow 6: account-info -> provider profile + {account:{id, providerId, accountId}}", async () => {
    const info = okData(await A.call("accountInfo", (c) => c.accountInfo({ query: { accountId: accountA.id } })), "account-info");
    assert.deepEqual(info.account, { id: accountA.id, providerId: PID, accountId: idA.sub }, "account");
    assert.deepEqual(
      { email: info.user?.email, name: info.user?.name, image: info.user?.image, emailVerified: info.user?.emailVerified },
      { email: idA.email, name: idA.name, image: idA.picture, emailVerified: true },
      "user (email as the provider sent it)",
    );
    assert.equal(info.data?.sub, idA.sub, "data = provider claims");
    return `user keys=[${Object.keys(info.user).join(",")}] data keys=[${Object.keys(info.data).join(",")}]`;
  });

  tx("## Flow 7 — callback errors\n");
  const ERR = { callbackURL: "/dash", newUserCallbackURL: "/welcome", errorCallbackURL: "/err" };
  await step("flow 7: tampered state -> 302 <API>/error?error=state_mismatch", async () => {
    const E = newBrowser("E1");
    const s = await startLogin(E, { what: "sign-in", body: ERR });
    const u = new URL(s.callbackUrl);
    const st = u.searchParams.get("state");
    u.searchParams.set("state", (st[0] === "a" ? "b" : "a") + st.slice(1));
    const r = await E.nav(u.href, "callback with tampered state");
    const red = expectErrorRedirect(r, { path: "/api/auth/error", error: "state_mismatch" }, "tampered state");
    // the genuine callback still works afterwards (nothing was consumed)
    const ok = await E.nav(s.callbackUrl, "genuine callback after the tampered one");
    return `Location: ${red.raw}; genuine callback afterwards -> ${ok.status} ${ok.location}`;
  });

  await step("flow 7: replaying a used callback URL -> 302 <API>/error?error=state_mismatch", async () => {
    const E = newBrowser("E2");
    const s = await startLogin(E, { what: "sign-in", body: ERR });
    assert.equal(redirectOf(await E.nav(s.callbackUrl, "callback"), "first use").raw, "/dash");
    const r = await E.nav(s.callbackUrl, "callback replayed");
    return `Location: ${expectErrorRedirect(r, { path: "/api/auth/error", error: "state_mismatch" }, "replay").raw}`;
  });

  await step("flow 7: provider error access_denied -> 302 /err?error=access_denied&error_description=...", async () => {
    await admin("next-authorize", { error: "access_denied", error_description: "The user denied the request" });
    const E = newBrowser("E3");
    const s = await startLogin(E, { what: "sign-in", body: ERR });
    assert.equal(new URL(s.callbackUrl).searchParams.get("error"), "access_denied", "provider redirected with error");
    const r = await E.nav(s.callbackUrl, "callback with ?error=access_denied");
    const red = expectErrorRedirect(r, { path: "/err", error: "access_denied", description: "The user denied the request" }, "access_denied");
    const st = cookieNamed(r.setCookie, STATE_COOKIE);
    return `Location: ${red.raw}; state cookie ${st ? "expired" : "untouched"}`;
  });

  await step("flow 7: id_token with a wrong nonce -> 302 /err?error=unable_to_get_user_info", async () => {
    await admin("next-id-token", { nonce: "not-the-nonce-that-was-sent" });
    const E = newBrowser("E4");
    const { cb } = await fullLogin(E, { what: "sign-in", body: ERR });
    return `Location: ${expectErrorRedirect(cb, { path: "/err", error: "unable_to_get_user_info" }, "wrong nonce").raw}`;
  });

  await step("flow 7: id_token with wrong aud / wrong iss / expired -> unable_to_get_user_info each", async () => {
    const out = [];
    for (const [k, tamper] of [["aud", { aud: "someone-else" }], ["iss", { iss: "http://127.0.0.1:1" }], ["exp", { exp_offset_seconds: -120 }]]) {
      await admin("next-id-token", tamper);
      const E = newBrowser(`E5-${k}`);
      const { cb } = await fullLogin(E, { what: `sign-in (${k})`, body: ERR });
      out.push(`${k}: ${expectErrorRedirect(cb, { path: "/err", error: "unable_to_get_user_info" }, `tampered ${k}`).raw}`);
    }
    return out.join("; ");
  });

  await step("flow 7: authorization response with a foreign iss (RFC 9207) -> /err?error=issuer_mismatch", async () => {
    await admin("next-authorize", { iss: "https://evil.example.com" });
    const E = newBrowser("E6");
    const { cb } = await fullLogin(E, { what: "sign-in", body: ERR });
    return `Location: ${expectErrorRedirect(cb, { path: "/err", error: "issuer_mismatch" }, "iss mismatch").raw}`;
  });

  await step("flow 7: callback in a fresh browser (no state cookie) -> 302 /err?error=state_mismatch", async () => {
    const E = newBrowser("E7");
    const s = await startLogin(E, { what: "sign-in", body: ERR });
    const F = newBrowser("F");
    const r = await F.nav(s.callbackUrl, "callback without the state cookie");
    const red = expectErrorRedirect(r, { path: "/err", error: "state_mismatch" }, "no state cookie");
    const again = await E.nav(s.callbackUrl, "same callback in the original browser afterwards");
    return `Location: ${red.raw}; original browser afterwards -> ${again.status} ${again.location}`;
  });

  tx("## Flow 8 — existing unverified password user\n");
  await step("flow 8: unverified password user + provider identity with the same email -> /err?error=account_not_linked", async () => {
    const U = newBrowser("U");
    const u = await passwordUser(U, { email: `Unverified-${suffix}@Example.COM`, verify: false });
    await admin("next-user", { sub: `oidc-u-${suffix}`, email: u.email, email_verified: true, name: "Takeover", picture: "https://avatars.example.com/t.png" });
    const E = newBrowser("E8");
    const { cb } = await fullLogin(E, { what: "sign-in", body: ERR });
    const red = expectErrorRedirect(cb, { path: "/err", error: "account_not_linked" }, "unverified local user");
    assert.deepEqual((await accounts(U, "unverified user")).map((a) => a.providerId), ["credential"], "nothing linked");
    return `Location: ${red.raw}`;
  });

  tx("## Flow 9 — sign-in/social edge cases\n");
  await step("flow 9: unknown provider -> 404 PROVIDER_NOT_FOUND; disableRedirect -> {url, redirect:false}, no Location", async () => {
    const X = newBrowser("X");
    expectError(await X.call("signIn.social(unknown)", (c) => c.signIn.social({ provider: "no-such-provider", callbackURL: "/dash" })), { status: 404, code: "PROVIDER_NOT_FOUND", message: "Provider not found" }, "unknown provider");
    const d = okData(await X.call("signIn.social(disableRedirect)", (c) => c.signIn.social({ provider: PID, callbackURL: "/dash", disableRedirect: true })), "disableRedirect");
    assert.equal(d.redirect, false, "redirect:false");
    assert.equal(typeof d.url, "string", "url");
    assert.equal(X.last.headers.get("location"), null, "no Location header");
    assert.ok(X.jar.get(STATE_COOKIE), "state cookie still set");
    const o = await fetch(`${API}/sign-in/oauth2`, { method: "POST", headers: { "content-type": "application/json", origin: ORIGIN }, body: JSON.stringify({ providerId: PID }) });
    txExchange("X: POST /sign-in/oauth2 (pre-1.7 generic-oauth endpoint)", { method: "POST", url: `${API}/sign-in/oauth2`, status: o.status, headers: o.headers, body: await o.text() });
    assert.equal(o.status, 404, "/sign-in/oauth2 does not exist");
    return `disableRedirect keys=[${Object.keys(d).join(",")}]`;
  });

  if (RUN_GITHUB) {
    tx("## Flow 10 — built-in github provider against the mock's GitHub-style API\n");
    await step("flow 10: github: authorize URL (scope read:user user:email, PKCE, no nonce) -> /welcome; profile from /user + /user/emails", async () => {
      const ghId = 1_000_000 + (parseInt(suffix, 16) % 1_000_000);
      const idG = { sub: `gh-${suffix}`, email: `Octo-${suffix}@Example.COM`, email_verified: true, name: `Octo ${suffix}`, picture: `https://avatars.example.com/gh-${suffix}.png`, github_id: ghId, login: `octo-${suffix}` };
      await admin("next-user", idG);
      const G = newBrowser("G");
      const apiBefore = (await apiLog()).length;
      const s = await startLogin(G, { provider: "github", what: "sign-in/social github", body: { callbackURL: "/dash", newUserCallbackURL: "/welcome", errorCallbackURL: "/err" } });
      const q = Object.fromEntries(s.authorize.searchParams);
      assert.ok([GITHUB_AUTHORIZE, `${PROVIDER}/authorize`].includes(`${s.authorize.origin}${s.authorize.pathname}`), `authorize endpoint ${s.authorize.origin}${s.authorize.pathname}`);
      assert.deepEqual(
        { response_type: q.response_type, scope: q.scope, redirect_uri: q.redirect_uri, code_challenge_method: q.code_challenge_method, nonce: q.nonce },
        { response_type: "code", scope: "read:user user:email", redirect_uri: `${API}/callback/github`, code_challenge_method: "S256", nonce: undefined },
        "github authorize parameters",
      );
      const cb = await G.nav(s.callbackUrl, "GET /callback/github");
      assert.equal(redirectOf(cb, "github callback").raw, "/welcome");
      checkSessionCookie(cb, "github callback");
      const u = (await sessionUser(G, "github")).user;
      assert.deepEqual(
        { email: u.email, name: u.name, image: u.image, emailVerified: u.emailVerified },
        { email: idG.email.toLowerCase(), name: idG.name, image: idG.picture, emailVerified: true },
        "user from the GitHub API",
      );
      await txDb("github account row", `select "accountId", "providerId", "accessToken", "refreshToken", "idToken", "accessTokenExpiresAt", scope from account where "providerId" = 'github' and "accountId" = $1`, [String(ghId)]);
      const list = await accounts(G, "github");
      assert.deepEqual(list.map((a) => ({ providerId: a.providerId, accountId: a.accountId, scopes: a.scopes })), [{ providerId: "github", accountId: String(ghId), scopes: ["read:user", "user:email"] }], "github account");
      const api = (await apiLog()).slice(apiBefore).map((e) => `${e.path}:${e.token_valid}`);
      assert.deepEqual(api, ["/github/user:true", "/github/user/emails:true"], "GitHub API calls");
      const t = await lastGrant("authorization_code");
      return `client_id=${q.client_id} token client_auth=${t.client_auth} verifier=${t.code_verifier_valid} accept=${t.accept}`;
    });
  }

  tx("## Flow 11 — sign-out with the provider's end_session_endpoint\n");
  await step("flow 11: sign-out -> {success, url: <end_session_endpoint>?id_token_hint=<stored id_token>, redirect:true} + Location", async () => {
    await admin("next-user", idA);
    const S = newBrowser("S");
    const { cb } = await fullLogin(S, { what: "sign-in", body: { callbackURL: "/dash" } });
    assert.equal(redirectOf(cb, "callback").raw, "/dash");
    const idToken = okData(await S.call("getAccessToken", (c) => c.getAccessToken({ accountId: accountA.id })), "get-access-token").idToken;
    const out = okData(await S.call("signOut", (c) => c.signOut()), "sign-out");
    const expected = `${PROVIDER}/endsession?id_token_hint=${idToken}`;
    assert.deepEqual(out, { success: true, url: expected, redirect: true }, "sign-out body");
    assert.equal(S.last.headers.get("location"), expected, "Location header");
    assert.equal(S.jar.get(SESSION_COOKIE), undefined, "session cookie deleted");
    const S2 = newBrowser("S2");
    await fullLogin(S2, { what: "sign-in", body: { callbackURL: "/dash" } });
    const idToken2 = okData(await S2.call("getAccessToken", (c) => c.getAccessToken({ accountId: accountA.id })), "get-access-token").idToken;
    const out2 = okData(await S2.call("signOut(callbackURL, state, disableRedirect)", (c) => c.signOut({ callbackURL: "/bye", state: "st-xyz", disableRedirect: true })), "sign-out 2");
    const u = new URL(out2.url);
    assert.deepEqual(
      { redirect: out2.redirect, endpoint: `${u.origin}${u.pathname}`, params: Object.fromEntries(u.searchParams) },
      { redirect: false, endpoint: `${PROVIDER}/endsession`, params: { id_token_hint: idToken2, post_logout_redirect_uri: `${BASE_URL}/bye`, client_id: CLIENT_ID, state: "st-xyz" } },
      "sign-out with callbackURL",
    );
    assert.equal(S2.last.headers.get("location"), null, "no Location with disableRedirect");
    return `param order: ${[...u.searchParams.keys()].join(",")}`;
  });

  if (TRANSCRIPT_FILE) {
    tx("## Provider logs (token endpoint, authorize, API)\n");
    const elog = (await tokenLog()).map((e) => ({ ...e, issued: e.issued ? elideBody(e.issued) : null, refresh_token: e.refresh_token ? `<${e.refresh_token.length} chars>` : null }));
    tx(["```json", JSON.stringify(elog.slice(0, 3), null, 2), "```", ""].join("\n"));
    const refreshEntries = elog.filter((e) => e.grant_type === "refresh_token").slice(0, 1);
    tx(["refresh_token grant:", "", "```json", JSON.stringify(refreshEntries, null, 2), "```", ""].join("\n"));
    const gh = elog.filter((e) => e.client_id !== CLIENT_ID).slice(0, 1);
    tx(["token request of the github provider:", "", "```json", JSON.stringify(gh, null, 2), "```", ""].join("\n"));
    tx(["/userinfo and GitHub API requests seen by the provider:", "", "```json", JSON.stringify(await apiLog(), null, 2), "```", ""].join("\n"));
    const authz = (await admin("authorize-requests")).slice(0, 1).map((e) => ({ ...e, query: Object.fromEntries(Object.entries(e.query).map(([k, v]) => [k, ELIDE_PARAMS.has(k) ? `<${v.length} chars>` : v])) }));
    tx(["first /authorize request:", "", "```json", JSON.stringify(authz, null, 2), "```", ""].join("\n"));
    writeFileSync(TRANSCRIPT_FILE, `# social-flow transcript (${new Date().toISOString()}, BASE_URL=${BASE_URL})\n\n${TX.join("\n")}\n`);
  }
};

try {
  await run();
  if (pgPool) await pgPool.end();
  finish();
} catch (e) {
  if (pgPool) await pgPool.end().catch(() => {});
  if (TRANSCRIPT_FILE) writeFileSync(TRANSCRIPT_FILE, `# social-flow transcript (FAILED)\n\n${TX.join("\n")}\n`);
  fail(e);
}
