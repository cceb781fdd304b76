# Randomized agreement test of the generated row-level security (issue 5,
# SPEC 4.2): on the four random worlds of t/030_check_agreement.pl (their
# setup files t/agreement/reference.sql and world*.sql, loaded unchanged),
# every bound table gets rbac.enable_rls, and for every actor of the world
# and for nobody (no actor set: only bare _ rules may hold) an unprivileged
# role runs SELECT, UPDATE and DELETE on every table, the writes each in a
# transaction that is rolled back.  The rows it sees or changes must be
# exactly those rbac.is_allowed (run by the superuser, who bypasses RLS)
# allows.
#
# The harness is t/agreement_rls/: setup.sql (the tables of the harness and
# the procedure the unprivileged role runs), <world>.sql (the permissions
# UPDATE and DELETE map to first), expected.sql (is_allowed for everything
# the rounds need), compare.sql (the decisions, and the rule for writes).
# A world runs in rounds: SELECT stays mapped to the type's read action
# (world 4 declares no "read": there view, p3 and read_profile stand in),
# UPDATE and DELETE go through all the type's permissions two at a time, so
# every permission's predicate is compared; once a type runs out, its
# command maps to null (denied); INSERT maps to null throughout.  Bound
# actor types with no permission are protected too, with everything denied:
# nothing of them may show, and the other predicates must not depend on
# what the caller may see of them.
#
# The rule for writes is PostgreSQL's, pinned first on a plain table with
# hand-written policies: UPDATE and DELETE act on the rows their own
# policy's USING admits and, when the statement reads a column of the table
# (SET col = col, a WHERE or RETURNING naming one), only on rows the SELECT
# policy admits as well.  So each (actor, row) is compared on five
# statements: SELECT; UPDATE t SET key = key (update and read); UPDATE t SET
# rls_touch = 1, a column the harness adds (update alone); DELETE FROM t
# (delete alone); DELETE ... WHERE key IS NOT NULL (delete and read).  An
# INSERT (mapped to null) must be refused too.  Actors take turns at
# rbac.rls_check_budget (setup.sql), so the arms that check rows one at a
# time before computing the actor's set (rbac._in_lazy) are compared on both
# sides of their switch and across it.
#
# Disagreements are listed (the first 20) with rbac.explain and
# rbac.filter.  "rls decisions compared: N" counts round x actor x row x
# statement.  Runs in about 90 s on two idle cores (160 s when they are busy).

use strict;
use warnings;

use File::Basename qw(dirname);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $agree = dirname(__FILE__) . '/agreement';
my $dir   = dirname(__FILE__) . '/agreement_rls';
my @worlds =
  qw(world1_gitclub world2_folders world3_tenants world4_sites);

my $node = PostgreSQL::Test::Cluster->new('rls_agreement');
$node->init;
$node->append_conf('postgresql.conf',
	"fsync = off\nshared_buffers = 256MB\nwork_mem = 64MB\njit = off\n");
$node->start;

# A SQL string literal.
sub lit
{
	my $s = shift;
	return 'NULL' unless defined $s;
	$s =~ s/'/''/g;
	return "'$s'";
}

my $t_all = time;

$node->safe_psql('postgres', 'CREATE ROLE rls_tester');

# PostgreSQL's rule for writes under RLS, on a plain table: SELECT admits
# ids 1-4, UPDATE even ids, DELETE multiples of 3.  The rows a write acts
# on are logged by a trigger (RETURNING would bring in the SELECT policy).
is( $node->safe_psql(
		'postgres', q{
CREATE TABLE probe (id int PRIMARY KEY, c int, note text);
INSERT INTO probe SELECT i, i, NULL FROM generate_series(1, 8) i;
CREATE TABLE probe_log (id int);
CREATE FUNCTION probe_log() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN INSERT INTO probe_log VALUES (OLD.id); RETURN NULL; END $$;
CREATE TRIGGER probe_log AFTER UPDATE OR DELETE ON probe FOR EACH ROW EXECUTE FUNCTION probe_log();
ALTER TABLE probe ENABLE ROW LEVEL SECURITY;
CREATE POLICY s ON probe FOR SELECT USING (id <= 4);
CREATE POLICY u ON probe FOR UPDATE USING (id % 2 = 0) WITH CHECK (id % 2 = 0);
CREATE POLICY d ON probe FOR DELETE USING (id % 3 = 0);
GRANT SELECT, UPDATE, DELETE ON probe TO rls_tester;
GRANT INSERT, SELECT ON probe_log TO rls_tester;
SET ROLE rls_tester;
BEGIN; UPDATE probe SET c = c; SELECT 'set c = c: ' || string_agg(id::text, ',' ORDER BY id) FROM probe_log; ROLLBACK;
BEGIN; UPDATE probe SET note = 'x'; SELECT 'set note: ' || string_agg(id::text, ',' ORDER BY id) FROM probe_log; ROLLBACK;
BEGIN; UPDATE probe SET note = 'x' WHERE id > 0; SELECT 'set note where: ' || string_agg(id::text, ',' ORDER BY id) FROM probe_log; ROLLBACK;
BEGIN; DELETE FROM probe; SELECT 'delete: ' || string_agg(id::text, ',' ORDER BY id) FROM probe_log; ROLLBACK;
BEGIN; DELETE FROM probe WHERE id > 0; SELECT 'delete where: ' || string_agg(id::text, ',' ORDER BY id) FROM probe_log; ROLLBACK;
RESET ROLE;
DROP TABLE probe, probe_log; DROP FUNCTION probe_log();
}),
	"set c = c: 2,4\nset note: 2,4,6,8\nset note where: 2,4\ndelete: 3,6\ndelete where: 3",
	'PostgreSQL: UPDATE/DELETE add the SELECT policy exactly when they read a column');

