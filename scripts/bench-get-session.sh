#!/usr/bin/env bash
# get-session under wrk with the cookie cache off and on (SQLite), otherwise as in
# scripts/bench.sh. BIN= another build (A/B against an older commit), CACHES="false" or
# "true" for one of the two, BENCH_DURATION (15s).
set -euo pipefail
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
cd "$(dirname "$0")/.."
[ -n "${BIN:-}" ] || cargo build --release -q -p iam-server
BIN=${BIN:-target/release/iam-server}
SECRET="benchmark-secret-0123456789abcdef0123"
for cache in ${CACHES:-false true}; do
  PORT=3911; BASE="http://127.0.0.1:$PORT"; WORK=$(mktemp -d)
  NODE_ENV=development BETTER_AUTH_SECRET=$SECRET DATABASE_URL="sqlite://$WORK/b.db" PORT=$PORT \
    LOG_LEVEL=warn RATE_LIMIT_ENABLED=false BETTER_AUTH_URL=$BASE SESSION_COOKIE_CACHE=$cache "$BIN" &
  PID=$!
  for _ in $(seq 1 100); do curl -fs "$BASE/api/auth/ok" >/dev/null && break; sleep 0.1; done
  curl -fs -c "$WORK/jar" "$BASE/api/auth/sign-up/email" -H 'content-type: application/json' \
    -d '{"name":"Bench","email":"bench@example.com","password":"benchmark-password"}' >/dev/null
  curl -fs -b "$WORK/jar" -c "$WORK/jar" "$BASE/api/auth/get-session" >/dev/null
  COOKIE=$(awk '$6 ~ /^better-auth\./ {printf "%s=%s; ", $6, $7}' "$WORK/jar")
  echo "### SESSION_COOKIE_CACHE=$cache (cookies: $(echo "$COOKIE" | grep -o 'better-auth\.[a-z_]*' | tr '\n' ' '))"
  wrk -t2 -c64 -d"${BENCH_DURATION:-15s}" --latency -H "Cookie: $COOKIE" "$BASE/api/auth/get-session" | grep -E "Requests/sec|50%|90%|99%|Non-2xx"
  echo "RSS: $(awk '/^VmRSS/ {print $2}' /proc/$PID/status) KiB"
  kill $PID; wait $PID 2>/dev/null || true; rm -rf "$WORK"
done
