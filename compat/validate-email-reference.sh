#!/usr/bin/env bash
# validate-email-reference.sh — prove email-flow.mjs against REAL Better Auth 1.7.25.
#
# 1. fresh PostgreSQL database + fresh outbox directory -> reference-server.mjs with
#    MAIL_OUTBOX_DIR (email verification, password reset, change-email, delete-user
#    by mail, email OTP "hashed") -> email-flow.mjs must pass
# 2. the same server without BETTER_AUTH_SECRET given to email-flow.mjs (the
#    secret-dependent checks are skipped) must pass too
# 3. with --capture DIR: also write the raw transcripts used for EMAIL-OBSERVATIONS.md
#    (DIR/flows.md, DIR/failure-async.md, DIR/failure-sync.md, DIR/callbacks.jsonl),
#    on their own fresh databases
# Every database, directory and process created here is removed again.
#
# Needs: node + `npm ci` in this folder, createdb/dropdb (PostgreSQL on 127.0.0.1:5432,
# user postgres, trust auth). Override with PG_URL_BASE / PORT.
#
# Exit 0 iff everything passed. Last line: "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")"

CAPTURE_DIR=""
if [[ "${1:-}" == "--capture" ]]; then
  CAPTURE_DIR="$(mkdir -p "${2:?--capture needs a directory}" && cd "$2" && pwd)"
fi

PG_URL_BASE="${PG_URL_BASE:-postgres://postgres@127.0.0.1:5432}"
PORT="${PORT:-18133}"
export BETTER_AUTH_SECRET="${BETTER_AUTH_SECRET:-compat-reference-secret-0123456789abcdef}"
# Origin checks must be ON (Better Auth turns them off under NODE_ENV=test) and
# rate limiting OFF (Better Auth only rate-limits under NODE_ENV=production).
export NODE_ENV=development

SUFFIX="$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
WORKDIR="$(mktemp -d)"
PG_DBS=() PIDS=()
passed=0 failed=0

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  for db in "${PG_DBS[@]}"; do dropdb -h 127.0.0.1 -U postgres --if-exists "$db"; done
  rm -rf "$WORKDIR"
}
trap cleanup EXIT

check() { # check NAME CMD...
  local name="$1"; shift
  if "$@"; then echo "ok   $name"; passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}

new_pg() { # new_pg TAG -> $DB_URL (runs in the main shell so PG_DBS is updated)
  local db="ba_email_${1}_$SUFFIX"
  createdb -h 127.0.0.1 -U postgres "$db" || return 1
  PG_DBS+=("$db"); DB_URL="$PG_URL_BASE/$db"
}

# start_ref TAG PORT [ENV=VAL...] -> $REF_PID, $OUTBOX; fresh database + outbox
start_ref() {
  local tag="$1" port="$2"; shift 2
  new_pg "$tag" || return 1
  OUTBOX="$WORKDIR/outbox-$tag"; mkdir -p "$OUTBOX"
  local log="$WORKDIR/$tag.log"
  env "$@" DATABASE_URL="$DB_URL" PORT="$port" BETTER_AUTH_URL="http://127.0.0.1:$port" \
    MAIL_OUTBOX_DIR="$OUTBOX" node reference-server.mjs >"$log" 2>&1 &
  REF_PID=$!
  PIDS+=("$REF_PID")
  for _ in $(seq 100); do
    grep -q '^listening on' "$log" && return 0
    kill -0 "$REF_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "reference server did not start:" >&2; cat "$log" >&2
  return 1
}
stop_ref() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# --- 1 + 2: email-flow against a reference server with an outbox ---
# MAIL_THROW is set but matches none of email-flow's addresses: it proves the
# switch does not disturb normal mail.
start_ref flow "$PORT" MAIL_THROW='^mailfail-' || exit 1
check "email-flow.mjs passes against real Better Auth (with BETTER_AUTH_SECRET)" \
  env BASE_URL="http://127.0.0.1:$PORT" MAIL_OUTBOX_DIR="$OUTBOX" node email-flow.mjs
check "email-flow.mjs passes against real Better Auth (without BETTER_AUTH_SECRET)" \
  env -u BETTER_AUTH_SECRET BASE_URL="http://127.0.0.1:$PORT" MAIL_OUTBOX_DIR="$OUTBOX" node email-flow.mjs
# every file in the outbox must follow the contract
check "outbox files follow the contract (name, JSON keys, atomic: no temp files left)" \
  node --input-type=module -e '
    import { readdirSync, readFileSync } from "node:fs";
    const dir = process.argv[1]; let bad = 0, n = 0;
    for (const f of readdirSync(dir)) {
      n++;
      if (!/^\d{15}-[0-9a-f]{8}\.json$/.test(f)) { console.error("bad name", f); bad++; continue; }
      const m = JSON.parse(readFileSync(`${dir}/${f}`, "utf8"));
      const keys = Object.keys(m).sort().join(",");
      const want = m.kind === "otp" ? "html,kind,otpType,subject,text,to" : "html,kind,subject,text,to";
      if (keys !== want) { console.error("bad keys", f, keys); bad++; }
    }
    console.error(`${n} outbox files checked`);
    process.exit(bad || n === 0 ? 1 : 0);' "$OUTBOX"
stop_ref "$REF_PID"

# --- 3: raw transcripts for EMAIL-OBSERVATIONS.md ---
if [[ -n "$CAPTURE_DIR" ]]; then
  CAP_PORT=$((PORT + 1))
  start_ref cap "$CAP_PORT" MAIL_THROW='^mailfail-' MAIL_CALLBACK_LOG="$CAPTURE_DIR/callbacks.jsonl" || exit 1
  check "capture: flows + failure (async sender)" env BASE_URL="http://127.0.0.1:$CAP_PORT" MAIL_OUTBOX_DIR="$OUTBOX" \
    DATABASE_URL="$DB_URL" SECTIONS=flows node capture-email-observations.mjs >"$CAPTURE_DIR/flows.md"
  check "capture: failure, async sender" env BASE_URL="http://127.0.0.1:$CAP_PORT" MAIL_OUTBOX_DIR="$OUTBOX" \
    DATABASE_URL="$DB_URL" SECTIONS=failure node capture-email-observations.mjs >"$CAPTURE_DIR/failure-async.md"
  cp "$WORKDIR/cap.log" "$CAPTURE_DIR/server-async.log"
  stop_ref "$REF_PID"
  start_ref capsync "$CAP_PORT" MAIL_THROW='^mailfail-' MAIL_THROW_MODE=sync || exit 1
  check "capture: failure, sync sender" env BASE_URL="http://127.0.0.1:$CAP_PORT" MAIL_OUTBOX_DIR="$OUTBOX" \
    DATABASE_URL="$DB_URL" SECTIONS=failure node capture-email-observations.mjs >"$CAPTURE_DIR/failure-sync.md"
  cp "$WORKDIR/capsync.log" "$CAPTURE_DIR/server-sync.log"
  stop_ref "$REF_PID"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
