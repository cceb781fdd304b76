# Upgrades (SPEC 5: ALTER EXTENSION pg_rbac UPDATE works from every released
# version).  The install scripts of released versions are frozen in
# sql_released/pg_rbac--X.sql; this test discovers them, so it keeps working
# when the current version is released and the next one starts.
#
# For every released version X, in a database of its own:
#   CREATE EXTENSION pg_rbac VERSION 'X' (the old SQL against the current
#   shared library), load the example policy, bind six tables, assignments
#   (global, expiring, through groups nested two deep, through the writable
#   view, one removed by a delete trigger), custom roles, generated RLS on
#   four tables; record the role data, the audit log, the policy, a grid of
#   is_allowed decisions and the rows an unprivileged role sees under RLS
#   for every actor (and for none);
#   ALTER EXTENSION pg_rbac UPDATE (decisions are taken again in that very
#   session, then in new sessions);
# then: the version is the current one, the data and the decisions are
# unchanged, the extension's objects are identical to a fresh install of the
# current version (database "fresh", same world) -- functions with their
# full definitions, volatility, parallel safety, leakproofness, strictness,
# security, settings, comments and ACLs; tables, columns (in order),
# constraints, indexes, views, sequences, types, triggers, RLS policies,
# event triggers, config-dump registrations, initial privileges and the
# list of extension members -- as are the generated RLS policies and
# triggers on the application's tables.  A difference fails with a unified
# diff.  Finally the same writes are made in both databases (assignment,
# policy reload, enable_rls) and their decisions compared again.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $src = $ENV{RBAC_SRC} or die "RBAC_SRC is not set";
my $policy = slurp_file("$src/examples/gitclub.polar");
my $t0 = time;

# Released versions, oldest first.
sub vkey { join '.', map { sprintf '%06d', $_ } split /\./, $_[0] }
my @released =
  sort { vkey($a) cmp vkey($b) }
  map { m{/pg_rbac--([^-/]+)\.sql$} ? $1 : () }
  glob("$src/sql_released/pg_rbac--*.sql");
ok(@released > 0, 'released versions found: ' . join(', ', @released));

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
$node->append_conf('postgresql.conf', "fsync = off\njit = off\n");
$node->start;

my $current = $node->safe_psql('postgres',
	q{SELECT default_version FROM pg_available_extensions WHERE name = 'pg_rbac'});
my %available = map { $_ => 1 } split /\n/,
  $node->safe_psql('postgres',
	q{SELECT version FROM pg_available_extension_versions WHERE name = 'pg_rbac'});
ok($available{$current}, "current version $current is installed");
for my $v (@released)
{
	isnt($v, $current,
		"released version $v is not the development version (bump EXTVERSION and default_version after a release)");
	ok($available{$v}, "released version $v is installed by make install");
	is( $node->safe_psql(
			'postgres', qq{SELECT path IS NOT NULL FROM pg_extension_update_paths('pg_rbac')
			               WHERE source = '$v' AND target = '$current'}),
		't',
		"an upgrade path leads from $v to $current");
}

