# The policy corpus of issue 14 (tests/corpus/*.policy): policies written for
# this suite in the styles applications use -- Oso's library dialect (resource
# blocks, has_permission / has_role last-mile rules, the allow entry rule,
# host-bridging rules loaded with oso_compat) and Oso Cloud's (facts in
# shorthand rules, test blocks) -- each with its tables, rows, bindings, role
# data and the decisions it must give, allowed and denied, worked out from
# the policy's meaning by hand.
#
# Every policy loads into a database of its own; then each decision is asked
# three ways (tests/corpus/harness.sql): rbac.is_allowed, whether
# rbac.authorized_resources lists the id, and whether an unprivileged role
# sees the row under the RLS policy rbac.enable_rls generates with SELECT
# mapped to the action (when the resource has a row).  All three must give
# the expected answer.  A policy with Oso Cloud test blocks also runs them
# through rbac.test_policy (every assertion must pass); expected warnings of
# rbac.validate_policy are checked.
#
# tests/corpus/skip.txt lists the constructs not yet built ("missing:"):
# a policy that needs one is skipped, naming it; and known failures
# ("known: POLICY reason"): run as TODO tests, printed at the end.
# RBAC_CORPUS_ALL=1 runs the skipped policies too (as TODO tests);
# RBAC_CORPUS=name1,name2 runs only those.

use strict;
use warnings;

use File::Basename qw(dirname basename);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

our $TODO;

my $cdir = (dirname(__FILE__)) . '/../corpus';
$cdir = "$ENV{RBAC_SRC}/tests/corpus" if !-d $cdir && $ENV{RBAC_SRC};
my $harness = slurp_file("$cdir/harness.sql");

