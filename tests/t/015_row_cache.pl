# Rows of bound tables kept across transactions (rowcache.c, issue 13): a
# session keeps the rows it read of bound tables (a repository's
# organization) and uses one again only when the table shows the same row
# version is still the visible one.  Every change to the rows must be seen
# exactly as soon as the checking snapshot sees it: UPDATE (HOT or not),
# DELETE and re-INSERT of a key, TRUNCATE, VACUUM FULL putting another row
# of the same inserter where the kept one was, VACUUM truncating the table
# under a kept row, a column retyped, the session's own writes rolled back,
# an older REPEATABLE READ snapshot, text keys.  Whether the table's index
# was read is told by the transaction's own statistics, so the cache is
# shown to be used, not only to be harmless; then random writes, checked
# against a session keeping nothing; then rows read once, kept for a
# sample of their keys only.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $src_dir = $ENV{RBAC_SRC} // '../..';
my $policy  = slurp_file("$src_dir/examples/gitclub.polar");

my $node = PostgreSQL::Test::Cluster->new('row_cache');
$node->init;
$node->append_conf('postgresql.conf', 'autovacuum = off');
$node->start;
$node->safe_psql('postgres', <<"SQL");
CREATE EXTENSION pg_rbac;
SELECT rbac.load_policy(\$policy\$$policy\$policy\$);
CREATE TABLE organizations (id int PRIMARY KEY);
CREATE TABLE repositories (id int PRIMARY KEY, org_id int, is_public boolean NOT NULL DEFAULT false);
CREATE TABLE issues (id int PRIMARY KEY, repo_id int, creator_id int, visibility text);
CREATE TABLE folders (name text PRIMARY KEY, parent text);
SELECT rbac.bind('Organization', 'organizations');
SELECT rbac.bind('Repository', 'repositories', relations => '{"parent": "org_id"}');
SELECT rbac.bind('Issue', 'issues', relations => '{"repository": "repo_id", "creator": "creator_id"}');
SELECT rbac.bind('Folder', 'folders', relations => '{"parent": "parent"}');
INSERT INTO organizations SELECT generate_series(1, 4);
INSERT INTO repositories SELECT i, 1 + i % 2 FROM generate_series(1, 20) i;
INSERT INTO issues SELECT i, i, NULL, NULL FROM generate_series(1, 20) i;
INSERT INTO folders VALUES ('root', NULL), ('docs', 'root'), ('api', 'docs');
SELECT rbac.assign_role('User:alice', 'member', 'Organization:1');
SELECT rbac.assign_role('User:alice', 'viewer', 'Folder:root');
CREATE ROLE app LOGIN;
GRANT USAGE ON SCHEMA rbac TO app;
GRANT EXECUTE ON FUNCTION rbac.is_allowed(text, text, text) TO app;
SQL

my $reader = $node->background_psql('postgres', on_error_stop => 0);
my $writer = $node->background_psql('postgres', on_error_stop => 0);
$reader->query_safe('SET ROLE app');

# Index scans of a bound table made by this backend in its transaction.
sub scans_sql
{
	my ($table) = @_;
	return "(SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_xact_user_tables WHERE relname = '$table')";
}

