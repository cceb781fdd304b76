#!/usr/bin/env bash
# Benchmark (issue 3): role data writes.
#  1. COPY of 1,000,000 assignments into the writable view
#     rbac.role_assignments (validated like assign_role, written in bulk),
#     next to the same COPY into a plain table of the same shape and indexes
#     (what the storage alone costs).  Target: under 30 s.
#  2. Single-row rbac.assign_role throughput with pgbench (prepared mode,
#     one new assignment per transaction), 1 and 2 clients, on top of the
#     1,000,000 loaded assignments.  Target: at least 5,000 calls/s.
# The cluster is the benchmark cluster of scripts/common.sh (fsync = off,
# so the figures measure the extension, not this machine's disk).
#
#   tests/bench/roledata.sh            SECS=15 ROWS=1000000 by default
set -euo pipefail
. "$(dirname "$0")/../../scripts/common.sh"
SECS=${SECS:-15}
ROWS=${ROWS:-1000000}
DIR=$(mktemp -d /tmp/rbac_bench.XXXXXX)
PORT=${PORT:-55492}
trap 'cluster_stop "$DIR"' EXIT
cluster_start "$DIR" "$PORT" "max_wal_size = 8GB" "checkpoint_timeout = 30min"
cp "$SRC_DIR/examples/gitclub.polar" "$DIR/"
chmod 644 "$DIR"/*.polar
PSQL=(as_pg "$BINDIR/psql" -X -q -h "$DIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
"${PSQL[@]}" -c "CREATE EXTENSION pg_rbac"
"${PSQL[@]}" -c "SELECT rbac.load_policy(pg_read_file('$DIR/gitclub.polar'))"

# The rows: users u1..uN, a repository role each on 50,000 repositories,
# every tenth row expiring.
"${PSQL[@]}" -c "COPY (SELECT 'User:u' || i, (ARRAY['reader','maintainer','admin'])[i % 3 + 1],
                              'Repository:' || (i % 50000),
                              CASE WHEN i % 10 = 3 THEN DATE '2100-01-01'::timestamptz END
                       FROM generate_series(1, $ROWS) i) TO '$DIR/rows.tsv'"
"${PSQL[@]}" -c "COPY (SELECT 'User', 'u' || i, (ARRAY['reader','maintainer','admin'])[i % 3 + 1],
                              'Repository', (i % 50000)::text,
                              CASE WHEN i % 10 = 3 THEN DATE '2100-01-01'::timestamptz END
                       FROM generate_series(1, $ROWS) i) TO '$DIR/plain.tsv'"
"${PSQL[@]}" -c "CREATE TABLE plain (LIKE rbac.assignment INCLUDING ALL)"
"${PSQL[@]}" -c "CHECKPOINT"

# Wall time of one SQL command, in seconds.
timed() {
    local t0 t1
    t0=$(date +%s.%N)
    "${PSQL[@]}" -c "$1"
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'
}
plain=$(timed "COPY plain (actor_type, actor_id, role, resource_type, resource_id, expires_at) FROM '$DIR/plain.tsv'")
"${PSQL[@]}" -c "CHECKPOINT"
copy=$(timed "COPY rbac.role_assignments (actor, role, resource, expires_at) FROM '$DIR/rows.tsv'")
n=$("${PSQL[@]}" -At -c "SELECT count(*) FROM rbac.assignment")
[ "$n" = "$ROWS" ] || { echo "expected $ROWS assignments, found $n" >&2; exit 1; }
"${PSQL[@]}" -c "DROP TABLE plain"
"${PSQL[@]}" -c "VACUUM ANALYZE"

# (prepared mode replaces every ":name" of the text, string literals
# included: no "X:y" literals below)
cat > "$DIR/assign.sql" <<'SQL'
\set uid random(1, 1000000000)
\set rid random(1, 50000)
SELECT rbac.assign_role('User:' || 'x' || CAST(:uid AS text), 'reader', 'Repository:' || CAST(:rid AS text));
SQL
cat > "$DIR/again.sql" <<'SQL'
\set uid random(1, 1000000)
SELECT rbac.assign_role('User:' || 'u' || CAST(:uid AS text),
                        (ARRAY['reader','maintainer','admin'])[CAST(:uid AS int) % 3 + 1],
                        'Repository:' || CAST(CAST(:uid AS int) % 50000 AS text),
                        CASE WHEN CAST(:uid AS int) % 10 = 3 THEN DATE '2100-01-01' END);
SQL
chmod 644 "$DIR"/*.sql
run() {
    as_pg "$BINDIR/pgbench" -n -M prepared -c "$2" -j "$2" -T "$SECS" -h "$DIR" -p "$PORT" -U postgres \
        -f "$1" postgres 2>/dev/null | sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}
run "$DIR/assign.sql" 1 >/dev/null   # warm up
tps1=$(run "$DIR/assign.sql" 1)
tps2=$(run "$DIR/assign.sql" 2)
again=$(run "$DIR/again.sql" 1)

echo "COPY $ROWS rows into a plain table, same indexes:   $plain s"
awk -v s="$copy" -v n="$ROWS" 'BEGIN { st = "MISSED"; if (s < 30) st = "met";
    printf "COPY %d rows into rbac.role_assignments:     %.1f s, %.0f rows/s (target < 30 s: %s)\n", n, s, n / s, st }'
awk -v t="$tps1" 'BEGIN { st = "MISSED"; if (t >= 5000) st = "met";
    printf "assign_role, new assignment, 1 client:         %.0f calls/s (target >= 5000: %s)\n", t, st }'
awk -v t="$tps2" 'BEGIN { st = "MISSED"; if (t >= 5000) st = "met";
    printf "assign_role, new assignment, 2 clients:        %.0f calls/s (target >= 5000: %s)\n", t, st }'
awk -v t="$again" 'BEGIN { printf "assign_role, already held (no write), 1 client: %.0f calls/s\n", t }'
