# Policy tests decide what the engine decides (SPEC 6.6, issue 14): random
# worlds run both as test blocks through rbac.test_policy (the ground
# evaluator of src/policy_test.c, no tables, no role data) and as real
# tables, bindings and role data through rbac.is_allowed and
# rbac.authorized_roles, and every decision is compared.
#
# Each world, drawn from a seed, has
#   - the actor types User and Group (bound to tables with columns) and
#     global roles;
#   - Org, Repo (parent: Org, creator: User), Folder (parent: Folder,
#     self-referential with cycles in the data; owner: User; org: Org) and
#     Issue (repo: Repo, author: User), with shorthand rules drawn from a
#     pool per type: implications, "on" relations, relations to actors,
#     relations to actors through a relation, global roles;
#   - last-mile rules drawn from a pool: boolean, text, integer and numeric
#     columns (NULLs included), hops, nil, in, not, the actor against a
#     relation, the actor's id and columns, nested has_role and
#     has_permission (recursive through folder cycles), typed, Actor and
#     bare actor parameters;
#   - random rows, relations and column values, role assignments to users
#     and groups, global roles and nested group memberships.
# Conditions in shorthand rules, wildcards, "in" over array columns (a
# text[] column with NULL elements) and matches / has_relation joins join
# the pools when the extension takes them (probed with
# rbac.validate_policy).  Repo's sponsors (Org) are bound through a join
# table: 0 to 4 join rows per repository (duplicates included; rows with a
# NULL end or an end with no row, which relate nothing, are left out of
# the facts), walked by a shorthand rule, paths and joins of last-mile
# rules: several has_relation facts of one relation are a join table to
# the ground evaluator.
# The world's test block holds one setup fact for each row's relations and
# column values, each assignment and each membership, and one assertion
# for every (actor, permission, resource) and (actor, role, resource).
# The policy with its tests is loaded, so rbac.test_policy(NULL) runs the
# stored source.
#
# RBAC_TESTBLOCK_SEEDS (comma-separated) chooses other worlds; "decisions
# compared: N" is the figure README.md quotes.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my @seeds = split /,/, ($ENV{RBAC_TESTBLOCK_SEEDS} // join(',', 1 .. 40));

my $node = PostgreSQL::Test::Cluster->new('test_blocks');
$node->init;
$node->append_conf('postgresql.conf', "fsync = off\njit = off\n");
$node->start;

# Park and Miller's minimal standard generator: the same worlds everywhere.
my $state;
sub rnd { $state = ($state * 48271) % 2147483647; return ($state - 1) / 2147483646; }
sub chance { return rnd() < $_[0]; }
sub pick { my $l = shift; return $l->[ int(rnd() * @$l) ]; }
sub maybe { my ($p, $v) = @_; return chance($p) ? undef : $v; }

