#!/bin/sh
# Run rbac_lint -q on every policy here and compare its output with the
# "#| " lines at the end of the file (the expected diagnostics, exactly).
# Exits non-zero on the first difference.  Builds rbac_lint if needed.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
make -s -C "$HERE/.." rbac_lint
status=0
for f in "$HERE"/*.polar; do
	expected=$(sed -n 's/^#| //p' "$f")
	actual=$("$HERE/../rbac_lint" -q "$f" || true)
	if [ "$expected" != "$actual" ]; then
		echo "FAIL: $(basename "$f")"
		printf '%s\n' "$expected" > "${TMPDIR:-/tmp}/expected.$$"
		printf '%s\n' "$actual" > "${TMPDIR:-/tmp}/actual.$$"
		diff -u "${TMPDIR:-/tmp}/expected.$$" "${TMPDIR:-/tmp}/actual.$$" || true
		rm -f "${TMPDIR:-/tmp}/expected.$$" "${TMPDIR:-/tmp}/actual.$$"
		status=1
	else
		echo "ok:   $(basename "$f")"
	fi
done
exit $status
