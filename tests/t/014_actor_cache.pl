# The actor's expansion kept across transactions (actorset.c, horizon.c,
# issue 13): a session keeps what it read of an actor's groups and
# assignments while nobody writes role data, and sees every change exactly
# as soon as its snapshot does -- committed revocations and memberships,
# uncommitted ones not, its own writes and rolled-back savepoints, older
# snapshots (REPEATABLE READ, an imported snapshot), expiring assignments,
# writes bypassing the functions (a superuser's INSERT, TRUNCATE), a policy
# reload, the register's sequence given a new file.  Whether role data was
# read is told by the transaction's own statistics of rbac.membership and
# rbac.assignment (index scans), so the cache is shown to be used, not only
# to be harmless.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $src_dir = $ENV{RBAC_SRC} // '../..';
my $policy  = slurp_file("$src_dir/examples/gitclub.polar");

my $node = PostgreSQL::Test::Cluster->new('actor_cache');
$node->init;
$node->start;
$node->safe_psql('postgres', <<"SQL");
CREATE EXTENSION pg_rbac;
SELECT rbac.load_policy(\$policy\$$policy\$policy\$);
CREATE TABLE organizations (id int PRIMARY KEY);
CREATE TABLE repositories (id int PRIMARY KEY, org_id int REFERENCES organizations, is_public boolean NOT NULL DEFAULT false);
CREATE TABLE issues (id int PRIMARY KEY, repo_id int REFERENCES repositories, creator_id int, visibility text);
SELECT rbac.bind('Organization', 'organizations');
SELECT rbac.bind('Repository', 'repositories', relations => '{"parent": "org_id"}');
SELECT rbac.bind('Issue', 'issues', relations => '{"repository": "repo_id", "creator": "creator_id"}');
INSERT INTO organizations VALUES (1), (2);
INSERT INTO repositories VALUES (1, 1), (2, 2);
INSERT INTO issues VALUES (1, 1, NULL, NULL), (2, 2, NULL, NULL);
SELECT rbac.assign_role('User:alice', 'member', 'Organization:1');
SELECT rbac.add_member('Group:eng', 'User:bob');
SELECT rbac.assign_role('Group:eng', 'member', 'Organization:2');
CREATE ROLE app LOGIN;
GRANT USAGE ON SCHEMA rbac TO app;
GRANT EXECUTE ON FUNCTION rbac.is_allowed(text, text, text) TO app;
SQL

my $reader = $node->background_psql('postgres', on_error_stop => 0);
my $writer = $node->background_psql('postgres', on_error_stop => 0);
$reader->query_safe('SET ROLE app');

# How many index scans of the role-data catalogs this backend has made
# (its pending statistics, exact within a transaction).
my $scans_sql = "(SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_xact_user_tables "
  . "WHERE schemaname = 'rbac' AND relname IN ('membership', 'assignment'))";

# One check in a transaction of its own, as the application role: its
# answer (t or f), and how many index scans of the role-data catalogs it
# made.
sub check
{
	my ($actor, $action, $resource, $session) = @_;
	$session //= $reader;
	my $out = $session->query_safe(
		"BEGIN; SELECT $scans_sql AS before \\gset\n"
		  . "SELECT CASE WHEN rbac.is_allowed('$actor', '$action', '$resource') THEN 't' ELSE 'f' END "
		  . "|| ' ' || ($scans_sql - :before); COMMIT;");
	my ($ans, $scans) = split / /, $out;
	return ($ans, $scans);
}

my ($ans, $scans);

# 1. The first check reads role data; the next ones, in transactions of
#    their own, do not.
($ans, $scans) = check('User:alice', 'read', 'Issue:1');
is($ans, 't', 'alice reads issue 1');
cmp_ok($scans, '>', 0, 'the first check reads role data');
($ans, $scans) = check('User:alice', 'read', 'Issue:1');
is("$ans $scans", 't 0', 'the next transaction reuses the expansion: no role data read');
($ans, $scans) = check('User:bob', 'read', 'Issue:2');
is($ans, 't', 'bob reads issue 2 through his group');
($ans, $scans) = check('User:bob', 'read', 'Issue:2');
is("$ans $scans", 't 0', 'bob\'s expansion (with his group) is reused');

# 2. A revocation in progress is not seen; committed, it is, at once.
$writer->query_safe(
	"BEGIN; SELECT rbac.remove_role('User:alice', 'member', 'Organization:1')");
