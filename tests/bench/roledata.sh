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
. "$(dirname "$0")/lib.sh"
SECS=${SECS:-15}
ROWS=${ROWS:-1000000}
bench_cluster "${PORT:-55492}" "max_wal_size = 8GB" "checkpoint_timeout = 30min"
load=$(cut -d' ' -f1-3 /proc/loadavg)
bench_policy

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

# Run one SQL command; set WALL and CPU (seconds), CPU being the user +
# system time of its backend (meaningful on a busy machine too).
timed() {
    local out="$DIR/timed.out" ticks pid="" job c0 c1 v t0 t1 i
    ticks=$(getconf CLK_TCK)
    : > "$out"
    chmod 666 "$out"
    "${PSQL[@]}" -At -o "$out" -c "SELECT pg_backend_pid()" -c "SELECT pg_sleep(0.3)" \
        -c "$1" -c "SELECT pg_sleep(0.3)" &
    job=$!
    for i in $(seq 1 200); do
        pid=$(head -1 "$out")
        [ -n "$pid" ] && break
        sleep 0.05
    done
    t0=$(date +%s.%N)
    c0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    c1=$c0
    while kill -0 "$job" 2>/dev/null; do
        v=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || true)
        [ -n "$v" ] && c1=$v
        sleep 0.1
    done
    wait "$job"
    t1=$(date +%s.%N)
    WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a - 0.6 }')
    CPU=$(awk -v c="$((c1 - c0))" -v k="$ticks" 'BEGIN { printf "%.1f", c / k }')
}
timed "COPY plain (actor_type, actor_id, role, resource_type, resource_id, expires_at) FROM '$DIR/plain.tsv'"
plain=$WALL plain_cpu=$CPU
"${PSQL[@]}" -c "CHECKPOINT"
timed "COPY rbac.role_assignments (actor, role, resource, expires_at) FROM '$DIR/rows.tsv'"
copy=$WALL copy_cpu=$CPU
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
# pgbench for SECS seconds; sets TPS, and US: the server CPU time per call
# in microseconds (user + system time of the pgbench connections' backends
# over the sampled window), which a busy machine does not distort.
run() {
    local script=$1 clients=$2 out="$DIR/pgbench.out" job pid v t0="" t1 cpu=0
    local -A first last
    as_pg "$BINDIR/pgbench" -n -M prepared -c "$clients" -j "$clients" -T "$SECS" \
        -h "$DIR" -p "$PORT" -U postgres -f "$script" postgres > "$out" 2>&1 &
    job=$!
    while kill -0 "$job" 2>/dev/null; do
        for pid in $("${PSQL[@]}" -At -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgbench'"); do
            v=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || true)
            [ -n "$v" ] || continue
            [ -n "${first[$pid]:-}" ] || first[$pid]=$v
            last[$pid]=$v
            [ -n "$t0" ] || t0=$(date +%s.%N)
            t1=$(date +%s.%N)
        done
        sleep 0.2
    done
    wait "$job"
    for pid in "${!first[@]}"; do cpu=$((cpu + last[$pid] - first[$pid])); done
    TPS=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out")
    US=$(awk -v c="$cpu" -v k="$(getconf CLK_TCK)" -v a="$t0" -v b="$t1" -v t="$TPS" \
        'BEGIN { n = t * (b - a); if (n > 0) printf "%.0f", c / k * 1e6 / n; else print "?" }')
}
run "$DIR/assign.sql" 1   # warm up
run "$DIR/assign.sql" 1; tps1=$TPS us1=$US
run "$DIR/assign.sql" 2; tps2=$TPS us2=$US
run "$DIR/again.sql" 1; again=$TPS usa=$US

echo "load average before the run: $load"
echo "COPY $ROWS rows into a plain table, same indexes:   $plain s (backend CPU $plain_cpu s)"
awk -v s="$copy" -v c="$copy_cpu" -v n="$ROWS" 'BEGIN { st = "MISSED"; if (s < 30) st = "met";
    printf "COPY %d rows into rbac.role_assignments:     %.1f s, %.0f rows/s, backend CPU %.1f s (target < 30 s: %s)\n", n, s, n / s, c, st }'
awk -v t="$tps1" -v u="$us1" 'BEGIN { st = "MISSED"; if (t >= 5000) st = "met";
    printf "assign_role, new assignment, 1 client:         %.0f calls/s, server CPU %s us/call (target >= 5000: %s)\n", t, u, st }'
awk -v t="$tps2" -v u="$us2" 'BEGIN { st = "MISSED"; if (t >= 5000) st = "met";
    printf "assign_role, new assignment, 2 clients:        %.0f calls/s, server CPU %s us/call (target >= 5000: %s)\n", t, u, st }'
awk -v t="$again" -v u="$usa" 'BEGIN {
    printf "assign_role, already held (no write), 1 client: %.0f calls/s, server CPU %s us/call\n", t, u }'
echo "(server CPU per call: 1e6 / that = calls/s one core sustains; this machine has $(nproc) cores shared with pgbench)"
