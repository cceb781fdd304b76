# Crash safety (issue 6, item 4): the whole server -- postmaster and every
# backend -- is killed with SIGKILL, with fsync on, at seeded random moments
#   (a) during a bulk load of role data: a COPY into rbac.role_assignments
#       and a long transaction of assign_role calls, while another session
#       commits one assign_role per transaction and the client records each
#       acknowledged commit;
#   (b) during rbac.load_policy of a big policy replacing another big one,
#       with bound tables under generated row-level security (so the load
#       regenerates their policies), while assignments keep being committed.
# After each restart: every acknowledged commit is there; an interrupted
# load is entirely there or entirely absent, audit rows included; the
# policy is exactly the old or exactly the new one, and its model tables,
# the generated policies in pg_policies, rbac.is_allowed decisions and what
# RLS shows all match that version as recorded from uninterrupted loads; the
# B-tree indexes of the catalogs pass amcheck.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use Time::HiRes qw(time sleep);

my $src_dir = $ENV{RBAC_SRC} // '../..';
my $policy  = slurp_file("$src_dir/examples/gitclub.polar");
my $seed    = 6004;
srand($seed);

my $bulk_rows   = 60_000;     # rows of each interrupted COPY
my $long_stmts  = 100;        # statements of 100 assign_role calls in the long transaction
my $long_rows   = $long_stmts * 100;
my $stream_rows = 20_000;     # more single-assignment transactions than can run before the kill
my $gen_types   = 5_000;      # generated resource types in each big policy
my $min_interrupted = 3;      # kills that must find the load unacknowledged, per scenario
my $max_rounds      = 8;

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
# PostgreSQL::Test::Cluster turns fsync off; durability is the claim here.
$node->append_conf('postgresql.conf',
	"fsync = on\nsynchronous_commit = on\nfull_page_writes = on\nlog_statement = none\n"
	  . "max_wal_size = 1GB\n");
$node->start;
is($node->safe_psql('postgres', q{SELECT current_setting('fsync') || current_setting('synchronous_commit')}),
	'onon', 'fsync and synchronous_commit are on');
my $dir = $node->basedir;

# Kill the postmaster and all its children at once (as a power cut or the
# OOM killer would), wait until they are gone, and start again.
sub crash_and_restart
{
	my $pidfile = $node->data_dir . '/postmaster.pid';
	my ($pm) = split /\n/, slurp_file($pidfile);
	my @children;
	opendir(my $dh, '/proc') or die "no /proc: $!";
	for my $p (grep { /^\d+$/ } readdir $dh)
	{
		my $stat = eval { slurp_file("/proc/$p/stat") } // next;
		push @children, $p if $stat =~ /^\d+ \(.*\) \S (\d+) / && $1 == $pm;
	}
	closedir $dh;
	kill 'KILL', @children, $pm;
	$node->kill9;    # bookkeeping of the node (the signal is already sent)
	# Wait until they are gone, reaped included: a zombie postmaster still
	# "exists" for the new one's check of postmaster.pid.  If whatever
	# adopted it does not reap it, remove the stale file ourselves, as it
	# would be after a power cut.
	my $deadline = time + 10;
	for my $p ($pm, @children)
	{
		while (time < $deadline)
		{
			my $stat = eval { slurp_file("/proc/$p/stat") } // last;
			last if $p != $pm && $stat =~ /^\d+ \(.*\) [ZX] /;
			sleep 0.05;
		}
	}
	if (-e "/proc/$pm")
	{
		note("postmaster $pm not reaped; removing postmaster.pid");
		unlink $pidfile;
	}
	return scalar(@children);
}

# A psql running a script file in the background, output to a file
# (line-buffered, so what it printed survives it), stopping at the first
# error.
sub start_psql
{
	my ($db, $script, $out) = @_;
	return IPC::Run::start(
		[
			'stdbuf', '-oL', 'psql', '-X', '-At', '-v', 'ON_ERROR_STOP=1',
			'-d', $node->connstr($db), '-f', $script
		],
		'<', \undef, '>', $out, '2>', "$out.err", IPC::Run::timeout(600));
}

sub write_file
{
	my ($file, $text) = @_;
	open(my $fh, '>', $file) or die "could not write $file: $!";
	print $fh $text;
	close($fh);
	chmod 0644, $file;
}

