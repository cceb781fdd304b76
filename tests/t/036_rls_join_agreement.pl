# Randomized agreement of joins of protected tables (issue 13): the rows a
# join of tables under generated row-level security returns must be the
# pairs (triples) whose every row rbac.is_allowed allows.  A join checks
# rows of one table whose policy reaches rows of the other (an issue's
# repository, a repository's organization, a folder's parent) one at a
# time (rbac._in_lazy), and one evaluation's answers for the resources it
# reached answer the other table's checks (rls_runtime.c's row memo): so
# the joins run as nested loops with the per-row budget unlimited, with
# and without Memoize, and once with the planner's choice and the default
# budget.  Random GitClub worlds: organizations, repositories (some
# public), issues (some "internal", a last-mile rule), folders in folders;
# users with direct roles, roles through groups, a global role; rows whose
# relation names a missing row.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $src_dir = $ENV{RBAC_SRC} // '../..';
my $policy  = slurp_file("$src_dir/examples/gitclub.polar");

my $node = PostgreSQL::Test::Cluster->new('rls_join');
$node->init;
$node->append_conf('postgresql.conf', "fsync = off\njit = off\n");
$node->start;
$node->safe_psql('postgres', <<"SQL");
CREATE EXTENSION pg_rbac;
SELECT rbac.load_policy(\$policy\$$policy\$policy\$);
CREATE TABLE organizations (id int PRIMARY KEY, name text);
CREATE TABLE repositories (id int PRIMARY KEY, org_id int, name text, is_public boolean NOT NULL DEFAULT false);
CREATE TABLE issues (id int PRIMARY KEY, repo_id int, creator_id int, visibility text);
CREATE TABLE folders (id int PRIMARY KEY, parent int);
SELECT rbac.bind('Organization', 'organizations');
SELECT rbac.bind('Repository', 'repositories', relations => '{"parent": "org_id"}');
SELECT rbac.bind('Issue', 'issues', relations => '{"repository": "repo_id", "creator": "creator_id"}');
SELECT rbac.bind('Folder', 'folders', relations => '{"parent": "parent"}');
SELECT rbac.enable_rls('organizations');
SELECT rbac.enable_rls('repositories');
SELECT rbac.enable_rls('issues');
SELECT rbac.enable_rls('folders');
CREATE ROLE joiner;
GRANT SELECT ON organizations, repositories, issues, folders TO joiner;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO joiner;
SQL

# The joins: each SELECT list names the key of every table joined.
my %joins = (
	'issue-repo' =>
	  'SELECT i.id, r.id FROM issues i JOIN repositories r ON r.id = i.repo_id',
	'repo-org' =>
	  'SELECT r.id, o.id FROM repositories r JOIN organizations o ON o.id = r.org_id',
	'issue-repo-org' =>
	  'SELECT i.id, r.id, o.id FROM issues i JOIN repositories r ON r.id = i.repo_id JOIN organizations o ON o.id = r.org_id',
	'folder-parent' =>
	  'SELECT f.id, p.id FROM folders f JOIN folders p ON p.id = f.parent',
	'issue-page' =>
	  'SELECT i.id, r.id FROM issues i JOIN repositories r ON r.id = i.repo_id ORDER BY i.id LIMIT 7');
# what each selected key is, for rbac.is_allowed
my %types = (
	'issue-repo'     => [ 'Issue',      'Repository' ],
	'repo-org'       => [ 'Repository', 'Organization' ],
	'issue-repo-org' => [ 'Issue',      'Repository', 'Organization' ],
	'folder-parent'  => [ 'Folder',     'Folder' ],
	'issue-page'     => [ 'Issue',      'Repository' ]);

# The planner settings of the rounds: nested loops checking rows one at a
# time (with and without Memoize), and the planner's own choice.
my @modes = (
	"SET enable_hashjoin = off; SET enable_mergejoin = off; SET enable_memoize = on; SET rbac.rls_check_budget = 1000000",
	"SET enable_hashjoin = off; SET enable_mergejoin = off; SET enable_memoize = off; SET rbac.rls_check_budget = 1000000",
	"RESET enable_hashjoin; RESET enable_mergejoin; RESET enable_memoize; RESET rbac.rls_check_budget");

