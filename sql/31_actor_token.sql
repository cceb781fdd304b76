-- rbac.set_actor_token (SPEC 3.2): HS256 JWT verification.  Every bad
-- token is 28000 and leaves the actor unchanged.
--
-- Test tokens are made here by an HMAC-SHA256 written in PL/pgSQL over the
-- built-in sha256(), independent of the C code under test and checked
-- against RFC 4231 first.
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on

\set hs256_key regress-secret-0123456789abcdef
\i sql/include/hs256.sql
-- tampering: rotate the first signature character to the next letter; set
-- unused low bits in the last character of an encoding
CREATE FUNCTION pg_temp.tamper(token text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT split_part(token, '.', 1) || '.' || split_part(token, '.', 2) || '.' ||
           translate(left(split_part(token, '.', 3), 1),
                     'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
                     'BCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_A') ||
           substr(split_part(token, '.', 3), 2)
$$;
CREATE FUNCTION pg_temp.dirty_bits(b64 text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT left(b64, -1) || translate(right(b64, 1), 'AQgw', 'BRhx') $$;
\i sql/include/token_try.sql

-- RFC 4231 test cases 2 and 6 (short key, key longer than a block)
SELECT encode(pg_temp.hmac_sha256(convert_to('Jefe', 'UTF8'),
                                  convert_to('what do ya want for nothing?', 'UTF8')), 'hex')
       = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843' AS rfc4231_2,
       encode(pg_temp.hmac_sha256(decode(repeat('aa', 131), 'hex'),
                                  convert_to('Test Using Larger Than Block-Size Key - Hash Key First', 'UTF8')), 'hex')
       = '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54' AS rfc4231_6;

\set hs256 '{"alg":"HS256","typ":"JWT"}'
\set alice '{"sub":"User:alice","exp":4102444800}'

-- 1. No secret: nothing can be verified.  A server may have a secret in
-- postgresql.conf (as docs/getting-started.md sets one up): this session's
-- value is emptied first then, so that the test needs no particular server.
SELECT coalesce(current_setting('rbac.jwt_secret', true), '') <> '' AS server_secret \gset
\if :server_secret
SET rbac.jwt_secret = '';
\endif
SELECT rbac.set_actor_token(pg_temp.jwt(:'hs256', :'alice'));
SET rbac.jwt_secret = '';
SELECT rbac.set_actor_token(pg_temp.jwt(:'hs256', :'alice'));
SELECT rbac.current_actor() IS NULL AS no_actor;
SET rbac.jwt_secret = 'regress-secret-0123456789abcdef';

-- 2. Valid tokens
SELECT rbac.set_actor_token(pg_temp.jwt(:'hs256', :'alice'));
SELECT rbac.current_actor();
-- a bare sub gets rbac.jwt_actor_type (default User)
SELECT rbac.set_actor_token(pg_temp.jwt(:'hs256', '{"sub":"bob","exp":4102444800}'));
SET rbac.jwt_actor_type = 'Group';
SELECT rbac.set_actor_token(pg_temp.jwt(:'hs256', '{"sub":"eng","exp":4102444800}'));
SELECT rbac.current_actor();
RESET rbac.jwt_actor_type;
-- a full reference keeps its type; the id may contain ':'
SELECT rbac.set_actor_token(pg_temp.jwt(:'hs256', '{"sub":"Group:eng:platform","exp":4102444800}'));
-- typ is optional; other claims and members are ignored; escapes are decoded
SELECT rbac.set_actor_token(pg_temp.jwt('{"alg":"HS256"}',
    '{"iss":"idp","aud":["app"],"iat":1700000000,"nbf":1700000000,"exp":4102444800.5,"sub":"User:carol","ctx":{"a":[1,2]}}'));
SELECT rbac.set_actor_token(pg_temp.jwt('{"kid":"k1", "alg" : "HS256"}',
    E'{ "\\u0073ub" : "User:d\\u0061ve", "exp" : 4.1e9 }'));
-- base64 padding is optional but accepted when correct
SELECT rbac.set_actor_token(pg_temp.jwt_raw(pg_temp.enc('{"alg":"HS256"} ') || '==',
                                            pg_temp.enc('{"sub":"User:erin","exp":4102444800}  ') || '='));
SELECT rbac.current_actor();

-- 3. Rejected tokens: 28000 each, the actor stays User:erin
CREATE TEMP TABLE bad (ord serial, name text, token text);
INSERT INTO bad (name, token) VALUES
  ('null token', NULL),
  ('empty', ''),
  ('one part', 'abc'),
  ('two parts', pg_temp.enc(:'hs256') || '.' || pg_temp.enc(:'alice')),
  ('four parts', pg_temp.jwt(:'hs256', :'alice') || '.x'),
  ('dots only', '..'),
  ('surrounding space', ' ' || pg_temp.jwt(:'hs256', :'alice')),
  ('standard base64 alphabet', replace(pg_temp.jwt(:'hs256', :'alice'), 'J', '+')),
  ('bad character', pg_temp.jwt_raw(pg_temp.enc(:'hs256') || '*', pg_temp.enc(:'alice'))),
  ('bad padding', pg_temp.jwt_raw(pg_temp.enc(:'hs256') || '===', pg_temp.enc(:'alice'))),
  ('impossible length', pg_temp.jwt_raw(pg_temp.enc(:'hs256') || 'AAAAA', pg_temp.enc(:'alice'))),
  ('non-zero trailing bits', pg_temp.jwt_raw(pg_temp.dirty_bits(pg_temp.enc('{"alg":"HS256"} ')), pg_temp.enc(:'alice'))),
  ('wrong signature', pg_temp.tamper(pg_temp.jwt(:'hs256', :'alice'))),
  ('signature of another key', pg_temp.jwt(:'hs256', :'alice', 'another-secret')),
  ('signature with the empty key', pg_temp.jwt(:'hs256', :'alice', '')),
  ('payload swapped, signature kept',
     split_part(pg_temp.jwt(:'hs256', :'alice'), '.', 1) || '.' ||
     pg_temp.enc('{"sub":"User:admin","exp":4102444800}') || '.' ||
     split_part(pg_temp.jwt(:'hs256', :'alice'), '.', 3)),
  ('signature removed', split_part(pg_temp.jwt(:'hs256', :'alice'), '.', 1) || '.' ||
     split_part(pg_temp.jwt(:'hs256', :'alice'), '.', 2) || '.'),
  ('short signature', pg_temp.jwt(:'hs256', :'alice') || 'AAAA'),
  ('alg none, unsigned', pg_temp.enc('{"alg":"none","typ":"JWT"}') || '.' || pg_temp.enc(:'alice') || '.'),
  ('alg none, signed', pg_temp.jwt('{"alg":"none"}', :'alice')),
  ('alg HS512', pg_temp.jwt('{"alg":"HS512"}', :'alice')),
  ('alg RS256', pg_temp.jwt('{"alg":"RS256"}', :'alice')),
  ('alg lower case', pg_temp.jwt('{"alg":"hs256"}', :'alice')),
  ('alg missing', pg_temp.jwt('{"typ":"JWT"}', :'alice')),
  ('alg not a string', pg_temp.jwt('{"alg":["HS256"]}', :'alice')),
  ('alg twice', pg_temp.jwt('{"alg":"HS256","alg":"none"}', :'alice')),
  ('crit header', pg_temp.jwt('{"alg":"HS256","crit":["exp"]}', :'alice')),
  ('header not JSON', pg_temp.jwt('{"alg":"HS256"', :'alice')),
  ('header an array', pg_temp.jwt('["alg","HS256"]', :'alice')),
  ('header nested too deep', pg_temp.jwt('{"alg":"HS256","x":' || repeat('[', 100) || repeat(']', 100) || '}', :'alice')),
  ('payload not JSON', pg_temp.jwt(:'hs256', 'sub=User:alice')),
  ('payload trailing garbage', pg_temp.jwt(:'hs256', :'alice' || ' x')),
  ('payload a string', pg_temp.jwt(:'hs256', '"User:alice"')),
  ('payload not UTF-8', pg_temp.jwt_raw(pg_temp.enc(:'hs256'), pg_temp.b64url('\x7b22737562223a22ff227d'::bytea))),
  ('payload empty', pg_temp.jwt(:'hs256', '')),
  ('exp missing', pg_temp.jwt(:'hs256', '{"sub":"User:alice"}')),
  ('exp a string', pg_temp.jwt(:'hs256', '{"sub":"User:alice","exp":"4102444800"}')),
  ('exp null', pg_temp.jwt(:'hs256', '{"sub":"User:alice","exp":null}')),
  ('exp out of range', pg_temp.jwt(:'hs256', '{"sub":"User:alice","exp":1e400}')),
  ('exp twice', pg_temp.jwt(:'hs256', '{"sub":"User:alice","exp":4102444800,"exp":1}')),
  ('expired', pg_temp.jwt(:'hs256', '{"sub":"User:alice","exp":1000000000}')),
  ('expired (negative)', pg_temp.jwt(:'hs256', '{"sub":"User:alice","exp":-1}')),
  ('nbf in the future', pg_temp.jwt(:'hs256', '{"sub":"User:alice","exp":4102444800,"nbf":4102444000}')),
  ('nbf a string', pg_temp.jwt(:'hs256', '{"sub":"User:alice","exp":4102444800,"nbf":"0"}')),
  ('sub missing', pg_temp.jwt(:'hs256', '{"exp":4102444800}')),
  ('sub nested only', pg_temp.jwt(:'hs256', '{"exp":4102444800,"ctx":{"sub":"User:admin"}}')),
  ('sub a number', pg_temp.jwt(:'hs256', '{"sub":42,"exp":4102444800}')),
  ('sub empty', pg_temp.jwt(:'hs256', '{"sub":"","exp":4102444800}')),
  ('sub null', pg_temp.jwt(:'hs256', '{"sub":null,"exp":4102444800}')),
  ('sub twice', pg_temp.jwt(:'hs256', '{"sub":"User:alice","sub":"User:admin","exp":4102444800}')),
  ('sub malformed reference', pg_temp.jwt(:'hs256', '{"sub":":admin","exp":4102444800}')),
  ('sub with empty id', pg_temp.jwt(:'hs256', '{"sub":"User:","exp":4102444800}')),
  ('too long', pg_temp.jwt(:'hs256', '{"sub":"User:alice","exp":4102444800,"pad":"' || repeat('x', 70000) || '"}'));
SELECT ord, name, pg_temp.try(token) AS outcome FROM bad ORDER BY ord;
SELECT rbac.current_actor();

-- the same rejections made directly, outside any exception block
SELECT rbac.set_actor_token(token) FROM bad WHERE name = 'signature of another key';
SELECT rbac.set_actor_token(token) FROM bad WHERE name = 'alg none, unsigned';
SELECT rbac.set_actor_token(token) FROM bad WHERE name = 'expired';
SELECT rbac.set_actor_token(token) FROM bad WHERE name = 'nbf in the future';
SELECT rbac.set_actor_token(token, true) FROM bad WHERE name = 'payload swapped, signature kept';
SELECT rbac.current_actor();
BEGIN;
SELECT rbac.set_actor_token(token) FROM bad WHERE name = 'alg HS512';
SELECT rbac.current_actor();
COMMIT;

-- 4. The actor type of the subject must be declared once a policy is loaded
BEGIN;
SELECT rbac.load_policy('actor User {} actor Group {} resource Repository {}', drop_orphans => true);
SELECT pg_temp.try(pg_temp.jwt(:'hs256', '{"sub":"Usr:alice","exp":4102444800}'));
SELECT pg_temp.try(pg_temp.jwt(:'hs256', '{"sub":"Repository:1","exp":4102444800}'));
SET LOCAL rbac.jwt_actor_type = 'Robot';
SELECT pg_temp.try(pg_temp.jwt(:'hs256', '{"sub":"r2d2","exp":4102444800}'));
SELECT rbac.current_actor();
ROLLBACK;

-- 5. local => true lasts until the end of the transaction
BEGIN;
SELECT rbac.set_actor_token(pg_temp.jwt(:'hs256', :'alice'), true);
SELECT rbac.current_actor();
COMMIT;
SELECT rbac.current_actor();

-- 6. Anyone may present a token; nobody but a superuser sets the secret
CREATE ROLE regress_token_user;
SET ROLE regress_token_user;
SELECT rbac.set_actor_token(pg_temp.jwt(:'hs256', '{"sub":"frank","exp":4102444800}'));
SET rbac.jwt_secret = 'forged';
SELECT rbac.set_actor_token(pg_temp.jwt(:'hs256', '{"sub":"admin","exp":4102444800}', 'forged'));
SELECT rbac.current_actor();
RESET ROLE;
DROP ROLE regress_token_user;

RESET rbac.jwt_secret;
SELECT rbac.reset_actor();
SELECT rbac.current_actor() IS NULL AS no_actor;
