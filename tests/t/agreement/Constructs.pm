# Which constructs of SPEC 6.6 are built, for the agreement tests: the ones
# tests/corpus/skip.txt does not list after "missing:" (t/033_corpus.pl
# skips corpus policies by the same list).  RBAC_RANDOM_CONSTRUCTS
# (comma-separated names, "none" for none) overrides it.
package Constructs;

use strict;
use warnings;

use File::Basename qw(dirname);

our @ALL = qw(conditions facts wildcards matches in-array var-role typed-allow global-perms
  actor-resource m2m m2m-joins oso-compat test-blocks d1-fix d2-warning);

# A hash of the built constructs.
sub built
{
	my %built;
	if (defined $ENV{RBAC_RANDOM_CONSTRUCTS})
	{
		$built{$_} = 1 foreach grep { $_ ne 'none' } split /,/, $ENV{RBAC_RANDOM_CONSTRUCTS};
		return \%built;
	}
	my $skip = dirname(__FILE__) . '/../../corpus/skip.txt';
	$skip = "$ENV{RBAC_SRC}/tests/corpus/skip.txt" if !-f $skip && $ENV{RBAC_SRC};
	open(my $fh, '<', $skip) or die "cannot read $skip: $!";
	my %missing;
	while (my $line = <$fh>)
	{
		$missing{$_} = 1 foreach $line =~ /^missing:(.*)$/ ? split(' ', $1) : ();
	}
	close $fh;
	$built{$_} = 1 foreach grep { !$missing{$_} } @ALL;
	return \%built;
}

1;