my ($compared, $rows, $disagree) = (0, 0, 0);
my @bad;
for my $world (1 .. 4)
{
	srand($world * 7);
	my $orgs  = 6;
	my $repos = 30;
	my $sql   = "TRUNCATE organizations, repositories, issues, folders; TRUNCATE rbac.assignment, rbac.membership;\n";
	$sql .= "INSERT INTO organizations SELECT i, 'o' || i FROM generate_series(1, $orgs) i;\n";
	for my $r (1 .. $repos)
	{
		# a few repositories name an organization with no row
		my $o = 1 + int(rand($orgs + 1));
		$sql .= sprintf("INSERT INTO repositories VALUES (%d, %d, 'r%d', %s);\n",
			$r, $o, $r, rand() < 0.1 ? 'true' : 'false');
	}
	for my $i (1 .. 120)
	{
		my $r = 1 + int(rand($repos + 2));
		$sql .= sprintf("INSERT INTO issues VALUES (%d, %d, %d, '%s');\n",
			$i, $r, 1 + int(rand(8)), rand() < 0.2 ? 'internal' : 'private');
	}
	for my $f (1 .. 25)
	{
		my $p = $f > 1 && rand() < 0.85 ? 1 + int(rand($f - 1)) : 'NULL';
		$p = 99 if rand() < 0.05;
		$sql .= "INSERT INTO folders VALUES ($f, $p);\n";
	}
	for my $u (1 .. 8)
	{
		for (1 .. 1 + int(rand(3)))
		{
			my $role = ('owner', 'member')[ int(rand(2)) ];
			$sql .= sprintf("SELECT rbac.assign_role('User:%d', '%s', 'Organization:%d');\n",
				$u, $role, 1 + int(rand($orgs)));
		}
		for (1 .. int(rand(4)))
		{
			my $role = ('reader', 'maintainer', 'admin')[ int(rand(3)) ];
			$sql .= sprintf("SELECT rbac.assign_role('User:%d', '%s', 'Repository:%d');\n",
				$u, $role, 1 + int(rand($repos)));
		}
		$sql .= sprintf("SELECT rbac.assign_role('User:%d', 'viewer', 'Folder:%d');\n",
			$u, 1 + int(rand(25)))
		  if rand() < 0.7;
		$sql .= sprintf("SELECT rbac.add_member('Group:g%d', 'User:%d');\n", 1 + int(rand(2)), $u)
		  if rand() < 0.5;
	}
	$sql .= "SELECT rbac.assign_role('Group:g1', 'member', 'Organization:1');\n";
	$sql .= "SELECT rbac.assign_role('Group:g2', 'viewer', 'Folder:2');\n";
	$sql .= "SELECT rbac.assign_role('User:8', 'superadmin');\n";
	$node->safe_psql('postgres', $sql);

	for my $u (1 .. 9)
	{
		for my $name (sort keys %joins)
		{
			my $q     = $joins{$name};
			my @t     = @{ $types{$name} };
			my @conds = map {
				"rbac.is_allowed('User:$u', 'read', '$t[$_]:' || k.c" . ($_ + 1) . ")"
			} 0 .. $#t;
			my $cols = join(', ', map { "c$_" } 1 .. @t);
			# the expected rows: the join without RLS (the superuser), each
			# row allowed; a page is compared on the rows the pages agree on
			my $expected = $node->safe_psql('postgres',
				$name eq 'issue-page'
				? "SELECT string_agg(k::text, ';' ORDER BY c1) FROM ("
				  . "SELECT i.id c1, r.id c2 FROM issues i JOIN repositories r ON r.id = i.repo_id "
				  . "WHERE rbac.is_allowed('User:$u', 'read', 'Issue:' || i.id) "
				  . "AND rbac.is_allowed('User:$u', 'read', 'Repository:' || r.id) ORDER BY i.id LIMIT 7) k"
				: "SELECT string_agg(k::text, ';' ORDER BY k::text) FROM ($q) k($cols) WHERE "
				  . join(' AND ', @conds));
			for my $m (0 .. $#modes)
			{
				my $got = $node->safe_psql('postgres',
					"BEGIN; SELECT rbac.set_actor('User:$u'); SET LOCAL ROLE joiner; $modes[$m];\n"
					  . "SELECT string_agg(k::text, ';' ORDER BY "
					  . ($name eq 'issue-page' ? 'c1' : 'k::text')
					  . ") FROM ($q) k($cols); COMMIT");
				$got =~ s/^\s+//;
				$compared++;
				my $n = () = $expected =~ /\(/g;
				$rows += $n;
				if ($got ne $expected)
				{
					$disagree++;
					push @bad, "world $world User:$u $name mode $m: got [$got] expected [$expected]"
					  if @bad < 10;
				}
			}
		}
	}
}
diag "joins under RLS compared: $compared ($rows rows expected), $disagree disagreements";
diag join("\n", @bad) if @bad;
is($disagree, 0, "every join under RLS returns the rows rbac.is_allowed allows ($compared joins, $rows rows)");
cmp_ok($rows, '>', 1000, 'and the joins return many rows');

$node->stop;
done_testing();
