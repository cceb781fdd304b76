"""pg_rbac for SQLAlchemy (1.4 and 2.x; psycopg2 or psycopg 3).

- ``use_actor(session_factory, get_token=None, get_actor=None)``: every
  transaction a session of the factory begins starts by setting a
  transaction-local actor, so that row-level security and the current-actor
  checks act for the request's user, and no actor survives the transaction
  (pool-safe).
- ``ref(obj)``: ``"Repository:7"`` from an ORM instance of a bound table.
- Checks: ``authorize``, ``is_allowed``, ``authorized_actions``,
  ``authorized_roles``, ``authorized_resources`` (a query of ORM
  instances), ``explain``, ``who_can``.
- Role data: ``assign_role``, ``remove_role``, ``assignments``, ``roles``,
  ``add_member``, ``remove_member``, and the ORM class ``RoleAssignment``
  over the writable view ``rbac.role_assignments``.
- ``translate_errors(engine)``: every statement of the engine raises
  ``pg_rbac.Forbidden`` / ``NotFound`` / ``WriteRefused`` for pg_rbac's
  refusals instead of the driver's error.
- Migration helpers (Alembic's ``op.get_bind()`` or any connection):
  ``load_policy``, ``bind_type``, ``unbind_type``, ``enable_rls``,
  ``disable_rls``.

Every function takes a ``Session`` or a ``Connection`` first.  Resources and
actors are ORM instances of bound tables or references (``"User:alice"``).
Checks without ``actor=`` use the current actor; with ``actor=`` they use
the explicit-actor form, which the connection role needs a grant for.
"""

import collections
import json

import sqlalchemy as sa
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import registry, scoped_session
from sqlalchemy.types import TypeDecorator

from . import translate, _token_error

__all__ = [
    "use_actor", "translate_errors", "current_actor", "ref",
    "authorize", "is_allowed", "authorized_actions", "authorized_roles",
    "authorized_resources", "authorized_filter", "explain", "who_can",
    "assign_role", "remove_role", "assignments", "Assignment", "roles", "Role",
    "add_member", "remove_member", "RoleAssignment",
    "load_policy", "bind_type", "unbind_type", "enable_rls", "disable_rls",
]


# ---------------------------------------------------------------------------
# Running statements
# ---------------------------------------------------------------------------

def _target(bind):
    """The Session behind a scoped_session; a Session or Connection as it is."""
    return bind() if isinstance(bind, scoped_session) else bind


def _run(bind, sql, params=None):
    """Execute sql on a Session or Connection; pg_rbac's refusals become
    pg_rbac exceptions, other errors stay as they are."""
    bind = _target(bind)
    try:
        return bind.execute(text(sql), params or {})
    except DBAPIError as e:
        err = translate(e)
        if err is None:
            raise
        raise err from e


def _autoflush(bind):
    """Checks read the bound tables: let them see the session's pending
    changes, as an ORM query would (unless autoflush is off)."""
    bind = _target(bind)
    if getattr(bind, "autoflush", False) and hasattr(bind, "flush"):
        bind.flush()


# ---------------------------------------------------------------------------
# The actor of each transaction
# ---------------------------------------------------------------------------

