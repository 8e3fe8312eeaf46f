// Reference server: a REAL Better Auth 1.7.25 instance on node:http.
//
// It exists to prove that client-flow.mjs (and the other scripts) encode the
// behaviour of genuine Better Auth, so that when they run against our Rust
// server a failure means "the Rust server differs", not "the harness is wrong".
//
// Env:
//   PORT                listen port (default 8123), bound to 127.0.0.1
//   DATABASE_URL        postgres://... (an EMPTY or already-migrated database;
//                       mysql:// also works since ba-options.mjs supports it)
//   BETTER_AUTH_SECRET  signing secret (>= 32 chars recommended)
//   BETTER_AUTH_URL     public origin, e.g. http://127.0.0.1:8123 — must equal the
//                       BASE_URL given to client-flow.mjs: it is the (only)
//                       trusted origin for the Origin/CSRF check.
//
// Optional e-mail mode (see lib/email-options.mjs and lib/outbox.mjs):
//   MAIL_OUTBOX_DIR     when set, Better Auth is configured with email verification
//                       (sendOnSignUp, autoSignInAfterVerification), password reset
//                       (revokeSessionsOnPasswordReset), change-email with confirmation,
//                       delete-user with a verification mail and the emailOTP plugin
//                       (storeOTP "hashed"); every mail becomes one JSON file there.
//                       Without it the server is configured exactly as before.
//   MAIL_THROW          a regular expression: mails to a matching address make the
//                       sender callback fail instead (failure-mode observations)
//   MAIL_THROW_MODE     "async" (default; rejected promise) or "sync" (throws)
//   MAIL_CALLBACK_LOG   file: one JSON line per sender callback invocation
//
// Optional social-login mode (see lib/social-options.mjs and oauth-provider.mjs):
//   OAUTH_PROVIDER_URL  when set (e.g. http://127.0.0.1:18200, a running
//                       oauth-provider.mjs), adds the generic OIDC provider
//                       "mock-oidc" (genericOAuth plugin, discovery, PKCE, scopes
//                       openid email profile), the built-in "github" provider with
//                       its server-side fetches redirected to the mock, and
//                       account.accountLinking {enabled, trustedProviders:["mock-oidc"]}.
//                       Without it the server is configured exactly as before.
//   OAUTH_ENCRYPT_TOKENS=1   also account.encryptOAuthTokens: true
//   OAUTH_GITHUB=0           leave the github provider out
//   OAUTH_CLIENT_ID / OAUTH_CLIENT_SECRET   mock-oidc client (default mock-oidc-client / mock-oidc-secret)
//
// Optional organization mode (see lib/org-options.mjs):
//   ORG=1               adds the organization plugin with teams and dynamic access
//                       control (ac = createAccessControl(defaultStatements), the
//                       default roles owner/admin/member); with MAIL_OUTBOX_DIR also
//                       sendInvitationEmail (outbox kind "invitation", accept link
//                       ${origin of BETTER_AUTH_URL}/accept-invitation/<id>); with
//                       MAIL_CALLBACK_LOG each invitation callback is logged too.
//                       Adds tables (organization, member, invitation, team,
//                       teamMember, organizationRole) and session columns.
//                       Without it the server is configured exactly as before.
//
// Optional cookie-cache mode:
//   COOKIE_CACHE=1      session.cookieCache {enabled:true, maxAge:300, strategy:"compact"}
//                       (cookie better-auth.session_data, see COOKIE-CACHE-OBSERVATIONS.md
//                       and check-cookie-cache.mjs). COOKIE_CACHE_MAX_AGE overrides 300.
//                       No schema change. Without it the server is configured exactly as before.
//
// Run it with NODE_ENV=development (or unset): under NODE_ENV=test Better Auth
// silently disables its origin checks, which would hide CSRF behaviour.
//
// Prints "listening on <url>" on stdout once migrations ran and the port is bound.

