// client-flow.mjs — drive an auth server with the OFFICIAL Better Auth client.
//
// Usage:  BASE_URL=http://127.0.0.1:8123 node client-flow.mjs
//
// BASE_URL is the server origin; the auth API lives under `${BASE_URL}/api/auth`.
// The same script is run against a real Better Auth 1.7.25 (reference-server.mjs)
// and against our Rust server: every assertion below holds for real Better Auth,
// so a failure against the Rust server is a wire incompatibility.
//
// Output: one line per step ("ok   NN step-name  detail"). On the first failure
// it prints the step, expected and actual values and exits 1. Exit 0 = all passed.
//
// Optional env:
//   REQUEST_TIMEOUT_MS  per-request timeout (default 15000)
//   VERBOSE=1           log every HTTP exchange (method, path, status) to stderr

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { createAuthClient } from "better-auth/client";

const BASE_URL = (process.env.BASE_URL || "").replace(/\/+$/, "");
if (!BASE_URL) {
  console.error("error: BASE_URL is required, e.g. BASE_URL=http://127.0.0.1:8123");
  process.exit(2);
}
const ORIGIN = new URL(BASE_URL).origin;
const API = `${BASE_URL}/api/auth`;
const REQUEST_TIMEOUT_MS = Number(process.env.REQUEST_TIMEOUT_MS || 15000);
const VERBOSE = process.env.VERBOSE === "1";

// Better Auth cookie names (no `__Secure-` prefix because the origin is http://).
const SESSION_COOKIE = "better-auth.session_token";
const DONT_REMEMBER_COOKIE = "better-auth.dont_remember";
const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------
// Cookie jar + "browser"
// ---------------------------------------------------------------------------

/**
 * A deliberately simple cookie jar: one origin, no domain/path matching.
 * Stores name=value (value kept exactly as sent, i.e. still URL-encoded, just
 * like a browser), remembers the attributes of the last Set-Cookie for each
 * name so steps can assert on them, deletes on Max-Age<=0 or a past Expires.
 */
class CookieJar {
  constructor() {
    /** @type {Map<string, {value: string, attrs: Record<string, string|true>, raw: string}>} */
    this.cookies = new Map();
  }

  /** @param {string[]} setCookieLines */
  absorb(setCookieLines) {
    for (const line of setCookieLines) {
      const [pair, ...attrParts] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq < 1) continue; // nameless cookie: ignore like browsers do
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const attrs = {};
      for (const part of attrParts) {
        const i = part.indexOf("=");
        const key = (i === -1 ? part : part.slice(0, i)).trim().toLowerCase();
        if (!key) continue;
        attrs[key] = i === -1 ? true : part.slice(i + 1).trim();
      }
      const maxAge = attrs["max-age"] !== undefined ? Number(attrs["max-age"]) : undefined;
      const expires = typeof attrs.expires === "string" ? Date.parse(attrs.expires) : NaN;
      // Max-Age wins over Expires (RFC 6265 §5.3 step 3).
      const expired = maxAge !== undefined ? maxAge <= 0 : !Number.isNaN(expires) && expires <= Date.now();
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, { value, attrs, raw: line });
    }
  }

  /** Value of the Cookie request header, or undefined when the jar is empty. */
  header() {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([n, c]) => `${n}=${c.value}`).join("; ");
  }

  get(name) {
    return this.cookies.get(name);
  }
}

/**
 * A "browser": its own cookie jar and its own auth client. Every request gets
 * `Origin: <BASE_URL origin>` (a same-origin page calling fetch) and the jar's
 * cookies; every response's Set-Cookie lines are stored.
 */