my ($total, $total_bad, $total_rounds, $total_deny) = (0, 0, 0, 0);
my (@bad, @errors, %covered, %permissions, %filter_shown);

foreach my $w (@worlds)
{
	my $t0 = time;
	$node->safe_psql('postgres', "CREATE DATABASE $w");
	$node->safe_psql(
		$w,
		join("\n",
			'CREATE EXTENSION pg_rbac;',
			slurp_file("$agree/reference.sql"),
			slurp_file("$agree/$w.sql"),
			slurp_file("$dir/setup.sql"),
			slurp_file("$dir/$w.sql"),
			'SELECT rls.plan();',
			slurp_file("$dir/expected.sql")),
		timeout => 600);
	my $t_expected = time - $t0;

	my $rounds = $node->safe_psql($w, 'SELECT max(round) + 1 FROM rls.map');
	foreach my $r (0 .. $rounds - 1)
	{
		$node->safe_psql(
			$w, "SELECT rls.enable_round($r);\n"
			  . "SET ROLE rls_tester;\nCALL rls.run_round($r);\n",
			timeout => 600);
	}
	$total_rounds += $rounds;
	my $t_rounds = time - $t0 - $t_expected;

	# INSERT is mapped to null: refused for an actor who sees rows
	foreach my $row (
		split /\n/,
		$node->safe_psql(
			$w, q{
SELECT DISTINCT ON (s.tbl) s.tbl, s.actor
FROM rls.seen s JOIN rls.map m ON m.tbl = s.tbl AND m.round = s.round
WHERE s.kind = 'select' AND s.actor <> '' AND m.round = (SELECT max(round) FROM rls.map)
GROUP BY 1, 2 ORDER BY s.tbl, count(*) DESC, s.actor}))
	{
		my ($tbl, $actor) = split /\|/, $row;
		like(
			$node->safe_psql(
				$w, "SET ROLE rls_tester;\nBEGIN;\n"
				  . 'SELECT rbac.set_actor(' . lit($actor) . ");\n"
				  . 'SELECT rls.try_insert(' . lit($tbl) . ");\nROLLBACK;\n"),
			qr/^\n?42501: new row violates row-level security policy/m,
			"$w: INSERT into $tbl (mapped to null) is refused for $actor");
	}

	$node->safe_psql($w, slurp_file("$dir/compare.sql"), timeout => 600);

	my ($n, $expected, $bad, $nseen, $seen_rows, $ndeny) = split /\|/,
	  $node->safe_psql(
		$w, q{
SELECT count(*), count(*) FILTER (WHERE expected), count(*) FILTER (WHERE expected <> seen),
       count(*) FILTER (WHERE seen), (SELECT count(*) FROM rls.seen),
       count(*) FILTER (WHERE select_action IS NULL)
FROM rls.decision});
	note sprintf(
		"%s: %d rls decisions in %d rounds (%d allowed; %d on actor tables with no "
		  . "permission, all denied), %d disagreements; "
		  . "is_allowed %.1f s, RLS statements %.1f s, total %.1f s",
		$w, $n, $rounds, $expected, $ndeny, $bad, $t_expected, $t_rounds, time - $t0);
	$total_deny += $ndeny;
	foreach my $row (
		split /\n/,
		$node->safe_psql(
			$w, q{
SELECT kind, count(*), count(*) FILTER (WHERE expected), count(*) FILTER (WHERE expected <> seen)
FROM rls.decision GROUP BY kind ORDER BY kind}))
	{
		my ($kind, $kn, $kexp, $kbad) = split /\|/, $row;
		note sprintf("  %-11s %7d decisions, %6d allowed, %d disagreements",
			$kind, $kn, $kexp, $kbad);
		cmp_ok($kexp, '>=', 0.02 * $kn, "$w: $kind: allowed decisions are common");
		cmp_ok($kexp, '<=', 0.8 * $kn, "$w: $kind: denied decisions are common");
	}
	$total     += $n;
	$total_bad += $bad;

	is($nseen, $seen_rows, "$w: every row seen or changed is a row of the table, once");
	is($bad, 0, "$w: RLS agrees with rbac.is_allowed on all $n decisions");

	# the statements must all have run
	my $errors = $node->safe_psql(
		$w, q{
SELECT round || ' ' || coalesce(nullif(actor, ''), 'nobody') || ' ' || tbl || ' ' || kind || ': ' || err
FROM rls.error ORDER BY round, actor, tbl::text, kind});
	is($errors, '', "$w: no statement raised an error");
	push @errors, map { "[$w] $_" } grep { $_ ne '' } (split /\n/, $errors)[0 .. 9];

	# every permission of every protected type is mapped to UPDATE or to
	# DELETE in some round, so each one's predicate is compared
	foreach my $row (
		split /\n/,
		$node->safe_psql(
			$w, q{
SELECT t.type, p, EXISTS (SELECT 1 FROM rls.map m WHERE m.tbl = t.tbl
                          AND p IN (m.update_action, m.delete_action))
FROM rls.target t, unnest(rls.permissions(t.type)) p ORDER BY 1, 2}))
	{
		my ($type, $perm, $mapped) = split /\|/, $row;
		$permissions{"$w $type.$perm"} = 1;
		$covered{"$w $type.$perm"} = 1 if $mapped eq 't';
	}
	my $nulls = $node->safe_psql($w,
		q{SELECT count(*) FROM rls.map WHERE select_action IS NOT NULL
		  AND (update_action IS NULL OR delete_action IS NULL)});
	note "$w: $nulls (round, table) pairs with UPDATE or DELETE mapped to null";

	# the first disagreements, with what it takes to debug them
	foreach my $row (
		split /\n/,
		$node->safe_psql(
			$w, q{
SELECT round, actor, type, id, kind, select_action, coalesce(action, ''),
       coalesce(read_allowed::text, '-'), coalesce(action_allowed::text, '-'), expected
FROM (SELECT *, row_number() OVER (PARTITION BY tbl, kind ORDER BY round, actor, id) AS n
      FROM rls.decision WHERE expected <> seen) d
ORDER BY n, round, type, kind, actor, id LIMIT 20}))
	{
		last if @bad >= 20;
		my ($r, $actor, $type, $id, $kind, $sel, $action, $read_ok, $action_ok, $exp) =
		  split /\|/, $row;
		my $resource = "$type:$id";
		my $detail   = '';
		foreach my $a (grep { $_ ne '' } ($kind eq 'select' || $kind =~ /_read$/ ? $sel : ''),
			$kind eq 'select' ? '' : $action)
		{
			my $explain = $node->safe_psql(
				$w,
				$actor ne ''
				? 'SELECT rbac.explain(' . lit($actor) . ', ' . lit($a) . ', ' . lit($resource) . ')'
				: 'SELECT rbac.explain(' . lit($a) . ', ' . lit($resource) . ')');
			$detail .= "\n    explain($a):\n      " . join("\n      ", split /\n/, $explain);
			# the predicate, once per world, action and type
			next if $filter_shown{"$w $type $a"}++;
			my $filter = $node->safe_psql($w,
				'SELECT rbac.filter(' . lit($a) . ', ' . lit($type) . ')');
			$detail .= "\n    filter($a, $type):\n      " . join("\n      ", split /\n/, $filter);
		}
		push @bad,
		  sprintf(
			"[%s round %d] %s %s %s: RLS %s it, is_allowed says %s "
			  . "(%s: %s, %s: %s)%s",
			$w, $r, $actor eq '' ? 'nobody' : $actor, $kind, $resource,
			$exp eq 't' ? 'hides' : 'shows/changes',
			$exp eq 't' ? 'allowed' : 'denied',
			$sel || '-', $read_ok, $action || '-', $action_ok, $detail);
	}
}

my @uncovered = grep { !$covered{$_} } sort keys %permissions;
is(join(', ', @uncovered), '',
	'every permission of every protected type is mapped to UPDATE or DELETE in some round');

diag sprintf(
	"rls decisions compared: %d (%d worlds, %d rounds, %d permissions; %d of the decisions "
	  . "on actor tables with no permission), disagreements: %d; %.0f s",
	$total, scalar(@worlds), $total_rounds, scalar(keys %permissions),
	$total_deny, $total_bad, time - $t_all);
diag "first RLS disagreements:\n" . join("\n", @bad) if @bad;
diag "first statement errors:\n" . join("\n", @errors) if @errors;
cmp_ok($total, '>=', 1000000, 'at least 1,000,000 RLS decisions compared');
is($total_bad, 0, 'no disagreement between RLS and rbac.is_allowed');

$node->stop;
done_testing();
