// capture-email-observations.mjs — raw HTTP transcript of the e-mail flows, as
// Markdown on stdout, plus (when DATABASE_URL is given) every change to the
// `verification` table after each exchange. Used to write EMAIL-OBSERVATIONS.md;
// run it against the Rust server too and diff (ignore dates, ids, tokens).
//
//   BASE_URL=http://127.0.0.1:8123 MAIL_OUTBOX_DIR=/tmp/outbox \
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/db  node capture-email-observations.mjs > out.md
//
// Env:
//   BASE_URL, MAIL_OUTBOX_DIR  (required) as for email-flow.mjs
//   DATABASE_URL               optional (postgres): dump verification-table changes
//   SECTIONS                   comma list of: flows,failure (default: flows)
//   MAIL_FAIL_PREFIX           local-part prefix the server was told to fail on
//                              (reference server: MAIL_THROW='^mailfail-'); default "mailfail-"
//
// Requests are raw fetch() calls (no official client) so that every header is
// visible: `Origin: <BASE_URL origin>` and the caller's cookies on API calls;
// mail links are opened without Origin and without following redirects.

import { createHash, randomBytes } from "node:crypto";
import { CookieJar, decodeJwt } from "./lib/harness.mjs";
import { Outbox, extractOtp, extractUrl } from "./lib/outbox.mjs";

const BASE_URL = (process.env.BASE_URL || "").replace(/\/+$/, "");
const OUTBOX_DIR = process.env.MAIL_OUTBOX_DIR;
if (!BASE_URL || !OUTBOX_DIR) {
  console.error("BASE_URL and MAIL_OUTBOX_DIR are required");
  process.exit(2);
}
const ORIGIN = new URL(BASE_URL).origin;
const API = `${BASE_URL}/api/auth`;
const SECTIONS = new Set((process.env.SECTIONS || "flows").split(","));
const FAIL_PREFIX = process.env.MAIL_FAIL_PREFIX || "mailfail-";
const outbox = new Outbox(OUTBOX_DIR);
const rand = randomBytes(4).toString("hex");

let pool = null;
if (process.env.DATABASE_URL) {
  const { default: pg } = await import("pg");
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
}

// ------------------------------------------------------------------ output
const p = (s = "") => process.stdout.write(`${s}\n`);

/** Elide secrets so the transcript is stable: JWTs, 24/32-char tokens, cookie values, ids. */
const known = new Map(); // literal -> placeholder
let userNo = 0;
function remember(literal, placeholder) {
  if (literal && !known.has(literal)) known.set(literal, placeholder);
}
function elide(s) {
  let out = String(s);
  for (const [lit, ph] of known) out = out.split(lit).join(ph);
  out = out.replace(/eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, "<JWT>");
  out = out.replace(/reset-password:[A-Za-z0-9]{24}\b/g, "reset-password:<token24>");
  out = out.replace(/delete-account-[0-9a-z]{32}\b/g, "delete-account-<token32>");
  return out;
}

function fence(body, lang = "") {
  p(`\`\`\`${lang}`);
  p(body);
  p("```");
}

// ------------------------------------------------------------------ http
function browser(label) {
  return { label, jar: new CookieJar() };
}

/**
 * One exchange. opts: {body, b (browser), origin (default true for POST), link (GET a mail link)}.
 * Prints request line + relevant request headers, status line, Location, content-type,
 * set-auth-token, every Set-Cookie (value elided), body, elapsed ms.
 */
