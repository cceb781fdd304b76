-- Token settings of 0.3 (SPEC 6.1 "Secrets", 6.2): rbac.jwt_secret never
-- shown nor stored where every role can read it; rbac.jwt_key_file only
-- from the configuration file; rbac.jwt_audience, rbac.jwt_issuer,
-- rbac.jwt_leeway ("nbf", "iat") and rbac.jwt_actor_type_only, with HS256
-- tokens made here in PL/pgSQL (RS256 and ES256 keys and the key file are
-- tested by tests/t/021_tokens.pl).  Every refusal is 28000 and leaves the
-- actor unchanged.
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on
-- load the library, so that the settings are defined (before, a SET makes a
-- placeholder, which shows its value: see docs/operations.md, "Tokens")
SELECT rbac.current_actor();

CREATE FUNCTION pg_temp.hmac_sha256(key bytea, msg bytea) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    k bytea := key;
    ipad bytea;
    opad bytea;
BEGIN
    IF length(k) > 64 THEN
        k := sha256(k);
    END IF;
    k := k || decode(repeat('00', 64 - length(k)), 'hex');
    ipad := k;
    opad := k;
    FOR i IN 0..63 LOOP
        ipad := set_byte(ipad, i, get_byte(k, i) # 54);
        opad := set_byte(opad, i, get_byte(k, i) # 92);
    END LOOP;
    RETURN sha256(opad || sha256(ipad || msg));
END $$;
CREATE FUNCTION pg_temp.b64url(data bytea) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT translate(encode(data, 'base64'), E'+/=\n', '-_') $$;
CREATE FUNCTION pg_temp.enc(data text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT pg_temp.b64url(convert_to(data, 'UTF8')) $$;
-- an HS256 token over a header and a payload whose "now+N" numbers are
-- seconds from the current time
CREATE FUNCTION pg_temp.jwt(header text, payload text, key text DEFAULT 'regress-32-secret-0123456789abcdef')
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    p text := payload;
    m text[];
    h64 text;
    p64 text;
BEGIN
    FOR m IN SELECT regexp_matches(payload, 'now([+-][0-9]+)', 'g') LOOP
        p := replace(p, 'now' || m[1],
                     (floor(extract(epoch FROM clock_timestamp())) + m[1]::int)::text);
    END LOOP;
    h64 := pg_temp.enc(header);
    p64 := pg_temp.enc(p);
    RETURN h64 || '.' || p64 || '.' ||
           pg_temp.b64url(pg_temp.hmac_sha256(convert_to(key, 'UTF8'),
                                              convert_to(h64 || '.' || p64, 'UTF8')));
END $$;
-- the outcome of presenting a token after rbac.set_actor('User:before'):
-- the actor, or SQLSTATE, message, detail and the actor after the refusal
CREATE FUNCTION pg_temp.try(token text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    st text;
    msg text;
    det text;
BEGIN
    PERFORM rbac.set_actor('User:before');
    BEGIN
        RETURN 'ok ' || rbac.set_actor_token(token);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                                det = PG_EXCEPTION_DETAIL;
        RETURN st || ' ' || msg || coalesce(' / ' || nullif(det, ''), '') ||
               ' [actor ' || coalesce(rbac.current_actor(), 'none') || ']';
    END;
END $$;
\set hs '{"alg":"HS256","typ":"JWT"}'

-- 1. rbac.jwt_secret is never shown, only whether it is set
SHOW rbac.jwt_secret;
SET rbac.jwt_secret = 'regress-32-secret-0123456789abcdef';
SHOW rbac.jwt_secret;
SELECT current_setting('rbac.jwt_secret') AS current_setting,
       (SELECT count(*) FROM pg_settings WHERE name = 'rbac.jwt_secret') AS in_pg_settings;
BEGIN;
SET LOCAL rbac.jwt_secret = 'another-secret-0123456789abcdefgh';
SHOW rbac.jwt_secret;
SELECT pg_temp.try(pg_temp.jwt(:'hs', '{"sub":"User:a","exp":now+60}', 'another-secret-0123456789abcdefgh'));
ROLLBACK;
-- the session's secret is back after the rollback
SELECT pg_temp.try(pg_temp.jwt(:'hs', '{"sub":"User:a","exp":now+60}'));
SELECT pg_temp.try(pg_temp.jwt(:'hs', '{"sub":"User:a","exp":now+60}', 'another-secret-0123456789abcdefgh'));

-- 2. it cannot be stored in a role, database or function setting (every
-- role can read those in the catalogs)
CREATE ROLE regress_token_role;
ALTER ROLE regress_token_role SET rbac.jwt_secret = 'regress-32-secret-0123456789abcdef';
SELECT current_database() AS db \gset
ALTER DATABASE :"db" SET rbac.jwt_secret = 'regress-32-secret-0123456789abcdef';
ALTER ROLE regress_token_role IN DATABASE :"db" SET rbac.jwt_secret = 'x';
CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql
    SET rbac.jwt_secret = 'regress-32-secret-0123456789abcdef' AS 'SELECT 1';
-- an empty value stores nothing secret and is accepted
ALTER ROLE regress_token_role SET rbac.jwt_secret = '';
SELECT count(*) AS stored_secrets FROM pg_db_role_setting
 WHERE array_to_string(setconfig, ',') ~ 'jwt_secret=.';
ALTER ROLE regress_token_role RESET ALL;

-- 3. rbac.jwt_key_file is set in the configuration file only
SHOW rbac.jwt_key_file;
SET rbac.jwt_key_file = '/etc/passwd';
SELECT set_config('rbac.jwt_key_file', '/etc/passwd', false);

-- 4. only superusers change the token settings or see the key file
SET ROLE regress_token_role;
SHOW rbac.jwt_key_file;
SET rbac.jwt_audience = 'x';
SET rbac.jwt_issuer = 'x';
SET rbac.jwt_leeway = 3600;
SET rbac.jwt_actor_type_only = off;
SELECT current_setting('rbac.jwt_audience') AS audience,
       current_setting('rbac.jwt_issuer') AS issuer,
       current_setting('rbac.jwt_leeway') AS leeway,
       current_setting('rbac.jwt_actor_type_only') AS actor_type_only;
RESET ROLE;
SET rbac.jwt_leeway = -1;
SET rbac.jwt_leeway = 3601;
SET rbac.jwt_leeway = '2min';
SHOW rbac.jwt_leeway;
RESET rbac.jwt_leeway;

-- 5. audience and issuer, when set
SET rbac.jwt_audience = 'orders-api';
SET rbac.jwt_issuer = 'https://idp.example.com/';
CREATE TEMP TABLE claims (ord serial, name text, payload text);
INSERT INTO claims (name, payload) VALUES
  ('aud and iss match', '{"sub":"User:a","exp":now+60,"aud":"orders-api","iss":"https://idp.example.com/"}'),
  ('aud in an array', '{"sub":"User:a","exp":now+60,"aud":["x","orders-api"],"iss":"https://idp.example.com/"}'),
  ('aud missing', '{"sub":"User:a","exp":now+60,"iss":"https://idp.example.com/"}'),
  ('aud another', '{"sub":"User:a","exp":now+60,"aud":"orders","iss":"https://idp.example.com/"}'),
  ('aud differs in case', '{"sub":"User:a","exp":now+60,"aud":"Orders-API","iss":"https://idp.example.com/"}'),
  ('aud array without it', '{"sub":"User:a","exp":now+60,"aud":["x","y"],"iss":"https://idp.example.com/"}'),
  ('aud empty array', '{"sub":"User:a","exp":now+60,"aud":[],"iss":"https://idp.example.com/"}'),
  ('aud nested array', '{"sub":"User:a","exp":now+60,"aud":[["orders-api"]],"iss":"https://idp.example.com/"}'),
  ('aud array with null', '{"sub":"User:a","exp":now+60,"aud":["orders-api",null],"iss":"https://idp.example.com/"}'),
  ('aud a number', '{"sub":"User:a","exp":now+60,"aud":1,"iss":"https://idp.example.com/"}'),
  ('aud twice', '{"sub":"User:a","exp":now+60,"aud":"orders-api","aud":"x","iss":"https://idp.example.com/"}'),
  ('iss missing', '{"sub":"User:a","exp":now+60,"aud":"orders-api"}'),
  ('iss another', '{"sub":"User:a","exp":now+60,"aud":"orders-api","iss":"https://evil.example.com/"}'),
  ('iss a prefix', '{"sub":"User:a","exp":now+60,"aud":"orders-api","iss":"https://idp.example.com"}'),
  ('iss null', '{"sub":"User:a","exp":now+60,"aud":"orders-api","iss":null}'),
  ('iss escaped', '{"sub":"User:a","exp":now+60,"aud":"orders-api","iss":"https:\/\/idp.example.com\/"}'),
  ('iss twice', '{"sub":"User:a","exp":now+60,"aud":"orders-api","iss":"https://idp.example.com/","iss":"x"}');
SELECT ord, name, pg_temp.try(pg_temp.jwt(:'hs', payload)) AS outcome
  FROM claims ORDER BY ord;
RESET rbac.jwt_audience;
RESET rbac.jwt_issuer;
-- unset: aud and iss are not checked
SELECT pg_temp.try(pg_temp.jwt(:'hs', '{"sub":"User:a","exp":now+60,"aud":["x"],"iss":7}'));

-- 6. nbf and iat, with rbac.jwt_leeway seconds of clock skew (default 30)
TRUNCATE claims;
INSERT INTO claims (name, payload) VALUES
  ('nbf and iat 10 s ahead', '{"sub":"User:a","exp":now+600,"nbf":now+10,"iat":now+10}'),
  ('nbf 120 s ahead', '{"sub":"User:a","exp":now+600,"nbf":now+120}'),
  ('iat 120 s ahead', '{"sub":"User:a","exp":now+600,"iat":now+120}'),
  ('nbf and iat past', '{"sub":"User:a","exp":now+600,"nbf":now-600,"iat":now-600}'),
  ('iat a string', '{"sub":"User:a","exp":now+600,"iat":"0"}'),
  ('iat twice', '{"sub":"User:a","exp":now+600,"iat":1,"iat":2}'),
  ('exp 10 s ago (exp has no leeway)', '{"sub":"User:a","exp":now-10}');
SELECT ord, name, pg_temp.try(pg_temp.jwt(:'hs', payload)) AS outcome FROM claims ORDER BY ord;
SET rbac.jwt_leeway = 0;
SELECT ord, name, pg_temp.try(pg_temp.jwt(:'hs', payload)) AS outcome FROM claims ORDER BY ord;
SET rbac.jwt_leeway = 300;
SELECT ord, name, pg_temp.try(pg_temp.jwt(:'hs', payload)) AS outcome FROM claims ORDER BY ord;
RESET rbac.jwt_leeway;

-- 7. rbac.jwt_actor_type_only: a "sub" may not name another type
SET rbac.jwt_actor_type_only = on;
SELECT pg_temp.try(pg_temp.jwt(:'hs', '{"sub":"User:a","exp":now+60}'));
SELECT pg_temp.try(pg_temp.jwt(:'hs', '{"sub":"a","exp":now+60}'));
SELECT pg_temp.try(pg_temp.jwt(:'hs', '{"sub":"a:b","exp":now+60}'));
SELECT pg_temp.try(pg_temp.jwt(:'hs', '{"sub":"Group:admins","exp":now+60}'));
SELECT pg_temp.try(pg_temp.jwt(:'hs', '{"sub":"Users:a","exp":now+60}'));
SELECT pg_temp.try(pg_temp.jwt(:'hs', '{"sub":"user:a","exp":now+60}'));
SET rbac.jwt_actor_type = 'Group';
SELECT pg_temp.try(pg_temp.jwt(:'hs', '{"sub":"Group:admins","exp":now+60}'));
SELECT pg_temp.try(pg_temp.jwt(:'hs', '{"sub":"User:a","exp":now+60}'));
SELECT pg_temp.try(pg_temp.jwt(:'hs', '{"sub":"admins","exp":now+60}'));
RESET rbac.jwt_actor_type;
RESET rbac.jwt_actor_type_only;
SELECT pg_temp.try(pg_temp.jwt(:'hs', '{"sub":"Group:admins","exp":now+60}'));

-- 8. header: kid must be a string; the secret has no kid, so any kid that
-- names no key of the (absent) key file is verified with it
SELECT pg_temp.try(pg_temp.jwt('{"alg":"HS256","kid":7}', '{"sub":"User:a","exp":now+60}'));
SELECT pg_temp.try(pg_temp.jwt('{"alg":"HS256","kid":"k","kid":"l"}', '{"sub":"User:a","exp":now+60}'));
SELECT pg_temp.try(pg_temp.jwt('{"alg":"HS256","kid":"any"}', '{"sub":"User:a","exp":now+60}'));

RESET rbac.jwt_secret;
SHOW rbac.jwt_secret;
SELECT rbac.reset_actor();
DROP ROLE regress_token_role;
