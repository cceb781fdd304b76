# The planner evaluates the constant parts of a table's index expressions
# and predicates (and of statistics expressions, partition keys, CHECK
# constraints) while it plans a query, as the user who plans it.  pg_rbac
# plans its reads of bound tables and join tables as its internal
# superuser, so an IMMUTABLE function the table owner put there would run
# as a superuser.  sql/66_security_language checks the refusals one session
# at a time; this test checks the race a check at model build alone misses:
# session A opens a transaction with its model fresh, session B (the owner)
# creates such an index and commits, and A's next check takes its first
# lock in the transaction after it fetched the model, so its saved plan of
# the join table is made again in the middle of the check.  That planning
# must be refused too, and nothing may run as a superuser.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('planner_attacks');
$node->init;
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'pg_rbac'\n");
$node->start;

$node->safe_psql(
	'postgres', q{
CREATE ROLE app LOGIN;
CREATE DATABASE app;
});
$node->safe_psql(
	'app', q{
CREATE EXTENSION pg_rbac;
SELECT rbac.grant_admin('app');
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO app;
CREATE TABLE public.ran (who name, su boolean);
GRANT INSERT ON public.ran TO PUBLIC;
CREATE SCHEMA a AUTHORIZATION app;
});
$node->safe_psql(
	'app', q{
SET ROLE app;
-- records who runs it, and makes app a superuser when it runs as one
CREATE FUNCTION a.g() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.ran SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user;
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE 'ALTER ROLE app SUPERUSER';
  END IF;
END $$;
CREATE FUNCTION a.pwn() RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN PERFORM a.g(); RETURN true; END $$;
CREATE TABLE a.users (id text PRIMARY KEY);
CREATE TABLE a.teams (id text PRIMARY KEY);
CREATE TABLE a.repos (id int PRIMARY KEY);
CREATE TABLE a.repo_teams (repo_id int, team_id text);
INSERT INTO a.users VALUES ('alice');
INSERT INTO a.teams VALUES ('t1');
INSERT INTO a.repos VALUES (1), (2);
INSERT INTO a.repo_teams VALUES (1, 't1');
SELECT rbac.load_policy($p$
actor User {}
resource Team { roles = ["member"]; }
resource Repo { permissions = ["read"]; roles = ["reader"]; relations = { teams: Team };
  "reader" if "member" on "teams"; "read" if "reader"; }
$p$);
SELECT rbac.bind('User', 'a.users'), rbac.bind('Team', 'a.teams');
SELECT rbac.bind('Repo', 'a.repos',
  relations => '{"teams": {"through": "repo_teams", "from": "repo_id", "to": "team_id"}}');
SELECT rbac.assign_role('User:alice', 'member', 'Team:t1');
});

my $sa = $node->background_psql('app', on_error_stop => 0, extra_params => [ '-U', 'app' ]);
my $sb = $node->background_psql('app', on_error_stop => 0, extra_params => [ '-U', 'app' ]);
$sa->query_safe("SELECT rbac.set_actor('User:alice')");
is($sa->query_safe(q{SELECT rbac.is_allowed('read', 'Repo:1'), rbac.is_allowed('read', 'Repo:2')}),
	't|f', 'session A: checks before the attack, the model cached');

# Each case: what B adds (and drops again) and the check A runs; a
# statement of A that parses no function in FROM takes no lock before the
# check fetches its model.
my $checks = q{SELECT rbac.is_allowed('read', 'Repo:1'), rbac.is_allowed('read', 'Repo:2')};
my $list   = q{SELECT rbac.authorized_resources('read', 'Repo')};
my @cases = (
	[ 'an index predicate on the bound table (its set query)',
	  'CREATE INDEX pwn ON a.repos (id) WHERE a.pwn()', 'DROP INDEX a.pwn', $list ],
	[ 'an index predicate on the join table',
	  'CREATE INDEX pwn ON a.repo_teams (repo_id) WHERE a.pwn()', 'DROP INDEX a.pwn', $checks ],
	[ 'an index expression on the join table',
	  'CREATE INDEX pwn ON a.repo_teams ((repo_id + a.pwn()::int))', 'DROP INDEX a.pwn', $checks ],
	[ 'statistics on an expression of the join table',
	  'CREATE STATISTICS a.pwn ON (repo_id + a.pwn()::int), team_id FROM a.repo_teams',
	  'DROP STATISTICS a.pwn', $checks ],
);
$sa->query_safe($list);
for my $case (@cases)
{
	my ($name, $ddl, $undo, $query) = @$case;
	# B commits while A's transaction sleeps, as a busy session would
	$sa->{stderr} = '';
	$sa->query_until(qr/started/, "BEGIN;\n\\echo started\nSELECT pg_sleep(1);\n$query;\n\\echo done\n");
	$sb->query_safe($ddl);
	$sa->query_until(qr/done/, '');
	like($sa->{stderr}, qr/which pg_rbac must not run/, "$name: session A's check is refused");
	$sa->query('ROLLBACK');
	$sa->{stderr} = '';
	is($node->safe_psql('app', q{SELECT count(*) FROM public.ran WHERE su}), '0',
		"$name: nothing ran as a superuser");
	is($node->safe_psql('app', q{SELECT rolsuper FROM pg_roles WHERE rolname = 'app'}), 'f',
		"$name: app is no superuser");
	$sb->query_safe($undo);
	is($sa->query_safe($checks), 't|f', "$name: undone, session A checks again");
	$sa->query_safe($list);
}
$sa->quit;
$sb->quit;

my $log = slurp_file($node->logfile);
unlike($log, qr/terminated by signal|PANIC:/, 'no server process crashed');
$node->stop;
done_testing();