($ans, $scans) = check('User:alice', 'read', 'Issue:1');
is($ans, 't', 'a revocation not yet committed is not seen');
$writer->query_safe('COMMIT');
($ans, $scans) = check('User:alice', 'read', 'Issue:1');
is($ans, 'f', 'the committed revocation is seen by the next transaction');
cmp_ok($scans, '>', 0, 'after a write, role data is read again');
($ans, $scans) = check('User:alice', 'read', 'Issue:1');
is("$ans $scans", 'f 0', 'and the new expansion is kept');

# 3. A membership removed, then added back.
$writer->query_safe("SELECT rbac.remove_member('Group:eng', 'User:bob')");
($ans) = check('User:bob', 'read', 'Issue:2');
is($ans, 'f', 'a removed membership is seen');
$writer->query_safe("SELECT rbac.add_member('Group:eng', 'User:bob')");
($ans) = check('User:bob', 'read', 'Issue:2');
is($ans, 't', 'an added membership is seen');

# 4. A write that rolls back changes nothing, and is then no reason to
#    distrust the expansion for ever.
$writer->query_safe(
	"BEGIN; SELECT rbac.remove_member('Group:eng', 'User:bob'); ROLLBACK");
($ans) = check('User:bob', 'read', 'Issue:2');
is($ans, 't', 'a rolled-back removal is not seen');
($ans, $scans) = check('User:bob', 'read', 'Issue:2');
is("$ans $scans", 't 0', 'the expansion read after it is kept');

# 5. Its own writes, and a savepoint rolled back (one session).
my $own = $node->safe_psql('postgres', q{
BEGIN;
SELECT rbac.is_allowed('User:bob', 'read', 'Issue:2');
SAVEPOINT a;
SELECT NULL FROM rbac.remove_member('Group:eng', 'User:bob');
SELECT rbac.is_allowed('User:bob', 'read', 'Issue:2');
ROLLBACK TO a;
SELECT rbac.is_allowed('User:bob', 'read', 'Issue:2');
SELECT NULL FROM rbac.remove_member('Group:eng', 'User:bob');
SELECT rbac.is_allowed('User:bob', 'read', 'Issue:2');
ROLLBACK;
SELECT rbac.is_allowed('User:bob', 'read', 'Issue:2');
});
is(join(',', grep { /^[tf]$/ } split /\n/, $own), 't,f,t,f,t',
	'own writes, a rolled-back savepoint and a rolled-back transaction');

# 6. An older snapshot than the expansion's: REPEATABLE READ started before
#    a revocation, and a snapshot imported from before it.
$reader->query_safe('RESET ROLE');
my $old = $writer->query_safe(
	'BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT pg_export_snapshot()');
$node->safe_psql('postgres', "SELECT rbac.remove_member('Group:eng', 'User:bob')");
$reader->query_safe('SET ROLE app');
($ans) = check('User:bob', 'read', 'Issue:2');
is($ans, 'f', 'the removal is seen (and this expansion kept)');
($ans) = check('User:bob', 'read', 'Issue:2');
is($ans, 'f', 'still');
$ans = $reader->query_safe(
	"BEGIN ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION SNAPSHOT '$old'; "
	  . "SELECT rbac.is_allowed('User:bob', 'read', 'Issue:2'); COMMIT");
is($ans, 't', 'an imported older snapshot sees the membership it saw');
$writer->query_safe('COMMIT');
($ans) = check('User:bob', 'read', 'Issue:2');
is($ans, 'f', 'a new transaction sees the removal again');
$node->safe_psql('postgres', "SELECT rbac.add_member('Group:eng', 'User:bob')");

# 7. Writes that bypass the functions: a superuser's INSERT and TRUNCATE.
($ans) = check('User:carol', 'read', 'Issue:1');
is($ans, 'f', 'carol reads nothing');
($ans) = check('User:carol', 'read', 'Issue:1');
$node->safe_psql('postgres', q{INSERT INTO rbac.assignment (actor_type, actor_id, role, resource_type, resource_id)
  VALUES ('User', 'carol', 'reader', 'Repository', '1')});