def use_actor(session_factory, get_token=None, get_actor=None):
    """Make every transaction of the factory's sessions act as someone.

    ``session_factory`` is a ``sessionmaker``, a ``scoped_session``, a
    ``Session`` subclass or one ``Session``.  (Every function of this
    module takes a ``scoped_session`` where it takes a ``Session``.)  Exactly one of:

    - ``get_token()``: returns the request's JWT, verified by the database
      (``rbac.set_actor_token(token, true)``); for connection roles that
      may not name actors themselves.  A token the database refuses raises
      ``pg_rbac.InvalidToken`` from the statement that began the
      transaction.
    - ``get_actor()``: returns an actor (an ORM instance of a bound actor
      table or a reference such as ``"User:alice"``), set with
      ``rbac.set_actor(actor, true)``; for privileged connection roles
      granted EXECUTE on it (workers, admin tools).

    Either may return None: the transaction then has no actor
    (``rbac.reset_actor()``), so it sees what nobody may see.

    The actor is set on the connection when the session begins a
    transaction on it, before the transaction's first statement, and is
    transaction-local: it ends at COMMIT or ROLLBACK, so no actor survives
    into the next transaction or the connection's next checkout from the
    pool.  Savepoints (``begin_nested``) keep the transaction's actor.
    Connections of other dialects than PostgreSQL are left alone.
    Returns session_factory.
    """
    if (get_token is None) == (get_actor is None):
        raise TypeError("use_actor() needs exactly one of get_token and get_actor")

    def set_transaction_actor(session, transaction, connection):
        # a savepoint (begin_nested) is inside a transaction that has its actor
        if transaction.nested or connection.dialect.name != "postgresql":
            return
        if get_token is not None:
            token = get_token()
            if token is None:
                connection.execute(text("SELECT rbac.reset_actor()"))
                return
            try:
                connection.execute(text("SELECT rbac.set_actor_token(CAST(:token AS text), true)"),
                                   {"token": token})
            except DBAPIError as e:
                err = _token_error(e)
                if err is None:
                    raise
                raise err from e
        else:
            actor = get_actor()
            if actor is None:
                connection.execute(text("SELECT rbac.reset_actor()"))
                return
            actor = ref(actor, session=connection)
            _run(connection, "SELECT rbac.set_actor(CAST(:actor AS text), true)", {"actor": actor})

    event.listen(session_factory, "after_begin", set_transaction_actor)
    return session_factory


def translate_errors(engine):
    """Raise pg_rbac's exceptions from every statement of ``engine``.

    After this, ``pg_rbac.NotFound`` / ``Forbidden`` come out of any
    statement that reports a pg_rbac decision (an ``rbac.authorize`` inside
    a query, a refused delegated role change), and ``pg_rbac.WriteRefused``
    out of an INSERT or UPDATE (ORM flushes included) whose new row
    row-level security refuses.  Every other error stays SQLAlchemy's
    ``DBAPIError``.  The functions of this module translate their own errors
    without it.  Returns engine.
    """
    def handle_error(context):
        err = translate(context.original_exception)
        if err is not None:
            raise err from context.sqlalchemy_exception

    event.listen(engine, "handle_error", handle_error)
    return engine


def current_actor(bind):
    """The current actor of the transaction (``rbac.current_actor()``), or None."""
    return _run(bind, "SELECT rbac.current_actor()").scalar()


# ---------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------

_Binding = collections.namedtuple("_Binding", "type key_column")
_CACHE_KEY = "pg_rbac.bindings"


def _table_name(table):
    quote = lambda s: '"' + s.replace('"', '""') + '"'  # noqa: E731
    return (quote(table.schema) + "." if table.schema else "") + quote(table.name)


def _bindings_of(bind, table):
    """The bindings of a table (rbac.binding), cached for the transaction:
    a binding changes only with the schema (migrations)."""
    bind = _target(bind)
    name = _table_name(table)
    cache = bind.info.get(_CACHE_KEY)
    txn = bind.get_transaction()
    if cache is not None and txn is not None and cache[0] is txn and name in cache[1]:
        return cache[1][name]
    rows = _run(bind, "SELECT b.type, b.key_column::text FROM rbac.binding b "
                      "WHERE b.tbl = to_regclass(CAST(:name AS text)) ORDER BY b.type",
                {"name": name}).all()
    found = [_Binding(*r) for r in rows]
    txn = bind.get_transaction()
    if cache is None or cache[0] is not txn:
        cache = (txn, {})
        bind.info[_CACHE_KEY] = cache
    cache[1][name] = found
    return found


def _binding(bind, mapper, type=None):
    """(binding, table) of a mapped class: its own table, or in joined
    inheritance the first table up to the base that is bound."""
    tables = []
    for m in mapper.iterate_to_root():
        t = m.local_table
        if isinstance(t, sa.Table) and t not in tables:
            tables.append(t)
    if not tables:
        raise TypeError("%s is not mapped to a table" % mapper.class_.__name__)
    for table in tables:
        found = _bindings_of(bind, table)
        if type is not None:
            found = [b for b in found if b.type == type]
        if len(found) == 1:
            return found[0], table
        if len(found) > 1:
            raise ValueError("table %s is bound to several types (%s): pass type="
                             % (table.name, ", ".join(b.type for b in found)))
    raise LookupError("table %s of %s is not bound to a type%s (rbac.bind)"
                      % (tables[0].name, mapper.class_.__name__,
                         "" if type is None else " " + type))


