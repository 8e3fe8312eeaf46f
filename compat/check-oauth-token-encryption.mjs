// check-oauth-token-encryption.mjs — prove the stored format of OAuth tokens that
// Better Auth writes with `account.encryptOAuthTokens: true`, by decrypting the
// `account` rows with an implementation written from scratch here (SHA-256 key,
// HChaCha20 + node's IETF ChaCha20-Poly1305 = XChaCha20-Poly1305), i.e. the recipe a
// Rust implementation follows, and cross-checking with Better Auth's own
// symmetricDecrypt.
//
// Usage:
//   DATABASE_URL=postgres://... OAUTH_PROVIDER_URL=http://127.0.0.1:18200 \
//   BETTER_AUTH_SECRET=... [BETTER_AUTH_SECRETS="2:...,1:..."] \
//   EXPECT_FORMAT=hex|envelope  node check-oauth-token-encryption.mjs
//   FIXTURE=oauth-token-encryption-examples.json node check-oauth-token-encryption.mjs
//                                  (only decrypts the recorded examples; no DB/provider)
//
// Every non-credential account row must hold accessToken/refreshToken in the
// expected format that decrypt to tokens the provider really issued (provider's
// /__admin/requests log); idToken is stored in plain text. Prints one JSON line
// with a worked example (secret, plaintext, stored value) on stdout; exit 1 on
// any mismatch.
//
// Algorithm (better-auth/dist/crypto/index.mjs, rawEncrypt/rawDecrypt):
//   key        = SHA-256(UTF-8 bytes of the secret string)            (32 bytes)
//   nonce      = 24 random bytes (@noble/ciphers managedNonce)
//   ct || tag  = XChaCha20-Poly1305(key, nonce, UTF-8 plaintext, no AAD)   (tag 16 bytes)
//   stored     = lowercase hex(nonce || ct || tag)                       -- `secret` option / BETTER_AUTH_SECRET only
//   stored     = "$ba$" + <version> + "$" + hex(...)  with key = SHA-256(secrets[version])
//                                                                        -- when `secrets` / BETTER_AUTH_SECRETS is set
//   XChaCha20-Poly1305 = ChaCha20-Poly1305 (RFC 8439) with
//                        subkey = HChaCha20(key, nonce[0..16]), nonce12 = 0x00000000 || nonce[16..24]

import assert from "node:assert/strict";
import { createDecipheriv, createHash } from "node:crypto";
import pg from "pg";
import { symmetricDecrypt } from "better-auth/crypto";

const { DATABASE_URL, OAUTH_PROVIDER_URL, BETTER_AUTH_SECRET, BETTER_AUTH_SECRETS } = process.env;
const EXPECT = process.env.EXPECT_FORMAT || (BETTER_AUTH_SECRETS ? "envelope" : "hex");
if (!process.env.FIXTURE && (!DATABASE_URL || !OAUTH_PROVIDER_URL || !BETTER_AUTH_SECRET)) {
  console.error("error: DATABASE_URL, OAUTH_PROVIDER_URL and BETTER_AUTH_SECRET are required");
  process.exit(2);
}

// ---------------------------------------------------------- from scratch
const rotl = (v, n) => ((v << n) | (v >>> (32 - n))) >>> 0;
function quarter(s, a, b, c, d) {
  s[a] = (s[a] + s[b]) >>> 0; s[d] = rotl(s[d] ^ s[a], 16);
  s[c] = (s[c] + s[d]) >>> 0; s[b] = rotl(s[b] ^ s[c], 12);
  s[a] = (s[a] + s[b]) >>> 0; s[d] = rotl(s[d] ^ s[a], 8);
  s[c] = (s[c] + s[d]) >>> 0; s[b] = rotl(s[b] ^ s[c], 7);
}
/** HChaCha20 (draft-irtf-cfrg-xchacha §2.2): 32-byte key, 16-byte nonce -> 32-byte subkey. */
function hchacha20(key, nonce16) {
  const s = new Uint32Array(16);
  s.set([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]); // "expand 32-byte k"
  for (let i = 0; i < 8; i++) s[4 + i] = key.readUInt32LE(4 * i);
  for (let i = 0; i < 4; i++) s[12 + i] = nonce16.readUInt32LE(4 * i);
  for (let r = 0; r < 10; r++) {
    quarter(s, 0, 4, 8, 12); quarter(s, 1, 5, 9, 13); quarter(s, 2, 6, 10, 14); quarter(s, 3, 7, 11, 15);
    quarter(s, 0, 5, 10, 15); quarter(s, 1, 6, 11, 12); quarter(s, 2, 7, 8, 13); quarter(s, 3, 4, 9, 14);
  }
  const out = Buffer.alloc(32);
  [0, 1, 2, 3, 12, 13, 14, 15].forEach((w, i) => out.writeUInt32LE(s[w], 4 * i));
  return out;
}

function xchachaDecryptHex(secret, hex) {
  assert.match(hex, /^(?:[0-9a-f]{2})+$/, "ciphertext is lowercase hex");
  const key = createHash("sha256").update(secret, "utf8").digest();
  const buf = Buffer.from(hex, "hex");
  assert.ok(buf.length >= 24 + 16, "at least nonce + tag");
  const nonce = buf.subarray(0, 24);
  const tag = buf.subarray(buf.length - 16);
  const ct = buf.subarray(24, buf.length - 16);
  const subkey = hchacha20(key, nonce.subarray(0, 16));
  const nonce12 = Buffer.concat([Buffer.alloc(4), nonce.subarray(16, 24)]);
  const d = createDecipheriv("chacha20-poly1305", subkey, nonce12, { authTagLength: 16 });
  d.setAuthTag(tag);
  return Buffer.concat([d.update(ct), d.final()]).toString("utf8");
}

