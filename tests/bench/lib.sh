# Shared by the benchmarks in this folder (sourced, not run): a throwaway
# cluster, the GitClub data, and the statistics of timings.
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/common.sh"

# bench_cluster PORT [postgresql.conf line...]: start a throwaway cluster
# in a new /tmp/rbac_bench.* directory, DIR, on PORT (scripts/common.sh's
# cluster_start: fsync off, so the figures measure the extension, not the
# disk).  It is stopped and removed on exit, or kept (and said so) when
# KEEP is set.  PSQL runs psql on it as the superuser, stopping at the
# first error.
bench_cluster() {
    PORT=$1
    shift
    DIR=$(mktemp -d /tmp/rbac_bench.XXXXXX)
    if [ -n "${KEEP:-}" ]; then
        trap 'echo "cluster kept in $DIR port $PORT"' EXIT
    else
        trap 'cluster_stop "$DIR"' EXIT
    fi
    cluster_start "$DIR" "$PORT" "$@"
    PSQL=(as_pg "$BINDIR/psql" -X -q -h "$DIR" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
}

# bench_policy: the extension and the GitClub policy (examples/gitclub.polar).
bench_policy() {
    cp "$SRC_DIR/examples/gitclub.polar" "$DIR/"
    chmod 644 "$DIR/gitclub.polar"
    "${PSQL[@]}" -c "CREATE EXTENSION pg_rbac"
    "${PSQL[@]}" -c "SELECT rbac.load_policy(pg_read_file('$DIR/gitclub.polar'))"
}

# bench_gitclub ISSUES [FILE...]: bench_policy, then the GitClub tables of
# gitclub_data.sql with 1,000 organizations, 100,000 repositories, ISSUES
# issues, 100,000 users and 1,000 groups, then each FILE of tests/bench in
# turn (role data, more types).
bench_gitclub() {
    local issues=$1 f
    shift
    bench_policy
    for f in gitclub_data.sql "$@"; do
        cp "$SRC_DIR/tests/bench/$f" "$DIR/"
        chmod 644 "$DIR/$f"
    done
    "${PSQL[@]}" -v orgs=1000 -v repos=100000 -v issues="$issues" -v users=100000 -v groups=1000 \
        -f "$DIR/gitclub_data.sql" >/dev/null
    for f in "$@"; do
        "${PSQL[@]}" -f "$DIR/$f" >/dev/null
    done
}

# The median of the numbers on stdin (one a line), "-" for none.
median() {
    sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else printf "%.2f", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# ratio A B: A / B to two decimals, "-" when either is unknown or B is 0.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'
}
