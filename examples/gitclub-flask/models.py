"""SQLAlchemy models of the GitClub tables (../gitclub-api/schema.sql).

Nothing here is about permissions: the tables are bound to the policy's
types in the database (rbac.bind), and pg_rbac.sqlalchemy.ref() finds the
type of an instance from that binding.
"""

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = sa.Column(sa.Text, primary_key=True)
    name = sa.Column(sa.Text, nullable=False)


class Team(Base):                      # the policy's Group actor type
    __tablename__ = "teams"
    id = sa.Column(sa.Text, primary_key=True)
    name = sa.Column(sa.Text, nullable=False)


class Organization(Base):
    __tablename__ = "organizations"
    id = sa.Column(sa.Text, primary_key=True)
    name = sa.Column(sa.Text, nullable=False)

    def to_json(self):
        return {"id": self.id, "name": self.name}


class Repository(Base):
    __tablename__ = "repositories"
    id = sa.Column(sa.Integer, sa.Identity(start=1000), primary_key=True)
    org_id = sa.Column(sa.Text, sa.ForeignKey("organizations.id"), nullable=False)
    name = sa.Column(sa.Text, nullable=False)
    is_public = sa.Column(sa.Boolean, nullable=False, server_default=sa.false())

    def to_json(self):
        return {"id": self.id, "org_id": self.org_id, "name": self.name, "is_public": self.is_public}


class Issue(Base):
    __tablename__ = "issues"
    # server defaults (id, visibility, closed) are read back with the INSERT
    __mapper_args__ = {"eager_defaults": True}
    id = sa.Column(sa.Integer, sa.Identity(start=1000), primary_key=True)
    repo_id = sa.Column(sa.Integer, sa.ForeignKey("repositories.id", ondelete="CASCADE"), nullable=False)
    creator_id = sa.Column(sa.Text, sa.ForeignKey("users.id"))
    title = sa.Column(sa.Text, nullable=False)
    visibility = sa.Column(sa.Text, nullable=False, server_default="private")
    closed = sa.Column(sa.Boolean, nullable=False, server_default=sa.false())
    repository = relationship(Repository)

    def to_json(self):
        return {"id": self.id, "repo_id": self.repo_id, "creator_id": self.creator_id,
                "title": self.title, "closed": self.closed}