# The same world in every database: tables of several key types, every
# kind of role data, generated RLS on four tables, an unprivileged role.
$node->safe_psql('postgres', 'CREATE ROLE regress_upgrade_app');
my $world = q{
CREATE TABLE users (id text PRIMARY KEY);
CREATE TABLE teams (id text PRIMARY KEY);
CREATE TABLE organizations (id int PRIMARY KEY, name text);
CREATE TABLE repositories (id bigint PRIMARY KEY, org_id int REFERENCES organizations ON DELETE CASCADE,
                           is_public boolean NOT NULL DEFAULT false);
CREATE TABLE issues (id int PRIMARY KEY, repo_id bigint REFERENCES repositories ON DELETE CASCADE,
                     creator_id text REFERENCES users, visibility text NOT NULL DEFAULT 'private');
CREATE TABLE folders (id int PRIMARY KEY, parent int REFERENCES folders);
INSERT INTO users SELECT 'u' || i FROM generate_series(1, 12) i;
INSERT INTO teams SELECT 't' || i FROM generate_series(1, 3) i;
INSERT INTO organizations SELECT i, 'org' || i FROM generate_series(1, 4) i;
INSERT INTO repositories SELECT i, 1 + i % 4, i % 7 = 0 FROM generate_series(1, 16) i;
INSERT INTO issues SELECT i, 1 + i % 16, 'u' || (1 + i % 12),
                          CASE WHEN i % 3 = 0 THEN 'internal' ELSE 'private' END
FROM generate_series(1, 32) i;
INSERT INTO folders VALUES (1, NULL), (2, 1), (3, 2), (4, NULL);
SELECT rbac.load_policy(:'policy');
SELECT rbac.bind('User', 'users');
SELECT rbac.bind('Group', 'teams');
SELECT rbac.bind('Organization', 'organizations');
SELECT rbac.bind('Repository', 'repositories');
SELECT rbac.bind('Issue', 'issues', relations => '{"repository": "repo_id", "creator": "creator_id"}');
SELECT rbac.bind('Folder', 'folders', 'id', '{"parent": "parent"}');
SELECT rbac.assign_role('User:u1', 'owner', 'Organization:1');
SELECT rbac.assign_role('User:u2', 'member', 'Organization:1', '2100-01-01 00:00:00+00');
SELECT rbac.assign_role('User:u3', 'member', 'Organization:2');
SELECT rbac.assign_role('User:u4', 'maintainer', 'Repository:6');
SELECT rbac.assign_role('User:u5', 'admin', 'Repository:9');
SELECT rbac.assign_role('User:u6', 'superadmin');
SELECT rbac.assign_role('User:u7', 'viewer', 'Folder:2');
SELECT rbac.add_member('Group:t1', 'User:u8');
SELECT rbac.add_member('Group:t2', 'Group:t1');
SELECT rbac.add_member('Group:t2', 'User:u9');
SELECT rbac.assign_role('Group:t2', 'reader', 'Repository:' || i) FROM generate_series(10, 12) i;
SELECT rbac.assign_role('Group:t1', 'member', 'Organization:3');
SELECT rbac.create_role('Organization:1', 'auditor', ARRAY['read', 'repository.read'], ARRAY['member']);
SELECT rbac.create_role('Organization:2', 'billing', ARRAY['read']);
SELECT rbac.assign_role('User:u10', 'auditor', 'Organization:1');
SELECT rbac.assign_role('User:u11', 'billing', 'Organization:2');
INSERT INTO rbac.role_assignments VALUES ('User:u12', 'maintainer', 'Repository:3', NULL);
SELECT rbac.assign_role('User:u12', 'owner', 'Organization:4');
INSERT INTO organizations VALUES (5, 'gone');
SELECT rbac.assign_role('User:u12', 'owner', 'Organization:5');
DELETE FROM organizations WHERE id = 5;
SELECT rbac.remove_role('User:u3', 'member', 'Organization:2');
SELECT rbac.assign_role('User:u3', 'member', 'Organization:2');
SELECT rbac.enable_rls('organizations');
SELECT rbac.enable_rls('repositories');
SELECT rbac.enable_rls('issues');
SELECT rbac.enable_rls('folders', '{"update": "read"}');
GRANT SELECT ON users, teams, organizations, repositories, issues, folders TO regress_upgrade_app;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO regress_upgrade_app;
};

# Set the world up in a database (psql interpolates :'policy').
sub psql_world
{
	my ($db) = @_;
	my ($stdout, $stderr);
	my $ok = $node->psql(
		$db, $world,
		extra_params => [ '-v', 'ON_ERROR_STOP=1', '-v', "policy=$policy" ],
		stdout       => \$stdout,
		stderr       => \$stderr);
	is($ok, 0, "world set up in $db") or diag($stderr);
}

my @actors = ((map { "User:u$_" } 1 .. 12), (map { "Group:t$_" } 1 .. 3));

