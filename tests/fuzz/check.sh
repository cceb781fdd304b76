#!/bin/sh
# Parser regression check: run "rbac_lint -p" (parse only, so the output
# does not depend on the validator) over every seed in corpus/ and compare
# with expected/NAME.out.  "check.sh --update" rewrites the expected files.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
make -s rbac_lint
mkdir -p expected

update=0
[ "${1:-}" = "--update" ] && update=1
fail=0
for f in corpus/*; do
	name=$(basename "$f")
	out=$(mktemp)
	./rbac_lint -p "$f" > "$out" 2>&1 || true
	if [ $update -eq 1 ]; then
		mv "$out" "expected/$name.out"
	elif ! diff -u "expected/$name.out" "$out" > "$out.diff" 2>&1; then
		echo "FAIL $name"
		cat "$out.diff"
		fail=1
		rm -f "$out" "$out.diff"
	else
		rm -f "$out" "$out.diff"
	fi
done
[ $fail -eq 0 ] && [ $update -eq 0 ] && echo "all $(ls corpus | wc -l) parser checks passed"
exit $fail
