"""use_actor: one transaction-local actor per transaction, pool-safe."""

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker, Session

import pg_rbac
from pg_rbac.sqlalchemy import use_actor, current_actor
from pg_rbac.testing import make_token

from conftest import make_engine, APP_ROLE, WORKER_ROLE
from models import Repository, User

CURRENT = sa.text("SELECT rbac.current_actor()")
PID = sa.text("SELECT pg_backend_pid()")


def repo_ids(session):
    return [r.id for r in session.query(Repository).order_by(Repository.id)]


def test_each_transaction_acts_as_the_token_subject(rbac_database, tokens, future):
    engine = make_engine(rbac_database, APP_ROLE, future=future)
    try:
        factory = use_actor(sessionmaker(engine, future=future), get_token=tokens)
        tokens.act_as("bob")
        with factory() as session:
            assert current_actor(session) == "User:bob"
            assert repo_ids(session) == [1, 2, 3, 5]
            session.commit()
            # a new transaction asks for the token again
            tokens.act_as("dave")
            assert session.execute(CURRENT).scalar() == "User:dave"
            assert repo_ids(session) == [3, 4]
            session.rollback()
            tokens.act_as("erin")
            assert repo_ids(session) == [3]
        assert tokens.calls == 3
    finally:
        engine.dispose()


def test_the_actor_is_transaction_local_and_never_reaches_the_next_checkout(rbac_database, tokens, future):
    # one connection in the pool: both sessions get the same server backend
    engine = make_engine(rbac_database, APP_ROLE, pool_size=1, max_overflow=0, future=future)
    try:
        Acting = use_actor(sessionmaker(engine, future=future), get_token=tokens)
        Plain = sessionmaker(engine, future=future)      # no use_actor
        tokens.act_as("alice")
        with Acting() as s1:
            pid = s1.execute(PID).scalar()
            assert s1.execute(CURRENT).scalar() == "User:alice"
            assert repo_ids(s1) == [1, 2, 3, 5]
            s1.commit()
        with Plain() as s2:
            assert s2.execute(PID).scalar() == pid
            assert s2.execute(CURRENT).scalar() is None
            assert repo_ids(s2) == []                   # nobody: RLS shows nothing
        # the same after a transaction that failed and one that was never ended
        with Acting() as s1:
            with pytest.raises(sa.exc.DBAPIError):
                s1.execute(sa.text("SELECT 1/0"))
        with Plain() as s2:
            assert s2.execute(PID).scalar() == pid
            assert s2.execute(CURRENT).scalar() is None
        s1 = Acting()
        assert s1.execute(CURRENT).scalar() == "User:alice"
        s1.close()                                      # no commit, no rollback
        with engine.connect() as conn:
            assert conn.execute(PID).scalar() == pid
            assert conn.execute(CURRENT).scalar() is None
    finally:
        engine.dispose()


def test_a_refused_token_raises_invalid_token_and_the_session_recovers(AppSession, tokens, jwt_secret):
    bad = {
        "garbage": "not-a-token",
        "wrong secret": make_token("another secret", "alice"),
        "expired": make_token(jwt_secret, "alice", ttl=-60),
        "no exp": make_token(jwt_secret, "alice", ttl=None),
        "alg none": make_token(jwt_secret, "alice", alg="none"),
        "unknown actor type": make_token(jwt_secret, "Robot:r2"),
    }
    for what, token in bad.items():
        tokens.token = token
        with AppSession() as session:
            with pytest.raises(pg_rbac.InvalidToken) as info:
                session.execute(CURRENT)
            assert info.value.sqlstate == "28000", what
            assert isinstance(info.value.orig, Exception), what
            session.rollback()
            tokens.act_as("carol")
            assert current_actor(session) == "User:carol", what
            assert repo_ids(session) == [2, 3], what


def test_no_token_means_no_actor_even_over_a_session_level_actor(rbac_database, tokens):
    engine = make_engine(rbac_database, WORKER_ROLE, pool_size=1, max_overflow=0)
    try:
        with engine.begin() as conn:
            # a session-level actor left on the connection by other code
            conn.execute(sa.text("SELECT rbac.set_actor('User:alice')"))
        with engine.connect() as conn:
            assert conn.execute(CURRENT).scalar() == "User:alice"
        factory = use_actor(sessionmaker(engine), get_token=tokens)
        tokens.act_as(None)
        with factory() as session:
            assert session.execute(CURRENT).scalar() is None
            assert repo_ids(session) == []
    finally:
        engine.dispose()