# Every decision of a grid, plus the list forms, as one text.
my $grid = q{
SELECT string_agg(a || ' ' || p || ' ' || r || ' ' || rbac.is_allowed(a, p, r)::text, E'\n' ORDER BY a, p, r)
FROM (SELECT 'User:u' || i AS a FROM generate_series(1, 12) i
      UNION ALL SELECT 'Group:t' || i FROM generate_series(1, 3) i) a,
     (SELECT p, 'Organization:' || i AS r FROM unnest(ARRAY['read', 'create_repository', 'manage_roles']) p,
             generate_series(1, 5) i
      UNION ALL SELECT p, 'Repository:' || i FROM unnest(ARRAY['read', 'push', 'delete']) p, generate_series(1, 16) i
      UNION ALL SELECT p, 'Issue:' || i FROM unnest(ARRAY['read', 'close']) p, generate_series(1, 32) i
      UNION ALL SELECT 'read', 'Folder:' || i FROM generate_series(1, 4) i) pr;
SELECT string_agg(x, ',') FROM rbac.authorized_actions('User:u10', 'Organization:1') x;
SELECT string_agg(x, ',') FROM rbac.authorized_roles('User:u8', 'Repository:10') x;
SELECT string_agg(x, ',') FROM rbac.authorized_resources('User:u7', 'read', 'Folder') x;
SELECT string_agg(x, ',' ORDER BY x) FROM rbac.who_can('read', 'Repository:11') x;
SELECT string_agg(x, E'\n') FROM rbac.explain('User:u9', 'read', 'Repository:12') x;
};

# What each actor (and nobody) sees under RLS, as an unprivileged role.
my $rls = "SET ROLE regress_upgrade_app;\n";
for my $a (@actors, undef)
{
	$rls .=
	  defined $a
	  ? "SELECT 'actor $a' FROM (SELECT rbac.set_actor('$a')) s;\n"
	  : "SELECT 'no actor' FROM (SELECT rbac.reset_actor()) s;\n";
	for my $t (qw(organizations repositories issues folders))
	{
		$rls .=
		  "SELECT '  $t: ' || coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM $t;\n";
	}
}

# The data that must survive, through the SPEC's API where there is one.
my %data = (
	policy      => 'SELECT rbac.policy_source()',
	bindings    => 'SELECT type, tbl::text, key_column, relations FROM rbac.binding ORDER BY type',
	assignments => 'SELECT * FROM rbac.assignments() ORDER BY 1, 2, 3',
	view        => 'SELECT * FROM rbac.role_assignments ORDER BY actor, resource, role',
	members =>
	  q{SELECT g, string_agg(m, ',' ORDER BY m) FROM unnest(ARRAY['Group:t1', 'Group:t2']) g,
	           rbac.members(g, true) m GROUP BY g ORDER BY g},
	groups_of => q{SELECT string_agg(g, ',' ORDER BY g) FROM rbac.groups_of('User:u8') g},
	roles1    => q{SELECT * FROM rbac.roles('Organization:1')},
	roles2    => q{SELECT * FROM rbac.roles('Organization:2')},
	audit =>
	  'SELECT at, db_user, actor, operation, detail FROM rbac.audit_log ORDER BY at, operation, detail::text',
	rls_tables => 'SELECT tbl::text FROM rbac.rls_table ORDER BY 1',);

