// email-flow.mjs — drive the e-mail flows of an auth server with the OFFICIAL
// Better Auth client (`createAuthClient` + `emailOTPClient`), reading the mails
// the server "sends" from an outbox directory (format: lib/outbox.mjs).
//
// Usage:
//   BASE_URL=http://127.0.0.1:8123 MAIL_OUTBOX_DIR=/tmp/outbox node email-flow.mjs
//
// The server must be configured like reference-server.mjs with MAIL_OUTBOX_DIR:
// email verification (sendOnSignUp, autoSignInAfterVerification), password reset
// (revokeSessionsOnPasswordReset), change-email with confirmation to the current
// address, delete-user with a verification mail, email OTP (3 attempts, 6 digits),
// bearer, origin checks on, no rate limiting. Every assertion holds for real
// Better Auth 1.7.25, so a failure against our Rust server is a wire difference.
//
// Output: one "ok   NN step" line per step; on the first failure "FAIL NN step"
// with expected/actual, then "N passed, 1 failed" and exit 1. Exit 0 = all passed.
//
// Env:
//   BASE_URL            (required) server origin; the API is at ${BASE_URL}/api/auth
//   MAIL_OUTBOX_DIR     (required) the directory the server writes mails to
//   BETTER_AUTH_SECRET  optional: when given, the email-verification JWTs must verify
//                       (HS256 with this secret) and an expired token is minted to
//                       check TOKEN_EXPIRED; without it those checks are skipped
//   MAIL_TIMEOUT_MS     how long to wait for a mail (default 5000)
//   MAIL_QUIET_MS       how long to wait before concluding "no mail was sent" (default 1000)
//   REQUEST_TIMEOUT_MS  per-request timeout (default 15000)
//   VERBOSE=1           log every request to stderr

import assert from "node:assert/strict";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { inspect } from "node:util";
import { emailOTPClient } from "better-auth/client/plugins";
import { Outbox, extractOtp, extractUrl, MAIL_KINDS, OTP_TYPES } from "./lib/outbox.mjs";
import { assertNear, assertSignedToken, createHarness, decodeJwt, ID_RE, SESSION_COOKIE, setCookieNames, TOKEN_RE } from "./lib/harness.mjs";

const BASE_URL = (process.env.BASE_URL || "").replace(/\/+$/, "");
const OUTBOX_DIR = process.env.MAIL_OUTBOX_DIR || "";
if (!BASE_URL || !OUTBOX_DIR) {
  console.error("error: BASE_URL and MAIL_OUTBOX_DIR are required, e.g.\n  BASE_URL=http://127.0.0.1:8123 MAIL_OUTBOX_DIR=/tmp/outbox node email-flow.mjs");
  process.exit(2);
}
const SECRET = process.env.BETTER_AUTH_SECRET || "";
const MAIL_QUIET_MS = Number(process.env.MAIL_QUIET_MS || 1000);

const H = createHarness({
  baseURL: BASE_URL,
  plugins: [emailOTPClient()],
  timeoutMs: Number(process.env.REQUEST_TIMEOUT_MS || 15000),
  verbose: process.env.VERBOSE === "1",
});
const { ORIGIN, API, makeBrowser, step, okData, expectError, expectSignedIn, expectSignedOut } = H;
process.on("unhandledRejection", H.fail);

const outbox = new Outbox(OUTBOX_DIR, { timeoutMs: Number(process.env.MAIL_TIMEOUT_MS || 5000) });

const HOUR_S = 3600;
const SESSION_COOKIE_ATTRS = { maxAge: "604800", path: "/", httpOnly: true, sameSite: "lax" };
const OTP_MESSAGES = { INVALID_OTP: "Invalid OTP", TOO_MANY_ATTEMPTS: "Too many attempts", OTP_EXPIRED: "OTP expired" };

// ---------------------------------------------------------------------------
// Mail helpers
// ---------------------------------------------------------------------------

