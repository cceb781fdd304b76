# Randomized agreement test of the check engine (issue 4): rbac.is_allowed
# against an independent reference evaluator written in plain SQL
# (t/agreement/reference.sql, derive.sql: recursive CTEs over the catalog
# tables, no C) on random worlds generated with fixed seeds.
#
# Each world (t/agreement/world*.sql) is one database: a policy in the
# policy language, tables bound with rbac.bind, random rows, memberships,
# custom roles and assignments written through the API, and a hand
# translation of its last-mile rules into the reference's tables.  Every
# decision (actor or nobody) x (permission) x (resource with a row, or an id
# with no row that role data or a relation names) is checked by both (world
# 2, the costliest, a deterministic half); the test passes when they agree
# on all of them.  rbac.authorized_actions and rbac.authorized_roles are
# compared too, on a sample of (actor, resource) pairs plus every pair on a
# tenant with custom roles.  Disagreements are listed (the first 20) with
# rbac.explain, the reference's facts and the resource's relations.
#
# The multi-resource functions are compared too (t/agreement/multi.sql,
# issue 17): rbac.authorized_resources for every actor x permission x bound
# type, rbac.who_can on a sample of resources (exactly the candidates of
# SPEC 3.3 that the reference allows, and never missing an actor that holds
# the permission through assignments alone), rbac.explain's verdict and
# rbac.authorize's outcome (none, P0002 or 42501, under the default
# rbac.read_action and under another permission as read action) on
# samples of the decisions.
#
# Runs in about 90 s on two cores; "decisions compared: N" is the number
# the README quotes.

use strict;
use warnings;

use File::Basename qw(dirname);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $dir = dirname(__FILE__) . '/agreement';
my @worlds =
  qw(world1_gitclub world2_folders world3_tenants world4_sites);

my $node = PostgreSQL::Test::Cluster->new('agreement');
$node->init;
$node->append_conf('postgresql.conf',
	"fsync = off\nshared_buffers = 256MB\nwork_mem = 64MB\njit = off\n");
$node->start;

my $reference = slurp_file("$dir/reference.sql");
my $derive    = slurp_file("$dir/derive.sql");
my $compare   = slurp_file("$dir/compare.sql");
my $multi     = slurp_file("$dir/multi.sql");

my ($total, $total_bad, $total_pairs) = (0, 0, 0);
my %multi_total;
my (@bad, @bad_sets, @bad_multi);

# A SQL string literal.
sub lit
{
	my $s = shift;
	$s =~ s/'/''/g;
	return "'$s'";
}

my $t_all = time;

