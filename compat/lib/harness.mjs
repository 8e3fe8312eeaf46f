// Shared harness pieces for the flow scripts (email-flow.mjs; client-flow.mjs
// keeps its own, identical-in-behaviour copy so that the script the Rust
// test-suite runs stays byte-for-byte what was validated).
//
//   createHarness({ baseURL, plugins, timeoutMs, verbose }) -> {
//     ORIGIN, API, makeBrowser(label), step(name, fn), fail(err), finish(),
//     okData, expectError, expectSignedOut, ... }
//
// A "browser" is a cookie jar + an official `createAuthClient` whose
// customFetchImpl sends the jar's cookies and `Origin: <BASE_URL origin>` (a
// same-origin page calling fetch), and stores every Set-Cookie. `browser.open(url)`
// is a click on a link in a mail: a top-level GET with the jar's cookies, no
// Origin header, redirects NOT followed.

import assert from "node:assert/strict";
import { inspect } from "node:util";
import { createAuthClient } from "better-auth/client";

export const SESSION_COOKIE = "better-auth.session_token";
export const DONT_REMEMBER_COOKIE = "better-auth.dont_remember";
export const ID_RE = /^[A-Za-z0-9]{32}$/; // generateId(): 32 chars [a-zA-Z0-9]
export const TOKEN_RE = /^[A-Za-z0-9]{32}$/; // session token
export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Same jar semantics as client-flow.mjs (one origin, no domain/path matching). */
export class CookieJar {
  constructor() {
    /** @type {Map<string, {value: string, attrs: Record<string, string|true>, raw: string}>} */
    this.cookies = new Map();
  }

  absorb(setCookieLines) {
    for (const line of setCookieLines) {
      const [pair, ...attrParts] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq < 1) continue;
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
      const expired = maxAge !== undefined ? maxAge <= 0 : !Number.isNaN(expires) && expires <= Date.now();
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, { value, attrs, raw: line });
    }
  }

  header() {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([n, c]) => `${n}=${c.value}`).join("; ");
  }

  get(name) {
    return this.cookies.get(name);
  }
}

/** Names of the cookies a Set-Cookie list sets (deletions included). */
export function setCookieNames(lines) {
  return lines.map((l) => l.slice(0, l.indexOf("=")).trim());
}

const STATUS_NAME = { 400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 422: "UNPROCESSABLE_ENTITY" };
const STANDARD_PHRASE = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 422: "Unprocessable Entity" };

export function createHarness({ baseURL, plugins = [], timeoutMs = 15000, verbose = false }) {
  const BASE_URL = baseURL.replace(/\/+$/, "");
  const ORIGIN = new URL(BASE_URL).origin;
  const API = `${BASE_URL}/api/auth`;

  function makeBrowser(label) {
    const jar = new CookieJar();
    let last = null;

    const customFetchImpl = async (input, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set("origin", ORIGIN);
      const cookie = jar.header();
      if (cookie) headers.set("cookie", cookie);
      else headers.delete("cookie");
      const res = await fetch(input, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
      jar.absorb(res.headers.getSetCookie());
      last = { method: init.method, url: String(input), status: res.status, statusText: res.statusText, headers: res.headers };
      if (verbose) console.error(`  [${label}] ${init.method || "GET"} ${new URL(String(input)).pathname} -> ${res.status} ${res.statusText}`);
      return res;
    };

    const client = createAuthClient({ baseURL: BASE_URL, plugins, fetchOptions: { customFetchImpl } });

    /**
     * Follow a link from a mail like a browser's address bar would: GET, the
     * jar's cookies, no Origin, redirect: "manual". Returns
     * {status, location, setCookie: string[], contentType, text, json}.
     */
    async function open(url) {
      const headers = new Headers();
      const cookie = jar.header();
      if (cookie) headers.set("cookie", cookie);
      const res = await fetch(url, { headers, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
      const setCookie = res.headers.getSetCookie();
      jar.absorb(setCookie);
      const text = await res.text();
      let json;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      const out = { status: res.status, location: res.headers.get("location"), setCookie, contentType: res.headers.get("content-type"), text, json, headers: res.headers };
      last = { method: "GET", url, status: res.status, statusText: res.statusText, headers: res.headers };
      if (verbose) console.error(`  [${label}] GET(link) ${new URL(url).pathname} -> ${res.status} ${out.location ?? ""}`);
      return out;
    }

    return {
      label,
      jar,
      client,
      open,
      get last() {
        return last;
      },
      sessionCookie: () => jar.get(SESSION_COOKIE),
    };
  }

  // ---------------------------------------------------------------- steps
  let stepNo = 0;
  let currentStep = "(setup)";

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

  function finish() {
    console.log(`${stepNo} passed, 0 failed`);
    process.exit(0);
  }

  // ------------------------------------------------------------ assertions
  function okData(result, what) {
    assert.equal(result.error, null, `${what}: expected no error, got ${inspect(result.error, { breakLength: Infinity })}`);
    return result.data;
  }

  /** A Better Auth APIError through the client: data null, error {status, code, message}. */
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

  async function expectSignedOut(browser, what) {
    const res = await browser.client.getSession();
    assert.equal(res.error, null, `${what}: get-session should not error (got ${inspect(res.error)})`);
    assert.equal(res.data, null, `${what}: get-session data should be null`);
    assert.equal(browser.last.status, 200, `${what}: get-session status`);
  }

  /** get-session must return a session of `userId` (and of `token` if given). */
  async function expectSignedIn(browser, { userId, token }, what) {
    const data = okData(await browser.client.getSession(), `${what}: get-session`);
    assert.ok(data && data.session && data.user, `${what}: {session, user} expected, got ${inspect(data)}`);
    if (token !== undefined) assert.equal(data.session.token, token, `${what}: session.token`);
    assert.equal(data.session.userId, userId, `${what}: session.userId`);
    assert.equal(data.user.id, userId, `${what}: user.id`);
    return data;
  }

  return { BASE_URL, ORIGIN, API, makeBrowser, step, fail, finish, okData, expectError, expectSignedOut, expectSignedIn };
}

/** `<token>.<44-char standard base64 HMAC>` (the signed cookie / set-auth-token format). */
export function assertSignedToken(signed, token, what) {
  assert.equal(typeof signed, "string", `${what}: should be a string`);
  const dot = signed.lastIndexOf(".");
  if (token !== undefined) assert.equal(signed.slice(0, dot), token, `${what}: part before the last '.' is the session token`);
  else assert.match(signed.slice(0, dot), TOKEN_RE, `${what}: part before the last '.' is a session token`);
  assert.match(signed.slice(dot + 1), /^[A-Za-z0-9+/]{43}=$/, `${what}: signature is 44-char standard base64`);
  return signed.slice(0, dot);
}

export function assertNear(actualMs, expectedMs, toleranceMs, what) {
  assert.ok(
    Math.abs(actualMs - expectedMs) <= toleranceMs,
    `${what}: ${new Date(actualMs).toISOString()} not within ${toleranceMs} ms of ${new Date(expectedMs).toISOString()}`,
  );
}

/** Decode a compact JWS without verifying it: {header, payload, signature}. */
export function decodeJwt(token) {
  const parts = String(token).split(".");
  assert.equal(parts.length, 3, `JWT should have 3 parts, got ${parts.length}: ${token}`);
  const dec = (s) => JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
  return { header: dec(parts[0]), payload: dec(parts[1]), signature: parts[2] };
}