async function http(title, method, url, { body, b, origin = method !== "GET", extraHeaders = {} } = {}) {
  const headers = new Headers(extraHeaders);
  if (body !== undefined) headers.set("content-type", "application/json");
  if (origin) headers.set("origin", ORIGIN);
  const cookie = b?.jar.header();
  if (cookie) headers.set("cookie", cookie);
  const t0 = Date.now();
  const res = await fetch(url.startsWith("http") ? url : `${API}${url}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: "manual",
  });
  const text = await res.text();
  const ms = Date.now() - t0;
  const setCookie = res.headers.getSetCookie();
  b?.jar.absorb(setCookie);
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {}
  // Give ids and tokens stable placeholders before anything is printed.
  if (json?.token && typeof json.token === "string") remember(json.token, "<session-token>");
  if (json?.session?.token) remember(json.session.token, "<session-token>");
  if (json?.session?.id) remember(json.session.id, "<session-id>");
  if (json?.user?.id && !known.has(json.user.id)) remember(json.user.id, `<user-${++userNo}-id>`);

  p(`#### ${title}`);
  p();
  const lines = [];
  const path = new URL(url.startsWith("http") ? url : `${API}${url}`);
  lines.push(`${method} ${path.pathname}${path.search} HTTP/1.1`);
  if (origin) lines.push(`Origin: ${ORIGIN}`);
  if (cookie) lines.push(`Cookie: ${cookie.split("; ").map((c) => `${c.slice(0, c.indexOf("="))}=…`).join("; ")}`);
  for (const [k, v] of Object.entries(extraHeaders)) lines.push(`${k}: ${v}`);
  if (body !== undefined) lines.push("", JSON.stringify(body));
  lines.push("", `HTTP/1.1 ${res.status} ${res.statusText}`);
  for (const h of ["location", "content-type", "set-auth-token", "access-control-expose-headers", "cache-control"]) {
    const v = res.headers.get(h);
    if (v !== null) lines.push(`${h}: ${h === "set-auth-token" ? "<session-token>.<sig>" : v}`);
  }
  for (const sc of setCookie) {
    const [pair, ...attrs] = sc.split(";");
    const n = pair.slice(0, pair.indexOf("="));
    const v = pair.slice(pair.indexOf("=") + 1);
    lines.push(`set-cookie: ${n}=${v === "" ? "" : "<value>"};${attrs.join(";")}`);
  }
  lines.push("", text === "" ? "(empty body)" : text);
  fence(elide(lines.join("\n")), "http");
  p(`(${ms} ms)`);
  p();
  await dbDiff();
  return { status: res.status, location: res.headers.get("location"), json, text, setCookie, ms };
}

// ------------------------------------------------------------------ DB
let prevRows = new Map();
async function snapshot() {
  if (!pool) return new Map();
  const { rows } = await pool.query('select id, identifier, value, "expiresAt", "createdAt", "updatedAt" from verification');
  return new Map(rows.map((r) => [r.id, r]));
}
const otpHashes = new Map(); // base64url(sha256(otp)) -> otp, to annotate hashed values
function annotateValue(value) {
  const i = value.lastIndexOf(":");
  const head = i === -1 ? value : value.slice(0, i);
  if (otpHashes.has(head)) return ` ← base64url(SHA-256("${otpHashes.get(head)}")) + ":" + attempts`;
  return "";
}
function showRow(r) {
  const ttl = ((r.expiresAt - r.createdAt) / 1000).toFixed(3);
  const upd = r.updatedAt - r.createdAt;
  return `identifier=${elide(r.identifier)}  value=${elide(r.value)}${annotateValue(r.value)}  expiresAt=createdAt+${ttl}s  (id ${/^[A-Za-z0-9]{32}$/.test(r.id) ? "32 alnum" : JSON.stringify(r.id)}${upd ? `, updatedAt=createdAt+${upd}ms` : ", updatedAt=createdAt"})`;
}
async function dbDiff() {
  if (!pool) return;
  const now = await snapshot();
  const added = [...now.values()].filter((r) => !prevRows.has(r.id));
  const removed = [...prevRows.values()].filter((r) => !now.has(r.id));
  const changed = [...now.values()].filter((r) => prevRows.has(r.id) && JSON.stringify(prevRows.get(r.id)) !== JSON.stringify(r));
  prevRows = now;
  if (!added.length && !removed.length && !changed.length) {
    p("verification table: unchanged");
    p();
    return;
  }
  const lines = [];
  for (const r of removed) lines.push(`- ${showRow(r)}`);
  for (const r of changed) lines.push(`~ ${showRow(r)}`);
  for (const r of added) lines.push(`+ ${showRow(r)}`);
  p("verification table:");
  fence(lines.join("\n"), "diff");
  p();
}

// ------------------------------------------------------------------ mail
async function mail(filter, mark) {
  const m = await outbox.waitFor(filter, mark);
  const url = m.kind === "otp" ? null : extractUrl(m.text);
  const otp = m.kind === "otp" ? extractOtp(m.text) : null;
  if (otp) otpHashes.set(createHash("sha256").update(otp).digest("base64url"), otp);
  p(`mail \`${m.kind}${m.otpType ? `/${m.otpType}` : ""}\` to \`${elide(m.to)}\`${otp ? ` — code \`${otp}\`` : ""}`);
  if (url) {
    const u = new URL(url);
    const token = u.searchParams.get("token");
    const pathToken = /reset-password\/([^/?]+)/.exec(u.pathname)?.[1];
    if (pathToken) remember(pathToken, "<token24>");
    if (token && !token.startsWith("eyJ")) remember(token, `<token${token.length}>`);
    p();
    fence(elide(url));
    if (token?.startsWith("eyJ")) {
      const { header, payload } = decodeJwt(token);
      p("JWT:");
      fence(`header  ${JSON.stringify(header)}\npayload ${elide(JSON.stringify(payload))}   (exp - iat = ${payload.exp - payload.iat} s)`, "json");
    }
  }
  p();
  return { m, url, otp };
}

async function noMail(to, mark, ms = 700) {
  await new Promise((r) => setTimeout(r, ms));
  const got = outbox.list({ to }, mark);
  p(got.length ? `**mail(s) sent to ${elide(to)}: ${got.map((m) => m.kind).join(", ")}**` : `no mail to \`${elide(to)}\``);
  p();
}