function makeBrowser(label) {
  const jar = new CookieJar();
  /** Last response seen by this browser (any endpoint), for diagnostics. */
  let last = null;

  const customFetchImpl = async (input, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set("origin", ORIGIN);
    const cookie = jar.header();
    if (cookie) headers.set("cookie", cookie);
    else headers.delete("cookie");
    const res = await fetch(input, {
      ...init,
      headers,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    // Node's fetch keeps no cookies; getSetCookie() returns each Set-Cookie
    // line separately (a joined `get("set-cookie")` would be ambiguous).
    jar.absorb(res.headers.getSetCookie());
    last = { method: init.method, url: String(input), status: res.status, statusText: res.statusText };
    if (VERBOSE) {
      console.error(`  [${label}] ${init.method || "GET"} ${new URL(String(input)).pathname} -> ${res.status} ${res.statusText}`);
    }
    return res;
  };

  const client = createAuthClient({
    baseURL: BASE_URL,
    fetchOptions: { customFetchImpl },
  });

  return {
    label,
    jar,
    client,
    get last() {
      return last;
    },
    sessionCookie: () => jar.get(SESSION_COOKIE),
  };
}

// ---------------------------------------------------------------------------
// Step runner
// ---------------------------------------------------------------------------

let stepNo = 0;
let currentStep = "(setup)";

/** Run one named step; print one line on success. */
async function step(name, fn) {
  stepNo += 1;
  currentStep = `${String(stepNo).padStart(2, "0")} ${name}`;
  const detail = await fn();
  console.log(`ok   ${currentStep}${detail ? `  ${detail}` : ""}`);
}

function fail(err) {
  console.log(`FAIL ${currentStep}`);
  if (err instanceof assert.AssertionError) {
    console.log(`  message:  ${err.message.split("\n")[0]}`);
    console.log(`  expected: ${inspect(err.expected, { depth: 6, breakLength: Infinity })}`);
    console.log(`  actual:   ${inspect(err.actual, { depth: 6, breakLength: Infinity })}`);
  } else {
    console.log(`  error:    ${err && err.stack ? err.stack : inspect(err)}`);
  }
  console.log(`${Math.max(stepNo - 1, 0)} passed, 1 failed`);
  process.exit(1);
}
process.on("unhandledRejection", fail);

// ---------------------------------------------------------------------------
// Assertion helpers (each mirrors a documented Better Auth behaviour)
// ---------------------------------------------------------------------------

/** Assert a client result is a success and return its data. */
function okData(result, what) {
  assert.equal(result.error, null, `${what}: expected no error, got ${inspect(result.error, { breakLength: Infinity })}`);
  return result.data;
}

/**
 * The HTTP reason phrase of a Better Auth error depends on the HOST, not on
 * Better Auth: better-call builds `new Response(body, {statusText: "UNAUTHORIZED"})`,
 * so Web-standard hosts (Bun, Deno, Next.js…) send the status NAME, while the
 * Node adapter (`toNodeHandler`, used by reference-server.mjs) calls
 * `res.writeHead(status)` and Node sends its standard phrase ("Unauthorized").
 * The client copies whatever arrives into `error.statusText`, so both are valid.
 */
const STATUS_NAME = { 400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 422: "UNPROCESSABLE_ENTITY" };
const STANDARD_PHRASE = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 422: "Unprocessable Entity" };

/**
 * Assert a client result is a Better Auth APIError: `data` null and
 * `error = {message, code, status, statusText}`.
 */
function expectError(result, { status, code, message }, what) {
  assert.equal(result.data, null, `${what}: expected data null`);
  assert.ok(result.error, `${what}: expected an error`);
  assert.deepEqual(
    { status: result.error.status, code: result.error.code, message: result.error.message },
    { status, code, message },
    `${what}: error {status, code, message}`,
  );
  assert.ok(
    [STATUS_NAME[status], STANDARD_PHRASE[status]].includes(result.error.statusText),
    `${what}: statusText should be "${STATUS_NAME[status]}" or "${STANDARD_PHRASE[status]}", got ${inspect(result.error.statusText)}`,
  );
}

const ID_RE = /^[A-Za-z0-9]{32}$/; // Better Auth generateId(): 32 chars [a-zA-Z0-9]
const TOKEN_RE = /^[A-Za-z0-9]{32}$/; // session token: generateId(32)

function assertDate(value, what) {
  assert.ok(value instanceof Date, `${what} should be revived to a Date (was ${inspect(value)})`);
  assert.ok(!Number.isNaN(value.getTime()), `${what} should be a valid Date`);
}

/** Close-enough check for server timestamps (clock skew / request latency). */
function assertNear(actualMs, expectedMs, toleranceMs, what) {
  assert.ok(
    Math.abs(actualMs - expectedMs) <= toleranceMs,
    `${what}: ${new Date(actualMs).toISOString()} not within ${toleranceMs} ms of ${new Date(expectedMs).toISOString()}`,
  );
}

function assertUser(user, { id, name, email, image }, what) {
  assert.equal(typeof user, "object", `${what}: user object`);
  if (id) assert.equal(user.id, id, `${what}: user.id`);
  else assert.match(user.id, ID_RE, `${what}: user.id format`);
  assert.equal(user.name, name, `${what}: user.name`);
  assert.equal(user.email, email, `${what}: user.email`);
  assert.equal(user.emailVerified, false, `${what}: user.emailVerified`);
  assert.equal(user.image, image, `${what}: user.image`);
  assertDate(user.createdAt, `${what}: user.createdAt`);
  assertDate(user.updatedAt, `${what}: user.updatedAt`);
}

/** The signed-cookie / set-auth-token format: `<token>.<base64 HMAC-SHA256>` (44 chars, '=' padded). */
function assertSignedToken(signed, token, what) {
  assert.equal(typeof signed, "string", `${what}: should be a string`);
  const dot = signed.lastIndexOf(".");
  assert.equal(signed.slice(0, dot), token, `${what}: part before the last '.' is the session token`);
  assert.match(signed.slice(dot + 1), /^[A-Za-z0-9+/]{43}=$/, `${what}: signature is 44-char standard base64`);
}

/** get-session must say "signed out": HTTP 200 with a literal `null` body. */
async function expectSignedOut(browser, what) {
  const res = await browser.client.getSession();
  assert.equal(res.error, null, `${what}: get-session should not error (got ${inspect(res.error)})`);
  assert.equal(res.data, null, `${what}: get-session data should be null`);
  assert.equal(browser.last.status, 200, `${what}: get-session status`);
}

/** get-session must return this session; returns the data. */
async function expectSignedIn(browser, token, userId, what) {
  const data = okData(await browser.client.getSession(), `${what}: get-session`);
  assert.ok(data && data.session && data.user, `${what}: {session, user} expected, got ${inspect(data)}`);
  assert.equal(data.session.token, token, `${what}: session.token`);
  assert.equal(data.session.userId, userId, `${what}: session.userId`);
  assert.equal(data.user.id, userId, `${what}: user.id`);
  return data;
}

/** Sign in a fresh browser; returns {browser, token, authToken}. */
async function signInNew(label, email, password, extra = {}) {
  const browser = makeBrowser(label);
  let authToken = null;
  const res = await browser.client.signIn.email(
    { email, password, ...extra },
    { onSuccess: (ctx) => void (authToken = ctx.response.headers.get("set-auth-token")) },
  );
  const data = okData(res, `sign-in (${label})`);
  assert.match(data.token, TOKEN_RE, `sign-in (${label}): token format`);
  return { browser, token: data.token, authToken, data };
}

// ---------------------------------------------------------------------------
// The flow
// ---------------------------------------------------------------------------

const rand = randomBytes(6).toString("hex");
// Mixed case on purpose: Better Auth lower-cases emails on sign-up and sign-in.
const emailTyped = `Flow-${rand}@Example.COM`;
const email = emailTyped.toLowerCase();
const password = `pw-${rand}-initial`;
const newPassword = `pw-${rand}-changed`;
const name = "Flow User";

const A = makeBrowser("A"); // the main browser: signs up, later changes password
const anon = makeBrowser("anon"); // never holds a session

let userId;
let tokenA;

try {
  console.log(`client-flow against ${API} (user ${email})`);

  await step("sign-up", async () => {
    const t0 = Date.now();
    const data = okData(await A.client.signUp.email({ name, email: emailTyped, password }), "sign-up");
    assert.deepEqual(Object.keys(data).sort(), ["token", "user"], "sign-up: response keys");
    assertUser(data.user, { name, email, image: null }, "sign-up");
    assertNear(data.user.createdAt.getTime(), t0, 60_000, "sign-up: user.createdAt ~ now");
    assert.match(data.token, TOKEN_RE, "sign-up: token format");
    userId = data.user.id;
    tokenA = data.token;
    // The session cookie: signed token, 7-day Max-Age, Path=/, HttpOnly, SameSite=Lax.
    const c = A.sessionCookie();
    assert.ok(c, "sign-up: session cookie set");
    assertSignedToken(decodeURIComponent(c.value), tokenA, "sign-up: session cookie value");
    assert.deepEqual(
      { maxAge: c.attrs["max-age"], path: c.attrs.path, httpOnly: c.attrs.httponly, sameSite: String(c.attrs.samesite).toLowerCase() },
      { maxAge: "604800", path: "/", httpOnly: true, sameSite: "lax" },
      "sign-up: session cookie attributes",
    );
    return `user ${userId}`;
  });

  await step("sign-up duplicate email -> 422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", async () => {
    const res = await anon.client.signUp.email({ name, email, password });
    expectError(
      res,
      {
        status: 422,
        code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
        message: "User already exists. Use another email.",
      },
      "duplicate sign-up",
    );
    assert.equal(anon.sessionCookie(), undefined, "duplicate sign-up must not set a session cookie");
  });

  await step("sign-up short password -> 400 PASSWORD_TOO_SHORT", async () => {
    const res = await anon.client.signUp.email({ name, email: `short-${rand}@example.com`, password: "1234567" });
    expectError(res, { status: 400, code: "PASSWORD_TOO_SHORT", message: "Password too short" }, "short password");
  });

  await step("sign-in wrong password -> 401 INVALID_EMAIL_OR_PASSWORD", async () => {
    const res = await anon.client.signIn.email({ email, password: `${password}-wrong` });
    expectError(
      res,
      { status: 401, code: "INVALID_EMAIL_OR_PASSWORD", message: "Invalid email or password" },
      "wrong password",
    );
    assert.equal(anon.sessionCookie(), undefined, "failed sign-in must not set a session cookie");
  });

  // Browser B: a second, independent session for the same user.
  let B, tokenB, authTokenB;
  await step("sign-in (second browser) + set-auth-token header", async () => {
    const r = await signInNew("B", emailTyped, password); // typed case: lookup is case-insensitive
    ({ browser: B, token: tokenB, authToken: authTokenB } = r);
    assert.equal(r.data.redirect, false, "sign-in: redirect");
    assert.equal("url" in r.data, false, "sign-in: no url key without callbackURL");
    assertUser(r.data.user, { id: userId, name, email, image: null }, "sign-in");
    assert.notEqual(tokenB, tokenA, "sign-in creates a new session");
    // Bearer plugin: set-auth-token = decoded session cookie value = token.signature
    assertSignedToken(authTokenB, tokenB, "set-auth-token header");
    assert.equal(authTokenB, decodeURIComponent(B.sessionCookie().value), "set-auth-token equals the decoded cookie value");
    return `session ${tokenB.slice(0, 6)}…`;
  });

  await step("get-session", async () => {
    const t0 = Date.now();
    const data = await expectSignedIn(A, tokenA, userId, "get-session");
    assert.deepEqual(Object.keys(data).sort(), ["session", "user"], "get-session: top-level keys");
    const s = data.session;
    assert.match(s.id, ID_RE, "session.id format");
    for (const k of ["expiresAt", "createdAt", "updatedAt"]) assertDate(s[k], `session.${k}`);
    // default session.expiresIn = 7 days
    assertNear(s.expiresAt.getTime(), t0 + 7 * DAY_MS, 120_000, "session.expiresAt ~ now + 7d");
    assert.equal(typeof s.ipAddress, "string", "session.ipAddress is a string");
    assert.equal(typeof s.userAgent, "string", "session.userAgent is a string");
    assertUser(data.user, { id: userId, name, email, image: null }, "get-session");
  });

  await step("bearer: Authorization: Bearer <set-auth-token>, no cookies", async () => {
    // 1) raw fetch, exactly "a non-browser client": no Cookie, no Origin.
    const res = await fetch(`${API}/get-session`, {
      headers: { authorization: `Bearer ${authTokenB}` },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    assert.equal(res.status, 200, "bearer get-session status");
    const body = await res.json();
    // Raw wire format (the client's date reviver would also accept other ISO
    // shapes): Better Auth serialises Dates with toISOString(), always ms + "Z".
    const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    for (const k of ["expiresAt", "createdAt", "updatedAt"]) assert.match(String(body?.session?.[k]), ISO_MS, `raw session.${k}`);
    for (const k of ["createdAt", "updatedAt"]) assert.match(String(body?.user?.[k]), ISO_MS, `raw user.${k}`);
    assert.equal(res.headers.get("cache-control"), "no-store", "get-session sends Cache-Control: no-store");
    assert.ok(body && body.session, `bearer get-session body should carry a session, got ${inspect(body)}`);
    assert.equal(body.session.token, tokenB, "bearer get-session: session.token");
    assert.equal(body.user.id, userId, "bearer get-session: user.id");
    // 2) the official client's own bearer option, from a browser with an empty jar.
    const C = makeBrowser("bearer");
    const data = okData(await C.client.getSession({ fetchOptions: { auth: { type: "Bearer", token: authTokenB } } }), "client bearer");
    assert.equal(data?.session?.token, tokenB, "client bearer get-session: session.token");
  });

  await step("list-sessions (2 sessions)", async () => {
    const list = okData(await A.client.listSessions(), "list-sessions");
    assert.ok(Array.isArray(list), "list-sessions returns an array");
    assert.deepEqual(list.map((s) => s.token).sort(), [tokenA, tokenB].sort(), "list-sessions tokens");
    for (const s of list) {
      assert.equal(s.userId, userId, "list-sessions: userId");
      assertDate(s.expiresAt, "list-sessions: expiresAt");
    }
    return `${list.length} sessions`;
  });

  await step("revoke-session (other browser's token)", async () => {
    const data = okData(await A.client.revokeSession({ token: tokenB }), "revoke-session");
    assert.deepEqual(data, { status: true }, "revoke-session response");
    await expectSignedOut(B, "revoked browser B");
    await expectSignedIn(A, tokenA, userId, "browser A still signed in");
    const list = okData(await A.client.listSessions(), "list-sessions after revoke");
    assert.deepEqual(list.map((s) => s.token), [tokenA], "only A's session remains");
  });

  await step("sign-in rememberMe:false (session cookie, 1-day session)", async () => {
    const t0 = Date.now();
    const { browser: R, token } = await signInNew("R", email, password, { rememberMe: false });
    const c = R.sessionCookie();
    assert.equal(c.attrs["max-age"], undefined, "don't-remember session cookie has no Max-Age");
    assert.ok(R.jar.get(DONT_REMEMBER_COOKIE), "better-auth.dont_remember cookie is set");
    assertSignedToken(decodeURIComponent(R.jar.get(DONT_REMEMBER_COOKIE).value), "true", "dont_remember cookie value");
    const data = await expectSignedIn(R, token, userId, "rememberMe:false get-session");
    assertNear(data.session.expiresAt.getTime(), t0 + DAY_MS, 120_000, "don't-remember session.expiresAt ~ now + 1d");
  });

  await step("revoke-other-sessions", async () => {
    const { browser: C, token: tokenC } = await signInNew("C", email, password);
    await expectSignedIn(C, tokenC, userId, "browser C signed in");
    const data = okData(await A.client.revokeOtherSessions(), "revoke-other-sessions");
    assert.deepEqual(data, { status: true }, "revoke-other-sessions response");
    await expectSignedOut(C, "browser C after revoke-other-sessions");
    await expectSignedIn(A, tokenA, userId, "browser A keeps its session");
    const list = okData(await A.client.listSessions(), "list-sessions after revoke-other-sessions");
    assert.deepEqual(list.map((s) => s.token), [tokenA], "only A's session remains");
  });

  const newName = "Renamed Flow User";
  const newImage = `https://example.com/avatar-${rand}.png`;
  await step("update-user {name, image}", async () => {
    const data = okData(await A.client.updateUser({ name: newName, image: newImage }), "update-user");
    assert.deepEqual(data, { status: true }, "update-user response");
    const s = await expectSignedIn(A, tokenA, userId, "after update-user");
    assert.equal(s.user.name, newName, "get-session shows the new name");
    assert.equal(s.user.image, newImage, "get-session shows the new image");
    assert.equal(s.user.email, email, "email unchanged");
  });

  let tokenA2;
  await step("change-password {revokeOtherSessions:true}", async () => {
    const { browser: D, token: tokenD } = await signInNew("D", email, password);
    const res = await A.client.changePassword({ currentPassword: password, newPassword, revokeOtherSessions: true });
    const data = okData(res, "change-password");
    assert.match(data.token, TOKEN_RE, "change-password returns a new session token");
    assert.notEqual(data.token, tokenA, "the token is new");
    assertUser(data.user, { id: userId, name: newName, email, image: newImage }, "change-password user");
    tokenA2 = data.token;
    assertSignedToken(decodeURIComponent(A.sessionCookie().value), tokenA2, "browser A got the new session cookie");
    await expectSignedIn(A, tokenA2, userId, "browser A on its new session");
    await expectSignedOut(D, "browser D after change-password");
    const list = okData(await A.client.listSessions(), "list-sessions after change-password");
    assert.deepEqual(list.map((s) => s.token), [tokenA2], "only the new session remains");
  });

  await step("sign-in with the old password fails", async () => {
    const res = await anon.client.signIn.email({ email, password });
    expectError(
      res,
      { status: 401, code: "INVALID_EMAIL_OR_PASSWORD", message: "Invalid email or password" },
      "old password",
    );
  });

  let E, tokenE;
  await step("sign-in with the new password works", async () => {
    ({ browser: E, token: tokenE } = await signInNew("E", email, newPassword));
    await expectSignedIn(E, tokenE, userId, "browser E");
  });

  await step("sign-out", async () => {
    const data = okData(await A.client.signOut(), "sign-out");
    assert.deepEqual(data, { success: true }, "sign-out response");
    assert.equal(A.sessionCookie(), undefined, "sign-out expires the session cookie");
    await expectSignedOut(A, "after sign-out");
    await expectSignedIn(E, tokenE, userId, "other browser E unaffected");
  });

  await step("revoke-sessions (all sessions)", async () => {
    const { browser: F, token: tokenF } = await signInNew("F", email, newPassword);
    await expectSignedIn(F, tokenF, userId, "browser F signed in");
    const data = okData(await E.client.revokeSessions(), "revoke-sessions");
    assert.deepEqual(data, { status: true }, "revoke-sessions response");
    assert.equal(E.sessionCookie(), undefined, "revoke-sessions expires the caller's cookie");
    await expectSignedOut(E, "browser E after revoke-sessions");
    await expectSignedOut(F, "browser F after revoke-sessions");
  });

  await step("delete-user {password}", async () => {
    const { browser: G, token: tokenG } = await signInNew("G", email, newPassword);
    const wrong = await G.client.deleteUser({ password: `${newPassword}-wrong` });
    expectError(wrong, { status: 400, code: "INVALID_PASSWORD", message: "Invalid password" }, "delete-user wrong password");
    await expectSignedIn(G, tokenG, userId, "still signed in after a refused delete");
    const data = okData(await G.client.deleteUser({ password: newPassword }), "delete-user");
    assert.deepEqual(data, { success: true, message: "User deleted" }, "delete-user response");
    assert.equal(G.sessionCookie(), undefined, "delete-user expires the session cookie");
    await expectSignedOut(G, "after delete-user");
  });

  await step("sign-in after delete-user fails", async () => {
    const res = await anon.client.signIn.email({ email, password: newPassword });
    expectError(
      res,
      { status: 401, code: "INVALID_EMAIL_OR_PASSWORD", message: "Invalid email or password" },
      "sign-in of a deleted user",
    );
  });

  console.log(`${stepNo} passed, 0 failed`);
  // The client may have scheduled session-signal timers; don't wait for them.
  process.exit(0);
} catch (err) {
  fail(err);
}
