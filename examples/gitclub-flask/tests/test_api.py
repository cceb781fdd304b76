"""End-to-end tests of the GitClub Flask app: requests as several users
against the data of ../gitclub-api/schema.sql (a fresh copy per test).

The users: alice owns acme (admin of its repositories 1, 2, 5), bob is a
member of acme (reads its repositories), carol is in team eng, which
maintains repository 2, dave owns globex (repositories 3, public, and 4),
erin has no role (public repository 3 only).
"""

import concurrent.futures
import datetime

import pytest
import sqlalchemy as sa

from pg_rbac.testing import make_token


def ids(response):
    assert response.status_code == 200, response.get_json()
    return [row["id"] for row in response.get_json()]


def scalar(admin, sql, **params):
    return admin.execute(sa.text(sql), params).scalar()


def test_the_app_connects_as_an_ordinary_role_that_rls_applies_to(app_url):
    engine = sa.create_engine(app_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as db:
            assert db.execute(sa.text("SELECT rolsuper OR rolbypassrls FROM pg_roles "
                                      "WHERE rolname = current_user")).scalar() is False
            assert db.execute(sa.text(
                "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles "
                "WHERE rolname = current_user)")).scalar() == 0
            # no actor: nothing visible, although the role may SELECT every table
            assert db.execute(sa.text("SELECT (SELECT count(*) FROM organizations) + (SELECT count(*) "
                                      "FROM repositories) + (SELECT count(*) FROM issues)")).scalar() == 0
            with pytest.raises(sa.exc.ProgrammingError, match="permission denied for function set_actor"):
                db.execute(sa.text("SELECT rbac.set_actor('User:alice')"))
    finally:
        engine.dispose()


def test_a_missing_forged_expired_or_unsigned_token_gets_401(api, jwt_secret):
    bad = {
        "missing": None,
        "garbage": {"token": "not-a-token"},
        "wrong secret": {"token": make_token("another secret", "alice")},
        "expired": {"token": make_token(jwt_secret, "alice", ttl=-60)},
        "no exp": {"token": make_token(jwt_secret, "alice", ttl=None)},
        "alg none": {"token": make_token(jwt_secret, "alice", alg="none")},
        "unknown actor type": {"token": make_token(jwt_secret, "Robot:r2")},
    }
    for what, user in bad.items():
        r = api.get("/repos", user)
        assert r.status_code == 401, what
        assert r.headers["WWW-Authenticate"].startswith("Bearer"), what
        assert "error" in r.get_json(), what
    assert api.get("/repos", "alice").status_code == 200


def test_each_user_sees_the_organizations_and_repositories_they_may_read(api):
    orgs = {"alice": ["acme"], "bob": ["acme"], "carol": [], "dave": ["globex"], "erin": []}
    repos = {"alice": [1, 2, 3, 5], "bob": [1, 2, 3, 5], "carol": [2, 3], "dave": [3, 4], "erin": [3]}
    for user in orgs:
        assert ids(api.get("/orgs", user)) == orgs[user], user
        assert ids(api.get("/repos", user)) == repos[user], user


def test_a_repository_with_what_the_user_may_do_or_404(api):
    for user, repo, permissions in [("alice", 1, ["delete", "manage_roles", "push", "read"]),
                                    ("bob", 1, ["read"]), ("carol", 2, ["push", "read"]),
                                    ("erin", 3, ["read"])]:
        r = api.get("/repos/%d" % repo, user)
        assert r.status_code == 200, (user, repo)
        assert r.get_json()["id"] == repo
        assert r.get_json()["permissions"] == permissions, (user, repo)
    for user, repo in [("erin", 1), ("carol", 1), ("alice", 4), ("alice", 999)]:
        r = api.get("/repos/%d" % repo, user)
        assert r.status_code == 404, (user, repo)
        assert r.get_json() == {"error": "Repository:%d not found" % repo}


def test_issues_are_listed_for_readers_only(api):
    assert ids(api.get("/repos/2/issues", "bob")) == [11]
    assert ids(api.get("/repos/3/issues", "erin")) == [12]
    assert api.get("/repos/1/issues", "erin").status_code == 404
    assert api.get("/issues/10", "bob").status_code == 200
    assert api.get("/issues/10", "erin").status_code == 404


def test_a_member_opens_an_issue_an_outsider_only_in_a_public_repository(api, admin):
    r = api.post("/repos/1/issues", "bob", {"title": "Handle is loose"})
    assert r.status_code == 201
    issue = r.get_json()
    assert (issue["creator_id"], issue["closed"]) == ("bob", False)
    assert issue["id"] in ids(api.get("/repos/1/issues", "alice"))
    assert api.get("/issues/%d" % issue["id"], "erin").status_code == 404

    before = scalar(admin, "SELECT count(*) FROM issues")
    assert api.post("/repos/1/issues", "erin", {"title": "Let me in"}).status_code == 404
    assert scalar(admin, "SELECT count(*) FROM issues") == before

    r = api.post("/repos/3/issues", "erin", {"title": "Broken link"})
    assert r.status_code == 201 and r.get_json()["creator_id"] == "erin"
    assert api.post("/repos/1/issues", "bob", {"title": ""}).status_code == 400
    assert api.post("/repos/1/issues", "bob", {}).status_code == 400


def test_closing_an_issue_its_creator_or_a_maintainer_403_if_visible_404_if_not(api, admin):
    closed = lambda i: scalar(admin, "SELECT closed FROM issues WHERE id = :i", i=i)  # noqa: E731
    r = api.patch("/issues/10", "bob", {"closed": True})             # bob created it
    assert r.status_code == 200 and r.get_json()["closed"] is True
    assert closed(10) is True
    r = api.patch("/issues/11", "bob", {"closed": True})             # he may only read it
    assert r.status_code == 403
    assert r.get_json() == {"error": "User:bob may not close Issue:11"}
    assert closed(11) is False
    assert api.patch("/issues/11", "carol", {"closed": True}).status_code == 200   # team eng maintains
    assert closed(11) is True
    assert api.patch("/issues/12", "erin", {"closed": True}).status_code == 403    # public: readable
    assert api.patch("/issues/10", "erin", {"closed": True}).status_code == 404
    assert api.patch("/issues/12", "dave", {"closed": True}).status_code == 200    # owner of globex
    assert api.patch("/issues/12", "dave", {"title": "x"}).status_code == 400


def test_deleting_a_repository_admins_only_issues_and_assignments_go_with_it(api, admin):
    admin.execute(sa.text("SELECT rbac.assign_role('User:erin', 'reader', 'Repository:5')"))
    assert api.get("/repos/5", "erin").status_code == 200
    assert api.delete("/repos/5", "erin").status_code == 403       # reader
    assert api.delete("/repos/5", "bob").status_code == 403        # member of acme
    assert api.delete("/repos/5", "carol").status_code == 404
    assert api.delete("/repos/5", "dave").status_code == 404
    assert scalar(admin, "SELECT count(*) FROM repositories WHERE id = 5") == 1

    assert api.delete("/repos/5", "alice").status_code == 204      # owner of acme
    assert api.get("/repos/5", "alice").status_code == 404
    assert api.get("/issues/14", "alice").status_code == 404
    assert scalar(admin, "SELECT count(*) FROM issues WHERE repo_id = 5") == 0
    assert scalar(admin, "SELECT count(*) FROM rbac.assignments(resource => 'Repository:5')") == 0


def test_joining_or_leaving_a_team_takes_effect_on_the_next_request(api, admin):
    assert api.get("/repos/2", "dave").status_code == 404
    admin.execute(sa.text("SELECT rbac.add_member('Group:eng', 'User:dave')"))
    r = api.get("/repos/2", "dave")
    assert r.status_code == 200 and r.get_json()["permissions"] == ["push", "read"]
    assert ids(api.get("/repos", "dave")) == [2, 3, 4]
    admin.execute(sa.text("SELECT rbac.remove_member('Group:eng', 'User:dave')"))
    assert api.get("/repos/2", "dave").status_code == 404


def test_managing_roles_list_grant_change_revoke(api, admin):
    # only those who may manage roles on the repository: admins (alice, as owner of acme)
    assert api.get("/repos/1/roles", "bob").status_code == 403      # reads it, does not manage
    assert api.get("/repos/1/roles", "carol").status_code == 404    # does not even read it
    r = api.get("/repos/2/roles", "alice")
    assert r.status_code == 200
    assert r.get_json() == {"roles": ["admin", "maintainer", "reader"],
                            "assignments": [{"actor": "Group:eng", "role": "maintainer", "expires_at": None}]}

    # grant
    grant = {"actor": "Group:eng", "role": "reader"}
    assert api.post("/repos/1/roles", "bob", grant).status_code == 403
    assert api.post("/repos/1/roles", "carol", grant).status_code == 404
    assert api.get("/repos/1", "carol").status_code == 404
    assert api.post("/repos/1/roles", "alice", grant).status_code == 201
    assert api.post("/repos/1/roles", "alice", grant).status_code == 200         # already held
    r = api.get("/repos/1", "carol")                                            # carol is in the team
    assert r.status_code == 200 and r.get_json()["permissions"] == ["read"]
    assert api.post("/repos/1/roles", "alice", {"actor": "Group:eng", "role": "admin"}).status_code == 409

    # change
    r = api.patch("/repos/1/roles/Group:eng", "alice", {"role": "maintainer"})
    assert r.status_code == 200
    assert api.get("/repos/1", "carol").get_json()["permissions"] == ["push", "read"]
    assert api.get("/repos/1/roles", "alice").get_json()["assignments"] == [
        {"actor": "Group:eng", "role": "maintainer", "expires_at": None}]
    assert api.patch("/repos/1/roles/User:erin", "alice", {"role": "reader"}).status_code == 404
    assert api.patch("/repos/1/roles/Group:eng", "bob", {"role": "admin"}).status_code == 403

    # revoke
    assert api.delete("/repos/1/roles/Group:eng", "bob").status_code == 403
    assert api.delete("/repos/1/roles/Group:eng", "alice").status_code == 204
    assert api.get("/repos/1", "carol").status_code == 404
    assert api.delete("/repos/1/roles/Group:eng", "alice").status_code == 404
    assert api.get("/repos/1/roles", "alice").get_json()["assignments"] == []

    # bad requests
    assert api.post("/repos/1/roles", "alice", {"actor": "Group:eng", "role": "wizard"}).status_code == 400
    assert api.post("/repos/1/roles", "alice", {"actor": "eng", "role": "reader"}).status_code == 400
    assert api.post("/repos/1/roles", "alice", {"actor": "Group:eng"}).status_code == 400
    r = api.post("/repos/1/roles", "alice", {"actor": "User:zed", "role": "reader"})    # no such user
    assert r.status_code == 422 and r.get_json() == {"error": "actor User:zed does not exist"}
    assert api.post("/repos/4/roles", "alice", grant).status_code == 404           # a globex repository

    # every change is audited with the actor who made it
    # (granting a role already held changes nothing and is not audited)
    logged = admin.execute(sa.text("SELECT operation FROM rbac.audit_log WHERE actor = 'User:alice' "
                                   "ORDER BY at")).scalars().all()
    assert logged == ["assign_role", "remove_role", "assign_role", "remove_role"]


def test_managing_roles_is_delegated_down_the_chain(api):
    # alice makes erin an admin of repository 1; erin may then manage its roles herself
    assert api.post("/repos/1/roles", "alice", {"actor": "User:erin", "role": "admin"}).status_code == 201
    assert api.post("/repos/1/roles", "erin", {"actor": "User:dave", "role": "reader"}).status_code == 201
    assert api.get("/repos/1", "dave").get_json()["permissions"] == ["read"]
    # but not on repository 2, which she does not administer
    assert api.post("/repos/2/roles", "erin", {"actor": "User:dave", "role": "reader"}).status_code == 404
    # once revoked, she can no longer
    assert api.delete("/repos/1/roles/User:erin", "alice").status_code == 204
    assert api.delete("/repos/1/roles/User:dave", "erin").status_code == 404
    assert api.get("/repos/1", "dave").status_code == 200


def test_a_grant_that_expires(api):
    past = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)).isoformat()
    future = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).isoformat()
    r = api.post("/repos/1/roles", "alice", {"actor": "User:erin", "role": "reader", "expires_at": future})
    assert r.status_code == 201
    assert api.get("/repos/1", "erin").status_code == 200
    r = api.patch("/repos/1/roles/User:erin", "alice", {"role": "reader", "expires_at": past})
    assert r.status_code == 200
    assert api.get("/repos/1", "erin").status_code == 404                          # expired
    listed = api.get("/repos/1/roles", "alice").get_json()["assignments"]
    assert [a["actor"] for a in listed] == ["User:erin"]                           # listed until removed
    assert datetime.datetime.fromisoformat(listed[0]["expires_at"]) == datetime.datetime.fromisoformat(past)
    assert api.post("/repos/1/roles", "alice", {"actor": "User:bob", "role": "reader",
                                                "expires_at": "tomorrow"}).status_code == 400


