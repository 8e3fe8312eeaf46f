// capture-cookie-cache.mjs — record what a server with Better Auth's session cookie
// cache (`session.cookieCache {enabled:true, maxAge:300, strategy:"compact"}`) puts in
// `better-auth.session_data`, and how its get-session treats that cookie.
// Written for the real Better Auth (reference-server.mjs with COOKIE_CACHE=1); the
// facts it prints are summarised in COOKIE-CACHE-OBSERVATIONS.md.
//
// Usage (server: reference-server.mjs COOKIE_CACHE=1 on a scratch database):
//   BASE_URL=http://127.0.0.1:8131 BETTER_AUTH_SECRET=<server secret> \
//   [DATABASE_URL=postgres://... (the server's DB: lets it change a row behind the cache)] \
//   [VECTOR_OUT=cookie-cache-vector.json] node capture-cookie-cache.mjs > /tmp/cc/observations.json
//
// Raw fetch, `Origin: BASE_URL` on every request, cookies handled by hand.
// Exit 1 if a from-scratch re-encoding of the captured cookie does not reproduce it
// byte for byte, or check-cookie-cache.mjs does not accept it / accepts a tampered copy.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const { BASE_URL, BETTER_AUTH_SECRET: secret, DATABASE_URL, VECTOR_OUT } = process.env;
if (!BASE_URL || !secret) {
  console.error("error: BASE_URL and BETTER_AUTH_SECRET are required");
  process.exit(2);
}
const API = `${BASE_URL.replace(/\/+$/, "")}/api/auth`;
const ORIGIN = new URL(BASE_URL).origin;
const TOKEN_COOKIE = "better-auth.session_token";
const DATA_COOKIE = "better-auth.session_data";
const DONT_REMEMBER = "better-auth.dont_remember";
const CHECKER = fileURLToPath(new URL("./check-cookie-cache.mjs", import.meta.url));

// ---------------------------------------------------------------- helpers
function parseSetCookie(line) {
  const [pair, ...parts] = line.split(";");
  const eq = pair.indexOf("=");
  const attrs = {};
  for (const p of parts) {
    const i = p.indexOf("=");
    const k = (i < 0 ? p : p.slice(0, i)).trim();
    attrs[k] = i < 0 ? true : p.slice(i + 1).trim();
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attrs, raw: line };
}
const cookieHeader = (jar) => Object.entries(jar).map(([k, v]) => `${k}=${v}`).join("; ");

/** One exchange; `cookies` = {name: value-as-set}. */
async function call(method, path, { body, cookies = {} } = {}) {
  const headers = { origin: ORIGIN };
  if (Object.keys(cookies).length) headers.cookie = cookieHeader(cookies);
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${API}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const setCookies = res.headers.getSetCookie().map(parseSetCookie);
  const byName = Object.fromEntries(setCookies.map((c) => [c.name, c]));
  return { status: res.status, text, json: text ? JSON.parse(text) : null, setCookieHeaders: res.headers.getSetCookie(), setCookies, byName };
}
/** Short summary of the Set-Cookie lines (value elided except for expiries). */
const cookieSummary = (r) =>
  r.setCookies.map((c) => `${c.name}=${c.value === "" ? "" : "<" + c.value.length + " chars>"}; ${c.raw.split(";").slice(1).map((s) => s.trim()).join("; ")}`);