# The extension's objects, one record per object; definitions span lines.
my $describe = q{
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = 'rbac'),
ext AS (SELECT * FROM pg_extension WHERE extname = 'pg_rbac'),
rel AS (SELECT c.* FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM ns)),
d(line) AS (
  SELECT format('extension schema=%s relocatable=%s owner=%s comment=%L', extnamespace::regnamespace,
                extrelocatable, extowner::regrole, obj_description(oid, 'pg_extension')) FROM ext
  UNION ALL
  SELECT format('config-dump %s condition=%L', c::regclass, cond)
  FROM ext, unnest(extconfig, extcondition) u(c, cond)
  UNION ALL
  SELECT 'member ' || pg_describe_object(classid, objid, objsubid)
  FROM pg_depend WHERE refclassid = 'pg_extension'::regclass AND refobjid = (SELECT oid FROM ext)
       AND deptype = 'e'
  UNION ALL
  SELECT format('schema %s owner=%s acl=%s comment=%L', nspname, nspowner::regrole, nspacl,
                obj_description(oid, 'pg_namespace'))
  FROM pg_namespace WHERE oid = (SELECT oid FROM ns)
  UNION ALL
  SELECT format('function %s kind=%s volatility=%s parallel=%s leakproof=%s strict=%s security_definer=%s '
                'returns_set=%s returns=%s arguments=%s config=%s cost=%s rows=%s owner=%s acl=%s comment=%L',
                p.oid::regprocedure, prokind, provolatile, proparallel, proleakproof, proisstrict, prosecdef,
                proretset, pg_get_function_result(p.oid), pg_get_function_arguments(p.oid), proconfig,
                procost, prorows, proowner::regrole, proacl, obj_description(p.oid, 'pg_proc'))
         || CASE WHEN prokind IN ('f', 'p') THEN E'\n' || pg_get_functiondef(p.oid) ELSE '' END
  FROM pg_proc p WHERE pronamespace = (SELECT oid FROM ns)
  UNION ALL
  SELECT format('aggregate %s transfn=%s finalfn=%s stype=%s initval=%L', aggfnoid::regprocedure,
                aggtransfn, aggfinalfn, aggtranstype::regtype, agginitval)
  FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid WHERE p.pronamespace = (SELECT oid FROM ns)
  UNION ALL
  SELECT format('relation %s kind=%s persistence=%s rls=%s force_rls=%s options=%s replident=%s owner=%s acl=%s comment=%L',
                c.oid::regclass, relkind, relpersistence, relrowsecurity, relforcerowsecurity, reloptions,
                relreplident, relowner::regrole, relacl, obj_description(c.oid, 'pg_class'))
  FROM rel c WHERE relkind NOT IN ('i', 'I', 't')
  UNION ALL
  SELECT format('column %s #%s %I %s not_null=%s default=%s identity=%L generated=%L collation=%s acl=%s comment=%L',
                attrelid::regclass, row_number() OVER (PARTITION BY attrelid ORDER BY attnum), attname,
                format_type(atttypid, atttypmod), attnotnull, pg_get_expr(ad.adbin, ad.adrelid),
                attidentity, attgenerated, NULLIF(attcollation, 0)::regcollation, attacl,
                col_description(attrelid, attnum))
  FROM pg_attribute a JOIN rel c ON c.oid = a.attrelid
  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  WHERE attnum > 0 AND NOT attisdropped AND c.relkind NOT IN ('i', 'I', 't', 'S')
  UNION ALL
  SELECT format('constraint %s %I %s comment=%L', coalesce(conrelid::regclass::text, contypid::regtype::text),
                conname, pg_get_constraintdef(oid), obj_description(oid, 'pg_constraint'))
  FROM pg_constraint WHERE connamespace = (SELECT oid FROM ns)
  UNION ALL
  SELECT format('index %s comment=%L', pg_get_indexdef(c.oid), obj_description(c.oid, 'pg_class'))
  FROM rel c WHERE relkind IN ('i', 'I')
  UNION ALL
  SELECT format('view %s', c.oid::regclass) || E'\n' || pg_get_viewdef(c.oid)
  FROM rel c WHERE relkind IN ('v', 'm')
  UNION ALL
  SELECT format('sequence %s type=%s start=%s increment=%s min=%s max=%s cache=%s cycle=%s',
                seqrelid::regclass, seqtypid::regtype, seqstart, seqincrement, seqmin, seqmax, seqcache, seqcycle)
  FROM pg_sequence s JOIN rel c ON c.oid = s.seqrelid
  UNION ALL
  SELECT format('type %s type=%s category=%s owner=%s acl=%s comment=%L labels=%s', t.oid::regtype, typtype,
                typcategory, typowner::regrole, typacl, obj_description(t.oid, 'pg_type'),
                (SELECT string_agg(enumlabel::text, ',' ORDER BY enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid))
  FROM pg_type t WHERE typnamespace = (SELECT oid FROM ns)
  UNION ALL
  SELECT format('operator %s(%s, %s) returns=%s function=%s', oprname, oprleft::regtype, oprright::regtype,
                oprresult::regtype, oprcode::regprocedure)
  FROM pg_operator WHERE oprnamespace = (SELECT oid FROM ns)
  UNION ALL
  SELECT format('trigger %s enabled=%s comment=%L', pg_get_triggerdef(t.oid), tgenabled,
                obj_description(t.oid, 'pg_trigger'))
  FROM pg_trigger t JOIN rel c ON c.oid = t.tgrelid WHERE NOT tgisinternal
  UNION ALL
  SELECT format('rule %s', pg_get_ruledef(r.oid))
  FROM pg_rewrite r JOIN rel c ON c.oid = r.ev_class WHERE r.rulename <> '_RETURN'
  UNION ALL
  SELECT format('policy %s %I cmd=%s permissive=%s roles=%s using=%s check=%s', p.polrelid::regclass, polname,
                polcmd, polpermissive, polroles::regrole[], pg_get_expr(polqual, polrelid),
                pg_get_expr(polwithcheck, polrelid))
  FROM pg_policy p JOIN rel c ON c.oid = p.polrelid
  UNION ALL
  SELECT format('event-trigger %I event=%s function=%s enabled=%s tags=%s owner=%s comment=%L', evtname, evtevent,
                evtfoid::regprocedure, evtenabled, evttags, evtowner::regrole,
                obj_description(oid, 'pg_event_trigger'))
  FROM pg_event_trigger
  UNION ALL
  SELECT format('initial-privileges %s %s %s', pg_describe_object(classoid, objoid, objsubid), privtype, initprivs)
  FROM pg_init_privs i
  WHERE EXISTS (SELECT FROM pg_depend d WHERE d.classid = i.classoid AND d.objid = i.objoid
                AND d.refclassid = 'pg_extension'::regclass AND d.refobjid = (SELECT oid FROM ext) AND d.deptype = 'e')
     OR (i.classoid = 'pg_namespace'::regclass AND i.objoid = (SELECT oid FROM ns))
  UNION ALL
  SELECT format('default-acl %s %s %s', defaclrole::regrole, defaclobjtype, defaclacl)
  FROM pg_default_acl WHERE defaclnamespace = (SELECT oid FROM ns)
)
SELECT string_agg(line, E'\n' ORDER BY line COLLATE "C") FROM d;
};