# A script of single-assignment transactions; each acknowledged commit
# prints "ack:N:true".
sub stream_script
{
	my ($file, $prefix) = @_;
	write_file($file,
		join('',
			map { "SELECT 'ack:$_:' || rbac.assign_role('User:${prefix}_$_', 'reader', 'Repository:"
				  . ($_ % 500 + 1) . "');\n" } 1 .. $stream_rows));
}

# When to kill: wait until the load's statement runs, then a seeded random
# part of its uninterrupted duration, scaled down after each kill that came
# too late (the machine is shared: durations vary from run to run).
my $kill_scale = 1;

sub kill_delay
{
	my ($duration, $query) = @_;
	$node->poll_query_until('postgres',
		qq{SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE '$query'
		                  AND pid <> pg_backend_pid())})
	  or die "the load did not start";
	return $duration * $kill_scale * (0.05 + 0.9 * rand());
}

sub kill_outcome
{
	my ($interrupted) = @_;
	$kill_scale /= 2 if !$interrupted;
}

# Stop a stream without a crash, and wait for its backend to finish the
# statement in flight.
sub stop_stream
{
	my ($h) = @_;
	$h->signal('TERM');
	$h->finish;
	$node->poll_query_until('postgres',
		q{SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()})
	  or die 'a stream backend does not end';
}

