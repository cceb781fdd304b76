# Impersonation (issue 4, issue 6 item 1): an ordinary login role tries every
# route to become another actor -- settings of every kind, placeholders set
# before the library is loaded, connection options, role and database
# settings, function SET clauses, role switching, calling the explicit-actor
# function, shadowing internal names, and forged, expired, alg "none",
# re-signed and otherwise bad tokens -- and each must fail, leaving the
# current actor what it was.  The attempts are counted.
#
# Phase 1 runs without shared_preload_libraries (the library is loaded by
# the first call in each session, so placeholders exist before it); phase 2
# restarts with pg_rbac preloaded, the configuration the documentation
# recommends when rbac.jwt_secret is used.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Digest::SHA qw(hmac_sha256 hmac_sha512);
use MIME::Base64 qw(encode_base64url);

my $secret = 'tap-secret-9f8e7d6c5b4a39281706f5e4';
my $far    = 4102444800;                              # 2100-01-01
my $hs256  = '{"alg":"HS256","typ":"JWT"}';

# A compact JWS over the given JSON texts: HMAC-SHA256 with $secret unless
# key, mac ('sha512') or a literal sig say otherwise.
sub jwt
{
	my ($header, $payload, %o) = @_;
	my $key = exists $o{key} ? $o{key} : $secret;
	my $h   = encode_base64url($header);
	my $p   = encode_base64url($payload);
	my $mac =
	  ($o{mac} // 'sha256') eq 'sha512'
	  ? hmac_sha512("$h.$p", $key)
	  : hmac_sha256("$h.$p", $key);
	my $sig = exists $o{sig} ? $o{sig} : encode_base64url($mac);
	return "$h.$p.$sig";
}

sub claims
{
	my ($sub, $exp, $extra) = @_;
	my @c;
	push @c, qq("sub":"$sub") if defined $sub;
	push @c, qq("exp":$exp)   if defined $exp;
	push @c, $extra           if defined $extra;
	return '{' . join(',', @c) . '}';
}

my $node = PostgreSQL::Test::Cluster->new('impersonation');
$node->init;
$node->append_conf('postgresql.conf', "rbac.jwt_secret = '$secret'\n");
$node->start;

# mallory: the attacker, an ordinary login role that owns the application
# database (so she may create schemas and functions and ALTER DATABASE).
# app_conn: the application's connection role, granted set_actor.
$node->safe_psql(
	'postgres', q{
CREATE ROLE mallory LOGIN;
CREATE ROLE app_conn LOGIN;
CREATE DATABASE app OWNER mallory;
});
$node->safe_psql(
	'app', q{
CREATE EXTENSION pg_rbac;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO app_conn;
SELECT rbac.load_policy('actor User {} actor Group {} resource Repository {}');
});

my $mallory_token = jwt($hs256, claims('User:mallory', $far));
my $login = "SELECT rbac.set_actor_token('$mallory_token');";

my ($attempts, $refused) = (0, 0);

# Run one attack in a new session of $o{user} (default mallory): $o{before}
# (default: log in as User:mallory with a valid token), then $o{sql}, then
# report the current actor.  The attack is refused when the actor is
# $o{expect} (default: what it was before) and stderr shows the refusal.
sub attempt
{
	my ($name, %o) = @_;
	my $user    = $o{user} // 'mallory';
	my $before  = exists $o{before} ? $o{before} : $login;
	my $expect  = exists $o{expect} ? $o{expect} : 'User:mallory';
	my $refusal = $o{refusal} // qr/ERROR|WARNING|FATAL/;
	my $connstr = $node->connstr($o{db} // 'app') . " user=$user";
	$connstr .= " options='$o{options}'" if defined $o{options};
	my $script = "$before\n$o{sql}\n"
	  . "SELECT 'ACTOR=' || coalesce(rbac.current_actor(), '<none>');\n";

	my ($ret, $out, $err) =
	  $node->psql('app', $script, connstr => $connstr, on_error_stop => 0);
	my @seen = $out =~ /^ACTOR=(.*)$/mg;
	my $actor = @seen ? $seen[-1] : undef;

	$attempts++;
	my $ok = 1;
	if ($o{connection_refused})
	{
		$ok &= ok(!defined $actor && $err =~ /FATAL/,
			"$name: connection refused");
	}
	else
	{
		$ok &= is($actor, $expect // '<none>', "$name: actor unchanged");
	}
	$ok &= like($err, $refusal, "$name: refused with an error");
	$refused++ if $ok;
	note "$name: $err" if $err;
	return;
}

# sanity: the legitimate routes work
is( $node->safe_psql('app', "$login SELECT rbac.current_actor();",
		connstr => $node->connstr('app') . ' user=mallory'),
	"User:mallory\nUser:mallory",
	'a valid token sets the actor');
is( $node->safe_psql(
		'app',
		"SELECT rbac.set_actor('User:alice'); SELECT rbac.current_actor();",
		connstr => $node->connstr('app') . ' user=app_conn'),
	"\nUser:alice",
	'the connection role granted set_actor sets the actor');
# parallel workers copy the actor from their leader (the setting's gate lets
# that copy through), for a session and a transaction-local actor
$node->safe_psql('app',
	'CREATE TABLE public.par AS SELECT g FROM generate_series(1, 20000) g; '
	  . 'GRANT SELECT ON public.par TO app_conn;');
is( $node->safe_psql(
		'app', q{
SET force_parallel_mode = on; SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SELECT rbac.set_actor('User:alice');
SELECT count(*) FROM public.par WHERE rbac.current_actor() = 'User:alice';
BEGIN;
SELECT rbac.set_actor('User:bob', true);
SELECT count(*) FROM public.par WHERE rbac.current_actor() = 'User:bob';
COMMIT;},
		connstr => $node->connstr('app') . ' user=app_conn'),
	"\n20000\n\n20000",
	'parallel workers see the actor');

# --- settings, once the library is loaded --------------------------------
attempt('SET', sql => "SET rbac.actor = 'User:admin';");
attempt('SET LOCAL',
	sql => "BEGIN; SET LOCAL rbac.actor = 'User:admin'; COMMIT;");
attempt('set_config',
	sql => "SELECT set_config('rbac.actor', 'User:admin', false);");
attempt('set_config local',
	sql =>
	  "BEGIN; SELECT set_config('rbac.actor', 'User:admin', true); COMMIT;");
attempt('set_config in DO',
	sql =>
	  "DO \$\$BEGIN PERFORM set_config('rbac.actor', 'User:admin', false); END\$\$;"
);
attempt('RESET of the setting', sql => "RESET rbac.actor;");
attempt('SET TO DEFAULT',       sql => "SET rbac.actor TO DEFAULT;");
attempt('ALTER ROLE SET',
	sql => "ALTER ROLE mallory SET rbac.actor = 'User:admin';");
attempt('ALTER DATABASE SET (owner)',
	sql => "ALTER DATABASE app SET rbac.actor = 'User:admin';");
attempt('ALTER ROLE IN DATABASE SET',
	sql => "ALTER ROLE mallory IN DATABASE app SET rbac.actor = 'User:admin';");
attempt('ALTER SYSTEM SET',
	sql => "ALTER SYSTEM SET rbac.actor = 'User:admin';");
attempt(
	'function SET clause',
	sql => q{CREATE SCHEMA IF NOT EXISTS evil;
CREATE FUNCTION evil.become() RETURNS text LANGUAGE sql
  SET rbac.actor = 'User:admin' AS $$ SELECT rbac.current_actor() $$;
SELECT evil.become();});
attempt(
	'function SET FROM CURRENT',
	sql => q{CREATE SCHEMA IF NOT EXISTS evil;
CREATE FUNCTION evil.become2() RETURNS text LANGUAGE sql
  SET rbac.actor FROM CURRENT AS $$ SELECT rbac.current_actor() $$;});

# --- the other settings -----------------------------------------------------
attempt('SET rbac.jwt_secret then forge',
	sql => "SET rbac.jwt_secret = 'forged';\nSELECT rbac.set_actor_token('"
	  . jwt($hs256, claims('User:admin', $far), key => 'forged') . "');");
attempt('set_config rbac.jwt_secret then forge',
	sql => "SELECT set_config('rbac.jwt_secret', 'forged', false);\n"
	  . "SELECT rbac.set_actor_token('"
	  . jwt($hs256, claims('User:admin', $far), key => 'forged') . "');");
attempt('SET rbac.jwt_actor_type then bare sub',
	expect => 'User:admins',
	sql => "SET rbac.jwt_actor_type = 'Group';\nSELECT rbac.set_actor_token('"
	  . jwt($hs256, claims('admins', $far)) . "');");

# --- explicit-actor function, privileges, roles ---------------------------
attempt('set_actor', sql => "SELECT rbac.set_actor('User:admin');");
attempt('set_actor local',
	sql => "BEGIN; SELECT rbac.set_actor('User:admin', true); COMMIT;");
attempt('GRANT to self then set_actor',
	sql =>
	  "GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO mallory;\n"
	  . "SELECT rbac.set_actor('User:admin');",
	refusal => qr/permission denied for function set_actor/);
attempt('SET ROLE to the connection role',
	sql => "SET ROLE app_conn;\nSELECT rbac.set_actor('User:admin');");
attempt('SET SESSION AUTHORIZATION',
	sql =>
	  "SET SESSION AUTHORIZATION app_conn;\nSELECT rbac.set_actor('User:admin');"
);
attempt('RESET ROLE then set_actor',
	sql => "RESET ROLE;\nSELECT rbac.set_actor('User:admin');");
attempt('SET LOCAL ROLE, RESET ROLE',
	sql => "BEGIN; SET LOCAL ROLE mallory; RESET ROLE; "
	  . "SELECT rbac.set_actor('User:admin', true); COMMIT;");
attempt('make set_actor SECURITY DEFINER',
	sql => "ALTER FUNCTION rbac.set_actor(text, boolean) SECURITY DEFINER;");
attempt(
	'replace current_actor',
	sql => q{CREATE OR REPLACE FUNCTION rbac.current_actor() RETURNS text
  LANGUAGE sql AS $$ SELECT 'User:admin' $$;});
attempt('declare a new actor type',
	sql => "INSERT INTO rbac.policy_type VALUES ('Admin', 'actor');\n"
	  . "SELECT rbac.set_actor_token('"
	  . jwt($hs256, claims('Admin:root', $far)) . "');");
attempt(
	'shadow rbac.policy_type with a temp table',
	sql => q{CREATE TEMP TABLE policy_type (name text, kind text);
INSERT INTO policy_type VALUES ('Admin', 'actor');
SET search_path = pg_temp, rbac, public;
SELECT rbac.set_actor_token('} . jwt($hs256, claims('Admin:root', $far)) . q{');});
attempt(
	'shadow in a schema on search_path',
	sql => q{CREATE SCHEMA IF NOT EXISTS evil;
CREATE TABLE IF NOT EXISTS evil.policy_type (name text, kind text);
INSERT INTO evil.policy_type VALUES ('Admin', 'actor');
SET search_path = evil, rbac, public;
SELECT rbac.set_actor_token('} . jwt($hs256, claims('Admin:root', $far)) . q{');});

# --- tokens -------------------------------------------------------------------
my $admin = claims('User:admin', $far);
my $good  = jwt($hs256, $admin);
my ($gh, $gp, $gs) = split /\./, $good;
my %tokens = (
	'token signed with another key' => jwt($hs256, $admin, key => 'guess'),
	'token signed with the empty key' => jwt($hs256, $admin, key => ''),
	'token re-signed: payload swapped' =>
	  join('.', (split /\./, $mallory_token)[0], $gp,
		(split /\./, $mallory_token)[2]),
	'token with signature stripped' => "$gh.$gp.",
	'token alg none' =>
	  encode_base64url('{"alg":"none","typ":"JWT"}') . '.' . $gp . '.',
	'token alg none, signature kept' =>
	  encode_base64url('{"alg":"none"}') . ".$gp.$gs",
	'token alg HS512 (signed with the secret)' =>
	  jwt('{"alg":"HS512","typ":"JWT"}', $admin, mac => 'sha512'),
	'token alg HS256, HMAC-SHA512 signature' =>
	  jwt($hs256, $admin, mac => 'sha512'),
	'token alg RS256' => jwt('{"alg":"RS256"}', $admin),
	'token without alg' => jwt('{"typ":"JWT"}', $admin),
	'token expired' => jwt($hs256, claims('User:admin', 1000000000)),
	'token expiring now' => jwt($hs256, claims('User:admin', time())),
	'token without exp' => jwt($hs256, claims('User:admin', undef)),
	'token exp as string' => jwt($hs256, qq({"sub":"User:admin","exp":"$far"})),
	'token nbf in the future' =>
	  jwt($hs256, claims('User:admin', $far, qq("nbf":@{[ $far - 10 ]}))),
	'token sub twice' =>
	  jwt($hs256, qq({"sub":"User:mallory","sub":"User:admin","exp":$far})),
	'token sub missing' => jwt($hs256, claims(undef, $far)),
	'token crit header' => jwt('{"alg":"HS256","crit":["exp"]}', $admin),
	'token not three parts' => "$gh.$gp",
	'token with standard base64' => "$gh.$gp.$gs" =~ tr/-_/+\//r,
	'token garbage' => 'not-a-token',
	'token null' => undef,);
for my $name (sort keys %tokens)
{
	my $t = $tokens{$name};
	attempt($name,
		sql => 'SELECT rbac.set_actor_token('
		  . (defined $t ? "'$t'" : 'NULL') . ');',
		refusal => qr/ERROR:  (invalid token|token has expired|token is not valid yet)/
	);
	attempt("$name (local, in a transaction)",
		sql => 'BEGIN; SELECT rbac.set_actor_token('
		  . (defined $t ? "'$t'" : 'NULL')
		  . ', true); COMMIT;',
		refusal => qr/ERROR:  (invalid token|token has expired|token is not valid yet)/
	) if $name =~ /another key|alg none$|expired|re-signed/;
}

# --- before the library is loaded (new sessions, no actor yet) -------------
attempt('placeholder SET before load',
	before => '',
	expect => undef,
	sql    => "SET rbac.actor = 'User:admin';");
attempt('placeholder SET LOCAL before load',
	before => '',
	expect => undef,
	sql =>
	  "BEGIN; SET LOCAL rbac.actor = 'User:admin'; SELECT rbac.current_actor(); COMMIT;"
);
attempt('placeholder set_config before load',
	before => '',
	expect => undef,
	sql    => "SELECT set_config('rbac.actor', 'User:admin', false);");
attempt('placeholder jwt_secret before load, forged token',
	before => '',
	expect => undef,
	sql    => "SET rbac.jwt_secret = 'forged';\nSELECT rbac.set_actor_token('"
	  . jwt($hs256, $admin, key => 'forged') . "');");
attempt('placeholder jwt_actor_type before load',
	before => '',
	expect => 'User:root',
	sql    => "SET rbac.jwt_actor_type = 'Group';\nSELECT rbac.set_actor_token('"
	  . jwt($hs256, claims('root', $far)) . "');");
attempt(
	'function SET clause created before load',
	before => '',
	expect => undef,
	sql    => q{CREATE SCHEMA IF NOT EXISTS evil;
CREATE OR REPLACE FUNCTION evil.early() RETURNS text LANGUAGE sql
  SET rbac.actor = 'User:admin' AS $$ SELECT rbac.current_actor() $$;
SELECT evil.early();});
attempt('ALTER ROLE SET before load',
	before => '',
	expect => undef,
	sql    => "ALTER ROLE mallory SET rbac.actor = 'User:admin';");
attempt('connection option -c rbac.actor',
	before  => '',
	expect  => undef,
	options => '-c rbac.actor=User:admin',
	sql     => '');
attempt('connection option -c rbac.jwt_secret, forged token',
	before  => '',
	expect  => undef,
	options => '-c rbac.jwt_secret=forged',
	sql     => "SELECT rbac.set_actor_token('"
	  . jwt($hs256, $admin, key => 'forged') . "');");

# a superuser tricked into storing a role setting: refused at each login
$node->safe_psql('postgres',
	"ALTER ROLE mallory SET rbac.actor = 'User:admin';");
attempt('role setting stored by a superuser before load',
	before => '',
	expect => undef,
	sql    => '');
$node->safe_psql('postgres', 'ALTER ROLE mallory RESET ALL;');

# DISCARD ALL and RESET ALL clear the actor (what a session pooler runs)
is( $node->safe_psql(
		'app',
		"$login DISCARD ALL; SELECT coalesce(rbac.current_actor(), '<none>');",
		connstr => $node->connstr('app') . ' user=mallory'),
	"User:mallory\n<none>",
	'DISCARD ALL clears the actor');

# Without preloading, a setting in postgresql.conf is a placeholder that any
# role can read until the library loads: reported, and the reason phase 2
# preloads the library.
my ($r, $o, $e) = $node->psql(
	'app', "SELECT current_setting('rbac.jwt_secret') = '$secret';",
	connstr => $node->connstr('app') . ' user=mallory');
note 'without preloading, rbac.jwt_secret from postgresql.conf is '
  . ($o eq 't' ? 'READABLE' : 'not readable')
  . ' by ordinary roles before the library loads';

# --- phase 2: pg_rbac in shared_preload_libraries ---------------------------
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'pg_rbac'\n");
$node->restart;

attempt('preloaded: connection option -c rbac.actor',
	before             => '',
	options            => '-c rbac.actor=User:admin',
	sql                => '',
	connection_refused => 1);
attempt('preloaded: connection option -c rbac.jwt_secret',
	before             => '',
	options            => '-c rbac.jwt_secret=forged',
	sql                => '',
	connection_refused => 1);
attempt('preloaded: SET in a new session',
	before => '',
	expect => undef,
	sql    => "SET rbac.actor = 'User:admin';");
attempt('preloaded: SHOW rbac.jwt_secret',
	sql     => "SHOW rbac.jwt_secret;",
	refusal => qr/must be superuser/);
attempt('preloaded: current_setting(rbac.jwt_secret)',
	sql     => "SELECT current_setting('rbac.jwt_secret');",
	refusal => qr/must be superuser/);
attempt('preloaded: forged token',
	sql => "SELECT rbac.set_actor_token('"
	  . jwt($hs256, $admin, key => 'guess') . "');");
is( $node->safe_psql(
		'app',
		"SELECT count(*) FROM pg_settings WHERE name = 'rbac.jwt_secret';",
		connstr => $node->connstr('app') . ' user=mallory'),
	'0',
	'preloaded: the secret is not in pg_settings');
unlike(
	$node->safe_psql(
		'app', 'SHOW ALL;',
		connstr => $node->connstr('app') . ' user=mallory'),
	qr/\Q$secret\E/,
	'preloaded: the secret is not in SHOW ALL');
is( $node->safe_psql('app', "$login SELECT rbac.current_actor();",
		connstr => $node->connstr('app') . ' user=mallory'),
	"User:mallory\nUser:mallory",
	'preloaded: a valid token still works');

# Reading another actor's rows through a view.  A view runs with its
# owner's privileges; pg_rbac's policies decide by the current actor, not by
# the database role, and enable_rls forces row level security on the owner,
# so a view owned by the (non-superuser) table owner, with or without
# security_invoker, shows mallory only her actor's rows.  (A view owned by a
# superuser bypasses every policy: the documentation says to create views
# with security_invoker = true.)
my $gitclub = slurp_file("$ENV{RBAC_SRC}/examples/gitclub.polar");
$node->safe_psql('postgres', q{
CREATE ROLE app_owner;
CREATE DATABASE viewdb OWNER app_owner;
});
$node->safe_psql('viewdb', "CREATE EXTENSION pg_rbac; SELECT rbac.load_policy(\$p\$$gitclub\$p\$);");
$node->safe_psql('viewdb', q{
SET ROLE app_owner;
CREATE TABLE organizations (id int PRIMARY KEY);
CREATE TABLE repositories (id int PRIMARY KEY, org_id int REFERENCES organizations,
                           is_public boolean NOT NULL DEFAULT false);
INSERT INTO organizations VALUES (1), (2);
INSERT INTO repositories VALUES (1, 1), (2, 2), (3, 2);
RESET ROLE;
SELECT rbac.bind('Organization', 'organizations');
SELECT rbac.bind('Repository', 'repositories', relations => '{"parent": "org_id"}');
SELECT rbac.enable_rls('repositories');
SELECT rbac.assign_role('User:mallory', 'reader', 'Repository:1');
SELECT rbac.assign_role('User:alice', 'member', 'Organization:2');
SET ROLE app_owner;
CREATE VIEW definer_view AS SELECT id FROM repositories;
CREATE VIEW invoker_view WITH (security_invoker = true) AS SELECT id FROM repositories;
GRANT SELECT ON definer_view, invoker_view, repositories TO mallory;
});
for my $view ('definer_view', 'invoker_view', 'repositories')
{
	my $seen = $node->safe_psql('viewdb',
		"$login SELECT string_agg(id::text, ',' ORDER BY id) FROM $view;",
		connstr => $node->connstr('viewdb') . ' user=mallory');
	$attempts++;
	$refused++ if is($seen, "User:mallory\n1", "read alice's rows through $view: only mallory's row");
}
is($node->safe_psql('viewdb', 'SET ROLE app_owner; SELECT count(*) FROM definer_view'),
	'0', 'the table owner without an actor sees nothing through its own view (forced RLS)');

diag "impersonation attempts refused: $refused of $attempts";
is($refused, $attempts, 'every impersonation attempt was refused');

$node->stop;
done_testing();
