# pg_dump / pg_restore of a database using pg_rbac (SPEC 5): the policy,
# bindings, assignments (global, expiring, custom), memberships, custom
# roles and the audit log survive a dump in custom format restored into a
# new database, and so do the delete triggers that bind installed and the
# generated row-level-security policies: 10,000 sampled decisions and what
# 60 actors see under RLS are identical after the restore.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $src_dir = $ENV{RBAC_SRC} // '../..';
my $policy  = slurp_file("$src_dir/examples/gitclub.polar");

my $node = PostgreSQL::Test::Cluster->new('dump_restore');
$node->init;
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql('src', 'CREATE EXTENSION pg_rbac');
$node->safe_psql('src', "SELECT rbac.load_policy(\$policy\$$policy\$policy\$)");

# Tables of every key type, bound with explicit and inferred relations;
# one table in another schema with a quoted name.
$node->safe_psql(
	'src', q{
CREATE TABLE users (name text PRIMARY KEY);
CREATE TABLE teams (id uuid PRIMARY KEY);
CREATE TABLE orgs (id int PRIMARY KEY, name text);
CREATE SCHEMA "App Data";
CREATE TABLE "App Data"."Repos" (id bigint PRIMARY KEY, org_id int REFERENCES orgs ON DELETE CASCADE,
                                 is_public boolean NOT NULL DEFAULT false);
CREATE TABLE folders (id int PRIMARY KEY, parent int REFERENCES folders);
INSERT INTO users VALUES ('alice'), ('bob'), ('carol'), ('dave');
INSERT INTO teams VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
INSERT INTO orgs VALUES (1, 'acme'), (2, 'globex'), (3, 'initech');
INSERT INTO "App Data"."Repos" VALUES (10, 1), (11, 1), (20, 2);
INSERT INTO folders VALUES (1, NULL), (2, 1);
SELECT rbac.bind('User', 'users');
SELECT rbac.bind('Group', 'teams');
SELECT rbac.bind('Organization', 'orgs');
SELECT rbac.bind('Repository', '"App Data"."Repos"');
SELECT rbac.bind('Folder', 'folders', 'id', '{"parent": "parent"}');
SELECT rbac.set_actor('User:admin');
SELECT rbac.assign_role('User:alice', 'owner', 'Organization:1');
SELECT rbac.assign_role('User:bob', 'member', 'Organization:1', '2100-01-01 00:00:00+00');
SELECT rbac.assign_role('User:carol', 'admin', 'Repository:20');
SELECT rbac.assign_role('Group:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'reader', 'Repository:11');
SELECT rbac.assign_role('User:dave', 'superadmin');
SELECT rbac.assign_role('User:dave', 'viewer', 'Folder:2');
SELECT rbac.add_member('Group:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'User:bob');
SELECT rbac.add_member('Group:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'User:carol');
SELECT rbac.create_role('Organization:1', 'auditor', ARRAY['read', 'repository.read'], ARRAY['member']);
SELECT rbac.create_role('Organization:2', 'billing', ARRAY['read']);
SELECT rbac.assign_role('User:carol', 'auditor', 'Organization:1');
SELECT rbac.assign_role('User:alice', 'billing', 'Organization:2');
SELECT rbac.reset_actor();
INSERT INTO rbac.role_assignments VALUES ('User:bob', 'maintainer', 'Repository:10', NULL);
SELECT rbac.assign_role('User:alice', 'member', 'Organization:3');
DELETE FROM orgs WHERE id = 3;
});

# A larger seeded world for sampled decisions, and generated row-level
# security on two tables, read by an ordinary role as an actor.
$node->safe_psql(
	'src', q{
INSERT INTO users SELECT 'u' || i FROM generate_series(1, 200) i;
INSERT INTO orgs SELECT i, 'org' || i FROM generate_series(100, 139) i;
INSERT INTO "App Data"."Repos" SELECT 1000 + i, 100 + i % 40, i % 7 = 0 FROM generate_series(0, 399) i;
SELECT setseed(0.42);
SELECT count(rbac.assign_role('User:u' || (1 + (random() * 199)::int),
                              (ARRAY['owner', 'member'])[1 + (random() < 0.2)::int],
                              'Organization:' || (100 + (random() * 39)::int)))
FROM generate_series(1, 150);
SELECT count(rbac.assign_role('User:u' || (1 + (random() * 199)::int),
                              (ARRAY['reader', 'maintainer', 'admin'])[1 + (random() * 2)::int],
                              'Repository:' || (1000 + (random() * 399)::int)))
FROM generate_series(1, 400);
SELECT count(rbac.add_member('Group:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'User:u' || i))
FROM generate_series(1, 200, 10) i;
SELECT rbac.assign_role('Group:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'admin', 'Repository:1005');
SELECT rbac.enable_rls('"App Data"."Repos"');
SELECT rbac.enable_rls('orgs');
CREATE ROLE regress_dump_reader;
GRANT USAGE ON SCHEMA "App Data" TO regress_dump_reader;
GRANT SELECT ON "App Data"."Repos", orgs TO regress_dump_reader;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO regress_dump_reader;
});

# 10,000 sampled decisions: users, every permission of Repository and
# Organization, resources spread over both types (string of t/f).
my $decisions = q{
SELECT count(*) FILTER (WHERE d) || ' allowed: ' || string_agg(CASE WHEN d THEN 't' ELSE 'f' END, '' ORDER BY n)
FROM (SELECT n, rbac.is_allowed('User:u' || (1 + (n * 7919) % 200),
             CASE WHEN n % 2 = 0 THEN (ARRAY['read', 'push', 'delete', 'manage_roles'])[1 + (n / 2) % 4]
                  ELSE (ARRAY['read', 'create_repository', 'manage_roles', 'repository.read'])[1 + (n / 2) % 4] END,
             CASE WHEN n % 2 = 0 THEN 'Repository:' || (1000 + (n * 104729) % 400)
                  ELSE 'Organization:' || (100 + (n * 31) % 40) END) AS d
      FROM generate_series(1, 10000) n) s};
# what 60 users see under the generated policies
my $rls_seen = join "\n", 'SET ROLE regress_dump_reader;', map {
	"SELECT rbac.set_actor('User:u$_'); "
	  . "SELECT 'u$_', (SELECT string_agg(id::text, ',' ORDER BY id) FROM \"App Data\".\"Repos\"), "
	  . "(SELECT string_agg(id::text, ',' ORDER BY id) FROM orgs);"
} 1 .. 60;
my $src_decisions = $node->safe_psql('src', $decisions);
my ($src_allowed) = $src_decisions =~ /^(\d+)/;
cmp_ok($src_allowed, '>', 200, "the sample has allowed decisions ($src_allowed of 10,000)");
cmp_ok($src_allowed, '<', 9500, 'and denied ones');
my $src_rls = $node->safe_psql('src', $rls_seen);
like($src_rls, qr/u1\|\d/, 'actors see rows under RLS in the source');

# What must survive, as text.
my %snapshot = (
	policy => 'SELECT rbac.policy_source()',
	model  => 'SELECT type, name, kind, target FROM rbac.policy_term ORDER BY 1, 2',
	bindings =>
	  'SELECT type, tbl::text, key_column, relations FROM rbac.binding ORDER BY type',
	assignments => 'SELECT * FROM rbac.assignments()',
	view => 'SELECT * FROM rbac.role_assignments ORDER BY actor, resource, role',
	memberships => 'SELECT * FROM rbac.membership ORDER BY 1, 2, 3, 4',
	custom_roles => 'SELECT * FROM rbac.custom_role ORDER BY 1, 2, 3',
	roles => q{SELECT * FROM rbac.roles('Organization:1')},
	groups => q{SELECT rbac.groups_of('User:bob')},
	audit =>
	  'SELECT at, db_user, actor, operation, detail FROM rbac.audit_log ORDER BY at, operation',
	policies => q{SELECT tablename, policyname, cmd, qual, with_check FROM pg_policies ORDER BY 1, 2},
	rls_tables => q{SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
	                WHERE relrowsecurity ORDER BY 1},
	triggers => q{SELECT tgrelid::regclass::text, tgname, tgtype FROM pg_trigger
	              WHERE tgname LIKE 'rbac%' AND tgrelid::regclass::text NOT LIKE 'rbac.%'
	              ORDER BY 1, 2},);

my %before;
$before{$_} = $node->safe_psql('src', $snapshot{$_}) for sort keys %snapshot;
ok($before{assignments} =~ /User:alice\|owner\|Organization:1/, 'source has assignments');
ok($before{audit} =~ /delete_cascade/, 'source audit log has a cascade');
is(scalar(() = $before{triggers} =~ /rbac_bound_delete/g), 5, 'five tables carry delete triggers');

my $dump = $node->basedir . '/src.dump';
command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', $node->connstr('src') ], 'pg_dump -Fc');
$node->safe_psql('postgres', 'CREATE DATABASE dst');
command_ok([ 'pg_restore', '--exit-on-error', '-d', $node->connstr('dst'), $dump ],
	'pg_restore into a new database');

for my $k (sort keys %snapshot)
{
	is($node->safe_psql('dst', $snapshot{$k}), $before{$k}, "$k equal after restore");
}
is($node->safe_psql('dst', $decisions), $src_decisions,
	'10,000 sampled decisions identical after restore');
is($node->safe_psql('dst', $rls_seen), $src_rls,
	'rows seen under generated RLS by 60 actors identical after restore');

# The restored database works: validation, writes, and the delete triggers.
is( $node->safe_psql('dst', q{SELECT rbac.assign_role('User:alice', 'reader', 'Repository:011')}),
	't', 'assign_role works after restore (ids still canonicalized)');
my ($ret, $out, $err) =
  $node->psql('dst', q{SELECT rbac.assign_role('User:alice', 'owner', 'Repository:10')});
like($err, qr/role "owner" is not declared for Repository/, 'validation works after restore');

$node->safe_psql('dst', 'DELETE FROM orgs WHERE id = 2');
is($node->safe_psql('dst', q{SELECT count(*) FROM rbac.assignments(resource => 'Organization:2')}),
	'0', 'delete trigger on a tenant removes its assignments after restore');
is($node->safe_psql('dst', q{SELECT count(*) FROM rbac.custom_role WHERE tenant_id = '2'}),
	'0', '... and its custom roles');
is($node->safe_psql('dst', q{SELECT count(*) FROM rbac.assignments(resource => 'Repository:20')}),
	'0', '... and a foreign-key cascade fires the triggers of the referencing table');
$node->safe_psql('dst', q{DELETE FROM "App Data"."Repos" WHERE id = 11});
is($node->safe_psql('dst', q{SELECT count(*) FROM rbac.assignments(resource => 'Repository:11')}),
	'0', 'delete trigger on a quoted table name works after restore');
$node->safe_psql('dst', 'DELETE FROM users WHERE name = \'bob\'');
is( $node->safe_psql(
		'dst', q{SELECT count(*) FROM rbac.membership WHERE member_id = 'bob'}),
	'0',
	'delete trigger on an actor table removes memberships after restore');
is( $node->safe_psql('dst',
		q{SELECT count(*) FROM rbac.audit_log WHERE operation = 'delete_cascade'}),
	'5', 'cascades after restore are audited next to the restored one');

# The source is untouched by all this.
is($node->safe_psql('src', $snapshot{assignments}), $before{assignments}, 'source unchanged');

# The audit log stays append-only after restore.
$node->safe_psql('dst', 'CREATE ROLE regress_auditor; GRANT DELETE, SELECT ON rbac.audit_log TO regress_auditor');
($ret, $out, $err) =
  $node->psql('dst', 'SET ROLE regress_auditor; DELETE FROM rbac.audit_log');
like($err, qr/append-only/, 'audit log still append-only after restore');

$node->stop;
done_testing();
