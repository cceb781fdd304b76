# Tokens from identity providers (issue 16 item 2, SPEC 6.2) and secrets
# kept out of the server log (issue 11, SPEC 6.1 "Secrets").
#
# Keys and tokens are made by an independent implementation, Python's
# cryptography package (Debian's python3-cryptography): RSA 2048 and EC
# P-256 key pairs, JWKs and PEM public keys, and RS256 / ES256 / HS256
# signatures.  pg_rbac is preloaded (the documented configuration).  An
# ordinary login role presents each token; every refusal must be SQLSTATE
# 28000 with the actor unchanged.  At the end the whole server log, after
# many reloads, must contain neither rbac.jwt_secret's values nor any part
# of the key files.  A last phase restarts without preloading, where a
# secret from postgresql.conf still works but is logged as exposed, and a
# secret from a role setting is never used.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use JSON::PP;
use Digest::SHA qw(hmac_sha256);
use MIME::Base64 qw(encode_base64url);
use File::Copy qw(copy);

my $python = '/usr/bin/python3';
plan skip_all => "$python with the cryptography package is required"
  unless system($python, '-c', 'import cryptography') == 0;

my $dir  = PostgreSQL::Test::Utils::tempdir;
my $json = JSON::PP->new->canonical;

# --- the independent implementation --------------------------------------
# "keys DIR": make key pairs; "sign DIR": read a JSON list of token specs
# on stdin and print the tokens.  Claims written "now+N" / "now-N" are
# computed at signing time.
my $mk = "$dir/mk.py";
open my $fh, '>', $mk or die;
print $fh <<'PY';
import base64, hashlib, hmac, json, os, sys, time
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