// ====================================================================== flows
prevRows = await snapshot();
p(`<!-- captured ${new Date().toISOString()} against ${API} -->`);
p();

if (SECTIONS.has("flows")) {
  const e1 = `mail-${rand}@example.com`;
  const e1new = `mail1-new-${rand}@example.com`;
  const e2 = `mail2-${rand}@example.com`;
  const e3 = `otp-${rand}@example.com`;
  const e4 = `otpv-${rand}@example.com`;
  const nobody = `nobody-${rand}@example.com`;
  for (const [e, ph] of [[e1, "<e1>"], [e1new, "<e1-new>"], [e2, "<e2>"], [e3, "<e3>"], [e4, "<e4>"], [nobody, "<nobody>"]]) remember(e, ph);
  const pw = `pw-${rand}-first`;
  const pw2 = `pw-${rand}-reset`;

  p("### Flow 1 — sign-up, verification link, auto sign-in");
  p();
  const A = browser("A");
  let mark = outbox.mark();
  const su = await http("sign-up with callbackURL (browser A)", "POST", "/sign-up/email", { b: A, body: { name: "Mail User", email: e1, password: pw, callbackURL: "/verified" } });
  const v1 = await mail({ to: e1, kind: "verification" }, mark);
  const M = browser("M");
  await http("open the verification link, no cookies (browser M)", "GET", v1.url, { b: M });
  await http("get-session (browser M)", "GET", "/get-session", { b: M });
  await http("open the same link again, no cookies", "GET", v1.url, { b: browser("x") });
  await http("open the same link again, no cookies, without callbackURL", "GET", v1.url.replace(/&callbackURL=[^&]*/, ""), { b: browser("x") });
  const U = browser("U0");
  const suU = await http("sign-up of a 2nd user without callbackURL (browser U0)", "POST", "/sign-up/email", { b: U, body: { name: "Other", email: e2, password: pw } });
  const v2 = await mail({ to: e2, kind: "verification" }, mark);
  await http("open its link WITH the sign-up session cookie (browser U0)", "GET", v2.url, { b: U });

  p("### Flow 2 — send-verification-email");
  p();
  mark = outbox.mark();
  await http("signed in + verified (browser A)", "POST", "/send-verification-email", { b: A, body: { email: e1, callbackURL: "/verified" } });
  await http("signed in, other address (browser A)", "POST", "/send-verification-email", { b: A, body: { email: e2 } });
  await http("signed out, verified address", "POST", "/send-verification-email", { body: { email: e1 } });
  await http("signed out, unknown address", "POST", "/send-verification-email", { body: { email: nobody } });
  await noMail(e1, mark);

  p("### Flow 3 — bad verification tokens");
  p();
  const tok = new URL(v1.url).searchParams.get("token");
  const [h, pl, s] = tok.split(".");
  const bad = `${h}.${pl}.${s[0] === "A" ? "B" : "A"}${s.slice(1)}`;
  await http("tampered signature, callbackURL=/verified", "GET", `${API}/verify-email?token=${bad}&callbackURL=%2Fverified`);
  await http("tampered signature, no callbackURL", "GET", `${API}/verify-email?token=${bad}`);
  await http("garbage token, callbackURL=/verified?x=1", "GET", `${API}/verify-email?token=garbage&callbackURL=%2Fverified%3Fx%3D1`);
  await http("no token at all", "GET", `${API}/verify-email?callbackURL=%2Fverified`);
  await http("untrusted absolute callbackURL", "GET", `${API}/verify-email?token=${bad}&callbackURL=${encodeURIComponent("https://evil.example/x")}`);

  p("### Flow 4 — password reset by link");
  p();
  const P = browser("P");
  await http("sign-in (browser P; a session the reset must revoke)", "POST", "/sign-in/email", { b: P, body: { email: e1, password: pw } });
  mark = outbox.mark();
  await http("request-password-reset, known address", "POST", "/request-password-reset", { body: { email: e1, redirectTo: "/reset" } });
  const r = await mail({ to: e1, kind: "password-reset" }, mark);
  await http("request-password-reset, unknown address", "POST", "/request-password-reset", { body: { email: nobody, redirectTo: "/reset" } });
  await noMail(nobody, mark);
  await http("request-password-reset without redirectTo", "POST", "/request-password-reset", { body: { email: e2 } });
  const r2 = await mail({ to: e2, kind: "password-reset" }, mark);
  const token24 = /reset-password\/([^/?]+)/.exec(new URL(r.url).pathname)[1];
  await http("open the reset link", "GET", r.url);
  await http("open the reset link (without redirectTo)", "GET", r2.url);
  await http("open a reset link with an unknown token", "GET", `${API}/reset-password/${"x".repeat(24)}?callbackURL=%2Freset`);
  await http("open a reset link with an unknown token, empty callbackURL", "GET", `${API}/reset-password/${"x".repeat(24)}?callbackURL=`);
  await http("reset-password", "POST", "/reset-password", { body: { newPassword: pw2, token: token24 } });
  await http("reset-password replay", "POST", "/reset-password", { body: { newPassword: pw2, token: token24 } });
  await http("get-session of browser P after the reset", "GET", "/get-session", { b: P });

  p("### Flow 5 — change email (verified user)");
  p();
  const C = browser("C");
  await http("sign-in with the new password (browser C)", "POST", "/sign-in/email", { b: C, body: { email: e1, password: pw2 } });
  mark = outbox.mark();
  await http("change-email to the address of another user", "POST", "/change-email", { b: C, body: { newEmail: e2, callbackURL: "/changed" } });
  await noMail(e1, mark);
  await http("change-email", "POST", "/change-email", { b: C, body: { newEmail: e1new, callbackURL: "/changed" } });
  const c1 = await mail({ to: e1, kind: "change-email-confirmation" }, mark);
  await http("open the confirmation link, no cookies", "GET", c1.url, { b: browser("x") });
  const c2 = await mail({ to: e1new, kind: "verification" }, mark);
  await http("open the new-address link while signed in as ANOTHER user (browser U0)", "GET", c2.url, { b: U });
  await http("open the new-address link (browser C)", "GET", c2.url, { b: C });
  await http("get-session (browser C)", "GET", "/get-session", { b: C });
  await http("open the new-address link again (browser C)", "GET", c2.url, { b: C });
  await http("open the confirmation link again after the change", "GET", c1.url, { b: browser("x") });

  p("### Flow 6 — delete user by mail");
  p();
  mark = outbox.mark();
  await http("delete-user without password (browser C)", "POST", "/delete-user", { b: C, body: { callbackURL: "/bye" } });
  const d = await mail({ to: e1new, kind: "delete-account" }, mark);
  await http("open the delete link WITHOUT a session", "GET", d.url, { b: browser("x") });
  await http("open the delete link signed in as ANOTHER user (browser U0)", "GET", d.url, { b: U });
  await http("open the same link WITH the right session (browser C) — the token was burnt above", "GET", d.url, { b: C });
  mark = outbox.mark();
  await http("delete-user again (browser C)", "POST", "/delete-user", { b: C, body: { callbackURL: "/bye" } });
  const d1 = await mail({ to: e1new, kind: "delete-account" }, mark);
  await http("open the new delete link WITH the session (browser C)", "GET", d1.url, { b: C });
  await http("sign-in of the deleted user", "POST", "/sign-in/email", { body: { email: e1new, password: pw2 } });
  mark = outbox.mark();
  await http("delete-user without callbackURL (browser U0)", "POST", "/delete-user", { b: U, body: {} });
  const d2 = await mail({ to: e2, kind: "delete-account" }, mark);
  await http("open that link WITH the session (browser U0)", "GET", d2.url, { b: U });

  p("### Flow 7 — email OTP sign-in");
  p();
  mark = outbox.mark();
  await http("send-verification-otp sign-in (new address)", "POST", "/email-otp/send-verification-otp", { body: { email: e3, type: "sign-in" } });
  const o1 = await mail({ to: e3, kind: "otp", otpType: "sign-in" }, mark);
  const wrong = (c) => String((Number(c) + 1) % 1e6).padStart(6, "0");
  const O = browser("O");
  for (let i = 1; i <= 3; i++) await http(`sign-in/email-otp wrong code #${i}`, "POST", "/sign-in/email-otp", { b: O, body: { email: e3, otp: wrong(o1.otp) } });
  await http("sign-in/email-otp right code, 4th attempt", "POST", "/sign-in/email-otp", { b: O, body: { email: e3, otp: o1.otp } });
  await http("sign-in/email-otp right code, 5th attempt", "POST", "/sign-in/email-otp", { b: O, body: { email: e3, otp: o1.otp } });
  mark = outbox.mark();
  await http("send-verification-otp sign-in again", "POST", "/email-otp/send-verification-otp", { body: { email: e3, type: "sign-in" } });
  const o2 = await mail({ to: e3, kind: "otp", otpType: "sign-in" }, mark);
  await http("send-verification-otp sign-in a third time (replaces the row?)", "POST", "/email-otp/send-verification-otp", { body: { email: e3, type: "sign-in" } });
  const o3 = await mail({ to: e3, kind: "otp", otpType: "sign-in" }, mark);
  await http("sign-in/email-otp with the SECOND code", "POST", "/sign-in/email-otp", { b: O, body: { email: e3, otp: o2.otp } });
  const so = await http("sign-in/email-otp with the newest code, name given", "POST", "/sign-in/email-otp", { b: O, body: { email: e3, otp: o3.otp, name: "Otp Person" } });
  await http("send-verification-otp email-verification, unknown address", "POST", "/email-otp/send-verification-otp", { body: { email: nobody, type: "email-verification" } });
  await http("send-verification-otp type change-email", "POST", "/email-otp/send-verification-otp", { body: { email: e3, type: "change-email" } });
  await http("send-verification-otp invalid email", "POST", "/email-otp/send-verification-otp", { body: { email: "not-an-email", type: "sign-in" } });

  p("### Flow 8 — email OTP verification");
  p();
  const V = browser("V");
  mark = outbox.mark();
  const sv = await http("sign-up (browser V)", "POST", "/sign-up/email", { b: V, body: { name: "Otp Verify", email: e4, password: pw } });
  await http("send-verification-otp email-verification (browser V)", "POST", "/email-otp/send-verification-otp", { b: V, body: { email: e4, type: "email-verification" } });
  const o4 = await mail({ to: e4, kind: "otp", otpType: "email-verification" }, mark);
  await http("email-otp/verify-email wrong code", "POST", "/email-otp/verify-email", { b: V, body: { email: e4, otp: wrong(o4.otp) } });
  await http("email-otp/check-verification-otp right code", "POST", "/email-otp/check-verification-otp", { body: { email: e4, type: "email-verification", otp: o4.otp } });
  await http("email-otp/verify-email right code (browser V, signed in)", "POST", "/email-otp/verify-email", { b: V, body: { email: e4, otp: o4.otp } });
  await http("send-verification-otp email-verification for the now verified address", "POST", "/email-otp/send-verification-otp", { body: { email: e4, type: "email-verification" } });
  await mail({ to: e4, kind: "otp", otpType: "email-verification" }, mark);

  p("### Flow 9 — email OTP password reset");
  p();
  mark = outbox.mark();
  await http("email-otp/request-password-reset", "POST", "/email-otp/request-password-reset", { body: { email: e4 } });
  const o5 = await mail({ to: e4, kind: "otp", otpType: "forget-password" }, mark);
  await http("email-otp/request-password-reset unknown address", "POST", "/email-otp/request-password-reset", { body: { email: nobody } });
  await noMail(nobody, mark);
  await http("forget-password/email-otp (deprecated alias)", "POST", "/forget-password/email-otp", { body: { email: e4 } });
  const o6 = await mail({ to: e4, kind: "otp", otpType: "forget-password" }, mark);
  await http("email-otp/reset-password with the OLDER code", "POST", "/email-otp/reset-password", { body: { email: e4, otp: o5.otp, password: pw2 } });
  await http("email-otp/reset-password short password", "POST", "/email-otp/reset-password", { body: { email: e4, otp: o6.otp, password: "short" } });
  await http("email-otp/reset-password", "POST", "/email-otp/reset-password", { body: { email: e4, otp: o6.otp, password: pw2 } });
  await http("get-session of browser V after the reset", "GET", "/get-session", { b: V });

  p("### Flow 10 — check-verification-otp");
  p();
  mark = outbox.mark();
  await http("send-verification-otp sign-in", "POST", "/email-otp/send-verification-otp", { body: { email: e3, type: "sign-in" } });
  const o7 = await mail({ to: e3, kind: "otp", otpType: "sign-in" }, mark);
  await http("check-verification-otp wrong code", "POST", "/email-otp/check-verification-otp", { body: { email: e3, type: "sign-in", otp: wrong(o7.otp) } });
  await http("check-verification-otp right code", "POST", "/email-otp/check-verification-otp", { body: { email: e3, type: "sign-in", otp: o7.otp } });
  await http("check-verification-otp right code, wrong type", "POST", "/email-otp/check-verification-otp", { body: { email: e3, type: "forget-password", otp: o7.otp } });
  await http("sign-in/email-otp with the checked code", "POST", "/sign-in/email-otp", { body: { email: e3, otp: o7.otp } });
  mark = outbox.mark();
  await http("send-verification-otp sign-in for an unknown address", "POST", "/email-otp/send-verification-otp", { body: { email: nobody, type: "sign-in" } });
  const o8 = await mail({ to: nobody, kind: "otp", otpType: "sign-in" }, mark);
  await http("check-verification-otp for an address without a user", "POST", "/email-otp/check-verification-otp", { body: { email: nobody, type: "sign-in", otp: o8.otp } });
}

