# Connection poolers (SPEC 3.2 "pooler safety", issue 6 item 8b): PgBouncer
# in transaction pooling mode with a pool of two server connections shared
# by many clients.  A transaction-local actor (rbac.set_actor(..., true))
# never leaks into another client's transaction: actor clients, each
# running many BEGIN; set local actor; current_actor + RLS-visible rows;
# COMMIT (some ROLLBACK, some aborted by an error), run concurrently with
# clients that never set an actor (in transaction blocks and in autocommit)
# and must see no actor and no protected row.  Every line of every client
# is checked; the counts are reported.
#
# Then what docs/operations.md#connection-poolers says about session-level
# actors: under transaction pooling a session actor does leak to the next
# client of the server connection (shown deterministically with a pool of
# one); with session pooling (DISCARD ALL as server_reset_query) it does
# not, and neither with server_reset_query_always = 1 in transaction mode.
#
# PgBouncer (/usr/sbin/pgbouncer, Debian package pgbouncer) runs as the
# test's OS user (postgres) on a private Unix socket in the test's
# directory, and is stopped at the end.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use Time::HiRes qw(time usleep);

my $pgbouncer = $ENV{PGBOUNCER} // '/usr/sbin/pgbouncer';
plan skip_all => "$pgbouncer not installed (scripts/deps.sh installs it)"
  unless -x $pgbouncer;

my $n_actor_clients = 6;      # each with its own actor
my $n_plain_clients = 3;      # never set an actor
my $iterations      = 300;    # transactions per client
my $n_docs          = 60;

my $node = PostgreSQL::Test::Cluster->new('pooler');
$node->init;
$node->append_conf('postgresql.conf', "fsync = off\nmax_connections = 40\n");
$node->start;

# One resource type; User:uK reads the documents with id % N = K - 1.
my $policy = q{
actor User {}
resource Doc {
  roles = ["reader"];
  permissions = ["read"];
  "read" if "reader";
}
};
$node->safe_psql('postgres', 'CREATE EXTENSION pg_rbac');
$node->safe_psql('postgres', "SELECT rbac.load_policy(\$p\$$policy\$p\$)");
$node->safe_psql(
	'postgres', qq{
CREATE TABLE docs (id int PRIMARY KEY, body text);
INSERT INTO docs SELECT i, 'doc ' || i FROM generate_series(1, $n_docs) i;
SELECT rbac.bind('Doc', 'docs');
SELECT rbac.assign_role('User:u' || (1 + i % $n_actor_clients), 'reader', 'Doc:' || i)
FROM generate_series(1, $n_docs) i;
SELECT rbac.enable_rls('docs');
CREATE ROLE app_user LOGIN;
GRANT SELECT ON docs TO app_user;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO app_user;
});

# What each actor may see, from the superuser's is_allowed.
my %expected;
for my $k (1 .. $n_actor_clients)
{
	$expected{"User:u$k"} = $node->safe_psql('postgres',
		qq{SELECT string_agg(id::text, ',' ORDER BY id) FROM docs
		   WHERE rbac.is_allowed('User:u$k', 'read', 'Doc:' || id)});
	ok($expected{"User:u$k"} ne '', "User:u$k may read some documents");
}

# PgBouncer on a private socket.  Databases: "app" (transaction pooling,
# two server connections), "app_one" (transaction pooling, one server
# connection), "app_session" (session pooling, one server connection).
my $dir   = $node->basedir . '/pgbouncer';
mkdir $dir or die "mkdir $dir: $!";
my $bport = PostgreSQL::Test::Cluster::get_free_port();
my $host  = $node->host;
my $pport = $node->port;
my @bouncers;

sub start_bouncer
{
	my ($name, $extra) = @_;
	my $port = $name eq 'main' ? $bport : PostgreSQL::Test::Cluster::get_free_port();
	my $conf = "$dir/$name.ini";
	open my $fh, '>', "$dir/userlist.txt" or die $!;
	print $fh qq{"app_user" ""\n"postgres" ""\n};
	close $fh;
	open $fh, '>', $conf or die $!;
	print $fh <<"EOF";
[databases]
app = host=$host port=$pport dbname=postgres
app_one = host=$host port=$pport dbname=postgres pool_size=1
app_session = host=$host port=$pport dbname=postgres pool_size=1 pool_mode=session

[pgbouncer]
unix_socket_dir = $dir
listen_port = $port
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
default_pool_size = 2
max_client_conn = 100
admin_users = postgres
logfile = $dir/$name.log
pidfile = $dir/$name.pid
server_reset_query = DISCARD ALL
$extra
EOF
	close $fh;
	# output to files: a pipe nobody reads would block pgbouncer once full
	my $h = IPC::Run::start([ $pgbouncer, $conf ], '>', "$dir/$name.out", '2>&1');
	push @bouncers, $h;
	for (1 .. 100)
	{
		last if -S "$dir/.s.PGSQL.$port";
		usleep(100_000);
	}
	ok(-S "$dir/.s.PGSQL.$port", "pgbouncer $name listens on port $port")
	  or diag(slurp_file("$dir/$name.out"), slurp_file("$dir/$name.log"));
	return $port;
}

