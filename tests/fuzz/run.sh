#!/bin/sh
# Build and run the policy fuzzer for SECONDS (default 60) over a copy of
# the seed corpus in a temporary directory.  Exits non-zero when libFuzzer
# finds a crash, a leak, a timeout or an out-of-memory; the reproducer is
# copied into tests/fuzz/ (crash-*, timeout-*, ...).
set -eu

SECONDS_TO_RUN=${1:-60}
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
make -s fuzz_policy rbac_lint

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rbac_fuzz.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
mkdir -p "$WORK/corpus" "$WORK/artifacts"
cp corpus/* "$WORK/corpus/"

status=0
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
./fuzz_policy -max_total_time="$SECONDS_TO_RUN" -timeout=10 \
	-rss_limit_mb=2048 -max_len=8192 -dict=polar.dict \
	-artifact_prefix="$WORK/artifacts/" -print_final_stats=1 \
	"$WORK/corpus" || status=$?

if [ -n "$(ls "$WORK/artifacts" 2>/dev/null)" ]; then
	cp "$WORK/artifacts"/* "$HERE"/
	echo "run.sh: reproducers copied to $HERE:" >&2
	ls "$WORK/artifacts" >&2
	[ "$status" -ne 0 ] || status=1
fi
exit "$status"
