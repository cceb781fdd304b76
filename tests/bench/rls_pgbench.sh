#!/usr/bin/env bash
# Benchmark (issue 13): prepared statements under generated row-level
# security.  pgbench -M prepared, CLIENTS clients (default 2) for SECS
# seconds each side, on the data of tests/bench/rls.sh: every transaction
# picks an actor (User:1, 2 or 3: they see about 0.1%, 5% and 52% of the
# issues) and either a point lookup of a random issue or the first page
# ORDER BY id LIMIT 50.
#   rls   as an application login role, BEGIN; rbac.set_actor(actor, true);
#         the query on the protected table; END (generic plans are planned
#         for one actor and run for the others)
#   hand  the same statements on an unprotected copy of the table with the
#         hand-written filter of rls.sh (the actor as a parameter)
# Prints both TPS and their ratio.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
SECS=${SECS:-30}
CLIENTS=${CLIENTS:-2}
ISSUES=${ISSUES:-1000000}
bench_cluster "${PORT:-55493}" "work_mem = 64MB"
bench_gitclub "$ISSUES" rls_data.sql
"${PSQL[@]}" <<'SQL' >/dev/null
CREATE TABLE issues_plain AS SELECT * FROM issues;
ALTER TABLE issues_plain ADD PRIMARY KEY (id);
CREATE INDEX ON issues_plain (repo_id);
ANALYZE issues_plain;
SELECT rbac.enable_rls('issues');
CREATE ROLE bench_login LOGIN;
GRANT SELECT ON issues TO bench_login;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO bench_login;
SQL
hand_set='(WITH RECURSIVE s(t, i) AS (SELECT $$User$$::text, (:a)::text UNION
      SELECT m.group_type, m.group_id FROM rbac.membership m JOIN s ON m.member_type = s.t AND m.member_id = s.i),
    orgs AS (SELECT a.resource_id::int AS id FROM rbac.assignment a JOIN s ON a.actor_type = s.t AND a.actor_id = s.i
             WHERE a.resource_type = $$Organization$$ AND a.role IN ($$owner$$, $$member$$))
  SELECT r.id FROM repositories r WHERE r.org_id IN (SELECT id FROM orgs)
  UNION SELECT a.resource_id::int FROM rbac.assignment a JOIN s ON a.actor_type = s.t AND a.actor_id = s.i
        WHERE a.resource_type = $$Repository$$ AND a.role IN ($$reader$$, $$maintainer$$, $$admin$$)
  UNION SELECT r.id FROM repositories r WHERE r.is_public)'
cat > "$DIR/rls.sql" <<SQL
\\set a random(1, 3)
\\set id random(1, $ISSUES)
\\set kind random(0, 1)
BEGIN;
SELECT rbac.set_actor('User:' || :a, true);
\\if :kind = 0
SELECT * FROM issues WHERE id = :id;
\\else
SELECT * FROM issues ORDER BY id LIMIT 50;
\\endif
END;
SQL
cat > "$DIR/hand.sql" <<SQL
\\set a random(1, 3)
\\set id random(1, $ISSUES)
\\set kind random(0, 1)
BEGIN;
\\if :kind = 0
SELECT * FROM issues_plain WHERE id = :id AND repo_id IN $hand_set;
\\else
SELECT * FROM issues_plain WHERE repo_id IN $hand_set ORDER BY id LIMIT 50;
\\endif
END;
SQL
chmod 644 "$DIR"/*.sql
run() {
    as_pg "$BINDIR/pgbench" -n -M prepared -c "$CLIENTS" -j "$CLIENTS" -T "$SECS" -h "$DIR" -p "$PORT" -U "$2" -f "$1" postgres 2>&1 \
        | sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}
run "$DIR/rls.sql" bench_login >/dev/null   # warm up (SECS)
hand=$(run "$DIR/hand.sql" postgres)
rls=$(run "$DIR/rls.sql" bench_login)
echo "hand-written filter, unprotected copy: $hand tps"
echo "generated RLS, set_actor per transaction: $rls tps"
awk -v a="$rls" -v b="$hand" 'BEGIN { printf "ratio rls / hand: %.2f\n", a / b }'