def ref(obj_or_ref, session=None, type=None):
    """The reference ``"Type:id"`` of an ORM instance, or a reference string
    as it is (None stays None).

    The type is the one the instance's table is bound to (``rbac.binding``;
    ``type=`` chooses when several types share a table) and the id the
    value of the binding's key column.  The binding is read through the
    instance's session, or ``session`` (a Session or Connection); a pending
    instance is flushed first so that it has its key.
    """
    if obj_or_ref is None or isinstance(obj_or_ref, str):
        return obj_or_ref
    state = sa.inspect(obj_or_ref, raiseerr=False)
    if state is None or not hasattr(state, "mapper"):
        raise TypeError("ref() takes an ORM instance or a reference string, not %r" % (obj_or_ref,))
    bind = _target(session) if session is not None else state.session
    if bind is None:
        raise ValueError("%r is not in a session: pass session=" % (obj_or_ref,))
    binding, table = _binding(bind, state.mapper, type)
    prop = state.mapper.get_property_by_column(table.c[binding.key_column])
    value = getattr(obj_or_ref, prop.key)
    if value is None and state.pending and state.session is not None:
        state.session.flush()
        value = getattr(obj_or_ref, prop.key)
    if value is None:
        raise ValueError("%r has no %s yet" % (obj_or_ref, binding.key_column))
    return "%s:%s" % (binding.type, value)


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------

def _check(bind, fn, actor, *args):
    """Call rbac.<fn> in its current-actor form (actor None) or its
    explicit-actor form, with every argument as text."""
    _autoflush(bind)
    params = {"a%d" % i: v for i, v in enumerate(args)}
    names = ["CAST(:a%d AS text)" % i for i in range(len(args))]
    if actor is not None:
        params["actor"] = ref(actor, session=bind)
        names.insert(0, "CAST(:actor AS text)")
    return _run(bind, "SELECT rbac.%s(%s)" % (fn, ", ".join(names)), params)


def authorize(bind, action, resource, *, actor=None):
    """Return if the actor may do ``action`` on ``resource``; otherwise raise
    ``pg_rbac.NotFound`` (it may not even read it: answer 404) or
    ``pg_rbac.Forbidden``.  The transaction is then aborted, as after any
    SQL error: roll it back (``is_allowed`` does not abort it)."""
    _check(bind, "authorize", actor, action, ref(resource, session=bind))


def is_allowed(bind, action, resource, *, actor=None):
    """True if the actor may do ``action`` on ``resource``."""
    return bool(_check(bind, "is_allowed", actor, action, ref(resource, session=bind)).scalar())


def authorized_actions(bind, resource, *, actor=None):
    """The permissions the actor holds on ``resource``, sorted."""
    return list(_check(bind, "authorized_actions", actor, ref(resource, session=bind)).scalars())


def authorized_roles(bind, resource, *, actor=None):
    """The roles the actor holds on ``resource`` (implied and inherited
    included), sorted."""
    return list(_check(bind, "authorized_roles", actor, ref(resource, session=bind)).scalars())


def explain(bind, action, resource, *, actor=None):
    """Why the actor may (or may not) do ``action`` on ``resource``: the
    lines of ``rbac.explain``."""
    return list(_check(bind, "explain", actor, action, ref(resource, session=bind)).scalars())


def who_can(bind, action, resource):
    """The actors that hold ``action`` on ``resource`` through role
    assignments (``rbac.who_can``; needs a grant)."""
    _autoflush(bind)
    return list(_run(bind, "SELECT rbac.who_can(CAST(:action AS text), CAST(:resource AS text))",
                     {"action": action, "resource": ref(resource, session=bind)}).scalars())


def authorized_filter(bind, action, model, *, actor=None, type=None):
    """A SQL condition on ``model``'s key column: the rows the actor may do
    ``action`` on (``rbac.authorized_resources``, its text ids cast back to
    the key column's type).  For ``select(...).where(...)``."""
    mapper = sa.inspect(model)
    binding, table = _binding(bind, mapper, type)
    key = table.c[binding.key_column]
    args = [sa.cast(sa.literal(action), sa.Text), sa.cast(sa.literal(binding.type), sa.Text)]
    if actor is not None:
        args.insert(0, sa.cast(sa.literal(ref(actor, session=bind)), sa.Text))
    ids = sa.func.rbac.authorized_resources(*args).column_valued("rbac_id")
    return key.in_(sa.select(sa.cast(ids, key.type)).scalar_subquery())


