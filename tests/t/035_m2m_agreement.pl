# Randomized agreement test of many-to-many relations (issue 14): random
# worlds whose relations are bound through join tables -- to resources
# (repositories' teams), to the type itself (teams nested in teams, cycles
# included), to actors (issues' assignees, repositories' maintainers) and
# from actors to actors (users' mentors, walked with "mentors" on
# "maintainers") -- next to column relations, and a condition on a rule
# through a join table ("star" if "member" on "teams" and
# is_public(resource), compiled into a last-mile rule).  Join rows name missing rows
# and NULLs on purpose (they grant nothing).
#
# For each world, an independent reference written in plain SQL (views
# over the tables and rbac.assignment, recursive CTEs, no pg_rbac function)
# gives every allowed (user, permission, resource).  Compared with it:
#   - rbac.is_allowed on every decision: every user (and one with no row) x
#     every permission x every resource (and ids with no row);
#   - rbac.authorized_resources for every user x permission x type;
#   - what generated RLS shows: SELECT on the three protected tables as an
#     ordinary role, for every user.
# The test passes with 0 disagreements; the counts are printed.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my @seeds = (0.11, 0.23, 0.37, 0.41, 0.53, 0.67);

my $node = PostgreSQL::Test::Cluster->new('m2m');
$node->init;
$node->append_conf('postgresql.conf', "fsync = off\njit = off\n");
$node->start;
$node->safe_psql('postgres', 'CREATE ROLE m2m_reader');

my $policy = <<'POLAR';
actor User {
  relations = { mentors: User };
}
resource Team {
  roles = ["member", "lead"];
  permissions = ["read"];
  relations = { parents: Team };
  "member" if "lead";
  "member" if "member" on "parents";
  "read" if "member";
}
resource Repo {
  roles = ["reader", "writer"];
  permissions = ["read", "push", "triage", "star"];
  relations = { teams: Team, owner_team: Team, maintainers: User };
  "reader" if "member" on "teams";
  "reader" if "member" on "owner_team";
  "writer" if "lead" on "teams";
  "read" if "reader";
  "push" if "writer";
  "read" if "maintainers";
  "push" if "maintainers";
  "triage" if "mentors" on "maintainers";
  "star" if "member" on "teams" and is_public(resource);
}
resource Issue {
  permissions = ["read", "close"];
  relations = { repo: Repo, assignees: User };
  "read" if "read" on "repo";
  "read" if "assignees";
  "close" if "assignees";
  "close" if "push" on "repo";
  "close" if "mentors" on "assignees";
}
POLAR