# What the extension generated on the application's tables.
my $generated = q{
SELECT string_agg(line, E'\n' ORDER BY line COLLATE "C") FROM (
  SELECT format('table %s rls=%s force=%s', oid::regclass, relrowsecurity, relforcerowsecurity) AS line
  FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
  UNION ALL
  SELECT format('policy %s %I cmd=%s permissive=%s roles=%s using=%s check=%s', polrelid::regclass, polname,
                polcmd, polpermissive, polroles::regrole[], pg_get_expr(polqual, polrelid),
                pg_get_expr(polwithcheck, polrelid))
  FROM pg_policy WHERE polrelid::regclass::text NOT LIKE 'rbac.%'
  UNION ALL
  SELECT format('trigger %s enabled=%s', pg_get_triggerdef(oid), tgenabled)
  FROM pg_trigger WHERE NOT tgisinternal AND tgrelid::regclass::text NOT LIKE 'rbac.%') s;
};

# Unified diff of two texts, for diagnostics.
sub text_diff
{
	my ($name, $want, $got, $want_label, $got_label) = @_;
	my $dir = $node->basedir;
	my ($fw, $fg) = ("$dir/$name.want", "$dir/$name.got");
	for ([ $fw, $want ], [ $fg, $got ])
	{
		open my $fh, '>', $_->[0] or die $!;
		print $fh $_->[1], "\n";
		close $fh;
	}
	my $d = `diff -u --label '$want_label' --label '$got_label' '$fw' '$fg'`;
	return $d;
}

sub same_text
{
	my ($got, $want, $label, $want_label, $got_label) = @_;
	if ($got eq $want)
	{
		pass($label);
		return 1;
	}
	fail($label);
	diag(text_diff($label =~ s/\W+/_/gr, $want, $got, $want_label, $got_label));
	return 0;
}

sub snapshot
{
	my ($db) = @_;
	my %s = map { $_ => $node->safe_psql($db, $data{$_}) } keys %data;
	return \%s;
}

# The fresh install of the current version, with the same world.
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', 'CREATE EXTENSION pg_rbac');
is($node->safe_psql('fresh', q{SELECT extversion FROM pg_extension WHERE extname = 'pg_rbac'}),
	$current, "fresh install is at $current");
psql_world('fresh');
my $fresh_desc = $node->safe_psql('fresh', $describe);
my $fresh_gen  = $node->safe_psql('fresh', $generated);
my $fresh_grid = $node->safe_psql('fresh', $grid);
my $fresh_rls  = $node->safe_psql('fresh', $rls);
my $nfunc = () = $fresh_desc =~ /^function /mg;
my $nrel  = () = $fresh_desc =~ /^relation /mg;
my $ncol  = () = $fresh_desc =~ /^column /mg;
my $nmem  = () = $fresh_desc =~ /^member /mg;
note("catalog description of $current: $nfunc functions, $nrel relations, $ncol columns, $nmem members, "
	  . length($fresh_desc) . ' characters');
