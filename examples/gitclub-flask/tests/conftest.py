"""Fixtures: a copy of the GitClub database per test, the app on it, and a
client that sends requests as a user (run through run-test.sh)."""

import os
import secrets

import pytest
import sqlalchemy as sa

from pg_rbac.testing import make_token

from app import create_app


def env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail("%s is not set: run the tests with examples/gitclub-flask/run-test.sh" % name)
    return value


@pytest.fixture(scope="session")
def jwt_secret():
    return env("JWT_SECRET")


@pytest.fixture(scope="session")
def server():
    """A superuser engine on database postgres (libpq's environment)."""
    engine = sa.create_engine("postgresql+psycopg2:///postgres", isolation_level="AUTOCOMMIT",
                              poolclass=sa.pool.NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def database(server):
    """A copy of the template database of ../gitclub-api/schema.sql."""
    name = "gitclub_test_" + secrets.token_hex(4)
    with server.connect() as conn:
        conn.exec_driver_sql('CREATE DATABASE "%s" TEMPLATE "%s"' % (name, env("GITCLUB_TEMPLATE")))
    yield sa.engine.make_url("postgresql+psycopg2:///" + name)
    with server.connect() as conn:
        conn.exec_driver_sql('DROP DATABASE "%s" WITH (FORCE)' % name)


@pytest.fixture
def app_url(database):
    """The URL the app connects with: the ordinary role gitclub_app."""
    return database.set(username=env("GITCLUB_APP_ROLE"))


@pytest.fixture
def app(app_url):
    app = create_app(str(app_url), pool_size=3)
    yield app
    app.extensions["gitclub.engine"].dispose()


@pytest.fixture
def admin(database):
    """A superuser connection to the test's database, committing each statement."""
    engine = sa.create_engine(database, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        yield conn
    engine.dispose()


class Api:
    """Requests as a user: api.get("/repos", "bob"); user None: no token,
    a dict {"token": ...}: that token."""

    def __init__(self, client, secret):
        self.client = client
        self.secret = secret

    def request(self, method, path, user, json=None):
        headers = {}
        if isinstance(user, dict):
            headers["Authorization"] = "Bearer " + user["token"]
        elif user is not None:
            headers["Authorization"] = "Bearer " + make_token(self.secret, user)
        return self.client.open(path, method=method, headers=headers, json=json)

    def get(self, path, user):
        return self.request("GET", path, user)

    def post(self, path, user, json=None):
        return self.request("POST", path, user, json)

    def patch(self, path, user, json=None):
        return self.request("PATCH", path, user, json)

    def delete(self, path, user):
        return self.request("DELETE", path, user)


@pytest.fixture
def api(app, jwt_secret):
    return Api(app.test_client(), jwt_secret)