# The world: tables, random rows (a fixed seed), bindings, assignments.
sub world_sql
{
	my ($seed) = @_;
	return <<"SQL";
CREATE EXTENSION pg_rbac;
SELECT setseed($seed);
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE user_mentors (user_id int, mentor_id int);
CREATE TABLE teams (id int PRIMARY KEY);
CREATE TABLE team_parents (child int, parent int);
CREATE TABLE repos (id int PRIMARY KEY, owner_team int REFERENCES teams, is_public boolean NOT NULL);
CREATE TABLE repo_teams (repo_id int, team_id int);
CREATE TABLE repo_maintainers (repo_id int, user_id int);
CREATE TABLE issues (id int PRIMARY KEY, repo_id int REFERENCES repos);
CREATE TABLE issue_assignees (issue_id int, user_id int);
CREATE INDEX ON team_parents (child); CREATE INDEX ON team_parents (parent);
CREATE INDEX ON repo_teams (repo_id); CREATE INDEX ON repo_teams (team_id);
INSERT INTO users SELECT g FROM generate_series(1, 12) g;
INSERT INTO teams SELECT g FROM generate_series(1, 10) g;
INSERT INTO repos SELECT g, CASE WHEN random() < 0.4 THEN 1 + (random() * 9)::int END,
  random() < 0.5 FROM generate_series(1, 15) g;
INSERT INTO issues SELECT g, 1 + (random() * 14)::int FROM generate_series(1, 25) g;
-- ids up to 2 past the last row: those ends have no row; a few NULLs
INSERT INTO team_parents SELECT 1 + (random() * 11)::int, 1 + (random() * 11)::int
  FROM generate_series(1, 12);
INSERT INTO repo_teams SELECT 1 + (random() * 16)::int,
  CASE WHEN random() < 0.05 THEN NULL ELSE 1 + (random() * 11)::int END
  FROM generate_series(1, 25);
INSERT INTO repo_maintainers SELECT 1 + (random() * 16)::int, 1 + (random() * 13)::int
  FROM generate_series(1, 10);
INSERT INTO issue_assignees SELECT 1 + (random() * 26)::int,
  CASE WHEN random() < 0.05 THEN NULL ELSE 1 + (random() * 13)::int END
  FROM generate_series(1, 30);
INSERT INTO user_mentors SELECT 1 + (random() * 13)::int, 1 + (random() * 13)::int
  FROM generate_series(1, 10);
SELECT rbac.load_policy(\$polar\$$policy\$polar\$);
SELECT rbac.bind('User', 'users', relations =>
  '{"mentors": {"through": "user_mentors", "from": "user_id", "to": "mentor_id"}}');
SELECT rbac.bind('Team', 'teams', relations =>
  '{"parents": {"through": "team_parents", "from": "child", "to": "parent"}}');
SELECT rbac.bind('Repo', 'repos', relations =>
  '{"teams": {"through": "repo_teams", "from": "repo_id", "to": "team_id"}, "owner_team": "owner_team",
    "maintainers": {"through": "repo_maintainers", "from": "repo_id", "to": "user_id"}}');
SELECT rbac.bind('Issue', 'issues', relations =>
  '{"repo": "repo_id", "assignees": {"through": "issue_assignees", "from": "issue_id", "to": "user_id"}}');
SELECT count(rbac.assign_role('User:' || (1 + (random() * 11)::int),
                              CASE WHEN random() < 0.7 THEN 'member' ELSE 'lead' END,
                              'Team:' || (1 + (random() * 9)::int)))
  FROM generate_series(1, 8);
SELECT count(rbac.assign_role('User:' || (1 + (random() * 11)::int),
                              CASE WHEN random() < 0.6 THEN 'reader' ELSE 'writer' END,
                              'Repo:' || (1 + (random() * 14)::int)))
  FROM generate_series(1, 5);
SELECT rbac.enable_rls('repos');
SELECT rbac.enable_rls('issues');
SELECT rbac.enable_rls('teams');
GRANT SELECT ON repos, issues, teams TO m2m_reader;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO m2m_reader;
SQL
}

# The reference: who may do what, in plain SQL.  A join row counts only
# when both its ends have rows; a column relation is a foreign key here.
my $reference = <<'SQL';
CREATE SCHEMA ref;
CREATE VIEW ref.tp AS SELECT DISTINCT p.child, p.parent FROM team_parents p
  JOIN teams a ON a.id = p.child JOIN teams b ON b.id = p.parent;
CREATE VIEW ref.rt AS SELECT DISTINCT x.repo_id AS r, x.team_id AS t FROM repo_teams x
  JOIN repos a ON a.id = x.repo_id JOIN teams b ON b.id = x.team_id;
CREATE VIEW ref.rm AS SELECT DISTINCT x.repo_id AS r, x.user_id AS u FROM repo_maintainers x
  JOIN repos a ON a.id = x.repo_id JOIN users b ON b.id = x.user_id;
CREATE VIEW ref.ia AS SELECT DISTINCT x.issue_id AS i, x.user_id AS u FROM issue_assignees x
  JOIN issues a ON a.id = x.issue_id JOIN users b ON b.id = x.user_id;
CREATE VIEW ref.um AS SELECT DISTINCT x.user_id AS u, x.mentor_id AS mentor FROM user_mentors x
  JOIN users a ON a.id = x.user_id JOIN users b ON b.id = x.mentor_id;
CREATE VIEW ref.asg AS SELECT actor_id::int AS u, role,
  resource_type AS type, resource_id::int AS id
  FROM rbac.assignment WHERE actor_type = 'User' AND resource_type IS NOT NULL;
CREATE VIEW ref.lead AS SELECT u, id AS t FROM ref.asg WHERE type = 'Team' AND role = 'lead';
CREATE VIEW ref.member AS WITH RECURSIVE m(u, t) AS (
    SELECT u, id FROM ref.asg WHERE type = 'Team' AND role IN ('member', 'lead')
    UNION SELECT m.u, tp.child FROM m JOIN ref.tp ON tp.parent = m.t)
  SELECT u, t FROM m;