# the skip list
my (%missing, %known);
foreach my $line (split /\n/, slurp_file("$cdir/skip.txt"))
{
	next if $line =~ /^\s*(#|$)/;
	if ($line =~ /^missing:\s*(.*)$/) { $missing{$_} = 1 foreach split ' ', $1; }
	elsif ($line =~ /^known:\s*(\S+)\s+(.*)$/) { $known{$1} = $2; }
	else { die "skip.txt: cannot read line: $line"; }
}

# Read a corpus file: header lines (# key: value), then --- sections.
sub read_policy
{
	my $file = shift;
	my $text = slurp_file($file);
	my %p = (name => basename($file, '.policy'), needs => [], load => '');
	my ($head, @parts) = split /^--- (\w+)[ \t]*\n/m, $text;
	foreach my $l (split /\n/, $head)
	{
		$p{needs} = [ split ' ', $1 ] if $l =~ /^#\s*needs:\s*(.*)$/;
		$p{load}  = $1                if $l =~ /^#\s*load:\s*(.*)$/;
		$p{style} = $1                if $l =~ /^#\s*style:\s*(.*)$/;
	}
	while (@parts)
	{
		my ($k, $v) = splice(@parts, 0, 2);
		$p{$k} = $v;
	}
	die "$file: no policy, setup or expect section"
	  unless defined $p{policy} && defined $p{setup} && defined $p{expect};
	return \%p;
}

sub lit { my $s = shift; $s =~ s/'/''/g; return "'$s'"; }

my @files = sort glob("$cdir/*.policy");
if ($ENV{RBAC_CORPUS})
{
	my %only = map { $_ => 1 } split /,/, $ENV{RBAC_CORPUS};
	@files = grep { $only{ basename($_, '.policy') } } @files;
}
cmp_ok(scalar(@files), '>=', 40, 'the corpus holds at least 40 policies')
  unless $ENV{RBAC_CORPUS};

my $node = PostgreSQL::Test::Cluster->new('corpus');
$node->init;
$node->append_conf('postgresql.conf', "fsync = off\njit = off\n");
$node->start;
$node->safe_psql('postgres', 'CREATE ROLE corpus_reader');

my $t_all = time;
my %n = map { $_ => 0 } qw(policies run skipped known decisions allowed denied checked listed rls
  bad tests warns);
my (@skipped, @known_run, %style);
my $i = 0;
foreach my $file (@files)
{
	my $p = read_policy($file);
	my $name = $p->{name};
	$n{policies}++;
	$style{ $p->{style} // '?' }++;
	my @miss = grep { $missing{$_} } @{ $p->{needs} };
	my $todo = $known{$name} ? "known failure: $known{$name}" : undef;
	if (@miss)
	{
		if (!$ENV{RBAC_CORPUS_ALL})
		{
			push @skipped, "$name (needs " . join(', ', @miss) . ')';
			$n{skipped}++;
		  SKIP: { skip("$name: needs " . join(', ', @miss) . ', not built yet', 1); }
			next;
		}
		$todo = 'needs ' . join(', ', @miss);
	}
	$n{run}++;
	if ($todo) { $n{known}++; push @known_run, "$name: $todo"; }
	local $TODO = $todo;

	# the expectations
	my @exp;
	foreach my $l (split /\n/, $p->{expect})
	{
		next if $l =~ /^\s*(#|$)/;
		my ($verdict, $actor, $action, $resource) = split ' ', $l;
		die "$name: bad expectation: $l"
		  unless defined $resource && $verdict =~ /^(allow|deny)$/;
		push @exp, [ $verdict eq 'allow' ? 'true' : 'false',
			$actor eq 'nobody' ? '' : $actor, $action, $resource ];
	}
	my $db = 'c' . ++$i;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	my $load = 'SELECT rbac.load_policy($corpus$' . $p->{policy} . '$corpus$'
	  . ($p->{load} =~ /oso_compat/ ? ', oso_compat => true' : '') . ');';
	my $expect = "CREATE SCHEMA corpus;\n"
	  . "CREATE TABLE corpus.expect (n int PRIMARY KEY, allowed boolean, actor text, action text, resource text);\n"
	  . 'INSERT INTO corpus.expect VALUES '
	  . join(",\n", map { my $k = $_; '(' . ($k + 1) . ', ' . $exp[$k][0] . ', '
			  . join(', ', map { lit($_) } @{ $exp[$k] }[ 1 .. 3 ]) . ')' } 0 .. $#exp) . ";\n"
	  . "GRANT SELECT ON ALL TABLES IN SCHEMA public TO corpus_reader;\n";
	my ($ret, $out, $err) = $node->psql(
		$db,
		join("\n", '\set ON_ERROR_STOP on', 'SET client_min_messages = error;',
			'CREATE EXTENSION pg_rbac;', $load, $p->{setup}, $expect, $harness),
		timeout => 300);
	if (!ok($ret == 0, "$name: loads and sets up"))
	{
		diag "$name: $err";
		next;
	}
	my @rows = split /\n/, $node->safe_psql(
		$db, q{
SELECT n, allowed, checked, listed, CASE WHEN rls THEN 't' WHEN NOT rls THEN 'f' ELSE '-' END, actor, action, resource
FROM corpus.expect ORDER BY n});
	my @bad;
	foreach my $r (@rows)
	{
		my ($k, $want, $chk, $lst, $rls, $actor, $action, $res) = split /\|/, $r;
		$n{decisions}++;
		$n{ $want eq 't' ? 'allowed' : 'denied' }++;
		$n{checked}++;
		$n{listed}++;
		$n{rls}++ if $rls ne '-';
		my @wrong;
		push @wrong, "is_allowed $chk" if $chk ne $want;
		push @wrong, "authorized_resources " . ($lst eq 't' ? 'lists it' : 'omits it') if $lst ne $want;
		push @wrong, 'RLS ' . ($rls eq 't' ? 'shows it' : 'hides it') if $rls ne '-' && $rls ne $want;
		push @bad, sprintf("%s %s %s %s: %s", $want eq 't' ? 'allow' : 'deny',
			$actor eq '' ? 'nobody' : $actor, $action, $res, join(', ', @wrong)) if @wrong;
	}
	is(scalar(@bad), 0, "$name: " . scalar(@rows) . ' decisions agree with the policy\'s meaning '
		  . '(is_allowed, authorized_resources, RLS)')
	  or diag "$name:\n  " . join("\n  ", @bad[ 0 .. ($#bad < 14 ? $#bad : 14) ]);
	$n{bad} += @bad;

	# Oso Cloud test blocks: run against the policy alone
	if (defined $p->{tests} && !$missing{'test-blocks'})
	{
		my $res = $node->safe_psql($db,
			'SELECT count(*), count(*) FILTER (WHERE passed), '
			  . "string_agg(CASE WHEN NOT passed THEN test || ': ' || assertion END, '; ') "
			  . 'FROM rbac.test_policy($corpus$' . $p->{policy} . $p->{tests} . '$corpus$)');
		my ($all, $passed, $failed) = split /\|/, $res;
		ok($all > 0 && $all == $passed, "$name: its $all test-block assertions pass")
		  or diag "$name: failed: " . ($failed // '');
		$n{tests} += $all;
	}
	# expected warnings of validate_policy
	foreach my $w (grep { !/^\s*(#|$)/ } split /\n/, $p->{warnings} // '')
	{
		my $found = $node->safe_psql($db,
			'SELECT count(*) FROM rbac.validate_policy($corpus$' . $p->{policy} . '$corpus$'
			  . ($p->{load} =~ /oso_compat/ ? ', oso_compat => true' : '')
			  . ") WHERE severity = 'warning' AND message ~ " . lit($w));
		ok($found > 0, "$name: validate_policy warns /$w/");
		$n{warns}++;
	}
	$node->safe_psql('postgres', "DROP DATABASE $db");
}

diag sprintf(
	"corpus: %d policies (%s); %d run, %d skipped (construct not built), %d known failures or TODO; "
	  . "%d decisions (%d allowed, %d denied) asked of is_allowed %d, authorized_resources %d, RLS %d times; "
	  . "%d wrong; %d test-block assertions, %d warnings checked; %.0f s",
	$n{policies}, join(', ', map { "$style{$_} $_" } sort keys %style),
	@n{qw(run skipped known decisions allowed denied checked listed rls bad tests warns)}, time - $t_all);
diag "skipped:\n  " . join("\n  ", @skipped) if @skipped;
diag "known failures and TODO:\n  " . join("\n  ", @known_run) if @known_run;

$node->stop;
done_testing();