function secretsMap() {
  const m = new Map();
  if (BETTER_AUTH_SECRETS) {
    for (const entry of BETTER_AUTH_SECRETS.split(",")) {
      const i = entry.indexOf(":");
      m.set(Number(entry.slice(0, i).trim()), entry.slice(i + 1).trim());
    }
  }
  return m;
}

/** Decrypt a stored value the way a re-implementation would. */
function decryptStored(stored) {
  const env = /^\$ba\$(\d+)\$(.*)$/s.exec(stored);
  if (env) {
    const secret = secretsMap().get(Number(env[1]));
    assert.ok(secret, `no secret for envelope version ${env[1]}`);
    return { format: "envelope", version: Number(env[1]), secret, plaintext: xchachaDecryptHex(secret, env[2]) };
  }
  return { format: "hex", secret: BETTER_AUTH_SECRET, plaintext: xchachaDecryptHex(BETTER_AUTH_SECRET, stored) };
}

/** Better Auth's own view (key = secret string, or the rotation config). */
async function betterAuthDecrypt(stored) {
  if (!BETTER_AUTH_SECRETS) return symmetricDecrypt({ key: BETTER_AUTH_SECRET, data: stored });
  const keys = secretsMap();
  return symmetricDecrypt({ key: { keys, currentVersion: [...keys.keys()][0], legacySecret: BETTER_AUTH_SECRET }, data: stored });
}

// ------------------------------------------------- fixture mode (no DB)
// FIXTURE=oauth-token-encryption-examples.json: decrypt the recorded examples
// with the from-scratch implementation and with Better Auth's symmetricDecrypt.
if (process.env.FIXTURE) {
  const { readFileSync } = await import("node:fs");
  const fx = JSON.parse(readFileSync(process.env.FIXTURE, "utf8"));
  let n = 0;
  for (const [kind, ex] of [["bareHex", fx.bareHex], ["envelope", fx.envelope]]) {
    assert.equal(createHash("sha256").update(ex.secret, "utf8").digest("hex"), ex.keySha256Hex, `${kind}: key = SHA-256(secret)`);
    for (const col of ["refreshToken", "accessToken"]) {
      const { plaintext, stored } = ex[col];
      const hexPart = kind === "envelope" ? stored.replace(/^\$ba\$(\d+)\$/, (_, v) => (assert.equal(Number(v), ex.version), "")) : stored;
      assert.equal(xchachaDecryptHex(ex.secret, hexPart), plaintext, `${kind} ${col}: from-scratch decryption`);
      const key = kind === "envelope" ? { keys: new Map([[ex.version, ex.secret]]), currentVersion: ex.version } : ex.secret;
      assert.equal(await symmetricDecrypt({ key, data: stored }), plaintext, `${kind} ${col}: Better Auth symmetricDecrypt`);
      n++;
    }
  }
  console.error(`ok   ${n} fixture examples decrypt (from scratch and with Better Auth)`);
  process.exit(0);
}

// ------------------------------------------------------------------ check
const res = await fetch(`${OAUTH_PROVIDER_URL.replace(/\/+$/, "")}/__admin/requests`);
const issued = new Set();
for (const e of await res.json()) {
  if (e.issued?.access_token) issued.add(e.issued.access_token);
  if (e.issued?.refresh_token) issued.add(e.issued.refresh_token);
}
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
let example = null;
let checked = 0;
try {
  const { rows } = await pool.query(`select id, "providerId", "accessToken", "refreshToken", "idToken" from account where "providerId" <> 'credential' order by "createdAt"`);
  assert.ok(rows.length > 0, "no OAuth account rows");
  for (const row of rows) {
    for (const col of ["accessToken", "refreshToken"]) {
      const stored = row[col];
      if (stored == null) continue;
      const what = `${row.providerId} account ${row.id} ${col}`;
      if (EXPECT === "envelope") assert.match(stored, /^\$ba\$\d+\$(?:[0-9a-f]{2})+$/, `${what}: $ba$<version>$<hex>`);
      else assert.match(stored, /^(?:[0-9a-f]{2})+$/, `${what}: bare lowercase hex`);
      const dec = decryptStored(stored);
      assert.ok(issued.has(dec.plaintext), `${what}: decrypts to a token the provider issued`);
      assert.equal(await betterAuthDecrypt(stored), dec.plaintext, `${what}: Better Auth's symmetricDecrypt agrees`);
      const hexLen = stored.length - (stored.startsWith("$ba$") ? stored.indexOf("$", 4) + 1 : 0);
      assert.equal(hexLen, 2 * (24 + Buffer.byteLength(dec.plaintext) + 16), `${what}: hex length = 2*(24 nonce + plaintext + 16 tag)`);
      checked++;
      // worked example: the first mock-oidc row's refresh token (short) and access token
      if (row.providerId === "mock-oidc" && (!example || example.accountId === row.id)) {
        example ??= { accountId: row.id, format: dec.format, ...(dec.version !== undefined ? { version: dec.version } : {}), secret: dec.secret };
        example[col] = { plaintext: dec.plaintext, stored };
      }
    }
    if (row.idToken != null) assert.match(row.idToken, /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/, `${row.providerId} ${row.id}: idToken stored in plain text (a JWS)`);
  }
} finally {
  await pool.end();
}
console.log(JSON.stringify({ checked, format: EXPECT, example }));
console.error(`ok   ${checked} encrypted token columns decrypt (${EXPECT}) to provider-issued tokens`);