foreach my $w (@worlds)
{
	my $t0 = time;
	$node->safe_psql('postgres', "CREATE DATABASE $w");
	$node->safe_psql(
		$w,
		join("\n",
			'CREATE EXTENSION pg_rbac;', $reference,
			slurp_file("$dir/$w.sql"), $derive,
			$compare),
		timeout => 600);

	my ($n, $allowed, $denied, $bad, $facts) = split /\|/,
	  $node->safe_psql(
		$w, q{
SELECT count(*), count(*) FILTER (WHERE reference), count(*) FILTER (WHERE NOT reference),
       count(*) FILTER (WHERE engine IS DISTINCT FROM reference),
       (SELECT count(*) FROM ref.fact)
FROM ref.decision});
	my ($pairs, $bad_actions, $bad_roles) = split /\|/,
	  $node->safe_psql(
		$w, q{
SELECT count(*),
       count(*) FILTER (WHERE engine_actions IS DISTINCT FROM reference_actions),
       count(*) FILTER (WHERE engine_roles IS DISTINCT FROM reference_roles)
FROM ref.pair});
	note sprintf(
		"%s: %d decisions (%d allowed, %d denied; %d reference facts), %d disagreements; "
		  . "%d (actor, resource) pairs: %d authorized_actions and %d authorized_roles disagreements; %.1f s",
		$w, $n, $allowed, $denied, $facts, $bad, $pairs, $bad_actions, $bad_roles,
		time - $t0);
	$total       += $n;
	$total_bad   += $bad;
	$total_pairs += $pairs;

	# both outcomes must be well represented, or the world tests little
	cmp_ok($allowed, '>=', 0.03 * $n, "$w: allowed decisions are common");
	cmp_ok($denied,  '>=', 0.03 * $n, "$w: denied decisions are common");
	is($bad, 0,
		"$w: rbac.is_allowed agrees with the reference on all $n decisions");
	is($bad_actions, 0,
		"$w: rbac.authorized_actions agrees with the reference on $pairs pairs");
	is($bad_roles, 0,
		"$w: rbac.authorized_roles agrees with the reference on $pairs pairs");

	# the multi-resource functions (t/agreement/multi.sql)
	my $t1 = time;
	$node->safe_psql($w, $multi, timeout => 600);
	my %m;
	@m{qw(res res_bad who who_bad who_spec who_unknown expl expl_bad auth auth_bad auth_404 auth_403
		  res_full who_full)}
	  = split /\|/, $node->safe_psql(
		$w, q{
SELECT (SELECT count(*) FROM ref.resources),
       (SELECT count(*) FROM ref.resources WHERE engine IS DISTINCT FROM reference),
       (SELECT count(*) FROM ref.who),
       (SELECT count(*) FROM ref.who WHERE engine IS DISTINCT FROM reference),
       (SELECT count(*) FROM ref.who WHERE cardinality(spec_missing) > 0),
       (SELECT count(*) FROM ref.who WHERE cardinality(unknown) > 0),
       (SELECT count(*) FROM ref.explained),
       (SELECT count(*) FROM ref.explained WHERE engine IS DISTINCT FROM reference),
       (SELECT count(*) FROM ref.authorized),
       (SELECT count(*) FROM ref.authorized WHERE engine IS DISTINCT FROM expected),
       (SELECT count(*) FROM ref.authorized WHERE expected = 'P0002'),
       (SELECT count(*) FROM ref.authorized WHERE expected = '42501'),
       (SELECT count(*) FROM ref.resources WHERE cardinality(reference) > 0),
       (SELECT count(*) FROM ref.who WHERE cardinality(reference) > 0)});
	$multi_total{$_} += $m{$_} foreach keys %m;
	note sprintf(
		"%s: authorized_resources %d (actor, permission, type) lists (%d not empty), %d disagreements; "
		  . "who_can %d resources (%d lists not empty), %d disagreements (%d missing an actor that "
		  . "holds the permission through assignments alone, %d listing actors with no row); "
		  . "explain %d verdicts, %d disagreements; authorize %d outcomes (%d not found, "
		  . "%d forbidden expected), %d disagreements; %.1f s",
		$w, @m{qw(res res_full res_bad who who_full who_bad who_spec who_unknown expl expl_bad
			auth auth_404 auth_403 auth_bad)},
		time - $t1);
	is($m{res_bad}, 0,
		"$w: rbac.authorized_resources agrees with the reference on $m{res} lists");
	is($m{who_bad}, 0, "$w: rbac.who_can agrees with the reference on $m{who} resources");
	is($m{expl_bad}, 0, "$w: rbac.explain's verdict agrees with the reference on $m{expl} decisions");
	is($m{auth_bad}, 0,
		"$w: rbac.authorize (two read actions) agrees with the reference on $m{auth} decisions");
	cmp_ok($m{auth_404} * $m{auth_403}, '>', 0, "$w: authorize sample has both refusals");
	cmp_ok($m{res_full}, '>=', 0.2 * $m{res}, "$w: authorized_resources lists are often not empty");
	cmp_ok($m{who_full}, '>=', 0.2 * $m{who}, "$w: who_can lists are often not empty");
	push @bad_multi, split /\n/, $node->safe_psql(
		$w, q{
(SELECT 'authorized_resources(' || CASE WHEN a_type = '' THEN '' ELSE a_type || ':' || a_id || ', ' END
        || action || ', ' || r_type || '): engine ' || engine::text || ', reference ' || reference::text
 FROM ref.resources WHERE engine IS DISTINCT FROM reference ORDER BY 1 LIMIT 5)
UNION ALL
(SELECT 'who_can(' || action || ', ' || r_type || ':' || r_id || '): engine ' || engine::text
        || ', reference ' || reference::text
 FROM ref.who WHERE engine IS DISTINCT FROM reference ORDER BY 1 LIMIT 5)
UNION ALL
(SELECT 'explain(' || coalesce(nullif(a_type, '') || ':' || a_id, 'nobody') || ', ' || action || ', '
        || r_type || ':' || r_id || '): engine ' || coalesce(engine::text, 'null') || ', reference '
        || reference::text
 FROM ref.explained WHERE engine IS DISTINCT FROM reference ORDER BY 1 LIMIT 5)
UNION ALL
(SELECT 'authorize(' || coalesce(nullif(a_type, '') || ':' || a_id, 'nobody') || ', ' || action || ', '
        || r_type || ':' || r_id || ') with read action ' || read_action || ': engine ' || engine
        || ', expected ' || expected
 FROM ref.authorized WHERE engine IS DISTINCT FROM expected ORDER BY 1 LIMIT 5)}) if $m{res_bad} + $m{who_bad} + $m{expl_bad} + $m{auth_bad};
	# SPEC 3.3: who_can lists the actors that hold the permission through
	# role assignments
	is($m{who_spec}, 0,
		"$w: rbac.who_can lists every actor that holds the permission through assignments alone");

	# the first disagreements, with what it takes to debug them
	foreach my $row (
		split /\n/,
		$node->safe_psql(
			$w, q{
SELECT a_type, a_id, action, r_type, r_id, engine, reference
FROM ref.decision WHERE engine IS DISTINCT FROM reference
ORDER BY r_type, action, r_id, a_type, a_id LIMIT 20}))
	{
		last if @bad >= 20;
		my ($a_type, $a_id, $action, $r_type, $r_id, $engine, $ref) =
		  split /\|/, $row;
		my $actor    = $a_type eq '' ? undef : "$a_type:$a_id";
		my $resource = "$r_type:$r_id";
		my $explain  = $node->safe_psql(
			$w,
			defined $actor
			? 'SELECT rbac.explain(' . lit($actor) . ', ' . lit($action) . ', '
			  . lit($resource) . ')'
			: 'SELECT rbac.explain(' . lit($action) . ', ' . lit($resource) . ')');
		my $held = $node->safe_psql(
			$w, q{SELECT string_agg(term, ', ' ORDER BY term) FROM ref.fact }
			  . 'WHERE a_type = ' . lit($a_type) . ' AND a_id = ' . lit($a_id)
			  . ' AND r_type = ' . lit($r_type) . ' AND r_id = ' . lit($r_id));
		# the resource's relations, and theirs (one more hop)
		my $links = $node->safe_psql(
			$w, q{
SELECT string_agg(e.rel || ' -> ' || e.target_type || ':' || e.target_id
                  || coalesce(' (' || (SELECT string_agg(e2.rel || ' -> ' || e2.target_type || ':'
                                                         || e2.target_id, ', ' ORDER BY e2.rel)
                                       FROM ref.edge e2
                                       WHERE e2.type = e.target_type AND e2.id = e.target_id)
                              || ')', ''), ', ' ORDER BY e.rel)
FROM ref.edge e WHERE e.type = } . lit($r_type) . ' AND e.id = ' . lit($r_id));
		push @bad,
		  sprintf(
			"[%s] %s %s %s: engine %s, reference %s\n"
			  . "    reference holds on it: %s\n    its relations: %s\n    explain:\n      %s",
			$w, $actor // 'nobody', $action, $resource,
			$engine eq 't' ? 'allows' : 'denies',
			$ref eq 't' ? 'allows' : 'denies',
			$held || '(nothing)', $links || '(none, or no row)',
			join("\n      ", split /\n/, $explain));
	}
	foreach my $row (
		split /\n/,
		$node->safe_psql(
			$w, q{
SELECT a_type || ':' || a_id, r_type || ':' || r_id, 'authorized_actions',
       engine_actions, reference_actions
FROM ref.pair WHERE engine_actions IS DISTINCT FROM reference_actions
UNION ALL
SELECT a_type || ':' || a_id, r_type || ':' || r_id, 'authorized_roles',
       engine_roles, reference_roles
FROM ref.pair WHERE engine_roles IS DISTINCT FROM reference_roles
ORDER BY 3, 2, 1 LIMIT 10}))
	{
		last if @bad_sets >= 10;
		my ($actor, $resource, $fn, $engine, $ref) = split /\|/, $row;
		push @bad_sets, "[$w] $fn($actor, $resource): engine $engine, reference $ref";
	}
}

diag "decisions compared: $total (4 worlds), disagreements: $total_bad; "
  . "authorized_actions/authorized_roles compared on $total_pairs (actor, resource) pairs; "
  . sprintf('%.0f s', time - $t_all);
diag "first is_allowed disagreements:\n" . join("\n", @bad) if @bad;
diag "first authorized_actions/authorized_roles disagreements:\n" . join("\n", @bad_sets)
  if @bad_sets;
diag sprintf(
	"multi-resource functions compared: %d authorized_resources lists, %d who_can lists, "
	  . "%d explain verdicts, %d authorize outcomes",
	@multi_total{qw(res who expl auth)});
diag "first multi-resource disagreements:\n" . join("\n", @bad_multi) if @bad_multi;
cmp_ok($total, '>=', 100000, 'at least 100,000 decisions compared');
is($total_bad, 0, 'no disagreement between rbac.is_allowed and the reference');

$node->stop;
done_testing();
