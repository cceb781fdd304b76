"""The pytest helpers of pg_rbac.testing."""

import base64
import json
import pathlib

import pytest
import sqlalchemy as sa

import pg_rbac

from pg_rbac.testing import (assert_decisions, assert_policy_tests, throwaway_database, make_token,
                             default_admin_url)

from models import User, Repository


def test_assert_decisions_passes_a_true_table(rbac_session):
    s = rbac_session
    n = assert_decisions(s, [
        ("User:alice", "delete", "Repository:1", True),
        ("User:bob", "delete", "Repository:1", False),
        (s.get(User, "carol"), "push", s.get(Repository, 2), True),
        ("User:erin", "read", "Repository:3", True),
        ("User:erin", "read", "Repository:4", False),
    ])
    assert n == 5


def test_assert_decisions_shows_every_wrong_case_with_its_explanation(rbac_session):
    with pytest.raises(AssertionError) as info:
        assert_decisions(rbac_session, [
            ("User:alice", "delete", "Repository:1", True),
            ("User:carol", "push", "Repository:2", False),     # wrong: she may, through her team
            ("User:bob", "push", "Repository:1", True),        # wrong: he may only read
        ])
    message = str(info.value)
    assert message.startswith("2 of 3 decisions differ from the table:")
    assert "User:carol push Repository:2: expected denied, got allowed" in message
    assert "User:carol is a member of Group:eng" in message
    assert "allowed: User:carol may push Repository:2" in message
    assert "User:bob push Repository:1: expected allowed, got denied" in message
    assert "denied: User:bob may not push Repository:1" in message
    assert "User:alice delete" not in message


POLICY_WITH_TESTS = """
actor User {}
resource Org {
  roles = ["owner", "member"];
  permissions = ["read", "delete"];
  "member" if "owner";
  "read" if "member";
  "delete" if "owner";
}
test "owners and members" {
  setup {
    has_role(User{"alice"}, "owner", Org{"acme"});
    has_role(User{"bob"}, "member", Org{"acme"});
  }
  assert allow(User{"alice"}, "delete", Org{"acme"});
  assert allow(User{"bob"}, "read", Org{"acme"});
  assert_not allow(User{"bob"}, "delete", Org{"acme"});
}
"""


def test_assert_policy_tests_runs_the_test_blocks_without_tables(rbac_session):
    assert assert_policy_tests(rbac_session, POLICY_WITH_TESTS) == 3


def test_assert_policy_tests_lists_the_failing_assertions(rbac_session):
    wrong = POLICY_WITH_TESTS.replace('assert_not allow(User{"bob"}, "delete"',
                                      'assert allow(User{"bob"}, "delete"')
    with pytest.raises(AssertionError) as info:
        assert_policy_tests(rbac_session, wrong)
    assert str(info.value) == ('1 of 3 policy test assertions failed:\n'
                               '  owners and members: assert allow(User{"bob"}, "delete", Org{"acme"})')


def test_assert_policy_tests_raises_policy_errors(rbac_session):
    with pytest.raises(sa.exc.DBAPIError) as info:
        assert_policy_tests(rbac_session, POLICY_WITH_TESTS.replace('"delete", Org{"acme"});\n  assert allow',
                                                                    '"dlete", Org{"acme"});\n  assert allow'))
    assert info.value.orig.pgcode == "42P17"
    assert 'declares no permission "dlete" (did you mean "delete"?)' in str(info.value.orig)


def test_assert_policy_tests_of_the_loaded_policy(rbac_session):
    # the fixture's policy has no test blocks
    assert assert_policy_tests(rbac_session) == 0


def test_the_fixture_database_has_the_policy_schema_and_setup(rbac_database, rbac_session):
    assert rbac_database.url.database.startswith("pg_rbac_test_")
    s = rbac_session
    assert s.execute(sa.text("SELECT current_database()")).scalar() == rbac_database.url.database
    assert "resource Repository" in s.execute(sa.text("SELECT rbac.policy_source()")).scalar()
    assert s.execute(sa.text("SELECT count(*) FROM rbac.binding")).scalar() == 6


def test_work_of_a_test_is_rolled_back_1(rbac_session):
    rbac_session.execute(sa.text("INSERT INTO users VALUES ('zoe', 'Zoe')"))
    rbac_session.execute(sa.text("SELECT rbac.assign_role('User:zoe', 'owner', 'Organization:acme')"))


