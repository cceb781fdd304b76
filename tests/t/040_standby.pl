# Hot standby (issue 4 "checks never write", issue 6 item 8): a streaming
# replica answers every check and every query under generated row-level
# security with the primary's results, and sees assignment and policy
# changes (and the regenerated policies) once they are replayed.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $src = $ENV{RBAC_SRC} or die "RBAC_SRC is not set";
my $policy = slurp_file("$src/examples/gitclub.polar");

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->start;
$primary->safe_psql('postgres', 'CREATE EXTENSION pg_rbac');
$primary->safe_psql('postgres',
	'SELECT rbac.load_policy($pol$' . $policy . '$pol$)');
$primary->safe_psql('postgres', q{
CREATE TABLE users (id text PRIMARY KEY);
CREATE TABLE groups (id text PRIMARY KEY);
CREATE TABLE organizations (id text PRIMARY KEY);
CREATE TABLE repositories (id int PRIMARY KEY, org_id text REFERENCES organizations,
                           is_public boolean NOT NULL DEFAULT false);
CREATE TABLE issues (id int PRIMARY KEY, repo_id int REFERENCES repositories,
                     creator_id text REFERENCES users, visibility text NOT NULL DEFAULT 'private');
INSERT INTO users SELECT 'u' || i FROM generate_series(1, 20) i;
INSERT INTO groups SELECT 'g' || i FROM generate_series(1, 5) i;
INSERT INTO organizations SELECT 'o' || i FROM generate_series(1, 4) i;
INSERT INTO repositories SELECT i, 'o' || (1 + i % 4), i % 7 = 0 FROM generate_series(1, 30) i;
INSERT INTO issues SELECT i, 1 + i % 30, 'u' || (1 + i % 20),
                          CASE WHEN i % 3 = 0 THEN 'internal' ELSE 'private' END
FROM generate_series(1, 90) i;
SELECT rbac.bind('User', 'users');
SELECT rbac.bind('Group', 'groups');
SELECT rbac.bind('Organization', 'organizations');
SELECT rbac.bind('Repository', 'repositories', relations => '{"parent": "org_id"}');
SELECT rbac.bind('Issue', 'issues', relations => '{"repository": "repo_id", "creator": "creator_id"}');
SELECT rbac.assign_role('User:u' || i, (ARRAY['owner', 'member'])[1 + i % 2], 'Organization:o' || (1 + i % 4))
FROM generate_series(1, 8) i;
SELECT rbac.assign_role('User:u' || i, 'maintainer', 'Repository:' || i) FROM generate_series(9, 14) i;
SELECT rbac.add_member('Group:g' || i, 'User:u' || (14 + i)) FROM generate_series(1, 5) i;
SELECT rbac.add_member('Group:g1', 'Group:g2');
SELECT rbac.assign_role('Group:g1', 'reader', 'Repository:' || i) FROM generate_series(20, 25) i;
SELECT rbac.assign_role('User:u20', 'superadmin');
SELECT rbac.create_role('Organization:o1', 'auditor', ARRAY['read', 'repository.read'], '{}');
SELECT rbac.assign_role('User:u19', 'auditor', 'Organization:o1');
SELECT rbac.enable_rls('repositories');
SELECT rbac.enable_rls('issues');
CREATE ROLE standby_reader;
GRANT SELECT ON repositories, issues TO standby_reader;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO standby_reader;
});

# what every user sees under the generated policies, as one text
my $rls_seen = join "\n", 'SET ROLE standby_reader;', map {
	"SELECT rbac.set_actor('User:u$_'); "
	  . "SELECT 'u$_', (SELECT string_agg(id::text, ',' ORDER BY id) FROM repositories), "
	  . "(SELECT string_agg(id::text, ',' ORDER BY id) FROM issues);"
} 1 .. 20;

$primary->backup('b');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'b', has_streaming => 1);
$standby->start;
$primary->wait_for_catchup($standby);
is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'), 't', 'standby is in recovery');

# every decision of a grid, as one ordered text per node
my $grid = q{
SELECT string_agg(a || ' ' || p || ' ' || r || ' ' || rbac.is_allowed(a, p, r)::text, E'\n' ORDER BY a, p, r)
FROM (SELECT 'User:u' || i AS a FROM generate_series(1, 20) i) a,
     unnest(ARRAY['read', 'close']) p,
     (SELECT 'Issue:' || i AS r FROM generate_series(1, 90) i) r
};
my $on_primary = $primary->safe_psql('postgres', $grid);
my $on_standby = $standby->safe_psql('postgres', $grid);
is($on_standby, $on_primary, 'is_allowed on the standby equals the primary (3,600 decisions)');
my $allowed = () = $on_primary =~ / true$/mg;
my $rls_primary = $primary->safe_psql('postgres', $rls_seen);
is($standby->safe_psql('postgres', $rls_seen), $rls_primary,
	'rows seen under generated RLS by 20 actors: standby equals primary');
