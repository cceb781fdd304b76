"""GitClub in Flask + SQLAlchemy: authorization by pg_rbac inside PostgreSQL.

The same API as ../gitclub-api (Node.js), plus the end-user "manage roles"
API of a repository.  What this file does about authorization:

- ``use_actor``: every transaction of a request's session starts with
  ``rbac.set_actor_token(<the request's bearer token>, true)``; the database
  verifies the token and acts as its subject until the transaction ends.
  Generated row-level security then filters every query.
- ``authorize(db, action, resource)`` where the API wants to tell 404 from
  403 before acting; ``pg_rbac.NotFound`` -> 404, ``Forbidden`` -> 403,
  ``InvalidToken`` -> 401.  Any other database error is a 500: a revoked
  GRANT is a broken deployment, not a refusal.
- Role changes go through ``assign_role`` / ``remove_role``, which the
  database allows when the actor holds ``manage_roles`` on the repository
  (delegated administration).

Run: ``DATABASE_URL=postgresql+psycopg2://gitclub_app@/gitclub flask --app app run``
(the database set up by ../gitclub-api/schema.sql; libpq's PGHOST etc.
apply).
"""

import datetime
import logging
import os
import re

import sqlalchemy as sa
from flask import Flask, g, jsonify, request
from sqlalchemy.orm import sessionmaker
from werkzeug.exceptions import HTTPException

import pg_rbac
from pg_rbac.sqlalchemy import (
    use_actor, translate_errors, current_actor, ref, authorize, authorized_actions,
    assign_role, remove_role, assignments, roles)

from models import Organization, Repository, Issue

log = logging.getLogger("gitclub")

# Ids are at most 9 digits, so they always fit an int column.
ID = "int(max=999999999)"