// ================================================================= failures
if (SECTIONS.has("failure")) {
  const f1 = `${FAIL_PREFIX}a-${rand}@example.com`;
  const f2 = `${FAIL_PREFIX}b-${rand}@example.com`;
  const f3 = `${FAIL_PREFIX}c-${rand}@example.com`;
  const okMail = `ok-${rand}@example.com`;
  for (const [e, ph] of [[f1, "<fail-a>"], [f2, "<fail-b>"], [f3, "<fail-c>"], [okMail, "<ok>"]]) remember(e, ph);
  const pw = `pw-${rand}-first`;

  p("### Sender callbacks that throw");
  p();
  const F = browser("F");
  const su = await http("sign-up (sendOnSignUp; the verification sender throws)", "POST", "/sign-up/email", { b: F, body: { name: "Fail", email: f1, password: pw } });
  await http("send-verification-email signed out (user exists, unverified)", "POST", "/send-verification-email", { body: { email: f1 } });
  await http("send-verification-email signed in (browser F)", "POST", "/send-verification-email", { b: F, body: { email: f1 } });
  await http("request-password-reset", "POST", "/request-password-reset", { body: { email: f1, redirectTo: "/reset" } });
  await http("email-otp/send-verification-otp sign-in (new address)", "POST", "/email-otp/send-verification-otp", { body: { email: f2, type: "sign-in" } });
  await http("email-otp/send-verification-otp email-verification (existing user)", "POST", "/email-otp/send-verification-otp", { body: { email: f1, type: "email-verification" } });
  await http("email-otp/request-password-reset", "POST", "/email-otp/request-password-reset", { body: { email: f1 } });
  await http("change-email of the unverified user to another failing address (browser F)", "POST", "/change-email", { b: F, body: { newEmail: f3, callbackURL: "/changed" } });
  await http("delete-user without password (browser F)", "POST", "/delete-user", { b: F, body: { callbackURL: "/bye" } });
  // a verified user changing to a failing address: the confirmation goes to the OK
  // current address, the failing send happens inside GET /verify-email.
  const G = browser("G");
  let mark = outbox.mark();
  await http("sign-up (ok address, browser G)", "POST", "/sign-up/email", { b: G, body: { name: "Ok", email: okMail, password: pw } });
  const v = await mail({ to: okMail, kind: "verification" }, mark);
  await http("verify it (browser G)", "GET", v.url, { b: G });
  mark = outbox.mark();
  await http("change-email to a failing address (browser G)", "POST", "/change-email", { b: G, body: { newEmail: f3, callbackURL: "/changed" } });
  const c = await mail({ to: okMail, kind: "change-email-confirmation" }, mark);
  await http("open the confirmation link (the new-address sender throws)", "GET", c.url, { b: G });
}

if (pool) await pool.end();