def test_work_of_a_test_is_rolled_back_2(rbac_session):
    assert rbac_session.execute(sa.text("SELECT count(*) FROM users WHERE id = 'zoe'")).scalar() == 0
    assert rbac_session.execute(sa.text(
        "SELECT count(*) FROM rbac.assignments(actor => 'User:zoe')")).scalar() == 0


def test_throwaway_database_is_dropped_on_exit():
    admin = sa.create_engine(default_admin_url(), poolclass=sa.pool.NullPool)
    try:
        with throwaway_database(policy='actor User {}\nresource Doc { permissions = ["read"]; }',
                                schema="CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2);",
                                setup=lambda conn: conn.execute(sa.text("INSERT INTO t VALUES (3)"))) as url:
            engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
            with engine.connect() as conn:
                assert conn.execute(sa.text("SELECT sum(x) FROM t")).scalar() == 6
                assert "resource Doc" in conn.execute(sa.text("SELECT rbac.policy_source()")).scalar()
                # still connected: the drop must not wait for this connection
            engine.dispose()
        with admin.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM pg_database WHERE datname = :d"),
                                {"d": url.database}).scalar() == 0
    finally:
        admin.dispose()


def test_a_policy_that_does_not_load_fails_and_leaves_no_database():
    admin = sa.create_engine(default_admin_url(), poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            before = conn.execute(sa.text("SELECT count(*) FROM pg_database")).scalar()
        with pytest.raises(sa.exc.DBAPIError) as info:
            with throwaway_database(policy="resource {"):
                pass
        assert pg_rbac.sqlstate(info.value) == "42601"
        with admin.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM pg_database")).scalar() == before
    finally:
        admin.dispose()


def _b64decode(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_hs256_tokens_are_accepted_by_the_database(rbac_session, jwt_secret):
    token = make_token(jwt_secret, "carol", claims={"iss": "tests"})
    header, claims, _ = token.split(".")
    assert json.loads(_b64decode(header)) == {"alg": "HS256", "typ": "JWT"}
    assert json.loads(_b64decode(claims))["iss"] == "tests"
    assert rbac_session.execute(sa.text("SELECT rbac.set_actor_token(:t, true)"), {"t": token}).scalar() == \
        "User:carol"


def test_rs256_and_es256_tokens_are_accepted_by_the_database(rbac_session):
    """run-test.sh configures rbac.jwt_key_file with a JWKS of the public
    halves of PG_RBAC_TEST_KEYS/rsa.pem and ec.pem (kids rsa-1 and ec-1)."""
    import os
    keys = pathlib.Path(os.environ.get("PG_RBAC_TEST_KEYS") or pytest.fail("run through python/run-test.sh"))
    act = sa.text("SELECT rbac.set_actor_token(:t, true)")
    for alg, pem, kid in [("RS256", "rsa.pem", "rsa-1"), ("ES256", "ec.pem", "ec-1")]:
        key = (keys / pem).read_bytes()
        assert rbac_session.execute(act, {"t": make_token(key, "dave", alg=alg, kid=kid)}).scalar() == "User:dave"
        assert rbac_session.execute(act, {"t": make_token(key.decode(), "erin", alg=alg)}).scalar() == "User:erin"
        head, body, sig = make_token(key, "alice", alg=alg, kid=kid).split(".")
        forged = make_token(key, "mallory", alg=alg, kid=kid).split(".")[1]
        with pytest.raises(sa.exc.DBAPIError) as info:
            with rbac_session.begin_nested():
                rbac_session.execute(act, {"t": ".".join([head, forged, sig])})
        assert pg_rbac.sqlstate(info.value) == "28000"


def test_rs256_and_es256_tokens_verify_with_the_public_key():
    crypto = pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
    assert crypto

    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = make_token(rsa_key, "alice", alg="RS256", kid="k1")
    head, body, sig = token.split(".")
    assert json.loads(_b64decode(head)) == {"alg": "RS256", "typ": "JWT", "kid": "k1"}
    rsa_key.public_key().verify(_b64decode(sig), (head + "." + body).encode(), padding.PKCS1v15(),
                                hashes.SHA256())

    ec_key = ec.generate_private_key(ec.SECP256R1())
    token = make_token(ec_key, "alice", alg="ES256")
    head, body, sig = token.split(".")
    raw = _b64decode(sig)
    assert len(raw) == 64                        # JWS: r || s, not DER
    der = utils.encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    ec_key.public_key().verify(der, (head + "." + body).encode(), ec.ECDSA(hashes.SHA256()))