/** Wait for the mail, check the outbox format, return {mail, url|otp}. */
async function expectMail({ to, kind, otpType }, mark) {
  const mail = await outbox.waitFor({ to, kind, otpType }, mark);
  for (const k of ["to", "subject", "text", "html", "kind"]) assert.equal(typeof mail[k], "string", `mail ${mail.file}: "${k}" is a string`);
  assert.ok(MAIL_KINDS.includes(mail.kind), `mail ${mail.file}: kind`);
  assert.equal(mail.to, to.toLowerCase(), `mail ${mail.file}: "to" is the lower-cased address`);
  if (kind === "otp") {
    assert.ok(OTP_TYPES.includes(mail.otpType), `mail ${mail.file}: otpType`);
    const otp = extractOtp(mail.text);
    assert.match(String(otp), /^\d{6}$/, `mail ${mail.file}: a 6-digit code in text`);
    return { mail, otp };
  }
  assert.equal(mail.otpType, undefined, `mail ${mail.file}: no otpType on a ${kind} mail`);
  const url = extractUrl(mail.text);
  assert.ok(url, `mail ${mail.file}: an absolute URL in text`);
  return { mail, url };
}

/** No new mail to `to` (any kind) within MAIL_QUIET_MS. */
async function expectNoMail(to, mark, kind) {
  await outbox.expectNone({ to, kind }, mark, MAIL_QUIET_MS);
}

/** Parse a link and check it points at `${API}${pathname}` with exactly these query keys. */
function parseLink(url, pathnameRe, keys, what) {
  const u = new URL(url);
  assert.equal(u.origin, ORIGIN, `${what}: link origin`);
  const m = pathnameRe.exec(u.pathname);
  assert.ok(m, `${what}: link path ${u.pathname} should match ${pathnameRe}`);
  assert.deepEqual([...u.searchParams.keys()].sort(), [...keys].sort(), `${what}: link query parameters`);
  return { u, m, q: Object.fromEntries(u.searchParams) };
}

const b64url = (buf) => Buffer.from(buf).toString("base64url");

