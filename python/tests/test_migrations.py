"""The migration helpers: load the policy, bind tables, enable RLS, from a
connection as Alembic's op.get_bind() gives it."""

import sqlalchemy as sa

from pg_rbac.sqlalchemy import load_policy, bind_type, enable_rls, disable_rls, ref, is_allowed
from pg_rbac.testing import throwaway_database
from sqlalchemy.orm import Session

from conftest import POLICY
from models import Base, User, Team, Organization, Repository, Issue

# a table whose schema and name need quoting
odd_meta = sa.MetaData()
odd = sa.Table('Fold"ers', odd_meta,
               sa.Column("id", sa.Text, primary_key=True),
               sa.Column("up", sa.Text, sa.ForeignKey('App Data.Fold"ers.id')),
               schema="App Data")


def bound(conn):
    return conn.execute(sa.text("SELECT type, tbl::text, key_column::text, relations::text "
                                "FROM rbac.binding ORDER BY type")).all()


def test_a_migration_loads_the_policy_binds_tables_and_enables_rls():
    with throwaway_database() as url:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.begin() as conn:
                conn.execute(sa.text('CREATE SCHEMA "App Data"'))
                Base.metadata.create_all(conn, tables=[t.__table__ for t in
                                                       (User, Team, Organization, Repository, Issue)])
                odd_meta.create_all(conn)
            # the migration
            with engine.begin() as conn:
                load_policy(conn, POLICY)                     # a path, or the text
                bind_type(conn, "User", User)                 # a mapped class,
                bind_type(conn, "Group", "teams")             # a name,
                bind_type(conn, "Organization", Organization.__table__)   # or a Table
                bind_type(conn, "Repository", Repository)
                bind_type(conn, "Issue", Issue, relations={"repository": "repo_id", "creator": "creator_id"})
                bind_type(conn, "Folder", odd, relations={"parent": "up"})
                enable_rls(conn, Repository)
                enable_rls(conn, Issue, {"select": "read", "insert": "read", "update": "close", "delete": None})
                enable_rls(conn, odd)
            with engine.begin() as conn:
                assert bound(conn) == [
                    ("Folder", '"App Data"."Fold""ers"', "id", '{"parent": "up"}'),
                    ("Group", "teams", "id", "{}"),
                    ("Issue", "issues", "id", '{"creator": "creator_id", "repository": "repo_id"}'),
                    ("Organization", "organizations", "id", "{}"),
                    ("Repository", "repositories", "id", '{"parent": "org_id"}'),
                    ("User", "users", "id", "{}"),
                ]
                policies = conn.execute(sa.text(
                    "SELECT tablename, cmd FROM pg_policies ORDER BY tablename, cmd")).all()
                assert ("issues", "INSERT") in policies and ("repositories", "SELECT") in policies
                assert ('Fold"ers', "SELECT") in policies
                conn.execute(sa.text("""INSERT INTO "App Data"."Fold""ers" VALUES ('a', NULL), ('b', 'a')"""))
                conn.execute(sa.text("INSERT INTO users VALUES ('x', 'X')"))
                conn.execute(sa.text("SELECT rbac.assign_role('User:x', 'viewer', 'Folder:a')"))
                session = Session(bind=conn)
                assert is_allowed(session, "read", "Folder:b", actor="User:x")
                conn.execute(sa.text("""INSERT INTO organizations VALUES ('o', 'O')"""))
                assert ref(session.get(Organization, "o")) == "Organization:o"
                session.close()
            # and its downgrade
            with engine.begin() as conn:
                disable_rls(conn, Issue)
                disable_rls(conn, odd)
                assert conn.execute(sa.text(
                    "SELECT count(*) FROM pg_policies WHERE tablename IN ('issues', 'Fold\"ers')")).scalar() == 0
        finally:
            engine.dispose()