# The acknowledged commits of a stream, checked to be 1..n in order.
sub stream_acks
{
	my ($out) = @_;
	my @acks = (slurp_file($out) =~ /^ack:(\d+):true$/mg);
	for my $i (0 .. $#acks)
	{
		die "stream output out of order at $i" if $acks[$i] != $i + 1;
	}
	return scalar(@acks);
}

# What is stored of a stream: its ids, which must be 1..m with m the number
# of acknowledged commits or one more (the commit in flight at the kill).
sub check_stream
{
	my ($db, $prefix, $acked, $what) = @_;
	my @ids = sort { $a <=> $b } split /\n/, $node->safe_psql($db,
		"SELECT substr(actor_id, length('${prefix}_') + 1) FROM rbac.assignment WHERE actor_id LIKE '${prefix}\\_%'");
	my $m = scalar(@ids);
	my $prefix_ok = !grep { $ids[$_] != $_ + 1 } 0 .. $#ids;
	ok($prefix_ok && $m >= $acked && $m <= $acked + 1,
		"$what: the $acked acknowledged single assignments are stored ($m, without gaps)");
	is($node->safe_psql($db,
			"SELECT count(*) FROM rbac.audit_log WHERE operation = 'assign_role' AND detail->>'actor' LIKE 'User:${prefix}\\_%'"),
		$m, "$what: ... each with its audit row");
	return $m;
}

# B-tree indexes of the extension's tables pass amcheck, heap included.
sub check_indexes
{
	my ($db, $what) = @_;
	is( $node->safe_psql(
			$db, q{SELECT count(*) FROM (SELECT bt_index_check(i.indexrelid, true) FROM pg_index i
			       JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
			       JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
			       WHERE n.nspname = 'rbac' AND am.amname = 'btree') s}),
		$node->safe_psql($db, q{SELECT count(*) FROM pg_indexes WHERE schemaname = 'rbac'}),
		"$what: every index of the rbac tables passes amcheck");
}

# ---------------------------------------------------------------------
# (a) bulk role-data load
# ---------------------------------------------------------------------
$node->safe_psql('postgres', 'CREATE EXTENSION pg_rbac');
$node->safe_psql('postgres', 'CREATE EXTENSION amcheck');
$node->safe_psql('postgres', "SELECT rbac.load_policy(\$policy\$$policy\$policy\$)");
$node->safe_psql(
	'postgres', q{
CREATE TABLE orgs (id int PRIMARY KEY);
CREATE TABLE repos (id int PRIMARY KEY, org_id int NOT NULL REFERENCES orgs, is_public boolean NOT NULL DEFAULT false);
INSERT INTO orgs SELECT g FROM generate_series(1, 20) g;
INSERT INTO repos SELECT g, g % 20 + 1 FROM generate_series(1, 2000) g;
SELECT rbac.bind('Organization', 'orgs');
SELECT rbac.bind('Repository', 'repos');
SELECT rbac.enable_rls('repos');
});

my $expected_total = 0;    # assignments that must be stored
my $bulk_present   = 0;    # bulk loads stored
my ($kills_a, $interrupted_a, $copy_absent, $long_absent, $checks_a0) = (0, 0, 0, 0, Test::More->builder->current_test);
my ($t_copy, $t_long);
for my $round (0 .. $max_rounds)
{
	my $calibrate = $round == 0;
	my $what      = $calibrate ? 'bulk, no kill' : "bulk, kill $round";
	my ($b, $l, $s) = ("b$round", "l$round", "s$round");
	write_file("$dir/$b.tsv",
		join('', map { "User:${b}_$_\treader\tRepository:" . ($_ % 2000 + 1) . "\t\\N\n" } 1 .. $bulk_rows));
	write_file("$dir/$b.sql", "COPY rbac.role_assignments FROM '$dir/$b.tsv';\n");
	write_file("$dir/$l.sql",
		"BEGIN;\n"
		  . join('', map { "SELECT count(*) FROM generate_series(1, 100) i, rbac.assign_role('User:${l}_' || ($_ * 100 + i), 'maintainer', 'Repository:' || i);\n" } 0 .. $long_stmts - 1)
		  . "COMMIT;\n\\echo long-acked\n");
	stream_script("$dir/$s.sql", $s);

	my $t0 = time;
	my $hs = start_psql('postgres', "$dir/$s.sql", "$dir/$s.out");
	my $hb = start_psql('postgres', "$dir/$b.sql", "$dir/$b.out");
	my $hl = start_psql('postgres', "$dir/$l.sql", "$dir/$l.out");
	my $delay;
	if ($calibrate)
	{
		$hb->finish;
		$t_copy = time - $t0;
		$hl->finish;
		$t_long = time - $t0;
		stop_stream($hs);
		diag(sprintf('uninterrupted: COPY of %d rows %.1f s, %d assign_role calls in one transaction %.1f s, '
				  . 'single-assignment commits meanwhile: %d',
				$bulk_rows, $t_copy, $long_rows, $t_long, stream_acks("$dir/$s.out")));
	}
	else
	{
		$delay = kill_delay($t_copy, 'COPY rbac.role_assignments%');
		sleep $delay;
		my $n = crash_and_restart();
		$kills_a++;
		$_->finish for ($hs, $hb, $hl);
		$node->start;
		note(sprintf('round %d: killed the postmaster and %d children %.2f s into the COPY', $round, $n, $delay));
	}

	my $copy_acked = slurp_file("$dir/$b.out") =~ /^COPY $bulk_rows$/m;
	my $long_acked = slurp_file("$dir/$l.out") =~ /^long-acked$/m;
	my $acked      = stream_acks("$dir/$s.out");
	ok($copy_acked && $long_acked, "$what: the loads completed") if $calibrate;
	kill_outcome(!$copy_acked) if !$calibrate;
	$interrupted_a++ if !$calibrate && !$copy_acked;

	my $nb = $node->safe_psql('postgres', "SELECT count(*) FROM rbac.assignment WHERE actor_id LIKE '${b}\\_%'");
	my $nl = $node->safe_psql('postgres', "SELECT count(*) FROM rbac.assignment WHERE actor_id LIKE '${l}\\_%'");
	ok($nb == $bulk_rows || (!$copy_acked && $nb == 0),
		"$what: the COPY is " . ($copy_acked ? 'acknowledged and' : 'unacknowledged and all or nothing:')
		  . " $nb of $bulk_rows rows stored");
	ok($nl == $long_rows || (!$long_acked && $nl == 0),
		"$what: the long transaction is " . ($long_acked ? 'acknowledged and' : 'unacknowledged and all or nothing:')
		  . " $nl of $long_rows assignments stored");
	$copy_absent++ if $nb == 0;
	$long_absent++ if $nl == 0;
	$bulk_present++ if $nb > 0;
	is($node->safe_psql('postgres',
			"SELECT count(*) FROM rbac.audit_log WHERE operation = 'assign_role' AND detail->>'actor' LIKE 'User:${l}\\_%'"),
		$nl, "$what: the long transaction's audit rows follow its assignments");
	is( $node->safe_psql(
			'postgres',
			q{SELECT coalesce(sum((detail->>'rows')::int), 0) || '/' || coalesce(sum((detail->>'inserted')::int), 0)
			  FROM rbac.audit_log WHERE operation = 'bulk_assign'}),
		($bulk_present * $bulk_rows) . '/' . ($bulk_present * $bulk_rows),
		"$what: the bulk audit rows follow the bulk loads stored ($bulk_present)");
	my $m = check_stream('postgres', $s, $acked, $what);
	$expected_total += $nb + $nl + $m;
	is($node->safe_psql('postgres', 'SELECT count(*) FROM rbac.assignment'),
		$expected_total, "$what: nothing of earlier rounds is lost ($expected_total assignments)");
	check_indexes('postgres', $what);

	# The checks see what is stored.
	my $sample = join(',', map { "('User:${s}_$_', 'Repository:" . ($_ % 500 + 1) . "')" } grep { $_ <= $m } (1, 2, int($m / 2) || 1, $m || 1));
	is( $node->safe_psql(
			'postgres', qq{SELECT bool_and(rbac.is_allowed(a, 'read', r))
			               AND bool_and(rbac.is_allowed('User:${b}_7', 'read', 'Repository:8') = ($nb > 0))
			               AND bool_and(rbac.is_allowed('User:${l}_101', 'push', 'Repository:1') = ($nl > 0))
			               FROM (VALUES $sample) v(a, r)}),
		't', "$what: is_allowed agrees with what is stored")
	  if $m > 0;

	last if $round >= 3 && $interrupted_a >= $min_interrupted;
}
my $checks_a = Test::More->builder->current_test - $checks_a0;
cmp_ok($interrupted_a, '>=', $min_interrupted, "(a) $interrupted_a kills came before the COPY was acknowledged");
diag("(a) bulk load: $kills_a kills, $interrupted_a before the COPY was acknowledged; COPY absent after $copy_absent, "
	  . "long transaction absent after $long_absent restarts; $checks_a checks");

# ---------------------------------------------------------------------
# (b) policy load
# ---------------------------------------------------------------------
$node->safe_psql('postgres', 'CREATE DATABASE pol');
$node->safe_psql('pol', 'CREATE EXTENSION pg_rbac');
$node->safe_psql('pol', 'CREATE EXTENSION amcheck');

# Two big policies: GitClub and 5,000 generated types.  B differs from A
# in GitClub (members of an organization no longer read its repositories;
# Repository gains a permission "archive") and in every generated type (a
# role "auditor").  Both declare the roles the role data uses.
sub big_policy
{
	my ($variant, $round) = @_;
	my $p = $policy;
	if ($variant eq 'B')
	{
		$p =~ s/\n\s*"reader" if "member" on "parent";[^\n]*//          or die;
		$p =~ s/("delete", "manage_roles")\]/$1, "archive"]/            or die;
		$p =~ s/(\n\s*"delete" if "admin";)/$1\n  "archive" if "admin";/ or die;
	}
	my $extra = $variant eq 'B' ? ', "auditor"' : '';
	$p .= "\n# version $variant, round $round\n";
	for my $i (1 .. $gen_types)
	{
		my $prev = $i > 1 ? $i - 1 : 1;
		$p .= <<"END";
resource T$i {
  roles = ["owner", "editor", "viewer"$extra];
  permissions = ["read", "write", "delete", "share"];
  relations = { parent: T$prev, creator: User };
  "editor" if "owner";
  "viewer" if "editor";
  "read" if "viewer";
  "write" if "editor";
  "delete" if "owner";
  "viewer" if "viewer" on "parent";
  "delete" if "creator";
  "read" if global "superadmin";
END
		$p .= qq{  "viewer" if "auditor";\n} if $variant eq 'B';
		$p .= "}\n";
	}
	my $file = "$dir/policy_${variant}_$round.polar";
	write_file($file, $p);
	return $file;
}

