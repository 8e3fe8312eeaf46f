#!/usr/bin/env bash
# validate-org-reference.sh — prove org-flow.mjs against REAL Better Auth 1.7.25.
#
# 1. fresh PostgreSQL database + fresh outbox directory -> reference-server.mjs with
#    ORG=1 and MAIL_OUTBOX_DIR (organization plugin: teams, dynamic access control,
#    invitation mails) -> org-flow.mjs must pass, twice in a row on the same server
#    (fresh random users/slugs each run)
# 2. every outbox file follows the lib/outbox.mjs contract (incl. kind "invitation")
# 3. the same on a fresh MariaDB database (skip with ORG_MYSQL=0)
# 4. without ORG the reference server has no organization endpoints (404) and no
#    organization tables — "ORG unset = configured exactly as before"
# 5. with --capture DIR: also write DIR/transcript.md (capture-org-observations.mjs with
#    DB dumps and DDL=1, used for ORG-OBSERVATIONS.md), DIR/callbacks.jsonl and the
#    server log, on their own fresh database
# Every database, directory and process created here is removed again.
#
# Needs: node + `npm ci` in this folder, createdb/dropdb/psql (PostgreSQL on 127.0.0.1:5432,
# user postgres, trust auth), mysql client (MariaDB on 127.0.0.1:3306, root, no password).
# Override with PG_URL_BASE / MYSQL_URL_BASE / PORT.
#
# Exit 0 iff everything passed. Last line: "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")"

CAPTURE_DIR=""
if [[ "${1:-}" == "--capture" ]]; then
  CAPTURE_DIR="$(mkdir -p "${2:?--capture needs a directory}" && cd "$2" && pwd)"
fi

PG_URL_BASE="${PG_URL_BASE:-postgres://postgres@127.0.0.1:5432}"
MYSQL_URL_BASE="${MYSQL_URL_BASE:-mysql://root@127.0.0.1:3306}"
PORT="${PORT:-18143}"
export BETTER_AUTH_SECRET="${BETTER_AUTH_SECRET:-compat-reference-secret-0123456789abcdef}"
# Origin checks must be ON (Better Auth turns them off under NODE_ENV=test) and
# rate limiting OFF (Better Auth only rate-limits under NODE_ENV=production).
export NODE_ENV=development

SUFFIX="$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
WORKDIR="$(mktemp -d)"
PG_DBS=() MY_DBS=() PIDS=()
passed=0 failed=0

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  for db in "${PG_DBS[@]}"; do dropdb -h 127.0.0.1 -U postgres --if-exists "$db"; done
  for db in "${MY_DBS[@]}"; do mysql -uroot -h127.0.0.1 -e "drop database if exists \`$db\`"; done
  rm -rf "$WORKDIR"
}
trap cleanup EXIT

check() { # check NAME CMD...
  local name="$1"; shift
  if "$@"; then echo "ok   $name"; passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}

new_db() { # new_db KIND TAG -> $DB_URL, $DB_NAME (runs in the main shell so the lists are updated)
  local db="ba_org_${2}_$SUFFIX"
  if [[ "$1" == pg ]]; then
    createdb -h 127.0.0.1 -U postgres "$db" || return 1
    PG_DBS+=("$db"); DB_URL="$PG_URL_BASE/$db"
  else
    mysql -uroot -h127.0.0.1 -e "create database \`$db\`" || return 1
    MY_DBS+=("$db"); DB_URL="$MYSQL_URL_BASE/$db"
  fi
  DB_NAME="$db"
}

# start_ref KIND TAG PORT [ENV=VAL...] -> $REF_PID, $OUTBOX, $DB_URL; fresh database + outbox
start_ref() {
  local kind="$1" tag="$2" port="$3"; shift 3
  new_db "$kind" "$tag" || return 1
  OUTBOX="$WORKDIR/outbox-$tag"; mkdir -p "$OUTBOX"
  local log="$WORKDIR/$tag.log"
  env "$@" DATABASE_URL="$DB_URL" PORT="$port" BETTER_AUTH_URL="http://127.0.0.1:$port" \
    node reference-server.mjs >"$log" 2>&1 &
  REF_PID=$!
  PIDS+=("$REF_PID")
  for _ in $(seq 150); do
    grep -q '^listening on' "$log" && return 0
    kill -0 "$REF_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "reference server did not start:" >&2; cat "$log" >&2
  return 1
}
stop_ref() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