($ans) = check('User:carol', 'read', 'Issue:1');
is($ans, 't', 'a row inserted directly is seen');
$node->safe_psql('postgres', 'TRUNCATE rbac.assignment');
($ans) = check('User:carol', 'read', 'Issue:1');
is($ans, 'f', 'TRUNCATE is seen');
($ans) = check('User:bob', 'read', 'Issue:2');
is($ans, 'f', 'by every actor');

# 8. An assignment that expires: seen until then, not after, though no
#    one wrote anything.
$node->safe_psql('postgres',
	"SELECT rbac.assign_role('User:dave', 'reader', 'Repository:1', now() + interval '2 seconds')");
($ans) = check('User:dave', 'read', 'Issue:1');
is($ans, 't', 'dave reads issue 1 until his role expires');
($ans, $scans) = check('User:dave', 'read', 'Issue:1');
is("$ans $scans", 't 0', 'kept before it expires');
sleep(3);
($ans) = check('User:dave', 'read', 'Issue:1');
is($ans, 'f', 'and not after, with no write in between');

# 9. A policy reload changes what the same role data grant.
$node->safe_psql('postgres',
	"SELECT rbac.assign_role('User:erin', 'member', 'Organization:1')");
($ans) = check('User:erin', 'read', 'Organization:1');
is($ans, 't', 'erin reads organization 1 as a member');
(my $narrow = $policy) =~ s/"read" if "member";\s*# role grants permission//;
isnt($narrow, $policy, 'a policy without "read" if "member"');
$node->safe_psql('postgres', "SELECT rbac.load_policy(\$policy\$$narrow\$policy\$)");
($ans) = check('User:erin', 'read', 'Organization:1');
is($ans, 'f', 'after the reload, the same role data grant less');
$node->safe_psql('postgres', "SELECT rbac.load_policy(\$policy\$$policy\$policy\$)");

# 10. SERIALIZABLE reads role data (its predicate locks), and so does every
#     transaction with rbac.actor_cache_size = 0.
($ans) = check('User:erin', 'read', 'Organization:1');
$ans = $reader->query_safe(
	"BEGIN ISOLATION LEVEL SERIALIZABLE; SELECT $scans_sql AS before \\gset\n"
	  . "SELECT rbac.is_allowed('User:erin', 'read', 'Organization:1'); "
	  . "SELECT $scans_sql > :before; COMMIT");
is($ans, "t\nt", 'SERIALIZABLE reads role data');
my $off = $node->background_psql('postgres', on_error_stop => 0);
$off->query_safe('SET rbac.actor_cache_size = 0; SET ROLE app');
check('User:erin', 'read', 'Organization:1', $off);
($ans, $scans) = check('User:erin', 'read', 'Organization:1', $off);
is($ans, 't', 'erin still reads it with the cache off');
cmp_ok($scans, '>', 0, 'rbac.actor_cache_size = 0: every transaction reads role data');
$off->quit;

# 11. Random writes interleaved with checks: a long-lived session (which
#     keeps expansions) and a new session (which starts with none) answer
#     the same grid after every write, whether the write committed or
#     rolled back.
srand(14);
my @actors = map { "User:r$_" } 1 .. 4;
my @groups = map { "Group:g$_" } 1 .. 3;
my @grid;
for my $a (@actors)
{
	push @grid, "rbac.is_allowed('$a', '$_', 'Issue:1')" for qw(read close);
	push @grid, "rbac.is_allowed('$a', 'read', 'Issue:2')";
}
my $grid_sql = 'SELECT ' . join(" || ',' || ", map { "CASE WHEN $_ THEN 't' ELSE 'f' END" } @grid);
my $disagreements = 0;
for my $i (1 .. 120)
{
	my $who = rand() < 0.5 ? $actors[int(rand(@actors))] : $groups[int(rand(@groups))];
	my $what = int(rand(5));
	my $sql =
	    $what == 0 ? "SELECT rbac.assign_role('$who', 'member', 'Organization:" . (1 + int(rand(2))) . "')"
	  : $what == 1 ? "SELECT rbac.remove_role('$who', 'member', 'Organization:" . (1 + int(rand(2))) . "')"
	  : $what == 2 ? "SELECT rbac.assign_role('$who', 'maintainer', 'Repository:1')"
	  : $what == 3 ? "SELECT rbac.add_member('$groups[int(rand(@groups))]', '$actors[int(rand(@actors))]')"
	  :              "SELECT rbac.remove_member('$groups[int(rand(@groups))]', '$actors[int(rand(@actors))]')";
	$sql = "BEGIN; $sql; " . (rand() < 0.2 ? 'ROLLBACK' : 'COMMIT');
	$writer->query($sql);    # a cycle of groups may be refused: fine
	my $kept  = $reader->query_safe($grid_sql);
	my $fresh = $node->safe_psql('postgres', $grid_sql);
	$disagreements++ if $kept ne $fresh;
}
is($disagreements, 0, '120 random writes: the long-lived session always agrees with a new one');

