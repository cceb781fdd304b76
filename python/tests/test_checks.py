"""ref() and the checks, with ORM instances and references."""

import datetime
import uuid

import pytest
import sqlalchemy as sa

import pg_rbac
from pg_rbac.sqlalchemy import (
    ref, authorize, is_allowed, authorized_actions, authorized_roles, authorized_resources,
    authorized_filter, explain, who_can, assign_role, remove_role, assignments, Assignment,
    roles, add_member, remove_member)

from models import User, Team, Organization, Repository, Issue, Folder, Note

ROOT = uuid.UUID("00000000-0000-0000-0000-00000000000a")
DOCS = uuid.UUID("00000000-0000-0000-0000-00000000000b")
OTHER = uuid.UUID("00000000-0000-0000-0000-00000000000c")


def test_ref_of_instances_uses_the_binding_and_the_key_column(rbac_session):
    s = rbac_session
    assert ref(s.get(Repository, 7) or s.get(Repository, 1)) == "Repository:1"
    assert ref(s.get(User, "alice")) == "User:alice"
    assert ref(s.get(Team, "eng")) == "Group:eng"              # the type bound, not the class name
    assert ref(s.get(Issue, 10)) == "Issue:10"                  # attribute "number", column "id"
    assert ref(s.get(Folder, ROOT)) == "Folder:%s" % ROOT      # uuid key, PostgreSQL's text form
    assert ref("Repository:99") == "Repository:99"
    assert ref(None) is None


def test_ref_flushes_a_pending_instance_to_get_its_key(rbac_session):
    repo = Repository(org_id="acme", name="new")
    rbac_session.add(repo)
    assert repo.id is None
    assert ref(repo) == "Repository:%d" % repo.id
    assert repo.id >= 1000


def test_ref_refuses_what_it_cannot_name(rbac_session):
    with pytest.raises(LookupError, match="notes of Note is not bound"):
        ref(rbac_session.get(Note, 1))
    with pytest.raises(ValueError, match="not in a session"):
        ref(User(id="zed", name="Zed"))
    assert ref(User(id="zed", name="Zed"), session=rbac_session) == "User:zed"
    with pytest.raises(TypeError):
        ref(42)


def test_a_table_bound_to_two_types_needs_type(rbac_session):
    rbac_session.execute(sa.text("SELECT rbac.load_policy(rbac.policy_source() || "
                                 "E'\\nresource Workspace { permissions = [\"read\"]; }')"))
    rbac_session.execute(sa.text("SELECT rbac.bind('Workspace', 'organizations')"))
    acme = rbac_session.get(Organization, "acme")
    with pytest.raises(ValueError, match="bound to several types"):
        ref(acme)
    assert ref(acme, type="Workspace") == "Workspace:acme"
    assert ref(acme, type="Organization") == "Organization:acme"


def test_checks_with_explicit_actors(rbac_session):
    s = rbac_session
    alice, bob, carol = s.get(User, "alice"), s.get(User, "bob"), s.get(User, "carol")
    anvil, rocket = s.get(Repository, 1), s.get(Repository, 2)
    assert is_allowed(s, "delete", anvil, actor=alice) is True
    assert is_allowed(s, "delete", "Repository:1", actor="User:bob") is False
    assert authorized_actions(s, anvil, actor=alice) == ["delete", "manage_roles", "push", "read"]
    assert authorized_actions(s, rocket, actor=carol) == ["push", "read"]
    assert authorized_roles(s, rocket, actor=carol) == ["maintainer", "reader"]
    assert authorized_roles(s, anvil, actor=bob) == ["reader"]
    assert explain(s, "push", rocket, actor=carol)[-1].strip() == "allowed: User:carol may push Repository:2"
    assert explain(s, "push", rocket, actor=bob)[0].strip().startswith("denied: User:bob may not push")
    authorize(s, "read", anvil, actor=bob)
    assert who_can(s, "push", rocket) == ["Group:eng", "User:alice", "User:carol"]


def test_checks_with_the_current_actor(rbac_session):
    s = rbac_session
    s.execute(sa.text("SELECT rbac.set_actor('User:bob', true)"))
    assert is_allowed(s, "read", "Repository:1") is True
    assert is_allowed(s, "push", "Repository:1") is False
    assert authorized_actions(s, "Issue:10") == ["close", "read"]       # bob created it
    assert [r.id for r in authorized_resources(s, "read", Repository).order_by(Repository.id)] == [1, 2, 3, 5]


