// oauth-provider-selftest.mjs — check that oauth-provider.mjs enforces what the
// social-login tests rely on (so a server that skips PKCE, reuses codes or ignores
// the nonce is caught by the provider, not waved through).
//
// Usage: OAUTH_PROVIDER_URL=http://127.0.0.1:18200 node oauth-provider-selftest.mjs
// Output: "ok   NN ..." per check, then "N passed, M failed"; exit 1 on any failure.
// It resets the provider (POST /__admin/reset) before and after.

import assert from "node:assert/strict";
import { createHash, createPublicKey, randomBytes, verify } from "node:crypto";

const P = (process.env.OAUTH_PROVIDER_URL || "").replace(/\/+$/, "");
if (!P) {
  console.error("error: OAUTH_PROVIDER_URL is required");
  process.exit(2);
}
const REDIRECT = "http://127.0.0.1:9/api/auth/callback/mock-oidc";
const CLIENT = "selftest-client";
let passed = 0;
let failed = 0;
let n = 0;

async function check(name, fn) {
  n += 1;
  const label = `${String(n).padStart(2, "0")} ${name}`;
  try {
    const detail = await fn();
    passed += 1;
    console.log(`ok   ${label}${detail ? `  ${detail}` : ""}`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL ${label}\n  ${String(e?.message ?? e).split("\n").join("\n  ")}`);
  }
}

const json = async (res) => ({ status: res.status, body: await res.json().catch(() => null), headers: res.headers });
const admin = async (path, body) =>
  json(await fetch(`${P}/__admin/${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
const b64url = (b) => Buffer.from(b).toString("base64url");

async function authorize(params) {
  const q = new URLSearchParams({ response_type: "code", client_id: CLIENT, redirect_uri: REDIRECT, ...params });
  const res = await fetch(`${P}/authorize?${q}`, { redirect: "manual" });
  const loc = res.headers.get("location");
  return { status: res.status, location: loc ? new URL(loc) : null, text: loc ? "" : await res.text() };
}

async function token(form, { basic } = {}) {
  const headers = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(basic[0])}:${encodeURIComponent(basic[1])}`).toString("base64")}`;
  return json(await fetch(`${P}/token`, { method: "POST", headers, body: new URLSearchParams(form) }));
}

function pkce() {
  const verifier = b64url(randomBytes(48)); // 64 chars
  return { verifier, challenge: b64url(createHash("sha256").update(verifier).digest()) };
}

async function codeFor(extra = {}) {
  const a = await authorize({ scope: "openid email profile", state: "st-1", ...extra });
  assert.equal(a.status, 302, `authorize status ${a.status} ${a.text}`);
  return a.location.searchParams.get("code");
}

function decode(jwt) {
  const [h, p, s] = jwt.split(".");
  return { header: JSON.parse(Buffer.from(h, "base64url")), payload: JSON.parse(Buffer.from(p, "base64url")), input: `${h}.${p}`, sig: Buffer.from(s, "base64url") };
}

await admin("reset", {});
let jwks;

await check("discovery: issuer = provider URL, endpoints, RS256, auth methods", async () => {
  const d = (await json(await fetch(`${P}/.well-known/openid-configuration`))).body;
  assert.equal(d.issuer, P);
  for (const [k, path] of [["authorization_endpoint", "/authorize"], ["token_endpoint", "/token"], ["userinfo_endpoint", "/userinfo"], ["jwks_uri", "/jwks"]]) assert.equal(d[k], `${P}${path}`, k);
  assert.deepEqual(d.id_token_signing_alg_values_supported, ["RS256"]);
  assert.ok(d.token_endpoint_auth_methods_supported.includes("client_secret_basic") && d.token_endpoint_auth_methods_supported.includes("client_secret_post"));
  jwks = (await json(await fetch(d.jwks_uri))).body;
  assert.equal(jwks.keys.length, 1);
  assert.equal(jwks.keys[0].kty, "RSA");
  assert.equal(jwks.keys[0].d, undefined, "no private part in the JWKS");
});

await check("authorize without redirect_uri -> 400 invalid_request (no redirect)", async () => {
  const res = await fetch(`${P}/authorize?response_type=code&client_id=x`, { redirect: "manual" });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error, "invalid_request");
});

await check("authorize -> 302 redirect_uri?code&state", async () => {
  const a = await authorize({ scope: "openid", state: "abc" });
  assert.equal(a.status, 302);
  assert.equal(`${a.location.origin}${a.location.pathname}`, REDIRECT);
  assert.equal(a.location.searchParams.get("state"), "abc");
  assert.match(a.location.searchParams.get("code"), /^[0-9a-f-]{36}$/);
});

await check("PKCE: code issued with a challenge + no code_verifier -> invalid_grant (logged)", async () => {
  const { challenge } = pkce();
  const code = await codeFor({ code_challenge: challenge, code_challenge_method: "S256" });
  const t = await token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: CLIENT, client_secret: "s" });
  assert.deepEqual([t.status, t.body.error], [400, "invalid_grant"]);
  const log = (await admin("requests")).body.at(-1);
  assert.deepEqual([log.code_verifier_present, log.code_verifier_valid, log.status], [false, false, 400]);
});

