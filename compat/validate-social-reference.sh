#!/usr/bin/env bash
# validate-social-reference.sh — prove social-flow.mjs and oauth-provider.mjs against
# REAL Better Auth 1.7.25.
#
# 1. oauth-provider.mjs (fresh) -> oauth-provider-selftest.mjs must pass
# 2. fresh PostgreSQL database + outbox -> reference-server.mjs with OAUTH_PROVIDER_URL
#    and MAIL_OUTBOX_DIR -> social-flow.mjs must pass (password user verified by mail)
# 3. fresh database -> reference server with OAUTH_ENCRYPT_TOKENS=1 (no mail) ->
#    social-flow.mjs (password user verified with a minted JWT) must pass; the stored
#    tokens must be bare-hex XChaCha20-Poly1305 (check-oauth-token-encryption.mjs);
#    client-flow.mjs must still pass against this server
# 4. fresh database -> the same with BETTER_AUTH_SECRETS (secret rotation) ->
#    social-flow.mjs must pass; stored tokens must be `$ba$<version>$<hex>` envelopes
# 5. the worked examples in oauth-token-encryption-examples.json decrypt
# 6. with --capture DIR: transcripts (DIR/social-{plain,encrypted,envelope}.md, with
#    verification/account rows), encryption examples (DIR/encryption-{hex,envelope}.json)
#    and the server logs, for SOCIAL-OBSERVATIONS.md
# Every database, directory and process created here is removed/stopped again.
#
# Needs: node + `npm ci` in this folder, createdb/dropdb (PostgreSQL on 127.0.0.1:5432,
# user postgres, trust auth). Override with PG_URL_BASE / PORT (uses PORT..PORT+3).
#
# Exit 0 iff everything passed. Last line: "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")"

CAPTURE_DIR=""
if [[ "${1:-}" == "--capture" ]]; then
  CAPTURE_DIR="$(mkdir -p "${2:?--capture needs a directory}" && cd "$2" && pwd)"
fi

PG_URL_BASE="${PG_URL_BASE:-postgres://postgres@127.0.0.1:5432}"
PORT="${PORT:-18210}"
PROVIDER_PORT="$PORT"
PROVIDER_URL="http://127.0.0.1:$PROVIDER_PORT"
SECRET="${BETTER_AUTH_SECRET:-compat-reference-secret-0123456789abcdef}"
ROTATED_SECRETS="2:rotated-secret-v2-abcdefghijklmnopqrstuvwxyz0123,1:$SECRET"
export BETTER_AUTH_SECRET="$SECRET"
unset BETTER_AUTH_SECRETS
# Origin checks ON (off under NODE_ENV=test), rate limiting OFF (only in production).
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

new_pg() { # new_pg TAG -> $DB_URL (main shell, so PG_DBS is updated)
  local db="ba_social_${1}_$SUFFIX"
  createdb -h 127.0.0.1 -U postgres "$db" || return 1
  PG_DBS+=("$db"); DB_URL="$PG_URL_BASE/$db"
}

# wait_listening PID LOG
wait_listening() {
  for _ in $(seq 100); do
    grep -q '^listening on' "$2" && return 0
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  echo "process did not start:" >&2; cat "$2" >&2
  return 1
}

start_provider() {
  PORT="$PROVIDER_PORT" node oauth-provider.mjs >"$WORKDIR/provider.log" 2>&1 &
  PROVIDER_PID=$!
  PIDS+=("$PROVIDER_PID")
  wait_listening "$PROVIDER_PID" "$WORKDIR/provider.log"
}

# start_ref TAG PORT [ENV=VAL...] -> $REF_PID, $DB_URL, $OUTBOX; fresh database + outbox
start_ref() {
  local tag="$1" port="$2"; shift 2
  new_pg "$tag" || return 1
  OUTBOX="$WORKDIR/outbox-$tag"; mkdir -p "$OUTBOX"
  local log="$WORKDIR/$tag.log"
  env "$@" DATABASE_URL="$DB_URL" PORT="$port" BETTER_AUTH_URL="http://127.0.0.1:$port" \
    OAUTH_PROVIDER_URL="$PROVIDER_URL" node reference-server.mjs >"$log" 2>&1 &
  REF_PID=$!
  PIDS+=("$REF_PID")
  wait_listening "$REF_PID" "$log"
}
stop_ref() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

