// Shared Better Auth configuration for reference-server.mjs and seed-better-auth.mjs.
//
// Both scripts must build *exactly* the same options object: the schema that
// Better Auth's migration creates depends on the options (plugins, additional
// fields, id generation...). If the seed script and the reference server
// disagreed, a database seeded by one would not match what the other expects.
//
// Options (kept deliberately close to a "typical" Better Auth deployment):
//   - emailAndPassword enabled (default min/max password length 8/128)
//   - bearer plugin (adds `set-auth-token` response header, accepts
//     `Authorization: Bearer`; it adds no tables or columns)
//   - user.deleteUser.enabled = true (otherwise POST /delete-user is a 404)
//   - telemetry explicitly off (it is off by default; this makes sure the
//     library never tries to reach the network)

import { bearer } from "better-auth/plugins";

/**
 * Create a connection pool object that Better Auth's built-in Kysely adapter
 * recognises (it sniffs the object: `getConnection` => MySQL, `connect` =>
 * Postgres).
 *
 * @param {string} databaseUrl postgres://... / postgresql://... / mysql://... / mariadb://...
 * @returns {Promise<{ pool: any, kind: "postgres" | "mysql", close: () => Promise<void> }>}
 */
export async function createPool(databaseUrl) {
  if (!databaseUrl) throw new Error("DATABASE_URL is required");
  const scheme = new URL(databaseUrl).protocol.replace(/:$/, "");
  if (scheme === "postgres" || scheme === "postgresql") {
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 5 });
    return { pool, kind: "postgres", close: () => pool.end() };
  }
  if (scheme === "mysql" || scheme === "mariadb") {
    // Better Auth's docs use the *promise* pool from "mysql2/promise": Kysely's
    // MysqlDialect is constructed with this object as its config and reads its
    // `.pool` property (the underlying callback pool).
    const { createPool: createMysqlPool } = await import("mysql2/promise");
    const url = new URL(databaseUrl);
    url.protocol = "mysql:"; // mysql2 only understands mysql://
    const pool = createMysqlPool({
      uri: url.toString(),
      // DATETIME columns carry no zone. mysql2 converts JS Dates using the
      // connection `timezone` (default "local"). Pin it to UTC so the stored
      // wall-clock values are UTC regardless of the TZ of the machine that
      // runs this script (this machine is UTC anyway, so it is also what a
      // default-configured deployment here would write).
      timezone: "Z",
      connectionLimit: 5,
    });
    return { pool, kind: "mysql", close: () => pool.end() };
  }
  throw new Error(`unsupported DATABASE_URL scheme "${scheme}" (want postgres:// or mysql://)`);
}

/**
 * Better Auth options shared by all scripts.
 * @param {{ database: any, secret?: string, baseURL?: string }} p
 */
export function authOptions({ database, secret, baseURL }) {
  return {
    database,
    // Better Auth would also read BETTER_AUTH_SECRET / BETTER_AUTH_URL from the
    // environment itself; passing them explicitly makes the dependency visible.
    secret,
    baseURL,
    emailAndPassword: { enabled: true },
    user: { deleteUser: { enabled: true } },
    plugins: [bearer()],
    telemetry: { enabled: false },
  };
}

/**
 * Cookie-cache mode (reference-server.mjs with COOKIE_CACHE=1): Better Auth's
 * session cookie cache, compact strategy, 300 s. It adds no table or column,
 * so seeded databases stay compatible. Returns a new options object; the input
 * is not modified.
 * @param {object} options result of authOptions()
 * @param {{ maxAge?: number }} [p]
 */
export function withCookieCacheOptions(options, { maxAge = 300 } = {}) {
  return {
    ...options,
    session: {
      ...options.session,
      cookieCache: { enabled: true, maxAge, strategy: "compact" },
    },
  };
}

/** Read a required environment variable or exit with a clear message. */
export function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`error: environment variable ${name} is required`);
    process.exit(2);
  }
  return value;
}
