-- Test strength (issue 17): a token tampered anywhere is refused.  Every
-- character of a valid HS256 token is changed in turn (a bit of the 6-bit
-- value it encodes is flipped, so it stays a base64url character, and each
-- dot is replaced by a base64url character), and every byte of the
-- decoded header, payload and signature has a bit flipped in turn (then
-- re-encoded); each of these tokens must be refused with 28000, the actor
-- staying as it was.  Then the edges of "exp" and "nbf" around now (beyond any
-- clock leeway).
-- Tokens are made by an HMAC-SHA256 in PL/pgSQL over sha256(),
-- independent of the C code (checked against RFC 4231 in 31_actor_token).
-- Runs in a database of its own, with no policy loaded.
\set own_db regress_s81
\i sql/include/own_database.sql

\set hs256_key regress-s81-secret
\i sql/include/hs256.sql
-- the SQLSTATE of presenting a token, or 'ok', and the actor afterwards
CREATE FUNCTION pg_temp.try(token text, OUT outcome text, OUT actor text)
LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        PERFORM rbac.set_actor_token(token);
        outcome := 'ok';
    EXCEPTION WHEN OTHERS THEN
        outcome := SQLSTATE;
    END;
    actor := rbac.current_actor();
END $$;

SET rbac.jwt_secret = 'regress-s81-secret';
SELECT pg_temp.jwt('{"alg":"HS256","typ":"JWT"}', '{"sub":"User:alice","exp":4102444800}') AS token \gset
-- the untampered token is good
SELECT * FROM pg_temp.try(:'token');
SELECT rbac.set_actor('User:base');

CREATE TEMP TABLE tampered (kind text, part text, pos int, token text);
-- every character: flip bit (pos mod 6) of its 6-bit value; a dot becomes "A"
INSERT INTO tampered
SELECT 'character', CASE WHEN c = '.' THEN 'dot'
                         WHEN i < strpos(:'token', '.') THEN 'header'
                         WHEN i < length(:'token') - strpos(reverse(:'token'), '.') + 1 THEN 'payload'
                         ELSE 'signature' END,
       i,
       overlay(:'token' PLACING
               CASE WHEN c = '.' THEN 'A'
                    ELSE substr(alphabet, ((strpos(alphabet, c) - 1) # (1 << (i % 6))) + 1, 1) END
               FROM i FOR 1)
FROM (SELECT i, substr(:'token', i, 1) AS c,
             'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_' AS alphabet
      FROM generate_series(1, length(:'token')) i) s;
-- every byte of each decoded part: flip bit (pos mod 8), re-encode
INSERT INTO tampered
SELECT 'byte', p.part, k,
       CASE p.n WHEN 1 THEN pg_temp.b64url(set_byte(p.raw, k, get_byte(p.raw, k) # (1 << (k % 8))))
                            || '.' || split_part(:'token', '.', 2) || '.' || split_part(:'token', '.', 3)
                WHEN 2 THEN split_part(:'token', '.', 1) || '.'
                            || pg_temp.b64url(set_byte(p.raw, k, get_byte(p.raw, k) # (1 << (k % 8))))
                            || '.' || split_part(:'token', '.', 3)
                ELSE split_part(:'token', '.', 1) || '.' || split_part(:'token', '.', 2) || '.'
                     || pg_temp.b64url(set_byte(p.raw, k, get_byte(p.raw, k) # (1 << (k % 8)))) END
FROM (SELECT n, part, pg_temp.unb64url(split_part(:'token', '.', n)) AS raw
      FROM (VALUES (1, 'header'), (2, 'payload'), (3, 'signature')) v(n, part)) p,
     generate_series(0, length(p.raw) - 1) k;

-- each tampered token differs from the original; every one is refused
SELECT count(*) FILTER (WHERE token = :'token') AS unchanged_tokens FROM tampered;
SELECT kind, part, count(*) AS tampered,
       count(*) FILTER (WHERE (r).outcome = '28000') AS refused_28000,
       count(*) FILTER (WHERE (r).actor = 'User:base') AS actor_kept
FROM (SELECT kind, part, pg_temp.try(token) AS r FROM tampered) s
GROUP BY kind, part ORDER BY kind, part;
-- the first tampered positions not refused, if any
SELECT kind, part, pos, (pg_temp.try(token)).outcome FROM tampered
WHERE (pg_temp.try(token)).outcome <> '28000' ORDER BY kind, part, pos LIMIT 5;
SELECT rbac.current_actor();

-- expiry and not-before, seconds around now
SELECT extract(epoch FROM now())::bigint AS now \gset
SELECT label, (pg_temp.try(pg_temp.jwt('{"alg":"HS256"}', payload))).outcome
FROM (VALUES
    ('expired 120 s ago', format('{"sub":"User:a","exp":%s}', :now - 120)),
    ('expires in 120 s', format('{"sub":"User:a","exp":%s}', :now + 120)),
    ('not before 120 s from now', format('{"sub":"User:a","exp":%s,"nbf":%s}', :now + 600, :now + 120)),
    ('not before 120 s ago', format('{"sub":"User:a","exp":%s,"nbf":%s}', :now + 600, :now - 120)))
    v(label, payload);

RESET rbac.jwt_secret;
SELECT rbac.reset_actor();
\i sql/include/own_database_end.sql