ok($nfunc > 50 && $nrel > 10 && $nmem > 50, 'the description covers the extension');
like($fresh_desc, qr/^event-trigger rbac_sql_drop /m, 'the description lists the event trigger');
like($fresh_desc, qr/^config-dump rbac\.assignment /m, 'the description lists config-dump tables');
like($fresh_desc, qr/^function rbac\.is_allowed\(text,text,text\) [^\n]* acl=\{[^\n]*\nCREATE OR REPLACE FUNCTION rbac\.is_allowed/m,
	'the description holds function definitions and ACLs');
my $ndec = () = $fresh_grid =~ / (?:true|false)$/mg;
my $nallowed = () = $fresh_grid =~ / true$/mg;
ok($nallowed > 50 && $nallowed < $ndec - 50, "the grid mixes allowed and denied ($nallowed of $ndec allowed)");
like($fresh_rls, qr/^actor User:u1\n  organizations: 1\n/m, 'RLS shows an owner its organization');
like($fresh_rls, qr/^no actor\n  organizations: \n  repositories: \n  issues: \n  folders: $/m,
	'RLS shows nobody nothing');
like($fresh_rls, qr/^actor User:u6\n  organizations: 1,2,3,4\n  repositories: 7,14\n/m,
	'RLS shows a superadmin every organization and the public repositories');

# The description notices a difference (so the comparison below can fail).
{
	$node->safe_psql('postgres', 'CREATE DATABASE probe');
	$node->safe_psql('probe', 'CREATE EXTENSION pg_rbac');
	my $base = $node->safe_psql('probe', $describe);
	for my $change (
		q{ALTER FUNCTION rbac.current_actor() VOLATILE},
		q{COMMENT ON FUNCTION rbac.current_actor() IS 'changed'},
		q{REVOKE EXECUTE ON FUNCTION rbac.current_actor() FROM PUBLIC},
		q{ALTER TABLE rbac.audit_log ADD COLUMN extra int},
		q{CREATE INDEX ON rbac.assignment (role)},
		q{ALTER EXTENSION pg_rbac DROP TABLE rbac.rls_table},
		q{ALTER EVENT TRIGGER rbac_sql_drop DISABLE},
		q{CREATE OR REPLACE FUNCTION rbac.reset_actor() RETURNS void LANGUAGE c VOLATILE PARALLEL UNSAFE
		  SET search_path = pg_catalog, pg_temp AS '$libdir/pg_rbac', 'rbac_set_actor'})
	{
		$node->safe_psql('probe', "BEGIN; $change; COMMIT;");
		isnt($node->safe_psql('probe', $describe), $base, "description sees: $change");
		$node->safe_psql('postgres', 'DROP DATABASE probe');
		$node->safe_psql('postgres', 'CREATE DATABASE probe');
		$node->safe_psql('probe', 'CREATE EXTENSION pg_rbac');
	}
	$node->safe_psql('postgres', 'DROP DATABASE probe');
}

for my $v (@released)
{
	my $db = 'from_' . ($v =~ s/\W/_/gr);
	my $tv = time;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, "CREATE EXTENSION pg_rbac VERSION '$v'");
	is($node->safe_psql($db, q{SELECT extversion FROM pg_extension WHERE extname = 'pg_rbac'}),
		$v, "$db: installed at $v");
	psql_world($db);
	my $before       = snapshot($db);
	my $before_grid  = $node->safe_psql($db, $grid);
	my $before_rls   = $node->safe_psql($db, $rls);
	my $audit_before = $node->safe_psql($db, 'SELECT count(*) FROM rbac.audit_log');
	ok($audit_before > 20, "$db: audit log has $audit_before rows before the upgrade");

	# A role granted load_policy by hand loses it with the old signature
	# (load_policy took oso_compat in 0.3): the update names it.
	my $granted = $node->safe_psql($db,
		q{SELECT to_regprocedure('rbac.load_policy(text, boolean)') IS NOT NULL}) eq 't';
	$node->safe_psql($db,
		'GRANT EXECUTE ON FUNCTION rbac.load_policy(text, boolean) TO regress_upgrade_app')
	  if $granted;

	# The update, and the decisions in the same session.
	my ($ret, $same_session, $err) = $node->psql($db,
		"ALTER EXTENSION pg_rbac UPDATE;\n$grid",
		extra_params => [ '-v', 'ON_ERROR_STOP=1' ]);
	is($ret, 0, "$db: ALTER EXTENSION pg_rbac UPDATE from $v") or diag($err);
	is($node->safe_psql($db, q{SELECT extversion FROM pg_extension WHERE extname = 'pg_rbac'}),
		$current, "$db: now at $current");
	same_text($same_session, $before_grid, "$db: decisions in the updating session unchanged",
		"before ($v)", 'after, same session');
	like($err, qr/WARNING:  rbac\.load_policy has a new signature: regress_upgrade_app may no longer execute it/,
		"$db: the update names the role that had load_policy")
	  if $granted;
	is( $node->safe_psql($db,
			q{SELECT has_function_privilege('public', 'rbac.load_policy(text, boolean, boolean)', 'EXECUTE')}),
		'f', "$db: PUBLIC may not execute the new load_policy");

	my $after = snapshot($db);
	for my $k (sort keys %data)
	{
		same_text($after->{$k}, $before->{$k}, "$db: $k intact", "before ($v)", 'after');
	}
	same_text($node->safe_psql($db, $grid), $before_grid, "$db: is_allowed grid unchanged",
		"before ($v)", 'after');
	same_text($node->safe_psql($db, $rls), $before_rls, "$db: RLS-visible rows per actor unchanged",
		"before ($v)", 'after');
	same_text($node->safe_psql($db, $grid), $fresh_grid, "$db: decisions equal a fresh install's",
		"fresh $current", "upgraded from $v");

	# The objects equal a fresh install's.
	same_text($node->safe_psql($db, $describe), $fresh_desc,
		"$db: extension objects identical to a fresh install of $current",
		"fresh install of $current", "upgraded from $v");
	same_text($node->safe_psql($db, $generated), $fresh_gen,
		"$db: generated RLS policies and triggers identical to a fresh install's",
		"fresh install of $current", "upgraded from $v");

	# The upgraded database keeps working: the same writes in both
	# databases give the same decisions.
	my $writes = q{
SELECT rbac.assign_role('User:u9', 'admin', 'Repository:2');
SELECT rbac.add_member('Group:t3', 'User:u4');
SELECT rbac.assign_role('Group:t3', 'owner', 'Organization:2');
SELECT rbac.remove_role('User:u1', 'owner', 'Organization:1');
SELECT rbac.load_policy(rbac.policy_source());
SELECT rbac.enable_rls('repositories', '{"delete": "push"}');
DELETE FROM repositories WHERE id = 6;
};
	$node->safe_psql($db, $writes);
	my $fresh_db = "fresh_$db";
	$node->safe_psql('postgres', "CREATE DATABASE $fresh_db TEMPLATE fresh");
	$node->safe_psql($fresh_db, $writes);
	same_text($node->safe_psql($db, $grid), $node->safe_psql($fresh_db, $grid),
		"$db: after new writes, decisions equal a fresh install's", "fresh $current", "upgraded from $v");
	same_text($node->safe_psql($db, $rls), $node->safe_psql($fresh_db, $rls),
		"$db: after new writes, RLS rows equal a fresh install's", "fresh $current", "upgraded from $v");
	same_text($node->safe_psql($db, $generated), $node->safe_psql($fresh_db, $generated),
		"$db: after new writes, generated policies equal a fresh install's", "fresh $current",
		"upgraded from $v");
	is( $node->safe_psql($db, 'SELECT count(*) FROM rbac.audit_log'),
		$node->safe_psql($fresh_db, 'SELECT count(*) FROM rbac.audit_log'),
		"$db: the upgrade wrote no audit rows, later writes are audited");
	note(sprintf('%s: %d decisions compared, %.1f s', $v, $ndec, time - $tv));
}

note(sprintf('070_upgrade: %d released version(s), %.1f s', scalar @released, time - $t0));
$node->stop;
done_testing();
