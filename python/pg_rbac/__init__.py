"""pg_rbac for Python: exceptions for pg_rbac's authorization errors.

pg_rbac decides inside PostgreSQL; a refusal reaches Python as a database
error.  This module turns the errors that report an authorization decision
into exceptions an application can catch (answer 404, 403 or 401), and
leaves every other database error alone:

- ``NotFound``: ``rbac.authorize`` found that the actor may not even read
  the resource (SQLSTATE P0002 with schema ``rbac`` in the error's schema
  field).  Answer 404 so that the resource's existence is not revealed.
- ``Forbidden``: the actor may read the resource but not do this, or a
  delegated role change was refused (42501 with schema ``rbac``).
- ``WriteRefused`` (a ``Forbidden``): PostgreSQL's row-level security
  refused a row that an INSERT or UPDATE wrote (42501 "new row violates
  row-level security policy").
- ``InvalidToken``: ``rbac.set_actor_token`` refused the token (28000;
  raised by ``pg_rbac.sqlalchemy.use_actor``).

A 42501 without the ``rbac`` schema field -- ``permission denied for table
issues`` after a revoked GRANT, a function the connection role may not
call -- is a configuration error, not a decision: it stays the driver's
error (an HTTP application answers 500).

The SQLAlchemy integration is in ``pg_rbac.sqlalchemy``; pytest helpers in
``pg_rbac.testing``.
"""

import re

__version__ = "0.3.0.dev0"

__all__ = [
    "Error", "AuthorizationError", "NotFound", "Forbidden", "WriteRefused",
    "InvalidToken", "sqlstate", "translate", "__version__",
]

# The schema name pg_rbac puts in the schema field of the errors that report
# an authorization decision (SPEC 6.5).
RBAC_SCHEMA = "rbac"

# PostgreSQL's message for a row refused by a WITH CHECK expression of
# row-level security (execMain.c).  It carries no schema field, so the
# message is all there is; a server whose lc_messages is not English
# translates it, and the error is then left as it is (see docs/python.md).
_RLS_CHECK = re.compile(
    r'^new row violates row-level security policy (?:"[^"]*" )?for table "(?P<table>(?:[^"]|"")*)"')


class Error(Exception):
    """Base class of the exceptions of pg_rbac.

    Attributes (None when unknown): ``sqlstate``, ``message`` (the server's
    primary message), ``detail``, ``hint``, and ``orig``, the exception the
    driver raised (for SQLAlchemy: the ``DBAPIError``'s ``orig``).
    """

    def __init__(self, message, sqlstate=None, detail=None, hint=None, orig=None):
        super().__init__(message)
        self.message = message
        self.sqlstate = sqlstate
        self.detail = detail
        self.hint = hint
        self.orig = orig


class AuthorizationError(Error):
    """pg_rbac refused: the actor may not do this."""


class NotFound(AuthorizationError):
    """The actor may not read the resource (SQLSTATE P0002, schema rbac)."""


class Forbidden(AuthorizationError):
    """The actor may read the resource but not do this (42501, schema rbac)."""


class WriteRefused(Forbidden):
    """Row-level security refused a row written by INSERT or UPDATE.

    ``table`` is the table named in the message.  An UPDATE or DELETE whose
    rows the policy hides changes nothing and raises nothing: see
    docs/python.md on ``StaleDataError``.
    """

    def __init__(self, message, table=None, **kw):
        super().__init__(message, **kw)
        self.table = table


class InvalidToken(Error):
    """``rbac.set_actor_token`` refused the token (SQLSTATE 28000)."""


def _driver_error(exc):
    """The DBAPI exception behind exc (SQLAlchemy wraps it in ``orig``)."""
    orig = getattr(exc, "orig", None)
    return orig if orig is not None else exc


def sqlstate(exc):
    """The SQLSTATE of a database error (psycopg2, psycopg 3, or either one
    wrapped by SQLAlchemy), or None."""
    err = _driver_error(exc)
    code = getattr(err, "sqlstate", None)      # psycopg 3
    if code is None:
        code = getattr(err, "pgcode", None)    # psycopg2
    return code


def _diag(err, field):
    diag = getattr(err, "diag", None)
    return getattr(diag, field, None) if diag is not None else None


def translate(exc):
    """The pg_rbac exception that a database error stands for, or None.

    ``exc`` is a driver error (psycopg2 or psycopg 3) or SQLAlchemy's
    ``DBAPIError`` around one.  Only errors that report an authorization
    decision are translated; for anything else the answer is None and the
    caller re-raises the original error.
    """
    err = _driver_error(exc)
    code = sqlstate(err)
    if code is None:
        return None
    message = _diag(err, "message_primary")
    if message is None:
        message = str(err).strip().split("\n", 1)[0]
    kw = dict(sqlstate=code, detail=_diag(err, "message_detail"),
              hint=_diag(err, "message_hint"), orig=err)
    from_rbac = _diag(err, "schema_name") == RBAC_SCHEMA
    if code == "P0002" and from_rbac:
        return NotFound(message, **kw)
    if code == "42501":
        if from_rbac:
            return Forbidden(message, **kw)
        m = _RLS_CHECK.match(message)
        if m:
            return WriteRefused(message, table=m.group("table").replace('""', '"'), **kw)
        return None
    return None


def _token_error(exc):
    """InvalidToken for a 28000 raised by rbac.set_actor_token, else None
    (only for errors of that call: the caller knows it made it)."""
    err = _driver_error(exc)
    if sqlstate(err) != "28000":
        return None
    message = _diag(err, "message_primary") or str(err).strip().split("\n", 1)[0]
    return InvalidToken(message, sqlstate="28000", detail=_diag(err, "message_detail"),
                        hint=_diag(err, "message_hint"), orig=err)
