'use strict';
// End-to-end tests of the GitClub API: HTTP requests as several users
// against the running server (API_URL), with the data of schema.sql.
//
// Environment (set by run-test.sh): API_URL, JWT_SECRET (the cluster's
// rbac.jwt_secret), PGHOST / PGPORT / PGDATABASE, APP_PGUSER (the server's
// role) and ADMIN_PGUSER (a superuser: the tests use it to look behind the
// API and to change team memberships the way an administrator would).
//
// The tests run in order and some build on earlier ones (an issue opened in
// one is listed in the next).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Client } = require('pg');
const { mint, tokenFor } = require('./token');

const { API_URL, JWT_SECRET, APP_PGUSER, ADMIN_PGUSER } = process.env;
assert.ok(API_URL && JWT_SECRET && APP_PGUSER && ADMIN_PGUSER, 'run this through run-test.sh');

// One HTTP request as `user` (a user id, or {token} for a raw token, or null
// for none).  Returns {status, body, headers}.
async function api(method, path, user, body) {
  const headers = {};
  if (user) headers.Authorization = `Bearer ${user.token || tokenFor(JWT_SECRET, user)}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(API_URL + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const ids = (rows) => rows.map((r) => r.id);

let admin; // superuser connection, for looking behind the API
before(async () => {
  admin = new Client({ user: ADMIN_PGUSER });
  await admin.connect();
});
after(() => admin.end());

test('the server connects as an ordinary role that row-level security applies to', async () => {
  const db = new Client({ user: APP_PGUSER });
  await db.connect();
  try {
    const { rows: [role] } = await db.query(
      'SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user');
    assert.deepEqual(role, { rolsuper: false, rolbypassrls: false });
    const { rows: owned } = await db.query(
      `SELECT relname FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
         AND relname IN ('organizations', 'repositories', 'issues')`);
    assert.deepEqual(owned, []);
    // no actor: nothing visible, although the role may SELECT every table
    const { rows: [counts] } = await db.query(
      `SELECT (SELECT count(*) FROM organizations)::int AS orgs, (SELECT count(*) FROM repositories)::int AS repos,
              (SELECT count(*) FROM issues)::int AS issues`);
    assert.deepEqual(counts, { orgs: 0, repos: 0, issues: 0 });
    // and it cannot name an actor without a token
    await assert.rejects(db.query("SELECT rbac.set_actor('User:alice')"), { code: '42501' });
  } finally {
    await db.end();
  }
});

test('the database itself refuses what the API refuses, without the API\'s checks', async () => {
  // what a buggy handler that skipped rbac.authorize would run, as erin
  const db = new Client({ user: APP_PGUSER });
  await db.connect();
  try {
    await db.query('BEGIN');
    await db.query('SELECT rbac.set_actor_token($1, true)', [tokenFor(JWT_SECRET, 'erin')]);
    assert.deepEqual(ids((await db.query('SELECT id FROM repositories ORDER BY id')).rows), [3]);
    assert.equal((await db.query('UPDATE issues SET closed = true WHERE id = 12')).rowCount, 0);
    assert.equal((await db.query('DELETE FROM repositories WHERE id = 3')).rowCount, 0);
    await assert.rejects(
      db.query("INSERT INTO issues (repo_id, creator_id, title) VALUES (1, 'erin', 'sneaky')"),
      { code: '42501', message: /row-level security/ });
  } finally {
    await db.query('ROLLBACK');
    await db.end();
  }
});

test('a missing, forged, expired or unsigned token gets 401', async () => {
  const now = Math.floor(Date.now() / 1000);
  const bad = {
    missing: null,
    garbage: { token: 'not-a-token' },
    'wrong secret': { token: tokenFor('another secret', 'alice') },
    expired: { token: tokenFor(JWT_SECRET, 'alice', -60) },
    'no exp': { token: mint(JWT_SECRET, { sub: 'alice' }) },
    'alg none': { token: mint(JWT_SECRET, { sub: 'alice', exp: now + 60 }, { alg: 'none' }).replace(/[^.]+$/, '') },
    'unknown actor type': { token: mint(JWT_SECRET, { sub: 'Robot:r2', exp: now + 60 }) },
  };
  for (const [what, user] of Object.entries(bad)) {
    const res = await api('GET', '/repos', user);
    assert.equal(res.status, 401, what);
    assert.match(res.headers.get('www-authenticate'), /^Bearer/, what);
    assert.ok(!Array.isArray(res.body), what);
  }
  // the same request with a good token succeeds
  assert.equal((await api('GET', '/repos', 'alice')).status, 200);
});

test('each user sees the organizations they belong to', async () => {
  const expected = { alice: ['acme'], bob: ['acme'], carol: [], dave: ['globex'], erin: [] };
  for (const [user, orgs] of Object.entries(expected)) {
    const res = await api('GET', '/orgs', user);
    assert.equal(res.status, 200, user);
    assert.deepEqual(ids(res.body), orgs, user);
  }
});

test('each user sees the repositories they may read', async () => {
  const expected = {
    alice: [1, 2, 3, 5], // owner of acme; 3 is public
    bob: [1, 2, 3, 5], // member of acme
    carol: [2, 3], // 2 through her team
    dave: [3, 4], // owner of globex
    erin: [3], // nobody: public only
  };
  for (const [user, repos] of Object.entries(expected)) {
    const res = await api('GET', '/repos', user);
    assert.equal(res.status, 200, user);
    assert.deepEqual(ids(res.body), repos, user);
  }
});

test('GET /repos/:id answers with what the user may do, or 404', async () => {
  const expected = [
    ['alice', 1, ['delete', 'manage_roles', 'push', 'read']],
    ['bob', 1, ['read']],
    ['carol', 2, ['push', 'read']],
    ['erin', 3, ['read']],
  ];
  for (const [user, repo, permissions] of expected) {
    const res = await api('GET', `/repos/${repo}`, user);
    assert.equal(res.status, 200, `${user} ${repo}`);
    assert.equal(res.body.id, repo);
    assert.deepEqual(res.body.permissions, permissions, `${user} ${repo}`);
  }
  for (const [user, repo] of [['erin', 1], ['carol', 1], ['alice', 4], ['alice', 999]]) {
    const res = await api('GET', `/repos/${repo}`, user);
    assert.equal(res.status, 404, `${user} ${repo}`);
    assert.match(res.body.error, new RegExp(`Repository:${repo} not found`));
  }
});

test('issues of a repository are listed for its readers only', async () => {
  assert.deepEqual(ids((await api('GET', '/repos/2/issues', 'bob')).body), [11]);
  assert.deepEqual(ids((await api('GET', '/repos/3/issues', 'erin')).body), [12]);
  assert.equal((await api('GET', '/repos/1/issues', 'erin')).status, 404);
  assert.equal((await api('GET', '/issues/10', 'bob')).status, 200);
  assert.equal((await api('GET', '/issues/10', 'erin')).status, 404);
});

test('a member opens an issue; an outsider cannot, except in a public repository', async () => {
  const created = await api('POST', '/repos/1/issues', 'bob', { title: 'Handle is loose' });
  assert.equal(created.status, 201);
  assert.equal(created.body.creator_id, 'bob');
  assert.equal(created.body.closed, false);
  const issue = created.body.id;
  assert.ok(ids((await api('GET', '/repos/1/issues', 'alice')).body).includes(issue));
  assert.equal((await api('GET', `/issues/${issue}`, 'erin')).status, 404);

  const count = async () => (await admin.query('SELECT count(*)::int AS n FROM issues')).rows[0].n;
  const before = await count();
  const refused = await api('POST', '/repos/1/issues', 'erin', { title: 'Let me in' });
  assert.equal(refused.status, 404);
  assert.equal(await count(), before, 'no row was written');

  const outsider = await api('POST', '/repos/3/issues', 'erin', { title: 'Broken link' });
  assert.equal(outsider.status, 201);
  assert.equal(outsider.body.creator_id, 'erin');

  assert.equal((await api('POST', '/repos/1/issues', 'bob', { title: '' })).status, 400);
  assert.equal((await api('POST', '/repos/1/issues', 'bob', {})).status, 400);
});

test('closing an issue: its creator or a maintainer; 403 if visible, 404 if not', async () => {
  const closed = async (id) => (await admin.query('SELECT closed FROM issues WHERE id = $1', [id])).rows[0].closed;

  const own = await api('PATCH', '/issues/10', 'bob', { closed: true }); // bob created it
  assert.equal(own.status, 200);
  assert.equal(own.body.closed, true);
  assert.equal(await closed(10), true);

  const forbidden = await api('PATCH', '/issues/11', 'bob', { closed: true }); // he may only read it
  assert.equal(forbidden.status, 403);
  assert.match(forbidden.body.error, /User:bob may not close Issue:11/);
  assert.equal(await closed(11), false);

  const team = await api('PATCH', '/issues/11', 'carol', { closed: true }); // maintainer through team eng
  assert.equal(team.status, 200);
  assert.equal(await closed(11), true);

  assert.equal((await api('PATCH', '/issues/12', 'erin', { closed: true })).status, 403); // public: readable
  assert.equal((await api('PATCH', '/issues/10', 'erin', { closed: true })).status, 404);
  assert.equal((await api('PATCH', '/issues/12', 'dave', { closed: true })).status, 200); // owner of globex
  assert.equal((await api('PATCH', '/issues/12', 'dave', { title: 'x' })).status, 400);
});

test('deleting a repository: admins only; its issues and role assignments go with it', async () => {
  await admin.query("SELECT rbac.assign_role('User:erin', 'reader', 'Repository:5')");
  assert.equal((await api('GET', '/repos/5', 'erin')).status, 200);

  assert.equal((await api('DELETE', '/repos/5', 'erin')).status, 403); // reader
  assert.equal((await api('DELETE', '/repos/5', 'bob')).status, 403); // member of acme
  assert.equal((await api('DELETE', '/repos/5', 'carol')).status, 404);
  assert.equal((await api('DELETE', '/repos/5', 'dave')).status, 404);
  assert.equal((await admin.query('SELECT count(*)::int AS n FROM repositories WHERE id = 5')).rows[0].n, 1);

  const res = await api('DELETE', '/repos/5', 'alice'); // owner of acme: admin of its repositories
  assert.equal(res.status, 204);
  assert.equal((await api('GET', '/repos/5', 'alice')).status, 404);
  assert.equal((await api('GET', '/issues/14', 'alice')).status, 404);
  const { rows: [left] } = await admin.query(
    `SELECT (SELECT count(*) FROM issues WHERE repo_id = 5)::int AS issues,
            (SELECT count(*) FROM rbac.assignments(resource => 'Repository:5'))::int AS assignments`);
  assert.deepEqual(left, { issues: 0, assignments: 0 });
});

test('joining or leaving a team takes effect on the next request', async () => {
  assert.equal((await api('GET', '/repos/2', 'dave')).status, 404);
  await admin.query("SELECT rbac.add_member('Group:eng', 'User:dave')");
  const joined = await api('GET', '/repos/2', 'dave');
  assert.equal(joined.status, 200);
  assert.deepEqual(joined.body.permissions, ['push', 'read']); // the team maintains rocket
  assert.deepEqual(ids((await api('GET', '/repos', 'dave')).body), [2, 3, 4]);
  await admin.query("SELECT rbac.remove_member('Group:eng', 'User:dave')");
  assert.equal((await api('GET', '/repos/2', 'dave')).status, 404);
});

test('an admin grants a team a role through the API; others may not', async () => {
  const grant = { actor: 'Group:eng', role: 'reader' };
  assert.equal((await api('POST', '/repos/1/roles', 'bob', grant)).status, 403); // reads, does not manage
  assert.equal((await api('POST', '/repos/1/roles', 'carol', grant)).status, 404);
  assert.equal((await api('GET', '/repos/1', 'carol')).status, 404);

  assert.equal((await api('POST', '/repos/1/roles', 'alice', grant)).status, 201);
  assert.equal((await api('POST', '/repos/1/roles', 'alice', grant)).status, 200); // already held
  const now = await api('GET', '/repos/1', 'carol'); // carol is in the team
  assert.equal(now.status, 200);
  assert.deepEqual(now.body.permissions, ['read']);

  assert.equal((await api('POST', '/repos/1/roles', 'alice', { actor: 'Group:eng', role: 'wizard' })).status, 400);
  assert.equal((await api('POST', '/repos/1/roles', 'alice', { actor: 'eng', role: 'reader' })).status, 400);
  assert.equal((await api('POST', '/repos/4/roles', 'alice', grant)).status, 404); // a globex repository
});

test('concurrent requests of different users never see each other\'s rows', async () => {
  const expected = { alice: [1, 2, 3], erin: [3], dave: [3, 4], carol: [1, 2, 3] };
  const users = Object.keys(expected);
  const requests = Array.from({ length: 60 }, (_, i) => users[i % users.length]);
  const results = await Promise.all(requests.map((user) => api('GET', '/repos', user)));
  results.forEach((res, i) => {
    assert.equal(res.status, 200);
    assert.deepEqual(ids(res.body), expected[requests[i]], requests[i]);
  });
});

test('a broken GRANT is the server\'s error (500), not the user\'s (403)', async () => {
  assert.equal((await api('PATCH', '/issues/12', 'dave', { closed: false })).status, 200);
  await admin.query(`REVOKE UPDATE (closed) ON issues FROM ${APP_PGUSER}`);
  try {
    const broken = await api('PATCH', '/issues/12', 'dave', { closed: true });
    assert.equal(broken.status, 500); // "permission denied for table issues": no schema rbac
    assert.equal((await api('PATCH', '/issues/12', 'erin', { closed: true })).status, 403); // still a decision
  } finally {
    await admin.query(`GRANT UPDATE (closed) ON issues TO ${APP_PGUSER}`);
  }
  assert.equal((await api('PATCH', '/issues/12', 'dave', { closed: true })).status, 200);
});

test('unknown endpoints and methods', async () => {
  assert.equal((await api('GET', '/nothing', 'alice')).status, 404);
  assert.equal((await api('PUT', '/repos/1', 'alice')).status, 405);
  assert.equal((await api('GET', '/repos/12345678901', 'alice')).status, 404);
});