class ApiError(Exception):
    """An error answered with its HTTP status and message."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


# What other database errors mean to a client, by SQLSTATE; anything not
# listed (42501 permission denied for table..., a broken connection) is 500.
STATUS_OF_SQLSTATE = {
    "42704": 400,   # unknown role for the resource's type, unknown type
    "22023": 400,   # malformed actor reference
    "23503": 422,   # a reference to a row that does not exist
}


def create_app(database_url=None, pool_size=4):
    app = Flask(__name__)
    app.json.sort_keys = False
    engine = sa.create_engine(database_url or os.environ["DATABASE_URL"],
                              pool_size=pool_size, max_overflow=0, pool_pre_ping=True)
    translate_errors(engine)            # pg_rbac's refusals from any statement, ORM flushes included
    Session = use_actor(sessionmaker(engine), get_token=lambda: g.token)
    app.extensions["gitclub.engine"] = engine

    @app.before_request
    def open_session():
        if request.routing_exception is not None:
            return None                 # unknown endpoint or method: 404 / 405 first
        m = re.fullmatch(r"Bearer (\S+)", request.headers.get("Authorization", ""))
        if m is None:
            return error(401, "a bearer token is required")
        g.token = m.group(1)
        g.db = Session()
        return None

    @app.teardown_request
    def close_session(exc):
        db = g.pop("db", None)
        if db is not None:
            db.close()                  # rolls back whatever was not committed

    # -- errors --------------------------------------------------------------

    @app.errorhandler(pg_rbac.InvalidToken)
    def invalid_token(e):
        return error(401, e.message, invalid=True)

    @app.errorhandler(pg_rbac.NotFound)
    def not_found(e):
        return error(404, e.message)

    @app.errorhandler(pg_rbac.Forbidden)     # WriteRefused too: RLS refused the row
    def forbidden(e):
        return error(403, e.message)

    @app.errorhandler(ApiError)
    def api_error(e):
        return error(e.status, e.message)

    @app.errorhandler(sa.exc.DBAPIError)
    def database_error(e):
        status = STATUS_OF_SQLSTATE.get(pg_rbac.sqlstate(e))
        if status is None:
            log.error("database error", exc_info=e)
            return error(500, "internal error")
        return error(status, str(e.orig).strip().split("\n", 1)[0])

    @app.errorhandler(HTTPException)
    def http_error(e):
        return error(e.code, e.description)

    @app.errorhandler(Exception)
    def internal_error(e):
        log.error("unexpected error", exc_info=e)
        return error(500, "internal error")

    # -- organizations and repositories --------------------------------------

    @app.get("/orgs")
    def list_orgs():
        return jsonify([o.to_json() for o in g.db.query(Organization).order_by(Organization.id)])

    @app.get("/repos")
    def list_repos():
        return jsonify([r.to_json() for r in g.db.query(Repository).order_by(Repository.id)])

    @app.get(f"/repos/<{ID}:repo_id>")
    def get_repo(repo_id):
        repo = readable_repo(repo_id)
        return jsonify({**repo.to_json(), "permissions": authorized_actions(g.db, repo)})

    @app.delete(f"/repos/<{ID}:repo_id>")
    def delete_repo(repo_id):
        authorize(g.db, "delete", f"Repository:{repo_id}")
        g.db.delete(g.db.get(Repository, repo_id))          # its issues cascade
        g.db.commit()
        return "", 204

    # -- issues --------------------------------------------------------------

    @app.get(f"/repos/<{ID}:repo_id>/issues")
    def list_issues(repo_id):
        authorize(g.db, "read", f"Repository:{repo_id}")
        issues = g.db.query(Issue).filter(Issue.repo_id == repo_id).order_by(Issue.id)
        return jsonify([i.to_json() for i in issues])

    @app.post(f"/repos/<{ID}:repo_id>/issues")
    def create_issue(repo_id):
        body = json_body()
        title = body.get("title")
        if not isinstance(title, str) or not title.strip() or len(title) > 200:
            raise ApiError(400, "title must be a non-empty string of at most 200 characters")
        actor = current_actor(g.db)
        if not actor.startswith("User:"):
            raise ApiError(403, "only users open issues")
        authorize(g.db, "read", f"Repository:{repo_id}")
        # RLS checks the new row (INSERT needs "read" on it); the creator is the actor
        issue = Issue(repo_id=repo_id, creator_id=actor[len("User:"):], title=title)
        g.db.add(issue)
        g.db.commit()
        return jsonify(issue.to_json()), 201

    @app.get(f"/issues/<{ID}:issue_id>")
    def get_issue(issue_id):
        authorize(g.db, "read", f"Issue:{issue_id}")
        return jsonify(g.db.get(Issue, issue_id).to_json())

    @app.patch(f"/issues/<{ID}:issue_id>")
    def update_issue(issue_id):
        body = json_body()
        if set(body) != {"closed"} or not isinstance(body["closed"], bool):
            raise ApiError(400, 'the body must be {"closed": true} or {"closed": false}')
        # authorize first: an UPDATE that RLS filters would only be a StaleDataError
        authorize(g.db, "close", f"Issue:{issue_id}")
        issue = g.db.get(Issue, issue_id)
        issue.closed = body["closed"]
        g.db.commit()
        return jsonify(issue.to_json())

    # -- managing the roles of a repository ------------------------------------
    #
    # Whoever holds "manage_roles" on the repository (its admins, and so the
    # owners of its organization) may list, grant, change and revoke roles on
    # it.  The API checks first to answer 404/403; the database checks again
    # on every write (delegated administration) and audits it with the actor.
    # In this API an actor holds at most one role directly on a repository.

    @app.get(f"/repos/<{ID}:repo_id>/roles")
    def list_roles(repo_id):
        repo = managed_repo(repo_id)
        return jsonify({
            "roles": [r.name for r in roles(g.db, "Repository")],
            "assignments": [assignment_json(a) for a in assignments(g.db, resource=repo)],
        })

    @app.post(f"/repos/<{ID}:repo_id>/roles")
    def grant_role(repo_id):
        body = json_body()
        actor, role = body.get("actor"), body.get("role")
        if not isinstance(actor, str) or not isinstance(role, str):
            raise ApiError(400, 'the body must be {"actor": "User:...", "role": "...", "expires_at": ...}')
        expires_at = parse_time(body.get("expires_at"))
        repo = managed_repo(repo_id)
        held = [a for a in assignments(g.db, resource=repo) if a.actor == actor and a.role != role]
        if held:
            raise ApiError(409, f"{actor} already has role {held[0].role} on {ref(repo)}: change it with PATCH")
        created = assign_role(g.db, actor, role, repo, expires_at=expires_at)
        g.db.commit()
        return jsonify({"actor": actor, "role": role, "resource": f"Repository:{repo_id}",
                        "expires_at": iso(expires_at)}), 201 if created else 200

    @app.patch(f"/repos/<{ID}:repo_id>/roles/<actor>")
    def change_role(repo_id, actor):
        body = json_body()
        role = body.get("role")
        if not isinstance(role, str) or not set(body) <= {"role", "expires_at"}:
            raise ApiError(400, 'the body must be {"role": "...", "expires_at": ...}')
        expires_at = parse_time(body.get("expires_at"))
        repo = managed_repo(repo_id)
        held = held_roles(repo, actor)
        for old in held:
            if old.role != role:
                remove_role(g.db, actor, old.role, repo)
        assign_role(g.db, actor, role, repo, expires_at=expires_at)
        g.db.commit()
        return jsonify({"actor": actor, "role": role, "resource": f"Repository:{repo_id}",
                        "expires_at": iso(expires_at)})

    @app.delete(f"/repos/<{ID}:repo_id>/roles/<actor>")
    def revoke_role(repo_id, actor):
        repo = managed_repo(repo_id)
        for old in held_roles(repo, actor):
            remove_role(g.db, actor, old.role, repo)
        g.db.commit()
        return "", 204

    return app


# -- helpers -----------------------------------------------------------------

def error(status, message, invalid=False):
    response = jsonify({"error": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"' if invalid else "Bearer"
    return response


def json_body():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object")
    return body


def readable_repo(repo_id):
    authorize(g.db, "read", f"Repository:{repo_id}")       # 404 unless readable
    return g.db.get(Repository, repo_id)


def managed_repo(repo_id):
    authorize(g.db, "manage_roles", f"Repository:{repo_id}")
    return g.db.get(Repository, repo_id)


def held_roles(repo, actor):
    held = [a for a in assignments(g.db, resource=repo) if a.actor == actor]
    if not held:
        raise ApiError(404, f"{actor} has no role on {ref(repo)}")
    return held


def parse_time(value):
    if value is None:
        return None
    try:
        t = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ApiError(400, "expires_at must be an ISO 8601 time with a time zone") from None
    if t.tzinfo is None:
        raise ApiError(400, "expires_at must be an ISO 8601 time with a time zone")
    return t


def iso(t):
    return None if t is None else t.isoformat()


def assignment_json(a):
    return {"actor": a.actor, "role": a.role, "expires_at": iso(a.expires_at)}


if __name__ == "__main__":
    create_app().run(port=int(os.environ.get("PORT", 5000)))