$node->safe_psql(
	'pol', q{
CREATE TABLE orgs (id int PRIMARY KEY);
CREATE TABLE repos (id int PRIMARY KEY, org_id int NOT NULL REFERENCES orgs, is_public boolean NOT NULL DEFAULT false);
CREATE TABLE issues (id int PRIMARY KEY, repo_id int NOT NULL REFERENCES repos, creator text,
                     visibility text NOT NULL DEFAULT 'private');
INSERT INTO orgs VALUES (1), (2), (3);
INSERT INTO repos SELECT g, (g - 1) % 3 + 1, g = 6 FROM generate_series(1, 6) g;
INSERT INTO issues SELECT g, (g - 1) % 6 + 1, CASE WHEN g = 1 THEN 'cr' END, CASE WHEN g % 4 = 0 THEN 'internal' ELSE 'private' END
  FROM generate_series(1, 12) g;
CREATE ROLE app;
GRANT SELECT ON orgs, repos, issues TO app;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO app;
CREATE FUNCTION try_allowed(a text, p text, r text) RETURNS text LANGUAGE plpgsql AS
$$BEGIN RETURN rbac.is_allowed(a, p, r)::text; EXCEPTION WHEN OTHERS THEN RETURN 'error ' || SQLSTATE; END$$;
});
my $first = big_policy('A', 0);
my $t1 = time;
$node->safe_psql('pol', "SELECT rbac.load_policy(pg_read_file('$first'))");
my $t_load_a = time - $t1;
$node->safe_psql(
	'pol', q{
SELECT rbac.bind('Organization', 'orgs');
SELECT rbac.bind('Repository', 'repos');
SELECT rbac.bind('Issue', 'issues', NULL, '{"repository": "repo_id", "creator": "creator"}');
SELECT rbac.enable_rls('repos');
SELECT rbac.enable_rls('issues');
SELECT rbac.assign_role('User:own', 'owner', 'Organization:1');
SELECT rbac.assign_role('User:mem', 'member', 'Organization:2');
SELECT rbac.assign_role('User:rd', 'reader', 'Repository:3');
SELECT rbac.assign_role('User:adm', 'admin', 'Repository:4');
SELECT rbac.assign_role('Group:team', 'maintainer', 'Repository:5');
SELECT rbac.add_member('Group:team', 'User:tm');
SELECT rbac.assign_role('User:root', 'superadmin');
SELECT rbac.assign_role('User:ed', 'editor', 'T17:1');
});

