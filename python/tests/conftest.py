import os
import pathlib

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

pytest_plugins = ["pg_rbac.testing"]

HERE = pathlib.Path(__file__).resolve().parent
POLICY = HERE.parent.parent / "examples" / "gitclub.polar"
APP_ROLE = "rbac_py_app"         # tokens only (setup.sql)
WORKER_ROLE = "rbac_py_worker"   # may call rbac.set_actor


@pytest.fixture
def rbac_policy():
    return POLICY


@pytest.fixture
def rbac_schema():
    return HERE / "schema.sql"


@pytest.fixture
def rbac_setup():
    return HERE / "setup.sql"


@pytest.fixture(scope="session")
def jwt_secret():
    """The cluster's rbac.jwt_secret (run-test.sh sets it)."""
    secret = os.environ.get("PG_RBAC_TEST_JWT_SECRET")
    if not secret:
        pytest.fail("PG_RBAC_TEST_JWT_SECRET is not set: run the tests with python/run-test.sh")
    return secret


def make_engine(rbac_database, user, **kw):
    return sa.create_engine(rbac_database.url.set(username=user), **kw)


@pytest.fixture(params=[False, True], ids=["sa14", "sa2style"])
def future(request):
    """Every test of the application role runs twice: with SQLAlchemy 1.4's
    legacy engine and session, and in its 2.0-style mode (future=True)."""
    return request.param


@pytest.fixture
def app_engine(rbac_database, future):
    engine = make_engine(rbac_database, APP_ROLE, pool_size=2, max_overflow=0, future=future)
    yield engine
    engine.dispose()


@pytest.fixture
def worker_engine(rbac_database):
    engine = make_engine(rbac_database, WORKER_ROLE, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


@pytest.fixture
def admin_engine(rbac_database):
    return rbac_database.engine


class Tokens:
    """Who the next transaction acts as: set .token (or .sub) in a test."""

    def __init__(self, secret):
        self.secret = secret
        self.token = None
        self.calls = 0

    def act_as(self, sub):
        from pg_rbac.testing import make_token
        self.token = None if sub is None else make_token(self.secret, sub)

    def __call__(self):
        self.calls += 1
        return self.token


@pytest.fixture
def tokens(jwt_secret):
    return Tokens(jwt_secret)


@pytest.fixture
def AppSession(app_engine, tokens, future):
    """A sessionmaker whose sessions act as tokens.token."""
    from pg_rbac.sqlalchemy import use_actor
    factory = sessionmaker(app_engine, future=future)
    use_actor(factory, get_token=tokens)
    return factory
