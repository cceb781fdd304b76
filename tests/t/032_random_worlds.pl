# Random worlds against the independent SQL reference (issue 17).
#
# Each world is drawn from a seed by t/agreement/RandomWorld.pm: one pool
# of ids for the actor types User and Group (User:c and Group:c are
# different actors, and the data relates both), the policy's blocks and
# rules in random order, shorthand rules drawn from a pool, last-mile rules
# chaining and / or / not without parentheses (the generator parses them
# back with Polar's precedence, independently of the extension), rows
# deleted (a group that still has members, actors, a tenant with custom
# roles, resources) and re-created with the same ids, role data
# written before and after, and (SPEC 6.6) relations bound through join
# tables, to resources, to the type itself and to actors, with NULL ends,
# ends with no row, duplicates and an empty join table; rw_reader, the
# RLS role, has no privilege on the join tables.  Then, against the reference of t/agreement
# (reference.sql, derive.sql, compare.sql, multi.sql; no C code):
#   - the role data left is what SPEC 4.4 says (tracked by the generator);
#   - rbac.is_allowed on every decision, authorized_actions and
#     authorized_roles on a sample of pairs, authorized_resources for every
#     actor x permission x type, who_can, explain's verdict and authorize
#     (two read actions) on samples;
#   - generated RLS: what an unprivileged role sees of every bound table,
#     as every actor and as nobody, with SELECT mapped to each permission
#     in turn;
#   - rbac.manage_permission: who may delegate (assign_role, add_member),
#     under manage_roles and under read;
#   - rbac.jwt_actor_type: a bare subject is User:id or Group:id, with that
#     actor's rights.
# Then, in a small database of its own: another session's model cache
# follows a rebinding and a policy load; a role with EXECUTE on bind and
# INSERT on rbac.binding may bind a table it owns (and unbind it with
# DELETE).
#
# RBAC_RANDOM_SEEDS (comma-separated) chooses other worlds; the default is
# six fixed seeds, chosen so that every kind of term (each comparison, in,
# nil, not, has_role, has_permission, the actor against each relation, bare
# and typed parameters, body-less rules, hops) occurs in at least two
# worlds.  Disagreements are listed with the world's last-mile
# rules.

use strict;
use warnings;

use File::Basename qw(dirname);
use Digest::SHA qw(hmac_sha256);
use MIME::Base64 qw(encode_base64);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

use lib dirname(__FILE__) . '/agreement';
use RandomWorld;
use Constructs;

