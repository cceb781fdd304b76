# Concurrent role-data writes (issue 3): two sessions racing must not leave
# what one session alone is refused -- a cycle of groups closed from both
# ends, an assignment of a custom role being dropped, a duplicate
# assignment.  The second session waits for the first and then sees its
# committed work.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $src_dir = $ENV{RBAC_SRC} // '../..';
my $policy  = slurp_file("$src_dir/examples/gitclub.polar");

my $node = PostgreSQL::Test::Cluster->new('concurrency');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION pg_rbac');
$node->safe_psql('postgres', "SELECT rbac.load_policy(\$policy\$$policy\$policy\$)");

my $s1 = $node->background_psql('postgres', on_error_stop => 0);
my $s2 = $node->background_psql('postgres', on_error_stop => 0);
my $pid2 = $s2->query_safe('SELECT pg_backend_pid()');

# Start a statement in session 2 that must block, and wait until it does.
sub start_blocked
{
	my ($sql, $what) = @_;
	$s2->{stderr} = '';
	$s2->query_until(qr/started/, "\\echo started\n$sql;\n");
	ok( $node->poll_query_until(
			'postgres',
			"SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $pid2"),
		"$what waits for the other session");
}

# Let session 2 finish; its stderr (the error, if any).
sub finish_blocked
{
	$s2->query('SELECT 1');
	my $err = $s2->{stderr};
	$s2->{stderr} = '';
	return $err;
}

# 1. Two halves of a cycle of groups, concurrently.
$s1->query_safe("BEGIN; SELECT rbac.add_member('Group:a', 'Group:b')");
start_blocked("SELECT rbac.add_member('Group:b', 'Group:a')", 'closing a cycle');
$s1->query_safe('COMMIT');
like(finish_blocked(), qr/would create a cycle of groups/,
	'the second half of a concurrent cycle is refused');
is($node->safe_psql('postgres', 'SELECT count(*) FROM rbac.membership'),
	'1', 'one membership stored');

# 2. Assigning a custom role while it is dropped: the drop waits and sees
#    the assignment.
$node->safe_psql('postgres',
	"SELECT rbac.create_role('Organization:acme', 'billing', ARRAY['read'])");
$s1->query_safe(
	"BEGIN; SELECT rbac.assign_role('User:x', 'billing', 'Organization:acme')");
start_blocked("SELECT rbac.drop_role('Organization:acme', 'billing')",
	'dropping a custom role being assigned');
$s1->query_safe('COMMIT');
like(finish_blocked(), qr/is still assigned/, 'the drop then refuses (2BP01)');

# 3. Dropping first: the assignment waits and then finds no such role.
$s1->query_safe(
	"BEGIN; SELECT rbac.drop_role('Organization:acme', 'billing', cascade => true)");
start_blocked("SELECT rbac.assign_role('User:y', 'billing', 'Organization:acme')",
	'assigning a custom role being dropped');
$s1->query_safe('COMMIT');
like(finish_blocked(), qr/role "billing" is not declared for Organization/,
	'the assignment then fails');
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM rbac.assignment WHERE role = 'billing'}),
	'0', 'no assignment of the dropped role remains');

# 4. The same assignment from both sessions: one row, the second is "held".
$s1->query_safe("BEGIN; SELECT rbac.assign_role('User:z', 'reader', 'Repository:1')");
start_blocked("SELECT rbac.assign_role('User:z', 'reader', 'Repository:1')",
	'a duplicate assignment');
$s1->query_safe('COMMIT');
is(finish_blocked(), '', 'the second assign_role succeeds');
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM rbac.assignment WHERE actor_id = 'z'}),
	'1', 'one assignment stored');
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM rbac.audit_log WHERE operation = 'assign_role' AND detail->>'actor' = 'User:z'}),
	'1', 'audited once');

$s1->quit;
$s2->quit;
$node->stop;
done_testing();