def test_authorize_raises_not_found_or_forbidden(rbac_session):
    s = rbac_session
    with pytest.raises(pg_rbac.Forbidden) as info:
        with s.begin_nested():
            authorize(s, "push", "Repository:1", actor="User:bob")
    assert info.value.message == "User:bob may not push Repository:1"
    assert info.value.sqlstate == "42501"
    assert not isinstance(info.value, pg_rbac.NotFound)
    with pytest.raises(pg_rbac.NotFound) as info:
        with s.begin_nested():
            authorize(s, "push", s.get(Repository, 4), actor=s.get(User, "bob"))
    assert info.value.message == "Repository:4 not found"
    assert info.value.sqlstate == "P0002"
    assert isinstance(info.value, pg_rbac.AuthorizationError)


def test_other_errors_of_checks_are_not_authorization_errors(rbac_session):
    s = rbac_session
    for action, resource, state in [("fly", "Repository:1", "42704"), ("read", "Repo:1", "42704"),
                                    ("read", ":1", "22023")]:
        with pytest.raises(sa.exc.DBAPIError) as info:
            with s.begin_nested():
                authorize(s, action, resource, actor="User:bob")
        assert pg_rbac.sqlstate(info.value) == state


def test_authorized_resources_is_a_query_of_instances_with_their_key_type(rbac_session):
    s = rbac_session
    q = authorized_resources(s, "delete", Repository, actor="User:alice").order_by(Repository.id)
    repos = q.all()
    assert [r.id for r in repos] == [1, 2, 5] and all(isinstance(r, Repository) for r in repos)
    assert q.filter(Repository.name.like("r%")).count() == 1
    assert [i.number for i in authorized_resources(s, "close", Issue, actor="User:carol")
            .order_by(Issue.number)] == [11]
    # uuid keys: the text ids are cast back to uuid
    assert {f.id for f in authorized_resources(s, "read", Folder, actor="User:erin")} == {ROOT, DOCS}
    # a condition for select()
    stmt = sa.select(Repository.name).where(authorized_filter(s, "push", Repository, actor="User:carol"))
    assert s.execute(stmt).scalars().all() == ["rocket"]
    assert authorized_resources(s, "read", Repository, actor="User:nobody").all() == [
        s.get(Repository, 3)]


def test_checks_see_the_sessions_pending_changes(rbac_session):
    s = rbac_session
    repo = s.get(Repository, 4)                      # globex: dave owns it, alice nothing
    assert not is_allowed(s, "read", repo, actor="User:alice")
    repo.org_id = "acme"                             # not flushed yet
    assert is_allowed(s, "delete", repo, actor="User:alice")


def test_role_data_functions(rbac_session):
    s = rbac_session
    erin, website = s.get(User, "erin"), s.get(Repository, 3)
    until = datetime.datetime(2031, 1, 1, tzinfo=datetime.timezone.utc)
    assert assign_role(s, erin, "maintainer", website) is True
    assert assign_role(s, erin, "maintainer", website, expires_at=until) is False   # held: expiry set
    assert assign_role(s, "User:erin", "superadmin", None) is True                  # global role
    assert assignments(s, actor=erin) == [
        Assignment("User:erin", "superadmin", None, None),
        Assignment("User:erin", "viewer", "Folder:%s" % ROOT, None),
        Assignment("User:erin", "maintainer", "Repository:3", until),
    ]
    assert assignments(s, resource=website) == [Assignment("User:erin", "maintainer", "Repository:3", until)]
    assert is_allowed(s, "push", website, actor=erin)
    assert remove_role(s, erin, "maintainer", website) is True
    assert remove_role(s, erin, "maintainer", website) is False
    assert remove_role(s, erin, "superadmin", None) is True
    assert not is_allowed(s, "push", website, actor=erin)
    with pytest.raises(sa.exc.DBAPIError) as info:
        with s.begin_nested():
            assign_role(s, erin, "wizard", website)
    assert pg_rbac.sqlstate(info.value) == "42704"


def test_roles_and_members(rbac_session):
    s = rbac_session
    assert [r.name for r in roles(s, "Repository")] == ["admin", "maintainer", "reader"]
    admin = roles(s, "Repository")[0]
    assert admin.custom is False and "delete" in admin.permissions and admin.implies == ["maintainer"]
    assert [r.name for r in roles(s, s.get(Organization, "acme"))] == ["member", "owner"]
    assert add_member(s, s.get(Team, "eng"), s.get(User, "dave")) is True
    assert is_allowed(s, "push", "Repository:2", actor="User:dave")
    assert remove_member(s, "Group:eng", "User:dave") is True
    assert not is_allowed(s, "push", "Repository:2", actor="User:dave")