def authorized_resources(session, action, model, *, actor=None, type=None):
    """A query of the ``model`` instances the actor may do ``action`` on,
    to refine (``.filter``, ``.order_by``) and run (``.all()``)."""
    return session.query(model).filter(authorized_filter(session, action, model, actor=actor, type=type))


# ---------------------------------------------------------------------------
# Role data
# ---------------------------------------------------------------------------

Assignment = collections.namedtuple("Assignment", "actor role resource expires_at")
Role = collections.namedtuple("Role", "name custom permissions implies")


def assign_role(bind, actor, role, resource, expires_at=None):
    """Assign ``role`` on ``resource`` (None: a global role) to ``actor``.
    True if new, False if it was held already (its expiry is then set to
    ``expires_at``).  A refused delegated grant raises
    ``pg_rbac.Forbidden``."""
    _autoflush(bind)
    return bool(_run(bind, "SELECT rbac.assign_role(CAST(:actor AS text), CAST(:role AS text), "
                           "CAST(:resource AS text), CAST(:expires_at AS timestamptz))",
                     {"actor": ref(actor, session=bind), "role": role,
                      "resource": ref(resource, session=bind), "expires_at": expires_at}).scalar())


def remove_role(bind, actor, role, resource):
    """Remove the assignment of ``role`` on ``resource`` (None: global) from
    ``actor``; False if it was not held."""
    _autoflush(bind)
    return bool(_run(bind, "SELECT rbac.remove_role(CAST(:actor AS text), CAST(:role AS text), "
                           "CAST(:resource AS text))",
                     {"actor": ref(actor, session=bind), "role": role,
                      "resource": ref(resource, session=bind)}).scalar())


def assignments(bind, actor=None, resource=None):
    """Direct assignments, filtered by actor and/or resource: a list of
    ``Assignment(actor, role, resource, expires_at)`` (resource None for a
    global role), sorted by actor, resource and role."""
    _autoflush(bind)
    rows = _run(bind, "SELECT actor, role, resource, expires_at FROM "
                      "rbac.assignments(CAST(:actor AS text), CAST(:resource AS text))",
                {"actor": ref(actor, session=bind), "resource": ref(resource, session=bind)})
    return [Assignment(*r) for r in rows]


def roles(bind, target):
    """The roles assignable on a type (``"Repository"``) or a tenant (an
    instance or ``"Organization:acme"``, custom roles included): a list of
    ``Role(name, custom, permissions, implies)``."""
    rows = _run(bind, "SELECT name, custom, permissions, implies FROM rbac.roles(CAST(:target AS text))",
                {"target": ref(target, session=bind)})
    return [Role(r[0], r[1], list(r[2]), list(r[3])) for r in rows]


def add_member(bind, group, member):
    """Make ``member`` (an actor or a group) a member of ``group``; True if new."""
    return bool(_run(bind, "SELECT rbac.add_member(CAST(:g AS text), CAST(:m AS text))",
                     {"g": ref(group, session=bind), "m": ref(member, session=bind)}).scalar())


def remove_member(bind, group, member):
    """Remove a direct membership; False if there was none."""
    return bool(_run(bind, "SELECT rbac.remove_member(CAST(:g AS text), CAST(:m AS text))",
                     {"g": ref(group, session=bind), "m": ref(member, session=bind)}).scalar())


# ---------------------------------------------------------------------------
# The ORM class over rbac.role_assignments
# ---------------------------------------------------------------------------

class _Resource(TypeDecorator):
    """The view's resource column as a primary-key column.

    A global role's resource is NULL, and SQLAlchemy cannot UPDATE or DELETE
    through a primary key holding NULL: in Python it is "" (None is accepted
    when writing), in SQL it is NULL, and equality is IS NOT DISTINCT FROM,
    so that the row's key finds it.
    """

    impl = sa.Text
    cache_ok = True

    class comparator_factory(TypeDecorator.Comparator, sa.Text.comparator_factory):
        def __eq__(self, other):
            return self.expr.is_not_distinct_from(other)

        def __ne__(self, other):
            return self.expr.is_distinct_from(other)

        __hash__ = TypeDecorator.Comparator.__hash__

    def process_bind_param(self, value, dialect):
        return value if value else None

    def process_result_value(self, value, dialect):
        return "" if value is None else value