/** HS256 JWT with the shared secret (only used when BETTER_AUTH_SECRET is given). */
function signJwt(payload) {
  const input = `${b64url(JSON.stringify({ alg: "HS256" }))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
}

/**
 * An email-verification token is a stateless HS256 JWT:
 * header {"alg":"HS256"}, payload {email, [updateTo, requestType,] userId, iat, exp=iat+3600}.
 */
function checkVerificationJwt(token, expected, what) {
  const { header, payload, signature } = decodeJwt(token);
  assert.deepEqual(header, { alg: "HS256" }, `${what}: JWT header`);
  const { iat, exp, ...rest } = payload;
  assert.deepEqual(rest, expected, `${what}: JWT payload (without iat/exp)`);
  assert.ok(Number.isInteger(iat) && Number.isInteger(exp), `${what}: iat/exp are integer seconds`);
  assertNear(iat * 1000, Date.now(), 120_000, `${what}: iat ~ now`);
  assert.equal(exp - iat, HOUR_S, `${what}: exp - iat = emailVerification.expiresIn (3600 s)`);
  if (SECRET) {
    const [h, p] = token.split(".");
    const good = createHmac("sha256", SECRET).update(`${h}.${p}`).digest();
    const got = Buffer.from(signature, "base64url");
    assert.ok(got.length === good.length && timingSafeEqual(got, good), `${what}: JWT signature must be HMAC-SHA256(secret) (BETTER_AUTH_SECRET given)`);
  }
  return payload;
}

/** A JWT whose signature no longer matches (first signature char changed: 6 full bits). */
function tamper(token) {
  const [h, p, s] = token.split(".");
  return `${h}.${p}.${s[0] === "A" ? "B" : "A"}${s.slice(1)}`;
}

function otherCode(code) {
  return String((Number(code) + 1) % 1_000_000).padStart(6, "0");
}

function expectRedirect(res, location, what) {
  assert.deepEqual({ status: res.status, location: res.location }, { status: 302, location }, `${what}: 302 + Location`);
}

function assertSessionCookie(browser, what) {
  const c = browser.sessionCookie();
  assert.ok(c, `${what}: session cookie set`);
  const token = assertSignedToken(decodeURIComponent(c.value), undefined, `${what}: session cookie value`);
  assert.deepEqual(
    { maxAge: c.attrs["max-age"], path: c.attrs.path, httpOnly: c.attrs.httponly, sameSite: String(c.attrs.samesite).toLowerCase() },
    SESSION_COOKIE_ATTRS,
    `${what}: session cookie attributes`,
  );
  return token;
}

async function signIn(label, email, password) {
  const b = makeBrowser(label);
  const data = okData(await b.client.signIn.email({ email, password }), `sign-in (${label})`);
  assert.match(data.token, TOKEN_RE, `sign-in (${label}): token`);
  return { browser: b, token: data.token, data };
}

async function expectBadSignIn(email, password, what) {
  const b = makeBrowser("bad-sign-in");
  expectError(await b.client.signIn.email({ email, password }), { status: 401, code: "INVALID_EMAIL_OR_PASSWORD", message: "Invalid email or password" }, what);
}

// ---------------------------------------------------------------------------
// The flows
// ---------------------------------------------------------------------------

const rand = randomBytes(6).toString("hex");
const typed1 = `Mail-${rand}@Example.COM`; // mixed case on purpose
const email1 = typed1.toLowerCase();
const password1 = `pw-${rand}-first`;
const password2 = `pw-${rand}-reset`;
const email2 = `mail2-${rand}@example.com`; // another user, for "address already taken"
const email1New = `mail1-new-${rand}@example.com`;
const email3 = `otp-${rand}@example.com`; // created by OTP sign-in
const email4 = `otpv-${rand}@example.com`; // OTP email verification + OTP password reset
const email5 = `unproven-${rand}@example.com`; // unverified password account taken over by OTP sign-in
const nobody = `nobody-${rand}@example.com`;
const name = "Mail Flow User";

const anon = makeBrowser("anon"); // never holds a session

try {
  console.log(`email-flow against ${API} (outbox ${OUTBOX_DIR}, user ${email1})`);

  // ---------------------------------------------------------------- 1
  const A = makeBrowser("A");
  let userId, tokenA, verifyUrl, verifyToken;
  await step("flow 1: sign-up {callbackURL:/verified} -> verification mail with a JWT link", async () => {
    const mark = outbox.mark();
    const data = okData(await A.client.signUp.email({ name, email: typed1, password: password1, callbackURL: "/verified" }), "sign-up");
    assert.equal(data.user.email, email1, "sign-up: email lower-cased");
    assert.equal(data.user.emailVerified, false, "sign-up: emailVerified false");
    assert.match(data.user.id, ID_RE, "sign-up: user id");
    assert.match(data.token, TOKEN_RE, "sign-up: autoSignIn token");
    userId = data.user.id;
    tokenA = data.token;
    const { url } = await expectMail({ to: email1, kind: "verification" }, mark);
    const { q } = parseLink(url, /^\/api\/auth\/verify-email$/, ["token", "callbackURL"], "verification link");
    assert.equal(q.callbackURL, "/verified", "verification link: callbackURL");
    checkVerificationJwt(q.token, { email: email1, userId }, "verification token");
    verifyUrl = url;
    verifyToken = q.token;
    return `user ${userId}`;
  });

  let tokenM;
  await step("flow 1: open the verification link (no cookies) -> 302 /verified + new session, emailVerified", async () => {
    const M = makeBrowser("mail-client");
    const res = await M.open(verifyUrl);
    expectRedirect(res, "/verified", "verify-email");
    assert.equal(res.text, "", "verify-email redirect: empty body");
    tokenM = assertSessionCookie(M, "verify-email (autoSignInAfterVerification)");
    assert.notEqual(tokenM, tokenA, "verify-email creates a NEW session");
    const s = await expectSignedIn(M, { userId, token: tokenM }, "after verify-email");
    assert.equal(s.user.emailVerified, true, "get-session: emailVerified true");
    const a = await expectSignedIn(A, { userId, token: tokenA }, "sign-up browser");
    assert.equal(a.user.emailVerified, true, "sign-up browser sees emailVerified true");
    return `cookies set: ${setCookieNames(res.setCookie).join(", ")}`;
  });

  await step("flow 1: re-open the verification link -> 302 /verified, no new session", async () => {
    const M2 = makeBrowser("mail-client-2");
    const res = await M2.open(verifyUrl);
    expectRedirect(res, "/verified", "verify-email (already verified)");
    assert.equal(M2.sessionCookie(), undefined, "already verified: no session cookie");
    const noCb = await M2.open(`${API}/verify-email?token=${verifyToken}`);
    assert.equal(noCb.status, 200, "already verified, no callbackURL: status");
    assert.deepEqual(noCb.json, { status: true, user: null }, "already verified, no callbackURL: body");
  });

  // ---------------------------------------------------------------- 2
  await step("flow 2: send-verification-email while signed in and verified -> 400 EMAIL_ALREADY_VERIFIED", async () => {
    const mark = outbox.mark();
    const res = await A.client.sendVerificationEmail({ email: email1, callbackURL: "/verified" });
    expectError(res, { status: 400, code: "EMAIL_ALREADY_VERIFIED", message: "Email is already verified" }, "send-verification-email");
    const mismatch = await A.client.sendVerificationEmail({ email: email2, callbackURL: "/verified" });
    expectError(mismatch, { status: 400, code: "EMAIL_MISMATCH", message: "Email mismatch" }, "send-verification-email, other address");
    await expectNoMail(email1, mark);
  });

  await step("flow 2: send-verification-email signed out (verified / unknown address) -> {status:true} after >= 500 ms, no mail", async () => {
    const mark = outbox.mark();
    for (const email of [email1, nobody]) {
      const t0 = Date.now();
      const data = okData(await anon.client.sendVerificationEmail({ email, callbackURL: "/verified" }), `send-verification-email (${email})`);
      const ms = Date.now() - t0;
      assert.deepEqual(data, { status: true }, "send-verification-email signed out: body");
      assert.ok(ms >= 450, `signed-out send-verification-email takes >= 500 ms (anti-enumeration floor), took ${ms} ms`);
    }
    await expectNoMail(email1, mark);
    await expectNoMail(nobody, mark);
  });

  // ---------------------------------------------------------------- 3
  await step("flow 3: tampered verification token -> 302 <callbackURL>?error=INVALID_TOKEN / 401 INVALID_TOKEN", async () => {
    const T = makeBrowser("tamper");
    const bad = tamper(verifyToken);
    const r1 = await T.open(`${API}/verify-email?token=${bad}&callbackURL=${encodeURIComponent("/verified")}`);
    expectRedirect(r1, "/verified?error=INVALID_TOKEN", "tampered token with callbackURL");
    assert.deepEqual(r1.setCookie, [], "tampered token: no Set-Cookie");
    const r2 = await T.open(`${API}/verify-email?token=${bad}`);
    assert.equal(r2.status, 401, "tampered token without callbackURL: status");
    assert.deepEqual(r2.json, { message: "Invalid token", code: "INVALID_TOKEN" }, "tampered token without callbackURL: body");
    // the same through the official client (GET /verify-email?token=)
    expectError(await T.client.verifyEmail({ query: { token: bad } }), { status: 401, code: "INVALID_TOKEN", message: "Invalid token" }, "client.verifyEmail");
    const r3 = await T.open(`${API}/verify-email?token=not-a-jwt&callbackURL=${encodeURIComponent("/verified?x=1")}`);
    expectRedirect(r3, "/verified?x=1&error=INVALID_TOKEN", "garbage token, callbackURL with a query");
  });

  await step("flow 3: expired verification token -> TOKEN_EXPIRED", async () => {
    if (!SECRET) return "(skipped: BETTER_AUTH_SECRET not set)";
    const now = Math.floor(Date.now() / 1000);
    const expired = signJwt({ email: email1, userId, iat: now - 2 * HOUR_S, exp: now - HOUR_S });
    const T = makeBrowser("expired");
    expectRedirect(await T.open(`${API}/verify-email?token=${expired}&callbackURL=%2Fverified`), "/verified?error=TOKEN_EXPIRED", "expired token with callbackURL");
    const r = await T.open(`${API}/verify-email?token=${expired}`);
    assert.deepEqual({ status: r.status, body: r.json }, { status: 401, body: { message: "Token expired", code: "TOKEN_EXPIRED" } }, "expired token without callbackURL");
  });

  // ---------------------------------------------------------------- 4
  const RESET_BODY = { status: true, message: "If this email exists in our system, check your email for the reset link" };
  let resetUrl, resetToken, P;
  await step("flow 4: request-password-reset {redirectTo:/reset}: same body for known and unknown email, one mail", async () => {
    ({ browser: P } = await signIn("P", email1, password1)); // a session that the reset must revoke
    const mark = outbox.mark();
    assert.deepEqual(okData(await anon.client.requestPasswordReset({ email: email1, redirectTo: "/reset" }), "request-password-reset"), RESET_BODY, "known email: body");
    assert.deepEqual(okData(await anon.client.requestPasswordReset({ email: nobody, redirectTo: "/reset" }), "request-password-reset unknown"), RESET_BODY, "unknown email: body");
    const { url } = await expectMail({ to: email1, kind: "password-reset" }, mark);
    const { m, q } = parseLink(url, /^\/api\/auth\/reset-password\/([A-Za-z0-9]{24})$/, ["callbackURL"], "reset link");
    assert.equal(q.callbackURL, "/reset", "reset link: callbackURL");
    resetUrl = url;
    resetToken = m[1];
    await expectNoMail(nobody, mark);
    return `token ${resetToken.length} chars`;
  });

  await step("flow 4: open the reset link -> 302 <origin>/reset?token=<token> (not consumed)", async () => {
    const M = makeBrowser("reset-mail");
    const r1 = await M.open(resetUrl);
    expectRedirect(r1, `${ORIGIN}/reset?token=${resetToken}`, "reset-password callback");
    assert.deepEqual(r1.setCookie, [], "reset-password callback: no Set-Cookie");
    expectRedirect(await M.open(resetUrl), `${ORIGIN}/reset?token=${resetToken}`, "reset-password callback again (token not consumed)");
    const bad = await M.open(`${API}/reset-password/${"x".repeat(24)}?callbackURL=%2Freset`);
    expectRedirect(bad, `${ORIGIN}/reset?error=INVALID_TOKEN`, "unknown reset token");
  });

  let C, tokenC;
  await step("flow 4: reset-password {newPassword, token} -> {status:true}; replay -> 400 INVALID_TOKEN; sessions revoked", async () => {
    const data = okData(await anon.client.resetPassword({ newPassword: password2, token: resetToken }), "reset-password");
    assert.deepEqual(data, { status: true }, "reset-password: body");
    expectError(await anon.client.resetPassword({ newPassword: `${password2}-again`, token: resetToken }), { status: 400, code: "INVALID_TOKEN", message: "Invalid token" }, "reset-password replay");
    await expectBadSignIn(email1, password1, "old password after reset");
    ({ browser: C, token: tokenC } = await signIn("C", email1, password2));
    for (const b of [A, P]) await expectSignedOut(b, `browser ${b.label} after reset (revokeSessionsOnPasswordReset)`);
    await expectSignedIn(C, { userId, token: tokenC }, "new-password session");
  });

  // ---------------------------------------------------------------- 5
  let user2Id;
  await step("flow 5: change-email to an address of another user -> {status:true}, no mail", async () => {
    const N = makeBrowser("N");
    const mark0 = outbox.mark();
    user2Id = okData(await N.client.signUp.email({ name: "Other User", email: email2, password: password1 }), "sign-up user 2").user.id;
    await outbox.waitFor({ to: email2, kind: "verification" }, mark0); // its sign-up mail, not used
    const mark = outbox.mark();
    assert.deepEqual(okData(await C.client.changeEmail({ newEmail: email2, callbackURL: "/changed" }), "change-email (taken)"), { status: true }, "taken: body");
    await expectNoMail(email1, mark);
    await expectNoMail(email2, mark);
    const s = await expectSignedIn(C, { userId, token: tokenC }, "after change-email (taken)");
    assert.equal(s.user.email, email1, "email unchanged");
  });

  let confirmUrl;
  await step("flow 5: change-email {newEmail, callbackURL:/changed} -> confirmation mail to the CURRENT address", async () => {
    const mark = outbox.mark();
    assert.deepEqual(okData(await C.client.changeEmail({ newEmail: email1New.toUpperCase(), callbackURL: "/changed" }), "change-email"), { status: true }, "change-email: body");
    const { url } = await expectMail({ to: email1, kind: "change-email-confirmation" }, mark);
    const { q } = parseLink(url, /^\/api\/auth\/verify-email$/, ["token", "callbackURL"], "confirmation link");
    assert.equal(q.callbackURL, "/changed", "confirmation link: callbackURL");
    checkVerificationJwt(q.token, { email: email1, updateTo: email1New, requestType: "change-email-confirmation", userId }, "confirmation token");
    await expectNoMail(email1New, mark);
    confirmUrl = url;
  });

  let changeUrl;
  await step("flow 5: open the confirmation link -> 302 /changed + verification mail to the NEW address", async () => {
    const M = makeBrowser("old-mailbox");
    const mark = outbox.mark();
    const res = await M.open(confirmUrl);
    expectRedirect(res, "/changed", "change-email confirmation");
    assert.equal(M.sessionCookie(), undefined, "confirmation: no session cookie");
    const { url } = await expectMail({ to: email1New, kind: "verification" }, mark);
    const { q } = parseLink(url, /^\/api\/auth\/verify-email$/, ["token", "callbackURL"], "new-address link");
    assert.equal(q.callbackURL, "/changed", "new-address link: callbackURL");
    checkVerificationJwt(q.token, { email: email1, updateTo: email1New, requestType: "change-email-verification", userId }, "new-address token");
    const s = await expectSignedIn(C, { userId, token: tokenC }, "before the new address is verified");
    assert.equal(s.user.email, email1, "email not changed yet");
    changeUrl = url;
  });

  await step("flow 5: open the new-address link (signed in) -> 302 /changed; email changed", async () => {
    const res = await C.open(changeUrl);
    expectRedirect(res, "/changed", "change-email verification");
    const s = await expectSignedIn(C, { userId, token: tokenC }, "after change-email");
    assert.equal(s.user.email, email1New, "get-session: new email");
    assert.equal(s.user.emailVerified, true, "get-session: emailVerified stays true (it keeps the previous value)");
    await expectBadSignIn(email1, password2, "sign-in with the old address");
    const { token } = await signIn("C2", email1New, password2);
    return `emailVerified=${s.user.emailVerified}; session cookie re-set: ${setCookieNames(res.setCookie).includes(SESSION_COOKIE)}; new-address sign-in ${token.length}-char token`;
  });

  // ---------------------------------------------------------------- 6
  let deleteUrl;
  await step("flow 6: delete-user {callbackURL:/bye} without password -> 'Verification email sent' + mail", async () => {
    const mark = outbox.mark();
    const data = okData(await C.client.deleteUser({ callbackURL: "/bye" }), "delete-user");
    assert.deepEqual(data, { success: true, message: "Verification email sent" }, "delete-user: body");
    const { url } = await expectMail({ to: email1New, kind: "delete-account" }, mark);
    const { q } = parseLink(url, /^\/api\/auth\/delete-user\/callback$/, ["token", "callbackURL"], "delete link");
    assert.match(q.token, /^[0-9a-z]{32}$/, "delete link: token is 32 chars [0-9a-z]");
    assert.equal(q.callbackURL, "/bye", "delete link: callbackURL");
    await expectSignedIn(C, { userId, token: tokenC }, "still signed in until the link is opened");
    deleteUrl = url;
  });

  await step("flow 6: open the delete link WITHOUT a session -> 404 FAILED_TO_GET_USER_INFO (token kept)", async () => {
    const M = makeBrowser("no-session");
    const res = await M.open(deleteUrl);
    assert.equal(res.status, 404, "delete callback without session: status");
    assert.deepEqual(res.json, { message: "Failed to get user info", code: "FAILED_TO_GET_USER_INFO" }, "delete callback without session: body");
    await expectSignedIn(C, { userId, token: tokenC }, "user still exists");
    return `${res.status} ${res.text}`;
  });

  await step("flow 6: open the delete link WITH the session -> 302 /bye; user gone", async () => {
    const res = await C.open(deleteUrl);
    expectRedirect(res, "/bye", "delete callback");
    assert.equal(C.sessionCookie(), undefined, "delete callback expires the session cookie");
    await expectSignedOut(C, "after delete");
    await expectBadSignIn(email1New, password2, "sign-in of the deleted user");
    const again = await makeBrowser("replay").open(deleteUrl);
    assert.equal(again.status, 404, "replayed delete link (no session): 404");
  });

  // ---------------------------------------------------------------- 7
  let otpUserId;
  await step("flow 7: OTP sign-in: 3 wrong codes -> 400 INVALID_OTP, then 403 TOO_MANY_ATTEMPTS even with the right code", async () => {
    const mark = outbox.mark();
    assert.deepEqual(okData(await anon.client.emailOtp.sendVerificationOtp({ email: email3, type: "sign-in" }), "send-verification-otp"), { success: true }, "send-verification-otp: body");
    const { mail, otp } = await expectMail({ to: email3, kind: "otp", otpType: "sign-in" }, mark);
    assert.equal(mail.otpType, "sign-in", "otp mail: otpType");
    const O = makeBrowser("O");
    for (let i = 1; i <= 3; i++) {
      const r = await O.client.signIn.emailOtp({ email: email3, otp: otherCode(otp) });
      expectError(r, { status: 400, code: "INVALID_OTP", message: OTP_MESSAGES.INVALID_OTP }, `wrong code #${i}`);
    }
    expectError(await O.client.signIn.emailOtp({ email: email3, otp }), { status: 403, code: "TOO_MANY_ATTEMPTS", message: OTP_MESSAGES.TOO_MANY_ATTEMPTS }, "4th attempt, right code");
    // the exhausted code is gone: the next try is just "invalid"
    expectError(await O.client.signIn.emailOtp({ email: email3, otp }), { status: 400, code: "INVALID_OTP", message: OTP_MESSAGES.INVALID_OTP }, "5th attempt, right code");
    assert.equal(O.sessionCookie(), undefined, "no session after failed OTP sign-ins");
  });

  await step("flow 7: OTP sign-in with a fresh code -> {token, user} (new user, emailVerified, name '')", async () => {
    const mark = outbox.mark();
    okData(await anon.client.emailOtp.sendVerificationOtp({ email: email3, type: "sign-in" }), "send-verification-otp (again)");
    const { otp } = await expectMail({ to: email3, kind: "otp", otpType: "sign-in" }, mark);
    const O = makeBrowser("O2");
    let authToken = null;
    const data = okData(
      await O.client.signIn.emailOtp({ email: email3, otp }, { onSuccess: (ctx) => void (authToken = ctx.response.headers.get("set-auth-token")) }),
      "sign-in/email-otp",
    );
    assert.deepEqual(Object.keys(data).sort(), ["token", "user"], "sign-in/email-otp: keys");
    assert.match(data.token, TOKEN_RE, "sign-in/email-otp: token");
    assert.deepEqual(
      { email: data.user.email, emailVerified: data.user.emailVerified, name: data.user.name, image: data.user.image },
      { email: email3, emailVerified: true, name: "", image: null },
      "sign-in/email-otp: created user",
    );
    assert.match(data.user.id, ID_RE, "sign-in/email-otp: user id");
    otpUserId = data.user.id;
    assert.equal(assertSessionCookie(O, "sign-in/email-otp"), data.token, "cookie carries the returned token");
    assertSignedToken(authToken, data.token, "sign-in/email-otp: set-auth-token header");
    await expectSignedIn(O, { userId: otpUserId, token: data.token }, "after OTP sign-in");
    expectError(await makeBrowser("O3").client.signIn.emailOtp({ email: email3, otp }), { status: 400, code: "INVALID_OTP", message: OTP_MESSAGES.INVALID_OTP }, "replayed OTP");
    return `user ${otpUserId}`;
  });

  await step("flow 7: OTP sign-in into an existing UNVERIFIED password account: its password and sessions are dropped", async () => {
    const U = makeBrowser("U");
    const mark0 = outbox.mark();
    const { user: u5 } = okData(await U.client.signUp.email({ name: "Unproven", email: email5, password: password1 }), "sign-up unproven");
    await outbox.waitFor({ to: email5, kind: "verification" }, mark0);
    const mark = outbox.mark();
    okData(await anon.client.emailOtp.sendVerificationOtp({ email: email5, type: "sign-in" }), "send-verification-otp (unproven)");
    const { otp } = await expectMail({ to: email5, kind: "otp", otpType: "sign-in" }, mark);
    const O = makeBrowser("O5");
    const data = okData(await O.client.signIn.emailOtp({ email: email5, otp }), "sign-in/email-otp (unproven)");
    assert.equal(data.user.id, u5.id, "same user");
    assert.equal(data.user.emailVerified, true, "now verified");
    await expectSignedOut(U, "the pre-existing session was revoked");
    await expectBadSignIn(email5, password1, "the pre-existing password was removed");
  });

  // ---------------------------------------------------------------- 8
  let V, user4Id;
  await step("flow 8: OTP email verification: send (email-verification) -> verify-email -> {status, token, user}", async () => {
    V = makeBrowser("V");
    const mark0 = outbox.mark();
    const signUp = okData(await V.client.signUp.email({ name: "OTP Verify", email: email4, password: password1 }), "sign-up (otp verify)");
    user4Id = signUp.user.id;
    await outbox.waitFor({ to: email4, kind: "verification" }, mark0); // link mail from sendOnSignUp; not used
    const mark = outbox.mark();
    assert.deepEqual(okData(await V.client.emailOtp.sendVerificationOtp({ email: email4, type: "email-verification" }), "send otp"), { success: true }, "send otp: body");
    const { otp } = await expectMail({ to: email4, kind: "otp", otpType: "email-verification" }, mark);
    expectError(await V.client.emailOtp.verifyEmail({ email: email4, otp: otherCode(otp) }), { status: 400, code: "INVALID_OTP", message: OTP_MESSAGES.INVALID_OTP }, "verify-email wrong code");
    const data = okData(await V.client.emailOtp.verifyEmail({ email: email4, otp }), "email-otp/verify-email");
    assert.deepEqual(Object.keys(data).sort(), ["status", "token", "user"], "email-otp/verify-email: keys");
    assert.equal(data.status, true, "status");
    // autoSignInAfterVerification: a NEW session (and cookie) even though V was signed in
    assert.match(String(data.token), TOKEN_RE, "token (autoSignInAfterVerification)");
    assert.notEqual(data.token, signUp.token, "a new session");
    assert.deepEqual({ id: data.user.id, email: data.user.email, emailVerified: data.user.emailVerified }, { id: user4Id, email: email4, emailVerified: true }, "user");
    assert.equal(assertSessionCookie(V, "email-otp/verify-email"), data.token, "cookie carries the new token");
    const s = await expectSignedIn(V, { userId: user4Id, token: data.token }, "after email-otp/verify-email");
    assert.equal(s.user.emailVerified, true, "get-session: emailVerified");
  });

  // ---------------------------------------------------------------- 9
  const password4 = `pw-${rand}-otp-reset`;
  await step("flow 9: OTP password reset: request-password-reset -> code -> reset-password {success:true}", async () => {
    const mark = outbox.mark();
    assert.deepEqual(okData(await anon.client.emailOtp.requestPasswordReset({ email: email4 }), "email-otp/request-password-reset"), { success: true }, "body");
    assert.deepEqual(okData(await anon.client.emailOtp.requestPasswordReset({ email: nobody }), "unknown"), { success: true }, "unknown email: same body");
    const { otp } = await expectMail({ to: email4, kind: "otp", otpType: "forget-password" }, mark);
    await expectNoMail(nobody, mark);
    expectError(await anon.client.emailOtp.resetPassword({ email: email4, otp: otherCode(otp), password: password4 }), { status: 400, code: "INVALID_OTP", message: OTP_MESSAGES.INVALID_OTP }, "wrong code");
    assert.deepEqual(okData(await anon.client.emailOtp.resetPassword({ email: email4, otp, password: password4 }), "email-otp/reset-password"), { success: true }, "reset: body");
    expectError(await anon.client.emailOtp.resetPassword({ email: email4, otp, password: `${password4}-x` }), { status: 400, code: "INVALID_OTP", message: OTP_MESSAGES.INVALID_OTP }, "replay");
    await expectSignedOut(V, "sessions revoked (revokeSessionsOnPasswordReset)");
    await expectBadSignIn(email4, password1, "old password");
    const { browser } = await signIn("V2", email4, password4);
    await expectSignedIn(browser, { userId: user4Id }, "new password");
  });

  // ---------------------------------------------------------------- 10
  await step("flow 10: check-verification-otp does not consume the code (sign-in with it still works)", async () => {
    const mark = outbox.mark();
    okData(await anon.client.emailOtp.sendVerificationOtp({ email: email3, type: "sign-in" }), "send-verification-otp");
    const { otp } = await expectMail({ to: email3, kind: "otp", otpType: "sign-in" }, mark);
    expectError(await anon.client.emailOtp.checkVerificationOtp({ email: email3, type: "sign-in", otp: otherCode(otp) }), { status: 400, code: "INVALID_OTP", message: OTP_MESSAGES.INVALID_OTP }, "check wrong code");
    for (let i = 1; i <= 2; i++) {
      assert.deepEqual(okData(await anon.client.emailOtp.checkVerificationOtp({ email: email3, type: "sign-in", otp }), `check #${i}`), { success: true }, `check #${i}: body`);
    }
    const O = makeBrowser("O10");
    const data = okData(await O.client.signIn.emailOtp({ email: email3, otp }), "sign-in after check");
    assert.equal(data.user.id, otpUserId, "same OTP user as in flow 7");
    await expectSignedIn(O, { userId: otpUserId, token: data.token }, "after sign-in");
  });

  H.finish();
} catch (err) {
  H.fail(err);
}