const b64urlDecode = (s) => Buffer.from(s, "base64url").toString("utf8");
const b64urlEncode = (s) => Buffer.from(s, "utf8").toString("base64url"); // no padding
const hmacB64url = (text) => createHmac("sha256", secret).update(text, "utf8").digest("base64url");
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/** Decode a compact session_data value into its parts + the exact texts involved. */
function decodeCompact(value) {
  const json = b64urlDecode(decodeURIComponent(value));
  const outer = JSON.parse(json);
  return { json, outer, sessionData: outer.session, expiresAt: outer.expiresAt, signature: outer.signature };
}
/** From-scratch encoder (the recipe a re-implementation follows). */
function encodeCompact(sessionData, expiresAt) {
  const signedText = JSON.stringify({ ...sessionData, expiresAt });
  const signature = hmacB64url(signedText);
  return { signedText, signature, value: b64urlEncode(JSON.stringify({ session: sessionData, expiresAt, signature })) };
}
/** Run check-cookie-cache.mjs; returns {code, out}. */
function runChecker(env) {
  try {
    const out = execFileSync(process.execPath, [CHECKER], { env: { ...process.env, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return { code: 0, out: JSON.parse(out) };
  } catch (e) {
    return { code: e.status, out: e.stdout ? JSON.parse(e.stdout) : null, stderr: e.stderr };
  }
}
/** Change one character in the middle of the signature (always decoded by BA). */
function tamperSignature(value) {
  const d = decodeCompact(value);
  const i = 10;
  const c = d.signature[i] === "A" ? "B" : "A";
  const sig = d.signature.slice(0, i) + c + d.signature.slice(i + 1);
  return b64urlEncode(d.json.replace(d.signature, sig));
}
/** Change only the 2 discarded low bits of the last signature character (43 chars = 258 bits for 256). */
function flipTrailingBits(value) {
  const d = decodeCompact(value);
  const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const last = d.signature.at(-1);
  const flipped = alpha[alpha.indexOf(last) ^ 1];
  return b64urlEncode(d.json.replace(d.signature, d.signature.slice(0, -1) + flipped));
}

const obs = {};
const rand = () => randomBytes(5).toString("hex");
const password = "cookie-cache-password-1";

// ------------------------------------------------------------ 1. sign-up
const email = `cc-${rand()}@example.com`;
const t0 = Date.now();
const signUp = await call("POST", "/sign-up/email", { body: { email, password, name: "Cookie Cache" } });
const capturedAtMs = Date.now();
assert.equal(signUp.status, 200, signUp.text);
const tokenCookie = signUp.byName[TOKEN_COOKIE];
const dataCookie = signUp.byName[DATA_COOKIE];
assert.ok(tokenCookie && dataCookie, "sign-up sets session_token and session_data");
const sessionToken = decodeURIComponent(tokenCookie.value).split(".")[0];
assert.equal(sessionToken, signUp.json.token);
const dec = decodeCompact(dataCookie.value);
obs.signUp = {
  status: signUp.status,
  setCookie: cookieSummary(signUp),
  sessionDataUrlEncoded: dataCookie.value !== decodeURIComponent(dataCookie.value),
  sessionDataCharset: /^[A-Za-z0-9_-]+$/.test(dataCookie.value) ? "base64url, no padding" : "OTHER",
  sessionDataLength: dataCookie.value.length,
  decodedJsonTopKeys: Object.keys(dec.outer),
  sessionDataKeys: Object.keys(dec.sessionData),
  sessionKeys: Object.keys(dec.sessionData.session),
  userKeys: Object.keys(dec.sessionData.user),
  version: dec.sessionData.version,
  expiresAtMinusUpdatedAtMs: dec.expiresAt - dec.sessionData.updatedAt,
  updatedAtWithinRequest: dec.sessionData.updatedAt >= t0 && dec.sessionData.updatedAt <= capturedAtMs,
  signatureLength: dec.signature.length,
  bodyToken: signUp.json.token,
};

// From-scratch reproduction, byte for byte.
const re = encodeCompact(dec.sessionData, dec.expiresAt);
obs.fromScratch = {
  signatureMatches: re.signature === dec.signature,
  cookieMatchesByteForByte: re.value === dataCookie.value,
  signedTextHead: re.signedText.slice(0, 60) + "…" + re.signedText.slice(-40),
};
assert.ok(re.value === dataCookie.value, "from-scratch encoding reproduces BA's cookie");

const vector = {
  description:
    "Real better-auth.session_data cookie (session.cookieCache {enabled:true, maxAge:300, strategy:'compact'}) set by Better Auth 1.7.25 on POST /sign-up/email; see COOKIE-CACHE-OBSERVATIONS.md",
  betterAuthVersion: "1.7.25",
  secret,
  sessionToken,
  sessionTokenCookie: tokenCookie.value,
  sessionDataCookie: dataCookie.value,
  sessionDataCookieUrlEncoded: obs.signUp.sessionDataUrlEncoded,
  capturedAtMs,
  maxAge: Number(dataCookie.attrs["Max-Age"]),
  decoded: dec.sessionData,
  expiresAt: dec.expiresAt,
  signature: dec.signature,
  decodedJson: dec.json,
  signedText: re.signedText,
  setCookieHeaders: signUp.setCookieHeaders,
};

// BA's own verdict right now (real clock), on a tampered copy, and with the clock past expiry.
const base = { BETTER_AUTH_SECRET: secret, SESSION_TOKEN: sessionToken, SESSION_DATA: dataCookie.value, SESSION_TOKEN_COOKIE: tokenCookie.value, NOW_MS: "" };
obs.checker = {
  realCookieNow: runChecker(base),
  tamperedSignature: runChecker({ ...base, SESSION_DATA: tamperSignature(dataCookie.value) }),
  trailingBitsFlipped: runChecker({ ...base, SESSION_DATA: flipTrailingBits(dataCookie.value) }),
  nowPastExpiresAt: runChecker({ ...base, NOW_MS: String(dec.expiresAt + 1) }),
  nowAtExpiresAt: runChecker({ ...base, NOW_MS: String(dec.expiresAt) }),
  otherToken: runChecker({ ...base, SESSION_TOKEN: "x".repeat(32), SESSION_TOKEN_COOKIE: "" }),
};
for (const k of Object.keys(obs.checker)) obs.checker[k] = { exit: obs.checker[k].code, accepted: obs.checker[k].out?.accepted, checks: obs.checker[k].out?.checks, reason: obs.checker[k].out?.reason };
assert.equal(obs.checker.realCookieNow.exit, 0, "checker accepts the real cookie");
assert.equal(obs.checker.tamperedSignature.exit, 1, "checker rejects a tampered signature");
assert.equal(obs.checker.nowAtExpiresAt.exit, 0, "accepted when Date.now() == expiresAt");
assert.equal(obs.checker.nowPastExpiresAt.exit, 1, "rejected when Date.now() == expiresAt + 1");

if (VECTOR_OUT) {
  writeFileSync(VECTOR_OUT, JSON.stringify(vector, null, 2) + "\n");
  console.error(`wrote ${VECTOR_OUT}`);
}

const tok = { [TOKEN_COOKIE]: tokenCookie.value };
const both = { ...tok, [DATA_COOKIE]: dataCookie.value };

// ------------------------------------------------------ 2. get-session
const gsTokenOnly = await call("GET", "/get-session", { cookies: tok });
const gsCached = await call("GET", "/get-session", { cookies: both });
obs.getSession = {
  tokenOnly: { status: gsTokenOnly.status, setCookie: cookieSummary(gsTokenOnly) },
  withCache: { status: gsCached.status, setCookie: cookieSummary(gsCached) },
  sameBodyBytes: gsTokenOnly.text === gsCached.text,
  sameBodyValues: (() => {
    try {
      assert.deepStrictEqual(gsTokenOnly.json, gsCached.json);
      return true;
    } catch {
      return false;
    }
  })(),
  keyOrderFromDb: { session: Object.keys(gsTokenOnly.json.session), user: Object.keys(gsTokenOnly.json.user) },
  keyOrderFromCache: { session: Object.keys(gsCached.json.session), user: Object.keys(gsCached.json.user) },
  tokenOnlySessionDataDecoded: gsTokenOnly.byName[DATA_COOKIE] ? (() => {
    const d = decodeCompact(gsTokenOnly.byName[DATA_COOKIE].value);
    return { sameSessionAndUserAsSignUp: JSON.stringify([d.sessionData.session, d.sessionData.user]) === JSON.stringify([dec.sessionData.session, dec.sessionData.user]), expiresAtMinusUpdatedAtMs: d.expiresAt - d.sessionData.updatedAt };
  })() : null,
  cookieJsonEqualsDbBodyText: JSON.stringify({ session: dec.sessionData.session, user: dec.sessionData.user }) === gsTokenOnly.text,
  signUpBodyUserEqualsCookieUserText: JSON.stringify(signUp.json.user) === JSON.stringify(dec.sessionData.user),
  body: gsCached.json,
};

// Served from the cache? Change the row behind it.
if (DATABASE_URL) {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  await pool.query(`update "user" set name = 'Changed In DB' where email = $1`, [email]);
  await pool.end();
  const cached = await call("GET", "/get-session", { cookies: both });
  const fresh = await call("GET", "/get-session", { cookies: tok });
  const disabled = await call("GET", "/get-session?disableCookieCache=true", { cookies: both });
  obs.servedFromCache = {
    withCacheName: cached.json.user.name,
    withCacheSetCookie: cookieSummary(cached),
    tokenOnlyName: fresh.json.user.name,
    disableCookieCacheTrue: { name: disabled.json.user.name, setCookie: cookieSummary(disabled) },
  };
}

// Tampered / foreign / token-less caches.
const tampered = await call("GET", "/get-session", { cookies: { ...tok, [DATA_COOKIE]: tamperSignature(dataCookie.value) } });
obs.tamperedOnGetSession = { status: tampered.status, setCookie: cookieSummary(tampered), bodyUserName: tampered.json?.user?.name ?? null };
const noToken = await call("GET", "/get-session", { cookies: { [DATA_COOKIE]: dataCookie.value } });
obs.cacheWithoutToken = { status: noToken.status, body: noToken.text, setCookie: cookieSummary(noToken) };
const garbage = await call("GET", "/get-session", { cookies: { ...tok, [DATA_COOKIE]: "not-a-cookie-cache" } });
obs.garbageOnGetSession = { status: garbage.status, setCookie: cookieSummary(garbage), hasSession: !!garbage.json?.session };

// From-scratch cookies sent to the live server.
{
  const forged = structuredClone(dec.sessionData);
  forged.user.name = "Signed From Scratch";
  const good = encodeCompact(forged, Date.now() + 120_000).value;
  const r1 = await call("GET", "/get-session", { cookies: { ...tok, [DATA_COOKIE]: good } });
  const expired = encodeCompact(dec.sessionData, Date.now() - 1000).value;
  const r2 = await call("GET", "/get-session", { cookies: { ...tok, [DATA_COOKIE]: expired } });
  const v2 = encodeCompact({ ...dec.sessionData, version: "2" }, Date.now() + 120_000).value;
  const r3 = await call("GET", "/get-session", { cookies: { ...tok, [DATA_COOKIE]: v2 } });
  // Dates without milliseconds: BA revives ISO strings to Date before re-serialising for the HMAC.
  // (sent as "...:23Z", signed as sent)
  const noMs = structuredClone(dec.sessionData);
  // "…:23.296Z" -> "…:23Z"
  noMs.session.createdAt = noMs.session.createdAt.replace(/\.\d{3}Z$/, "Z");
  const r4 = await call("GET", "/get-session", { cookies: { ...tok, [DATA_COOKIE]: encodeCompact(noMs, Date.now() + 120_000).value } });
  // JSON without ms, signed over the ORIGINAL (.296Z) data: a different instant, must fail.
  const noMsSignedCanonical = (() => {
    const expiresAt = Date.now() + 120_000;
    const signature = hmacB64url(JSON.stringify({ ...dec.sessionData, expiresAt }));
    return b64urlEncode(JSON.stringify({ session: noMs, expiresAt, signature }));
  })();
  const noMsCanonical = structuredClone(noMs);
  noMsCanonical.session.createdAt = new Date(noMs.session.createdAt).toISOString();
  const noMsSignedCanonical2 = (() => {
    const expiresAt = Date.now() + 120_000;
    const signature = hmacB64url(JSON.stringify({ ...noMsCanonical, expiresAt }));
    return b64urlEncode(JSON.stringify({ session: noMs, expiresAt, signature }));
  })();
  const r6 = await call("GET", "/get-session", { cookies: { ...tok, [DATA_COOKIE]: noMsSignedCanonical2 } });
  const r5 = await call("GET", "/get-session", { cookies: { ...tok, [DATA_COOKIE]: noMsSignedCanonical } });
  obs.fromScratchOnLiveServer = {
    validForgedName: { name: r1.json?.user?.name, setCookie: cookieSummary(r1) },
    expiredCookieExpiresAt: { name: r2.json?.user?.name, setCookie: cookieSummary(r2) },
    version2: { name: r3.json?.user?.name, setCookie: cookieSummary(r3) },
    dateWithoutMsSignedAsSent: { name: r4.json?.user?.name, setCookie: cookieSummary(r4) },
    dateWithoutMsSignedOverOriginalMsValue: { name: r5.json?.user?.name, setCookie: cookieSummary(r5) },
    dateWithoutMsSignedAsToISOString: { name: r6.json?.user?.name, sessionCreatedAt: r6.json?.session?.createdAt, setCookie: cookieSummary(r6) },
  };
}

// -------------------------------------------------------------- 3. sign-in
const signIn = await call("POST", "/sign-in/email", { body: { email, password } });
obs.signIn = { status: signIn.status, setCookie: cookieSummary(signIn) };
const signInNR = await call("POST", "/sign-in/email", { body: { email, password, rememberMe: false } });
{
  const d = decodeCompact(signInNR.byName[DATA_COOKIE].value);
  const jar = { [TOKEN_COOKIE]: signInNR.byName[TOKEN_COOKIE].value, [DONT_REMEMBER]: signInNR.byName[DONT_REMEMBER].value };
  const gs = await call("GET", "/get-session", { cookies: jar });
  const d2 = gs.byName[DATA_COOKIE] ? decodeCompact(gs.byName[DATA_COOKIE].value) : null;
  obs.rememberMeFalse = {
    signIn: { status: signInNR.status, setCookie: cookieSummary(signInNR), expiresAtMinusUpdatedAtMs: d.expiresAt - d.sessionData.updatedAt },
    getSessionTokenAndDontRemember: { setCookie: cookieSummary(gs), expiresAtMinusUpdatedAtMs: d2 ? d2.expiresAt - d2.sessionData.updatedAt : null },
  };
}

// --------------------------------------------------------- 4. update-user
{
  const jar = { [TOKEN_COOKIE]: signIn.byName[TOKEN_COOKIE].value, [DATA_COOKIE]: signIn.byName[DATA_COOKIE].value };
  const up = await call("POST", "/update-user", { body: { name: "Renamed" }, cookies: jar });
  const d = up.byName[DATA_COOKIE]?.value ? decodeCompact(up.byName[DATA_COOKIE].value) : null;
  const after = await call("GET", "/get-session", { cookies: jar }); // OLD cache cookie
  obs.updateUser = {
    status: up.status,
    body: up.json,
    setCookie: cookieSummary(up),
    newCacheUserName: d?.sessionData.user.name ?? null,
    getSessionWithOldCacheName: after.json?.user?.name,
    getSessionWithOldCacheSetCookie: cookieSummary(after),
  };
}

// ------------------------------------------------------------ 5. sign-out
{
  const jar = { [TOKEN_COOKIE]: signIn.byName[TOKEN_COOKIE].value, [DATA_COOKIE]: signIn.byName[DATA_COOKIE].value };
  const out = await call("POST", "/sign-out", { body: {}, cookies: jar });
  const after = await call("GET", "/get-session", { cookies: jar }); // browser that kept both cookies
  const afterTokenOnly = await call("GET", "/get-session", { cookies: { [TOKEN_COOKIE]: jar[TOKEN_COOKIE] } });
  obs.signOut = {
    getSessionTokenOnly: { status: afterTokenOnly.status, body: afterTokenOnly.text, setCookie: cookieSummary(afterTokenOnly) },
    status: out.status,
    body: out.json,
    setCookieHeaders: out.setCookieHeaders,
    getSessionWithStaleCookies: { status: after.status, body: after.text, setCookie: cookieSummary(after) },
  };
}

// ------------------------------------------ 6. a user name that looks like a date
{
  const isoName = "2024-01-01T00:00:00Z";
  const su = await call("POST", "/sign-up/email", { body: { email: `cc-${rand()}@example.com`, password, name: isoName } });
  const v = su.byName[DATA_COOKIE].value;
  const t = decodeURIComponent(su.byName[TOKEN_COOKIE].value).split(".")[0];
  const gs = await call("GET", "/get-session", { cookies: { [TOKEN_COOKIE]: su.byName[TOKEN_COOKIE].value, [DATA_COOKIE]: v } });
  const chk = runChecker({ BETTER_AUTH_SECRET: secret, SESSION_TOKEN: t, SESSION_DATA: v, SESSION_TOKEN_COOKIE: su.byName[TOKEN_COOKIE].value, NOW_MS: "" });
  obs.isoLookingName = {
    name: isoName,
    storedInCookie: decodeCompact(v).sessionData.user.name,
    getSessionSetCookie: cookieSummary(gs),
    getSessionName: gs.json?.user?.name,
    checker: { exit: chk.code, checks: chk.out?.checks },
  };
}

console.log(JSON.stringify(obs, null, 2));
