// Mail OUTBOX DIRECTORY: the contract between a server that "sends" mail and
// the scripts that read it (email-flow.mjs). Both the reference Better Auth
// server (reference-server.mjs with MAIL_OUTBOX_DIR) and our Rust server write
// exactly this format.
//
// Contract
// --------
// * One message = one file `<MAIL_OUTBOX_DIR>/<ts>-<random>.json`, where <ts> is
//   the send time in Unix milliseconds, zero-padded to 15 digits
//   (`String(Date.now()).padStart(15, "0")`, e.g. `001795416518123`), and
//   <random> is a few [0-9a-z] characters (8 lowercase hex digits here) that
//   keep names unique. Lexical order of the names is chronological order.
// * The file holds ONE JSON object (UTF-8):
//     {"to": "<address>", "subject": "...", "text": "...", "html": "...", "kind": "<kind>"}
//   kind ∈ verification | password-reset | change-email-confirmation | delete-account | otp | invitation;
//   (invitation = organization plugin: the accept link is `${origin}/accept-invitation/<id>`,
//   an app page, not an /api/auth URL);
//   for kind "otp" also "otpType": "sign-in" | "email-verification" | "forget-password" | "change-email".
// * `text` carries the link as a full absolute URL on its own line, or for OTP
//   mails the code (6 digits) on its own line. Readers extract the first match
//   of /https?:\/\/\S+/ or /\b\d{6}\b/, so nothing before it may look like one.
// * Files are written atomically: write `.<name>.tmp` (a dot file, not ending in
//   `.json`) in the same directory, then rename() it to `<name>`. Readers only
//   look at names matching OUTBOX_FILE_RE, so they never see half a file.

import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";

export const MAIL_KINDS = ["verification", "password-reset", "change-email-confirmation", "delete-account", "otp", "invitation"];
export const OTP_TYPES = ["sign-in", "email-verification", "forget-password", "change-email"];
/** Names a reader considers: `<digits>-<token>.json`. */
export const OUTBOX_FILE_RE = /^(\d+)-([0-9A-Za-z_-]+)\.json$/;

/** Writer side: store one message atomically, return its file name. */
export function writeMail(dir, message) {
  if (!MAIL_KINDS.includes(message.kind)) throw new Error(`unknown mail kind ${message.kind}`);
  if (message.kind === "otp" && !OTP_TYPES.includes(message.otpType)) throw new Error(`unknown otpType ${message.otpType}`);
  mkdirSync(dir, { recursive: true });
  const name = `${String(Date.now()).padStart(15, "0")}-${randomBytes(4).toString("hex")}.json`;
  const tmp = path.join(dir, `.${name}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(message)}\n`);
  renameSync(tmp, path.join(dir, name));
  return name;
}

/** First absolute URL in a text (a full URL on its own line is preferred). */
export function extractUrl(text) {
  const line = /^\s*(https?:\/\/\S+)\s*$/m.exec(text);
  if (line) return line[1];
  const any = /https?:\/\/\S+/.exec(text);
  return any ? any[0] : null;
}

/** First 6-digit code in a text (a line that is just the code is preferred). */
export function extractOtp(text) {
  const line = /^\s*(\d{6})\s*$/m.exec(text);
  if (line) return line[1];
  const any = /\b\d{6}\b/.exec(text);
  return any ? any[0] : null;
}

/**
 * Reader side. Usage:
 *   const mark = outbox.mark();            // before the action that sends mail
 *   ...action...
 *   const mail = await outbox.waitFor({ to, kind, otpType }, mark);
 * waitFor returns the NEWEST matching message that was not present at `mark`
 * (polling up to timeoutMs), so an older mail to the same address is never
 * mistaken for the one just triggered. Without a mark every file counts.
 */
export class Outbox {
  constructor(dir, { timeoutMs = 5000, pollMs = 50 } = {}) {
    if (!dir) throw new Error("outbox directory required");
    this.dir = dir;
    this.timeoutMs = timeoutMs;
    this.pollMs = pollMs;
  }

  /** Sorted file names currently in the outbox (only complete messages). */
  names() {
    let entries;
    try {
      entries = readdirSync(this.dir);
    } catch (e) {
      if (e.code === "ENOENT") return [];
      throw e;
    }
    return entries.filter((n) => OUTBOX_FILE_RE.test(n)).sort(byTimestampThenName);
  }

  /** A snapshot of what is already there. */
  mark() {
    return new Set(this.names());
  }

  read(name) {
    const raw = readFileSync(path.join(this.dir, name), "utf8");
    let msg;
    try {
      msg = JSON.parse(raw);
    } catch (e) {
      throw new Error(`outbox file ${name} is not valid JSON: ${e.message}`);
    }
    return { ...msg, file: name };
  }

  /** All messages newer than `mark` matching the filter, oldest first. */
  list(filter = {}, mark = new Set()) {
    return this.names()
      .filter((n) => !mark.has(n))
      .map((n) => this.read(n))
      .filter((m) => matches(m, filter));
  }

  /** Wait for the newest new message matching the filter; throws after the timeout. */
  async waitFor(filter, mark = new Set(), timeoutMs = this.timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.list(filter, mark);
      if (found.length) return found[found.length - 1];
      if (Date.now() >= deadline) {
        const seen = this.list({}, mark).map((m) => `${m.file}: ${m.kind}${m.otpType ? `/${m.otpType}` : ""} -> ${m.to}`);
        const err = new Error(
          `no ${describe(filter)} mail within ${timeoutMs} ms in ${this.dir}` +
            (seen.length ? `; new messages were: ${seen.join(", ")}` : "; no new messages at all"),
        );
        err.code = "NO_MAIL";
        throw err;
      }
      await sleep(this.pollMs);
    }
  }

  /** Assert that no new matching message shows up within quietMs. */
  async expectNone(filter, mark, quietMs = 1000) {
    await sleep(quietMs);
    const found = this.list(filter, mark);
    if (found.length) {
      const err = new Error(`unexpected ${describe(filter)} mail: ${found.map((m) => m.file).join(", ")}`);
      err.code = "UNEXPECTED_MAIL";
      throw err;
    }
  }
}

function matches(m, { to, kind, otpType } = {}) {
  if (to !== undefined && String(m.to).toLowerCase() !== String(to).toLowerCase()) return false;
  if (kind !== undefined && m.kind !== kind) return false;
  if (otpType !== undefined && m.otpType !== otpType) return false;
  return true;
}

function describe({ to, kind, otpType } = {}) {
  return [kind ?? "any", otpType ? `(${otpType})` : "", to ? `to ${to}` : ""].filter(Boolean).join(" ");
}

function byTimestampThenName(a, b) {
  const ta = BigInt(OUTBOX_FILE_RE.exec(a)[1]);
  const tb = BigInt(OUTBOX_FILE_RE.exec(b)[1]);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
