#!/usr/bin/env bash
# Load figures for docs/benchmarks.md: the release build under wrk, on SQLite and (when
# BENCH_PG_ADMIN_URL is set) PostgreSQL. Prints throughput, latency percentiles and the
# server's resident memory. The load generator runs on the same machine as the server.
#
#   bash scripts/bench.sh                      # SQLite only
#   BENCH_PG_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres bash scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }

DURATION=${BENCH_DURATION:-20s}
PORT=${BENCH_PORT:-3900}
BASE="http://127.0.0.1:$PORT"
SECRET="benchmark-secret-0123456789abcdef0123"
WORK=$(mktemp -d)
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

cargo build --release -q -p iam-server
BIN=target/release/iam-server

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
peak_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

bench_database() { # label, DATABASE_URL
  local label=$1 url=$2
  echo
  echo "################ $label ($url)"
  NODE_ENV=development BETTER_AUTH_SECRET=$SECRET DATABASE_URL=$url PORT=$PORT \
    LOG_LEVEL=warn RATE_LIMIT_ENABLED=false BETTER_AUTH_URL=$BASE "$BIN" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -fs "$BASE/api/auth/ok" >/dev/null && break; sleep 0.1; done

  local email="bench-$RANDOM$RANDOM@example.com"
  curl -fs -c "$WORK/jar" "$BASE/api/auth/sign-up/email" -H 'content-type: application/json' \
    -d "{\"name\":\"Bench\",\"email\":\"$email\",\"password\":\"benchmark-password\"}" >/dev/null
  local cookie
  cookie=$(awk '$6 == "better-auth.session_token" {print $6 "=" $7}' "$WORK/jar")
  echo "idle RSS: $(rss_kib $SERVER_PID) KiB"

  echo "--- GET /api/auth/get-session (wrk -t2 -c64 -d$DURATION)"
  wrk -t2 -c64 -d"$DURATION" --latency -H "Cookie: $cookie" "$BASE/api/auth/get-session"
  echo "RSS after get-session: $(rss_kib $SERVER_PID) KiB (peak $(peak_kib $SERVER_PID) KiB)"

  cat > "$WORK/sign-in.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"$email","password":"benchmark-password"}'
LUA
  echo "--- POST /api/auth/sign-in/email (wrk -t2 -c16 -d$DURATION)"
  wrk -t2 -c16 -d"$DURATION" --latency -s "$WORK/sign-in.lua" "$BASE/api/auth/sign-in/email"
  echo "RSS after sign-in: $(rss_kib $SERVER_PID) KiB (peak $(peak_kib $SERVER_PID) KiB)"

  echo "--- mixed: get-session (wrk -t1 -c32) while a sign-in storm runs (wrk -t1 -c32)"
  wrk -t1 -c32 -d"$DURATION" -s "$WORK/sign-in.lua" "$BASE/api/auth/sign-in/email" > "$WORK/storm.txt" &
  local storm=$!
  wrk -t1 -c32 -d"$DURATION" --latency -H "Cookie: $cookie" "$BASE/api/auth/get-session"
  wait $storm
  echo "(sign-in during the mix: $(grep Requests/sec "$WORK/storm.txt"))"
  echo "RSS after the mix: $(rss_kib $SERVER_PID) KiB (peak $(peak_kib $SERVER_PID) KiB)"

  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
}

bench_database "SQLite" "sqlite://$WORK/bench.db"

if [ -n "${BENCH_PG_ADMIN_URL:-}" ]; then
  db="iam_bench_$RANDOM"
  psql "$BENCH_PG_ADMIN_URL" -qc "CREATE DATABASE $db"
  bench_database "PostgreSQL" "${BENCH_PG_ADMIN_URL%/*}/$db"
  psql "$BENCH_PG_ADMIN_URL" -qc "DROP DATABASE $db"
fi