my $dir = dirname(__FILE__) . '/agreement';
my @seeds = split /,/, ($ENV{RBAC_RANDOM_SEEDS} // '7,39,32,11,2,75');

# The constructs of SPEC 6.6 to generate: those built (t/agreement/
# Constructs.pm: the corpus's skip list, or RBAC_RANDOM_CONSTRUCTS).
my @constructs = qw(conditions wildcards matches in-array var-role m2m m2m-joins);
my $built = Constructs::built();
my %features = map { $_ => 1 } grep { $built->{$_} } @constructs;
# conditions and facts come together
delete $features{conditions} unless $built->{facts} || $ENV{RBAC_RANDOM_CONSTRUCTS};
note 'SPEC 6.6 constructs generated: ' . (join(', ', sort keys %features) || 'none');

my $node = PostgreSQL::Test::Cluster->new('random_worlds');
$node->init;
$node->append_conf('postgresql.conf',
	"fsync = off\nshared_buffers = 128MB\nwork_mem = 32MB\njit = off\n");
$node->start;
$node->safe_psql('postgres', 'CREATE ROLE rw_reader');

my $reference = slurp_file("$dir/reference.sql");
my $derive    = slurp_file("$dir/derive.sql");
my $compare   = slurp_file("$dir/compare.sql");
my $multi     = slurp_file("$dir/multi.sql");

sub lit
{
	my $s = shift;
	$s =~ s/'/''/g;
	return "'$s'";
}

sub b64url
{
	my $s = encode_base64(shift, '');
	$s =~ tr{+/}{-_};
	$s =~ s/=+$//;
	return $s;
}

sub token
{
	my ($payload, $secret) = @_;
	my $h = b64url('{"alg":"HS256"}') . '.' . b64url($payload);
	return "$h." . b64url(hmac_sha256($h, $secret));
}

# RLS rounds, delegation and tokens, run in the world's database after
# multi.sql (superuser; rw_reader is the unprivileged application role).
my $rounds = q{
GRANT USAGE ON SCHEMA ref TO rw_reader;
GRANT SELECT ON users, groups, orgs, projs, tasks TO rw_reader;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO rw_reader;
CREATE TABLE ref.rls_seen (type text, perm text, a_type text, a_id text, id text);
GRANT INSERT ON ref.rls_seen TO rw_reader;
DO $$
DECLARE
    t record;
    p text;
    a text;
    actors text[] := ARRAY(SELECT type || ':' || id FROM ref.actor ORDER BY 1);
BEGIN
    FOR t IN SELECT * FROM (VALUES ('orgs', 'Org'), ('projs', 'Proj'), ('tasks', 'Task'),
                                   ('groups', 'Group'), ('users', 'User')) v(tbl, type) LOOP
        FOR p IN SELECT name FROM ref.decision_action WHERE type = t.type
                 UNION SELECT 'read' ORDER BY 1 LOOP
            PERFORM rbac.enable_rls(t.tbl::regclass, jsonb_build_object(
                'select', CASE WHEN EXISTS (SELECT 1 FROM ref.decision_action d
                                            WHERE d.type = t.type AND d.name = p) THEN p END,
                'insert', NULL, 'update', NULL, 'delete', NULL));
            SET LOCAL ROLE rw_reader;
            FOREACH a IN ARRAY actors LOOP
                IF a = ':' THEN
                    PERFORM rbac.reset_actor();
                ELSE
                    PERFORM rbac.set_actor(a);
                END IF;
                EXECUTE format('INSERT INTO ref.rls_seen SELECT %L, %L, %L, %L, id::text FROM %I',
                               t.type, p, split_part(a, ':', 1), substr(a, strpos(a, ':') + 1), t.tbl);
            END LOOP;
            RESET ROLE;
        END LOOP;
        PERFORM rbac.disable_rls(t.tbl::regclass);
    END LOOP;
    PERFORM rbac.reset_actor();
END $$;
CREATE TABLE ref.rls AS
SELECT r.type, p.perm, a.type AS a_type, a.id AS a_id, r.id,
       EXISTS (SELECT 1 FROM ref.fact f WHERE f.a_type = a.type AND f.a_id = a.id
               AND f.r_type = r.type AND f.r_id = r.id AND f.term = p.perm) AS expected,
       EXISTS (SELECT 1 FROM ref.rls_seen s WHERE s.type = r.type AND s.perm = p.perm
               AND s.a_type = a.type AND s.a_id = a.id AND s.id = r.id) AS seen
FROM ref.res r
JOIN (SELECT DISTINCT type, perm FROM ref.rls_seen) p ON p.type = r.type
CROSS JOIN ref.actor a;

-- delegation: as rw_reader (no privilege on the catalogs) with the actor
-- set, assign a role on the resource (a group: add a member), under
-- rbac.manage_permission = manage_roles and = read
CREATE FUNCTION ref.delegate(actor text, q text, perm text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rbac.set_actor(actor);
    BEGIN
        PERFORM set_config('rbac.manage_permission', perm, true);
        SET LOCAL ROLE rw_reader;
        EXECUTE q;
        RAISE EXCEPTION USING ERRCODE = 'RBOK0';
    EXCEPTION WHEN OTHERS THEN
        RETURN CASE WHEN SQLSTATE = 'RBOK0' THEN 'ok' ELSE SQLSTATE END;
    END;
END $$;
CREATE TABLE ref.delegation AS
SELECT a.type AS a_type, a.id AS a_id, r.type AS r_type, r.id AS r_id, s.perm
FROM ref.actor a CROSS JOIN ref.res r CROSS JOIN (VALUES ('manage_roles'), ('read')) s(perm)
WHERE a.type <> '' AND r.type IN ('Org', 'Proj', 'Task', 'Group')
  AND abs(hashtext('delegate/' || a.type || ':' || a.id || '/' || r.type || ':' || r.id)) % 100 < 6;
ALTER TABLE ref.delegation ADD COLUMN engine text, ADD COLUMN expected text;
UPDATE ref.delegation d SET
    engine = ref.delegate(d.a_type || ':' || d.a_id,
        CASE d.r_type
            WHEN 'Group' THEN format('SELECT rbac.add_member(%L, %L)', 'Group:' || d.r_id,
                                     'User:' || (SELECT min(id) FROM users))
            ELSE format('SELECT rbac.assign_role(%L, %L, %L)', 'User:' || (SELECT min(id) FROM users),
                        CASE d.r_type WHEN 'Org' THEN 'guest' WHEN 'Proj' THEN 'viewer' ELSE 'assignee' END,
                        d.r_type || ':' || d.r_id) END,
        d.perm),
    expected = CASE WHEN EXISTS (
        SELECT 1 FROM ref.fact f
        WHERE f.a_type = d.a_type AND f.a_id = d.a_id AND f.r_type = d.r_type AND f.r_id = d.r_id
          AND f.term = d.perm
          AND EXISTS (SELECT 1 FROM ref.decision_action p WHERE p.type = d.r_type AND p.name = d.perm))
        THEN 'ok' ELSE '42501' END;
SELECT rbac.reset_actor();

-- tokens: a bare subject under rbac.jwt_actor_type User and Group
CREATE TABLE ref.token (id text, a_type text, token text);
CREATE FUNCTION ref.token_actor(token text, atype text, OUT actor text, OUT projects text[])
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('rbac.jwt_actor_type', atype, true);
    actor := rbac.set_actor_token(token);
    projects := ARRAY(SELECT x FROM rbac.authorized_resources('read', 'Proj') x ORDER BY x COLLATE "C");
    PERFORM rbac.reset_actor();
END $$;
};

my $tokens_check = q{
SET rbac.jwt_secret = 'rw-secret-0123456789';
CREATE TABLE ref.token_result AS
SELECT t.id, t.a_type, (ref.token_actor(t.token, t.a_type)).*,
       ARRAY(SELECT f.r_id FROM ref.fact f WHERE f.a_type = t.a_type AND f.a_id = t.id
             AND f.r_type = 'Proj' AND f.term = 'read' ORDER BY f.r_id COLLATE "C") AS expected
FROM ref.token t
WHERE EXISTS (SELECT 1 FROM ref.actor a WHERE a.type = t.a_type AND a.id = t.id);
RESET rbac.jwt_secret;
};

my %total;
my $t_all = time;
foreach my $seed (@seeds)
{
	my $t0 = time;
	my $w = RandomWorld::generate($seed, \%features);
	$total{"made $_"} += $w->{made}{$_} // 0 foreach @constructs, 'global conditions';
	my $db = "random_$seed";
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	my ($ret, $out, $err) = $node->psql(
		$db,
		join("\n",
			'\set ON_ERROR_STOP on', 'CREATE EXTENSION pg_rbac;',
			$reference, $w->{sql}, $derive, $compare, $multi, $rounds),
		timeout => 600);
	if ($ret != 0)
	{
		fail("world $seed: set-up");
		diag "world $seed failed to set up:\n$err\npolicy:\n$w->{policy}";
		next;
	}
	my $toks = join(",\n", map {
		my $id = $_;
		map { '(' . lit($id) . ", '$_', " . lit(token(qq({"sub":"$id","exp":4102444800}),
					'rw-secret-0123456789')) . ')' } qw(User Group)
	} @{ $w->{pool} });
	$node->safe_psql($db, "INSERT INTO ref.token VALUES $toks;\n$tokens_check");

	my %m;
	@m{qw(rules rule_bad)} = split /\|/, $node->safe_psql(
		$db, q{
SELECT (SELECT count(*) FROM ref.expected_rule),
       (SELECT count(*) FROM ((SELECT type, head, head_kind, body, body_kind, via FROM ref.expected_rule
                               EXCEPT SELECT type, head, head_kind, body, body_kind, via FROM rbac.policy_rule)
                              UNION ALL
                              (SELECT type, head, head_kind, body, body_kind, via FROM rbac.policy_rule
                               EXCEPT SELECT type, head, head_kind, body, body_kind, via FROM ref.expected_rule)) x)});
	is($m{rule_bad}, 0,
		"world $seed: the catalog's plain shorthand rules are the $m{rules} the generator expects")
	  or diag "world $seed: shorthand rules expected but not in rbac.policy_rule, and the reverse:\n"
	  . $node->safe_psql(
		$db, q{
(SELECT 'missing: ' || concat_ws(' ', type, head, head_kind, body, body_kind, via) FROM ref.expected_rule
 EXCEPT SELECT 'missing: ' || concat_ws(' ', type, head, head_kind, body, body_kind, via) FROM rbac.policy_rule)
UNION ALL
(SELECT 'unexpected: ' || concat_ws(' ', type, head, head_kind, body, body_kind, via) FROM rbac.policy_rule
 EXCEPT SELECT 'unexpected: ' || concat_ws(' ', type, head, head_kind, body, body_kind, via) FROM ref.expected_rule)
ORDER BY 1 LIMIT 20});
	@m{qw(asg_bad mem_bad cust_bad asg mem cust
		  n allowed bad pairs bad_pairs
		  res res_bad who who_bad who_spec expl expl_bad auth auth_bad
		  rls rls_seen rls_bad deleg deleg_ok deleg_bad tok tok_bad)} = split /\|/, $node->safe_psql(
		$db, q{
SELECT (SELECT count(*) FROM ((SELECT actor, role, resource FROM ref.expected_assignment
                               EXCEPT SELECT actor, role, resource FROM rbac.role_assignments)
                              UNION ALL
                              (SELECT actor, role, resource FROM rbac.role_assignments
                               EXCEPT SELECT actor, role, resource FROM ref.expected_assignment)) x),
       (SELECT count(*) FROM ((SELECT grp, member FROM ref.expected_membership
                               EXCEPT SELECT group_type || ':' || group_id, member_type || ':' || member_id
                               FROM rbac.membership)
                              UNION ALL
                              (SELECT group_type || ':' || group_id, member_type || ':' || member_id
                               FROM rbac.membership
                               EXCEPT SELECT grp, member FROM ref.expected_membership)) x),
       (SELECT count(*) FROM ((SELECT tenant, name FROM ref.expected_custom_role
                               EXCEPT SELECT tenant_type || ':' || tenant_id, name FROM rbac.custom_role)
                              UNION ALL
                              (SELECT tenant_type || ':' || tenant_id, name FROM rbac.custom_role
                               EXCEPT SELECT tenant, name FROM ref.expected_custom_role)) x),
       (SELECT count(*) FROM ref.expected_assignment),
       (SELECT count(*) FROM ref.expected_membership),
       (SELECT count(*) FROM ref.expected_custom_role),
       (SELECT count(*) FROM ref.decision),
       (SELECT count(*) FROM ref.decision WHERE reference),
       (SELECT count(*) FROM ref.decision WHERE engine IS DISTINCT FROM reference),
       (SELECT count(*) FROM ref.pair),
       (SELECT count(*) FROM ref.pair WHERE engine_actions IS DISTINCT FROM reference_actions
                                         OR engine_roles IS DISTINCT FROM reference_roles),
       (SELECT count(*) FROM ref.resources),
       (SELECT count(*) FROM ref.resources WHERE engine IS DISTINCT FROM reference),
       (SELECT count(*) FROM ref.who),
       (SELECT count(*) FROM ref.who WHERE engine IS DISTINCT FROM reference),
       (SELECT count(*) FROM ref.who WHERE cardinality(spec_missing) > 0),
       (SELECT count(*) FROM ref.explained),
       (SELECT count(*) FROM ref.explained WHERE engine IS DISTINCT FROM reference),
       (SELECT count(*) FROM ref.authorized),
       (SELECT count(*) FROM ref.authorized WHERE engine IS DISTINCT FROM expected),
       (SELECT count(*) FROM ref.rls),
       (SELECT count(*) FROM ref.rls WHERE seen),
       (SELECT count(*) FROM ref.rls WHERE seen <> expected),
       (SELECT count(*) FROM ref.delegation),
       (SELECT count(*) FROM ref.delegation WHERE expected = 'ok'),
       (SELECT count(*) FROM ref.delegation WHERE engine IS DISTINCT FROM expected),
       (SELECT count(*) FROM ref.token_result),
       (SELECT count(*) FROM ref.token_result
        WHERE actor IS DISTINCT FROM a_type || ':' || id OR projects IS DISTINCT FROM expected)});
	$total{$_} += $m{$_} foreach keys %m;
	note sprintf(
		"world %s: role data %d assignments, %d memberships, %d custom roles (%d, %d, %d wrong); "
		  . "%d decisions (%d allowed), %d disagreements; %d pairs, %d disagreements; "
		  . "authorized_resources %d/%d, who_can %d/%d, explain %d/%d, authorize %d/%d "
		  . "(compared/disagreeing); RLS %d (actor, row, permission) (%d seen), %d disagreements; "
		  . "delegation %d attempts (%d allowed), %d disagreements; tokens %d, %d disagreements; %.1f s",
		$seed, @m{qw(asg mem cust asg_bad mem_bad cust_bad n allowed bad pairs bad_pairs
			res res_bad who who_bad expl expl_bad auth auth_bad rls rls_seen rls_bad
			deleg deleg_ok deleg_bad tok tok_bad)}, time - $t0);

	is($m{asg_bad} + $m{mem_bad} + $m{cust_bad}, 0,
		"world $seed: role data after deleting and re-creating rows is what SPEC 4.4 leaves");
	cmp_ok($m{allowed}, '>=', 0.03 * $m{n}, "world $seed: allowed decisions are common");
	cmp_ok($m{allowed}, '<=', 0.97 * $m{n}, "world $seed: denied decisions are common");
	is($m{bad}, 0, "world $seed: rbac.is_allowed agrees with the reference on $m{n} decisions");
	is($m{bad_pairs}, 0,
		"world $seed: authorized_actions and authorized_roles agree on $m{pairs} pairs");
	is($m{res_bad}, 0, "world $seed: authorized_resources agrees on $m{res} lists");
	is($m{who_bad}, 0, "world $seed: who_can agrees on $m{who} resources");
	is($m{expl_bad}, 0, "world $seed: explain's verdict agrees on $m{expl} decisions");
	is($m{auth_bad}, 0, "world $seed: authorize agrees on $m{auth} outcomes");
	is($m{rls_bad}, 0, "world $seed: generated RLS shows exactly the allowed rows ($m{rls} decisions)");
	cmp_ok($m{deleg_ok}, '>', 0, "world $seed: some delegations are allowed");
	is($m{deleg_bad}, 0,
		"world $seed: delegation follows rbac.manage_permission ($m{deleg} attempts)");
	is($m{tok_bad}, 0, "world $seed: a bare token subject gets rbac.jwt_actor_type ($m{tok} tokens)");
	is($m{who_spec}, 0,
		"world $seed: who_can lists every actor holding the permission through assignments alone");

	if ($m{asg_bad} + $m{mem_bad} + $m{cust_bad} + $m{bad} + $m{bad_pairs} + $m{res_bad}
		+ $m{who_bad} + $m{expl_bad} + $m{auth_bad} + $m{rls_bad} + $m{deleg_bad} + $m{tok_bad} > 0)
	{
		diag "world $seed: last-mile rules:\n  " . join("\n  ", @{ $w->{rules} });
		diag "world $seed: first disagreements:\n" . $node->safe_psql(
			$db, q{
(SELECT 'role data: expected ' || actor || ' ' || role || ' ' || coalesce(resource, '(global)')
 FROM ref.expected_assignment
 EXCEPT SELECT 'role data: expected ' || actor || ' ' || role || ' ' || coalesce(resource, '(global)')
 FROM rbac.role_assignments LIMIT 3)
UNION ALL
(SELECT 'role data: left over ' || actor || ' ' || role || ' ' || coalesce(resource, '(global)')
 FROM rbac.role_assignments
 EXCEPT SELECT 'role data: left over ' || actor || ' ' || role || ' ' || coalesce(resource, '(global)')
 FROM ref.expected_assignment LIMIT 3)
UNION ALL
(SELECT 'membership left over: ' || group_type || ':' || group_id || ' > ' || member_type || ':' || member_id
 FROM rbac.membership WHERE (group_type || ':' || group_id, member_type || ':' || member_id)
      NOT IN (SELECT grp, member FROM ref.expected_membership) LIMIT 3)
UNION ALL
(SELECT 'is_allowed(' || coalesce(nullif(a_type, '') || ':' || a_id, 'nobody') || ', ' || action || ', '
        || r_type || ':' || r_id || '): engine ' || engine || ', reference ' || reference
 FROM ref.decision WHERE engine IS DISTINCT FROM reference ORDER BY 1 LIMIT 8)
UNION ALL
(SELECT 'authorized_resources(' || coalesce(nullif(a_type, '') || ':' || a_id, 'nobody') || ', ' || action
        || ', ' || r_type || '): engine ' || engine::text || ', reference ' || reference::text
 FROM ref.resources WHERE engine IS DISTINCT FROM reference ORDER BY 1 LIMIT 5)
UNION ALL
(SELECT 'who_can(' || action || ', ' || r_type || ':' || r_id || '): engine ' || engine::text
        || ', reference ' || reference::text
 FROM ref.who WHERE engine IS DISTINCT FROM reference ORDER BY 1 LIMIT 5)
UNION ALL
(SELECT 'RLS ' || type || ' select=' || perm || ' as ' || coalesce(nullif(a_type, '') || ':' || a_id, 'nobody')
        || ': row ' || id || (CASE WHEN seen THEN ' seen' ELSE ' not seen' END)
 FROM ref.rls WHERE seen <> expected ORDER BY 1 LIMIT 8)
UNION ALL
(SELECT 'delegation by ' || a_type || ':' || a_id || ' on ' || r_type || ':' || r_id || ' under ' || perm
        || ': engine ' || engine || ', expected ' || expected
 FROM ref.delegation WHERE engine IS DISTINCT FROM expected ORDER BY 1 LIMIT 5)
UNION ALL
(SELECT 'token ' || id || ' as ' || a_type || ': actor ' || coalesce(actor, 'null') || ', projects '
        || projects::text || ', expected ' || expected::text
 FROM ref.token_result WHERE actor IS DISTINCT FROM a_type || ':' || id
                          OR projects IS DISTINCT FROM expected LIMIT 3)});
	}
	$node->safe_psql('postgres', "DROP DATABASE $db");
}

diag sprintf(
	"random worlds %s: %d decisions, %d pairs, %d authorized_resources lists, %d who_can lists, "
	  . "%d explain verdicts, %d authorize outcomes, %d RLS decisions, %d delegations, %d tokens "
	  . "compared; %d shorthand rules checked in the catalog; SPEC 6.6 constructs generated: %s; %.0f s",
	join(',', @seeds), @total{qw(n pairs res who expl auth rls deleg tok rules)},
	join(', ', map { "$_ " . $total{"made $_"} }
		(grep { $features{$_} } @constructs), ($features{conditions} ? 'global conditions' : ())) || 'none',
	time - $t_all);

# Another session's model cache follows a rebinding and a policy load ---------
$node->safe_psql('postgres', 'CREATE DATABASE invalidation');
$node->safe_psql(
	'invalidation', q{
CREATE EXTENSION pg_rbac;
SELECT rbac.load_policy($p$
actor User {}
resource Task {
  permissions = ["close"];
  relations = { owner: User };
  "close" if "owner";
}
$p$);
CREATE TABLE users (id text PRIMARY KEY);
CREATE TABLE tasks (id int PRIMARY KEY, owner_id text, owner2_id text);
INSERT INTO users VALUES ('ann'), ('bob');
INSERT INTO tasks VALUES (1, 'ann', 'bob');
SELECT rbac.bind('User', 'users');
SELECT rbac.bind('Task', 'tasks', relations => '{"owner": "owner_id"}');
});
my $other = $node->background_psql('invalidation');
my $q = q{SELECT rbac.is_allowed('User:ann', 'close', 'Task:1') || '/' || rbac.is_allowed('User:bob', 'close', 'Task:1')};
is($other->query_safe($q), 'true/false', 'another session: the owner closes the task');
$node->safe_psql('invalidation',
	q{SELECT rbac.bind('Task', 'tasks', relations => '{"owner": "owner2_id"}')});
is($other->query_safe($q), 'false/true', 'another session follows the rebinding');
$node->safe_psql(
	'invalidation', q{
SELECT rbac.load_policy($p$
actor User {}
resource Task {
  permissions = ["close"];
  relations = { owner: User };
}
$p$)});
is($other->query_safe($q), 'false/false', 'another session follows the policy load');
$other->quit;

# A role with EXECUTE on bind and INSERT on rbac.binding may bind a table it
# owns (comment of rbac.bind, SPEC 3.4); likewise unbind with DELETE.
$node->safe_psql(
	'invalidation', q{
CREATE ROLE rw_binder;
CREATE TABLE things (id int PRIMARY KEY);
ALTER TABLE things OWNER TO rw_binder;
GRANT EXECUTE ON FUNCTION rbac.bind(text, regclass, name, jsonb), rbac.unbind(text) TO rw_binder;
GRANT INSERT, DELETE ON rbac.binding TO rw_binder;
SELECT rbac.load_policy($p$
actor User {}
resource Thing { permissions = ["read"]; }
$p$);
});
my ($r1, $o1, $e1) = $node->psql('invalidation',
	q{SET ROLE rw_binder; SELECT rbac.bind('Thing', 'things')});
is($e1, '', 'a role with EXECUTE on bind and INSERT on rbac.binding binds a table it owns');
my ($r2, $o2, $e2) = $node->psql('invalidation',
	q{SELECT rbac.bind('Thing', 'things'); SET ROLE rw_binder; SELECT rbac.unbind('Thing')});
is($e2, '', 'a role with EXECUTE on unbind and DELETE on rbac.binding unbinds a table it owns');

# Relations through join tables: failures found by the random worlds
# (issue 14), and joins over them.  TODO tests for those still known: they
# report, and pass once fixed.
# Org and Repo, sponsors through a join table, and the "delete" rule
my $sponsors = q{SELECT rbac.load_policy($p$
actor User {}
resource Org { roles = ["admin"]; }
resource Repo {
  permissions = ["delete", "push"];
  relations = { sponsors: Org };
  "push" if "admin" on "sponsors";
}
has_permission(u: User, "delete", r: Repo) if %s;
$p$);
};
$node->safe_psql('postgres', 'CREATE DATABASE m2m_known');
$node->safe_psql(
	'm2m_known', "CREATE EXTENSION pg_rbac;\n"
	  . sprintf($sponsors, 'has_role(u, "admin", r.sponsors)') . q{
CREATE TABLE users (id text PRIMARY KEY);
CREATE TABLE orgs (id text PRIMARY KEY);
CREATE TABLE repos (id int PRIMARY KEY);
CREATE TABLE repo_sponsors (repo_id int, org_id text);
INSERT INTO users VALUES ('ann');
INSERT INTO orgs VALUES ('acme');
INSERT INTO repos VALUES (1), (2);
INSERT INTO repo_sponsors VALUES (1, 'gone'), (2, 'acme');
-- role data on an id with no row, written while Org is not bound (as a
-- database upgraded from 0.2 may hold it)
SELECT rbac.assign_role('User:ann', 'admin', 'Org:gone');
SELECT rbac.bind('User', 'users');
SELECT rbac.bind('Org', 'orgs');
SELECT rbac.assign_role('User:ann', 'admin', 'Org:acme');
SELECT rbac.bind('Repo', 'repos', relations => '{"sponsors": {"through": "repo_sponsors", "from": "repo_id", "to": "org_id"}}');
});
# docs/sql-api.md (rbac.bind): a join row whose end has no row relates
# nothing; the shorthand rule ("push") did not follow it, the last-mile rule
# ("delete") granted on Repo:1 through the join row to Org:gone (fixed:
# the join to the target's table in sqlgen.c); in checks and in lists
is($node->safe_psql('m2m_known',
		q{SELECT rbac.is_allowed('User:ann', 'delete', 'Repo:1') || '/' || rbac.is_allowed('User:ann', 'push', 'Repo:1')
		  || '/' || array_to_string(ARRAY(SELECT rbac.authorized_resources('User:ann', 'delete', 'Repo')), ',')}),
	'false/false/2', 'a join row to an Org with no row relates nothing, in a last-mile rule too');
# docs/policy-language.md: the join "is the same rule as" has_role(u,
# "admin", r.sponsors), which holds on Repo:2 and not on Repo:1 (its only
# join row names Org:gone, which has no row); it was refused (0A000)
my ($k_ret, $k_out, $k_err) = $node->psql('m2m_known',
	sprintf($sponsors, 'o matches Org and has_relation(r, "sponsors", o) and has_role(u, "admin", o)')
	  . q{SELECT rbac.is_allowed('User:ann', 'delete', 'Repo:2') || '/' || rbac.is_allowed('User:ann', 'delete', 'Repo:1')
		  || '/' || array_to_string(ARRAY(SELECT rbac.authorized_resources('User:ann', 'delete', 'Repo')), ',');});
is((split /\n/, $k_out)[-1] . "|$k_err", 'true/false/2|', 'a has_relation join through a join table is has_role on resource.rel');
# with a condition on the joined row, both conjuncts hold on the same Org:
# Repo:3 is sponsored by beta (ann is admin, not public) and by pub
# (public, ann is not admin), so the conditions are met, but on different
# rows, until beta is public
my ($c_ret, $c_out, $c_err) = $node->psql('m2m_known',
	q{ALTER TABLE orgs ADD COLUMN public boolean;
}
	  . sprintf($sponsors, 'o matches Org and has_relation(r, "sponsors", o) and o.public = true and has_role(u, "admin", o)')
	  . q{INSERT INTO orgs VALUES ('beta', false), ('pub', true);
INSERT INTO repos VALUES (3);
INSERT INTO repo_sponsors VALUES (3, 'beta'), (3, 'pub');
SELECT rbac.assign_role('User:ann', 'admin', 'Org:beta');
SELECT rbac.is_allowed('User:ann', 'delete', 'Repo:3') || '/'
  || array_to_string(ARRAY(SELECT rbac.authorized_resources('User:ann', 'delete', 'Repo')), ',');
UPDATE orgs SET public = true WHERE id = 'beta';
SELECT rbac.is_allowed('User:ann', 'delete', 'Repo:3') || '/'
  || array_to_string(ARRAY(SELECT rbac.authorized_resources('User:ann', 'delete', 'Repo') ORDER BY 1), ',');});
is(join('|', (split /\n/, $c_out)[-2, -1]) . "|$c_err", 'false/|true/3|',
	'a condition on a joined row holds with the role on the same row, not on another');
my ($x_ret, $x_out, $x_err) = $node->psql(
	'm2m_known', q{
SELECT rbac.load_policy($p$
actor User {}
resource Task {
  permissions = ["close"];
  relations = { blockers: Task };
}
has_permission(v: User, "close", r: Task) if r.status = "open" or has_permission(v, "close", r.blockers);
$p$, drop_orphans => true);
CREATE TABLE tasks (id int PRIMARY KEY, status text);
CREATE TABLE task_blockers (task_id int, blocker_id int);
INSERT INTO tasks SELECT g, 'closed' FROM generate_series(1, 26) g;
-- each task blocked by the next two, around a cycle of 26
INSERT INTO task_blockers SELECT g, g % 26 + 1 FROM generate_series(1, 26) g
  UNION ALL SELECT g, (g + 1) % 26 + 1 FROM generate_series(1, 26) g;
SELECT rbac.bind('Task', 'tasks', relations => '{"blockers": {"through": "task_blockers", "from": "task_id", "to": "blocker_id"}}');
SET statement_timeout = '3s';
SELECT rbac.is_allowed('User:ann', 'close', 'Task:1');});
# nested checks are tabled (src/holds.c): this took minutes before
is((split /\n/, $x_out)[-1] . "|$x_err", 'f|', 'a recursive last-mile rule over 52 join rows decides in under 3 s');
# one task open: every task reaches it around the cycle, in a check, a list
# and an explain
($x_ret, $x_out, $x_err) = $node->psql(
	'm2m_known', q{
UPDATE tasks SET status = 'open' WHERE id = 20;
SET statement_timeout = '3s';
SELECT rbac.is_allowed('User:ann', 'close', 'Task:21') || '/'
  || (SELECT count(*) FROM rbac.authorized_resources('User:ann', 'close', 'Task')) || '/'
  || (SELECT count(*) FROM rbac.explain('User:ann', 'close', 'Task:19') x WHERE x LIKE 'allowed:%');});
is((split /\n/, $x_out)[-1] . "|$x_err", 'true/26/1|', 'an open task reached around the cycle, in under 3 s');

$node->stop;
done_testing();
