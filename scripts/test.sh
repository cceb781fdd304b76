#!/usr/bin/env bash
# Run every test of pg_rbac: build and install the extension, run the
# pg_regress suite against a temporary instance, then the TAP tests
# (tests/t/*.pl), the example application, the parser fuzzer and pg_regress
# again against a build with sanitizers (run_asan).  Run as
# root on a fresh Debian 12 machine: missing packages are installed first.
#
#   scripts/test.sh                 everything
#   scripts/test.sh regress         only pg_regress
#   scripts/test.sh tap [FILES]     only TAP tests (all or the given files)
#   scripts/test.sh fuzz [SECONDS]  only the fuzzer
#   scripts/test.sh example         only the example application (examples/gitclub-api)
#   scripts/test.sh asan            only pg_regress against an ASan+UBSan build
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

run_fuzz() {
    echo "=== fuzz ==="
    # the parser and validator alone: expected diagnostics, then libFuzzer
    sh "$SRC_DIR/tests/fuzz/check.sh" || status=1
    sh "$SRC_DIR/tests/fuzz/validate_cases/check.sh" || status=1
    sh "$SRC_DIR/tests/fuzz/run.sh" "${1:-60}" || status=1
}

# pg_regress once more, against a second build of the extension compiled
# with AddressSanitizer and UndefinedBehaviorSanitizer (gcc), installed in
# its own private PostgreSQL copy (RBAC_PRIVATE=<name>-asan, see common.sh)
# and loaded into the unmodified postgres with the ASan runtime preloaded.
# It sees, in pg_rbac's code: stack, global and malloc'd buffer overflows
# (palloc'd chunks above 8 kB are malloc'd blocks of their own), use after
# free of malloc'd memory, use after scope, and undefined behaviour
# (misaligned or null accesses, shifts, out-of-bounds array indexes, bad
# enum or bool values); not an overflow inside one palloc block, since
# postgres itself is not instrumented.  Any report makes the process abort
# and fails the phase.  Leak detection is off: memory contexts are freed in
# bulk, and postgres, initdb and psql (which run under the same preload)
# never free everything they allocate before exiting.
run_asan() {
    echo "=== pg_regress, ASan + UBSan build ==="
    local rt
    rt=$(gcc -print-file-name=libasan.so)
    (
        export RBAC_PRIVATE=${RBAC_PRIVATE:+$RBAC_PRIVATE-}asan
        . "$SRC_DIR/scripts/common.sh"
        RBAC_COPT="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
            build_and_install
        readelf -d "$($PG_CONFIG --pkglibdir)/pg_rbac.so" | grep -q libasan ||
            { echo "asan: the installed pg_rbac.so is not instrumented"; exit 1; }
        WORK=$WORK/asan
        mkdir -p "$WORK"
        # works around a start-up deadlock of the preloaded runtime (see the file)
        gcc -shared -fPIC -o "$WORK/preload_shim.so" "$SRC_DIR/tests/asan/preload_shim.c"
        local report=$WORK/sanitizer
        local env=(LD_PRELOAD="$rt $WORK/preload_shim.so"
            ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:log_path=$report"
            UBSAN_OPTIONS="print_stacktrace=1:abort_on_error=1:log_path=$report")
        as_pg() {
            if [ "$(id -u)" = 0 ]; then runuser -u postgres -- env "${env[@]}" "$@"; else env "${env[@]}" "$@"; fi
        }
        status=0
        run_regress
        # reports: ASan's in $report.PID, UBSan's in the server log
        if ls "$report".* >/dev/null 2>&1 ||
                grep -Eq 'AddressSanitizer|runtime error:' "$WORK/log/postmaster.log"; then
            echo "asan: sanitizer reports:"
            head -50 "$report".* 2>/dev/null || true
            grep -E -A20 'AddressSanitizer|runtime error:' "$WORK/log/postmaster.log" | head -50 || true
            status=1
        fi
        exit $status
    ) || status=1
}

case "$what" in
    regress) run_regress ;;
    tap) shift; run_tap "$@" ;;
    fuzz) shift; run_fuzz "${1:-60}" ;;
    example) run_example ;;
    asan) run_asan ;;
    all) run_regress; run_tap; run_example; run_fuzz 60; run_asan ;;
    *) echo "usage: $0 [all|regress|tap [FILES]|example|fuzz [SECONDS]|asan]" >&2; exit 2 ;;
esac

if [ $status -eq 0 ]; then echo "ALL TESTS PASSED"; else echo "TESTS FAILED"; fi
exit $status