await check("PKCE: wrong code_verifier -> invalid_grant; the code is burnt", async () => {
  const { challenge, verifier } = pkce();
  const code = await codeFor({ code_challenge: challenge, code_challenge_method: "S256" });
  const t = await token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: pkce().verifier, client_id: CLIENT });
  assert.deepEqual([t.status, t.body.error], [400, "invalid_grant"]);
  assert.equal((await admin("requests")).body.at(-1).code_verifier_valid, false);
  const again = await token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier, client_id: CLIENT });
  assert.deepEqual([again.status, again.body.error_description], [400, "authorization code already used"]);
});

let tokens;
const nonce = "nonce-" + b64url(randomBytes(12));
await check("code + right verifier (client_secret_basic) -> tokens; id_token RS256 with the claims", async () => {
  await admin("next-user", { sub: "st-sub", email: "St@Example.com", email_verified: false, name: "Self Test", picture: "https://p.example/x.png" });
  const { challenge, verifier } = pkce();
  const code = await codeFor({ code_challenge: challenge, code_challenge_method: "S256", nonce });
  const t = await token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier }, { basic: [CLIENT, "se:cret+/"] });
  assert.equal(t.status, 200, JSON.stringify(t.body));
  tokens = t.body;
  assert.deepEqual(Object.keys(tokens).sort(), ["access_token", "expires_in", "id_token", "refresh_token", "scope", "token_type"]);
  assert.deepEqual([tokens.token_type, tokens.expires_in, tokens.scope], ["Bearer", 3600, "openid email profile"]);
  const id = decode(tokens.id_token);
  assert.equal(id.header.alg, "RS256");
  const key = createPublicKey({ key: jwks.keys.find((k) => k.kid === id.header.kid), format: "jwk" });
  assert.ok(verify("sha256", Buffer.from(id.input), key, id.sig), "signature verifies with the JWKS key");
  const { iss, aud, sub, email, email_verified, name, picture } = id.payload;
  assert.deepEqual({ iss, aud, sub, email, email_verified, name, picture, nonce: id.payload.nonce }, { iss: P, aud: CLIENT, sub: "st-sub", email: "St@Example.com", email_verified: false, name: "Self Test", picture: "https://p.example/x.png", nonce });
  assert.ok(id.payload.exp > Date.now() / 1000 + 3000);
  const log = (await admin("requests")).body.at(-1);
  assert.deepEqual([log.client_auth, log.client_id, log.code_verifier_valid], ["client_secret_basic", CLIENT, true]);
});

await check("redirect_uri mismatch / other client -> invalid_grant", async () => {
  const c1 = await codeFor();
  assert.equal((await token({ grant_type: "authorization_code", code: c1, redirect_uri: REDIRECT + "x", client_id: CLIENT })).body.error, "invalid_grant");
  const c2 = await codeFor();
  assert.equal((await token({ grant_type: "authorization_code", code: c2, redirect_uri: REDIRECT, client_id: "other" })).body.error, "invalid_grant");
});

await check("no openid scope -> no id_token", async () => {
  const code = await codeFor({ scope: "read:user user:email" });
  const t = await token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: CLIENT });
  assert.equal(t.status, 200);
  assert.equal(t.body.id_token, undefined);
  assert.equal(t.body.scope, "read:user user:email");
});