CREATE VIEW ref.reader AS
  SELECT u, id AS r FROM ref.asg WHERE type = 'Repo' AND role = 'reader'
  UNION SELECT m.u, rt.r FROM ref.member m JOIN ref.rt ON rt.t = m.t
  UNION SELECT m.u, r.id FROM ref.member m JOIN repos r ON r.owner_team = m.t;
CREATE VIEW ref.writer AS
  SELECT u, id AS r FROM ref.asg WHERE type = 'Repo' AND role = 'writer'
  UNION SELECT l.u, rt.r FROM ref.lead l JOIN ref.rt ON rt.t = l.t;
CREATE VIEW ref.repo_read AS SELECT u, r FROM ref.reader UNION SELECT u, r FROM ref.rm;
CREATE VIEW ref.repo_push AS SELECT u, r FROM ref.writer UNION SELECT u, r FROM ref.rm;
CREATE VIEW ref.allowed(u, perm, type, id) AS
  SELECT u, 'read', 'Repo', r FROM ref.repo_read
  UNION SELECT u, 'push', 'Repo', r FROM ref.repo_push
  UNION SELECT um.mentor, 'triage', 'Repo', rm.r FROM ref.rm JOIN ref.um ON um.u = rm.u
  UNION SELECT m.u, 'star', 'Repo', rt.r FROM ref.member m JOIN ref.rt ON rt.t = m.t
    JOIN repos p ON p.id = rt.r AND p.is_public
  UNION SELECT x.u, 'read', 'Issue', i.id FROM ref.repo_read x JOIN issues i ON i.repo_id = x.r
  UNION SELECT u, 'read', 'Issue', i FROM ref.ia
  UNION SELECT u, 'close', 'Issue', i FROM ref.ia
  UNION SELECT x.u, 'close', 'Issue', i.id FROM ref.repo_push x JOIN issues i ON i.repo_id = x.r
  UNION SELECT um.mentor, 'close', 'Issue', ia.i FROM ref.ia JOIN ref.um ON um.u = ia.u
  UNION SELECT u, 'read', 'Team', t FROM ref.member;
-- every decision: users and one with no row, every permission, every
-- resource and ids with no row
CREATE VIEW ref.decisions AS
  SELECT u, perm, type, id FROM generate_series(1, 13) u,
    (SELECT 'Repo' AS type, p AS perm, g AS id FROM unnest(ARRAY['read', 'push', 'triage', 'star']) p,
       generate_series(1, 17) g
     UNION ALL
     SELECT 'Issue', p, g FROM unnest(ARRAY['read', 'close']) p, generate_series(1, 27) g
     UNION ALL
     SELECT 'Team', 'read', g FROM generate_series(1, 12) g) d;
SQL

my %total = (decisions => 0, allowed => 0, bad_checks => 0, lists => 0,
	bad_lists => 0, rls_rows => 0, rls_lists => 0, bad_rls => 0,
	join_rows => 0);

