# Random worlds for t/032_random_worlds.pl (issue 17).
#
# RandomWorld::generate($seed) returns a hash:
#   policy   the policy text
#   sql      the world's SQL: tables, rows, bindings, role data written
#            through the API, rows deleted and re-created, then (after
#            ref.materialize()) the last-mile rules translated into the
#            reference's ref.lm_fact / ref.lm_link, and the role data the
#            world expects to be left (ref.expected_*)
#   rules    the last-mile rules as written (for diagnostics)
#
# What the worlds exercise, each drawn at random from the seed:
#   - one pool of ids for both actor types: User:c and Group:c are
#     different actors (actor relations to User and to Group, memberships,
#     assignments, last-mile rules typed User, Group, Actor or bare _);
#   - the policy's blocks, and the rules inside them, in random order;
#   - shorthand rules drawn from a pool per type;
#   - last-mile rules whose bodies chain and / or / not without
#     parentheses, over columns (NULLs included), relation hops, the actor
#     itself and at most one has_role / has_permission;
#   - rows deleted (a group with members, actors, a tenant with custom
#     roles, resources) and re-created with the same ids, and role data
#     written afterwards.
#
#   - the constructs of SPEC 6.6 that generate($seed, \%features) is
#     given (032 passes those t/../corpus/skip.txt does not list as
#     missing), drawn from a second generator so that the rest of a world
#     does not change with them: conditions and facts in shorthand rules
#     (shapes whose split into plain rules and compiled disjuncts is written
#     out in cond_rule), role and permission wildcards (expanded here; the
#     catalog's plain rules must equal ref.expected_rule), relation paths
#     of last-mile rules written as matches / has_relation joins, x in
#     r.field over array columns, and variable role heads fixed by
#     role = "X" or role in [...].
#   - with the construct m2m, from a third generator: relations bound
#     through join tables (bind's through form) -- Proj to Org (partners)
#     and to Group (crews, an actor relation), Task to Task (blockers,
#     cycles included) and to User (helpers), User to User (mentors,
#     walked as "mentors" on "helpers" and "mentors" on "owner") -- in
#     shorthand rules, in conditions ("write" if "member" on "partners"
#     and fact), and in last-mile rules (has_role / has_permission on
#     r.partners or r.blockers, with and / or an attribute term; with the
#     construct m2m-joins also written as a matches / has_relation join,
#     maybe with a condition, maybe negated, on the joined row); join rows
#     with ends that have no row, NULL ends, duplicates, a non-canonical
#     text form, one join table left empty, and rows added and deleted
#     after the bindings.  The reference reads the join tables itself
#     (ref.materialize: a join row relates its ends when both have rows).
#
# The reference side is written here independently of the extension: the
# bodies are parsed by a precedence parser of its own (not binds tighter
# than and, and tighter than or) and rendered as fully parenthesized SQL;
# a has_role term is evaluated both ways (false: a fact for the rule, true:
# a link on the premise).  Role data is tracked as the API calls are
# generated, applying SPEC 4.4 for deleted rows, so the catalogs can be
# compared with what they should hold.
package RandomWorld;

use strict;
use warnings;

# A small deterministic generator (Park and Miller's minimal standard,
# exact in 64-bit integers), the same on every machine.
sub new_rng
{
	my $seed = shift;
	my $s = 1 + ($seed * 7919) % 2147483646;
	return sub {
		$s = ($s * 48271) % 2147483647;
		return ($s - 1) / 2147483646;    # [0, 1)
	};
}

my $R;
# The constructs of SPEC 6.6 are drawn from a second generator, so that a
# world's other parts stay what they were before they existed (the seeds
# were chosen for them) whichever constructs are built.
my $R2;
sub chance2 { return $R2->() < $_[0]; }
sub pick2   { my $l = shift; return $l->[ int($R2->() * @$l) ]; }
# Relations through join tables come from a third one, for the same reason.
my $R3;
sub chance3 { return $R3->() < $_[0]; }
sub pick3   { my $l = shift; return $l->[ int($R3->() * @$l) ]; }
# Global roles under and / not / or in conditions come from a fourth one,
# so that the conditions drawn before they were built stay the same.
my $R4;
sub pick4   { my $l = shift; return $l->[ int($R4->() * @$l) ]; }
sub rnd    { return $R->(); }
sub chance { return $R->() < $_[0]; }
sub pick   { my $l = shift; return $l->[ int($R->() * @$l) ]; }
sub irange { my ($lo, $hi) = @_; return $lo + int($R->() * ($hi - $lo + 1)); }

