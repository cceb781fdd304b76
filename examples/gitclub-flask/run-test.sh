#!/usr/bin/env bash
# Tests of the GitClub Flask example against a throwaway PostgreSQL cluster
# with pg_rbac (which must already be installed: scripts/test.sh flask
# builds and installs it first).  The cluster runs as postgres on a private
# port and socket directory, with the library preloaded and a random
# rbac.jwt_secret.  The database of ../gitclub-api/schema.sql (the same
# schema as the Node.js example) is loaded once as a template; each test
# gets a copy of it and a fresh app.  Everything started here is stopped on
# exit.  Exits non-zero if any test fails (or if none ran).
#
#   examples/gitclub-flask/run-test.sh [PYTEST ARGS]      (as root or as postgres)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../../scripts/common.sh"

PYTHON=${PYTHON:-/usr/bin/python3}     # Debian's: python3-flask, python3-sqlalchemy, python3-psycopg2
PORT=${GITCLUB_FLASK_PG_PORT:-54392}
DIR=$(mktemp -d /tmp/pg_rbac_flask.XXXXXX)
trap 'cluster_stop "$DIR"' EXIT
trap 'exit 130' INT TERM

SECRET=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')
cluster_start "$DIR" "$PORT" "shared_preload_libraries = 'pg_rbac'" "rbac.jwt_secret = '$SECRET'" \
    "lc_messages = 'C'"            # English messages (pg_rbac.WriteRefused reads one)

export PGHOST=$DIR PGPORT=$PORT PGUSER=postgres
"$BINDIR/psql" -X -q -d postgres -c 'CREATE DATABASE gitclub_template'
(cd "$HERE/../gitclub-api" &&
    "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -d gitclub_template -o /dev/null -f schema.sql)

status=0
(cd "$HERE" && env GITCLUB_TEMPLATE=gitclub_template GITCLUB_APP_ROLE=gitclub_app \
    JWT_SECRET="$SECRET" PYTHONPATH="$HERE:$HERE/../../python" PYTHONDONTWRITEBYTECODE=1 \
    SQLALCHEMY_WARN_20=1 "$PYTHON" -m pytest -p no:cacheprovider "$@") || status=$?
if [ $status -ne 0 ]; then
    echo "examples/gitclub-flask/run-test.sh: pytest exited with $status" >&2
    [ -s "$DIR/server.log" ] && { echo "--- server log (tail)"; tail -30 "$DIR/server.log"; }
fi
exit $status
