// oauth-provider.mjs — a real OAuth 2.0 / OpenID Connect provider for tests,
// built on the npm package `oauth2-mock-server` (pinned 8.2.3: the newest line
// that supports Node 20; 9.x requires Node >= 22.12).
//
// Usage:  PORT=18200 node oauth-provider.mjs
//         -> prints "listening on http://127.0.0.1:18200" on stdout when ready
//
// Issuer: http://127.0.0.1:<PORT> (exactly; no trailing slash). Any client_id /
// client_secret is accepted (the token endpoint records how the client
// authenticated); consent is automatic (no UI).
//
// Endpoints
//   GET  /.well-known/openid-configuration   discovery (served here; see below)
//   GET  /jwks                               RS256 public key (oauth2-mock-server)
//   GET  /authorize                          authorization-code flow, auto-approved;
//        needs response_type=code, client_id, redirect_uri; honours state, nonce,
//        scope, code_challenge + code_challenge_method (S256 | plain)
//   POST /token                              grant_type authorization_code | refresh_token;
//        client auth client_secret_basic, client_secret_post or none (recorded);
//        codes are single-use and bound to client_id, redirect_uri and the PKCE
//        challenge (a code issued with a challenge REQUIRES a matching code_verifier);
//        refresh tokens rotate (a new one each time, the old one stops working).
//        Response: {access_token (RS256 JWT), token_type:"Bearer", expires_in, scope,
//        refresh_token, id_token (only when the scope contains "openid")}.
//        id_token claims: iss, sub, aud=client_id, exp, iat, nbf, email,
//        email_verified, name, picture, nonce (from /authorize), jti.
//   GET  /userinfo                           {sub,email,email_verified,name,picture}; Bearer
//   POST /revoke, GET /endsession, POST /introspect   as in oauth2-mock-server
//   GET  /github/user                        GitHub-shaped user (email: null); Bearer
//   GET  /github/user/emails                 [{email,primary,verified,visibility}, ...]
//
// Admin API (JSON in, JSON out):
//   POST /__admin/next-user        {sub,email,email_verified,name,picture,github_id?,login?}
//        identity for subsequent authorizations (missing keys take the default user's values)
//   POST /__admin/next-authorize   {error, error_description?} -> the NEXT /authorize
//        redirects back with ?error=...&error_description=...&state=... instead of a code;
//        {iss: "..."} (alone or with error) adds an RFC 9207 `iss` parameter to the next redirect
//   POST /__admin/next-id-token    {nonce?, aud?, iss?, exp_offset_seconds?, sub?}
//        tampers the NEXT issued id_token (exp = now + exp_offset_seconds)
//   POST /__admin/access-token-ttl {seconds}   expires_in (and JWT exp) of access tokens
//   POST /__admin/refresh-rotation {rotate: false}  refresh grant returns no new
//        refresh_token and the old one stays valid (default true: rotate)
//   GET  /__admin/requests         token-endpoint log, oldest first (see logToken())
//   GET  /__admin/authorize-requests   /authorize log
//   GET  /__admin/api-requests     /userinfo and /github/* log
//   POST /__admin/reset            everything back to the start state
//
// Discovery is generated here rather than by oauth2-mock-server because the
// library's document advertises token_endpoint_auth_methods_supported ["none"]
// and no refresh_token grant; the endpoints themselves are the library's.

import http from "node:http";
import { createHash, randomUUID } from "node:crypto";
import { OAuth2Issuer, OAuth2Service } from "oauth2-mock-server";

const port = Number(process.env.PORT || 18200);
const ISSUER = `http://127.0.0.1:${port}`;

const DEFAULT_USER = Object.freeze({
  sub: "mock-user-0001",
  email: "mock.user@example.com",
  email_verified: true,
  name: "Mock User",
  picture: "https://avatars.example.com/mock-user.png",
});

// ------------------------------------------------------------------ state
let state;
function resetState() {
  state = {
    identity: { ...DEFAULT_USER },
    nextAuthorize: null, // {error?, error_description?, iss?}
    nextIdToken: null, // {nonce?, aud?, iss?, exp_offset_seconds?, sub?}
    accessTokenTtl: 3600,
    rotateRefreshTokens: true,
    codes: new Map(), // code -> {identity, clientId, redirectUri, scope, nonce, challenge, method, used}
    refreshTokens: new Map(), // rt -> {identity, clientId, scope}
    accessTokens: new Map(), // at -> {identity, clientId, scope, expiresAt(ms)}
    tokenLog: [],
    authorizeLog: [],
    apiLog: [],
  };
}
resetState();