my @users  = map { "User:$_" } qw(own mem rd adm tm root cr ed nobody);
my @actors = (@users, 'Group:team');
my @perms  = qw(read push delete manage_roles archive close write);
my @resources = ((map { "Organization:$_" } 1 .. 3), (map { "Repository:$_" } 1 .. 6),
	(map { "Issue:$_" } 1 .. 8), 'T17:1', 'T18:1');
my $decisions_each = @actors * @perms * @resources;
my $values = join(',', map { my $a = $_; map { my $p = $_; map { "('$a', '$p', '$_')" } @resources } @perms } @actors);

# Everything that depends on the policy, as text.
my %state_sql = (
	model => q{SELECT count(*) || ' ' || md5(string_agg(x, E'\n' ORDER BY x)) FROM (
	  SELECT 'type ' || concat_ws(' ', name, kind) FROM rbac.policy_type
	  UNION ALL SELECT 'term ' || concat_ws(' ', type, name, kind, target) FROM rbac.policy_term
	  UNION ALL SELECT 'global ' || name FROM rbac.policy_global_role
	  UNION ALL SELECT 'rule ' || concat_ws(' ', type, ord, head, head_kind, body, body_kind, via) FROM rbac.policy_rule
	  UNION ALL SELECT 'lastmile ' || concat_ws(' ', ord, kind, actor_kind, actor_type, name, resource_type, source)
	            FROM rbac.policy_lastmile) s(x)},
	rls => q{SELECT string_agg(concat_ws(' | ', tablename, policyname, cmd, qual, with_check), E'\n' ORDER BY tablename, policyname)
	         FROM pg_policies WHERE schemaname = 'public'},
	decisions => qq{SELECT string_agg(a || ' ' || p || ' ' || r || ' ' || try_allowed(a, p, r), E'\\n')
	                FROM (VALUES $values) v(a, p, r)},);

sub policy_state
{
	my %s = map { $_ => $node->safe_psql('pol', $state_sql{$_}) } keys %state_sql;
	my $sees = "SET ROLE app;\n"
	  . join('',
		map { "SELECT rbac.set_actor('$_');\nSELECT '$_ sees ' || (SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM repos) || ' / ' || (SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM issues);\n" }
		  @users);
	$s{sees} = join("\n", grep { /sees/ } split /\n/, $node->safe_psql('pol', $sees));
	return \%s;
}
my %expected = (A => policy_state());
# The replacement is timed with single assignments committed meanwhile, as
# in the rounds below.
my $second = big_policy('B', 0);
write_file("$dir/p0.load.sql", "SELECT rbac.load_policy(pg_read_file('$second'));\n\\echo load-acked\n");
stream_script("$dir/p0.sql", 'p0');
my $hs0 = start_psql('pol', "$dir/p0.sql", "$dir/p0.out");
$t1 = time;
my $hp0 = start_psql('pol', "$dir/p0.load.sql", "$dir/p0.load.out");
$hp0->finish;
my $t_load_b = time - $t1;
stop_stream($hs0);
like(slurp_file("$dir/p0.load.out"), qr/^load-acked$/m, 'policy, no kill: the replacement completed');
check_stream('pol', 'p0', stream_acks("$dir/p0.out"), 'policy, no kill');
$expected{B} = policy_state();
diag(sprintf('uninterrupted: load_policy of %d types (%.1f MB) %.1f s, replacing it (single assignments committed meanwhile) %.1f s',
		$gen_types, (-s $first) / 1e6, $t_load_a, $t_load_b));

