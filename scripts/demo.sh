#!/usr/bin/env bash
# The demo: build and install pg_rbac, start a throwaway PostgreSQL cluster,
# load the GitClub policy of SPEC section 2 with a small data set, and show
# enforcement.  Run as root on a fresh Debian 12 machine; missing packages
# are installed first.  The cluster is removed at the end.
set -euo pipefail
. "$(dirname "$0")/common.sh"

"$SRC_DIR/scripts/deps.sh"
build_and_install
DIR=$(mktemp -d /tmp/pg_rbac_demo.XXXXXX)
PORT=${PORT:-55432}
trap 'cluster_stop "$DIR"' EXIT
cluster_start "$DIR" "$PORT"
cp -r "$SRC_DIR/examples" "$DIR/examples"
chown -R postgres "$DIR/examples"
cd "$DIR"
as_pg "$BINDIR/psql" -X -h "$DIR" -p "$PORT" -U postgres -d postgres \
    -v ON_ERROR_STOP=1 -P pager=off -f examples/demo.sql
echo
echo "demo finished; the cluster in $DIR is removed."
