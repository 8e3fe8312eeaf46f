// check-cookie-cache.mjs — ask Better Auth 1.7.25's OWN code whether it accepts a
// `better-auth.session_data` cookie (session cookie cache, strategy "compact")
// that some server set, the way BA's GET /get-session would.
//
// Usage:
//   BETTER_AUTH_SECRET=... SESSION_TOKEN=<raw 32-char session token> \
//   SESSION_DATA=<session_data cookie value as set> [NOW_MS=<ms epoch>] \
//     node check-cookie-cache.mjs
//   VECTOR=cookie-cache-vector.json [NOW_MS=...] node check-cookie-cache.mjs
//                       (takes secret, token and cookie from the recorded vector;
//                        NOW_MS defaults to the vector's capturedAtMs there)
//
// Optional env:
//   NOW_MS                freeze Date.now() / new Date() at this ms epoch before calling Better Auth. Both
//                         getCookieCache and get-session compare the cookie's `expiresAt`
//                         (and the embedded session.expiresAt) with Date.now(), so a vector
//                         older than its maxAge (300 s) is rejected at the real time.
//                         Accepted iff expiresAt >= NOW_MS (and session.expiresAt >= NOW_MS).
//                         Empty or unset: the real clock.
//   SESSION_TOKEN_COOKIE  the signed `better-auth.session_token` value as set
//                         (`<token>.<base64 HMAC>`, URL-encoded or not); default: signed
//                         here from SESSION_TOKEN with the secret, like BA does.
//
// Prints ONE JSON line on stdout:
//   {"accepted":true|false,"session":<decoded payload or null>,"checks":{...},"reason":...}
// and exits 0 iff accepted, 1 if not, 2 on usage errors.
//
// "accepted" requires all of:
//   1. getCookieCache (export "better-auth/cookies") with a Request whose Cookie header holds
//      better-auth.session_token + better-auth.session_data and
//      {secret, strategy:"compact", version:"1", isSecure:false} returns a payload
//      (base64url → JSON (ISO dates revived) → zod shape → HMAC over the RE-SERIALISED JSON →
//      payload zod shape → version → cookie expiresAt >= now → session.expiresAt >= now);
//   2. payload.session.token === SESSION_TOKEN (get-session expires the cache cookie
//      otherwise; getCookieCache itself does not look at the token);
//   3. the real get-session endpoint (auth.api.getSession of a betterAuth instance with
//      cookieCache {enabled, compact} over an EMPTY memory adapter) answers with a session
//      and does not expire session_data — with an empty database that answer can only have
//      come from the cookie cache.

import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

let { BETTER_AUTH_SECRET: secret, SESSION_TOKEN: token, SESSION_DATA: data, SESSION_TOKEN_COOKIE: tokenCookie, NOW_MS } = process.env;
if (process.env.VECTOR) {
  const v = JSON.parse(readFileSync(process.env.VECTOR, "utf8"));
  secret ??= v.secret;
  token ??= v.sessionToken;
  data ??= v.sessionDataCookie;
  tokenCookie ??= v.sessionTokenCookie;
  NOW_MS ??= String(v.capturedAtMs);
}
if (!secret || !token || !data) {
  console.error("error: BETTER_AUTH_SECRET, SESSION_TOKEN and SESSION_DATA are required (or VECTOR=<file>)");
  process.exit(2);
}
if (NOW_MS !== undefined && NOW_MS !== "") {
  const now = Number(NOW_MS);
  if (!Number.isFinite(now)) {
    console.error("error: NOW_MS must be a number (ms since the epoch)");
    process.exit(2);
  }
  // Freeze the clock at NOW_MS for everything below (Better Auth reads Date.now() and new Date()).
  const RealDate = Date;
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(now);
      else super(...args);
    }
    static now() {
      return now;
    }
  };
}

// Better Auth reads BETTER_AUTH_SECRET itself too; the value passed explicitly wins.
const { getCookieCache } = await import("better-auth/cookies");
const { betterAuth } = await import("better-auth");
const { memoryAdapter } = await import("better-auth/adapters/memory");

// The signed session_token cookie, exactly as BA's setSignedCookie writes it:
// encodeURIComponent(`${token}.${base64(HMAC-SHA256(secret, token))}`).
tokenCookie ||= encodeURIComponent(`${token}.${createHmac("sha256", secret).update(token).digest("base64")}`);
const cookieHeader = `better-auth.session_token=${tokenCookie}; better-auth.session_data=${data}`;

const checks = {};
let reason = null;

// 1. BA's exported cookie-cache reader.
let payload = null;
try {
  payload = await getCookieCache(
    new Request("http://127.0.0.1/api/auth/get-session", { headers: { cookie: cookieHeader } }),
    // isSecure:false: otherwise getCookieCache looks for "__Secure-better-auth.session_data"
    // whenever NODE_ENV=production. version "1": what get-session expects by default.
    { secret, strategy: "compact", version: "1", isSecure: false },
  );
} catch (e) {
  reason = `getCookieCache threw: ${e?.message ?? e}`;
}
checks.getCookieCache = !!payload;
if (!payload) reason ??= "getCookieCache returned null (bad encoding/shape, bad signature, wrong version or expired)";

// 2. get-session binds the cache to the session_token cookie.
checks.tokenMatches = !!payload && payload.session?.token === token;
if (payload && !checks.tokenMatches) reason ??= `payload.session.token ${JSON.stringify(payload.session?.token)} != SESSION_TOKEN`;

// 3. The real get-session endpoint, over an empty database.
const auth = betterAuth({
  database: memoryAdapter({ user: [], session: [], account: [], verification: [] }),
  secret,
  baseURL: "http://127.0.0.1:8123",
  session: { cookieCache: { enabled: true, maxAge: 300, strategy: "compact" } },
  telemetry: { enabled: false },
  logger: { disabled: true },
});
let endpoint = null;
try {
  const res = await auth.api.getSession({ headers: new Headers({ cookie: cookieHeader }), asResponse: true });
  const setCookies = res.headers.getSetCookie();
  const body = await res.json();
  endpoint = {
    status: res.status,
    hasSession: !!body?.session,
    expiresSessionData: setCookies.some((c) => /^better-auth\.session_data=;/.test(c) && /Max-Age=0/i.test(c)),
  };
  checks.getSessionEndpoint = res.status === 200 && endpoint.hasSession && !endpoint.expiresSessionData;
} catch (e) {
  checks.getSessionEndpoint = false;
  endpoint = { error: String(e?.message ?? e) };
}
if (!checks.getSessionEndpoint) reason ??= `get-session did not serve it from the cache: ${JSON.stringify(endpoint)}`;

const accepted = checks.getCookieCache && checks.tokenMatches && checks.getSessionEndpoint;
if ((checks.getCookieCache && checks.tokenMatches) !== checks.getSessionEndpoint) {
  // Should never happen: would mean this script's model of get-session is wrong.
  reason = `getCookieCache+token (${checks.getCookieCache && checks.tokenMatches}) and get-session (${checks.getSessionEndpoint}) disagree; ${reason ?? ""}`;
}
console.log(JSON.stringify({ accepted, session: accepted ? payload : null, checks, ...(accepted ? {} : { reason }) }));
process.exit(accepted ? 0 : 1);
