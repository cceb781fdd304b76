#!/usr/bin/env bash
# Tests of the Python package pg_rbac (python/tests, pytest) against a
# throwaway PostgreSQL cluster with pg_rbac, which must already be installed
# (scripts/test.sh python builds and installs it first).  The cluster runs
# as postgres on a private port and socket directory, with the library
# preloaded, a random rbac.jwt_secret and a key file of fresh RSA and EC
# keys; each test module's databases are
# made and dropped by the pytest fixtures of pg_rbac.testing.  Everything
# started here is stopped on exit.  Exits non-zero if any test fails (or if
# none ran).
#
#   python/run-test.sh [PYTEST ARGS]      (as root or as postgres)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../scripts/common.sh"

PYTHON=${PYTHON:-/usr/bin/python3}     # Debian's, with python3-sqlalchemy and python3-psycopg2
PORT=${PG_RBAC_PY_PORT:-54391}
DIR=$(mktemp -d /tmp/pg_rbac_python.XXXXXX)
trap 'cluster_stop "$DIR"' EXIT
trap 'exit 130' INT TERM

# an HS256 secret, and a key file with an RSA and an EC key whose private
# halves the tests sign with (pg_rbac.testing.make_token)
SECRET=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')
mkdir "$DIR/keys"
"$PYTHON" "$HERE/tests/make_keys.py" "$DIR/keys"
chmod 755 "$DIR/keys"; chmod 644 "$DIR/keys/jwks.json"   # the private keys stay the caller's
cluster_start "$DIR" "$PORT" "shared_preload_libraries = 'pg_rbac'" "rbac.jwt_secret = '$SECRET'" \
    "rbac.jwt_key_file = '$DIR/keys/jwks.json'" \
    "lc_messages = 'C'"            # English messages (pg_rbac.WriteRefused reads one)

status=0
(cd "$HERE" && env PGHOST="$DIR" PGPORT="$PORT" PGUSER=postgres PGDATABASE=postgres \
    PG_RBAC_TEST_JWT_SECRET="$SECRET" PG_RBAC_TEST_KEYS="$DIR/keys" PYTHONPATH="$HERE" PYTHONDONTWRITEBYTECODE=1 \
    SQLALCHEMY_WARN_20=1 \
    "$PYTHON" -m pytest -p no:cacheprovider "$@") || status=$?
if [ $status -ne 0 ]; then
    echo "python/run-test.sh: pytest exited with $status" >&2
    [ -s "$DIR/server.log" ] && { echo "--- server log (tail)"; tail -30 "$DIR/server.log"; }
fi
exit $status