def uint(n):
    return n.to_bytes((n.bit_length() + 7) // 8, "big")

cmd, d = sys.argv[1], sys.argv[2]
if cmd == "keys":
    for name in ["rsa_a", "rsa_b", "rsa_x", "rsa_w", "ec_c", "ec_x", "ec_p384"]:
        if name.startswith("rsa"):
            k = rsa.generate_private_key(public_exponent=65537,
                                         key_size=1024 if name == "rsa_w" else 2048)
            pn = k.public_key().public_numbers()
            jwk = {"kty": "RSA", "n": b64(uint(pn.n)), "e": b64(uint(pn.e))}
        else:
            curve = ec.SECP384R1() if name == "ec_p384" else ec.SECP256R1()
            size = 48 if name == "ec_p384" else 32
            k = ec.generate_private_key(curve)
            pn = k.public_key().public_numbers()
            jwk = {"kty": "EC", "crv": "P-384" if name == "ec_p384" else "P-256",
                   "x": b64(pn.x.to_bytes(size, "big")),
                   "y": b64(pn.y.to_bytes(size, "big"))}
        with open(f"{d}/{name}.key", "wb") as f:
            f.write(k.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
        with open(f"{d}/{name}.pub.pem", "wb") as f:
            f.write(k.public_key().public_bytes(
                serialization.Encoding.PEM,
                serialization.PublicFormat.SubjectPublicKeyInfo))
        with open(f"{d}/{name}.jwk", "w") as f:
            json.dump(jwk, f)
    with open(f"{d}/oct_h.jwk", "w") as f:
        json.dump({"kty": "oct", "k": b64(os.urandom(32))}, f)
elif cmd == "sign":
    now = int(time.time())
    out = []
    for s in json.load(sys.stdin):
        claims = {}
        for c, v in s.get("claims", {}).items():
            if isinstance(v, str) and v.startswith("now"):
                v = now + int(v[3:] or 0)
            claims[c] = v
        header = s["header"]
        data = (b64(json.dumps(header, separators=(",", ":")).encode()) + "." +
                b64(json.dumps(claims, separators=(",", ":")).encode()))
        how, key = s["sign"], s.get("key")
        if how == "none":
            sig = b""
        elif how == "HS256":
            if key.startswith("file:"):
                secret = open(f"{d}/{key[5:]}", "rb").read()
            elif key.startswith("jwk:"):
                k = json.load(open(f"{d}/{key[4:]}.jwk"))["k"]
                secret = base64.urlsafe_b64decode(k + "=" * (-len(k) % 4))
            else:
                secret = key.encode()
            sig = hmac.new(secret, data.encode(), hashlib.sha256).digest()
        else:
            priv = serialization.load_pem_private_key(
                open(f"{d}/{key}.key", "rb").read(), None)
            if how == "RS256":
                sig = priv.sign(data.encode(), padding.PKCS1v15(), hashes.SHA256())
            elif how == "PS256":
                sig = priv.sign(data.encode(),
                                padding.PSS(mgf=padding.MGF1(hashes.SHA256()),
                                            salt_length=32), hashes.SHA256())
            else:
                der = priv.sign(data.encode(), ec.ECDSA(hashes.SHA256()))
                if how == "ES256-DER":
                    sig = der
                else:
                    r, s_ = decode_dss_signature(der)
                    sig = r.to_bytes(32, "big") + s_.to_bytes(32, "big")
        out.append(data + "." + b64(sig))
    print(json.dumps(out))
PY
close $fh;
system($python, $mk, 'keys', $dir) == 0 or die "key generation failed";

sub jwk
{
	my ($name, %extra) = @_;
	my $k = decode_json(slurp_file("$dir/$name.jwk"));
	return { %$k, %extra };
}

# Write a key file atomically (a new file renamed over the old one, what
# the documentation recommends).
sub write_keys
{
	my ($path, $content) = @_;
	open my $out, '>', "$path.new" or die;
	print $out $content;
	close $out;
	chmod 0600, "$path.new";
	rename "$path.new", $path or die;
}

sub jwks { return $json->encode({ keys => [@_] }); }

# Sign a list of specs: [name, sign, key, header, claims]
sub sign
{
	my @specs = map {
		{
			sign   => $_->[0],
			key    => $_->[1],
			header => $_->[2],
			claims => $_->[3] // {}
		}
	} @_;
	my $in = $json->encode(\@specs);
	my ($stdout, $stderr);
	IPC::Run::run([ $python, $mk, 'sign', $dir ], '<', \$in, '>', \$stdout,
		'2>', \$stderr)
	  or die "signing failed: $stderr";
	return @{ decode_json($stdout) };
}

my $far    = 4102444800;                       # 2100-01-01
my $secret = 'tap021-hs256-secret-7c1e9a05d3b8f642';
my $keyfile = "$dir/keys.json";

# JWKS 1: an RS256 key, an ES256 key, an HS256 key, and an encryption key
# and a P-384 key that pg_rbac must skip (providers publish such keys)
my $jwks1 = jwks(
	jwk('rsa_a', kid => 'a', use => 'sig', alg => 'RS256'),
	jwk('ec_c',  kid => 'c', use => 'sig', alg => 'ES256'),
	jwk('oct_h', kid => 'h'),
	jwk('rsa_x', kid => 'enc-1', use => 'enc', alg => 'RSA-OAEP'),
	jwk('ec_p384', kid => 'p384'));
write_keys($keyfile, $jwks1);

my $node = PostgreSQL::Test::Cluster->new('tokens');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'pg_rbac'
rbac.jwt_key_file = '$keyfile'
log_min_messages = debug1
});
$node->start;
$node->safe_psql('postgres', q{
CREATE EXTENSION pg_rbac;
CREATE ROLE app LOGIN;
GRANT EXECUTE ON FUNCTION rbac.set_actor(text, boolean) TO app;
CREATE SCHEMA t;
GRANT USAGE ON SCHEMA t TO app;
-- the outcome of presenting a token: 'ok <actor>' or '<SQLSTATE> <message> / <detail>'
CREATE FUNCTION t.try(token text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text;
BEGIN
    RETURN 'ok ' || rbac.set_actor_token(token);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
    RETURN st || ' ' || msg || coalesce(' / ' || nullif(det, ''), '');
END $$;
});

# Reload the configuration and wait until new sessions see it.
sub reload
{
	my $before = $node->safe_psql('postgres', 'SELECT pg_conf_load_time()');
	$node->reload;
	for (1 .. 200)
	{
		last
		  if $node->safe_psql('postgres',
			"SELECT pg_conf_load_time() > '$before'") eq 't';
		select(undef, undef, undef, 0.05);
	}
	return;
}

sub set_conf
{
	my ($name, $value) = @_;
	my $v = defined $value ? "'$value'" : 'DEFAULT';
	$node->safe_psql('postgres', "ALTER SYSTEM SET $name = $v");
	return;
}

# Present each token in one session of role app, each after
# rbac.set_actor('User:before').  Returns the outcomes, each
# [result, actor after].
sub present
{
	my @tokens = @_;
	my $sql = join '',
	  map { "SELECT rbac.set_actor('User:before');\n"
		  . "SELECT 'R=' || t.try('$_') || '|' || coalesce(rbac.current_actor(), '<none>');\n" }
	  @tokens;
	my $out = $node->safe_psql('postgres', $sql,
		connstr => $node->connstr('postgres') . ' user=app');
	my @r = map { [ split /\|/, $_, 2 ] } ($out =~ /^R=(.*)$/mg);
	die "expected " . scalar(@tokens) . " outcomes, got " . scalar(@r)
	  unless @r == @tokens;
	return @r;
}

my ($accepted, $refused) = (0, 0);

# Check outcomes of a list of [name, token, expected]: expected is the
# actor for an accepted token, or a regex the refusal must match (the
# refusal must also be 28000 with the actor unchanged).
sub check
{
	my @cases = @_;
	my @out = present(map { $_->[1] } @cases);
	for my $i (0 .. $#cases)
	{
		my ($name, undef, $want) = @{ $cases[$i] };
		my ($result, $actor) = @{ $out[$i] };
		if (ref $want)
		{
			ok( $result =~ /^28000 / && $result =~ $want
				  && $actor eq 'User:before',
				"$name: refused (28000), actor unchanged")
			  or diag "got: $result | $actor";
			$refused++;
		}
		else
		{
			is("$result|$actor", "ok $want|$want", "$name: accepted as $want");
			$accepted++;
		}
	}
	return;
}

my %alice = (sub => 'User:alice', exp => $far);
my $sigfail = qr/signature does not match/;

# --- 1. JWKS: RS256, ES256, HS256 by kid and without --------------------
my @t = sign(
	[ 'RS256', 'rsa_a', { alg => 'RS256', typ => 'JWT', kid => 'a' }, \%alice ],
	[ 'RS256', 'rsa_a', { alg => 'RS256' }, { sub => 'bob', exp => $far } ],
	[ 'ES256', 'ec_c', { alg => 'ES256', kid => 'c' }, \%alice ],
	[ 'ES256', 'ec_c', { alg => 'ES256' }, { sub => 'User:carol', exp => 'now+600' } ],
	[ 'HS256', 'jwk:oct_h', { alg => 'HS256', kid => 'h' }, \%alice ],
	# wrong key under a valid kid
	[ 'RS256', 'rsa_b', { alg => 'RS256', kid => 'a' }, \%alice ],
	[ 'ES256', 'ec_x', { alg => 'ES256', kid => 'c' }, \%alice ],
	[ 'HS256', 'wrong-secret-but-long-enough-0123456789', { alg => 'HS256', kid => 'h' }, \%alice ],
	# signed by a key that is not in the set
	[ 'RS256', 'rsa_x', { alg => 'RS256', kid => 'x' }, \%alice ],
	[ 'RS256', 'rsa_x', { alg => 'RS256' }, \%alice ],
	[ 'ES256', 'ec_x', { alg => 'ES256' }, \%alice ],
	# the skipped encryption key cannot verify anything
	[ 'RS256', 'rsa_x', { alg => 'RS256', kid => 'enc-1' }, \%alice ],
	# a kid that names a key of another algorithm
	[ 'ES256', 'ec_c', { alg => 'ES256', kid => 'a' }, \%alice ],
	[ 'RS256', 'rsa_a', { alg => 'RS256', kid => 'c' }, \%alice ],
	# algorithm confusion: HMAC keyed with the RSA public key (PEM), with the
	# kid of the RSA key and without a kid
	[ 'HS256', 'file:rsa_a.pub.pem', { alg => 'HS256', kid => 'a' }, \%alice ],
	[ 'HS256', 'file:rsa_a.pub.pem', { alg => 'HS256' }, \%alice ],
	[ 'HS256', 'file:ec_c.pub.pem', { alg => 'HS256', kid => 'c' }, \%alice ],
	# an RS256 header over an ECDSA signature and the other way round
	[ 'ES256', 'ec_c', { alg => 'RS256', kid => 'a' }, \%alice ],
	[ 'RS256', 'rsa_a', { alg => 'ES256', kid => 'c' }, \%alice ],
	# alg none, other algorithms, an ES256 signature in DER instead of R||S
	[ 'none', undef, { alg => 'none', kid => 'a' }, \%alice ],
	[ 'none', undef, { alg => 'none' }, \%alice ],
	[ 'PS256', 'rsa_a', { alg => 'PS256', kid => 'a' }, \%alice ],
	[ 'RS256', 'rsa_a', { alg => 'RS512', kid => 'a' }, \%alice ],
	[ 'ES256-DER', 'ec_c', { alg => 'ES256', kid => 'c' }, \%alice ],
	# kid not a string, crit
	[ 'RS256', 'rsa_a', { alg => 'RS256', kid => 1 }, \%alice ],
	[ 'RS256', 'rsa_a', { alg => 'RS256', kid => 'a', crit => ['exp'] }, \%alice ],
	# claims: exp required and in the future
	[ 'RS256', 'rsa_a', { alg => 'RS256', kid => 'a' }, { sub => 'User:alice' } ],
	[ 'ES256', 'ec_c', { alg => 'ES256', kid => 'c' }, { sub => 'User:alice', exp => 'now-5' } ]);
my ($h, $p, $s) = split /\./, $t[0];
my $tampered = join '.', $h,
  encode_base64url('{"sub":"User:admin","exp":4102444800}'), $s;
my ($eh, $ep, $es) = split /\./, $t[2];
check(
	[ 'RS256, kid a',                    $t[0],  'User:alice' ],
	[ 'RS256 without kid, bare sub',     $t[1],  'User:bob' ],
	[ 'ES256, kid c',                    $t[2],  'User:alice' ],
	[ 'ES256 without kid',               $t[3],  'User:carol' ],
	[ 'HS256 with the oct key, kid h',   $t[4],  'User:alice' ],
	[ 'RS256 by another key under kid a', $t[5], $sigfail ],
	[ 'ES256 by another key under kid c', $t[6], $sigfail ],
	[ 'HS256 by another secret under kid h', $t[7], $sigfail ],
	[ 'RS256 by a key not in the set, its own kid', $t[8], qr/No configured key has the "kid"/ ],
	[ 'RS256 by a key not in the set, no kid', $t[9], $sigfail ],
	[ 'ES256 by a key not in the set, no kid', $t[10], $sigfail ],
	[ 'kid of the skipped encryption key', $t[11], qr/No configured key has the "kid"/ ],
	[ 'ES256 under the kid of the RSA key', $t[12], qr/not a key for the token's algorithm/ ],
	[ 'RS256 under the kid of the EC key', $t[13], qr/not a key for the token's algorithm/ ],
	[ 'alg confusion: HS256 keyed with the RSA public key, kid a', $t[14], qr/not a key for the token's algorithm/ ],
	[ 'alg confusion: HS256 keyed with the RSA public key, no kid', $t[15], $sigfail ],
	[ 'alg confusion: HS256 keyed with the EC public key, kid c', $t[16], qr/not a key for the token's algorithm/ ],
	[ 'RS256 header over an ECDSA signature', $t[17], $sigfail ],
	[ 'ES256 header over an RSA signature', $t[18], $sigfail ],
	[ 'alg none with kid', $t[19], qr/algorithm is not one of those the configured keys accept \(HS256, RS256, ES256\)/ ],
	[ 'alg none',          $t[20], qr/algorithm is not one of those/ ],
	[ 'alg PS256',         $t[21], qr/algorithm is not one of those/ ],
	[ 'alg RS512',         $t[22], qr/algorithm is not one of those/ ],
	[ 'ES256 signature in DER', $t[23], $sigfail ],
	[ 'kid a number',      $t[24], qr/"kid" member of the token header is not a string/ ],
	[ 'crit header',       $t[25], qr/"crit"/ ],
	[ 'exp missing',       $t[26], qr/no "exp" claim/ ],
	[ 'expired',           $t[27], qr/token has expired/ ],
	[ 'RS256 payload swapped, signature kept', $tampered, $sigfail ],
	[ 'ES256 signature truncated', "$eh.$ep." . substr($es, 0, 80), $sigfail ],
	[ 'ES256 signature of another token', "$eh.$ep." . (split /\./, $t[3])[2], $sigfail ]);

like(slurp_file($node->logfile),
	qr/key 4 \(kid "enc-1"\) of "\Q$keyfile\E" is not used: its "use" is "enc"/,
	'the encryption key is skipped, and the log says so');
like(slurp_file($node->logfile),
	qr/key 5 \(kid "p384"\) of .* is not used: its curve "P-384" is not supported/,
	'the P-384 key is skipped, and the log says so');

# --- 2. rbac.jwt_secret next to the key file -------------------------------
sub hs256
{
	my ($claims, $key, $header) = @_;
	my $hd = encode_base64url($header // '{"alg":"HS256","typ":"JWT"}');
	my $pl = encode_base64url($claims);
	return "$hd.$pl." . encode_base64url(hmac_sha256("$hd.$pl", $key));
}
$node->append_conf('postgresql.conf', "rbac.jwt_secret = '$secret'\n");   # unset -> set
reload();
is($node->safe_psql('postgres', 'SHOW rbac.jwt_secret'), '(set)',
	'SHOW rbac.jwt_secret says only that it is set');
check(
	[ 'HS256 with rbac.jwt_secret', hs256('{"sub":"User:dave","exp":4102444800}', $secret), 'User:dave' ],
	[ 'HS256 with rbac.jwt_secret, unknown kid (the secret has none)',
		hs256('{"sub":"User:dave","exp":4102444800}', $secret, '{"alg":"HS256","kid":"zz"}'), 'User:dave' ],
	[ 'HS256 with rbac.jwt_secret under the oct key\'s kid',
		hs256('{"sub":"User:dave","exp":4102444800}', $secret, '{"alg":"HS256","kid":"h"}'), $sigfail ],
	[ 'HS256 with rbac.jwt_secret under an RSA kid',
		hs256('{"sub":"User:dave","exp":4102444800}', $secret, '{"alg":"HS256","kid":"a"}'),
		qr/not a key for the token's algorithm/ ]);

# set -> another value, several times
for my $i (1 .. 3)
{
	$node->adjust_conf('postgresql.conf', 'rbac.jwt_secret', "'$secret-v$i'");
	reload();
}
check(
	[ 'the new secret after reloads', hs256('{"sub":"User:erin","exp":4102444800}', "$secret-v3"), 'User:erin' ],
	[ 'the old secret after reloads', hs256('{"sub":"User:erin","exp":4102444800}', $secret), $sigfail ]);

# --- 3. audience, issuer, nbf, iat, leeway -------------------------------------
set_conf('rbac.jwt_audience', 'orders-api');
set_conf('rbac.jwt_issuer',   'https://idp.example.com/');
set_conf('rbac.jwt_leeway',   '100');
reload();
my %ok = (sub => 'User:fay', exp => 'now+600', iss => 'https://idp.example.com/', aud => 'orders-api');
my $rs = { alg => 'RS256', kid => 'a' };
@t = sign(
	[ 'RS256', 'rsa_a', $rs, {%ok} ],
	[ 'RS256', 'rsa_a', $rs, { %ok, aud => [ 'other', 'orders-api' ] } ],
	[ 'RS256', 'rsa_a', $rs, { %ok, aud => undef } ],
	[ 'RS256', 'rsa_a', $rs, { %ok, aud => 'orders-api-2' } ],
	[ 'RS256', 'rsa_a', $rs, { %ok, aud => [ 'other', 'more' ] } ],
	[ 'RS256', 'rsa_a', $rs, { %ok, aud => [ 'orders-api', 7 ] } ],
	[ 'RS256', 'rsa_a', $rs, { %ok, aud => { x => 'orders-api' } } ],
	[ 'RS256', 'rsa_a', $rs, { %ok, iss => 'https://idp.example.com' } ],
	[ 'RS256', 'rsa_a', $rs, { %ok, iss => [ 'https://idp.example.com/' ] } ],
	[ 'RS256', 'rsa_a', $rs, { %ok, nbf => 'now+40',  iat => 'now+40' } ],
	[ 'RS256', 'rsa_a', $rs, { %ok, nbf => 'now+200' } ],
	[ 'RS256', 'rsa_a', $rs, { %ok, iat => 'now+200' } ],
	[ 'RS256', 'rsa_a', $rs, { %ok, nbf => 'now-1000', iat => 'now-1000' } ],
	[ 'RS256', 'rsa_a', $rs, { %ok, iat => 'soon' } ]);
check(
	[ 'aud string and iss match', $t[0], 'User:fay' ],
	[ 'aud array containing the audience', $t[1], 'User:fay' ],
	[ 'aud null', $t[2], qr/"aud" claim of the token is neither a string nor an array of strings/ ],
	[ 'aud another audience', $t[3], qr/does not name the audience/ ],
	[ 'aud array without the audience', $t[4], qr/does not name the audience/ ],
	[ 'aud array with a number', $t[5], qr/neither a string nor an array of strings/ ],
	[ 'aud an object', $t[6], qr/neither a string nor an array of strings/ ],
	[ 'iss without the trailing slash', $t[7], qr/"iss" claim of the token is not the issuer/ ],
	[ 'iss an array', $t[8], qr/"iss" claim of the token is not the issuer/ ],
	[ 'nbf and iat 40 s ahead, leeway 100 s', $t[9], 'User:fay' ],
	[ 'nbf 200 s ahead, leeway 100 s', $t[10], qr/token is not valid yet/ ],
	[ 'iat 200 s ahead, leeway 100 s', $t[11], qr/token is not valid yet/ ],
	[ 'nbf and iat in the past', $t[12], 'User:fay' ],
	[ 'iat a string', $t[13], qr/"iat" claim of the token is not a number/ ]);
@t = sign(
	[ 'RS256', 'rsa_a', $rs, { sub => 'User:fay', exp => $far, iss => 'https://idp.example.com/' } ],
	[ 'RS256', 'rsa_a', $rs, { sub => 'User:fay', exp => $far, aud => 'orders-api' } ]);
check(
	[ 'aud missing', $t[0], qr/no "aud" claim, which rbac.jwt_audience requires/ ],
	[ 'iss missing', $t[1], qr/no "iss" claim, which rbac.jwt_issuer requires/ ]);

set_conf('rbac.jwt_leeway', '0');
reload();
@t = sign(
	[ 'RS256', 'rsa_a', $rs, { %ok, nbf => 'now+40' } ],
	[ 'RS256', 'rsa_a', $rs, { %ok, iat => 'now+40' } ],
	[ 'RS256', 'rsa_a', $rs, { %ok, nbf => 'now-2', iat => 'now-2' } ]);
check(
	[ 'nbf 40 s ahead, leeway 0', $t[0], qr/token is not valid yet/ ],
	[ 'iat 40 s ahead, leeway 0', $t[1], qr/token is not valid yet/ ],
	[ 'nbf and iat just past, leeway 0', $t[2], 'User:fay' ]);
set_conf('rbac.jwt_leeway',   undef);
set_conf('rbac.jwt_audience', undef);
set_conf('rbac.jwt_issuer',   undef);
reload();
@t = sign(
	[ 'RS256', 'rsa_a', $rs, { %ok, nbf => 'now+20', aud => 'someone-else', iss => 'x' } ],
	[ 'RS256', 'rsa_a', $rs, { %ok, nbf => 'now+60' } ]);
check(
	[ 'default leeway 30 s: nbf 20 s ahead; aud and iss not checked', $t[0], 'User:fay' ],
	[ 'default leeway 30 s: nbf 60 s ahead', $t[1], qr/token is not valid yet/ ]);

# --- 4. rbac.jwt_actor_type_only -------------------------------------------------
@t = sign(
	[ 'RS256', 'rsa_a', $rs, { sub => 'Group:admins', exp => $far } ],
	[ 'RS256', 'rsa_a', $rs, { sub => 'User:gus', exp => $far } ],
	[ 'RS256', 'rsa_a', $rs, { sub => 'gus', exp => $far } ],
	[ 'RS256', 'rsa_a', $rs, { sub => 'Users:gus', exp => $far } ],
	[ 'RS256', 'rsa_a', $rs, { sub => 'Use:gus', exp => $far } ]);
check([ 'type only off: another type', $t[0], 'Group:admins' ]);
set_conf('rbac.jwt_actor_type_only', 'on');
reload();
check(
	[ 'type only on: another type', $t[0], qr/token subject is not an actor of type "User"/ ],
	[ 'type only on: the type', $t[1], 'User:gus' ],
	[ 'type only on: a bare id', $t[2], 'User:gus' ],
	[ 'type only on: a longer type name', $t[3], qr/not an actor of type "User"/ ],
	[ 'type only on: a shorter type name', $t[4], qr/not an actor of type "User"/ ]);
set_conf('rbac.jwt_actor_type_only', undef);
reload();

# --- 5. rotation: the file replaced, with and without a reload -------------------
@t = sign(
	[ 'RS256', 'rsa_a', { alg => 'RS256', kid => 'a' }, \%alice ],
	[ 'RS256', 'rsa_b', { alg => 'RS256', kid => 'b' }, \%alice ],
	[ 'RS256', 'rsa_b', { alg => 'RS256' }, \%alice ],
	[ 'ES256', 'ec_c', { alg => 'ES256', kid => 'c' }, \%alice ]);
check([ 'before rotation: kid b unknown', $t[1], qr/No configured key has the "kid"/ ]);
# new key b published next to a: both verify (no reload: the file changed)
write_keys($keyfile, jwks(jwk('rsa_a', kid => 'a'), jwk('rsa_b', kid => 'b')));
check(
	[ 'rotation, both keys: old key a', $t[0], 'User:alice' ],
	[ 'rotation, both keys: new key b', $t[1], 'User:alice' ],
	[ 'rotation, both keys: key b without kid', $t[2], 'User:alice' ],
	[ 'rotation: the ES256 key was dropped', $t[3], qr/algorithm is not one of those the configured keys accept \(HS256, RS256\)/ ]);
# key a retired, then a reload
write_keys($keyfile, jwks(jwk('rsa_b', kid => 'b')));
reload();
check(
	[ 'after rotation: retired key a', $t[0], qr/No configured key has the "kid"/ ],
	[ 'after rotation: key b', $t[1], 'User:alice' ]);

# --- 6. a single PEM public key ---------------------------------------------------
my $pemfile = "$dir/key.pem";
copy("$dir/rsa_a.pub.pem", $pemfile) or die;
chmod 0600, $pemfile;
$node->adjust_conf('postgresql.conf', 'rbac.jwt_key_file', "'$pemfile'");
reload();
@t = sign(
	[ 'RS256', 'rsa_a', { alg => 'RS256', kid => 'whatever-the-idp-says' }, \%alice ],
	[ 'RS256', 'rsa_a', { alg => 'RS256' }, \%alice ],
	[ 'RS256', 'rsa_b', { alg => 'RS256' }, \%alice ],
	[ 'ES256', 'ec_c', { alg => 'ES256' }, \%alice ],
	[ 'HS256', 'file:rsa_a.pub.pem', { alg => 'HS256' }, \%alice ]);
check(
	[ 'PEM key: RS256 with any kid', $t[0], 'User:alice' ],
	[ 'PEM key: RS256 without kid', $t[1], 'User:alice' ],
	[ 'PEM key: another RSA key', $t[2], $sigfail ],
	[ 'PEM key: ES256', $t[3], qr/not one of those the configured keys accept \(HS256, RS256\)/ ],
	[ 'PEM key: HS256 keyed with the PEM itself', $t[4], $sigfail ]);
copy("$dir/ec_c.pub.pem", "$pemfile.new") or die;
rename "$pemfile.new", $pemfile or die;
check(
	[ 'EC PEM key: ES256', $t[3], 'User:alice' ],
	[ 'EC PEM key: RS256', $t[1], qr/not one of those the configured keys accept \(HS256, ES256\)/ ]);

# --- 7. key files that cannot be used: every token fails, the log says why -------
my $good_hs = hs256('{"sub":"User:hal","exp":4102444800}', "$secret-v3");
my @bad_files = (
	[ 'unreadable file', sub { chmod 0000, $pemfile }, qr/could not open it: Permission denied/ ],
	[ 'missing file', sub { unlink $pemfile }, qr/could not open it: No such file or directory/ ],
	[ 'not JSON', sub { write_keys($pemfile, '{"keys": [') }, qr/it is not valid JSON/ ],
	[ 'neither JSON nor PEM', sub { write_keys($pemfile, "hello\n") }, qr/neither a JWKS document/ ],
	[ 'private key PEM', sub { copy("$dir/rsa_a.key", $pemfile) or die },
		qr/it holds a private key; the key file must hold a public key only/ ],
	[ 'private JWK', sub { write_keys($pemfile, jwks(jwk('rsa_a', kid => 'a', d => 'AQAB'))) },
		qr/key 1 \(kid "a"\): it holds private key material/ ],
	[ 'kty and alg disagree', sub { write_keys($pemfile, jwks(jwk('rsa_a', kid => 'a', alg => 'HS256'))) },
		qr/key 1 \(kid "a"\): its "kty" "RSA" and "alg" "HS256" disagree/ ],
	[ 'oct key with alg RS256', sub { write_keys($pemfile, jwks(jwk('oct_h', alg => 'RS256'))) },
		qr/key 1: its "kty" "oct" and "alg" "RS256" disagree/ ],
	[ 'EC key on P-384 with alg ES256', sub { write_keys($pemfile, jwks(jwk('ec_p384', alg => 'ES256'))) },
		qr/its "crv" "P-384" and "alg" "ES256" disagree/ ],
	[ 'EC point not on the curve', sub {
			my $k = jwk('ec_c', kid => 'c');
			$k->{y} = $k->{x};
			write_keys($pemfile, jwks($k)) }, qr/are not a point of curve P-256/ ],
	[ 'short oct key', sub { write_keys($pemfile, jwks({ kty => 'oct', k => encode_base64url('short') })) },
		qr/its "k" is shorter than 32 bytes/ ],
	[ 'duplicate kid', sub { write_keys($pemfile, jwks(jwk('rsa_a', kid => 'a'), jwk('rsa_b', kid => 'a'))) },
		qr/two keys have kid "a"/ ],
	[ 'duplicate member', sub { write_keys($pemfile, '{"keys":[{"kty":"RSA","kty":"oct","k":"x"}]}') },
		qr/key 1: it has more than one "kty" member/ ],
	[ 'only unusable keys', sub { write_keys($pemfile, jwks(jwk('rsa_x', use => 'enc'))) },
		qr/it has no key for RS256, ES256 or HS256/ ],
	[ 'no keys array', sub { write_keys($pemfile, '{"kid":"a"}') }, qr/it has no "keys" array/ ],
	[ 'RSA key of 1024 bits', sub { write_keys($pemfile, jwks(jwk('rsa_w', kid => 'w'))) },
		qr/key 1 \(kid "w"\): it is not an RSA public key of 2048 to 16384 bits/ ],
	[ 'RSA PEM key of 1024 bits', sub { copy("$dir/rsa_w.pub.pem", $pemfile) or die },
		qr/it is not an RSA public key of 2048 to 16384 bits/ ]);
for my $b (@bad_files)
{
	my ($name, $make, $reason) = @$b;
	write_keys($pemfile, slurp_file("$dir/rsa_a.pub.pem"));
	$make->();
	my $logpos = -s $node->logfile;
	check(
		[ "$name: RS256", $t[1], qr/tokens cannot be verified because the key file cannot be used \/ The server log says why/ ],
		[ "$name: HS256 with the secret", $good_hs, qr/key file cannot be used/ ]);
	my $log = substr(slurp_file($node->logfile), $logpos);
	like($log, qr/LOG:  rbac.jwt_key_file "\Q$pemfile\E" cannot be used: .*$reason/,
		"$name: the server log says why");
}
chmod 0600, $pemfile;
write_keys($pemfile, $jwks1);
check([ 'a usable key file again', $t[1], 'User:alice' ]);

# --- 8. no key file, the secret alone; then neither ------------------------------
$node->adjust_conf('postgresql.conf', 'rbac.jwt_key_file', "''");
reload();
check(
	[ 'no key file: HS256 with the secret', $good_hs, 'User:hal' ],
	[ 'no key file: RS256', $t[0], qr/The token algorithm is not HS256, the only algorithm accepted/ ]);
$node->adjust_conf('postgresql.conf', 'rbac.jwt_secret', "''");   # set -> unset
reload();
is($node->safe_psql('postgres', 'SHOW rbac.jwt_secret'), '', 'SHOW: no secret');
check([ 'neither a key file nor a secret', $good_hs, qr/tokens cannot be verified because rbac.jwt_secret is not set/ ]);
$node->adjust_conf('postgresql.conf', 'rbac.jwt_secret', "'$secret-v4'");
reload();

# storing the secret where every role can read it is refused
my ($ret, $out, $err) = $node->psql('postgres',
	"ALTER ROLE app SET rbac.jwt_secret = 'role-secret-0123456789'");
like($err, qr/ERROR:  rbac.jwt_secret cannot be stored in a role, database or function setting/,
	'ALTER ROLE ... SET rbac.jwt_secret is refused');
($ret, $out, $err) = $node->psql('postgres',
	"CREATE FUNCTION t.f() RETURNS int LANGUAGE sql SET rbac.jwt_secret = 'fn-secret-0123456789' AS 'SELECT 1'");
like($err, qr/cannot be stored in a role, database or function setting/,
	'a function SET clause with rbac.jwt_secret is refused');
is($node->safe_psql('postgres',
	"SELECT count(*) FROM pg_db_role_setting WHERE array_to_string(setconfig, ',') LIKE '%jwt_secret%'"),
	'0', 'no secret stored in pg_db_role_setting');

# --- 9. the server log holds no secret and no key material -----------------------
$node->restart;
my $log = slurp_file($node->logfile);
# (the statements refused in part 8 are in the log as STATEMENT, like any
# failed statement, so their values are not looked for)
my @needles = ($secret, map { "$secret-v$_" } 1 .. 4);
for my $name (qw(rsa_a rsa_b ec_c oct_h))
{
	my $k = jwk($name);
	push @needles, substr($k->{n} // $k->{x} // $k->{k}, 5, 24);
}
my @pem = split /\n/, slurp_file("$dir/rsa_a.pub.pem");
push @needles, substr($pem[2], 0, 40);
@pem = split /\n/, slurp_file("$dir/rsa_a.key");
push @needles, substr($pem[3], 0, 40);
my @found = grep { index($log, $_) >= 0 } @needles;
is("@found", '', 'the server log contains no secret and no key material ('
	  . scalar(@needles) . ' strings, ' . length($log) . ' bytes of log)');
unlike($log, qr/parameter "rbac\.jwt_secret" changed to/,
	'no reload logged a change of rbac.jwt_secret');
like($log, qr/parameter "rbac\.jwt_key_file" changed to/,
	'(reloads of other settings are logged as usual)');

# --- 10. without preloading -------------------------------------------------------
# A secret in postgresql.conf works but is logged as exposed (any role can
# read it with SHOW until the library loads; the postmaster logs changes).
$node->adjust_conf('postgresql.conf', 'shared_preload_libraries', "''");
$node->restart;
check([ 'not preloaded: HS256 with the secret from postgresql.conf',
	hs256('{"sub":"User:ivy","exp":4102444800}', "$secret-v4"), 'User:ivy' ]);
like(slurp_file($node->logfile),
	qr/LOG:  rbac.jwt_secret is readable by every role until pg_rbac is loaded/,
	'not preloaded: the exposed secret is logged as such');
# a role setting stored while the library is not loaded is never used
$node->adjust_conf('postgresql.conf', 'rbac.jwt_secret', "''");
$node->restart;
$node->safe_psql('postgres', "ALTER ROLE app SET rbac.jwt_secret = 'role-secret-0123456789'");
check([ 'a secret from a role setting is not used',
	hs256('{"sub":"User:ivy","exp":4102444800}', 'role-secret-0123456789'),
	qr/rbac.jwt_secret is stored in a role or database setting/ ]);
$node->safe_psql('postgres', 'ALTER ROLE app RESET ALL');

note "tokens accepted: $accepted, refused: $refused";
$node->stop;
done_testing();