outbox_contract() { # outbox_contract DIR — every file: name, JSON keys; at least one invitation
  node --input-type=module -e '
    import { readdirSync, readFileSync } from "node:fs";
    const dir = process.argv[1]; let bad = 0, n = 0, inv = 0;
    for (const f of readdirSync(dir)) {
      n++;
      if (!/^\d{15}-[0-9a-f]{8}\.json$/.test(f)) { console.error("bad name", f); bad++; continue; }
      const m = JSON.parse(readFileSync(`${dir}/${f}`, "utf8"));
      const keys = Object.keys(m).sort().join(",");
      const want = m.kind === "otp" ? "html,kind,otpType,subject,text,to" : "html,kind,subject,text,to";
      if (keys !== want) { console.error("bad keys", f, keys); bad++; }
      if (m.kind === "invitation") {
        inv++;
        if (!/^https?:\/\/[^/]+\/accept-invitation\/[A-Za-z0-9]{32}$/m.test(m.text)) { console.error("no accept link", f); bad++; }
      }
    }
    console.error(`${n} outbox files checked, ${inv} invitations`);
    process.exit(bad || inv === 0 ? 1 : 0);' "$1"
}

# --- 1 + 2: org-flow against a PostgreSQL reference server with ORG=1 and an outbox ---
start_ref pg flow "$PORT" ORG=1 MAIL_OUTBOX_DIR="$WORKDIR/outbox-flow" || exit 1
check "org-flow.mjs passes against real Better Auth (postgres)" \
  env BASE_URL="http://127.0.0.1:$PORT" MAIL_OUTBOX_DIR="$OUTBOX" node org-flow.mjs
check "org-flow.mjs passes again on the same server (postgres)" \
  env BASE_URL="http://127.0.0.1:$PORT" MAIL_OUTBOX_DIR="$OUTBOX" node org-flow.mjs
check "outbox files follow the contract (incl. kind invitation + accept link)" outbox_contract "$OUTBOX"
stop_ref "$REF_PID"

# --- 3: MariaDB ---
if [[ "${ORG_MYSQL:-1}" != "0" ]]; then
  MY_PORT=$((PORT + 1))
  start_ref my flowmy "$MY_PORT" ORG=1 MAIL_OUTBOX_DIR="$WORKDIR/outbox-flowmy" || exit 1
  check "org-flow.mjs passes against real Better Auth (mariadb)" \
    env BASE_URL="http://127.0.0.1:$MY_PORT" MAIL_OUTBOX_DIR="$OUTBOX" node org-flow.mjs
  stop_ref "$REF_PID"
fi

# --- 4: without ORG nothing changes ---
NO_PORT=$((PORT + 2))
start_ref pg noorg "$NO_PORT" MAIL_OUTBOX_DIR="$WORKDIR/outbox-noorg" || exit 1
no_org() {
  local code tables
  code="$(curl -s -o /dev/null -w '%{http_code}' -H "Origin: http://127.0.0.1:$NO_PORT" "http://127.0.0.1:$NO_PORT/api/auth/organization/list")"
  tables="$(psql -h 127.0.0.1 -U postgres -d "$DB_NAME" -Atc "select string_agg(table_name, ',' order by table_name) from information_schema.tables where table_schema = 'public'")"
  cols="$(psql -h 127.0.0.1 -U postgres -d "$DB_NAME" -Atc "select count(*) from information_schema.columns where table_name = 'session' and column_name in ('activeOrganizationId','activeTeamId')")"
  echo "without ORG: /organization/list -> $code; tables: $tables; session org columns: $cols" >&2
  [[ "$code" == 404 && "$tables" == "account,session,user,verification" && "$cols" == 0 ]]
}
check "without ORG: no organization endpoints, tables or session columns" no_org
stop_ref "$REF_PID"

# --- 5: raw transcript for ORG-OBSERVATIONS.md ---
if [[ -n "$CAPTURE_DIR" ]]; then
  CAP_PORT=$((PORT + 3))
  rm -f "$CAPTURE_DIR/callbacks.jsonl"
  start_ref pg cap "$CAP_PORT" ORG=1 MAIL_OUTBOX_DIR="$WORKDIR/outbox-cap" MAIL_CALLBACK_LOG="$CAPTURE_DIR/callbacks.jsonl" || exit 1
  capture() {
    env BASE_URL="http://127.0.0.1:$CAP_PORT" MAIL_OUTBOX_DIR="$OUTBOX" DATABASE_URL="$DB_URL" \
      MAIL_CALLBACK_LOG="$CAPTURE_DIR/callbacks.jsonl" DDL=1 node capture-org-observations.mjs >"$CAPTURE_DIR/transcript.md"
  }
  check "capture: transcript + DB rows + DDL (postgres and mariadb scratch databases)" capture
  cp "$WORKDIR/cap.log" "$CAPTURE_DIR/server.log"
  stop_ref "$REF_PID"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