import http from "node:http";
import { betterAuth } from "better-auth";
import { toNodeHandler } from "better-auth/node";
// NB: getMigrations is exported from "better-auth/db/migration" in 1.7.25
// (package.json "exports"); "better-auth/db" does not re-export it.
import { getMigrations } from "better-auth/db/migration";
import { authOptions, createPool, requireEnv, withCookieCacheOptions } from "./ba-options.mjs";

const port = Number(process.env.PORT || 8123);
const databaseUrl = requireEnv("DATABASE_URL");
const secret = requireEnv("BETTER_AUTH_SECRET");
const baseURL = requireEnv("BETTER_AUTH_URL");

if (process.env.NODE_ENV === "test") {
  console.error("warning: NODE_ENV=test disables Better Auth's origin/CSRF checks");
}

const db = await createPool(databaseUrl);
let options = authOptions({ database: db.pool, secret, baseURL });
if (process.env.MAIL_OUTBOX_DIR) {
  const { withEmailOptions } = await import("./lib/email-options.mjs");
  options = withEmailOptions(options, {
    outboxDir: process.env.MAIL_OUTBOX_DIR,
    throwMatch: process.env.MAIL_THROW ? new RegExp(process.env.MAIL_THROW, "i") : null,
    throwMode: process.env.MAIL_THROW_MODE || "async",
    callbackLog: process.env.MAIL_CALLBACK_LOG || null,
  });
  console.error(`mail outbox: ${process.env.MAIL_OUTBOX_DIR}`);
}

if (process.env.OAUTH_PROVIDER_URL) {
  const { withSocialOptions, DEFAULT_OIDC_CLIENT } = await import("./lib/social-options.mjs");
  options = withSocialOptions(options, {
    providerUrl: process.env.OAUTH_PROVIDER_URL,
    encryptTokens: process.env.OAUTH_ENCRYPT_TOKENS === "1",
    github: process.env.OAUTH_GITHUB !== "0",
    oidcClient: {
      clientId: process.env.OAUTH_CLIENT_ID || DEFAULT_OIDC_CLIENT.clientId,
      clientSecret: process.env.OAUTH_CLIENT_SECRET || DEFAULT_OIDC_CLIENT.clientSecret,
    },
  });
  console.error(
    `oauth provider: ${process.env.OAUTH_PROVIDER_URL}` +
      (process.env.OAUTH_ENCRYPT_TOKENS === "1" ? " (encryptOAuthTokens)" : ""),
  );
}

if (process.env.ORG === "1") {
  const { withOrgOptions } = await import("./lib/org-options.mjs");
  options = withOrgOptions(options, {
    baseURL,
    outboxDir: process.env.MAIL_OUTBOX_DIR || null,
    callbackLog: process.env.MAIL_CALLBACK_LOG || null,
  });
  console.error(`organization plugin: teams, dynamic access control${process.env.MAIL_OUTBOX_DIR ? ", invitation mails" : ""}`);
}

if (process.env.COOKIE_CACHE === "1") {
  const maxAge = Number(process.env.COOKIE_CACHE_MAX_AGE || 300);
  options = withCookieCacheOptions(options, { maxAge });
  console.error(`session cookie cache: compact, maxAge ${maxAge}s`);
}

// Create/upgrade Better Auth's own schema exactly like `npx @better-auth/cli migrate`.
const migrations = await getMigrations(options);
if (migrations.toBeCreated.length || migrations.toBeAdded.length) {
  console.error(
    `migrating: create [${migrations.toBeCreated.map((t) => t.table).join(", ")}]` +
      ` alter [${migrations.toBeAdded.map((t) => t.table).join(", ")}]`,
  );
}
await migrations.runMigrations();

const auth = betterAuth(options);
const handler = toNodeHandler(auth);

const server = http.createServer((req, res) => {
  // Only the auth API is served; everything else is a plain 404 so that probes
  // outside /api/auth don't accidentally hit Better Auth's own 404 logic.
  if (req.url && req.url.startsWith("/api/auth")) return handler(req, res);
  res.writeHead(404, { "content-type": "text/plain" }).end("not found");
});

server.listen(port, "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${port}`);
});

// Clean shutdown so the pg pool does not keep the process alive.
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    server.close();
    db.close().finally(() => process.exit(0));
  });
}