/** Stable positive integer (< 2^48) for a GitHub-style numeric id. */
function numericId(sub) {
  return parseInt(createHash("sha256").update(String(sub)).digest("hex").slice(0, 12), 16);
}

function githubUser(identity) {
  const id = identity.github_id ?? numericId(identity.sub);
  const login = identity.login ?? String(identity.email || identity.sub).split("@")[0].replace(/[^A-Za-z0-9-]/g, "-");
  return {
    login,
    id,
    node_id: Buffer.from(`04:User${id}`).toString("base64"),
    avatar_url: identity.picture ?? null,
    gravatar_id: "",
    url: `${ISSUER}/github/users/${login}`,
    html_url: `${ISSUER}/github/${login}`,
    type: "User",
    site_admin: false,
    name: identity.name ?? null,
    company: null,
    blog: "",
    location: null,
    email: null, // like a GitHub user whose email is private
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: "2020-01-01T00:00:00Z",
    updated_at: "2020-01-01T00:00:00Z",
  };
}

function githubEmails(identity) {
  const local = String(identity.email || identity.sub).split("@")[0];
  return [
    { email: identity.email, primary: true, verified: identity.email_verified !== false, visibility: "private" },
    { email: `${local}+secondary@users.noreply.example.com`, primary: false, verified: false, visibility: null },
  ];
}

// ------------------------------------------------------- oauth2-mock-server
const issuer = new OAuth2Issuer();
issuer.url = ISSUER; // set before use: the library would otherwise derive "http://localhost:<port>"
await issuer.keys.generate("RS256", { kid: "mock-rs256-1" });
const service = new OAuth2Service(issuer);

// The library's token handler builds two JWTs per code/refresh grant: the
// access token (its payload has a `scope` key) and the id_token (no `scope`).
service.on("beforeTokenSigning", (token, req) => {
  const ctx = req.mock;
  if (!ctx) return;
  const p = token.payload;
  const now = Math.floor(Date.now() / 1000);
  if ("scope" in p) {
    Object.assign(p, { sub: ctx.identity.sub, scope: ctx.scope, client_id: ctx.clientId, jti: randomUUID() });
    p.exp = now + state.accessTokenTtl;
    p.iat = now;
    return;
  }
  // id_token
  Object.assign(p, {
    sub: ctx.identity.sub,
    aud: ctx.clientId,
    email: ctx.identity.email,
    email_verified: ctx.identity.email_verified,
    name: ctx.identity.name,
    picture: ctx.identity.picture,
    jti: randomUUID(),
  });
  delete p.amr;
  delete p.nonce;
  if (ctx.nonce !== undefined) p.nonce = ctx.nonce;
  p.iat = now;
  p.auth_time = now;
  if (ctx.wantsIdToken && state.nextIdToken) {
    const t = state.nextIdToken;
    state.nextIdToken = null;
    ctx.tampered = t;
    if (t.nonce !== undefined) p.nonce = t.nonce;
    if (t.aud !== undefined) p.aud = t.aud;
    if (t.iss !== undefined) p.iss = t.iss;
    if (t.sub !== undefined) p.sub = t.sub;
    if (t.exp_offset_seconds !== undefined) {
      p.exp = now + Number(t.exp_offset_seconds);
      if (p.exp <= now) {
        p.iat = p.exp - 3600;
        p.nbf = p.iat - 10;
        p.auth_time = p.iat;
      }
    }
  }
});

service.on("beforeResponse", (response, req) => {
  const ctx = req.mock;
  if (!ctx || response.statusCode !== 200) return;
  const body = response.body;
  body.expires_in = state.accessTokenTtl;
  body.scope = ctx.scope;
  if (!ctx.wantsIdToken) delete body.id_token;
  if (ctx.grant === "refresh_token" && !state.rotateRefreshTokens) delete body.refresh_token;
  state.accessTokens.set(body.access_token, {
    identity: ctx.identity,
    clientId: ctx.clientId,
    scope: ctx.scope,
    expiresAt: Date.now() + state.accessTokenTtl * 1000,
  });
  if (body.refresh_token) {
    if (ctx.grant === "refresh_token") state.refreshTokens.delete(ctx.usedRefreshToken);
    state.refreshTokens.set(body.refresh_token, { identity: ctx.identity, clientId: ctx.clientId, scope: ctx.scope });
  }
  ctx.logEntry.issued = {
    access_token: body.access_token,
    refresh_token: body.refresh_token ?? null,
    id_token: body.id_token ?? null,
    expires_in: body.expires_in,
    scope: body.scope,
    id_token_tampered: ctx.tampered ?? null,
  };
});