foreach my $i (0 .. $#seeds)
{
	my $db = "m2m_world$i";
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, world_sql($seeds[$i]) . $reference);
	$total{join_rows} += $node->safe_psql($db,
		'SELECT (SELECT count(*) FROM team_parents) + (SELECT count(*) FROM repo_teams) '
		  . '+ (SELECT count(*) FROM repo_maintainers) + (SELECT count(*) FROM issue_assignees) '
		  . '+ (SELECT count(*) FROM user_mentors)');

	# is_allowed on every decision
	my ($n, $allowed, $bad) = split /\|/, $node->safe_psql(
		$db, q{
		SELECT count(*), count(*) FILTER (WHERE expect),
		       count(*) FILTER (WHERE got IS DISTINCT FROM expect)
		FROM (SELECT rbac.is_allowed('User:' || d.u, d.perm, d.type || ':' || d.id) AS got,
		             EXISTS (SELECT 1 FROM ref.allowed a WHERE a.u = d.u AND a.perm = d.perm
		                     AND a.type = d.type AND a.id = d.id) AS expect
		      FROM ref.decisions d) x});
	diag($node->safe_psql(
		$db, q{
		SELECT string_agg(format('%s %s %s:%s is_allowed=%s', d.u, d.perm, d.type, d.id, NOT e), E'\n')
		FROM (SELECT d.*, EXISTS (SELECT 1 FROM ref.allowed a WHERE a.u = d.u AND a.perm = d.perm
		                          AND a.type = d.type AND a.id = d.id) AS e
		      FROM ref.decisions d) d
		WHERE rbac.is_allowed('User:' || d.u, d.perm, d.type || ':' || d.id) <> d.e})) if $bad;
	$total{decisions} += $n;
	$total{allowed} += $allowed;
	$total{bad_checks} += $bad;

	# authorized_resources for every user x permission x type
	my ($nl, $badl) = split /\|/, $node->safe_psql(
		$db, q{
		SELECT count(*), count(*) FILTER (WHERE got IS DISTINCT FROM expect)
		FROM (SELECT
		        array(SELECT k::int FROM rbac.authorized_resources('User:' || u, perm, type) k ORDER BY 1) AS got,
		        array(SELECT a.id FROM ref.allowed a WHERE a.u = x.u AND a.perm = x.perm
		              AND a.type = x.type ORDER BY 1) AS expect
		      FROM (SELECT DISTINCT u, perm, type FROM ref.decisions) x) y});
	$total{lists} += $nl;
	$total{bad_lists} += $badl;

	# generated RLS, as an ordinary role, for every user
	my $script = '';
	foreach my $u (1 .. 13)
	{
		$script .= "BEGIN; SET LOCAL ROLE m2m_reader; SELECT rbac.set_actor('User:$u', true);\n"
		  . "SELECT 'Repo|$u|' || coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM repos;\n"
		  . "SELECT 'Issue|$u|' || coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM issues;\n"
		  . "SELECT 'Team|$u|' || coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM teams;\n"
		  . "COMMIT;\n";
	}
	my %shown;
	foreach my $line (split /\n/, $node->safe_psql($db, $script))
	{
		next unless $line =~ /^(Repo|Issue|Team)\|(\d+)\|(.*)$/;
		$shown{"$1|$2"} = $3;
	}
	my %expect;
	foreach my $line (split /\n/, $node->safe_psql(
		$db, q{
		SELECT t.type || '|' || u || '|' ||
		       coalesce((SELECT string_agg(a.id::text, ',' ORDER BY a.id) FROM ref.allowed a
		                 WHERE a.u = g.u AND a.perm = 'read' AND a.type = t.type
		                   AND a.id IN (SELECT id FROM repos WHERE t.type = 'Repo'
		                                UNION ALL SELECT id FROM issues WHERE t.type = 'Issue'
		                                UNION ALL SELECT id FROM teams WHERE t.type = 'Team')), '')
		FROM generate_series(1, 13) g(u), (VALUES ('Repo'), ('Issue'), ('Team')) t(type)}))
	{
		next unless $line =~ /^(Repo|Issue|Team)\|(\d+)\|(.*)$/;
		$expect{"$1|$2"} = $3;
	}
	foreach my $k (sort keys %expect)
	{
		$total{rls_lists}++;
		$total{rls_rows} += scalar(grep { $_ ne '' } split /,/, $expect{$k});
		if (!defined $shown{$k} || $shown{$k} ne $expect{$k})
		{
			$total{bad_rls}++;
			diag("world $i RLS $k: shows "
				  . ($shown{$k} // '(nothing)')
				  . ", reference $expect{$k}");
		}
	}
	note("world $i: $n decisions ($allowed allowed), $bad disagreements; "
		  . "$nl lists, $badl disagreements");
}

diag(sprintf(
	"many-to-many agreement over %d worlds (%d join rows): %d decisions (%d allowed), "
	  . "%d disagreements; %d authorized_resources lists, %d disagreements; "
	  . "%d RLS row sets (%d rows), %d disagreements",
	scalar(@seeds), $total{join_rows}, $total{decisions}, $total{allowed},
	$total{bad_checks}, $total{lists}, $total{bad_lists},
	$total{rls_lists}, $total{rls_rows}, $total{bad_rls}));

cmp_ok($total{decisions}, '>', 5000, 'every decision of every world was checked');
cmp_ok($total{allowed}, '>', 100, 'the worlds allow something');
is($total{bad_checks}, 0, 'is_allowed agrees with the reference on every decision');
is($total{bad_lists}, 0, 'authorized_resources agrees with the reference');
cmp_ok($total{rls_rows}, '>', 50, 'RLS shows rows');
is($total{bad_rls}, 0, 'generated RLS shows exactly what the reference allows');

$node->stop;
done_testing();
