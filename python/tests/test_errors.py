"""Which database errors become pg_rbac exceptions, and which do not."""

import types

import pytest
import sqlalchemy as sa

import pg_rbac
from pg_rbac.sqlalchemy import translate_errors, authorize, assign_role

from models import Issue, Repository


def psycopg2_like(pgcode, message, schema=None):
    diag = types.SimpleNamespace(schema_name=schema, message_primary=message,
                                 message_detail=None, message_hint=None)
    return types.SimpleNamespace(pgcode=pgcode, diag=diag)


def psycopg3_like(sqlstate, message, schema=None):
    diag = types.SimpleNamespace(schema_name=schema, message_primary=message,
                                 message_detail="d", message_hint="h")
    return types.SimpleNamespace(sqlstate=sqlstate, diag=diag)


@pytest.mark.parametrize("make", [psycopg2_like, psycopg3_like])
def test_translation_table(make):
    t = pg_rbac.translate
    assert type(t(make("42501", "User:bob may not push Repository:1", "rbac"))) is pg_rbac.Forbidden
    assert type(t(make("P0002", "Repository:4 not found", "rbac"))) is pg_rbac.NotFound
    # the same SQLSTATEs without the schema field: not pg_rbac's decisions
    assert t(make("42501", "permission denied for table issues")) is None
    assert t(make("42501", "permission denied for table issues", "public")) is None
    assert t(make("P0002", "query returned no rows")) is None
    assert t(make("28000", "invalid token")) is None
    assert t(make("23505", "duplicate key", "rbac")) is None
    refused = t(make("42501", 'new row violates row-level security policy for table "issues"'))
    assert type(refused) is pg_rbac.WriteRefused and refused.table == "issues"
    assert isinstance(refused, pg_rbac.Forbidden)
    named = t(make("42501", 'new row violates row-level security policy "p" for table "a ""b"""'))
    assert named.table == 'a "b"'
    # wrapped by SQLAlchemy
    wrapped = sa.exc.ProgrammingError("SELECT", {}, make("P0002", "Issue:9 not found", "rbac"))
    err = t(wrapped)
    assert type(err) is pg_rbac.NotFound and err.message == "Issue:9 not found"
    assert err.orig is wrapped.orig and pg_rbac.sqlstate(wrapped) == "P0002"
    assert t(ValueError("x")) is None and pg_rbac.sqlstate(ValueError("x")) is None


def test_a_missing_grant_is_not_forbidden(rbac_session):
    s = rbac_session
    s.execute(sa.text("REVOKE SELECT ON repositories FROM rbac_py_app"))
    s.execute(sa.text("SELECT rbac.set_actor('User:bob', true)"))
    s.execute(sa.text("SET LOCAL ROLE rbac_py_app"))
    # the table's GRANT was revoked: a configuration error, not a decision
    with pytest.raises(sa.exc.ProgrammingError) as info:
        with s.begin_nested():
            s.execute(sa.select(Repository.id)).all()
    assert pg_rbac.sqlstate(info.value) == "42501"
    assert "permission denied for table repositories" in str(info.value)
    assert pg_rbac.translate(info.value) is None
    # the explicit-actor form of a check without EXECUTE on it: the same
    with pytest.raises(sa.exc.ProgrammingError) as info:
        with s.begin_nested():
            authorize(s, "push", "Repository:1", actor="User:alice")
    assert "permission denied for function authorize" in str(info.value)
    assert not isinstance(info.value, pg_rbac.Error)
    # while the check itself, which needs no grant on the table, decides
    with pytest.raises(pg_rbac.Forbidden):
        with s.begin_nested():
            authorize(s, "push", "Repository:1")


def test_a_statement_raises_pg_rbac_errors_once_the_engine_translates(app_engine, AppSession, tokens):
    tokens.act_as("bob")
    with AppSession() as s:
        # before: the driver's error
        with pytest.raises(sa.exc.ProgrammingError):
            s.execute(sa.text("SELECT rbac.authorize('push', 'Repository:1')"))
    translate_errors(app_engine)
    with AppSession() as s:
        with pytest.raises(pg_rbac.Forbidden):
            s.execute(sa.text("SELECT rbac.authorize('push', 'Repository:1')"))
        s.rollback()
        with pytest.raises(pg_rbac.NotFound):
            s.execute(sa.text("SELECT rbac.authorize('read', 'Repository:4')"))
        s.rollback()
        # a refused delegated grant: bob reads repository 1 but may not manage its roles
        with pytest.raises(pg_rbac.Forbidden) as info:
            assign_role(s, "User:erin", "reader", "Repository:1")
        assert "may not manage roles" in info.value.detail
        s.rollback()
        # anything else stays SQLAlchemy's error
        with pytest.raises(sa.exc.ProgrammingError) as info:
            s.execute(sa.text("SELECT * FROM rbac.assignment"))
        assert pg_rbac.sqlstate(info.value) == "42501"
        s.rollback()
        with pytest.raises(sa.exc.DataError):
            s.execute(sa.text("SELECT 1/0"))


def test_a_row_refused_by_row_level_security_is_write_refused(app_engine, AppSession, tokens):
    translate_errors(app_engine)
    tokens.act_as("erin")                      # reads only the public repository 3
    with AppSession() as s:
        s.add(Issue(repo_id=1, creator_id="erin", title="sneaky"))
        with pytest.raises(pg_rbac.WriteRefused) as info:
            s.flush()
        assert info.value.table == "issues"
        s.rollback()
        s.add(Issue(repo_id=3, creator_id="erin", title="fine"))
        s.flush()
        s.rollback()