sub stop_bouncers
{
	for my $h (@bouncers)
	{
		next unless $h->pumpable;
		$h->signal('INT');    # safe shutdown
		eval { $h->finish; 1 } or $h->kill_kill;
	}
	@bouncers = ();
}
END { stop_bouncers() }

# psql through PgBouncer, as app_user.
sub bouncer_psql_cmd
{
	my ($port, $db) = @_;
	return [
		'psql', '-X', '-A', '-t', '-q', '-h', $dir, '-p', $port, '-U', 'app_user',
		'-d', $db
	];
}

sub bouncer_psql
{
	my ($port, $db, $sql) = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run(bouncer_psql_cmd($port, $db), '<', \$sql, '>', \$out, '2>', \$err);
	# void results (set_actor, reset_actor) print empty lines
	$out = join "\n", grep { /\S/ } split /\n/, $out;
	return wantarray ? ($out, $err) : $out;
}

start_bouncer('main', '');
is(bouncer_psql($bport, 'app', 'SELECT current_user'), 'app_user', 'connected through pgbouncer');

# --- 1. Transaction-local actors under transaction pooling, concurrently.
# Actor client K: in every transaction set User:uK locally, then report
# the actor and the documents it sees.  Every 10th transaction rolls back,
# every 15th is aborted by an error after setting the actor.  Plain
# clients: transactions (and, for one of them, autocommit statements) that
# report the actor and the visible documents with no actor set.
my @clients;
for my $k (1 .. $n_actor_clients)
{
	my $sql = '';
	for my $i (1 .. $iterations)
	{
		# the sleep holds the server connection so that the others queue
		# and PgBouncer hands both server connections around
		$sql .= "BEGIN;\nSELECT rbac.set_actor('User:u$k', true);\nSELECT pg_sleep(0.001);\n";
		$sql .= "SELECT 'A $k $i ' || coalesce(rbac.current_actor(), '-') || ' ' || "
		  . "coalesce((SELECT string_agg(id::text, ',' ORDER BY id) FROM docs), '-') || ' ' || pg_backend_pid();\n";
		if ($i % 15 == 0)
		{
			$sql .= "SELECT 1 / 0;\nROLLBACK;\n";
		}
		else
		{
			$sql .= ($i % 10 == 0 ? "ROLLBACK;\n" : "COMMIT;\n");
		}
	}
	push @clients, { name => "actor$k", sql => $sql };
}
for my $k (1 .. $n_plain_clients)
{
	my $sql = '';
	for my $i (1 .. $iterations)
	{
		my $q = "SELECT 'N $k $i ' || coalesce(rbac.current_actor(), '-') || ' ' || "
		  . "coalesce((SELECT string_agg(id::text, ',' ORDER BY id) FROM docs), '-') || ' ' || pg_backend_pid();\n";
		$sql .= $k == 1 ? $q : "BEGIN;\n${q}COMMIT;\n";
	}
	push @clients, { name => "plain$k", sql => $sql };
}

# Scripts and outputs are files, so that every client runs at its own pace
# (IPC::Run feeds and drains pipes only while its harness is pumped).
for my $c (@clients)
{
	$c->{file} = "$dir/$c->{name}";
	open my $fh, '>', "$c->{file}.sql" or die $!;
	print $fh $c->{sql};
	close $fh;
}
my $t0 = time;
for my $c (@clients)
{
	$c->{h} = IPC::Run::start([ @{ bouncer_psql_cmd($bport, 'app') }, '-f', "$c->{file}.sql" ],
		'<', \undef, '>', "$c->{file}.out", '2>', "$c->{file}.err");
}
$_->{h}->finish for @clients;
my $elapsed = time - $t0;
for my $c (@clients)
{
	$c->{out} = slurp_file("$c->{file}.out");
	$c->{err} = slurp_file("$c->{file}.err");
}

