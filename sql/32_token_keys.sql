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
-- a server may have a secret in postgresql.conf (docs/getting-started.md
-- sets one up): this session starts without one, whatever the server has
SELECT coalesce(current_setting('rbac.jwt_secret', true), '') <> '' AS server_secret \gset
\if :server_secret
SET rbac.jwt_secret = '';
\endif

\set hs256_key regress-32-secret-0123456789abcdef
\i sql/include/hs256.sql
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

SET rbac.jwt_secret = '';
SHOW rbac.jwt_secret;
SELECT rbac.reset_actor();
DROP ROLE regress_token_role;

-- 9. RS256 and ES256 with a key file (so that the OpenSSL paths also run in
-- the sanitizer build of scripts/test.sh asan).  The keys were made once by
-- Python's cryptography package, which also signed these tokens (exp 2100);
-- the file is written into the data directory and named by a relative path.
\set jwks '{"keys":[{"kty":"RSA","kid":"r1","use":"sig","alg":"RS256","n":"vIv8qRfsfVPY-KIr4_UJ9miY53hpYko00ADuSgaeyNvK7CxTEoNwLSrm2XqclftsaoHCmSTWqVvATk5-WXEtpSNN9qSTV0pQzxCpNTclyjn9ZH-i6x5i1ChDfOObxSjFEQmJNxfUu50aroBUF3kp8Tbe9FDD6BOg8m-cIPusUCxtNXIbbf147Dvshsp06-0sx7nr5akou5s1q1VwzzBvx0YtrZn8eZTrjyt8iQ6cPmTf8vmKXUjFc5BH2xaYw8ux2ZWZswdy1thJpSkGN-iRHEltL3LnsKdB1R50ut8LPRfKitjNaEBzL6pvgSjTmJ1UslXE1xZgkYJKdTvvo_nwgQ","e":"AQAB"},{"kty":"EC","kid":"e1","crv":"P-256","x":"WVcy6eyW6VSfhqWtrVom-BCJLS_t_mSAemBRuCys0xc","y":"QuRLtA5i9ba0-i4kAnyUiDxOcgasrDYsC4GkVxCln6c"}]}'
SELECT format('COPY (SELECT %L) TO %L', :'jwks',
              current_setting('data_directory') || '/pg_rbac_regress_jwks.json') AS copy \gset