# One check in a transaction of its own on the reader: its answer (t or
# f) and how many index scans of table it made.
sub check
{
	my ($resource, $table, $session) = @_;
	$session //= $reader;
	my $s = scans_sql($table // 'repositories');
	my $out = $session->query_safe(
		"BEGIN; SELECT $s AS before \\gset\n"
		  . "SELECT CASE WHEN rbac.is_allowed('User:alice', 'read', '$resource') THEN 't' ELSE 'f' END "
		  . "|| ' ' || ($s - :before); COMMIT;");
	return split / /, $out;
}

my ($ans, $scans);

# 1. The first check reads the repository through its index; the next
#    transactions find it kept.  Issue 1 is in repository 1, of
#    organization 2; issue 2 in repository 2, of organization 1.
($ans, $scans) = check('Issue:2');
is("$ans $scans", 't 1', 'the first check reads repository 2 through its index');
($ans, $scans) = check('Issue:2');
is("$ans $scans", 't 0', 'the next transaction finds the row kept');
($ans) = check('Issue:1');
is($ans, 'f', 'repository 1 is in organization 2: no access');

# 2. An UPDATE (HOT: no indexed column changes), in progress then committed.
$writer->query_safe('BEGIN; UPDATE repositories SET org_id = 2 WHERE id = 2');
($ans, $scans) = check('Issue:2');
is("$ans $scans", 't 0', 'an update in progress is not seen, and the kept row stays good');
$writer->query_safe('COMMIT');
($ans) = check('Issue:2');
is($ans, 'f', 'the committed update is seen: the kept version is no longer visible');
$writer->query_safe('UPDATE repositories SET org_id = 1 WHERE id = 2');
($ans, $scans) = check('Issue:2');
is("$ans $scans", 't 1', 'updated back: the new version is read through the index');
($ans, $scans) = check('Issue:2');
is("$ans $scans", 't 0', 'and kept');

# 3. A non-HOT update (the key itself changes, then back).  Answers "f"
#    also run the issue's last-mile rule, whose SQL reads repositories, so
#    only "t" answers count index scans.
$writer->query_safe('UPDATE repositories SET id = 200, org_id = 1 WHERE id = 2');
($ans) = check('Issue:2');
is($ans, 'f', 'a key moved away: the row is gone');
$writer->query_safe('UPDATE repositories SET id = 2 WHERE id = 200');
($ans) = check('Issue:2');
is($ans, 't', 'moved back, in organization 1');

# 4. DELETE, then INSERT of the same key with another organization.
$writer->query_safe('DELETE FROM repositories WHERE id = 2');
($ans) = check('Issue:2');
is($ans, 'f', 'a deleted repository grants nothing');
$writer->query_safe('INSERT INTO repositories VALUES (2, 1)');
($ans) = check('Issue:2');
is($ans, 't', 'the key inserted again is read');
$writer->query_safe('DELETE FROM repositories WHERE id = 2; INSERT INTO repositories VALUES (2, 2)');
($ans) = check('Issue:2');
is($ans, 'f', 'deleted and inserted again in one transaction, elsewhere');
$writer->query_safe('UPDATE repositories SET org_id = 1 WHERE id = 2');

# 5. The reader's own writes, rolled back, and a savepoint.
is( $reader->query_safe(
		"BEGIN; SELECT rbac.is_allowed('User:alice', 'read', 'Issue:2');"
		  . "RESET ROLE; UPDATE repositories SET org_id = 3 WHERE id = 2; SET ROLE app;"
		  . "SELECT rbac.is_allowed('User:alice', 'read', 'Issue:2');"
		  . "ROLLBACK"),
	"t\nf",
	'the session sees its own update');
($ans) = check('Issue:2');
is($ans, 't', 'and not once it rolled back');
is( $reader->query_safe(
		"BEGIN; RESET ROLE; SAVEPOINT s; UPDATE repositories SET org_id = 3 WHERE id = 2; SET ROLE app;"
		  . "SELECT rbac.is_allowed('User:alice', 'read', 'Issue:2');"
		  . "RESET ROLE; ROLLBACK TO s; SET ROLE app;"
		  . "SELECT rbac.is_allowed('User:alice', 'read', 'Issue:2');"
		  . "COMMIT"),
	"f\nt",
	'a rolled-back savepoint\'s update stops counting at once');

# 6. An older snapshot keeps seeing the version it sees.
$reader->query_safe("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT rbac.is_allowed('User:alice', 'read', 'Issue:2')");
$writer->query_safe('UPDATE repositories SET org_id = 2 WHERE id = 2');
($ans) = check('Issue:2', undef, $writer);
is($ans, 'f', 'a new transaction sees the update');
is($reader->query_safe("SELECT rbac.is_allowed('User:alice', 'read', 'Issue:2'); COMMIT"),
	't', 'the older snapshot still sees the version it saw');
($ans) = check('Issue:2');
is($ans, 'f', 'and its next transaction the new one');
$writer->query_safe('UPDATE repositories SET org_id = 1 WHERE id = 2');

# 7. TRUNCATE and new rows (a new relfilenode: the same TIDs, new rows).
($ans) = check('Issue:4');
is($ans, 't', 'repository 4, of organization 1, is kept');
$writer->query_safe('BEGIN; TRUNCATE repositories; INSERT INTO repositories SELECT i, 2 - i % 2 FROM generate_series(1, 20) i; COMMIT');
($ans) = check('Issue:4');
is($ans, 'f', 'after TRUNCATE, the same TID holds another row');
($ans) = check('Issue:3');
is($ans, 't', 'and repository 3 is now in organization 1');

# 8. VACUUM FULL: repositories 1-20 were inserted by one transaction, so a
#    row moved to where a deleted one was has the same inserter.
($ans) = check('Issue:1');
is($ans, 't', 'repository 1 (the first TID) is kept');
$writer->query_safe('DELETE FROM repositories WHERE id = 1');
$writer->query_safe('VACUUM FULL repositories');
is($writer->query_safe("SELECT id FROM repositories WHERE ctid = '(0,1)'"), '2',
	'VACUUM FULL put repository 2 where repository 1 was');
($ans) = check('Issue:1');
is($ans, 'f', 'the kept row of the deleted repository is not used');
$writer->query_safe('INSERT INTO repositories VALUES (1, 1)');

# 9. VACUUM truncating the table under a kept row.
$writer->query_safe('INSERT INTO repositories SELECT i, 1 FROM generate_series(1000, 3000) i');
$writer->query_safe('INSERT INTO issues VALUES (3000, 3000, NULL, NULL)');
($ans) = check('Issue:3000');
is($ans, 't', 'a repository on the table\'s last page is kept');
$writer->query_safe('DELETE FROM repositories WHERE id >= 1000');
$writer->query_safe('VACUUM repositories');
cmp_ok($writer->query_safe("SELECT pg_relation_size('repositories') / 8192"), '<', 5,
	'VACUUM truncated the table');
($ans) = check('Issue:3000');
is($ans, 'f', 'the kept row past the end is not read');

# 10. A column retyped (a rewrite) and a text key.
($ans) = check('Issue:3');
is($ans, 't', 'repository 3 is kept');
$writer->query_safe('ALTER TABLE repositories ALTER org_id TYPE bigint; UPDATE repositories SET org_id = 2 WHERE id = 3');
($ans) = check('Issue:3');
is($ans, 'f', 'after ALTER TYPE the new row is read');
($ans, $scans) = check('Folder:api', 'folders');
is("$ans $scans", 't 3', 'a text-keyed folder chain (api, docs, root) is read through its index');
($ans, $scans) = check('Folder:api', 'folders');
is("$ans $scans", 't 0', 'and kept');
$writer->query_safe("UPDATE folders SET parent = NULL WHERE name = 'docs'");
($ans) = check('Folder:api', 'folders');
is($ans, 'f', 'a text-keyed parent changed is seen');

# 11. With rbac.row_cache_size = 0, every check reads the rows.
my $off = $node->background_psql('postgres', on_error_stop => 0);
$off->query_safe('SET rbac.row_cache_size = 0; SET ROLE app');
check('Issue:4', undef, $off);
($ans, $scans) = check('Issue:4', undef, $off);
is("$ans $scans", 'f 1', 'rbac.row_cache_size = 0: the row is read every time');

# 12. A cache smaller than the rows checked: it grows to its setting
#     (256, then 768 sets), then replaces rows, and keeps answering right.
$writer->query_safe('INSERT INTO repositories SELECT i, 1 + i % 3 FROM generate_series(5000, 8000) i');
$writer->query_safe('INSERT INTO issues SELECT i, i, NULL, NULL FROM generate_series(5000, 8000) i');
my $many = "SELECT count(*) FILTER (WHERE rbac.is_allowed('User:alice', 'read', 'Issue:' || i)) FROM generate_series(5000, 8000) i";
my $small = $node->background_psql('postgres', on_error_stop => 0);
$small->query_safe("SET rbac.row_cache_size = '192kB'; SET ROLE app");
my $want = $off->query_safe($many);
is($want, '1000', 'the rows checked: a third are in organization 1');
is($small->query_safe($many), $want, 'a small cache, filling: the same answers');
$writer->query_safe('UPDATE repositories SET org_id = 1 + (org_id % 3) WHERE id BETWEEN 5000 AND 8000');
is($small->query_safe($many), $off->query_safe($many), 'every row moved: the same answers');
is($small->query_safe("RESET ROLE; SET rbac.row_cache_size = 0; SET ROLE app; $many"), $off->query_safe($many),
	'the setting turned off in a session with a cache');
$small->quit;

# 13. Random writes to repositories and issues (some rolled back), each
#     followed by every check in the long-lived session and in the
#     session keeping nothing.
my $grid_sql = "SELECT string_agg(CASE WHEN rbac.is_allowed('User:alice', 'read', 'Issue:' || i) THEN 't' ELSE 'f' END, '' ORDER BY i) "
  . "FROM generate_series(1, 24) i";
$writer->query_safe('INSERT INTO issues SELECT i, i, NULL, NULL FROM generate_series(21, 24) i ON CONFLICT DO NOTHING');
srand(15);
my $disagree = 0;
my $changed  = 0;
my $last     = $off->query_safe($grid_sql);
for my $round (1 .. 120)
{
	my $r    = 1 + int(rand(24));
	my $o    = 1 + int(rand(3));
	my @ops = (
		"UPDATE repositories SET org_id = $o WHERE id = $r",
		"DELETE FROM repositories WHERE id = $r",
		"INSERT INTO repositories VALUES ($r, $o) ON CONFLICT (id) DO UPDATE SET org_id = EXCLUDED.org_id",
		"UPDATE issues SET repo_id = $r WHERE id = " . (1 + int(rand(24))),
		"UPDATE repositories SET org_id = org_id WHERE id = $r",
		"VACUUM repositories");
	my $op = $ops[ int(rand(@ops)) ];
	if ($op =~ /^VACUUM/)
	{
		$writer->query_safe($op);
	}
	else
	{
		my $end = rand() < 0.2 ? 'ROLLBACK' : 'COMMIT';
		$writer->query_safe("BEGIN; $op; $end");
	}
	# the long-lived session checks in its own transaction each time
	my $kept  = $reader->query_safe($grid_sql);
	my $fresh = $off->query_safe($grid_sql);
	$disagree++ if $kept ne $fresh;
	$changed++  if $fresh ne $last;
	$last = $fresh;
}
is($disagree, 0, '120 random writes: the kept rows agree with reading them every time');
cmp_ok($changed, '>', 8, 'and the writes changed the answers often');

# 14. Rows read once are kept for a sample of their keys only (one in
#     eight, by the key's hash), and their index returns to full use once
#     its keys are read again.  Issues 9000-9999, each in a repository of
#     organization 1; a new session, whose cache starts empty.
$writer->query_safe('INSERT INTO repositories SELECT i, 1 FROM generate_series(9000, 9999) i');
$writer->query_safe('INSERT INTO issues SELECT i, i, NULL, NULL FROM generate_series(9000, 9999) i');
my $samp = $node->background_psql('postgres', on_error_stop => 0);
$samp->query_safe('SET ROLE app');

# Check issues lo..hi, rounds times over, in one transaction: how many
# are allowed, and how many index scans of issues that made.
sub issue_scans
{
	my ($lo, $hi, $rounds) = @_;
	my $s = scans_sql('issues');
	return $samp->query_safe(
		"BEGIN; SELECT $s AS before \\gset\n"
		  . "SELECT count(*) FILTER (WHERE rbac.is_allowed('User:alice', 'read', 'Issue:' || i)) "
		  . "FROM generate_series(1, $rounds) r, generate_series($lo, $hi) i \\gset\n"
		  . "SELECT :count || ' ' || ($s - :before); COMMIT;");
}
is(issue_scans(9000, 9399, 1), '400 400', '400 issues read once, each through the index');
is(issue_scans(9400, 9799, 1), '400 400', 'and 400 others');
my ($n, $again) = split / /, issue_scans(9400, 9439, 1);
cmp_ok($again, '>=', 25, "40 of the second 400 read again: most were not kept ($again index scans)");
cmp_ok($again, '<', 40, 'but the sampled ones were');
issue_scans(9800, 9927, 8);
($n, $again) = split / /, issue_scans(9800, 9927, 1);
is($n, '128', '128 issues read eight times, all allowed');
cmp_ok($again, '<', 40,
	"their sample was found again, so most are kept now ($again index scans; sampled, 7 in 8 would be)");

$samp->quit;
$reader->quit;
$writer->query_safe('DELETE FROM issues WHERE id >= 9000; DELETE FROM repositories WHERE id >= 9000');
$writer->quit;
$off->quit;
$node->stop;
done_testing();
