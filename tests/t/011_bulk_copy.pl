# Bulk load (issue 3 acceptance): 1,000,000 assignments through
# COPY ... FROM into the writable view rbac.role_assignments, with the same
# validation as rbac.assign_role.  Asserts the counts, the audit summary,
# that a bad row anywhere fails the whole COPY, and reports the time.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $src_dir = $ENV{RBAC_SRC} // '../..';
my $policy  = slurp_file("$src_dir/examples/gitclub.polar");
my $rows    = 1_000_000;

my $node = PostgreSQL::Test::Cluster->new('bulk_copy');
$node->init;
$node->append_conf('postgresql.conf', "max_wal_size = 4GB\ncheckpoint_timeout = 30min\n");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION pg_rbac');
$node->safe_psql('postgres', "SELECT rbac.load_policy(\$policy\$$policy\$policy\$)");
# The actors and resources exist, in bound tables: every row is checked
# against them (SPEC 6.4) -- the bulk speed is measured with those checks.
$node->safe_psql(
	'postgres', qq{
CREATE TABLE users (id text PRIMARY KEY);
CREATE TABLE groups (id text PRIMARY KEY);
CREATE TABLE organizations (id text PRIMARY KEY);
CREATE TABLE repositories (id int PRIMARY KEY, org_id text REFERENCES organizations,
                           is_public boolean NOT NULL DEFAULT false);
INSERT INTO users SELECT 'u' || i FROM generate_series(1, $rows) i;
INSERT INTO groups SELECT 'g' || i FROM generate_series(0, 499) i;
INSERT INTO organizations SELECT 'org' || i FROM generate_series(0, 999) i;
INSERT INTO repositories SELECT i, 'org' || (i % 1000) FROM generate_series(0, 49999) i;
SELECT rbac.bind('User', 'users');
SELECT rbac.bind('Group', 'groups');
SELECT rbac.bind('Organization', 'organizations');
SELECT rbac.bind('Repository', 'repositories');
});
$node->safe_psql('postgres', "SELECT rbac.create_role('Organization:org7', 'billing', ARRAY['read'])");

# The data: repository roles, organization roles (one custom), expiring
# assignments and global roles, with ids that repeat across rows.
my $file = $node->basedir . '/assignments.tsv';
open(my $fh, '>', $file) or die "could not write $file: $!";
my @repo_roles = ('reader', 'maintainer', 'admin');
my ($global, $expiring) = (0, 0);
for my $i (1 .. $rows)
{
	my $line;
	if ($i % 1000 == 0)
	{
		$line = "User:u$i\tsuperadmin\t\\N\t\\N";
		$global++;
	}
	elsif ($i % 100 == 0)
	{
		$line = "User:u$i\t" . ($i % 200 ? 'owner' : 'member') . "\tOrganization:org" . ($i % 1000) . "\t\\N";
	}
	elsif ($i % 97 == 0)
	{
		$line = "Group:g" . ($i % 500) . "\tbilling\tOrganization:org7\t\\N";
	}
	else
	{
		my $exp = '\N';
		if ($i % 10 == 3) { $exp = '2100-01-01 00:00:00+00'; $expiring++; }
		$line = "User:u$i\t" . $repo_roles[ $i % 3 ] . "\tRepository:" . ($i % 50000) . "\t$exp";
	}
	print $fh "$line\n";
}
close($fh);
chmod 0644, $file;

# Group:gN billing on org7 repeats: count the distinct rows
my $distinct = $node->safe_psql(
	'postgres', qq{
CREATE TEMP TABLE t (actor text, role text, resource text, expires_at timestamptz);
COPY t FROM '$file';
SELECT count(*) FROM (SELECT DISTINCT actor, role, resource FROM t) d;});
my $billing = $node->safe_psql(
	'postgres', qq{
CREATE TEMP TABLE t (actor text, role text, resource text, expires_at timestamptz);
COPY t FROM '$file';
SELECT count(DISTINCT actor) FROM t WHERE role = 'billing';});

my $t0 = time;
my ($ret, $out, $err) = $node->psql('postgres',
	"COPY rbac.role_assignments (actor, role, resource, expires_at) FROM '$file'",
	extra_params => [ '-v', 'ON_ERROR_STOP=1' ]);
my $elapsed = time - $t0;
is($ret, 0, 'COPY into rbac.role_assignments succeeds') or diag($err);
diag(sprintf('COPY of %d rows into rbac.role_assignments: %.1f s (%.0f rows/s)',
		$rows, $elapsed, $rows / $elapsed));

is($node->safe_psql('postgres', 'SELECT count(*) FROM rbac.assignment'),
	$distinct, "every distinct assignment is stored ($distinct)");