_metadata = sa.MetaData()
_registry = registry(metadata=_metadata)

role_assignments_table = sa.Table(
    "role_assignments", _metadata,
    sa.Column("actor", sa.Text, primary_key=True),
    sa.Column("role", sa.Text, primary_key=True),
    sa.Column("resource", _Resource, primary_key=True),
    sa.Column("expires_at", sa.DateTime(timezone=True)),
    schema="rbac",
)


class RoleAssignment:
    """A row of ``rbac.role_assignments``: readable, and writable through the
    session (add: assign, delete: remove, attribute changes: change), with
    the validation, privilege checks (or delegated ``manage_roles``) and
    audit of ``assign_role`` / ``remove_role``.

    The view has no primary key; this class maps its natural key (actor,
    role, resource).  ``actor`` and ``resource`` are references (use
    ``ref()`` for ORM instances); a global role's ``resource`` is ``""``.
    The connection role needs privileges on the view (SELECT, INSERT,
    UPDATE, DELETE as used).  It lives in its own MetaData, so Alembic's
    autogenerate does not see it.
    """

    def __init__(self, actor, role, resource=None, expires_at=None):
        self.actor = actor
        self.role = role
        self.resource = resource
        self.expires_at = expires_at

    def __repr__(self):
        return "RoleAssignment(actor=%r, role=%r, resource=%r, expires_at=%r)" % (
            self.actor, self.role, self.resource or None, self.expires_at)


_registry.map_imperatively(RoleAssignment, role_assignments_table)


@event.listens_for(RoleAssignment.resource, "set", retval=True)
def _global_resource(target, value, oldvalue, initiator):
    return "" if value is None else value


# ---------------------------------------------------------------------------
# Migrations: policy, bindings, row-level security
# ---------------------------------------------------------------------------

def _regclass(table):
    """A table as text for a regclass argument: a Table, a mapped class, or
    a (possibly qualified, already quoted as needed) name."""
    if isinstance(table, str):
        return table
    if not isinstance(table, sa.Table):
        table = sa.inspect(table).local_table
    return _table_name(table)


def load_policy(bind, source, drop_orphans=False):
    """Validate and load the policy (text, or a path-like to read)."""
    if hasattr(source, "read_text"):
        source = source.read_text()
    _run(bind, "SELECT rbac.load_policy(CAST(:source AS text), CAST(:drop AS boolean))",
         {"source": source, "drop": drop_orphans})


def bind_type(bind, type, table, key=None, relations=None):
    """``rbac.bind``: link ``type`` to ``table`` (a Table, mapped class or
    name); ``relations`` maps relation names to columns (inferred from
    foreign keys when omitted)."""
    _run(bind, "SELECT rbac.bind(CAST(:type AS text), CAST(:tbl AS regclass), CAST(:key AS name), "
               "CAST(:relations AS jsonb))",
         {"type": type, "tbl": _regclass(table), "key": key,
          "relations": None if relations is None else json.dumps(relations)})


def unbind_type(bind, type):
    """``rbac.unbind``: remove the binding of ``type`` (role data is kept)."""
    _run(bind, "SELECT rbac.unbind(CAST(:type AS text))", {"type": type})


def enable_rls(bind, table, actions=None):
    """``rbac.enable_rls``: generated row-level security on ``table``;
    ``actions`` maps commands to permissions, e.g.
    ``{"insert": "read", "delete": None}``."""
    _run(bind, "SELECT rbac.enable_rls(CAST(:tbl AS regclass), CAST(:actions AS jsonb))",
         {"tbl": _regclass(table), "actions": None if actions is None else json.dumps(actions)})


def disable_rls(bind, table):
    """``rbac.disable_rls``: drop the generated policies of ``table``."""
    _run(bind, "SELECT rbac.disable_rls(CAST(:tbl AS regclass))", {"tbl": _regclass(table)})
