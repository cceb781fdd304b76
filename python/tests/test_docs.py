"""The examples of docs/python.md do what the page says."""

import re
import shutil
import sys
import types

import pytest
import sqlalchemy as sa

from pg_rbac.testing import throwaway_database

from conftest import HERE, POLICY

DOC = HERE.parent.parent / "docs" / "python.md"


def blocks(lang):
    """The fenced code blocks of the page in a language, in order."""
    return re.findall(r"^```%s\n(.*?)^```" % lang, DOC.read_text(), re.S | re.M)


def block_starting(lang, first_line):
    found = [b for b in blocks(lang) if b.startswith(first_line)]
    assert len(found) == 1, "docs/python.md: no single %s block starting with %r" % (lang, first_line)
    return found[0]


@pytest.fixture
def fake_alembic(monkeypatch):
    """alembic.op standing in for Alembic's: get_bind() and execute()."""
    op = types.SimpleNamespace(conn=None)
    op.get_bind = lambda: op.conn
    op.execute = lambda sql: op.conn.execute(sa.text(sql) if isinstance(sql, str) else sql)
    alembic = types.ModuleType("alembic")
    alembic.op = op
    monkeypatch.setitem(sys.modules, "alembic", alembic)
    return op


def test_the_alembic_migration(tmp_path, fake_alembic):
    source = block_starting("python", "# migrations/versions/0002_authorization.py")
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "0002_authorization.py").write_text(source)
    shutil.copy(POLICY, versions / "0002_gitclub.polar")
    migration = {"__file__": str(versions / "0002_authorization.py"), "__name__": "migration_0002"}
    exec(compile(source, migration["__file__"], "exec"), migration)

    with throwaway_database(schema=HERE / "schema.sql") as url:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.begin() as conn:
                fake_alembic.conn = conn
                migration["upgrade"]()
            with engine.begin() as conn:
                assert conn.execute(sa.text("SELECT string_agg(type, ',' ORDER BY type) FROM rbac.binding")) \
                    .scalar() == "Group,Issue,Organization,Repository,User"
                assert conn.execute(sa.text("SELECT relations->>'parent' FROM rbac.binding "
                                            "WHERE type = 'Repository'")).scalar() == "org_id"
                assert conn.execute(sa.text("SELECT count(DISTINCT tablename) FROM pg_policies")).scalar() == 2
                assert conn.execute(sa.text("SELECT rbac.policy_source()")).scalar() == POLICY.read_text()
            with engine.begin() as conn:
                fake_alembic.conn = conn
                migration["downgrade"]()
            with engine.begin() as conn:
                assert conn.execute(sa.text("SELECT count(*) FROM rbac.binding")).scalar() == 0
                assert conn.execute(sa.text("SELECT count(*) FROM pg_policies")).scalar() == 0
        finally:
            engine.dispose()


def test_the_decision_table_and_its_failure_message(rbac_session):
    source = block_starting("python", "from pg_rbac.testing import assert_decisions")
    namespace = {}
    exec(source, namespace)
    namespace["test_repository_permissions"](rbac_session)          # the table holds

    table = re.search(r"assert_decisions\(rbac_session, (\[.*?\])\)", source, re.S).group(1)
    cases = eval(table) + [("User:bob", "push", "Repository:1", True)]
    with pytest.raises(AssertionError) as info:
        namespace["assert_decisions"](rbac_session, cases)
    shown = block_starting("text", "AssertionError: ")
    assert "AssertionError: " + str(info.value) + "\n" == shown
