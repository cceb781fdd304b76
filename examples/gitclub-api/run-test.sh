#!/usr/bin/env bash
# End-to-end test of the GitClub API example: a throwaway PostgreSQL cluster
# with pg_rbac (which must already be installed: scripts/test.sh example
# builds and installs it first), schema.sql, the API server on a free local
# port, and test/api.test.js sending requests as several users.  Everything
# it starts is stopped on exit, failed or not.  Exits non-zero on failure.
#
#   examples/gitclub-api/run-test.sh      (as root or as postgres)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../../scripts/common.sh"

PORT=${GITCLUB_PG_PORT:-54390}          # the socket is in a private directory
DIR=$(mktemp -d /tmp/pg_rbac_gitclub.XXXXXX)
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    cluster_stop "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM               # so that the EXIT trap runs on a signal too

command -v node >/dev/null && command -v npm >/dev/null ||
    { echo "run-test.sh: node and npm are needed (scripts/deps.sh installs them)" >&2; exit 1; }

# The secret that signs the tokens: in postgresql.conf, with the library
# preloaded so that no ordinary role can read it (docs/operations.md).
SECRET=$(node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('hex'))")
cluster_start "$DIR" "$PORT" "shared_preload_libraries = 'pg_rbac'" "rbac.jwt_secret = '$SECRET'"

export PGHOST=$DIR PGPORT=$PORT PGDATABASE=gitclub
"$BINDIR/psql" -X -q -U postgres -d postgres -c 'CREATE DATABASE gitclub'
(cd "$HERE" && "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -U postgres -o /dev/null -f schema.sql)

(cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

# The server picks a free port (PORT=0) and prints it.
PGUSER=gitclub_app PORT=0 node "$HERE/server.js" >"$DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do
    grep -q 'listening on' "$DIR/server.log" && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
API_URL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$DIR/server.log")
if [ -z "$API_URL" ]; then
    echo "run-test.sh: the server did not start" >&2
    cat "$DIR/server.log" >&2
    exit 1
fi

status=0
(cd "$HERE" && API_URL=$API_URL JWT_SECRET=$SECRET APP_PGUSER=gitclub_app ADMIN_PGUSER=postgres \
    node --test test/api.test.js) || status=$?
if [ $status -ne 0 ] && [ -s "$DIR/server.log" ]; then
    echo "--- server log"
    cat "$DIR/server.log"
fi
exit $status
