#!/usr/bin/env bash
# Benchmark: time rbac.load_policy and rbac.validate_policy on a generated
# policy of N types (default 5000), against a reference measured in the same
# run: storing the same text in a plain table.  Target (issue 2): load
# under 2 s.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
N=${1:-5000}
bench_cluster "${PORT:-55490}"
perl "$SRC_DIR/tests/bench/gen_policy.pl" "$N" > "$DIR/policy.polar"
chmod 644 "$DIR/policy.polar"
"${PSQL[@]}" -c "CREATE EXTENSION pg_rbac"
bytes=$(wc -c < "$DIR/policy.polar")
out=$("${PSQL[@]}" -At <<SQL
\set p \`cat $DIR/policy.polar\`
CREATE TEMP TABLE t AS SELECT :'p'::text AS src;
CREATE TABLE raw (src text);
\timing on
INSERT INTO raw SELECT src FROM t;
SELECT count(*) FROM t, rbac.validate_policy(src);
SELECT rbac.load_policy(src) FROM t;
SELECT rbac.load_policy(src) FROM t;
SQL
)
times=($(echo "$out" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'))
echo "policy: $N types, $bytes bytes"
printf "reference (store text):   %10.1f ms\n" "${times[0]}"
printf "validate_policy:         %10.1f ms\n" "${times[1]}"
printf "load_policy (first):     %10.1f ms\n" "${times[2]}"
printf "load_policy (replace):   %10.1f ms\n" "${times[3]}"
awk -v t="${times[2]}" -v r="${times[0]}" 'BEGIN { printf "ratio load / reference:  %10.1f\n", t / r }'
awk -v t="${times[2]}" 'BEGIN { exit !(t < 2000) }' && echo "target load < 2000 ms: met" || echo "target load < 2000 ms: MISSED"