def test_get_actor_for_a_privileged_role_takes_instances_and_references(rbac_database):
    engine = make_engine(rbac_database, WORKER_ROLE)
    who = {"actor": "User:dave"}
    try:
        factory = use_actor(sessionmaker(engine), get_actor=lambda: who["actor"])
        with factory() as session:
            assert current_actor(session) == "User:dave"
            assert repo_ids(session) == [3, 4]
            # an ORM instance of the bound actor table
            who["actor"] = session.get(User, "bob")
            session.commit()
            assert current_actor(session) == "User:bob"
            assert repo_ids(session) == [1, 2, 3, 5]
            session.commit()
            who["actor"] = None
            assert current_actor(session) is None
    finally:
        engine.dispose()


def test_the_app_role_cannot_name_an_actor(app_engine, future):
    factory = use_actor(sessionmaker(app_engine, future=future), get_actor=lambda: "User:alice")
    with factory() as session:
        with pytest.raises(sa.exc.ProgrammingError) as info:
            session.execute(CURRENT)
        assert pg_rbac.sqlstate(info.value) == "42501"
        assert not isinstance(info.value, pg_rbac.AuthorizationError)


def test_savepoints_keep_the_actor(AppSession, tokens):
    tokens.act_as("alice")
    with AppSession() as session:
        assert current_actor(session) == "User:alice"
        nested = session.begin_nested()
        assert current_actor(session) == "User:alice"
        nested.rollback()
        assert current_actor(session) == "User:alice"
        with session.begin_nested():
            assert repo_ids(session) == [1, 2, 3, 5]
        assert tokens.calls == 1


def test_use_actor_needs_exactly_one_source():
    with pytest.raises(TypeError):
        use_actor(sessionmaker())
    with pytest.raises(TypeError):
        use_actor(sessionmaker(), get_token=lambda: None, get_actor=lambda: None)


def test_a_session_class_and_one_session_are_targets_too(app_engine, tokens):
    class MySession(Session):
        pass
    use_actor(MySession, get_token=tokens)
    tokens.act_as("erin")
    with MySession(bind=app_engine) as session:
        assert repo_ids(session) == [3]
    one = Session(bind=app_engine)
    use_actor(one, get_token=tokens)
    tokens.act_as("dave")
    assert repo_ids(one) == [3, 4]
    one.close()


def test_a_scoped_session_works_like_a_session(app_engine, tokens, future):
    from sqlalchemy.orm import scoped_session
    from pg_rbac.sqlalchemy import ref, authorized_resources, is_allowed
    db = use_actor(scoped_session(sessionmaker(app_engine, future=future)), get_token=tokens)
    tokens.act_as("carol")
    try:
        assert current_actor(db) == "User:carol"
        rocket = db.get(Repository, 2)
        assert ref(rocket) == ref(rocket, session=db) == "Repository:2"
        assert [r.id for r in authorized_resources(db, "push", Repository)] == [2]
        assert is_allowed(db, "push", rocket)
    finally:
        db.remove()


def test_concurrent_sessions_never_see_each_others_rows(AppSession, jwt_secret):
    expected = {"alice": [1, 2, 3, 5], "erin": [3], "dave": [3, 4], "carol": [2, 3]}
    local = threading.local()
    factory = use_actor(sessionmaker(AppSession.kw["bind"], future=AppSession.kw.get("future", False)),
                        get_token=lambda: make_token(jwt_secret, local.user))
    errors = []

    def work(user):
        local.user = user
        try:
            for _ in range(15):
                with factory() as session:
                    got = repo_ids(session)
                    if got != expected[user] or current_actor(session) != "User:" + user:
                        errors.append((user, got))
        except Exception as e:       # pragma: no cover - reported below
            errors.append((user, repr(e)))

    threads = [threading.Thread(target=work, args=(u,)) for u in expected for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