my (%n, %pids, %clients_of_pid, @bad);
for my $c (@clients)
{
	for my $line (grep { /\S/ } split /\n/, $c->{out})
	{
		my ($kind, $k, $i, $actor, $rows, $pid) = split / /, $line;
		$pids{$pid} = 1;
		$clients_of_pid{$pid}{ $c->{name} } = 1;
		if ($kind eq 'A')
		{
			$n{actor}++;
			push @bad, "$c->{name}: $line"
			  unless $actor eq "User:u$k" && $rows eq $expected{"User:u$k"};
		}
		else
		{
			$n{plain}++;
			push @bad, "$c->{name}: $line" unless $actor eq '-' && $rows eq '-';
		}
	}
	my $errors = () = $c->{err} =~ /ERROR:/g;
	$n{errors} += $errors;
	my $other = join "\n", grep { !/ERROR:  division by zero/ && /\S/ } split /\n/, $c->{err};
	push @bad, "$c->{name} stderr: $other" if $other ne '';
}
my $want_actor  = $n_actor_clients * $iterations;
my $want_plain  = $n_plain_clients * $iterations;
my $want_errors = $n_actor_clients * int($iterations / 15);
is($n{actor}, $want_actor, "actor clients completed $want_actor transactions");
is($n{plain}, $want_plain, "no-actor clients completed $want_plain transactions or statements");
is($n{errors}, $want_errors, "$want_errors transactions were aborted by an error after setting the actor");
is(scalar @bad, 0, 'no transaction saw another client\'s actor or rows')
  or diag(join "\n", @bad[ 0 .. ($#bad < 20 ? $#bad : 19) ]);
is(scalar(keys %pids), 2, 'all clients shared the two server connections of the pool');
my $shared = grep { keys %{ $clients_of_pid{$_} } > 1 } keys %pids;
is($shared, 2, 'both server connections were handed from client to client');
note(sprintf(
		'transaction pooling: %d clients (%d with a local actor, %d without) x %d = %d transactions '
		  . 'in %.1f s over %d server connections; server connection %s served %s clients',
		scalar @clients, $n_actor_clients, $n_plain_clients, $iterations,
		$n{actor} + $n{plain}, $elapsed, scalar(keys %pids),
		join('/', sort keys %pids),
		join('/', map { scalar keys %{ $clients_of_pid{$_} } } sort keys %pids)));

# A local actor set outside a transaction block lasts for that statement
# only (with a warning), so the next statement on the connection has none.
my ($out, $err) = bouncer_psql($bport, 'app_one',
	"SELECT rbac.set_actor('User:u1', true);\nSELECT coalesce(rbac.current_actor(), '-') || ' ' || count(*) FROM docs;");
is($out, '- 0', 'a local actor outside a transaction block does not survive the statement');
like($err, qr/transaction-local actor lasts only until the end of the transaction/, '... with a warning');

# --- 2. Session-level actors.
# One client sets a session-level actor and leaves; the next client of the
# same pool (of one server connection) reports the actor it finds, the rows
# it sees and its backend.  Returns (first backend, what the second saw).
sub session_actor_handoff
{
	my ($port, $db, $actor) = @_;
	my $pid = bouncer_psql($port, $db,
		"SELECT pg_backend_pid() FROM (SELECT rbac.set_actor('$actor')) s");
	my $seen = bouncer_psql($port, $db,
		q{SELECT coalesce(rbac.current_actor(), '-') || ' ' || count(*) || ' ' || pg_backend_pid() FROM docs});
	return ($pid, $seen);
}
sub ndocs { my @d = split /,/, $expected{ $_[0] }; return scalar @d }

# Transaction pooling: a session actor stays on the server connection and
# the next client of that connection inherits it -- the documented hazard.
my ($pid, $seen) = session_actor_handoff($bport, 'app_one', 'User:u2');
is($seen, 'User:u2 ' . ndocs('User:u2') . " $pid",
	'transaction pooling: a session-level actor leaks to the next client of the server connection (why the docs forbid it)');
bouncer_psql($bport, 'app_one', 'SELECT rbac.reset_actor()');

# Session pooling: PgBouncer runs DISCARD ALL when the client leaves, which
# clears the actor; the next client gets the same backend with no actor.
($pid, $seen) = session_actor_handoff($bport, 'app_session', 'User:u3');
is($seen, "- 0 $pid",
	'session pooling: the next client of the same server connection has no actor (DISCARD ALL)');

# Transaction pooling with server_reset_query_always = 1: DISCARD ALL after
# every transaction, so even a session-level actor ends with it.
stop_bouncers();
my $rport = start_bouncer('reset', 'server_reset_query_always = 1');
($pid, $seen) = session_actor_handoff($rport, 'app_one', 'User:u4');
is($seen, "- 0 $pid",
	'transaction pooling with server_reset_query_always: the next client of the same server connection has no actor');
# and a local actor in a transaction still works there
($out) = bouncer_psql($rport, 'app_one',
	"BEGIN;\nSELECT rbac.set_actor('User:u4', true);\nSELECT rbac.current_actor() || ' ' || count(*) FROM docs;\nCOMMIT;");
is($out, 'User:u4 ' . ndocs('User:u4'), '... and a transaction-local actor works within its transaction');

my $bpid = slurp_file("$dir/reset.pid");
chomp $bpid;
stop_bouncers();
ok(!kill(0, $bpid), "pgbouncer (pid $bpid) stopped");
$node->stop;
done_testing();
