'use strict';
// Mint HS256 JSON Web Tokens for the tests: what an identity provider would
// hand to a signed-in user.  rbac.set_actor_token needs "sub" (a bare id is
// a User) and "exp" in the future; it verifies the signature with the key in
// rbac.jwt_secret.

const crypto = require('node:crypto');

const b64url = (data) => Buffer.from(data).toString('base64url');

function mint(secret, claims, header = { alg: 'HS256', typ: 'JWT' }) {
  const signed = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const mac = crypto.createHmac('sha256', secret).update(signed).digest('base64url');
  return `${signed}.${mac}`;
}

// A token for user `sub`, valid for `ttl` seconds (negative: already expired).
function tokenFor(secret, sub, ttl = 300) {
  return mint(secret, { sub, exp: Math.floor(Date.now() / 1000) + ttl });
}

module.exports = { mint, tokenFor };