:copy;
ALTER SYSTEM SET rbac.jwt_key_file = 'pg_rbac_regress_jwks.json';
SELECT pg_reload_conf();
SELECT pg_sleep(1);
\c
\if :server_secret
SET rbac.jwt_secret = '';
\endif
SHOW rbac.jwt_key_file;
CREATE TEMP TABLE tokens (ord serial, name text, token text);
INSERT INTO tokens (name, token) VALUES
  ('RS256, kid r1', 'eyJhbGciOiJSUzI1NiIsImtpZCI6InIxIn0.eyJzdWIiOiJVc2VyOnJzYSIsImV4' ||
    'cCI6NDEwMjQ0NDgwMH0.OpWU2-O5xJWx0eQE2ghLotbCo_HL-WFIb8zfkhOKX1jk' ||
    'rWkq9hXNc2GJCVAFZPkBtsU2h_3M-m8QFr3Y7pIF0vU54Jt_032nLKk2TJgNh5IN' ||
    'GrDRQMZOWLNvuxurrmd1aAn0PIg8uoIw82uazzcodbxBZCjaw8kOR6kS8pCnR8Ac' ||
    'TK6by9zdGR9F6T_uqd5yKwZrs_vtICO10A-xF0DrXNV8scHN1LqtkphotfsbQxBB' ||
    'J7JWiZY25xkv4KlhEEw7G9EQTNbQ0ub9fKNl4A8W7EKF4qi0H5a4N1CDWwXF9wkO' ||
    '39zV88mefvboJo4nAdWFmE-_OHhPc7-DYYXvmJR0iQ'),
  ('RS256 without kid', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJVc2VyOnJzYTIiLCJleHAiOjQxMDI0NDQ' ||
    '4MDB9.FZYRyq_rVtI-af_1vczD26bWOnSB-qcX-6R4eYe00vDa9yH1epNgY3hvUI' ||
    'qjb4WNGCb9yP0aaj8Bvu8RUt7zXundbuaFdLbAtophNNuq7sOFq_NqK65nXRZrA9' ||
    '3OkS_75wZVGHZGt0c--bny-cibRrT3aLC3ITRc0fLBkjNrdLqYVY9mybPUBm2wOm' ||
    '-gdCx5GBC19IjuNiLosJ8omAGNSF4MrVx4JWDnCsrvf3MUnrxRSQsenXpXPE0sA_' ||
    'OfutLtKk2oS93M74PxpJIzeJ72zCnA1mRxfeXS5V-_02SFselF7MEXOxSwL5bzM7' ||
    'AE4kjABr68bfJPWQw_zXNf18h7tQ'),
  ('RS256 by another key under kid r1', 'eyJhbGciOiJSUzI1NiIsImtpZCI6InIxIn0.eyJzdWIiOiJVc2VyOnJzYSIsImV4' ||
    'cCI6NDEwMjQ0NDgwMH0.gZwALkFMK3qgPmmhGMvIVMdH6OKJR8sIXCfUyhgHhYIq' ||
    'zW9gG7-SfqIsSXBpwt6FpPYi6yimn5RiH0HqEqitP5gEpMisglSztxiwFpBiHeUr' ||
    '6SdJzddQHPhvs6d1dE9bI18Q2lDpet-IZJ4AyNxdhAQVO3zt3_iUGF-HEA4NfnMk' ||
    'dwgnKYL-x08lPxWtF67wZx8BShyTT17be1nBzXp8Nbf1OYaMdsN61TjAEWLzv4Ya' ||
    'XNcDkYFZY8MJK4A2e7pBDq59QFBsf44rkxv8UKTS0gR-gof9wY11Y-qf7LsFAwSC' ||
    'XmJ2rS2-ZOxSiqk_Lz3JHAt5K83PSVz11SjrkGknVQ'),
  ('RS256 expired', 'eyJhbGciOiJSUzI1NiIsImtpZCI6InIxIn0.eyJzdWIiOiJVc2VyOnJzYSIsImV4' ||
    'cCI6MTAwMDAwMDAwMH0.a26KkvWZBoAKReQW_TqQnZmBl8TeFEwoZVk8KGH9tSVl' ||
    '4qcD1Uop3oRNmSBjrSuXa0x_MNAswMgU5HCaFOwIoj-o5GxygLhuLwvA9R7N3T6Y' ||
    'jSaJbDWvNlWzBwCWAaaXNZ5Ke_khZesd1vH6TIQ-HUIcoGy--c3xFFiQx10_86oL' ||
    'w7MkuwsNNxKahZIa66LnAZA4s_ri3i_KsWE1AsllQlzx4TM46JkMhQh4pRGGtg2y' ||
    'zxFP6wvQMiq4ZeRlJX9M-vTEo7quyXuT56HVEd_dv60zvIeDdfmtWghgIwcDCHf-' ||
    '5y5Y2whOXV0IePNEXo2PH3wtZzB3FHg0kksEYsgNXw'),
  ('ES256, kid e1', 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImUxIn0.eyJzdWIiOiJVc2VyOmVjIiwiZXhw' ||
    'Ijo0MTAyNDQ0ODAwfQ.0ZC6ZiV3bWxyCcd8tMibmR8VM45bH0rAF6bthZktBXahZ' ||
    '9lzq0ENqmfOmMd_Zkl5Rb2jYRlJTpnGv0YcEb6NpA'),
  ('ES256 without kid', 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJVc2VyOmVjMiIsImV4cCI6NDEwMjQ0NDg' ||
    'wMH0.OU2NthXXJEOY88IiwTuJTV3HJRZ3s6lnw3pSX45fc6T6K4s2vIGXh4nb3s9' ||
    'eqKIraPmLczAkJ95trK9ipMb5Sw'),
  ('ES256 under the RSA key''s kid', 'eyJhbGciOiJFUzI1NiIsImtpZCI6InIxIn0.eyJzdWIiOiJVc2VyOnJzYSIsImV4' ||
    'cCI6NDEwMjQ0NDgwMH0.BgbJJq4EtmYVTr70fhncs0Iu1ZPohCbNhQAMMIuGWbJh' ||
    '8L1VCqNqhS1m3jMXK8Fv1zY8MBMDjVCq30g-uezz1g');
SELECT rbac.set_actor('User:before');
\i sql/include/token_try.sql
SELECT ord, name, pg_temp.try(token) AS outcome FROM tokens ORDER BY ord;
-- a tampered payload; a signature cut short; the actor after each refusal
SELECT rbac.set_actor('User:before');
SELECT pg_temp.try(split_part(token, '.', 1) || '.' ||
                   translate(encode(convert_to('{"sub":"User:admin","exp":4102444800}', 'UTF8'), 'base64'),
                             E'+/=\n', '-_') || '.' ||
                   split_part(token, '.', 3)) FROM tokens WHERE ord = 1;
SELECT pg_temp.try(left(token, -6)) FROM tokens WHERE ord = 5;
SELECT rbac.current_actor();
-- HS256 is not accepted: neither the file nor rbac.jwt_secret has a key
SELECT pg_temp.try('eyJhbGciOiJIUzI1NiJ9.e30.AAAA');
ALTER SYSTEM RESET rbac.jwt_key_file;
SELECT pg_reload_conf();
SELECT pg_sleep(1);
\c
\if :server_secret
SET rbac.jwt_secret = '';
\endif
SHOW rbac.jwt_key_file;
