# psql friendliness and the API reference (issue 7): every object of the
# extension has a COMMENT, \dx+ pg_rbac lists every function, and every
# function users call appears in docs/sql-api.md under its own heading, with
# its signature and the SQLSTATEs it raises (in its section or the section
# it belongs to).
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $src = $ENV{RBAC_SRC} or die "RBAC_SRC is not set";

my $node = PostgreSQL::Test::Cluster->new('docs');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION pg_rbac');

# "FROM ... WHERE" for the members of the extension of one catalog
sub members
{
	my ($catalog, $alias) = @_;
	return qq{FROM pg_depend d JOIN $catalog $alias ON $alias.oid = d.objid
	WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
	  AND d.classid = '$catalog'::regclass
	  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pg_rbac')};
}

# every function, table, view and sequence of the extension has a comment
my $uncommented = $node->safe_psql('postgres', qq{
	SELECT p.oid::regprocedure::text @{[ members('pg_proc', 'p') ]}
	  AND obj_description(p.oid, 'pg_proc') IS NULL
	UNION ALL
	SELECT c.oid::regclass::text @{[ members('pg_class', 'c') ]}
	  AND c.relkind IN ('r', 'v', 'S') AND obj_description(c.oid, 'pg_class') IS NULL
	ORDER BY 1});
is($uncommented, '', 'every function, table and view of pg_rbac has a COMMENT');

my @functions = split /\n/, $node->safe_psql('postgres', qq{
	SELECT DISTINCT p.proname @{[ members('pg_proc', 'p') ]} ORDER BY 1});
cmp_ok(scalar @functions, '>', 40, 'the extension has its functions');

# \dx+ pg_rbac lists them all
my $dx = $node->psql('postgres', '\dx+ pg_rbac', stdout => \my $dxout);
my @missing_dx = grep { $dxout !~ /function rbac\.\Q$_\E\(/ } @functions;
is("@missing_dx", '', '\dx+ pg_rbac lists every function');

# the API reference: a heading, the signature and SQLSTATEs for each
# function users call (names starting with _ are internal)
my $doc = slurp_file("$src/docs/sql-api.md");
my @lines = split /\n/, $doc;

# the text of the section under the heading that names rbac.NAME, and of the
# enclosing "## " section
sub sections
{
	my ($name) = @_;
	my ($start, $level);
	for my $i (0 .. $#lines)
	{
		if ($lines[$i] =~ /^(#{2,4}) .*\brbac\.\Q$name\E\b/)
		{
			($start, $level) = ($i, length $1);
			last;
		}
	}
	return () unless defined $start;
	my $end = $#lines;
	for my $i ($start + 1 .. $#lines)
	{
		if ($lines[$i] =~ /^(#{2,4}) / && length $1 <= $level)
		{
			$end = $i - 1;
			last;
		}
	}
	my $parent = $start;
	$parent-- while $parent > 0 && $lines[$parent] !~ /^## /;
	my $pend = $#lines;
	for my $i ($parent + 1 .. $#lines)
	{
		if ($lines[$i] =~ /^## /)
		{
			$pend = $i - 1;
			last;
		}
	}
	return (join("\n", @lines[ $start .. $end ]), join("\n", @lines[ $parent .. $pend ]));
}

my $public = 0;
for my $f (grep { !/^_/ } @functions)
{
	$public++;
	my ($own, $parent) = sections($f);
	ok(defined $own, "docs/sql-api.md has a heading for rbac.$f");
	next unless defined $own;
	like($own, qr/rbac\.\Q$f\E\(/, "rbac.$f: signature in its section");
	like("$own\n$parent", qr/`[0-9A-Z]{5}`/, "rbac.$f: SQLSTATEs in its section");
}
cmp_ok($public, '>', 25, "$public user-facing functions checked");

$node->stop;
done_testing();