# The two versions differ in every respect compared, and as the policies say.
for my $k (sort keys %state_sql, 'sees')
{
	isnt($expected{A}{$k}, $expected{B}{$k}, "versions A and B differ in $k");
}
like($expected{A}{decisions}, qr/^User:mem read Repository:2 true$/m, 'A: a member of the parent reads a repository');
like($expected{B}{decisions}, qr/^User:mem read Repository:2 false$/m, 'B: it does not');
like($expected{A}{decisions}, qr/^User:adm archive Repository:4 error 42704$/m, 'A: archive is no permission');
like($expected{B}{decisions}, qr/^User:adm archive Repository:4 true$/m, 'B: an admin may archive');
like($expected{A}{sees}, qr/^User:mem sees 2,5,6 \/ 2,5,6,8,11,12$/m, 'A: what the member sees under RLS');
like($expected{B}{sees}, qr/^User:mem sees 6 \/ 6,8,12$/m, 'B: what the member sees under RLS (the public repository, its issues, and an internal issue of its organization)');

my ($cur, $cur_v) = ($second, 'B');
$kill_scale = 1;
my $loads = 2;    # successful load_policy calls, as audited
my ($kills_b, $interrupted_b, $kept_old, $decisions_b, $checks_b0) = (0, 0, 0, 0, Test::More->builder->current_test);
for my $round (1 .. $max_rounds)
{
	my $new_v = $cur_v eq 'A' ? 'B' : 'A';
	my $new   = big_policy($new_v, $round);
	my $what  = "policy, kill $round";
	my $s     = "p$round";
	write_file("$dir/$s.load.sql",
		"SELECT rbac.load_policy(pg_read_file('$new'));\n\\echo load-acked\n");
	stream_script("$dir/$s.sql", $s);

	my $hs = start_psql('pol', "$dir/$s.sql", "$dir/$s.out");
	my $hp = start_psql('pol', "$dir/$s.load.sql", "$dir/$s.load.out");
	my $delay = kill_delay($t_load_b, 'SELECT rbac.load_policy(%');
	sleep $delay;
	my $n = crash_and_restart();
	$kills_b++;
	$_->finish for ($hs, $hp);
	$node->start;
	note(sprintf('round %d: killed the postmaster and %d children %.2f s into load_policy', $round, $n, $delay));

	my $load_acked = slurp_file("$dir/$s.load.out") =~ /^load-acked$/m;
	kill_outcome(!$load_acked);
	$interrupted_b++ if !$load_acked;
	my $which = $node->safe_psql('pol',
		"SELECT (rbac.policy_source() = pg_read_file('$cur'))::int::text || (rbac.policy_source() = pg_read_file('$new'))::int::text");
	ok($which eq '10' && !$load_acked || $which eq '01',
		"$what: the policy is exactly the old or the new one ("
		  . ($which eq '10' ? 'old' : $which eq '01' ? 'new' : "neither: $which")
		  . ($load_acked ? ', the load was acknowledged)' : ', the load was not acknowledged)'));
	if ($which eq '01')
	{
		($cur, $cur_v) = ($new, $new_v);
		$loads++;
	}
	else
	{
		$kept_old++;
	}
	my $got = policy_state();
	for my $k (sort keys %state_sql, 'sees')
	{
		is($got->{$k}, $expected{$cur_v}{$k}, "$what: $k as in version $cur_v");
	}
	$decisions_b += $decisions_each;
	is($node->safe_psql('pol', q{SELECT count(*) FROM rbac.audit_log WHERE operation = 'load_policy'}),
		$loads, "$what: one audit row per load stored ($loads)");
	check_stream('pol', $s, stream_acks("$dir/$s.out"), $what);
	check_indexes('pol', $what);

	last if $round >= 3 && $interrupted_b >= $min_interrupted;
}
my $checks_b = Test::More->builder->current_test - $checks_b0;
cmp_ok($interrupted_b, '>=', $min_interrupted, "(b) $interrupted_b kills came before load_policy was acknowledged");
diag("(b) policy load: $kills_b kills, $interrupted_b before load_policy was acknowledged; the old policy kept after $kept_old, "
	  . "the new one after " . ($kills_b - $kept_old) . "; "
	  . "$decisions_b decisions compared; $checks_b checks");

$node->stop;
done_testing();
