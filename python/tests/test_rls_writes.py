"""UPDATE and DELETE of rows that row-level security hides from the write:
what SQLAlchemy does, and the patterns docs/python.md recommends."""

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

import pg_rbac
from pg_rbac.sqlalchemy import authorize, translate_errors

from models import Issue, Repository


def closed(admin_engine, number):
    with admin_engine.connect() as conn:
        return conn.execute(sa.text("SELECT closed FROM issues WHERE id = :i"), {"i": number}).scalar()


def test_orm_update_of_a_row_rls_filters_raises_stale_data_error(AppSession, tokens, admin_engine):
    tokens.act_as("bob")             # reads issue 11 (member of acme) but may not close it
    with AppSession() as s:
        issue = s.get(Issue, 11)
        assert issue is not None
        issue.closed = True
        with pytest.raises(StaleDataError, match="expected to update 1 row"):
            s.flush()
    assert closed(admin_engine, 11) is False


def test_authorize_before_the_write_gives_forbidden_instead(AppSession, tokens, admin_engine):
    tokens.act_as("bob")
    with AppSession() as s:
        issue = s.get(Issue, 11)
        with pytest.raises(pg_rbac.Forbidden, match="User:bob may not close Issue:11"):
            authorize(s, "close", issue)
    tokens.act_as("carol")           # maintainer of repository 2 through her team
    with AppSession() as s:
        issue = s.get(Issue, 11)
        authorize(s, "close", issue)
        issue.closed = True
        s.flush()
        s.rollback()
    assert closed(admin_engine, 11) is False


def test_orm_delete_of_a_row_rls_filters_only_warns_and_deletes_nothing(AppSession, tokens, admin_engine):
    tokens.act_as("bob")             # reads repository 1, may not delete it
    with AppSession() as s:
        s.delete(s.get(Repository, 1))
        with pytest.warns(sa.exc.SAWarning, match="expected to delete 1 row"):
            s.flush()
        s.commit()
    with admin_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM repositories WHERE id = 1")).scalar() == 1


def test_core_update_and_delete_report_the_rows_they_changed(AppSession, tokens):
    tokens.act_as("bob")
    with AppSession() as s:
        assert s.execute(sa.update(Issue).where(Issue.number == 11).values(closed=True)).rowcount == 0
        assert s.execute(sa.update(Issue).where(Issue.number == 10).values(closed=True)).rowcount == 1
        assert s.execute(sa.delete(Repository).where(Repository.id == 1)).rowcount == 0
        s.rollback()


def test_moving_a_row_is_refused_as_forbidden(app_engine, AppSession, tokens):
    """A change of a relation column (an issue's repository) is refused by
    the generated guard unless enable_rls maps a move permission."""
    translate_errors(app_engine)
    tokens.act_as("carol")           # may close issue 11 (maintainer of repository 2)
    with AppSession() as s:
        issue = s.get(Issue, 11)
        issue.repo_id = 1
        with pytest.raises(pg_rbac.Forbidden, match='column "repo_id" of issues decides authorization'):
            s.flush()
        s.rollback()
        issue = s.get(Issue, 11)
        issue.closed = True          # the permission she has, on the columns that do not move the row
        s.flush()
        s.rollback()
