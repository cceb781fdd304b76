"""ORM classes over the tables of schema.sql."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = sa.Column(sa.Text, primary_key=True)
    name = sa.Column(sa.Text, nullable=False)


class Team(Base):
    __tablename__ = "teams"
    id = sa.Column(sa.Text, primary_key=True)
    name = sa.Column(sa.Text, nullable=False)


class Organization(Base):
    __tablename__ = "organizations"
    id = sa.Column(sa.Text, primary_key=True)
    name = sa.Column(sa.Text, nullable=False)


class Repository(Base):
    __tablename__ = "repositories"
    id = sa.Column(sa.Integer, sa.Identity(start=1000), primary_key=True)
    org_id = sa.Column(sa.Text, sa.ForeignKey("organizations.id"), nullable=False)
    name = sa.Column(sa.Text, nullable=False)
    is_public = sa.Column(sa.Boolean, nullable=False, server_default=sa.false())
    org = relationship(Organization)


class Issue(Base):
    __tablename__ = "issues"
    # the attribute names differ from the columns: ref() goes through the mapping
    number = sa.Column("id", sa.Integer, sa.Identity(start=1000), primary_key=True)
    repo_id = sa.Column(sa.Integer, sa.ForeignKey("repositories.id"), nullable=False)
    creator_id = sa.Column(sa.Text, sa.ForeignKey("users.id"))
    title = sa.Column(sa.Text, nullable=False)
    visibility = sa.Column(sa.Text, nullable=False, server_default="private")
    closed = sa.Column(sa.Boolean, nullable=False, server_default=sa.false())
    repository = relationship(Repository)


class Folder(Base):
    __tablename__ = "folders"
    id = sa.Column(UUID(as_uuid=True), primary_key=True)
    parent_id = sa.Column(UUID(as_uuid=True), sa.ForeignKey("folders.id"))
    name = sa.Column(sa.Text, nullable=False)


class Note(Base):
    __tablename__ = "notes"
    id = sa.Column(sa.Integer, primary_key=True)
    body = sa.Column(sa.Text)
