#!/usr/bin/env bash
# Run every test of pg_rbac: build and install the extension, run the
# pg_regress suite against a temporary instance, then the TAP tests
# (tests/t/*.pl), the example applications, the Python package, the parser
# fuzzer, pg_regress again against a build with sanitizers (run_asan) and
# sqlsmith's random queries against that build (run_sqlsmith).  Run as
# root on a fresh Debian 12 machine: missing packages are installed first.
#
#   scripts/test.sh                 everything
#   scripts/test.sh regress         only pg_regress
#   scripts/test.sh tap [FILES]     only TAP tests (all or the given files)
#   scripts/test.sh fuzz [SECONDS]  only the fuzzer
#   scripts/test.sh example         only the example application (examples/gitclub-api)
#   scripts/test.sh python          only the Python package's tests (python/, pytest)
#   scripts/test.sh flask           only the Flask example's tests (examples/gitclub-flask)
#   scripts/test.sh asan            only pg_regress against an ASan+UBSan build
#   scripts/test.sh sqlsmith        only sqlsmith's queries as an ordinary role, ASan+UBSan build
#   scripts/test.sh docs            only the docs check (scripts/docs_check.sh)
#   RBAC_KEEP=1 scripts/test.sh ... keeps the work directory
set -euo pipefail
. "$(dirname "$0")/common.sh"

what=${1:-all}
"$SRC_DIR/scripts/deps.sh"
build_and_install

WORK=$(mktemp -d /tmp/pg_rbac_test.XXXXXX)
chmod 755 "$WORK"
chown postgres "$WORK" 2>/dev/null || true
# RBAC_KEEP=1 keeps the work directory (results/, regression.diffs).
if [ -n "${RBAC_KEEP:-}" ]; then
    trap 'echo "work directory kept: $WORK"' EXIT
else
    trap 'rm -rf "$WORK"' EXIT
fi
status=0

run_regress() {
    echo "=== pg_regress ==="
    cp -r "$SRC_DIR/sql" "$SRC_DIR/expected" "$WORK/"
    cp -r "$SRC_DIR/examples" "$WORK/"
    chown -R postgres "$WORK" 2>/dev/null || true
    tests=$(cd "$SRC_DIR/sql" && ls *.sql | sed 's/\.sql$//' | sort)
    if ! (cd "$WORK" && as_pg "$PG_REGRESS" --temp-instance="$WORK/instance" \
            --bindir="$BINDIR" --inputdir="$WORK" --outputdir="$WORK" \
            --temp-config="$SRC_DIR/tests/regress.conf" \
            --load-extension=pg_rbac $tests); then
        cat "$WORK/regression.diffs" 2>/dev/null | head -300
        status=1
    fi
}