# 12. The procedure of docs/operations.md for writing with the trigger
#     disabled: sessions that kept an expansion see the write.
my $ops = slurp_file("$src_dir/docs/operations.md");
my ($block) = $ops =~ /### Writing role data without the triggers.*?```sql\n(.*?)```/s;
ok(defined $block && $block =~ /-- \.\.\. write rbac\.assignment \.\.\./,
	'docs/operations.md has the procedure');
($ans) = check('User:frank', 'read', 'Issue:1');
($ans, $scans) = check('User:frank', 'read', 'Issue:1');
is("$ans $scans", 'f 0', 'frank reads nothing, and that is kept');
$block =~ s/-- \.\.\. write rbac\.assignment \.\.\./INSERT INTO rbac.assignment (actor_type, actor_id, role, resource_type, resource_id) VALUES ('User', 'frank', 'reader', 'Repository', '1');/;
$node->safe_psql('postgres', $block);
($ans) = check('User:frank', 'read', 'Issue:1');
is($ans, 't', 'a write made with the trigger disabled, as documented, is seen');
is($node->safe_psql('postgres', q{SELECT tgenabled FROM pg_trigger WHERE tgname = 'role_data_horizon' AND tgrelid = 'rbac.assignment'::regclass}),
	'A', 'and the trigger is enabled ALWAYS again');

# 13. The trigger refuses to fire for another table, or other than as a
#     BEFORE statement trigger (39P01).
my ($rc, $stdout, $stderr) = $node->psql('postgres', q{
CREATE TABLE t (a int);
CREATE TRIGGER x BEFORE INSERT ON t FOR EACH STATEMENT EXECUTE FUNCTION rbac._note_role_write();
INSERT INTO t VALUES (1);});
like($stderr, qr/rbac._note_role_write must be called as a trigger of rbac.assignment or rbac.membership/,
	'the trigger refuses another table');
($rc, $stdout, $stderr) = $node->psql('postgres', q{
CREATE TRIGGER y AFTER INSERT ON rbac.membership FOR EACH ROW EXECUTE FUNCTION rbac._note_role_write();
INSERT INTO rbac.membership VALUES ('Group', 'g', 'User', 'u');});
like($stderr, qr/must be called as a BEFORE statement trigger/, 'and an AFTER row trigger');
($rc, $stdout, $stderr) = $node->psql('postgres', 'SET ROLE app; SELECT rbac._note_role_write()');
like($stderr, qr/permission denied|trigger functions can only be called as triggers/,
	'it cannot be called directly');

# 14. The register is read from the buffer its page was last seen in; the
#     sequence given a new file (SET UNLOGGED, SET LOGGED) is read there,
#     and a write after that is seen.
$writer->query_safe("SELECT rbac.assign_role('User:gina', 'member', 'Organization:1')");
check('User:gina', 'read', 'Issue:1');
($ans, $scans) = check('User:gina', 'read', 'Issue:1');
is("$ans $scans", 't 0', 'gina reads issue 1, and that is kept');
my $file = "SELECT pg_relation_filenode('rbac.role_data_horizon')";
my $before = $node->safe_psql('postgres', $file);
$node->safe_psql('postgres',
	'ALTER SEQUENCE rbac.role_data_horizon SET UNLOGGED; ALTER SEQUENCE rbac.role_data_horizon SET LOGGED');
isnt($node->safe_psql('postgres', $file), $before, 'the register is in a new file');
($ans, $scans) = check('User:gina', 'read', 'Issue:1');
is("$ans $scans", 't 0', 'the expansion is still kept: the new file holds the same value');
$writer->query_safe("SELECT rbac.remove_role('User:gina', 'member', 'Organization:1')");
($ans) = check('User:gina', 'read', 'Issue:1');
is($ans, 'f', 'a revocation written to the new file is seen');

$reader->quit;
$writer->quit;
$node->stop;
done_testing();
