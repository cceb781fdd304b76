"""Testing a pg_rbac policy with pytest.

Enable the plugin in ``conftest.py``::

    pytest_plugins = ["pg_rbac.testing"]

and say what to load::

    @pytest.fixture
    def rbac_policy():
        return pathlib.Path("policy.polar")         # or the policy's text

    @pytest.fixture
    def rbac_schema():                              # optional: SQL run first
        return pathlib.Path("schema.sql").read_text()

    @pytest.fixture
    def rbac_setup():                               # optional: SQL run after the policy
        return "SELECT rbac.bind('Repository', 'repositories'); ..."

Fixtures:

- ``rbac_database``: a throwaway database on the server named by
  ``PG_RBAC_TEST_URL`` (an SQLAlchemy URL of a superuser connection; by
  default ``postgresql+psycopg2:///postgres``, which reads libpq's
  PGHOST, PGPORT, PGUSER...; ``rbac_admin_url`` overrides it) with the extension created, ``rbac_schema``
  run, the policy loaded and ``rbac_setup`` run.  One database per
  distinct (schema, policy, setup) for the whole test run, dropped at its
  end: tests must not commit (use ``rbac_session``).
- ``rbac_session``: a Session on it whose work is rolled back after the
  test.  It connects as the superuser: use the explicit-actor forms
  (``actor=``) or ``rbac.set_actor``.

Helpers: ``assert_decisions`` (a decision table; a failing case shows
``rbac.explain``), ``assert_policy_tests`` (the policy's own ``test``
blocks, run by ``rbac.test_policy`` with no tables), ``throwaway_database`` (the context manager behind
the fixture) and ``make_token`` (signed tokens for ``set_actor_token``).
"""

import base64
import contextlib
import hashlib
import hmac
import importlib.util
import json
import os
import secrets
import time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import sqlalchemy as rbac_sa

__all__ = ["throwaway_database", "assert_decisions", "assert_policy_tests", "make_token",
           "default_admin_url"]


# ---------------------------------------------------------------------------
# Throwaway databases
# ---------------------------------------------------------------------------

def default_admin_url():
    """``PG_RBAC_TEST_URL``, or a superuser connection through libpq's
    environment (PGHOST, PGPORT, PGUSER...) to database postgres, with
    psycopg2 if it is installed, else psycopg 3."""
    url = os.environ.get("PG_RBAC_TEST_URL")
    if url:
        return url
    if importlib.util.find_spec("psycopg2") is not None:
        return "postgresql+psycopg2:///postgres"
    return "postgresql+psycopg:///postgres"


def _text_of(source):
    if source is None or isinstance(source, str):
        return source
    if hasattr(source, "read_text"):
        return source.read_text()
    raise TypeError("expected SQL or policy text or a path, not %r" % (source,))


def _run_sql(conn, sql):
    """Run a script of several statements (text or a path; no parameters, %
    is literal), or call a function with the connection."""
    if callable(sql):
        sql(conn)
    elif sql is not None:
        sql = _text_of(sql)
        if sql.strip():
            conn.execution_options(no_parameters=True).exec_driver_sql(sql)


@contextlib.contextmanager
def throwaway_database(admin_url=None, *, policy=None, schema=None, setup=None, prefix="pg_rbac_test"):
    """A new database with pg_rbac: yields its URL, drops it on exit.

    In order: ``CREATE EXTENSION pg_rbac``, ``schema`` (SQL text, a path,
    or a callable taking a Connection), ``rbac.load_policy(policy)`` (text
    or a path; None: no policy), ``setup`` (as schema), committed.
    ``admin_url`` is a superuser's SQLAlchemy URL (``default_admin_url()``).
    """
    url = sa.engine.make_url(admin_url or default_admin_url())
    name = "%s_%s" % (prefix, secrets.token_hex(6))
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    quoted = '"%s"' % name
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql("CREATE DATABASE " + quoted)
        db_url = url.set(database=name)
        try:
            engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
            try:
                with engine.begin() as conn:
                    conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_rbac")
                    _run_sql(conn, schema)
                    if policy is not None:
                        rbac_sa.load_policy(conn, _text_of(policy))
                    _run_sql(conn, setup)
            finally:
                engine.dispose()
            yield db_url
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % quoted)
    finally:
        admin.dispose()


class RbacDatabase:
    """What ``rbac_database`` gives: ``url`` and a superuser ``engine``."""

    def __init__(self, url, engine):
        self.url = url
        self.engine = engine


class _Databases:
    """The databases made for a test run, by content."""

    def __init__(self):
        self.stack = contextlib.ExitStack()
        self.made = {}

    def get(self, admin_url, policy, schema, setup):
        key = (str(admin_url), _key(policy), _key(schema), _key(setup))
        if key not in self.made:
            url = self.stack.enter_context(
                throwaway_database(admin_url, policy=policy, schema=schema, setup=setup))
            engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
            self.stack.callback(engine.dispose)
            self.made[key] = RbacDatabase(url, engine)
        return self.made[key]


def _key(x):
    if x is None or isinstance(x, str) or callable(x):
        return x
    return _text_of(x)


# ---------------------------------------------------------------------------
# Decision tables
# ---------------------------------------------------------------------------

def _verdict(allowed):
    return "allowed" if allowed else "denied"


