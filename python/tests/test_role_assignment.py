"""The ORM class RoleAssignment over the view rbac.role_assignments."""

import datetime

import pytest
import sqlalchemy as sa

import pg_rbac
from pg_rbac.sqlalchemy import RoleAssignment, ref, is_allowed, translate_errors, assignments

from models import User, Repository

UNTIL = datetime.datetime(2031, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)


def audit(s, since):
    return s.execute(sa.text("SELECT operation, actor FROM rbac.audit_log WHERE at >= :t ORDER BY at"),
                     {"t": since}).all()


def test_read(rbac_session):
    s = rbac_session
    rows = s.query(RoleAssignment).order_by(RoleAssignment.actor, RoleAssignment.role).all()
    assert [(r.actor, r.role, r.resource) for r in rows][:3] == [
        ("Group:eng", "maintainer", "Repository:2"),
        ("User:alice", "owner", "Organization:acme"),
        ("User:bob", "member", "Organization:acme"),
    ]
    one = s.get(RoleAssignment, ("User:dave", "owner", "Organization:globex"))
    assert one is not None and one.expires_at is None
    assert s.query(RoleAssignment).filter_by(resource="Repository:2").count() == 1


def test_insert_update_delete(rbac_session):
    s = rbac_session
    erin, website = s.get(User, "erin"), s.get(Repository, 3)
    # grant
    ra = RoleAssignment(actor=ref(erin), role="reader", resource=ref(website))
    s.add(ra)
    s.flush()
    assert is_allowed(s, "read", website, actor=erin)
    assert not is_allowed(s, "push", website, actor=erin)
    # change the role: a removal plus an assignment
    ra.role = "maintainer"
    s.flush()
    assert is_allowed(s, "push", website, actor=erin)
    assert [(a.role, a.resource) for a in assignments(s, actor=erin)
            if a.resource == "Repository:3"] == [("maintainer", "Repository:3")]
    # change only the expiry
    ra.expires_at = UNTIL
    s.flush()
    s.expire_all()
    assert s.get(RoleAssignment, ("User:erin", "maintainer", "Repository:3")).expires_at == UNTIL
    # revoke
    s.delete(s.get(RoleAssignment, ("User:erin", "maintainer", "Repository:3")))
    s.flush()
    assert not is_allowed(s, "push", website, actor=erin)
    assert s.get(RoleAssignment, ("User:erin", "maintainer", "Repository:3")) is None


def test_global_roles_have_resource_empty_string(rbac_session):
    s = rbac_session
    ra = RoleAssignment(actor="User:erin", role="superadmin")      # resource None: global
    assert ra.resource == ""
    s.add(ra)
    s.flush()
    assert s.execute(sa.text("SELECT count(*) FROM rbac.role_assignments WHERE actor = 'User:erin' "
                             "AND role = 'superadmin' AND resource IS NULL")).scalar() == 1
    assert is_allowed(s, "read", "Organization:globex", actor="User:erin")
    s.expire_all()
    loaded = s.query(RoleAssignment).filter(RoleAssignment.resource.is_(None)).one()
    assert (loaded.actor, loaded.resource) == ("User:erin", "")
    assert s.query(RoleAssignment).filter(RoleAssignment.resource == "").one() is loaded
    s.expunge(loaded)                               # get() by the key, from the database
    loaded = s.get(RoleAssignment, ("User:erin", "superadmin", ""))
    assert loaded is not None and loaded.resource == ""
    loaded.expires_at = UNTIL                       # update through the key with NULL in it
    s.flush()
    s.delete(loaded)
    s.flush()
    assert not is_allowed(s, "read", "Organization:globex", actor="User:erin")
    assert s.query(RoleAssignment).filter(RoleAssignment.resource.is_(None)).count() == 0


def test_many_rows_at_once_and_validation(rbac_session):
    s = rbac_session
    s.add_all([RoleAssignment("User:erin", "reader", "Repository:%d" % i) for i in (1, 2, 5)])
    s.flush()
    assert sorted(r.resource for r in s.query(RoleAssignment).filter_by(actor="User:erin", role="reader")) == [
        "Repository:1", "Repository:2", "Repository:5"]
    s.add(RoleAssignment("User:erin", "wizard", "Repository:1"))
    with pytest.raises(sa.exc.DBAPIError) as info:
        s.flush()
    assert pg_rbac.sqlstate(info.value) == "42704"


def test_delegated_writes_as_the_application_role(app_engine, AppSession, tokens, admin_engine):
    """The app role holds privileges on the view only: alice may manage the
    roles of acme's repositories (owner of acme), bob may not."""
    translate_errors(app_engine)
    since = datetime.datetime.now(datetime.timezone.utc)
    tokens.act_as("alice")
    with AppSession() as s:
        s.add(RoleAssignment("User:erin", "reader", "Repository:1"))
        s.flush()
        ra = s.get(RoleAssignment, ("User:erin", "reader", "Repository:1"))
        ra.role = "admin"
        s.flush()
        s.delete(ra)
        s.flush()
        s.add(RoleAssignment("User:erin", "reader", "Repository:5"))
        s.commit()
    tokens.act_as("bob")
    with AppSession() as s:
        s.add(RoleAssignment("User:erin", "reader", "Repository:2"))
        with pytest.raises(pg_rbac.Forbidden) as info:
            s.flush()
        assert "may not manage roles on Repository:2" in info.value.detail
    with admin_engine.begin() as conn:
        try:
            assert [tuple(r) for r in audit(conn, since)] == [
                ("assign_role", "User:alice"), ("remove_role", "User:alice"), ("assign_role", "User:alice"),
                ("remove_role", "User:alice"), ("assign_role", "User:alice")]
            assert conn.execute(sa.text("SELECT count(*) FROM rbac.role_assignments "
                                        "WHERE actor = 'User:erin' AND resource = 'Repository:5'")).scalar() == 1
        finally:
            conn.execute(sa.text("SELECT rbac.remove_role('User:erin', 'reader', 'Repository:5')"))


def test_the_application_role_reads_what_its_actor_manages_or_holds(AppSession, tokens):
    """SPEC 6.1: without SELECT on rbac.assignment, the view shows the
    assignments on resources the actor may manage, and the actor's own."""
    def seen():
        with AppSession() as s:
            return sorted((r.actor, r.role, r.resource) for r in s.query(RoleAssignment))
    tokens.act_as("alice")           # owner of acme: manages acme and its repositories
    assert seen() == [("Group:eng", "maintainer", "Repository:2"),
                      ("User:alice", "owner", "Organization:acme"),
                      ("User:bob", "member", "Organization:acme")]
    tokens.act_as("erin")            # manages nothing: her own only
    assert seen() == [("User:erin", "viewer", "Folder:00000000-0000-0000-0000-00000000000a")]
    tokens.act_as(None)
    assert seen() == []