await check("userinfo / github API: Bearer required; shapes", async () => {
  const auth = { authorization: `Bearer ${tokens.access_token}` };
  assert.equal((await fetch(`${P}/userinfo`)).status, 401);
  const ui = await json(await fetch(`${P}/userinfo`, { headers: auth }));
  assert.deepEqual(ui.body, { sub: "st-sub", email: "St@Example.com", email_verified: false, name: "Self Test", picture: "https://p.example/x.png" });
  assert.equal((await fetch(`${P}/github/user`)).status, 401);
  const gu = (await json(await fetch(`${P}/github/user`, { headers: auth }))).body;
  assert.ok(Number.isSafeInteger(gu.id) && gu.email === null && gu.avatar_url === "https://p.example/x.png" && gu.name === "Self Test" && typeof gu.login === "string");
  const ge = (await json(await fetch(`${P}/github/user/emails`, { headers: auth }))).body;
  assert.deepEqual(ge.map((e) => [e.primary, e.verified]), [[true, false], [false, false]]);
  assert.equal(ge[0].email, "St@Example.com");
});

await check("refresh_token grant rotates; old refresh token refused; TTL honoured", async () => {
  await admin("access-token-ttl", { seconds: 7 });
  const r = await token({ grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: CLIENT, client_secret: "s" });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.expires_in, 7);
  assert.notEqual(r.body.refresh_token, tokens.refresh_token);
  assert.notEqual(r.body.access_token, tokens.access_token);
  assert.equal(decode(r.body.id_token).payload.nonce, undefined, "no nonce on refresh");
  const old = await token({ grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: CLIENT });
  assert.deepEqual([old.status, old.body.error], [400, "invalid_grant"]);
  await admin("refresh-rotation", { rotate: false });
  const r2 = await token({ grant_type: "refresh_token", refresh_token: r.body.refresh_token, client_id: CLIENT });
  assert.equal(r2.body.refresh_token, undefined, "no new refresh token without rotation");
  assert.equal((await token({ grant_type: "refresh_token", refresh_token: r.body.refresh_token, client_id: CLIENT })).status, 200, "old one still valid");
  assert.equal((await admin("requests")).body.at(-1).client_auth, "none");
});

await check("expired access token -> 401 at /userinfo", async () => {
  await admin("access-token-ttl", { seconds: 1 });
  const code = await codeFor();
  const t = await token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: CLIENT });
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal((await fetch(`${P}/userinfo`, { headers: { authorization: `Bearer ${t.body.access_token}` } })).status, 401);
});

await check("next-authorize error -> ?error&error_description&state, no code; only once", async () => {
  await admin("next-authorize", { error: "access_denied", error_description: "nope" });
  const a = await authorize({ state: "s9" });
  const q = Object.fromEntries(a.location.searchParams);
  assert.deepEqual(q, { error: "access_denied", error_description: "nope", state: "s9" });
  assert.ok((await authorize({ state: "s9" })).location.searchParams.get("code"));
});

await check("next-id-token tampering applies to the next id_token only", async () => {
  await admin("next-id-token", { nonce: "evil", aud: "x", exp_offset_seconds: -100 });
  const c1 = await codeFor({ nonce: "good" });
  const t1 = decode((await token({ grant_type: "authorization_code", code: c1, redirect_uri: REDIRECT, client_id: CLIENT })).body.id_token).payload;
  assert.deepEqual([t1.nonce, t1.aud, t1.exp < Date.now() / 1000], ["evil", "x", true]);
  const c2 = await codeFor({ nonce: "good" });
  const t2 = decode((await token({ grant_type: "authorization_code", code: c2, redirect_uri: REDIRECT, client_id: CLIENT })).body.id_token).payload;
  assert.deepEqual([t2.nonce, t2.aud], ["good", CLIENT]);
});

await check("reset -> default identity, TTL 3600, empty logs", async () => {
  await admin("reset", {});
  const s = (await admin("state")).body;
  assert.equal(s.identity.sub, "mock-user-0001");
  assert.equal(s.accessTokenTtl, 3600);
  assert.equal((await admin("requests")).body.length, 0);
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
