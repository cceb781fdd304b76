# The role-data read paths work on a hot standby (SPEC 3.5, 5): assignments,
# members, groups_of, roles and the view answer there as on the primary,
# and follow replayed changes; writes are refused as on any standby.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $src_dir = $ENV{RBAC_SRC} // '../..';
my $policy  = slurp_file("$src_dir/examples/gitclub.polar");

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->start;
$primary->safe_psql('postgres', 'CREATE EXTENSION pg_rbac');
$primary->safe_psql('postgres', "SELECT rbac.load_policy(\$policy\$$policy\$policy\$)");
$primary->safe_psql(
	'postgres', q{
SELECT rbac.assign_role('User:alice', 'owner', 'Organization:acme');
SELECT rbac.assign_role('User:bob', 'reader', 'Repository:1', '2100-01-01 00:00:00+00');
SELECT rbac.assign_role('User:root', 'superadmin');
SELECT rbac.add_member('Group:eng', 'User:bob');
SELECT rbac.add_member('Group:all', 'Group:eng');
SELECT rbac.create_role('Organization:acme', 'billing', ARRAY['read']);
});

$primary->backup('b');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'b', has_streaming => 1);
$standby->start;
$primary->wait_for_catchup($standby);

my %reads = (
	assignments => 'SELECT * FROM rbac.assignments()',
	by_actor    => q{SELECT * FROM rbac.assignments('User:bob')},
	view        => 'SELECT * FROM rbac.role_assignments ORDER BY actor, resource, role',
	members     => q{SELECT rbac.members('Group:all', true)},
	groups_of   => q{SELECT rbac.groups_of('User:bob')},
	roles       => q{SELECT * FROM rbac.roles('Organization:acme')},);

for my $k (sort keys %reads)
{
	is($standby->safe_psql('postgres', $reads{$k}),
		$primary->safe_psql('postgres', $reads{$k}), "$k on the standby");
}

# replayed changes are seen
$primary->safe_psql('postgres', q{SELECT rbac.remove_member('Group:eng', 'User:bob');
	SELECT rbac.assign_role('User:carol', 'billing', 'Organization:acme')});
$primary->wait_for_catchup($standby);
is($standby->safe_psql('postgres', q{SELECT count(*) FROM rbac.groups_of('User:bob')}),
	'0', 'a removed membership is gone on the standby');
is($standby->safe_psql('postgres', $reads{assignments}),
	$primary->safe_psql('postgres', $reads{assignments}), 'a new assignment is seen');

# writes are refused, as for any standby
my ($ret, $out, $err) =
  $standby->psql('postgres', q{SELECT rbac.assign_role('User:dave', 'reader', 'Repository:1')});
like($err, qr/read-only transaction/, 'assign_role refused on the standby');

$standby->stop;
$primary->stop;
done_testing();