like($rls_primary, qr/^u1\|\d/m, 'actors see rows under RLS');
ok($allowed > 100 && $allowed < 3500, "the grid mixes allowed and denied ($allowed allowed)");

for my $q (
	q{SELECT string_agg(x, ',') FROM rbac.authorized_actions('User:u1', 'Repository:4') x},
	q{SELECT string_agg(x, ',') FROM rbac.authorized_roles('User:u19', 'Organization:o1') x},
	q{SELECT string_agg(x, ',') FROM rbac.authorized_resources('User:u15', 'read', 'Repository') x},
	q{SELECT string_agg(x, ',') FROM rbac.who_can('read', 'Repository:21') x},
	q{SELECT string_agg(x, E'\n') FROM rbac.explain('User:u16', 'read', 'Issue:20') x},
	q{SELECT string_agg(x, E'\n') FROM rbac.explain('User:u3', 'push', 'Repository:5') x},
	q{SELECT count(*) FROM rbac.validate_policy(rbac.policy_source())},
	q{SELECT md5(rbac.policy_graph())},
	q{SELECT rbac.set_actor('User:u1'); SELECT rbac.is_allowed('delete', 'Repository:4'), rbac.current_actor()})
{
	is($standby->safe_psql('postgres', $q), $primary->safe_psql('postgres', $q),
		"standby equals primary: $q");
}
my ($ret, $out, $err) = $standby->psql('postgres',
	q{SELECT rbac.authorize('User:u3', 'read', 'Repository:6')});
like($err, qr/not found/, 'authorize raises not found on the standby');

# changes reach the standby after replay
$primary->safe_psql('postgres', q{
SELECT rbac.remove_role('User:u1', 'member', 'Organization:o2');
SELECT rbac.assign_role('User:u3', 'admin', 'Repository:6');
});
$primary->wait_for_catchup($standby);
is($standby->safe_psql('postgres', q{SELECT rbac.is_allowed('User:u1', 'read', 'Repository:5'), rbac.is_allowed('User:u3', 'delete', 'Repository:6')}),
	'f|t', 'assignment changes are seen after replay');
is($standby->safe_psql('postgres', $rls_seen), $primary->safe_psql('postgres', $rls_seen),
	'after the assignment changes, RLS on the standby still equals the primary');

# a standby session that checked an actor sees a revocation (and an
# assignment) as soon as it is replayed: on a standby the actor's expansion
# is never reused across snapshots (the write horizon's trigger does not
# run in replay)
my $kept = $standby->background_psql('postgres');
my $u3_delete = q{SELECT rbac.is_allowed('User:u3', 'delete', 'Repository:6')};
is($kept->query_safe($u3_delete), 't', 'standby session: u3 may delete repository 6');
is($kept->query_safe($u3_delete), 't', 'again, in another transaction');
$primary->safe_psql('postgres', q{SELECT rbac.remove_role('User:u3', 'admin', 'Repository:6')});
$primary->wait_for_catchup($standby);
is($kept->query_safe($u3_delete), 'f', 'the same standby session sees the replayed revocation');
$primary->safe_psql('postgres', q{SELECT rbac.assign_role('User:u3', 'admin', 'Repository:6')});
$primary->wait_for_catchup($standby);
is($kept->query_safe($u3_delete), 't', 'and the replayed assignment');
$kept->quit;

# a new policy: the standby's cached model is invalidated by replay
my $standby_session = $standby->background_psql('postgres');
is($standby_session->query_safe(q{SELECT rbac.is_allowed('User:u3', 'push', 'Repository:6')}),
	't', 'standby session before the policy change');
my $stricter = $policy;
$stricter =~ s/"push" if "maintainer";/"push" if "admin";\n  "read" if "admin";/ or die;
$stricter =~ s/  "reader" if "maintainer";\n//;
$primary->safe_psql('postgres',
	'SELECT rbac.load_policy($pol$' . $stricter . '$pol$)');
$primary->safe_psql('postgres', q{SELECT rbac.remove_role('User:u3', 'admin', 'Repository:6')});
$primary->wait_for_catchup($standby);
is($standby_session->query_safe(q{SELECT rbac.is_allowed('User:u9', 'push', 'Repository:9')}),
	'f', 'the same standby session follows the replayed policy');
is($standby->safe_psql('postgres', $grid), $primary->safe_psql('postgres', $grid),
	'after the policy change the standby still equals the primary');
my $rls_after = $primary->safe_psql('postgres', $rls_seen);
isnt($rls_after, $rls_primary, 'the policy change changed what actors see');
is($standby->safe_psql('postgres', $rls_seen), $rls_after,
	'after the policy change, RLS on the standby (regenerated policies replayed) equals the primary');
$standby_session->quit;

$standby->stop;
$primary->stop;
done_testing();