sub lit { my $s = shift; return 'NULL' unless defined $s; $s =~ s/'/''/g; return "'$s'"; }

my %types = (
	Org => {
		roles => [qw(owner member)],
		perms => [qw(read admin_op)],
		rels => [ 'boss: User' ],
		forced => [ '"member" if "owner";', '"read" if "member";' ],
		pool => [
			'"admin_op" if "owner";', '"owner" if "boss";', '"read" if global "staff";',
			'"owner" if global "root";', '"member" if "boss";', '"admin_op" if "read";',
		],
	},
	Repo => {
		roles => [qw(maintainer reader)],
		perms => [qw(read push delete)],
		rels => [ 'parent: Org', 'creator: User' ],
		forced => [ '"reader" if "maintainer";', '"read" if "reader";' ],
		pool => [
			'"push" if "maintainer";', '"reader" if "member" on "parent";',
			'"maintainer" if "owner" on "parent";', '"delete" if "creator";',
			'"delete" if "boss" on "parent";', '"read" if "read" on "parent";',
			'"push" if global "root";', '"maintainer" if "creator";',
		],
	},
	Folder => {
		roles => [qw(viewer editor)],
		perms => [qw(read write)],
		rels => [ 'parent: Folder', 'owner: User', 'org: Org' ],
		forced => [ '"viewer" if "editor";', '"read" if "viewer";' ],
		pool => [
			'"write" if "editor";', '"viewer" if "viewer" on "parent";',
			'"editor" if "editor" on "parent";', '"editor" if "owner";',
			'"read" if "member" on "org";', '"write" if "admin_op" on "org";',
			'"viewer" if "boss" on "org";', '"read" if "read" on "parent";',
		],
	},
	Issue => {
		roles => [],
		perms => [qw(read close)],
		rels => [ 'repo: Repo', 'author: User' ],
		forced => [ '"read" if "read" on "repo";' ],
		pool => [
			'"close" if "push" on "repo";', '"close" if "author";', '"read" if "author";',
			'"close" if "delete" on "repo";', '"close" if "maintainer" on "repo";',
		],
	},
);
my @type_order = qw(Org Repo Folder Issue);
# relations bound through a join table: type => [name, target]
my %m2m = (Repo => [ 'sponsors', 'Org' ]);
push @{ $types{Repo}{pool} }, '"reader" if "member" on "sponsors";';


my @lastmile = (
	'has_permission(_: User, "read", r: Repo) if r.is_public;',
	'has_permission(_: User, "read", r: Repo) if r.stars > 3 and not r.kind = "secret";',
	'has_permission(u: User, "push", r: Repo) if r.creator = u and r.kind != "archived";',
	'has_permission(u: User, "delete", r: Repo) if has_role(u, "owner", r.parent) and r.stars <= 5;',
	'has_role(u: User, "reader", r: Repo) if r.parent.plan in ["pro", "ent"] and u.dept = "eng";',
	'has_permission(u: User, "read", f: Folder) if f.tag = nil and has_permission(u, "read", f.parent);',
	'has_role(_: User, "viewer", f: Folder) if f.depth >= 2 or f.tag = "open";',
	'has_permission(u: User, "close", i: Issue) if i.status = "open" and i.repo.creator = u;',
	'has_permission(u: Actor, "read", i: Issue) if i.locked = false and has_permission(u, "read", i.repo);',
	'has_permission(_, "read", i: Issue) if i.prio > 2 and i.repo.parent.seats < 10;',
	'has_permission(u: User, "close", i: Issue) if u.id = "u1" and not i.locked;',
	'has_role(u: User, "member", o: Org) if o.boss.dept = u.dept;',
	'has_permission(u: User, "admin_op", o: Org) if u.level > o.seats;',
	'has_permission(_: Group, "read", r: Repo) if r.kind = "team" or r.ratio >= 0.5;',
	'has_permission(u: User, "write", f: Folder) if f.owner != u and f.org.plan = "ent";',
	'has_role(u: User, "editor", f: Folder) if has_permission(u, "write", f.parent) and f.depth < 3;',
	'has_permission(u: User, "read", r: Repo) if r.ratio < 0.3 and r.creator.level >= 2;',
	'has_permission(u: User, "close", i: Issue) if not i.prio < 2 and i.author = u;',
	'has_permission(u: Actor, "read", f: Folder) if not (f.tag = "closed" or f.depth > 0) and f.owner != u;',
);
# through the join table (drawn more often: they decide only where a
# repository has several sponsors)
my @m2m_lastmile = (
	'has_permission(u: User, "push", r: Repo) if o matches Org and has_relation(r, "sponsors", o) and o.plan = "pro" and has_role(u, "owner", o);',
	'has_role(u: User, "reader", r: Repo) if has_permission(u, "read", o) and not o.seats > 5 and has_relation(r, "sponsors", o) and o matches Org;',
	'has_permission(_: Group, "delete", r: Repo) if r.sponsors.plan = "ent";',
	'has_permission(u: User, "read", r: Repo) if r.sponsors = nil and u.level >= 3;',
);

my %ids = (
	User => [qw(u1 u2 u3 u4)],
	Group => [qw(g1 g2)],
	Org => [qw(o1 o2)],
	Repo => [qw(r1 r2 r3)],
	Folder => [qw(f1 f2 f3 f4 f5)],
	Issue => [qw(i1 i2 i3)],
);

# columns: [name, sql type, generator of a Perl value (undef = NULL)]
my %columns = (
	User => [ [ 'dept', 'text', sub { maybe(0.2, pick([qw(eng ops)])) } ],
			  [ 'level', 'int', sub { maybe(0.2, int(rnd() * 4)) } ] ],
	Group => [],
	Org => [ [ 'plan', 'text', sub { maybe(0.25, pick([qw(free pro ent)])) } ],
			 [ 'seats', 'int', sub { maybe(0.25, int(rnd() * 15)) } ] ],
	Repo => [ [ 'is_public', 'boolean', sub { maybe(0.3, chance(0.4) ? 'true' : 'false') } ],
			  [ 'stars', 'int', sub { maybe(0.25, int(rnd() * 8)) } ],
			  [ 'kind', 'text', sub { maybe(0.25, pick([qw(secret archived team open)])) } ],
			  [ 'ratio', 'numeric', sub { maybe(0.25, pick([qw(0.1 0.25 0.5 0.75)])) } ],
			  [ 'teams', 'text[]', sub { maybe(0.25, [ map { maybe(0.15, pick([qw(eng ops u1 u2)])) } 1 .. int(rnd() * 3) ]) } ] ],
	Folder => [ [ 'tag', 'text', sub { maybe(0.4, pick([qw(open closed)])) } ],
				[ 'depth', 'int', sub { maybe(0.25, int(rnd() * 4)) } ] ],
	Issue => [ [ 'status', 'text', sub { maybe(0.25, pick([qw(open closed)])) } ],
			   [ 'prio', 'int', sub { maybe(0.25, int(rnd() * 5)) } ],
			   [ 'locked', 'boolean', sub { maybe(0.3, chance(0.5) ? 'true' : 'false') } ] ],
);
my %table = (User => 'users', Group => 'groups', Org => 'orgs', Repo => 'repos',
	Folder => 'folders', Issue => 'issues');

# A test fact value in the policy language.
sub fact_value
{
	my ($type, $v) = @_;
	return '[' . join(', ', map { defined $_ ? "\"$_\"" : 'nil' } @$v) . ']' if ref $v;
	return "\"$v\"" if $type eq 'text';
	return $v;
}

# A column value in SQL.
sub sql_value
{
	my $v = shift;
	return lit($v) unless ref $v;
	return "'{}'::text[]" unless @$v;
	return 'ARRAY[' . join(', ', map { lit($_) } @$v) . ']::text[]';
}

# Constructs of SPEC 6.6 that the extension may take or not yet: each joins
# the pools when rbac.validate_policy accepts a probe of it.
$node->safe_psql('postgres', 'CREATE EXTENSION pg_rbac');
sub accepted
{
	my $probe = shift;
	$probe =~ s/'/''/g;
	return $node->safe_psql('postgres',
		"SELECT count(*) FROM rbac.validate_policy('$probe') WHERE severity = 'error'") eq '0';
}
my @extensions;
if (accepted('actor User {} resource R { roles = ["v"]; permissions = ["r"]; "r" if "v" or is_public(resource) and not n(resource, 1); }'))
{
	push @extensions, 'conditions in shorthand rules';
	push @{ $types{Org}{pool} }, '"admin_op" if "owner" or seats(resource, 0);';
	push @{ $types{Repo}{pool} }, '"read" if "reader" or is_public(resource);',
	  '"push" if "maintainer" and not is_public(resource);', '"delete" if "creator" and stars(resource, 3);';
	push @{ $types{Folder}{pool} }, '"write" if "editor" and not tag(resource, "closed");';
	push @{ $types{Issue}{pool} }, '"close" if "author" and locked(resource, false);';
}
if (accepted('actor User {} resource R { roles = ["v"]; permissions = ["r"]; relations = { p: R }; role if role on "p"; permission if "v"; }'))
{
	push @extensions, 'wildcards';
	push @{ $types{Folder}{pool} }, 'role if role on "parent";';
	push @{ $types{Repo}{pool} }, 'permission if "maintainer";';
}
if (accepted('actor User {} resource R { permissions = ["r"]; } has_permission(u: User, "r", x: R) if u.id in x.tags;'))
{
	push @extensions, 'in over array columns';
	push @lastmile, 'has_permission(u: User, "read", r: Repo) if u.dept in r.teams;',
	  'has_role(u: User, "maintainer", r: Repo) if u.id in r.teams and not r.stars > 5;';
}
if (accepted('actor User {} resource O { roles = ["m"]; } resource R { permissions = ["r"]; relations = { p: O }; } has_permission(u: User, "r", x: R) if o matches O and has_relation(x, "p", o) and has_role(u, "m", o);'))
{
	push @extensions, 'joins';
	push @lastmile, 'has_permission(u: User, "close", i: Issue) if rp matches Repo and has_relation(i, "repo", rp) and has_permission(u, "push", rp) and i.prio >= 1;';
}
diag('constructs of SPEC 6.6 in the pools: ' . (@extensions ? join(', ', @extensions) : 'none yet'));

sub generate
{
	my $seed = shift;
	$state = 1 + ($seed * 7919) % 2147483646;
	rnd() for 1 .. 3;

	# the policy
	my $policy = "actor User {}\nactor Group {}\nglobal { roles = [\"root\", \"staff\"]; }\n";
	for my $t (@type_order)
	{
		my $d = $types{$t};
		my @rules = @{ $d->{forced} };
		push @rules, grep { chance(0.5) } @{ $d->{pool} };
		$policy .= "resource $t {\n";
		$policy .= '  roles = [' . join(', ', map { "\"$_\"" } @{ $d->{roles} }) . "];\n"
		  if @{ $d->{roles} };
		$policy .= '  permissions = [' . join(', ', map { "\"$_\"" } @{ $d->{perms} }) . "];\n";
		$policy .= '  relations = { ' . join(', ', @{ $d->{rels} }, ($m2m{$t} ? join(': ', @{ $m2m{$t} }) : ())) . " };\n";
		$policy .= "  $_\n" for @rules;
		$policy .= "}\n";
	}
	my @lm = ((grep { chance(0.35) } @lastmile), (grep { chance(0.7) } @m2m_lastmile));
	$policy .= "$_\n" for @lm;

	# the data
	my (@sql, @facts);
	my %rows;
	for my $t ('User', 'Group', @type_order)
	{
		for my $id (@{ $ids{$t} })
		{
			my %row;
			for my $c (@{ $columns{$t} })
			{
				my $v = $c->[2]->();
				$row{ $c->[0] } = $v;
				next unless defined $v;
				if ($c->[1] eq 'boolean')
				{
					push @facts, $v eq 'true' ? "$c->[0]($t\{\"$id\"})" : "$c->[0]($t\{\"$id\"}, false)";
				}
				else
				{
					push @facts, "$c->[0]($t\{\"$id\"}, " . fact_value($c->[1], $v) . ")";
				}
			}
			$rows{$t}{$id} = \%row;
		}
	}
	my %reltarget;
	for my $t (@type_order)
	{
		for my $r (@{ $types{$t}{rels} })
		{
			my ($name, $target) = split /: /, $r;
			$reltarget{$t}{$name} = $target;
			for my $id (@{ $ids{$t} })
			{
				my $to = chance(0.2) ? undef : pick($ids{$target});
				$rows{$t}{$id}{"${name}_id"} = $to;
				push @facts, "has_relation($t\{\"$id\"}, \"$name\", $target\{\"$to\"})" if defined $to;
			}
		}
	}

	# tables: rows first, relation columns after (folders' parents may
	# form cycles)
	push @sql, "CREATE EXTENSION pg_rbac;";
	for my $t ('User', 'Group', @type_order)
	{
		my @cols = ('id text PRIMARY KEY', map { "$_->[0] $_->[1]" } @{ $columns{$t} });
		push @sql, "CREATE TABLE $table{$t} (" . join(', ', @cols) . ");";
	}
	for my $t ('User', 'Group', @type_order)
	{
		for my $id (@{ $ids{$t} })
		{
			my @names = ('id', map { $_->[0] } @{ $columns{$t} });
			my @vals = (lit($id), map { sql_value($rows{$t}{$id}{ $_->[0] }) } @{ $columns{$t} });
			push @sql, "INSERT INTO $table{$t} (" . join(', ', @names) . ') VALUES ('
			  . join(', ', @vals) . ');';
		}
	}
	for my $t (@type_order)
	{
		for my $name (sort keys %{ $reltarget{$t} })
		{
			my $target = $reltarget{$t}{$name};
			push @sql, "ALTER TABLE $table{$t} ADD COLUMN ${name}_id text REFERENCES $table{$target};";
			push @sql, "CREATE INDEX ON $table{$t} (${name}_id);";
			for my $id (@{ $ids{$t} })
			{
				my $to = $rows{$t}{$id}{"${name}_id"};
				push @sql, "UPDATE $table{$t} SET ${name}_id = " . lit($to) . " WHERE id = " . lit($id) . ';'
				  if defined $to;
			}
		}
	}

	# the join table: rows relating nothing are left out of the facts
	push @sql, "CREATE TABLE repo_sponsors (repo_id text, org_id text);";
	for my $id (@{ $ids{Repo} })
	{
		for (1 .. int(rnd() * 4) + (chance(0.5) ? 1 : 0))
		{
			my $to = pick($ids{Org});
			push @sql, "INSERT INTO repo_sponsors VALUES (" . lit($id) . ', ' . lit($to) . ');';
			push @facts, "has_relation(Repo{\"$id\"}, \"sponsors\", Org{\"$to\"})";
		}
	}
	push @sql, "INSERT INTO repo_sponsors VALUES ('r1', 'gone'), (NULL, 'o1'), ('r2', NULL);";

	# role data
	my @actors = ((map { "User:$_" } @{ $ids{User} }), (map { "Group:$_" } @{ $ids{Group} }));
	my @data;
	for (1 .. 6 + int(rnd() * 8))
	{
		my $t = pick([ grep { @{ $types{$_}{roles} } } @type_order ]);
		my $a = pick(\@actors);
		my $role = pick($types{$t}{roles});
		my $id = pick($ids{$t});
		push @data, "SELECT rbac.assign_role('$a', '$role', '$t:$id');";
		my ($at, $aid) = split /:/, $a;
		push @facts, "has_role($at\{\"$aid\"}, \"$role\", $t\{\"$id\"})";
	}
	for (1 .. int(rnd() * 3))
	{
		my $a = pick(\@actors);
		my $g = pick([qw(root staff)]);
		push @data, "SELECT rbac.assign_role('$a', '$g', NULL);";
		my ($at, $aid) = split /:/, $a;
		push @facts, "has_role($at\{\"$aid\"}, \"$g\")";
	}
	for my $u (@{ $ids{User} })
	{
		next unless chance(0.4);
		my $g = pick($ids{Group});
		push @data, "SELECT rbac.add_member('Group:$g', 'User:$u');";
		push @facts, "has_group(User{\"$u\"}, Group{\"$g\"})";
	}
	if (chance(0.5))
	{
		push @data, "SELECT rbac.add_member('Group:g2', 'Group:g1');";
		push @facts, 'has_group(Group{"g1"}, Group{"g2"})';
	}

	# the test: one assertion per decision
	my @asserts;
	for my $a (@actors)
	{
		my ($at, $aid) = split /:/, $a;
		for my $t (@type_order)
		{
			for my $id (@{ $ids{$t} })
			{
				push @asserts, "assert allow($at\{\"$aid\"}, \"$_\", $t\{\"$id\"});" for @{ $types{$t}{perms} };
				push @asserts, "assert has_role($at\{\"$aid\"}, \"$_\", $t\{\"$id\"});" for @{ $types{$t}{roles} };
			}
		}
	}
	my $test = "test \"world $seed\" {\n  setup {\n" . join('', map { "    $_;\n" } @facts)
	  . "  }\n" . join('', map { "  $_\n" } @asserts) . "}\n";
	return ($policy, $test, \@sql, \@data, \@actors);
}

my $compared = 0;
my $disagreements = 0;
my $granted = 0;
my $start = time;
for my $seed (@seeds)
{
	my ($policy, $test, $sql, $data, $actors) = generate($seed);
	my $db = "w$seed";
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	my $source = $policy . $test;
	(my $quoted = $source) =~ s/'/''/g;
	my $setup = join("\n", @$sql) . "\nSELECT rbac.load_policy('$quoted');\n"
	  . join("\n", map { "SELECT rbac.bind('$_', '$table{$_}'"
			  . ($m2m{$_} ? ", relations => '{\"$m2m{$_}[0]\": {\"through\": \"repo_sponsors\", \"from\": \"repo_id\", \"to\": \"org_id\"}}'" : '')
			  . ');' } ('User', 'Group', @type_order))
	  . "\n" . join("\n", @$data) . "\n";
	$node->safe_psql($db, $setup);

	# the engine: is_allowed and authorized_roles for every decision
	my @values;
	for my $a (@$actors)
	{
		for my $t (@type_order)
		{
			for my $id (@{ $ids{$t} })
			{
				push @values, "('$a', '$t:$id', '$_', false)" for @{ $types{$t}{perms} };
				push @values, "('$a', '$t:$id', '$_', true)" for @{ $types{$t}{roles} };
			}
		}
	}
	my $engine = $node->safe_psql($db, qq{
SELECT a || '|' || term || '|' || r || '|' ||
       (CASE WHEN is_role THEN term IN (SELECT rbac.authorized_roles(a, r))
             ELSE rbac.is_allowed(a, term, r) END)::int
FROM (VALUES } . join(",\n", @values) . q{) v(a, r, term, is_role)});
	my %engine;
	for (split /\n/, $engine)
	{
		my ($a, $term, $r, $d) = split /\|/;
		$engine{"$a|$term|$r"} = $d + 0;
	}

	# the tests of the loaded policy
	my $tests = $node->safe_psql($db, q{SELECT assertion || '|' || passed::int FROM rbac.test_policy()});
	my %tested;
	for (split /\n/, $tests)
	{
		/^assert (?:allow|has_role)\((\w+)\{"(\w+)"\}, "(\w+)", (\w+)\{"(\w+)"\}\)\|([01])$/
		  or die "unexpected row $_";
		$tested{"$1:$2|$3|$4:$5"} = $6 + 0;
	}
	is(scalar(keys %tested), scalar(keys %engine), "world $seed: one test row per decision");
	my @diff;
	for my $k (sort keys %engine)
	{
		$compared++;
		$granted += $engine{$k};
		push @diff, "$k: engine $engine{$k}, test " . ($tested{$k} // 'none')
		  if !defined $tested{$k} || $tested{$k} != $engine{$k};
	}
	if (@diff)
	{
		$disagreements += @diff;
		diag("world $seed: " . scalar(@diff) . " disagreements\n" . join("\n", @diff[ 0 .. ($#diff < 19 ? $#diff : 19) ])
			  . "\npolicy:\n$policy");
	}
	$node->safe_psql('postgres', "DROP DATABASE $db");
}
is($disagreements, 0, "rbac.test_policy agrees with the engine");
diag(sprintf("decisions compared: %d (%d granted) in %d worlds, %.1f s",
	$compared, $granted, scalar(@seeds), time - $start));

$node->stop;
done_testing();
