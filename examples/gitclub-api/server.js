'use strict';
// GitClub API: a small HTTP JSON API over the GitClub tables of schema.sql.
//
// There is no authorization logic in this file.  Each request runs in one
// transaction that starts with
//
//     SELECT rbac.set_actor_token($1, true)
//
// with the request's bearer token: the database verifies the token (HS256,
// secret in postgresql.conf) and makes its subject the actor until the
// transaction ends.  From then on pg_rbac decides: generated row-level
// security filters every SELECT, INSERT, UPDATE and DELETE, and
// rbac.authorize tells "not found" (SQLSTATE P0002, answered 404) from
// "forbidden" (42501, answered 403) where the API wants to say which.
//
// Connection settings come from the usual libpq variables (PGHOST, PGPORT,
// PGDATABASE, PGUSER, PGPASSWORD); PORT and HOST choose where to listen.

const http = require('node:http');
const { Pool } = require('pg');

const pool = new Pool({ max: Number(process.env.POOL_SIZE || 4) });
const MAX_BODY = 64 * 1024;

// An error carrying the HTTP status to answer with.
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// What a database error means to a client, by SQLSTATE.
const STATUS_OF_SQLSTATE = {
  28000: 401, // set_actor_token refused the token (signature, expiry, format)
  42704: 400, // unknown role for the resource's type
  22023: 400, // malformed actor reference
  23503: 422, // a reference to a row that does not exist (e.g. a token for an unknown user)
};

// The status of a database error.  pg_rbac's authorization decisions
// (rbac.authorize, a refused delegation, a refused move of a row) carry the
// schema name "rbac" (err.schema); so does nothing else with these codes.
// A plain 42501 is a missing GRANT -- the deployment's bug, a 500 -- except
// PostgreSQL's own refusal of a new row by a WITH CHECK policy.
function statusOf(err) {
  if (err.schema === 'rbac' && err.code === 'P0002') return 404;
  if (err.schema === 'rbac' && err.code === '42501') return 403;
  if (err.code === '42501' && /violates row-level security policy/.test(err.message)) return 403;
  return STATUS_OF_SQLSTATE[err.code];
}

// Run fn(db, actor) in a transaction whose actor is the token's subject.
async function asActor(token, fn) {
  const db = await pool.connect();
  let broken;
  try {
    await db.query('BEGIN');
    const { rows } = await db.query('SELECT rbac.set_actor_token($1, true) AS actor', [token]);
    const result = await fn(db, rows[0].actor);
    await db.query('COMMIT');
    return result;
  } catch (err) {
    await db.query('ROLLBACK').catch((e) => { broken = e; });
    throw err;
  } finally {
    db.release(broken); // a connection that could not roll back is discarded
  }
}

// rbac.authorize raises P0002 (-> 404) or 42501 (-> 403) unless allowed.
async function authorize(db, action, resource) {
  await db.query('SELECT rbac.authorize($1, $2)', [action, resource]);
}

// The handlers: (db, actor, params, body) -> [status, body].

async function listOrgs(db) {
  const { rows } = await db.query('SELECT id, name FROM organizations ORDER BY id');
  return [200, rows];
}

async function listRepos(db) {
  const { rows } = await db.query(
    'SELECT id, org_id, name, is_public FROM repositories ORDER BY id');
  return [200, rows];
}

async function getRepo(db, actor, [id]) {
  await authorize(db, 'read', `Repository:${id}`);
  const { rows } = await db.query(
    `SELECT id, org_id, name, is_public,
            ARRAY(SELECT rbac.authorized_actions('Repository:' || id)) AS permissions
       FROM repositories WHERE id = $1`, [id]);
  return [200, rows[0]];
}

async function deleteRepo(db, actor, [id]) {
  await authorize(db, 'delete', `Repository:${id}`);
  await db.query('DELETE FROM repositories WHERE id = $1', [id]); // issues cascade
  return [204];
}

async function listIssues(db, actor, [id]) {
  await authorize(db, 'read', `Repository:${id}`);
  const { rows } = await db.query(
    'SELECT id, repo_id, creator_id, title, closed FROM issues WHERE repo_id = $1 ORDER BY id', [id]);
  return [200, rows];
}