is($node->safe_psql('postgres', 'SELECT count(*) FROM rbac.role_assignments'),
	$distinct, 'the view shows them all');
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM rbac.assignment WHERE resource_type IS NULL}),
	$global, 'global roles loaded with a NULL resource');
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM rbac.assignment WHERE expires_at IS NOT NULL}),
	$expiring, 'expiring assignments keep their expiry');
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM rbac.assignment WHERE role = 'billing'}),
	$billing, 'custom role assignments on their tenant');

# Audited as one summary row per batch of 10,000 rows.
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*), sum((detail->>'rows')::int), sum((detail->>'inserted')::int)
		  FROM rbac.audit_log WHERE operation = 'bulk_assign'}),
	"100|$rows|$distinct",
	'bulk load audited: 100 summary rows with the counts');

# A row naming an actor with no row in its bound table fails the COPY (23503).
open($fh, '>', "$file.nouser") or die;
print $fh "User:u1\treader\tRepository:7\t\\N\nUser:nobody\treader\tRepository:7\t\\N\n";
close($fh);
chmod 0644, "$file.nouser";
($ret, $out, $err) = $node->psql('postgres',
	"COPY rbac.role_assignments (actor, role, resource, expires_at) FROM '$file.nouser'");
like($err, qr/actor User:nobody does not exist/, 'a COPY naming a missing actor fails (23503)');

# A bad row anywhere (here the last) fails the whole COPY: nothing is written.
open($fh, '>', "$file.bad") or die;
print $fh "User:u$_\treader\tRepository:" . ($_ + 1) . "\t2222-02-02 00:00:00+00\n" for 1 .. 25_000;
print $fh "User:u1\towner\tRepository:1\t\\N\n";
close($fh);
chmod 0644, "$file.bad";
($ret, $out, $err) = $node->psql('postgres',
	"COPY rbac.role_assignments (actor, role, resource, expires_at) FROM '$file.bad'");
isnt($ret, 0, 'a COPY with an invalid row fails');
like($err, qr/role "owner" is not declared for Repository/, '... naming the row\'s error');
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM rbac.assignment WHERE expires_at = '2222-02-02 00:00:00+00'}),
	'0', '... and writes nothing, not even the batches already flushed');
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM rbac.audit_log WHERE operation = 'bulk_assign'}),
	'100', '... nor audit rows');

# Loading rows that already hold changes nothing.
$node->safe_psql('postgres',
	"CREATE TABLE again AS SELECT * FROM rbac.role_assignments WHERE resource LIKE 'Repository:1%' LIMIT 5000");
$node->safe_psql('postgres',
	"COPY (SELECT * FROM again) TO '$file.again'");
$node->safe_psql('postgres',
	"COPY rbac.role_assignments FROM '$file.again'");
is($node->safe_psql('postgres', 'SELECT count(*) FROM rbac.assignment'),
	$distinct, 'reloading held assignments adds nothing');

# A bulk batch that meets existing assignments falls back from the plain
# insert to the upsert: 5,000 held rows among 25,000, one with a new expiry.
$node->safe_psql(
	'postgres', qq{
CREATE TABLE mixed AS
  SELECT actor, role, resource, expires_at FROM rbac.role_assignments
  WHERE resource LIKE 'Repository:%' ORDER BY actor LIMIT 5000;
UPDATE mixed SET expires_at = '2200-01-01 00:00:00+00' WHERE actor = (SELECT min(actor) FROM mixed);
INSERT INTO users SELECT 'w' || i FROM generate_series(1, 20000) i;
INSERT INTO mixed SELECT 'User:w' || i, 'reader', 'Repository:' || i, NULL FROM generate_series(1, 20000) i;
COPY (SELECT * FROM mixed ORDER BY random()) TO '$file.mixed';});
my $before = $node->safe_psql('postgres', 'SELECT clock_timestamp()');
$node->safe_psql('postgres', "COPY rbac.role_assignments FROM '$file.mixed'");
is($node->safe_psql('postgres', 'SELECT count(*) FROM rbac.assignment'),
	$distinct + 20000, 'a bulk COPY mixing new and held assignments adds the new ones');
is( $node->safe_psql(
		'postgres',
		qq{SELECT sum((detail->>'rows')::int), sum((detail->>'inserted')::int),
		          sum((detail->>'expiry_updated')::int)
		   FROM rbac.audit_log WHERE operation = 'bulk_assign' AND at > '$before'}),
	'25000|20000|1', '... audited with the counts of new rows and changed expiries');

$node->stop;
done_testing();