run_tap() {
    echo "=== TAP ==="
    mkdir -p "$WORK/tap"
    cp -r "$SRC_DIR/tests/t" "$WORK/tap/"
    chown -R postgres "$WORK/tap" 2>/dev/null || true
    local files=("$@")
    if [ ${#files[@]} -eq 0 ]; then
        files=($(cd "$WORK/tap" && ls t/*.pl))
    else
        files=("${files[@]/#tests\/t\//t/}")
    fi
    if ! (cd "$WORK/tap" && as_pg env TESTDIR="$WORK/tap" PATH="$BINDIR:$PATH" \
            PG_REGRESS="$PG_REGRESS" RBAC_SRC="$SRC_DIR" \
            prove -I "$PERL_TEST_DIR" -I t "${files[@]}"); then
        for f in "$WORK"/tap/tmp_check/log/regress_log_*; do
            [ -f "$f" ] && { echo "--- $f (tail)"; tail -40 "$f"; }
        done
        status=1
    fi
}

run_example() {
    echo "=== example application ==="
    "$SRC_DIR/examples/gitclub-api/run-test.sh" || status=1
}

# the SQL of docs/getting-started.md, application-structure.md and
# uninstalling.md run against a server set up as they say, outputs compared
# with the pages; README's first SQL block; pg_regress against that server
# (see scripts/docs_check.sh)
run_docs() {
    echo "=== docs check ==="
    "$SRC_DIR/scripts/docs_check.sh" --no-build || status=1
}

# pytest against a throwaway cluster; each script exits non-zero when a
# test fails or none ran.  Debian's interpreter, which has the packages.
run_python() {
    echo "=== Python package ==="
    PYTHON=/usr/bin/python3 "$SRC_DIR/python/run-test.sh" || status=1
}

run_flask() {
    echo "=== Flask example ==="
    PYTHON=/usr/bin/python3 "$SRC_DIR/examples/gitclub-flask/run-test.sh" || status=1
}

run_fuzz() {
    echo "=== fuzz ==="
    # the parser and validator alone: expected diagnostics, then libFuzzer
    sh "$SRC_DIR/tests/fuzz/check.sh" || status=1
    sh "$SRC_DIR/tests/fuzz/validate_cases/check.sh" || status=1
    sh "$SRC_DIR/tests/fuzz/run.sh" "${1:-60}" || status=1
}

# The ASan+UBSan build of the extension, shared by the asan and sqlsmith
# phases: call it in a subshell.  It builds pg_rbac a second time with
# AddressSanitizer and UndefinedBehaviorSanitizer (gcc), installs it in its
# own private PostgreSQL copy (RBAC_PRIVATE=<name>-asan, see common.sh), and
# redefines as_pg so that everything run through it (postgres, initdb, psql)
# has the ASan runtime preloaded into the unmodified binaries.  It sees, in
# pg_rbac's code: stack, global and malloc'd buffer overflows (palloc'd
# chunks above 8 kB are malloc'd blocks of their own), use after free of
# malloc'd memory, use after scope, and undefined behaviour (misaligned or
# null accesses, shifts, out-of-bounds array indexes, bad enum or bool
# values); not an overflow inside one palloc block, since postgres itself
# is not instrumented.  Any report makes the process abort: ASan's go to
# $ASAN_REPORT.PID, UBSan's to the server log (asan_reports reads both).
# Leak detection is off: memory contexts are freed in bulk, and postgres,
# initdb and psql never free everything they allocate before exiting.
# With ASAN_BUILT=1 (set after a first successful build in this run) the
# installed build is reused.
asan_env() {
    local rt
    rt=$(gcc -print-file-name=libasan.so)
    export RBAC_PRIVATE=${RBAC_PRIVATE:+$RBAC_PRIVATE-}asan
    . "$SRC_DIR/scripts/common.sh"
    if [ "${ASAN_BUILT:-}" != 1 ]; then
        RBAC_COPT="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
            build_and_install
    fi
    readelf -d "$($PG_CONFIG --pkglibdir)/pg_rbac.so" | grep -q libasan ||
        { echo "asan: the installed pg_rbac.so is not instrumented"; exit 1; }
    WORK=$WORK/$1
    mkdir -p "$WORK"
    chown postgres "$WORK" 2>/dev/null || true
    # works around a start-up deadlock of the preloaded runtime (see the file)
    gcc -shared -fPIC -o "$WORK/preload_shim.so" "$SRC_DIR/tests/asan/preload_shim.c"
    ASAN_REPORT=$WORK/sanitizer
    ASAN_ENV=(LD_PRELOAD="$rt $WORK/preload_shim.so"
        ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:log_path=$ASAN_REPORT"
        UBSAN_OPTIONS="print_stacktrace=1:abort_on_error=1:log_path=$ASAN_REPORT")
    as_pg() {
        if [ "$(id -u)" = 0 ]; then runuser -u postgres -- env "${ASAN_ENV[@]}" "$@"; else env "${ASAN_ENV[@]}" "$@"; fi
    }
}

# Did anything crash or report under the ASan build?  $1: the server log.
# Prints what it found and fails if so.
asan_reports() {
    local log=$1 found=0
    [ -f "$log" ] || { echo "no server log $log"; return 1; }
    if ls "$ASAN_REPORT".* >/dev/null 2>&1; then
        echo "sanitizer reports:"; head -50 "$ASAN_REPORT".*; found=1
    fi
    if grep -Eq 'AddressSanitizer|runtime error:|terminated by signal|PANIC' "$log"; then
        echo "server log:"
        grep -E -B2 -A20 'AddressSanitizer|runtime error:|terminated by signal|PANIC' "$log" | head -80
        found=1
    fi
    return $found
}

# pg_regress once more, against the ASan+UBSan build (asan_env).
run_asan() {
    echo "=== pg_regress, ASan + UBSan build ==="
    (
        asan_env asan
        status=0
        run_regress
        asan_reports "$WORK/log/postmaster.log" || { echo "asan: sanitizer reports or crashes"; status=1; }
        exit $status
    ) && ASAN_BUILT=1 || status=1
}

# SQL-level fuzzing (issue 11): sqlsmith's random queries, run as the
# unprivileged login role "app" with a valid actor, against the GitClub
# world with generated RLS (tests/fuzz/sqlsmith/setup.sql), on the ASan+UBSan
# build.  First the corpus of queries that found bugs
# (tests/fuzz/sqlsmith/corpus/*.sql), then up to SQLSMITH_QUERIES queries
# of seed SQLSMITH_SEED (default: 4,000 and 1) that sqlsmith generates from
# the catalog as app sees it (for at most SQLSMITH_GENERATE_SECONDS, default
# 100), replayed by psql (the actor is set again before each query:
# sqlsmith calls rbac.reset_actor too) for at most SQLSMITH_SECONDS
# (default 120; after a crash, from the next query).  Any crash, sanitizer report,
# "terminated by signal" or PANIC fails the phase; the server log keeps the
# query a crashed backend was running.  Prints how many queries ran and how
# many of them called a function of rbac.
run_sqlsmith() {
    echo "=== sqlsmith, ASan + UBSan build ==="
    (
        asan_env sqlsmith
        local seed=${SQLSMITH_SEED:-1} n=${SQLSMITH_QUERIES:-4000} secs=${SQLSMITH_SECONDS:-120}
        local gen_secs=${SQLSMITH_GENERATE_SECONDS:-100}
        local dir=$WORK/cluster port=${SQLSMITH_PORT:-$((54100 + RANDOM % 800))}
        local secret=sqlsmith-secret-0123456789abcdef tok rc=0 ran touched f
        cluster_start "$dir" "$port" "shared_preload_libraries = 'pg_rbac'" \
            "rbac.jwt_secret = '$secret'" "statement_timeout = '5s'" \
            "log_min_messages = warning" "log_min_error_statement = panic"
        trap 'cluster_stop "$dir"' EXIT
        cp -r "$SRC_DIR/examples" "$SRC_DIR/tests" "$WORK/"
        chown -R postgres "$WORK" 2>/dev/null || true
        psql_as() { (cd "$WORK" && as_pg "$BINDIR/psql" -X -q -h "$dir" -p "$port" -d postgres "$@"); }
        psql_as -U postgres -c "CREATE EXTENSION pg_rbac" >/dev/null
        psql_as -U postgres -f tests/fuzz/sqlsmith/setup.sql >/dev/null
        # a valid token for User:7 (HS256, an hour)
        tok=$(/usr/bin/python3 - "$secret" <<'PY'
import base64, hashlib, hmac, json, sys, time
b = lambda d: base64.urlsafe_b64encode(d).rstrip(b'=')
msg = b(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + b'.' + \
      b(json.dumps({"sub": "User:7", "exp": int(time.time()) + 3600}).encode())
print((msg + b'.' + b(hmac.new(sys.argv[1].encode(), msg, hashlib.sha256).digest())).decode())
PY
)
        # replay: each query preceded by the actor's token and its number;
        # queries numbered from $1 of file $2
        replay() {
            awk -v tok="$tok" -v from="$1" -v upto="${3:-999999999}" 'BEGIN { RS = ";\n" }
                NF && NR >= from && NR <= upto { printf "\\echo query %d\nSELECT rbac.set_actor_token(%c%s%c) IS NULL AS no_actor \\gset\n%s;\n", NR, 39, tok, 39, $0 }' "$2"
        }
        ready() {
            local i
            for i in $(seq 60); do
                as_pg "$BINDIR/pg_isready" -q -h "$dir" -p "$port" && return 0
                sleep 1
            done
            return 1
        }
        echo "corpus:"
        for f in "$SRC_DIR"/tests/fuzz/sqlsmith/corpus/*.sql; do
            [ -f "$f" ] || continue
            replay 1 "$f" > "$WORK/corpus.sql"
            chown postgres "$WORK/corpus.sql" 2>/dev/null || true
            psql_as -U app -f corpus.sql >/dev/null 2>&1 || true
            ready || { echo "sqlsmith: the server did not come back"; exit 1; }
            echo "  $(basename "$f")"
        done
        # generation is the slow part (sqlsmith's queries are large): bounded too
        (cd "$WORK" && timeout "$gen_secs" sqlsmith --target="host=$dir port=$port dbname=postgres user=app" \
            --seed="$seed" --max-queries="$n" --dry-run > queries.sql 2> sqlsmith.err) || true
        n=$(grep -c ';$' "$WORK/queries.sql" || true)
        [ "${n:-0}" -gt 0 ] || { echo "sqlsmith generated nothing:"; tail -20 "$WORK/sqlsmith.err"; exit 1; }
        # after a crash, go on with the next query while time remains
        local from=1 deadline=$((SECONDS + secs)) last
        : > "$WORK/progress"
        while [ "$from" -le "$n" ] && [ "$SECONDS" -lt "$deadline" ]; do
            replay "$from" "$WORK/queries.sql" "$n" > "$WORK/replay.sql"
            chown postgres "$WORK/replay.sql" "$WORK/progress" 2>/dev/null || true
            (cd "$WORK" && runuser -u postgres -- timeout "$((deadline - SECONDS))" env "${ASAN_ENV[@]}" \
                "$BINDIR/psql" -X -q -h "$dir" -p "$port" -U app -d postgres -o /dev/null -f replay.sql \
                >> progress 2>/dev/null) || true
            last=$(tail -1 "$WORK/progress" | awk '{ print $2 }')
            [ -n "$last" ] || break
            from=$((last + 1))
            ready || { echo "sqlsmith: the server did not come back"; exit 1; }
        done
        ran=$(grep -c '^query ' "$WORK/progress" || true)
        [ "${ran:-0}" -gt 0 ] || { echo "sqlsmith: no query ran"; rc=1; }
        touched=$(awk -v n="$last" 'BEGIN { RS = ";\n" } NR <= n && /rbac(_fuzz)?\.[a-z_]+\(/ { c++ } END { print c + 0 }' "$WORK/queries.sql")
        echo "sqlsmith: seed $seed, $ran of $n queries ran as app in $((secs - (deadline - SECONDS))) s, $touched of them called a function of rbac"
        asan_reports "$dir/server.log" || { echo "sqlsmith: crashes or sanitizer reports (reproduce: SQLSMITH_SEED=$seed)"; rc=1; }
        exit $rc
    ) || status=1
}

case "$what" in
    regress) run_regress ;;
    tap) shift; run_tap "$@" ;;
    fuzz) shift; run_fuzz "${1:-60}" ;;
    example) run_example ;;
    python) run_python ;;
    flask) run_flask ;;
    asan) run_asan ;;
    mutants) shift; "$SRC_DIR/scripts/mutants.sh" "$@" || status=1 ;;
    sqlsmith) run_sqlsmith ;;
    docs) run_docs ;;
    all) run_regress; run_tap; run_example; run_python; run_flask; run_docs; run_fuzz 60; run_asan; run_sqlsmith ;;
    *) echo "usage: $0 [all|regress|tap [FILES]|example|python|flask|docs|fuzz [SECONDS]|asan|sqlsmith]" >&2; exit 2 ;;
esac

if [ $status -eq 0 ]; then echo "ALL TESTS PASSED"; else echo "TESTS FAILED"; fi
exit $status