async function createIssue(db, actor, [id], body) {
  const title = body && body.title;
  if (typeof title !== 'string' || title.trim() === '' || title.length > 200) {
    throw new HttpError(400, 'title must be a non-empty string of at most 200 characters');
  }
  if (!actor.startsWith('User:')) throw new HttpError(403, 'only users open issues');
  await authorize(db, 'read', `Repository:${id}`);
  // RLS checks the new row (INSERT needs "read" on it); the creator is the actor.
  const { rows } = await db.query(
    `INSERT INTO issues (repo_id, creator_id, title) VALUES ($1, $2, $3)
     RETURNING id, repo_id, creator_id, title, closed`,
    [id, actor.slice('User:'.length), title]);
  return [201, rows[0]];
}

async function getIssue(db, actor, [id]) {
  await authorize(db, 'read', `Issue:${id}`);
  const { rows } = await db.query(
    'SELECT id, repo_id, creator_id, title, closed FROM issues WHERE id = $1', [id]);
  return [200, rows[0]];
}

async function updateIssue(db, actor, [id], body) {
  if (!body || typeof body.closed !== 'boolean' || Object.keys(body).length !== 1) {
    throw new HttpError(400, 'the body must be {"closed": true} or {"closed": false}');
  }
  await authorize(db, 'close', `Issue:${id}`);
  const { rows } = await db.query(
    `UPDATE issues SET closed = $2 WHERE id = $1
     RETURNING id, repo_id, creator_id, title, closed`, [id, body.closed]);
  return [200, rows[0]];
}

// Grant a role on a repository (delegated administration: the database lets
// the actor do it if the actor holds "manage_roles" on the repository).
async function grantRepoRole(db, actor, [id], body) {
  if (!body || typeof body.actor !== 'string' || typeof body.role !== 'string') {
    throw new HttpError(400, 'the body must be {"actor": "User:...", "role": "..."}');
  }
  await authorize(db, 'manage_roles', `Repository:${id}`);
  const { rows } = await db.query('SELECT rbac.assign_role($1, $2, $3) AS created',
    [body.actor, body.role, `Repository:${id}`]);
  return [rows[0].created ? 201 : 200, { actor: body.actor, role: body.role, resource: `Repository:${id}` }];
}

// Ids are at most 9 digits, so they always fit an int column.
const ID = '(\\d{1,9})';
const routes = [
  ['GET', '/orgs', listOrgs],
  ['GET', '/repos', listRepos],
  ['GET', `/repos/${ID}`, getRepo],
  ['DELETE', `/repos/${ID}`, deleteRepo],
  ['GET', `/repos/${ID}/issues`, listIssues],
  ['POST', `/repos/${ID}/issues`, createIssue],
  ['POST', `/repos/${ID}/roles`, grantRepoRole],
  ['GET', `/issues/${ID}`, getIssue],
  ['PATCH', `/issues/${ID}`, updateIssue],
].map(([method, path, handler]) => ({ method, re: new RegExp(`^${path}$`), handler }));

// The route for a request: {handler, params}, or an HttpError 404 / 405.
function route(method, path) {
  const matching = routes.filter((r) => r.re.test(path));
  if (matching.length === 0) throw new HttpError(404, 'no such endpoint');
  const r = matching.find((m) => m.method === method);
  if (!r) throw new HttpError(405, 'method not allowed');
  return { handler: r.handler, params: path.match(r.re).slice(1) };
}

async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, 'body too large');
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
}

function send(res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...headers, ...(text && { 'Content-Type': 'application/json' }) });
  res.end(text);
}

async function handle(req, res) {
  try {
    const { pathname } = new URL(req.url, 'http://localhost');
    const { handler, params } = route(req.method, pathname);
    const auth = /^Bearer (\S+)$/.exec(req.headers.authorization || '');
    if (!auth) throw new HttpError(401, 'a bearer token is required');
    const body = await readJson(req);
    const [status, result] = await asActor(auth[1], (db, actor) => handler(db, actor, params, body));
    send(res, status, result);
  } catch (err) {
    const status = err.status || statusOf(err);
    if (!status) {
      console.error(err);
      return send(res, 500, { error: 'internal error' });
    }
    const challenge = err.code === '28000' ? 'Bearer error="invalid_token"' : 'Bearer';
    send(res, status, { error: err.message }, status === 401 ? { 'WWW-Authenticate': challenge } : {});
  }
}

const server = http.createServer(handle);
server.listen(Number(process.env.PORT || 3000), process.env.HOST || '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`gitclub-api listening on http://${address}:${port}`);
});

// Finish the requests under way, then close the pool.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => pool.end()));
}
