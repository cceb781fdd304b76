#!/usr/bin/perl
# Write the install script of the current version to standard output: the
# parts named on the command line, in the order given (the Makefile passes
# src/sql/*.sql and src/sql/*.dat sorted by name, so NN_x.dat comes right
# before NN_x.sql).  A .sql part is copied as it is.  A .dat part declares C
# functions as data, one paragraph each (HACKING.md, "Adding a SQL
# function"):
#
#   # comments, copied above the declaration
#   function: rbac.name(arg type, arg type DEFAULT value)
#   returns:  type
#   options:  STABLE PARALLEL SAFE        (what follows LANGUAGE c)
#   symbol:   rbac_name                   (the C function)
#   execute:  public | revoked            (revoked: REVOKE ... FROM PUBLIC)
#   comment:  One sentence or more for COMMENT ON FUNCTION.
#
# Every key but options is required, so that no C function is installed
# without a comment and without a stated privilege.
use strict;
use warnings;

my @KEYS = qw(function returns options symbol execute comment);

# The identity argument list of a signature: modes, names and defaults
# dropped, OUT arguments left out.
sub identity_args
{
	my ($args) = @_;
	my (@out, $depth, $quote, $cur);
	$depth = 0; $quote = 0; $cur = '';
	foreach my $ch (split //, $args)
	{
		if ($quote) { $quote = 0 if $ch eq "'"; }
		elsif ($ch eq "'") { $quote = 1; }
		elsif ($ch =~ /[(\[]/) { $depth++; }
		elsif ($ch =~ /[)\]]/) { $depth--; }
		elsif ($ch eq ',' && $depth == 0) { push @out, $cur; $cur = ''; next; }
		$cur .= $ch;
	}
	push @out, $cur if $cur =~ /\S/;
	my @types;
	foreach my $a (@out)
	{
		$a =~ s/\s+(DEFAULT\b|=).*$//is;
		my @tok = split ' ', $a;
		my $mode = 'IN';
		$mode = uc shift @tok if @tok > 1 && $tok[0] =~ /^(IN|OUT|INOUT|VARIADIC)$/i;
		next if $mode eq 'OUT';
		shift @tok if @tok > 1;		# the argument's name
		push @types, ($mode eq 'VARIADIC' ? 'VARIADIC ' : '') . join(' ', @tok);
	}
	return join(', ', @types);
}

# One declaration as SQL.
sub emit
{
	my ($file, $line, $f, $comments) = @_;
	foreach my $k (grep { $_ ne 'options' } @KEYS)
	{
		die "$file:$line: missing \"$k:\"\n" unless defined $f->{$k};
	}
	die "$file:$line: execute must be public or revoked\n"
	  unless $f->{execute} =~ /^(public|revoked)$/;
	my ($name, $args) = $f->{function} =~ /^(rbac\.\w+)\((.*)\)$/s
	  or die "$file:$line: function must be rbac.name(arguments)\n";
	my $ident = "$name(" . identity_args($args) . ")";
	(my $comment = $f->{comment}) =~ s/'/''/g;
	my $options = defined $f->{options} && $f->{options} ne '' ? " $f->{options}" : '';
	print $comments;
	print "CREATE FUNCTION $f->{function}\n";
	print "RETURNS $f->{returns}\n";
	print "LANGUAGE c$options\n";
	print "AS 'MODULE_PATHNAME', '$f->{symbol}';\n";
	print "COMMENT ON FUNCTION $ident IS\n'$comment';\n";
	print "REVOKE EXECUTE ON FUNCTION $ident FROM PUBLIC;\n"
	  if $f->{execute} eq 'revoked';
	print "\n";
}

# Translate one .dat part.
sub translate
{
	my ($file) = @_;
	open my $fh, '<', $file or die "$file: $!\n";
	my (%f, $comments, $start, $last);
	$comments = '';
	my $flush = sub {
		emit($file, $start, {%f}, $comments) if %f;
		%f = (); $comments = ''; $last = undef;
	};
	print "-- generated from $file by scripts/gen_install.pl\n\n";
	while (my $l = <$fh>)
	{
		chomp $l;
		if ($l =~ /^\s*$/) { $flush->(); next; }
		if ($l =~ /^#\s?(.*)$/)
		{
			$flush->() if %f;
			$comments .= "-- $1\n";
			$comments =~ s/-- \n$/--\n/;
			next;
		}
		if ($l =~ /^(\w+):\s*(.*)$/)
		{
			die "$file:$.: unknown key \"$1\"\n" unless grep { $_ eq $1 } @KEYS;
			die "$file:$.: \"$1:\" given twice\n" if defined $f{$1};
			$start = $. unless %f;
			$f{$1} = $2; $last = $1;
			next;
		}
		if ($l =~ /^\s+(.*)$/ && defined $last)
		{
			$f{$last} .= ($last eq 'function' ? "\n" . $l : " $1");
			next;
		}
		die "$file:$.: cannot read \"$l\"\n";
	}
	$flush->();
}

foreach my $part (@ARGV)
{
	if ($part =~ /\.dat$/) { translate($part); next; }
	open my $fh, '<', $part or die "$part: $!\n";
	print while <$fh>;
}