capture_env() { # capture_env TAG -> prints env assignments for social-flow
  [[ -n "$CAPTURE_DIR" ]] && echo "TRANSCRIPT_FILE=$CAPTURE_DIR/social-$1.md CAPTURE_DB_URL=$DB_URL"
}
save_log() { [[ -n "$CAPTURE_DIR" ]] && cp "$WORKDIR/$1.log" "$CAPTURE_DIR/server-$1.log"; return 0; }

# --- 1: the provider itself ---
start_provider || exit 1
check "oauth-provider-selftest.mjs passes" env OAUTH_PROVIDER_URL="$PROVIDER_URL" node oauth-provider-selftest.mjs

# --- 2: plain tokens, password user verified through the outbox ---
P2=$((PORT + 1))
start_ref plain "$P2" MAIL_OUTBOX_DIR="$WORKDIR/outbox-plain" || exit 1
check "social-flow.mjs passes against real Better Auth (plain tokens, mail outbox)" \
  env $(capture_env plain) BASE_URL="http://127.0.0.1:$P2" OAUTH_PROVIDER_URL="$PROVIDER_URL" \
  MAIL_OUTBOX_DIR="$OUTBOX" node social-flow.mjs
plain_tokens() { # every OAuth account row holds the provider's tokens verbatim (JWT / UUID)
  local bad
  bad="$(psql -qtA "$DB_URL" -c "select count(*) from account where \"providerId\" <> 'credential'
    and not (\"accessToken\" like 'eyJ%' and \"refreshToken\" ~ '^[0-9a-f-]{36}\$')")" || return 1
  [[ "$bad" == "0" ]]
}
check "plain: account tokens stored in clear text" plain_tokens
stop_ref "$REF_PID"; save_log plain

# --- 3: encryptOAuthTokens with BETTER_AUTH_SECRET only -> bare hex ---
P3=$((PORT + 2))
start_ref encrypted "$P3" OAUTH_ENCRYPT_TOKENS=1 || exit 1
check "social-flow.mjs passes against real Better Auth (encryptOAuthTokens, minted verification JWT)" \
  env $(capture_env encrypted) BASE_URL="http://127.0.0.1:$P3" OAUTH_PROVIDER_URL="$PROVIDER_URL" node social-flow.mjs
check "encrypted tokens are bare hex XChaCha20-Poly1305 under SHA-256(secret)" \
  bash -c "DATABASE_URL='$DB_URL' OAUTH_PROVIDER_URL='$PROVIDER_URL' EXPECT_FORMAT=hex node check-oauth-token-encryption.mjs > '$WORKDIR/encryption-hex.json'"
check "client-flow.mjs still passes with the social options on" \
  env BASE_URL="http://127.0.0.1:$P3" node client-flow.mjs
stop_ref "$REF_PID"; save_log encrypted

# --- 4: encryptOAuthTokens with BETTER_AUTH_SECRETS -> $ba$<v>$ envelope ---
P4=$((PORT + 3))
start_ref envelope "$P4" OAUTH_ENCRYPT_TOKENS=1 BETTER_AUTH_SECRETS="$ROTATED_SECRETS" MAIL_OUTBOX_DIR="$WORKDIR/outbox-envelope" || exit 1
check "social-flow.mjs passes against real Better Auth (encryptOAuthTokens + BETTER_AUTH_SECRETS)" \
  env $(capture_env envelope) BASE_URL="http://127.0.0.1:$P4" OAUTH_PROVIDER_URL="$PROVIDER_URL" \
  MAIL_OUTBOX_DIR="$OUTBOX" node social-flow.mjs
check "encrypted tokens are \$ba\$2\$<hex> envelopes under SHA-256(secrets[2])" \
  bash -c "DATABASE_URL='$DB_URL' OAUTH_PROVIDER_URL='$PROVIDER_URL' BETTER_AUTH_SECRETS='$ROTATED_SECRETS' EXPECT_FORMAT=envelope node check-oauth-token-encryption.mjs > '$WORKDIR/encryption-envelope.json'"
stop_ref "$REF_PID"; save_log envelope

# --- 5: the recorded examples in oauth-token-encryption-examples.json still decrypt ---
check "oauth-token-encryption-examples.json decrypts (from scratch + Better Auth)" \
  env FIXTURE=oauth-token-encryption-examples.json node check-oauth-token-encryption.mjs

if [[ -n "$CAPTURE_DIR" ]]; then
  cp "$WORKDIR"/encryption-*.json "$CAPTURE_DIR/" 2>/dev/null
  cp "$WORKDIR/provider.log" "$CAPTURE_DIR/provider.log"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
