-- sql/include/hs256.sql: HS256 tokens made in PL/pgSQL over the built-in
-- sha256(), independent of the C code under test (31_actor_token checks
-- the HMAC against RFC 4231).  \set hs256_key SECRET first: the default key.
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
        ipad := set_byte(ipad, i, get_byte(k, i) # 54);   -- 0x36
        opad := set_byte(opad, i, get_byte(k, i) # 92);   -- 0x5c
    END LOOP;
    RETURN sha256(opad || sha256(ipad || msg));
END $$;
-- base64url without padding, of bytes and of UTF-8 text, and back
CREATE FUNCTION pg_temp.b64url(data bytea) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT translate(encode(data, 'base64'), E'+/=\n', '-_') $$;
CREATE FUNCTION pg_temp.enc(data text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT pg_temp.b64url(convert_to(data, 'UTF8')) $$;
CREATE FUNCTION pg_temp.unb64url(s text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT decode(translate(s, '-_', '+/') || repeat('=', (4 - length(s) % 4) % 4), 'base64')
$$;
-- a token from already encoded parts
CREATE FUNCTION pg_temp.jwt_raw(h64 text, p64 text, key text DEFAULT :'hs256_key')
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT h64 || '.' || p64 || '.' ||
           pg_temp.b64url(pg_temp.hmac_sha256(convert_to(key, 'UTF8'),
                                              convert_to(h64 || '.' || p64, 'UTF8')))
$$;
-- a token from JSON texts; "now+N" and "now-N" in the payload become the
-- current time plus or minus N seconds
CREATE FUNCTION pg_temp.jwt(header text, payload text, key text DEFAULT :'hs256_key')
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    p text := payload;
    m text[];
BEGIN
    FOR m IN SELECT regexp_matches(payload, 'now([+-][0-9]+)', 'g') LOOP
        p := replace(p, 'now' || m[1],
                     (floor(extract(epoch FROM clock_timestamp())) + m[1]::int)::text);
    END LOOP;
    RETURN pg_temp.jwt_raw(pg_temp.enc(header), pg_temp.enc(p), key);
END $$;
