#!/usr/bin/env bash
# Opens an interactive SQL shell on the database a DATABASE_URL names.
set -euo pipefail
url="${1:-${DATABASE_URL:-sqlite://./data/iam.db}}"
case "$url" in
  sqlite:*)
    path="${url#sqlite:}"; path="${path#//}"; path="${path%%\?*}"
    exec sqlite3 -header -column "$path" ;;
  postgres:*|postgresql:*)
    exec psql "$url" ;;
  mysql:*|mariadb:*)
    re='^[a-z]+://([^:@/]*)(:([^@]*))?@([^:/]+)(:([0-9]+))?/([^?]*)'
    if [[ ! $url =~ $re ]]; then echo "cannot parse $url" >&2; exit 1; fi
    user=${BASH_REMATCH[1]:-root}; pass=${BASH_REMATCH[3]}; host=${BASH_REMATCH[4]}
    port=${BASH_REMATCH[6]:-3306}; db=${BASH_REMATCH[7]}
    exec mariadb --host="$host" --port="$port" --user="$user" ${pass:+--password="$pass"} "$db" ;;
  *)
    echo "unsupported DATABASE_URL: $url" >&2; exit 1 ;;
esac
