#!/usr/bin/env bash
# Run every test of pg_rbac: build and install the extension, run the
# pg_regress suite against a temporary instance, then the TAP tests
# (tests/t/*.pl), the example application and the parser fuzzer.  Run as
# root on a fresh Debian 12 machine: missing packages are installed first.
#
#   scripts/test.sh                 everything
#   scripts/test.sh regress         only pg_regress
#   scripts/test.sh tap [FILES]     only TAP tests (all or the given files)
#   scripts/test.sh fuzz [SECONDS]  only the fuzzer
#   scripts/test.sh example         only the example application (examples/gitclub-api)
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

case "$what" in
    regress) run_regress ;;
    tap) shift; run_tap "$@" ;;
    fuzz) shift; run_fuzz "${1:-60}" ;;
    example) run_example ;;
    all) run_regress; run_tap; run_example; run_fuzz 60 ;;
    *) echo "usage: $0 [all|regress|tap [FILES]|example|fuzz [SECONDS]]" >&2; exit 2 ;;
esac

if [ $status -eq 0 ]; then echo "ALL TESTS PASSED"; else echo "TESTS FAILED"; fi
exit $status