def assert_decisions(bind, cases):
    """Check a decision table: ``cases`` is an iterable of
    ``(actor, action, resource, expected)`` (actor and resource as
    references or ORM instances, expected a bool).

    Every case is checked (explicit-actor ``rbac.is_allowed``: the
    connection role needs EXECUTE on it, as a superuser has); if any differs
    from the table, AssertionError lists each failing case with the lines
    of ``rbac.explain`` that say why the answer is what it is.
    """
    failures = []
    count = 0
    for case in cases:
        actor, action, resource, expected = case
        count += 1
        actor_ref = rbac_sa.ref(actor, session=bind)
        resource_ref = rbac_sa.ref(resource, session=bind)
        got = rbac_sa.is_allowed(bind, action, resource_ref, actor=actor_ref)
        if got != bool(expected):
            why = rbac_sa.explain(bind, action, resource_ref, actor=actor_ref)
            failures.append("  %s %s %s: expected %s, got %s\n%s" % (
                actor_ref, action, resource_ref, _verdict(expected), _verdict(got),
                "\n".join("      " + line.strip() for line in why)))
    if failures:
        raise AssertionError("%d of %d decisions differ from the table:\n%s"
                             % (len(failures), count, "\n".join(failures)))
    return count


def assert_policy_tests(bind, policy=None):
    """Run the ``test`` blocks of a policy (text or a path; None: the
    loaded policy) with ``rbac.test_policy``: on the policy and the tests'
    setup facts alone, in any database with the extension (no tables, no
    role data; nothing is written).

    Returns the number of assertions; if any fails, AssertionError lists
    each failing one under its test.  Errors in the policy or its tests
    (42601, 42P17) are raised as the driver's errors, with line and column.
    """
    source = None if policy is None else _text_of(policy)
    rows = bind.execute(sa.text(
        "SELECT test, assertion, passed FROM rbac.test_policy(CAST(:source AS text))"),
        {"source": source}).all()
    failed = ["  %s: %s" % (test, assertion) for test, assertion, passed in rows if not passed]
    if failed:
        raise AssertionError("%d of %d policy test assertions failed:\n%s"
                             % (len(failed), len(rows), "\n".join(failed)))
    return len(rows)


# ---------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------

def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_token(key, sub=None, ttl=300, claims=None, alg="HS256", kid=None, header=None):
    """A signed JSON Web Token, as an identity provider would issue, for
    ``rbac.set_actor_token``.

    ``key``: the shared secret (str or bytes) for HS256; for RS256 and
    ES256 (P-256) a private key of the ``cryptography`` package or its PEM.
    Claims: ``sub`` (a user id or a reference), ``exp`` ``ttl`` seconds from
    now (negative: already expired), then ``claims`` (a dict; a value None
    removes the claim).  ``header`` replaces the header (e.g.
    ``{"alg": "none"}`` for a test that must be refused).
    """
    body = {}
    if sub is not None:
        body["sub"] = sub
    if ttl is not None:
        body["exp"] = int(time.time()) + ttl
    for k, v in (claims or {}).items():
        if v is None:
            body.pop(k, None)
        else:
            body[k] = v
    head = header if header is not None else {"alg": alg, "typ": "JWT"}
    if header is None and kid is not None:
        head["kid"] = kid
    signing_input = (_b64url(json.dumps(head, separators=(",", ":")).encode()) + "." +
                     _b64url(json.dumps(body, separators=(",", ":")).encode()))
    data = signing_input.encode("ascii")
    if alg == "HS256":
        secret = key.encode() if isinstance(key, str) else key
        sig = hmac.new(secret, data, hashlib.sha256).digest()
    elif alg in ("RS256", "ES256"):
        sig = _sign_asymmetric(key, data, alg)
    elif alg == "none":
        sig = b""
    else:
        raise ValueError("unsupported algorithm %r" % alg)
    return signing_input + "." + _b64url(sig)


def _sign_asymmetric(key, data, alg):
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

    if isinstance(key, (str, bytes)):
        key = serialization.load_pem_private_key(key.encode() if isinstance(key, str) else key,
                                                 password=None)
    if alg == "RS256":
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    # JWS ES256: the raw 32-byte r and s, not the DER that cryptography returns
    r, s = utils.decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


# ---------------------------------------------------------------------------
# The pytest plugin
# ---------------------------------------------------------------------------

try:
    import pytest
except ImportError:  # the helpers above work without pytest
    pytest = None

if pytest is not None:
    @pytest.fixture(scope="session")
    def rbac_admin_url():
        """The superuser URL throwaway databases are made with."""
        return default_admin_url()

    @pytest.fixture
    def rbac_policy():
        """Override: the policy to load (text or a path)."""
        pytest.fail("define a fixture rbac_policy returning the policy text or path")

    @pytest.fixture
    def rbac_schema():
        """Override: SQL (or a path, or a callable taking a Connection) run
        before the policy is loaded: the application's tables."""
        return None

    @pytest.fixture
    def rbac_setup():
        """Override: SQL (or a path, or a callable taking a Connection) run
        after the policy is loaded: bindings, RLS, rows, assignments."""
        return None

    @pytest.fixture(scope="session")
    def _rbac_databases():
        dbs = _Databases()
        with dbs.stack:
            yield dbs

    @pytest.fixture
    def rbac_database(_rbac_databases, rbac_admin_url, rbac_policy, rbac_schema, rbac_setup):
        """A throwaway database with the policy loaded (see the module)."""
        return _rbac_databases.get(rbac_admin_url, rbac_policy, rbac_schema, rbac_setup)

    @pytest.fixture
    def rbac_session(rbac_database):
        """A Session on rbac_database whose work is rolled back at the end."""
        with rbac_database.engine.connect() as conn:
            txn = conn.begin()
            session = Session(bind=conn)
            try:
                yield session
            finally:
                session.close()
                if txn.is_active:       # a failed flush may have rolled it back already
                    txn.rollback()