service.on("beforeUserinfo", (response, req) => {
  const found = bearer(req);
  logApi(req, found);
  if (!found) {
    response.statusCode = 401;
    response.body = { error: "invalid_token", error_description: "missing, unknown or expired access token" };
    return;
  }
  const { identity } = found;
  response.body = {
    sub: identity.sub,
    email: identity.email,
    email_verified: identity.email_verified,
    name: identity.name,
    picture: identity.picture,
  };
});

// The library redirects back with ?code=<uuid>&state=...; remember what the
// code is bound to, or turn the redirect into an error response.
service.on("beforeAuthorizeRedirect", (redirect, req) => {
  const url = redirect.url;
  const code = url.searchParams.get("code");
  const q = new URL(req.url, ISSUER).searchParams;
  const entry = req.mockAuthorizeLog;
  const next = state.nextAuthorize;
  state.nextAuthorize = null;
  if (next?.iss !== undefined) url.searchParams.set("iss", next.iss);
  if (next?.error) {
    url.searchParams.delete("code");
    url.searchParams.set("error", next.error);
    if (next.error_description !== undefined) url.searchParams.set("error_description", next.error_description);
    // keep `state` where the library put it, but move it after error params like real providers do
    const st = url.searchParams.get("state");
    if (st !== null) {
      url.searchParams.delete("state");
      url.searchParams.set("state", st);
    }
    if (entry) entry.result = { error: next.error };
    return;
  }
  if (code) {
    state.codes.set(code, {
      identity: { ...state.identity },
      clientId: q.get("client_id"),
      redirectUri: q.get("redirect_uri"),
      scope: q.get("scope") ?? "",
      nonce: q.get("nonce") ?? undefined,
      challenge: q.get("code_challenge") ?? undefined,
      method: q.get("code_challenge") ? q.get("code_challenge_method") ?? "plain" : undefined,
      used: false,
    });
    if (entry) entry.result = { code, sub: state.identity.sub };
  }
});

// ---------------------------------------------------------------- helpers
function bearer(req) {
  const h = req.headers.authorization || "";
  const m = /^(?:Bearer|token)\s+(.+)$/i.exec(h);
  if (!m) return null;
  const t = state.accessTokens.get(m[1].trim());
  if (!t || t.expiresAt <= Date.now()) return null;
  return t;
}

function logApi(req, found) {
  state.apiLog.push({
    at: new Date().toISOString(),
    method: req.method,
    path: new URL(req.url, ISSUER).pathname,
    authorization: req.headers.authorization ? req.headers.authorization.split(" ")[0] : null,
    token_valid: Boolean(found),
    user_agent: req.headers["user-agent"] ?? null,
  });
}

function sendJson(res, status, body, extra = {}) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...extra });
  res.end(JSON.stringify(body));
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString("utf8");
}

async function readJson(req) {
  const text = await readBody(req);
  if (!text.trim()) return {};
  return JSON.parse(text);
}

/** RFC 6749 §2.3.1: client_id and secret are form-urlencoded inside Basic. */
function basicCredentials(req) {
  const h = req.headers.authorization || "";
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(h.trim());
  if (!m) return null;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const i = decoded.indexOf(":");
  if (i < 0) return null;
  const dec = (s) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, " "));
    } catch {
      return s;
    }
  };
  return { id: dec(decoded.slice(0, i)), secret: dec(decoded.slice(i + 1)) };
}

function pkceMatches(verifier, challenge, method) {
  if (method === "plain") return verifier === challenge;
  return createHash("sha256").update(verifier, "ascii").digest("base64url") === challenge;
}

