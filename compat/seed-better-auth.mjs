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

const db = await createPool(databaseUrl);
let exitCode = 0;
try {
  const options = authOptions({ database: db.pool, secret, baseURL });

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
  emit({ email, password, userId: body.user.id, sessionToken: body.token, cookie });
} catch (err) {
  console.error("[seed] error:", err);
  exitCode = 1;
} finally {
  await db.close().catch(() => {});
}
process.exit(exitCode);
