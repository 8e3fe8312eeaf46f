#!/usr/bin/env bash
# validate-reference.sh — prove the harness against REAL Better Auth 1.7.25.
#
# 1. fresh PostgreSQL database -> reference-server.mjs -> client-flow.mjs must pass
# 2. seed-better-auth.mjs on a fresh PostgreSQL and a fresh MariaDB database; for
#    each, a reference server on the seeded database must accept the emitted cookie
#    (get-session) and the emitted password (sign-in)
# 3. every database created here is dropped again, every process started is stopped
#
# Needs: node + `npm ci` done in this folder, createdb/dropdb/psql (PostgreSQL on
# 127.0.0.1:5432, user postgres, trust auth), mysql client (MariaDB on 127.0.0.1:3306,
# root, empty password), curl, jq. Override with PG_URL_BASE / MYSQL_URL_BASE.
#
# Exit 0 iff everything passed. Last line: "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")"

PG_URL_BASE="${PG_URL_BASE:-postgres://postgres@127.0.0.1:5432}"
MYSQL_URL_BASE="${MYSQL_URL_BASE:-mysql://root@127.0.0.1:3306}"
PORT="${PORT:-18123}"
export BETTER_AUTH_SECRET="${BETTER_AUTH_SECRET:-compat-reference-secret-0123456789abcdef}"
# Origin checks must be ON: Better Auth turns them off under NODE_ENV=test.
export NODE_ENV=development

SUFFIX="$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
LOGDIR="$(mktemp -d)"
PG_DBS=() MY_DBS=() PIDS=()
passed=0 failed=0

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  for db in "${PG_DBS[@]}"; do dropdb -h 127.0.0.1 -U postgres --if-exists "$db"; done
  for db in "${MY_DBS[@]}"; do mysql -uroot -h127.0.0.1 -e "drop database if exists \`$db\`"; done
  rm -rf "$LOGDIR"
}
trap cleanup EXIT

check() { # check NAME CMD... : run CMD, count and report
  local name="$1"; shift
  if "$@"; then echo "ok   $name"; passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}

# These helpers run in the main shell (never inside $(...)) so that the
# bookkeeping arrays used by cleanup() are really updated. Results go to globals.
new_pg() { # new_pg TAG -> $DB_URL
  local db="ba_ref_${1}_$SUFFIX"
  createdb -h 127.0.0.1 -U postgres "$db" || return 1
  PG_DBS+=("$db"); DB_URL="$PG_URL_BASE/$db"
}
new_my() { # new_my TAG -> $DB_URL
  local db="ba_ref_${1}_$SUFFIX"
  mysql -uroot -h127.0.0.1 -e "create database \`$db\`" || return 1
  MY_DBS+=("$db"); DB_URL="$MYSQL_URL_BASE/$db"
}

# start_ref DATABASE_URL PORT LOGNAME -> $REF_PID ; waits for "listening on"
start_ref() {
  local url="$1" port="$2" log="$LOGDIR/$3.log"
  DATABASE_URL="$url" PORT="$port" BETTER_AUTH_URL="http://127.0.0.1:$port" \
    node reference-server.mjs >"$log" 2>&1 &
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

# --- 1. client-flow against a reference server on a fresh PostgreSQL database ---
new_pg flow || exit 1
start_ref "$DB_URL" "$PORT" flow || exit 1
check "client-flow.mjs passes against real Better Auth (postgres)" \
  env BASE_URL="http://127.0.0.1:$PORT" node client-flow.mjs
stop_ref "$REF_PID"

# --- 2. seed-better-auth.mjs on fresh PostgreSQL and MariaDB databases ---
verify_seed() { # verify_seed KIND URL PORT
  local kind="$1" url="$2" port="$3" out="$LOGDIR/seed-$1.json"
  DATABASE_URL="$url" BETTER_AUTH_URL="http://127.0.0.1:$port" \
    node seed-better-auth.mjs >"$out" 2>"$LOGDIR/seed-$kind.err" || { cat "$LOGDIR/seed-$kind.err"; return 1; }
  [[ "$(wc -l <"$out")" -eq 1 ]] || { echo "stdout is not exactly one line"; cat "$out"; return 1; }
  jq -e '. as $o | ($o.email|test("^legacy-[0-9a-f]+@example.com$")) and $o.password=="legacy-password-123"
         and ($o.userId|length)==32 and ($o.sessionToken|length)==32
         and ($o.cookie|startswith("better-auth.session_token=" + $o.sessionToken + "."))' "$out" >/dev/null ||
    { echo "unexpected seed output:"; cat "$out"; return 1; }
  start_ref "$url" "$port" "ref-$kind" || return 1
  local cookie email token user ok=0
  cookie="$(jq -r .cookie "$out")" email="$(jq -r .email "$out")"
  token="$(jq -r .sessionToken "$out")" user="$(jq -r .userId "$out")"
  # the emitted cookie is accepted by real Better Auth ...
  curl -sS -H "Cookie: $cookie" "http://127.0.0.1:$port/api/auth/get-session" |
    jq -e --arg t "$token" --arg u "$user" '.session.token==$t and .user.id==$u' >/dev/null || { echo "cookie rejected"; ok=1; }
  # ... and so is the emitted password
  curl -sS -H 'Content-Type: application/json' -H "Origin: http://127.0.0.1:$port" \
    --data-binary "{\"email\":\"$email\",\"password\":\"legacy-password-123\"}" \
    "http://127.0.0.1:$port/api/auth/sign-in/email" |
    jq -e --arg u "$user" '.user.id==$u and (.token|length)==32' >/dev/null || { echo "password rejected"; ok=1; }
  stop_ref "$REF_PID"
  return $ok
}
new_pg seed && check "seed-better-auth.mjs (postgres): output + cookie/password accepted by Better Auth" \
  verify_seed postgres "$DB_URL" $((PORT + 1))
new_my seed && check "seed-better-auth.mjs (mariadb): output + cookie/password accepted by Better Auth" \
  verify_seed mysql "$DB_URL" $((PORT + 2))

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