// ---------------------------------------------------------- token endpoint
// Validates everything oauth2-mock-server does not (code existence and single
// use, client and redirect_uri binding, mandatory PKCE verifier, refresh token
// existence), logs the request, then hands it to the library's token handler
// with the parsed body (body-parser skips a request whose stream was consumed).
async function handleToken(req, res) {
  const raw = await readBody(req);
  const ct = (req.headers["content-type"] || "").split(";")[0].trim().toLowerCase();
  let params;
  if (ct === "application/json") {
    try {
      params = JSON.parse(raw || "{}");
    } catch {
      params = {};
    }
  } else params = Object.fromEntries(new URLSearchParams(raw));
  const basic = basicCredentials(req);
  const clientAuth = basic ? "client_secret_basic" : params.client_secret !== undefined ? "client_secret_post" : "none";
  const clientId = basic ? basic.id : params.client_id;
  const entry = {
    at: new Date().toISOString(),
    grant_type: params.grant_type ?? null,
    content_type: req.headers["content-type"] ?? null,
    accept: req.headers.accept ?? null,
    client_auth: clientAuth,
    client_id: clientId ?? null,
    client_id_in_body: params.client_id !== undefined,
    client_secret_present: Boolean(basic?.secret ?? params.client_secret),
    body_keys: Object.keys(params),
    redirect_uri: params.redirect_uri ?? null,
    scope_param: params.scope ?? null,
    code_verifier_present: params.code_verifier !== undefined,
    code_verifier_length: params.code_verifier !== undefined ? String(params.code_verifier).length : null,
    code_verifier_valid: null,
    refresh_token: params.refresh_token ?? null,
    status: null,
    error: null,
    issued: null,
  };
  state.tokenLog.push(entry);
  const fail = (status, error, description) => {
    entry.status = status;
    entry.error = error;
    entry.error_description = description;
    sendJson(res, status, { error, error_description: description }, { pragma: "no-cache" });
  };

  if (!clientId) return fail(401, "invalid_client", "client authentication failed: no client_id");
  const ctx = { grant: params.grant_type, clientId, logEntry: entry };
  if (params.grant_type === "authorization_code") {
    const code = params.code;
    const rec = typeof code === "string" ? state.codes.get(code) : undefined;
    if (rec?.challenge) {
      entry.code_verifier_valid =
        params.code_verifier !== undefined && pkceMatches(String(params.code_verifier), rec.challenge, rec.method);
    }
    if (!rec) return fail(400, "invalid_grant", "unknown authorization code");
    if (rec.used) return fail(400, "invalid_grant", "authorization code already used");
    rec.used = true; // single use, even when the exchange fails below
    if (rec.clientId !== clientId) return fail(400, "invalid_grant", "code was issued to another client");
    if (rec.redirectUri !== params.redirect_uri) return fail(400, "invalid_grant", "redirect_uri does not match the authorization request");
    if (rec.challenge) {
      if (params.code_verifier === undefined) return fail(400, "invalid_grant", "code_verifier required (PKCE)");
      if (!entry.code_verifier_valid) return fail(400, "invalid_grant", "code_verifier does not match code_challenge");
    } else if (params.code_verifier !== undefined) {
      return fail(400, "invalid_grant", "code_verifier sent but no code_challenge was given at /authorize");
    }
    Object.assign(ctx, { identity: rec.identity, scope: rec.scope, nonce: rec.nonce });
  } else if (params.grant_type === "refresh_token") {
    const rec = typeof params.refresh_token === "string" ? state.refreshTokens.get(params.refresh_token) : undefined;
    if (!rec) return fail(400, "invalid_grant", "unknown or revoked refresh token");
    if (rec.clientId !== clientId) return fail(400, "invalid_grant", "refresh token was issued to another client");
    Object.assign(ctx, { identity: rec.identity, scope: rec.scope, nonce: undefined, usedRefreshToken: params.refresh_token });
  } else {
    return fail(400, "unsupported_grant_type", `grant_type ${params.grant_type} is not supported by this mock`);
  }
  ctx.wantsIdToken = String(ctx.scope).split(/\s+/).includes("openid");
  req.mock = ctx;
  // Hand over to oauth2-mock-server: keep only what it understands.
  const body = { grant_type: params.grant_type };
  if (params.code !== undefined) body.code = params.code;
  if (params.code_verifier !== undefined) body.code_verifier = params.code_verifier;
  if (params.refresh_token !== undefined) body.refresh_token = params.refresh_token;
  body.client_id = clientId;
  req.body = body;
  const origEnd = res.end.bind(res);
  res.end = (...args) => {
    entry.status = res.statusCode;
    return origEnd(...args);
  };
  service.requestHandler(req, res);
}

function discovery() {
  const u = (p) => `${ISSUER}${p}`;
  return {
    issuer: ISSUER,
    authorization_endpoint: u("/authorize"),
    token_endpoint: u("/token"),
    userinfo_endpoint: u("/userinfo"),
    jwks_uri: u("/jwks"),
    revocation_endpoint: u("/revoke"),
    end_session_endpoint: u("/endsession"),
    introspection_endpoint: u("/introspect"),
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
    code_challenge_methods_supported: ["S256", "plain"],
    scopes_supported: ["openid", "email", "profile", "offline_access"],
    claims_supported: ["iss", "sub", "aud", "exp", "iat", "nonce", "email", "email_verified", "name", "picture"],
  };
}

// ------------------------------------------------------------- admin API
const IDENTITY_KEYS = ["sub", "email", "email_verified", "name", "picture", "github_id", "login"];