sub shuffle
{
	my @l = @_;
	for (my $i = $#l; $i > 0; $i--)
	{
		my $j = int($R->() * ($i + 1));
		@l[ $i, $j ] = @l[ $j, $i ];
	}
	return @l;
}

sub lit { my $s = shift; $s =~ s/'/''/g; return "'$s'"; }

# ---------------------------------------------------------------------
# The policy
# ---------------------------------------------------------------------

my %types = (
	Org => {
		roles => [qw(owner member guest)],
		perms => [qw(read manage_roles invite billing)],
		relations => [],
		forced => [ '"member" if "owner";', '"read" if "member";', '"manage_roles" if "owner";' ],
		pool => [
			'"read" if "guest";', '"invite" if "member";', '"billing" if "owner";',
			'"read" if global "root";', '"owner" if global "root";', '"invite" if global "staff";',
			'"guest" if "member";', '"billing" if "manage_roles";',
		],
	},
	Proj => {
		roles => [qw(maintainer viewer)],
		perms => [qw(read write delete manage_roles)],
		relations => [ 'org: Org', 'lead: User', 'team: Group' ],
		forced => [ '"viewer" if "maintainer";', '"read" if "viewer";', '"viewer" if "member" on "org";' ],
		pool => [
			'"write" if "maintainer";', '"maintainer" if "owner" on "org";',
			'"read" if "read" on "org";', '"write" if "lead";', '"delete" if "owner" on "org";',
			'"viewer" if "team";', '"manage_roles" if "manage_roles" on "org";',
			'"maintainer" if "lead";', '"delete" if "maintainer";', '"manage_roles" if "maintainer";',
			'"read" if global "staff";',
		],
	},
	Task => {
		roles => [qw(assignee)],
		perms => [qw(read close comment ping)],
		relations => [ 'proj: Proj', 'owner: User', 'squad: Group' ],
		forced => [ '"read" if "read" on "proj";', '"close" if "owner";' ],
		pool => [
			'"close" if "write" on "proj";', '"close" if "assignee";', '"comment" if "read";',
			'"ping" if "squad";', '"assignee" if "owner";', '"comment" if "lead" on "proj";',
			'"read" if "team" on "proj";', '"ping" if "assignee";', '"read" if global "staff";',
			'"comment" if "viewer" on "proj";',
		],
	},
);

# Attribute terms of a rule over a row of each type: [polar, sql].  The
# rule's resource variable is r; the SQL aliases are t0 (task), p0
# (project), o0 (organization), a (the actor).
my %attr = (
	Task => [
		[ 'r.status = "open"', "t0.status = 'open'" ],
		[ 'r.status != "closed"', "t0.status <> 'closed'" ],
		[ 'r.status in ["open", "review"]', "t0.status IN ('open', 'review')" ],
		[ 'r.prio > 2', 't0.prio > 2' ],
		[ 'r.prio <= 3', 't0.prio <= 3' ],
		[ 'r.prio < 2', 't0.prio < 2' ],
		[ 'r.prio >= 4', 't0.prio >= 4' ],
		[ 'r.flag', 't0.flag' ],
		[ 'r.flag = false', 't0.flag = false' ],
		[ 'r.status = nil', 't0.status IS NULL' ],
		[ 'r.prio != nil', 't0.prio IS NOT NULL' ],
		[ 'r.proj.archived', 'p0.archived' ],
		[ 'r.proj.kind = "internal"', "p0.kind = 'internal'" ],
		[ 'r.proj.budget > 50', 'p0.budget > 50' ],
		[ 'r.proj.org.plan = "pro"', "o0.plan = 'pro'" ],
	],
	Proj => [
		[ 'r.archived', 'p0.archived' ],
		[ 'r.kind = "internal"', "p0.kind = 'internal'" ],
		[ 'r.kind != "public"', "p0.kind <> 'public'" ],
		[ 'r.budget > 50', 'p0.budget > 50' ],
		[ 'r.budget <= 20', 'p0.budget <= 20' ],
		[ 'r.kind = nil', 'p0.kind IS NULL' ],
		[ 'r.org.plan in ["pro", "ent"]', "o0.plan IN ('pro', 'ent')" ],
		[ 'r.org.listed', 'o0.listed' ],
	],
	Org => [
		[ 'r.plan = "free"', "o0.plan = 'free'" ],
		[ 'r.listed', 'o0.listed' ],
		[ 'r.seats >= 10', 'o0.seats >= 10' ],
		[ 'r.seats < 5', 'o0.seats < 5' ],
		[ 'r.plan in ["pro", "ent"]', "o0.plan IN ('pro', 'ent')" ],
	],
);

# Terms about the actor variable v, by the actor types v may have.
my %actor_attr = (
	Task => [
		[ 'r.owner = v', "(t0.owner_id = a.id AND a.type = 'User')", 'User' ],
		[ 'r.squad = v', "(t0.squad_id = a.id AND a.type = 'Group')", 'Group' ],
		[ 'v.id = "c"', "a.id = 'c'", undef ],
		[ 'v.id != "d"', "a.id <> 'd'", undef ],
	],
	Proj => [
		[ 'r.lead = v', "(p0.lead_id = a.id AND a.type = 'User')", 'User' ],
		[ 'r.team = v', "(p0.team_id = a.id AND a.type = 'Group')", 'Group' ],
		[ 'v.id = "e"', "a.id = 'e'", undef ],
	],
	Org => [ [ 'v.id = "c"', "a.id = 'c'", undef ], ],
);

# has_role / has_permission terms: [polar, premise type, premise id SQL, term]
my %has = (
	Task => [
		[ 'has_role(v, "member", r.proj.org)', 'Org', 'p0.org_id', 'member' ],
		[ 'has_role(v, "viewer", r.proj)', 'Proj', 't0.proj_id::text', 'viewer' ],
		[ 'has_permission(v, "read", r.proj)', 'Proj', 't0.proj_id::text', 'read' ],
		[ 'has_permission(v, "invite", r.proj.org)', 'Org', 'p0.org_id', 'invite' ],
	],
	Proj => [
		[ 'has_role(v, "member", r.org)', 'Org', 'p0.org_id', 'member' ],
		[ 'has_permission(v, "invite", r.org)', 'Org', 'p0.org_id', 'invite' ],
	],
	Org => [],
);

my %rows_sql = (
	Task => 'tasks t0 LEFT JOIN projs p0 ON p0.id = t0.proj_id LEFT JOIN orgs o0 ON o0.id = p0.org_id',
	Proj => 'projs p0 LEFT JOIN orgs o0 ON o0.id = p0.org_id',
	Org  => 'orgs o0',
);
my %key_sql = (Task => 't0.id::text', Proj => 'p0.id::text', Org => 'o0.id');
# The same for a row joined through a join table (a matches / has_relation
# join with a condition on it), aliases x-prefixed.
my %x_rows_sql = (
	Task => 'tasks xt LEFT JOIN projs xp ON xp.id = xt.proj_id LEFT JOIN orgs xo ON xo.id = xp.org_id',
	Proj => 'projs xp LEFT JOIN orgs xo ON xo.id = xp.org_id',
	Org  => 'orgs xo',
);
my %x_key_sql = (Task => 'xt.id::text', Proj => 'xp.id::text', Org => 'xo.id');

# ---------------------------------------------------------------------
# SPEC 6.6 constructs
# ---------------------------------------------------------------------

# Roles declared only when wildcards are generated (the drawing of roles
# for assignments uses %types alone): Proj "guest" (also a role of Org) and
# Task "viewer" (also a role of Proj), for role if role on "rel".
my %extra_roles = (Proj => ['guest'], Task => ['viewer']);

# Facts about the resource in shorthand conditions: [polar, sql] over the
# resource's own row (aliases as in %attr).
my %facts = (
	Task => [
		[ 'flag(resource)', 't0.flag' ],
		[ 'status(resource, "open")', "t0.status = 'open'" ],
		[ 'status(resource, "closed")', "t0.status = 'closed'" ],
		[ 'prio(resource, 3)', 't0.prio = 3' ],
		[ 'prio(resource, 5)', 't0.prio = 5' ],
	],
	Proj => [
		[ 'archived(resource)', 'p0.archived' ],
		[ 'kind(resource, "internal")', "p0.kind = 'internal'" ],
		[ 'kind(resource, "secret")', "p0.kind = 'secret'" ],
	],
	Org => [
		[ 'listed(resource)', 'o0.listed' ],
		[ 'plan(resource, "pro")', "o0.plan = 'pro'" ],
		[ 'plan(resource, "free")', "o0.plan = 'free'" ],
		[ 'seats(resource, 10)', 'o0.seats = 10' ],
	],
);

# Relations of each type: name => [target type, column].
my %rel = (
	Task => { proj => [ 'Proj', 'proj_id' ], owner => [ 'User', 'owner_id' ], squad => [ 'Group', 'squad_id' ] },
	Proj => { org => [ 'Org', 'org_id' ], lead => [ 'User', 'lead_id' ], team => [ 'Group', 'team_id' ] },
	Org  => {},
);

# Relations bound through join tables (generated with the m2m feature):
# name => [target type, join table, from column, to column].  The from
# and to columns do not all have the key's type (text against int, bigint
# against int): the engine compares them through their text form.
my %m2m = (
	User => { mentors => [ 'User', 'user_mentors', 'user_id', 'mentor_id' ] },
	Proj => {
		partners => [ 'Org', 'proj_partners', 'proj_id', 'org_id' ],
		crews => [ 'Group', 'proj_crews', 'proj_id', 'group_id' ] },
	Task => {
		blockers => [ 'Task', 'task_blockers', 'task_id', 'blocker_id' ],
		helpers => [ 'User', 'task_helpers', 'task_id', 'user_id' ] },
);
my %m2m_table = (
	user_mentors => 'user_id text, mentor_id text',
	proj_partners => 'proj_id bigint, org_id text',
	proj_crews => 'proj_id int, group_id text',
	task_blockers => 'task_id text, blocker_id int',
	task_helpers => 'task_id int, user_id text',
);
# Shorthand rules through them, drawn per type (a few each world): to a
# resource type, to the type itself (cycles in the join rows), to actor
# types (an actor relation through a join table), an actor relation of the
# actor type reached through one ("mentors" on "helpers"), and through a
# column relation to an actor ("mentors" on "owner") or a resource
# ("crews" on "proj").
my %m2m_pool = (
	Proj => [
		'"viewer" if "member" on "partners";', '"read" if "guest" on "partners";',
		'"delete" if "billing" on "partners";', '"maintainer" if "crews";', '"write" if "crews";',
	],
	Task => [
		'"read" if "read" on "blockers";', '"close" if "assignee" on "blockers";',
		'"close" if "helpers";', '"assignee" if "helpers";', '"ping" if "mentors" on "helpers";',
		'"ping" if "mentors" on "owner";', '"comment" if "crews" on "proj";',
	],
);
my $m2m_on = 0;

# Terms over array columns (x in r.field), replacing attribute terms:
# [polar, sql, actor type or undef, uses the actor].
my %array_attr = (
	Task => [
		[ '"urgent" in r.tags', "'urgent' = ANY (t0.tags)" ],
		[ '"db" in r.tags', "'db' = ANY (t0.tags)" ],
		[ 'v.id in r.watchers', 'a.id = ANY (t0.watchers)', undef, 1 ],
		[ 'v.id in r.proj.members', 'a.id = ANY (p0.members)', undef, 1 ],
	],
	Proj => [ [ 'v.id in r.members', 'a.id = ANY (p0.members)', undef, 1 ], ],
	Org  => [],
);

# The kind of a name in a type ('role', 'permission', 'actor_relation',
# 'relation') as the policy declares it.
sub term_kind
{
	my ($t, $name, $wild) = @_;
	# (an actor type has relations only: nothing of %types autovivified)
	my $d = $types{$t} // { roles => [], perms => [] };
	return 'role' if grep { $_ eq $name } @{ $d->{roles} }, ($wild ? @{ $extra_roles{$t} // [] } : ());
	return 'permission' if grep { $_ eq $name } @{ $d->{perms} };
	my $r = (exists $rel{$t} && $rel{$t}{$name}) || ($m2m_on && exists $m2m{$t} && $m2m{$t}{$name});
	return ($r->[0] =~ /^(User|Group)$/ ? 'actor_relation' : 'relation') if $r;
	die "term_kind: $t has no $name";
}

# The row of rbac.policy_rule a plain shorthand rule gives (type, head,
# head kind, body, body kind, via), from its text.
sub rule_row
{
	my ($t, $text, $wild) = @_;
	my ($head, $body, $via);
	if ($text =~ /^"([^"]+)" if global "([^"]+)";$/)
	{
		return join('|', $t, $1, term_kind($t, $1, $wild), $2, 'global', '');
	}
	($head, $body, $via) = $text =~ /^"([^"]+)" if "([^"]+)"(?: on "([^"]+)")?;$/
	  or die "rule_row: cannot read $text";
	my $bt = !defined $via ? $t : exists $rel{$t}{$via} ? $rel{$t}{$via}[0] : $m2m{$t}{$via}[0];
	return join('|', $t, $head, term_kind($t, $head, $wild), $body, term_kind($bt, $body, $wild), $via // '');
}

# ---------------------------------------------------------------------
# Bodies: a flat chain of terms, parsed back with the precedence of Polar
# ---------------------------------------------------------------------

# Parse tokens (['term', index] / 'and' / 'or' / 'not') into a tree:
#   or  := and ('or' and)*      and := not ('and' not)*
#   not := 'not' not | term
sub parse_body
{
	my @tok = @_;
	my $pos = 0;
	my ($p_or, $p_and, $p_not);
	$p_not = sub {
		if ($tok[$pos] eq 'not') { $pos++; return [ 'not', $p_not->() ]; }
		return [ 'term', $tok[ $pos++ ]->[1] ];
	};
	$p_and = sub {
		my @k = ($p_not->());
		while ($pos < @tok && $tok[$pos] eq 'and') { $pos++; push @k, $p_not->(); }
		return @k == 1 ? $k[0] : [ 'and', @k ];
	};
	$p_or = sub {
		my @k = ($p_and->());
		while ($pos < @tok && $tok[$pos] eq 'or') { $pos++; push @k, $p_and->(); }
		return @k == 1 ? $k[0] : [ 'or', @k ];
	};
	my $tree = $p_or->();
	die "body not fully parsed" if $pos != @tok;
	return $tree;
}

# SQL of a tree: every term is false when NULL (a missing row or column);
# the has term is replaced by $h ('true' or 'false').
sub tree_sql
{
	my ($t, $terms, $h) = @_;
	my $k = $t->[0];
	if ($k eq 'term')
	{
		my $term = $terms->[ $t->[1] ];
		return $term->{has} ? $h : "coalesce(($term->{sql}), false)";
	}
	return '(NOT ' . tree_sql($t->[1], $terms, $h) . ')' if $k eq 'not';
	my $op = $k eq 'and' ? ' AND ' : ' OR ';
	return '(' . join($op, map { tree_sql($_, $terms, $h) } @{$t}[ 1 .. $#$t ]) . ')';
}

# A shorthand rule with a condition for type $t (second generator), in one
# of a few shapes whose meaning is written out here, independently of the
# parser: the top-level "or" splits the body into disjuncts; a disjunct of
# one term (a role, a permission, "Y" on "rel", an actor relation) is a
# plain rule, any other holds for any actor (never for nobody) when its
# terms hold -- each compiled disjunct below has at most one term (atom)
# and a condition on the row's facts.
sub cond_rule
{
	my ($t, $wild) = @_;
	my @heads = (@{ $types{$t}{roles} }, @{ $types{$t}{perms} });
	my $head = pick2(\@heads);
	# an atom: [polar, kind, term, rel]
	my $atom = sub {
		my @choice;
		push @choice, map { [ "\"$_\"", 'local', $_, undef ] } grep { $_ ne $head } @heads;
		foreach my $r (sort keys %{ $rel{$t} })
		{
			my ($u) = @{ $rel{$t}{$r} };
			if ($u =~ /^(User|Group)$/) { push @choice, [ "\"$r\"", 'arel', $r, $r ]; next; }
			push @choice, map { [ "\"$_\" on \"$r\"", 'on', $_, $r ] }
			  (@{ $types{$u}{roles} }, @{ $types{$u}{perms} });
		}
		return pick2(\@choice);
	};
	my $fact = sub { my $f = pick2($facts{$t}); return [ $f->[0], "coalesce(($f->[1]), false)" ]; };
	my ($r1, $r2) = ($atom->(), $atom->());
	my ($f1, $f2, $f3) = ($fact->(), $fact->(), $fact->());
	my $shape = pick2([qw(A B C D E F G H)]);
	my ($text, @plain, @comp);
	my $and = sub { return '(' . join(' AND ', @_) . ')'; };
	if ($shape eq 'A')
	{
		$text = "$r1->[0] and $f1->[0]";
		@comp = ([ $r1, $f1->[1] ]);
	}
	elsif ($shape eq 'B')
	{
		$text = "$r1->[0] or $f1->[0]";
		@plain = ($r1);
		@comp = ([ undef, $f1->[1] ]);
	}
	elsif ($shape eq 'C')
	{
		$text = "($r1->[0] or $f1->[0]) and $f2->[0]";
		@comp = ([ $r1, $f2->[1] ], [ undef, $and->($f1->[1], $f2->[1]) ]);
	}
	elsif ($shape eq 'D')
	{
		$text = "$r1->[0] and not $f1->[0]";
		@comp = ([ $r1, "(NOT $f1->[1])" ]);
	}
	elsif ($shape eq 'E')
	{
		$text = "$f1->[0] and ($f2->[0] or not $f3->[0])";
		@comp = ([ undef, $and->($f1->[1], "($f2->[1] OR NOT $f3->[1])") ]);
	}
	elsif ($shape eq 'F')
	{
		$text = "$r1->[0] and $f1->[0] or $r2->[0]";
		@comp = ([ $r1, $f1->[1] ]);
		@plain = ($r2);
	}
	elsif ($shape eq 'G')
	{
		$text = "not $f1->[0] and $r1->[0]";
		@comp = ([ $r1, "(NOT $f1->[1])" ]);
	}
	else
	{
		$text = "$f1->[0] or $r1->[0] and not $f2->[0]";
		@comp = ([ undef, $f1->[1] ], [ $r1, "(NOT $f2->[1])" ]);
	}

	# a global role under "and" / "not" / "or" (fourth generator): each
	# compiled disjunct may carry [role, negated], the actor (or a group it
	# belongs to) holding the global role, or not holding it
	my $g = pick4([qw(root staff)]);
	my $v = $R4->();
	my $fact4 = sub { my $f = pick4($facts{$t}); return [ $f->[0], "coalesce(($f->[1]), false)" ]; };
	my $global;
	if ($v < 0.4)
	{
		# global "G" and (...), not global "G" and (...): every disjunct,
		# the plain ones too, is compiled with the test
		my $neg = $v < 0.2 ? 1 : 0;
		$text = ($neg ? 'not ' : '') . "global \"$g\" and ($text)";
		@comp = ((map { [ $_, 'true', [ $g, $neg ] ] } @plain), map { [ $_->[0], $_->[1], [ $g, $neg ] ] } @comp);
		@plain = ();
		$global = 1;
	}
	elsif ($v < 0.55)
	{
		# a disjunct of its own: ... or not global "G" and fact
		my $f = $fact4->();
		$text = "$text or not global \"$g\" and $f->[0]";
		push @comp, [ undef, $f->[1], [ $g, 1 ] ];
		$global = 1;
	}
	elsif ($v < 0.7)
	{
		# in parentheses with "or": ... or (global "G" or fact) and fact
		my ($fa, $fb) = ($fact4->(), $fact4->());
		$text = "$text or (global \"$g\" or $fa->[0]) and $fb->[0]";
		push @comp, [ undef, $fb->[1], [ $g, 0 ] ], [ undef, $and->($fa->[1], $fb->[1]) ];
		$global = 1;
	}
	return {
		text => "\"$head\" if $text;", type => $t, head => $head,
		plain => [ map { "\"$head\" if $_->[0];" } @plain ],
		compiled => \@comp, global => $global };
}

# ---------------------------------------------------------------------
# The world
# ---------------------------------------------------------------------

sub generate
{
	my ($seed, $features) = @_;
	my %on = %{ $features // {} };
	$R = new_rng($seed);
	$R2 = new_rng($seed * 1009 + 17);
	$R3 = new_rng($seed * 7907 + 29);
	$m2m_on = $on{m2m} ? 1 : 0;
	$R4 = new_rng($seed * 2003 + 29);
	my @sql;
	my @pool = ('a' .. 'n');

	# --- policy ---------------------------------------------------------
	my %rules_of;
	foreach my $t (sort keys %types)
	{
		my @r = @{ $types{$t}{forced} };
		push @r, grep { chance(0.6) } @{ $types{$t}{pool} };
		$rules_of{$t} = [ shuffle(@r) ];
	}

	# --- SPEC 6.6 in blocks (second generator) ------------------------------
	# plain rules as rows of rbac.policy_rule (what the catalog must hold),
	# and the condition rules that compile to last-mile rules: for each,
	# its disjuncts { atom => undef or [kind, term, rel], cond => sql }
	my $wild = $on{wildcards};
	my %plain;
	foreach my $t (sort keys %types)
	{
		$plain{ rule_row($t, $_, $wild) } = 1 foreach @{ $rules_of{$t} };
	}
	my (@conds, @extra_rules, %made);
	my $insert_rule = sub {
		my ($t, $text) = @_;
		my $k = int($R2->() * (@{ $rules_of{$t} } + 1));
		splice(@{ $rules_of{$t} }, $k, 0, $text);
		push @extra_rules, "$t: $text";
	};
	if ($wild)
	{
		my %all_roles = map { $_ => [ @{ $types{$_}{roles} }, @{ $extra_roles{$_} // [] } ] } keys %types;
		# role if role on "rel": the roles both types declare
		foreach my $w ([ 'Proj', 'org' ], [ 'Task', 'proj' ])
		{
			my ($t, $r) = @$w;
			next unless chance2(0.7);
			my $u = $rel{$t}{$r}[0];
			$insert_rule->($t, "role if role on \"$r\";");
			$made{wildcards}++;
			foreach my $role (@{ $all_roles{$t} })
			{
				$plain{ join('|', $t, $role, 'role', $role, 'role', $r) } = 1
				  if grep { $_ eq $role } @{ $all_roles{$u} };
			}
		}
		# the extra roles grant something, sometimes
		$insert_rule->('Proj', '"read" if "guest";'), $plain{'Proj|read|permission|guest|role|'} = 1
		  if chance2(0.7);
		$insert_rule->('Task', '"comment" if "viewer";'), $plain{'Task|comment|permission|viewer|role|'} = 1
		  if chance2(0.7);
		# permission if "role": every permission of the type
		foreach my $w ([ 'Org', 'guest' ], [ 'Proj', 'maintainer' ], [ 'Task', 'assignee' ])
		{
			my ($t, $role) = @$w;
			next unless chance2(0.5);
			$insert_rule->($t, "permission if \"$role\";");
			$made{wildcards}++;
			$plain{ join('|', $t, $_, 'permission', $role, 'role', '') } = 1 foreach @{ $types{$t}{perms} };
		}
		# permission if permission on "rel": the permissions both declare
		foreach my $w ([ 'Proj', 'org' ], [ 'Task', 'proj' ])
		{
			my ($t, $r) = @$w;
			next unless chance2(0.5);
			my $u = $rel{$t}{$r}[0];
			$insert_rule->($t, "permission if permission on \"$r\";");
			$made{wildcards}++;
			foreach my $perm (@{ $types{$t}{perms} })
			{
				$plain{ join('|', $t, $perm, 'permission', $perm, 'permission', $r) } = 1
				  if grep { $_ eq $perm } @{ $types{$u}{perms} };
			}
		}
	}
	if ($on{conditions})
	{
		foreach my $t (sort keys %types)
		{
			for (1 .. int($R2->() * 3))
			{
				my $c = cond_rule($t, $wild);
				$insert_rule->($t, $c->{text});
				$made{conditions}++;
				$made{'global conditions'}++ if $c->{global};
				$plain{ rule_row($t, $_, $wild) } = 1 foreach @{ $c->{plain} };
				push @conds, $c if @{ $c->{compiled} };
			}
		}
	}

	# relations through join tables (third generator): a few shorthand
	# rules of the pool per type, one at least, at random places; with
	# conditions, a rule through a join table under a condition (compiled
	# into a last-mile rule: the role on any of the related rows)
	my @m2m_conds;
	if ($m2m_on)
	{
		my $insert3 = sub {
			my ($t, $text) = @_;
			my $k = int($R3->() * (@{ $rules_of{$t} } + 1));
			splice(@{ $rules_of{$t} }, $k, 0, $text);
			push @extra_rules, "$t: $text";
			$made{m2m}++;
		};
		foreach my $t (sort keys %m2m_pool)
		{
			my @r = grep { chance3(0.5) } @{ $m2m_pool{$t} };
			@r = (pick3($m2m_pool{$t})) unless @r;
			foreach my $text (@r)
			{
				$insert3->($t, $text);
				$plain{ rule_row($t, $text, $wild) } = 1;
			}
		}
		if ($on{conditions} && chance3(0.8))
		{
			my ($role, $f) = (pick3([qw(member owner)]), pick3($facts{Proj}));
			my $neg = chance3(0.4);
			$insert3->('Proj', "\"write\" if \"$role\" on \"partners\" and " . ($neg ? 'not ' : '') . "$f->[0];");
			push @m2m_conds, [ 'Proj', 'write', 'Org', $role, 'partners',
				($neg ? 'NOT ' : '') . "coalesce(($f->[1]), false)" ];
		}
		if ($on{conditions} && chance3(0.8))
		{
			my $f = pick3($facts{Task});
			# the plain disjunct is a rule of its own, the other compiled
			$insert3->('Task', "\"comment\" if \"read\" on \"blockers\" or $f->[0];");
			$plain{'Task|comment|permission|read|permission|blockers'} = 1;
			push @m2m_conds, [ 'Task', 'comment', undef, undef, undef, "coalesce(($f->[1]), false)" ];
		}
	}

	my @blocks = ('actor User {}', 'actor Group {}', 'global { roles = ["root", "staff"]; }');
	$blocks[0] = "actor User {\n  relations = { mentors: User };\n}" if $m2m_on;
	foreach my $t (sort keys %types)
	{
		my $d = $types{$t};
		my $b = "resource $t {\n";
		my @decl = (
			'  roles = ['
			  . join(', ', map { "\"$_\"" } @{ $d->{roles} }, ($wild ? @{ $extra_roles{$t} // [] } : ())) . '];',
			'  permissions = [' . join(', ', map { "\"$_\"" } @{ $d->{perms} }) . '];');
		my @rels = @{ $d->{relations} };
		push @rels, map { "$_: $m2m{$t}{$_}[0]" } sort keys %{ $m2m{$t} } if $m2m_on && $m2m{$t};
		push @decl, '  relations = { ' . join(', ', @rels) . ' };' if @rels;
		$b .= join("\n", shuffle(@decl)) . "\n";
		$b .= join('', map { "  $_\n" } @{ $rules_of{$t} });
		$b .= "}";
		push @blocks, $b;
	}

	# last-mile rules
	my @lastmile;    # { text, head_type, term, filter, terms, tree, has }
	push @lastmile, {
		text => 'has_permission(u: User, "manage_roles", g: Group) if g.manager = u.id;',
		fixed => "INSERT INTO ref.lm_fact SELECT a.type, a.id, 'Group', g.id, 'manage_roles' "
		  . "FROM ref.actor a JOIN groups g ON g.manager = a.id WHERE a.type = 'User';"
	};
	my $nrules = irange(3, 6);
	for my $i (1 .. $nrules)
	{
		my $ht = pick([qw(Task Task Task Proj Proj Org)]);
		my $is_role = chance(0.25);
		my $term = $is_role ? pick($types{$ht}{roles}) : pick($types{$ht}{perms});
		my $param = pick([ 'User', 'Group', 'Actor', 'User', 'bare' ]);
		if (chance(0.08))
		{
			# no body: every row, for every actor of the parameter's type
			my $ap = $param eq 'bare' ? '_' : "_: $param";
			push @lastmile, {
				text => ($is_role ? 'has_role' : 'has_permission') . "($ap, \"$term\", _: $ht);",
				head_type => $ht, term => $term, param => $param, terms => [], tree => undef };
			next;
		}
		my $named = $param ne 'bare' && chance(0.7);
		my @terms;
		my $n = irange(1, 4);
		my $have_has = 0;
		for my $j (1 .. $n)
		{
			my $c = rnd();
			if ($named && !$have_has && @{ $has{$ht} } && $c < 0.2)
			{
				my $h = pick($has{$ht});
				push @terms, { polar => $h->[0], has => 1, ptype => $h->[1], pid => $h->[2],
					pterm => $h->[3] };
				$have_has = 1;
				next;
			}
			if ($named && $c < 0.45)
			{
				my @ok = grep {
					!defined $_->[2] || $param eq 'Actor' || $_->[2] eq $param
				} @{ $actor_attr{$ht} };
				if (@ok)
				{
					my $a = pick(\@ok);
					push @terms, { polar => $a->[0], sql => $a->[1], actor => 1 };
					next;
				}
			}
			my $a = pick($attr{$ht});
			push @terms, { polar => $a->[0], sql => $a->[1] };
		}
		# x in r.field over array columns (second generator): some
		# attribute terms become array terms
		if ($on{'in-array'})
		{
			foreach my $tm (@terms)
			{
				next if $tm->{has} || !chance2(0.3);
				my @ok = grep { !$_->[3] || $named } @{ $array_attr{$ht} };
				next unless @ok;
				my $a = pick2(\@ok);
				%$tm = (polar => $a->[0], sql => $a->[1], actor => $a->[3]);
				$made{'in-array'}++;
			}
		}
		# the flat chain: terms joined by and / or, some negated (never a
		# has_role: its negation is not a monotone rule)
		my (@tok, @words);
		my $nvar = 0;
		for my $j (0 .. $#terms)
		{
			my $neg = 0;
			if ($j > 0)
			{
				my $op = chance(0.5) ? 'and' : 'or';
				push @tok, $op;
				push @words, $op;
			}
			if (!$terms[$j]{has} && chance(0.3))
			{
				push @tok, 'not';
				push @words, 'not';
				$neg = 1;
				if (chance(0.15)) { push @tok, 'not'; push @words, 'not'; }
			}
			push @tok, [ 'term', $j ];
			my $polar = $terms[$j]{polar};
			# a relation path as an existential join (second generator):
			# "p matches Proj and has_relation(r, "proj", p) and ... p",
			# conjuncts of the term's own and-group (never under not)
			if ($on{matches} && !$neg && $polar =~ /\br\.(proj|org)\b/ && chance2(0.6))
			{
				my @join;
				my $from = 'r';
				my $t = $ht;
				while ($polar =~ /\b\Q$from\E\.(proj|org)\b/)
				{
					my $r = $1;
					my ($u) = @{ $rel{$t}{$r} };
					my $x = lc(substr($u, 0, 1)) . ++$nvar;
					push @join, "$x matches $u and has_relation($from, \"$r\", $x)";
					$polar =~ s/\b\Q$from\E\.$r\b/$x/g;
					($from, $t) = ($x, $u);
				}
				$polar = join(' and ', @join, $polar);
				$made{matches}++;
			}
			push @words, $polar;
		}
		my $uses_v = grep { $_->{actor} || $_->{has} } @terms;
		my $ap =
		    $param eq 'bare' ? '_'
		  : $uses_v          ? "v: $param"
		  :                    "_: $param";
		my $body = join(' ', @words);
		# a variable role name fixed by the body (second generator):
		# role = "X" and (BODY), or role in ["X", "Y"] and (BODY)
		my @heads = ($term);
		my $text = ($is_role ? 'has_role' : 'has_permission') . "($ap, \"$term\", r: $ht) if $body;";
		if ($is_role && $on{'var-role'} && chance2(0.6))
		{
			my @others = grep { $_ ne $term } @{ $types{$ht}{roles} };
			push @heads, pick2(\@others) if @others && chance2(0.5);
			my $var = pick2([ 'role', 'role: String', 'name: String' ]);
			my ($vn) = $var =~ /^(\w+)/;
			my $fix = @heads == 1 ? "$vn = \"$term\"" : "$vn in [" . join(', ', map { "\"$_\"" } @heads) . ']';
			$text = "has_role($ap, $var, r: $ht) if $fix and ($body);";
			$made{'var-role'}++;
		}
		push @lastmile, {
			text => $text, heads => \@heads,
			head_type => $ht, term => $term, param => $param, terms => \@terms,
			tree => parse_body(@tok), has => $have_has };
	}

	# last-mile rules through a join table (third generator): has_role /
	# has_permission on r.rel holds on any row the join table relates,
	# combined with an attribute term by and / or (the term maybe
	# negated), or the same path written as a matches / has_relation join;
	# each { text, type, term, param, rel, pterm, op, cond }
	my @m2m_lastmile;
	if ($m2m_on)
	{
		# (through blockers, Task to Task, the head is "comment", which no
		# premise depends on: a last-mile rule recursing through a join
		# table costs a check time exponential in the join rows, see t/032)
		foreach my $c (
			[ 'Proj', 'partners', [ [ 'has_role', 'owner' ], [ 'has_role', 'member' ], [ 'has_permission', 'invite' ] ],
			  [ @{ $types{Proj}{roles} }, @{ $types{Proj}{perms} } ] ],
			[ 'Task', 'blockers', [ [ 'has_permission', 'ping' ], [ 'has_role', 'assignee' ] ], ['comment'] ])
		{
			my ($t, $r, $prem, $heads) = @$c;
			# (one through blockers: each costs a few ms per check and per
			# row under RLS)
			for (1 .. ($t eq 'Proj' && chance3(0.5) ? 2 : 1))
			{
				my ($fn, $pterm) = @{ pick3($prem) };
				my $term = pick3($heads);
				my $is_role = grep { $_ eq $term } @{ $types{$t}{roles} };
				my $param = pick3([qw(User Actor)]);
				my $a = pick3($attr{$t});
				my $neg = chance3(0.3);
				my $op = chance3(0.5) ? 'and' : 'or';
				my $u = $m2m{$t}{$r}[0];
				my $has = "$fn(v, \"$pterm\", r.$r)";
				my ($xrows, $xcond);
				# the join form of the same path (the construct m2m-joins),
				# maybe with a condition on the joined row, maybe negated:
				# the conjuncts hold on one related row, the same
				if (chance3(0.5) && $on{'m2m-joins'})
				{
					my $x = lc(substr($u, 0, 1)) . '9';
					my @conj = ("$fn(v, \"$pterm\", $x)");
					if (chance3(0.6))
					{
						my $xa = pick3($attr{$u});
						my $xneg = chance3(0.3);
						(my $xp = $xa->[0]) =~ s/\br\./$x./g;
						($xcond = $xa->[1]) =~ s/\b([top])0\./x$1./g;
						$xcond = $xneg ? "NOT coalesce(($xcond), false)" : "($xcond)";
						$xrows = $x_rows_sql{$u};
						push @conj, ($xneg ? 'not ' : '') . $xp;
						@conj = reverse @conj if chance3(0.5);
					}
					$has = "$x matches $u and has_relation(r, \"$r\", $x) and " . join(' and ', @conj);
					$made{'m2m-joins'}++;
				}
				my $attr = ($neg ? 'not ' : '') . $a->[0];
				my $body = $op eq 'and' ? "$has and $attr" : "$attr or $has";
				push @m2m_lastmile, {
					text => ($is_role ? 'has_role' : 'has_permission') . "(v: $param, \"$term\", r: $t) if $body;",
					type => $t, term => $term, param => $param, rel => $r, pterm => $pterm, op => $op,
					cond => ($neg ? 'NOT ' : '') . "coalesce(($a->[1]), false)",
					xrows => $xrows, xcond => $xcond };
				$made{m2m}++;
			}
		}
	}

	my $policy = join("\n\n", shuffle(@blocks)) . "\n\n"
	  . join("\n", map { $_->{text} } shuffle(@lastmile), @m2m_lastmile) . "\n";
	push @sql, "SELECT rbac.load_policy(\$polar\$\n$policy\$polar\$);";

	# --- tables and rows ---------------------------------------------------
	my @users = grep { chance(0.8) } @pool;
	my @groups = grep { chance(0.6) } @pool;
	push @users, 'c' unless grep { $_ eq 'c' } @users;
	push @groups, 'c' unless grep { $_ eq 'c' } @groups;
	my @orgs = map { "o$_" } 1 .. 6;
	my @projs = (1 .. 24);
	my @tasks = (101 .. 180);
	my %exists = (User => { map { $_ => 1 } @users }, Group => { map { $_ => 1 } @groups },
		Org => { map { $_ => 1 } @orgs }, Proj => { map { $_ => 1 } @projs },
		Task => { map { $_ => 1 } @tasks });

	my $maybe = sub { my ($p, $v) = @_; return chance($p) ? 'NULL' : $v; };
	# an array column's value (second generator): NULL, empty, a few
	# elements, sometimes with a NULL element
	my $array = sub {
		my $from = shift;
		return 'NULL' if chance2(0.1);
		my @e = grep { chance2(2.5 / @$from) } @$from;
		push @e, undef if chance2(0.1);
		return 'ARRAY[' . join(', ', map { defined $_ ? lit($_) : 'NULL' } @e) . ']::text[]';
	};
	my $org_row = sub {
		my $id = shift;
		return sprintf("(%s, %s, %s, %s)", lit($id),
			$maybe->(0.1, lit(pick([qw(free pro ent)]))), $maybe->(0.1, chance(0.4) ? 'true' : 'false'),
			$maybe->(0.1, irange(1, 20)));
	};
	my $proj_row = sub {
		my $id = shift;
		my $org = chance(0.08) ? lit('o9') : chance(0.05) ? 'NULL' : lit(pick(\@orgs));
		return sprintf("(%d, %s, %s, %s, %s, %s, %s, %s)", $id, $org,
			$maybe->(0.4, lit(pick(\@pool))), $maybe->(0.4, lit(pick(\@pool))),
			$maybe->(0.1, chance(0.3) ? 'true' : 'false'),
			$maybe->(0.1, lit(pick([qw(internal public secret)]))), $maybe->(0.1, irange(0, 100)),
			$array->(\@pool));
	};
	my $task_row = sub {
		my $id = shift;
		my $proj = chance(0.06) ? 99 : chance(0.04) ? 'NULL' : pick(\@projs);
		return sprintf("(%d, %s, %s, %s, %s, %s, %s, %s, %s)", $id, $proj,
			$maybe->(0.3, lit(pick(\@pool))), $maybe->(0.5, lit(pick(\@pool))),
			$maybe->(0.1, lit(pick([qw(open review closed)]))), $maybe->(0.1, irange(1, 5)),
			$maybe->(0.1, chance(0.5) ? 'true' : 'false'),
			$array->([qw(urgent db ui)]) . '::task_tag[]', $array->(\@pool));
	};
	push @sql,
	  'CREATE TABLE users (id text PRIMARY KEY);',
	  'CREATE TABLE groups (id text PRIMARY KEY, manager text);',
	  'CREATE TABLE orgs (id text PRIMARY KEY, plan text, listed boolean, seats int);',
	  'CREATE TABLE projs (id int PRIMARY KEY, org_id text, lead_id text, team_id text, '
	  . 'archived boolean, kind text, budget int, members text[]);',
	  # a task's status and tags are enums, read by label (SPEC 6.1),
	  # declared in an order that is not the labels' text order
	  "CREATE TYPE task_status AS ENUM ('review', 'open', 'closed');",
	  "CREATE TYPE task_tag AS ENUM ('ui', 'urgent', 'db');",
	  'CREATE TABLE tasks (id int PRIMARY KEY, proj_id int, owner_id text, squad_id text, '
	  . 'status task_status, prio int, flag boolean, tags task_tag[], watchers text[]);';
	push @sql, 'INSERT INTO users VALUES ' . join(', ', map { '(' . lit($_) . ')' } @users) . ';';
	push @sql, 'INSERT INTO groups VALUES '
	  . join(', ', map { '(' . lit($_) . ', ' . $maybe->(0.4, lit(pick(\@pool))) . ')' } @groups) . ';';
	push @sql, 'INSERT INTO orgs VALUES ' . join(', ', map { $org_row->($_) } @orgs) . ';';
	push @sql, 'INSERT INTO projs VALUES ' . join(', ', map { $proj_row->($_) } @projs) . ';';
	push @sql, 'INSERT INTO tasks VALUES ' . join(', ', map { $task_row->($_) } @tasks) . ';';

	# join tables (third generator): ends drawn among the rows' ids and ids
	# with no row, NULL ends, duplicated rows, a non-canonical text form
	# (relates nothing: ends are compared through their text form), and one
	# table left empty; rows are added and deleted again after the role data
	my %m2m_ids = (User => \@pool, Group => \@pool, Org => [ @orgs, 'o9' ],
		Proj => [ @projs, 99, 77 ], Task => [ @tasks, 999 ]);
	my %m2m_of = map { my $t = $_; map { $m2m{$t}{$_}[1] => [ $t, @{ $m2m{$t}{$_} } ] } keys %{ $m2m{$t} } } keys %m2m;
	my $join_rows = sub {
		my ($jt, $n) = @_;
		my ($t, $u) = @{ $m2m_of{$jt} };
		my $end = sub {
			my ($type, $text) = @_;
			return 'NULL' if chance3(0.06);
			my $id = pick3($m2m_ids{$type});
			return $id =~ /^\d+$/ && !$text ? $id : lit($id);
		};
		my ($ftext, $ttext) = map { /^\w+ (\w+)/ && $1 eq 'text' } split /, /, $m2m_table{$jt};
		my @rows = map { '(' . $end->($t, $ftext) . ', ' . $end->($u, $ttext) . ')' } 1 .. $n;
		push @rows, pick3(\@rows) for 1 .. 2;    # duplicates
		return @rows;
	};
	my $empty_join = pick3([ sort keys %m2m_table ]);
	if ($m2m_on)
	{
		foreach my $jt (sort keys %m2m_table)
		{
			push @sql, "CREATE TABLE $jt ($m2m_table{$jt});";
			next if $jt eq $empty_join;
			my $n = $jt eq 'task_helpers' ? 40 : $jt eq 'task_blockers' ? 30 : $jt eq 'user_mentors' ? 12 : 20;
			push @sql, "INSERT INTO $jt VALUES " . join(', ', $join_rows->($jt, $n)) . ';';
		}
		push @sql, "INSERT INTO task_blockers VALUES ('0' || " . lit(pick3(\@tasks)) . ', ' . pick3(\@tasks) . ');'
		  unless $empty_join eq 'task_blockers';
		push @sql, 'CREATE INDEX ON proj_partners (org_id);', 'CREATE INDEX ON task_blockers (blocker_id);',
		  'CREATE INDEX ON task_helpers (task_id, user_id);';
		push @sql, "-- empty join table: $empty_join";
	}
	my $through = sub {
		my ($t) = @_;
		return join(', ', map {
			my ($u, $jt, $from, $to) = @{ $m2m{$t}{$_} };
			"\"$_\": {\"through\": \"$jt\", \"from\": \"$from\", \"to\": \"$to\"}"
		} sort keys %{ $m2m{$t} });
	};
	# bind in a random order of types (relations named: no inference needed)
	my %bind = (
		User  => "SELECT rbac.bind('User', 'users');",
		Group => "SELECT rbac.bind('Group', 'groups');",
		Org   => "SELECT rbac.bind('Org', 'orgs');",
		Proj  => "SELECT rbac.bind('Proj', 'projs', relations => "
		  . "'{\"org\": \"org_id\", \"lead\": \"lead_id\", \"team\": \"team_id\"}');",
		Task => "SELECT rbac.bind('Task', 'tasks', relations => "
		  . "'{\"proj\": \"proj_id\", \"owner\": \"owner_id\", \"squad\": \"squad_id\"}');",
	);
	if ($m2m_on)
	{
		$bind{User} = "SELECT rbac.bind('User', 'users', relations => '{" . $through->('User') . "}');";
		$bind{$_} =~ s/\}'\);$/, @{[ $through->($_) ]}}');/ foreach qw(Proj Task);
	}
	push @sql, map { $bind{$_} } shuffle(sort keys %bind);

	# --- role data, tracked ---------------------------------------------------
	my (%asg, %mem, %cust);
	my $assign = sub {
		my ($actor, $role, $res, $exp) = @_;
		push @sql, sprintf("SELECT rbac.assign_role(%s, %s, %s, %s);", lit($actor), lit($role),
			defined $res ? lit($res) : 'NULL', $exp);
		$asg{ join('|', $actor, $role, $res // '') } = 1;
	};
	my $member = sub {
		my ($g, $m) = @_;
		push @sql, sprintf("SELECT rbac.add_member(%s, %s);", lit($g), lit($m));
		$mem{"$g|$m"} = 1;
	};
	my $pick_expiry = sub {
		my $x = rnd();
		return $x < 0.8 ? 'NULL' : $x < 0.9 ? "now() - interval '1 day'" : "now() + interval '1 day'";
	};
	my $pick_actor = sub {
		return chance(0.35) ? 'Group:' . pick(\@groups) : 'User:' . pick(\@users);
	};
	my $pick_resource = sub {
		my $t = pick([qw(Org Org Proj Proj Proj Task Task)]);
		my @ids = sort keys %{ $exists{$t} };
		return ($t, "$t:" . pick(\@ids));
	};
	# groups nested without cycles: a group joins groups earlier in a
	# random order; users join zero to two groups
	my @gorder = shuffle(@groups);
	for my $i (1 .. $#gorder)
	{
		next unless chance(0.7);
		my %seen;
		for (1 .. irange(1, 2))
		{
			my $g = $gorder[ irange(0, $i - 1) ];
			next if $seen{$g}++;
			$member->("Group:$g", "Group:$gorder[$i]");
		}
	}
	foreach my $u (@users)
	{
		my %seen;
		for (1 .. irange(0, 2))
		{
			my $g = pick(\@groups);
			next if $seen{$g}++;
			$member->("Group:$g", "User:$u");
		}
	}
	# custom roles on two organizations
	my @custom;
	foreach my $o ((shuffle(@orgs))[ 0 .. 1 ])
	{
		my $name = pick([qw(auditor helper)]);
		my @p = grep { chance(0.5) } @{ $types{Org}{perms} };
		my @i = grep { chance(0.3) } @{ $types{Org}{roles} };
		push @sql, sprintf("SELECT rbac.create_role(%s, %s, %s, %s);", lit("Org:$o"), lit($name),
			'ARRAY[' . join(', ', map { lit($_) } @p) . ']::text[]',
			'ARRAY[' . join(', ', map { lit($_) } @i) . ']::text[]');
		$cust{"Org|$o|$name"} = 1;
		push @custom, [ $o, $name ];
	}
	for (1 .. 70)
	{
		my ($t, $res) = $pick_resource->();
		$assign->($pick_actor->(), pick($types{$t}{roles}), $res, $pick_expiry->());
	}
	foreach my $c (@custom)
	{
		$assign->($pick_actor->(), $c->[1], "Org:$c->[0]", 'NULL') for 1 .. irange(1, 3);
	}
	# the roles declared only for wildcards (second generator)
	if ($wild)
	{
		for (1 .. 8)
		{
			my $t = pick2([qw(Proj Task)]);
			my @ids = sort keys %{ $exists{$t} };
			$assign->((chance2(0.3) ? 'Group:' . pick2(\@groups) : 'User:' . pick2(\@users)),
				$extra_roles{$t}[0], "$t:" . pick2(\@ids), 'NULL');
		}
	}
	$assign->($pick_actor->(), 'root', undef, 'NULL');
	$assign->($pick_actor->(), 'staff', undef, $pick_expiry->());
	$assign->('User:c', 'staff', undef, "now() - interval '1 hour'");

	# --- delete rows, re-create some, and write role data again ---------------
	my $delete = sub {
		my ($t, $table, $key, @ids) = @_;
		return unless @ids;
		my @l = map { $key eq 'int' ? $_ : lit($_) } @ids;
		push @sql, "DELETE FROM $table WHERE id IN (" . join(', ', @l) . ');';
		foreach my $id (@ids)
		{
			delete $exists{$t}{$id};
			my $ref = "$t:$id";
			foreach my $k (keys %asg)
			{
				my ($actor, $role, $res) = split /\|/, $k, -1;
				delete $asg{$k} if $actor eq $ref || $res eq $ref;
			}
			foreach my $k (keys %mem)
			{
				my ($g, $m) = split /\|/, $k;
				delete $mem{$k} if $g eq $ref || $m eq $ref;
			}
			delete $cust{$_} foreach grep { /^\Q$t|$id|\E/ } keys %cust;
		}
	};
	# a group that has members, if there is one
	my @gdel = grep { my $g = $_; grep { /^Group:\Q$g\E\|/ } keys %mem } shuffle(@groups);
	my @gone_groups = @gdel[ 0 .. ($#gdel < 1 ? $#gdel : 1) ];
	my @gone_users = (shuffle(@users))[ 0 .. 1 ];
	my @gone_orgs = (map { $_->[0] } @custom)[0];
	my @gone_projs = (shuffle(@projs))[ 0 .. 1 ];
	my @gone_tasks = (shuffle(@tasks))[ 0 .. 3 ];
	$delete->('Group', 'groups', 'text', @gone_groups);
	$delete->('User', 'users', 'text', @gone_users);
	$delete->('Org', 'orgs', 'text', @gone_orgs);
	$delete->('Proj', 'projs', 'int', @gone_projs);
	$delete->('Task', 'tasks', 'int', @gone_tasks);
	push @sql, 'INSERT INTO groups VALUES ' . join(', ', map { '(' . lit($_) . ', NULL)' } @gone_groups) . ';'
	  if @gone_groups;
	$exists{Group}{$_} = 1 foreach @gone_groups;
	push @sql, 'INSERT INTO users VALUES ' . join(', ', map { '(' . lit($_) . ')' } @gone_users) . ';';
	$exists{User}{$_} = 1 foreach @gone_users;
	push @sql, 'INSERT INTO orgs VALUES ' . join(', ', map { $org_row->($_) } @gone_orgs) . ';';
	$exists{Org}{$_} = 1 foreach @gone_orgs;
	push @sql, 'INSERT INTO projs VALUES ' . $proj_row->($gone_projs[0]) . ';';
	$exists{Proj}{ $gone_projs[0] } = 1;
	push @sql, 'INSERT INTO tasks VALUES ' . join(', ', map { $task_row->($_) } @gone_tasks[ 0 .. 1 ]) . ';';
	$exists{Task}{$_} = 1 foreach @gone_tasks[ 0 .. 1 ];
	# new grants, some to the re-created rows
	$member->("Group:$gone_groups[0]", 'User:' . pick(\@users)) if @gone_groups;
	for (1 .. 10)
	{
		my ($t, $res) = $pick_resource->();
		$assign->($pick_actor->(), pick($types{$t}{roles}), $res, 'NULL');
	}
	push @sql, '-- deleted: groups ' . join(' ', @gone_groups) . '; users ' . join(' ', @gone_users)
	  . '; org ' . join(' ', @gone_orgs) . '; projects ' . join(' ', @gone_projs)
	  . '; tasks ' . join(' ', @gone_tasks);
	# join rows added and deleted once the types are bound (no statement
	# on a join table touches role data; answers follow at once)
	if ($m2m_on)
	{
		foreach my $jt (sort keys %m2m_table)
		{
			next if $jt eq $empty_join;
			push @sql, "INSERT INTO $jt VALUES " . join(', ', $join_rows->($jt, 3)) . ';';
			my ($from) = split / /, $m2m_table{$jt};
			my ($t) = @{ $m2m_of{$jt} };
			my $id = pick3($m2m_ids{$t});
			push @sql, "DELETE FROM $jt WHERE ${from}::text = " . lit($id) . ';';
		}
	}

	# --- the reference ---------------------------------------------------------
	push @sql, 'SELECT ref.materialize();';
	foreach my $lm0 (@lastmile)
	{
		push @sql, "-- $lm0->{text}";
		if ($lm0->{fixed}) { push @sql, $lm0->{fixed}; next; }
		# one translation per head (a variable role head fixed to a list)
		foreach my $head (@{ $lm0->{heads} // [ $lm0->{term} ] })
		{
			my $lm = { %$lm0, term => $head };
			my $ht = $lm->{head_type};
			my $filter =
			    $lm->{param} eq 'bare'  ? 'true'
			  : $lm->{param} eq 'Actor' ? "a.type <> ''"
			  :                           "a.type = '$lm->{param}'";
			my $from = "ref.actor a CROSS JOIN $rows_sql{$ht}";
			if (!$lm->{tree})
			{
				push @sql, "INSERT INTO ref.lm_fact SELECT a.type, a.id, '$ht', $key_sql{$ht}, "
				  . lit($lm->{term}) . " FROM $from WHERE $filter;";
				next;
			}
			my $f0 = tree_sql($lm->{tree}, $lm->{terms}, 'false');
			push @sql, "INSERT INTO ref.lm_fact SELECT a.type, a.id, '$ht', $key_sql{$ht}, "
			  . lit($lm->{term}) . " FROM $from WHERE $filter AND $f0;";
			next unless $lm->{has};
			my ($h) = grep { $_->{has} } @{ $lm->{terms} };
			my $f1 = tree_sql($lm->{tree}, $lm->{terms}, 'true');
			my $per_actor = grep { $_->{actor} } @{ $lm->{terms} };
			my $a_type = $lm->{param} eq 'Actor' ? 'NULL' : lit($lm->{param});
			if ($per_actor)
			{
				push @sql, "INSERT INTO ref.lm_link SELECT DISTINCT a.type, '$h->{ptype}', $h->{pid}, "
				  . lit($h->{pterm}) . ", '$ht', $key_sql{$ht}, " . lit($lm->{term}) . ", a.id "
				  . "FROM $from WHERE $filter AND $h->{pid} IS NOT NULL AND $f1 AND NOT $f0;";
			}
			else
			{
				push @sql, "INSERT INTO ref.lm_link SELECT DISTINCT $a_type, '$h->{ptype}', $h->{pid}, "
				  . lit($h->{pterm}) . ", '$ht', $key_sql{$ht}, " . lit($lm->{term}) . ", NULL "
				  . "FROM $rows_sql{$ht} WHERE $h->{pid} IS NOT NULL AND $f1 AND NOT $f0;";
			}
		}
	}
	# shorthand rules with conditions: each compiled disjunct holds for any
	# actor (never nobody) when its term holds and the row's condition does,
	# and when it tests a global role, for the actors that hold it (or not):
	# directly or through a group, unexpired
	push @sql, 'CREATE TABLE ref.global_held AS WITH RECURSIVE c(a_type, a_id, p_type, p_id) AS ('
	  . "SELECT type, id, type, id FROM ref.actor WHERE type <> '' UNION "
	  . 'SELECT c.a_type, c.a_id, m.group_type, m.group_id FROM c JOIN rbac.membership m '
	  . 'ON m.member_type = c.p_type AND m.member_id = c.p_id) '
	  . 'SELECT DISTINCT c.a_type, c.a_id, s.role FROM c JOIN rbac.assignment s '
	  . 'ON s.actor_type = c.p_type AND s.actor_id = c.p_id '
	  . 'WHERE s.resource_type IS NULL AND (s.expires_at IS NULL OR s.expires_at > now());'
	  if grep { $_->{global} } @conds;
	foreach my $c (@conds)
	{
		my $t = $c->{type};
		push @sql, "-- $t: $c->{text}";
		foreach my $d (@{ $c->{compiled} })
		{
			my ($atom, $cond, $gl) = @$d;
			my $head = lit($c->{head});
			# the global role test on the actor (type, id)
			my $gtest = sub {
				my ($ty, $id) = @_;
				return 'true' unless $gl;
				return ($gl->[1] ? 'NOT ' : '') . 'EXISTS (SELECT 1 FROM ref.global_held g '
				  . "WHERE g.a_type = $ty AND g.a_id = $id AND g.role = " . lit($gl->[0]) . ')';
			};
			if (!$atom)
			{
				push @sql, "INSERT INTO ref.lm_fact SELECT a.type, a.id, '$t', $key_sql{$t}, $head "
				  . "FROM ref.actor a CROSS JOIN $rows_sql{$t} WHERE a.type <> '' AND $cond AND "
				  . $gtest->('a.type', 'a.id') . ';';
				next;
			}
			my (undef, $kind, $term, $r) = @$atom;
			# a premise for any actor, or with a global role test, for each
			# actor that passes it
			my ($who, $who_id, $from, $where) = ('NULL', 'NULL', '', '');
			($who, $who_id, $from, $where) =
			  ('a.type', 'a.id', 'ref.actor a CROSS JOIN ', "a.type <> '' AND " . $gtest->('a.type', 'a.id') . ' AND ')
			  if $gl;
			if ($kind eq 'local')
			{
				push @sql, "INSERT INTO ref.lm_link SELECT $who, '$t', $key_sql{$t}, " . lit($term)
				  . ", '$t', $key_sql{$t}, $head, $who_id FROM $from$rows_sql{$t} WHERE $where$cond;";
				next;
			}
			my ($u, $col) = @{ $rel{$t}{$r} };
			my $alias = substr($key_sql{$t}, 0, 2);
			if ($kind eq 'arel')
			{
				push @sql, "INSERT INTO ref.lm_fact SELECT '$u', $alias.$col, '$t', $key_sql{$t}, $head "
				  . "FROM $rows_sql{$t} WHERE $alias.$col IS NOT NULL AND $cond AND "
				  . $gtest->("'$u'", "$alias.${col}::text") . ';';
				next;
			}
			push @sql, "INSERT INTO ref.lm_link SELECT $who, '$u', $alias.${col}::text, " . lit($term)
			  . ", '$t', $key_sql{$t}, $head, $who_id FROM $from$rows_sql{$t} "
			  . "WHERE $where$alias.$col IS NOT NULL AND $cond;";
		}
	}
	# through join tables: a condition rule's compiled disjunct holds for
	# any actor with the role on any related row (ref.edge: the join rows
	# whose ends both have rows) when the condition holds; a last-mile rule
	# links the premise on each related row, and with "or" its attribute
	# term alone holds for every actor of its parameter's type
	foreach my $c (@m2m_conds)
	{
		my ($t, $head, $u, $role, $r, $cond) = @$c;
		push @sql, "-- $t: through a join table under a condition";
		if (!defined $r)
		{
			push @sql, "INSERT INTO ref.lm_fact SELECT a.type, a.id, '$t', $key_sql{$t}, " . lit($head)
			  . " FROM ref.actor a CROSS JOIN $rows_sql{$t} WHERE a.type <> '' AND $cond;";
			next;
		}
		push @sql, "INSERT INTO ref.lm_link SELECT DISTINCT NULL, e.target_type, e.target_id, " . lit($role)
		  . ", '$t', $key_sql{$t}, " . lit($head) . ", NULL FROM $rows_sql{$t} "
		  . "JOIN ref.edge e ON e.type = '$t' AND e.id = $key_sql{$t} AND e.rel = '$r' WHERE $cond;";
	}
	foreach my $lm (@m2m_lastmile)
	{
		my ($t, $r) = @$lm{qw(type rel)};
		push @sql, "INSERT INTO ref.lm_walk VALUES ('$t', '$r');";
		my $a_type = $lm->{param} eq 'Actor' ? 'NULL' : lit($lm->{param});
		my $filter = $lm->{param} eq 'Actor' ? "a.type <> ''" : "a.type = '$lm->{param}'";
		push @sql, "-- $lm->{text}";
		# a condition on the joined row: on the row the edge reaches
		my $x = $lm->{xcond} ? " JOIN $lm->{xrows} ON $x_key_sql{$m2m{$t}{$r}[0]} = e.target_id" : '';
		my @where = (($lm->{op} eq 'and' ? ($lm->{cond}) : ()), ($lm->{xcond} ? ($lm->{xcond}) : ()));
		push @sql, "INSERT INTO ref.lm_link SELECT DISTINCT $a_type, e.target_type, e.target_id, "
		  . lit($lm->{pterm}) . ", '$t', $key_sql{$t}, " . lit($lm->{term}) . ", NULL FROM $rows_sql{$t} "
		  . "JOIN ref.edge e ON e.type = '$t' AND e.id = $key_sql{$t} AND e.rel = '$r'$x"
		  . (@where ? ' WHERE ' . join(' AND ', @where) : '') . ';';
		push @sql, "INSERT INTO ref.lm_fact SELECT a.type, a.id, '$t', $key_sql{$t}, " . lit($lm->{term})
		  . " FROM ref.actor a CROSS JOIN $rows_sql{$t} WHERE $filter AND $lm->{cond};"
		  if $lm->{op} eq 'or';
	}
	# the plain shorthand rules the catalog must hold (wildcards expanded,
	# one-term disjuncts of conditions split off)
	push @sql, 'CREATE TABLE ref.expected_rule (type text, head text, head_kind text, body text, '
	  . 'body_kind text, via text);';
	push @sql, 'INSERT INTO ref.expected_rule VALUES '
	  . join(', ', map { my @f = split /\|/, $_, -1; '(' . join(', ', map { lit($_) } @f[0 .. 4])
		  . ', ' . ($f[5] eq '' ? 'NULL' : lit($f[5])) . ')' } sort keys %plain) . ';';
	push @sql, "INSERT INTO ref.extra_resource VALUES ('Task', '999'), ('Proj', '77'), ('Org', 'o0');";

	# the role data that must be left
	push @sql, 'CREATE TABLE ref.expected_assignment (actor text, role text, resource text);';
	push @sql, 'INSERT INTO ref.expected_assignment VALUES '
	  . join(', ', map { my @f = split /\|/, $_, -1; '(' . lit($f[0]) . ', ' . lit($f[1]) . ', '
		  . ($f[2] eq '' ? 'NULL' : lit($f[2])) . ')' } sort keys %asg) . ';' if %asg;
	push @sql, 'CREATE TABLE ref.expected_membership (grp text, member text);';
	push @sql, 'INSERT INTO ref.expected_membership VALUES '
	  . join(', ', map { my @f = split /\|/; '(' . lit($f[0]) . ', ' . lit($f[1]) . ')' } sort keys %mem) . ';'
	  if %mem;
	push @sql, 'CREATE TABLE ref.expected_custom_role (tenant text, name text);';
	push @sql, 'INSERT INTO ref.expected_custom_role VALUES '
	  . join(', ', map { my @f = split /\|/; '(' . lit("$f[0]:$f[1]") . ', ' . lit($f[2]) . ')' } sort keys %cust)
	  . ';' if %cust;

	return { policy => $policy, sql => join("\n", @sql) . "\n",
		rules => [ (map { $_->{text} } @lastmile, @m2m_lastmile), @extra_rules ], pool => \@pool, made => \%made,
		users => [ sort keys %{ $exists{User} } ], groups => [ sort keys %{ $exists{Group} } ] };
}

1;