def test_a_revoked_grant_is_a_500_not_a_403(api, admin, caplog):
    def logged_error():
        messages = [str(r.exc_info[1]) for r in caplog.records if r.exc_info]
        caplog.clear()
        return messages
    admin.execute(sa.text("REVOKE SELECT ON organizations FROM gitclub_app"))
    r = api.get("/orgs", "alice")
    assert r.status_code == 500 and r.get_json() == {"error": "internal error"}
    assert len(logged := logged_error()) == 1 and "permission denied for table organizations" in logged[0]
    # the policy lets bob close his issue; the role lost the column privilege
    admin.execute(sa.text("REVOKE UPDATE (closed) ON issues FROM gitclub_app"))
    r = api.patch("/issues/10", "bob", {"closed": True})
    assert r.status_code == 500
    assert len(logged := logged_error()) == 1 and "permission denied for table issues" in logged[0]
    assert scalar(admin, "SELECT closed FROM issues WHERE id = 10") is False
    # decisions are still decisions
    assert api.patch("/issues/11", "bob", {"closed": True}).status_code == 403
    assert api.get("/repos/4", "bob").status_code == 404
    assert logged_error() == []


def test_concurrent_requests_of_different_users_never_see_each_others_rows(api):
    expected = {"alice": [1, 2, 3, 5], "erin": [3], "dave": [3, 4], "carol": [2, 3]}
    users = [u for _ in range(15) for u in expected]
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda u: (u, ids(api.get("/repos", u))), users))
    assert len(results) == 60
    for user, got in results:
        assert got == expected[user], user


def test_unknown_endpoints_and_methods(api):
    assert api.get("/nothing", "alice").status_code == 404
    assert api.get("/nothing", None).status_code == 404
    assert api.request("PUT", "/repos/1", "alice").status_code == 405
    assert api.get("/repos/12345678901", "alice").status_code == 404