async function handleAdmin(req, res, path) {
  if (req.method === "GET") {
    if (path === "/__admin/requests") return sendJson(res, 200, state.tokenLog);
    if (path === "/__admin/authorize-requests") return sendJson(res, 200, state.authorizeLog);
    if (path === "/__admin/api-requests") return sendJson(res, 200, state.apiLog);
    if (path === "/__admin/state")
      return sendJson(res, 200, {
        identity: state.identity,
        nextAuthorize: state.nextAuthorize,
        nextIdToken: state.nextIdToken,
        accessTokenTtl: state.accessTokenTtl,
        rotateRefreshTokens: state.rotateRefreshTokens,
      });
    return sendJson(res, 404, { error: "not_found" });
  }
  if (req.method !== "POST") return sendJson(res, 405, { error: "method_not_allowed" });
  let body;
  try {
    body = await readJson(req);
  } catch (e) {
    return sendJson(res, 400, { error: "invalid_json", error_description: e.message });
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) return sendJson(res, 400, { error: "body must be a JSON object" });
  switch (path) {
    case "/__admin/next-user": {
      const identity = { ...DEFAULT_USER };
      for (const k of IDENTITY_KEYS) if (body[k] !== undefined) identity[k] = body[k];
      state.identity = identity;
      return sendJson(res, 200, { ok: true, identity });
    }
    case "/__admin/next-authorize": {
      if (body.error === undefined && body.iss === undefined) return sendJson(res, 400, { error: "give error and/or iss" });
      state.nextAuthorize = { error: body.error, error_description: body.error_description, iss: body.iss };
      return sendJson(res, 200, { ok: true, nextAuthorize: state.nextAuthorize });
    }
    case "/__admin/next-id-token": {
      const t = {};
      for (const k of ["nonce", "aud", "iss", "sub", "exp_offset_seconds"]) if (body[k] !== undefined) t[k] = body[k];
      state.nextIdToken = t;
      return sendJson(res, 200, { ok: true, nextIdToken: t });
    }
    case "/__admin/access-token-ttl": {
      const s = Number(body.seconds);
      if (!Number.isFinite(s) || s < 0) return sendJson(res, 400, { error: "seconds must be a number >= 0" });
      state.accessTokenTtl = s;
      return sendJson(res, 200, { ok: true, seconds: s });
    }
    case "/__admin/refresh-rotation": {
      state.rotateRefreshTokens = body.rotate !== false;
      return sendJson(res, 200, { ok: true, rotate: state.rotateRefreshTokens });
    }
    case "/__admin/reset":
      resetState();
      return sendJson(res, 200, { ok: true });
    default:
      return sendJson(res, 404, { error: "not_found" });
  }
}

// ------------------------------------------------------------------ server
const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, ISSUER);
    const path = url.pathname;
    if (path.startsWith("/__admin/")) return await handleAdmin(req, res, path);
    if (path === "/.well-known/openid-configuration" && req.method === "GET") return sendJson(res, 200, discovery(), { "cache-control": "public, max-age=60" });
    if (path === "/token" && req.method === "POST") return await handleToken(req, res);
    if (path === "/authorize" && req.method === "GET") {
      const q = url.searchParams;
      const entry = {
        at: new Date().toISOString(),
        query: Object.fromEntries(q),
        result: null,
      };
      state.authorizeLog.push(entry);
      // Never redirect to an unverified redirect_uri (RFC 6749 §4.1.2.1).
      if (!q.get("redirect_uri") || !q.get("client_id")) {
        entry.result = { error: "invalid_request" };
        return sendJson(res, 400, { error: "invalid_request", error_description: "client_id and redirect_uri are required" });
      }
      if (q.get("response_type") !== "code") {
        entry.result = { error: "unsupported_response_type" };
      }
      req.mockAuthorizeLog = entry;
      return service.requestHandler(req, res);
    }
    if (path === "/github/user" || path === "/github/user/emails") {
      const found = bearer(req);
      logApi(req, found);
      if (req.method !== "GET") return sendJson(res, 404, { message: "Not Found" });
      if (!found)
        return sendJson(res, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" });
      return sendJson(res, 200, path === "/github/user" ? githubUser(found.identity) : githubEmails(found.identity));
    }
    return service.requestHandler(req, res);
  } catch (e) {
    console.error("oauth-provider error:", e);
    if (!res.headersSent) sendJson(res, 500, { error: "server_error", error_description: String(e?.message ?? e) });
    else res.end();
  }
});

server.listen(port, "127.0.0.1", () => {
  console.log(`listening on ${ISSUER}`);
});

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 1000).unref();
  });
}
