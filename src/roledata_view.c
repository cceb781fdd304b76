/*-------------------------------------------------------------------------
 *
 * roledata_view.c
 *	  The writable view rbac.role_assignments: its INSTEAD OF row trigger
 *	  (the validation and privileges of assign_role and remove_role) and
 *	  the statement triggers that batch INSERT and COPY.
 *
 * Rows inserted or copied into the view are validated one by one and
 * written in bulk at the end of the statement (or every 10,000 rows); a
 * statement of more than 10,000 rows is audited with one summary row per
 * batch instead of one row per assignment (the one deliberate bypass of
 * rbac_audit, audit.c).
 *
 *-------------------------------------------------------------------------
 */
#include "actor.h"
#include "integrity.h"
#include "roledata.h"
#include "util.h"

#include "miscadmin.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(rbac_role_assignments_row);
PG_FUNCTION_INFO_V1(rbac_role_assignments_stmt);

/* ----------------------------------------------------------------------
 * The writable view rbac.role_assignments
 * ----------------------------------------------------------------------
 */

/* Text column attno of a view row, or NULL. */
static char *
row_text(HeapTuple tup, TupleDesc desc, int attno)
{
	bool		isnull;
	Datum		d = heap_getattr(tup, attno, desc, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/* Parse a view row (actor, role, resource, expires_at) into a. */
static void
row_args(HeapTuple tup, TupleDesc desc, AssignArgs *a)
{
	bool		isnull;
	Datum		d;

	rbac_rd_parse_assignment(a, row_text(tup, desc, 1), row_text(tup, desc, 2),
					  row_text(tup, desc, 3));
	d = heap_getattr(tup, 4, desc, &isnull);
	a->expires_null = isnull;
	a->expires_at = isnull ? (Datum) 0 : d;
}

/* The view row of a validated assignment (ids canonical), in cxt. */
static HeapTuple
row_of(AssignArgs *a, TupleDesc desc, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	HeapTuple	tup;

	values[0] = CStringGetTextDatum(rbac_ref_text(&a->actor));
	values[1] = CStringGetTextDatum(a->role);
	if (a->global)
		nulls[2] = true;
	else
		values[2] = CStringGetTextDatum(rbac_ref_text(&a->res));
	values[3] = a->expires_at;
	nulls[3] = a->expires_null;
	tup = heap_form_tuple(desc, values, nulls);
	MemoryContextSwitchTo(old);
	return tup;
}

/*
 * Rows of one INSERT or COPY into rbac.role_assignments.  The row trigger
 * validates each row (in memory, against the cached model) and appends it
 * here; the AFTER STATEMENT trigger, or a full buffer, writes them all with
 * one INSERT ... SELECT FROM unnest(...) ON CONFLICT and audits them with
 * one INSERT into the audit log.  That is what makes COPY of millions of
 * rows fast.  One frame per statement, stacked for nested statements, and
 * dropped when a (sub)transaction aborts.
 */
#define PENDING_FLUSH_ROWS 10000
#define PENDING_NCOLS 6

typedef struct PendingRows
{
	MemoryContext cxt;			/* holds this struct */
	MemoryContext data;			/* the rows; reset after each write */
	int			level;			/* transaction nest level of the statement */
	bool		bulk;			/* more than one batch: summary audit rows */
	bool		has_actor;		/* rows are buffered: actor below is set */
	char	   *actor;			/* the current actor when they were added */
	Oid			assignment_relid;	/* rbac.assignment, looked up once */
	int			n;
	int			cap;
	Datum	   *values[PENDING_NCOLS];	/* actor_type, actor_id, role,
										 * resource_type, resource_id,
										 * expires_at */
	bool	   *nulls[PENDING_NCOLS];
	struct PendingRows *prev;
} PendingRows;

static PendingRows *pending = NULL;
static bool pending_callbacks = false;

/* Drop the top frame and its memory. */
static void
pending_pop(void)
{
	PendingRows *top = pending;

	pending = top->prev;
	MemoryContextDelete(top->cxt);
}

/* Transaction end: no statement is running any more. */
static void
pending_xact_cb(XactEvent event, void *arg)
{
	while (pending)
		pending_pop();
}

/* Subtransaction abort: drop the frames of the statements it ran. */
static void
pending_subxact_cb(SubXactEvent event, SubTransactionId mySubid,
				   SubTransactionId parentSubid, void *arg)
{
	if (event != SUBXACT_EVENT_ABORT_SUB)
		return;
	while (pending && pending->level >= GetCurrentTransactionNestLevel())
		pending_pop();
}

/* Start a frame for an INSERT or COPY statement on the view. */
static void
pending_push(void)
{
	MemoryContext cxt;
	PendingRows *p;

	if (!pending_callbacks)
	{
		RegisterXactCallback(pending_xact_cb, NULL);
		RegisterSubXactCallback(pending_subxact_cb, NULL);
		pending_callbacks = true;
	}
	cxt = AllocSetContextCreate(TopMemoryContext, "pg_rbac pending assignments",
								ALLOCSET_DEFAULT_SIZES);
	p = MemoryContextAllocZero(cxt, sizeof(PendingRows));
	p->cxt = cxt;
	p->data = AllocSetContextCreate(cxt, "pg_rbac pending rows", ALLOCSET_DEFAULT_SIZES);
	p->level = GetCurrentTransactionNestLevel();
	p->prev = pending;
	pending = p;
}

/* The frame of the statement now running, or NULL. */
static PendingRows *
pending_current(void)
{
	if (pending && pending->level == GetCurrentTransactionNestLevel())
		return pending;
	return NULL;
}

/* Append a validated assignment to a frame. */
static void
pending_add(PendingRows *p, AssignArgs *a)
{
	MemoryContext old = MemoryContextSwitchTo(p->data);
	const char *v[5];
	int			i;

	if (p->n == p->cap)
	{
		int			newcap = p->cap ? p->cap * 2 : 256;

		for (i = 0; i < PENDING_NCOLS; i++)
		{
			if (p->cap == 0)
			{
				p->values[i] = palloc(sizeof(Datum) * newcap);
				p->nulls[i] = palloc(sizeof(bool) * newcap);
			}
			else
			{
				p->values[i] = repalloc(p->values[i], sizeof(Datum) * newcap);
				p->nulls[i] = repalloc(p->nulls[i], sizeof(bool) * newcap);
			}
		}
		p->cap = newcap;
	}
	v[0] = a->actor.type;
	v[1] = a->actor.id;
	v[2] = a->role;
	v[3] = a->global ? NULL : a->res.type;
	v[4] = a->global ? NULL : a->res.id;
	for (i = 0; i < 5; i++)
	{
		p->nulls[i][p->n] = (v[i] == NULL);
		p->values[i][p->n] = v[i] ? CStringGetTextDatum(v[i]) : (Datum) 0;
	}
	p->nulls[5][p->n] = a->expires_null;
	p->values[5][p->n] = a->expires_null ? (Datum) 0 : a->expires_at;
	p->n++;
	MemoryContextSwitchTo(old);
}

/*
 * Write the rows of a frame as the extension owner (SPI is connected): the
 * distinct assignments (the last expiry given wins) are upserted.  A
 * statement of at most PENDING_FLUSH_ROWS rows gets one audit row per
 * assignment made or whose expiry changed, like assign_role; a bigger one
 * (a bulk load) one summary row per batch, operation "bulk_assign" with the
 * counts: auditing each of a million rows would double the load time.
 *
 * A bulk batch first tries a plain INSERT in a subtransaction: a load of
 * new assignments then skips the speculative-insertion probe of ON
 * CONFLICT (a fifth of the cost).  If any row already exists (unique
 * violation, also after waiting for a concurrent writer) the subtransaction
 * is rolled back and the batch upserted.
 */
#define PENDING_INPUT_SQL \
	"WITH input AS (" \
	"  SELECT DISTINCT ON (rt COLLATE \"C\", ri COLLATE \"C\", at COLLATE \"C\", " \
	"                      ai COLLATE \"C\", r COLLATE \"C\") " \
	"         at, ai, r, rt, ri, ex " \
	"  FROM unnest($1, $2, $3, $4, $5, $6) WITH ORDINALITY " \
	"       AS u(at, ai, r, rt, ri, ex, ord) " \
	"  ORDER BY rt COLLATE \"C\", ri COLLATE \"C\", at COLLATE \"C\", " \
	"           ai COLLATE \"C\", r COLLATE \"C\", ord DESC), "
#define PENDING_UPSERT_SQL \
	"w AS (" \
	"  INSERT INTO rbac.assignment AS a " \
	"    (actor_type, actor_id, role, resource_type, resource_id, expires_at) " \
	"  SELECT at, ai, r, rt, ri, ex FROM input " \
	"  ON CONFLICT (resource_type, resource_id, actor_type, actor_id, role) " \
	"  DO UPDATE SET expires_at = excluded.expires_at " \
	"  WHERE a.expires_at IS DISTINCT FROM excluded.expires_at " \
	"  RETURNING (a.xmax = 0) AS inserted, a.*) "
#define PENDING_PLAIN_SQL \
	"w AS (" \
	"  INSERT INTO rbac.assignment AS a " \
	"    (actor_type, actor_id, role, resource_type, resource_id, expires_at) " \
	"  SELECT at, ai, r, rt, ri, ex FROM input " \
	"  RETURNING true AS inserted, a.*) "
#define PENDING_AUDIT_ROWS_SQL \
	"INSERT INTO rbac.audit_log (db_user, actor, operation, detail) " \
	"SELECT $7, $8, 'assign_role', pg_catalog.jsonb_build_object(" \
	"  'actor', w.actor_type || ':' || w.actor_id, 'role', w.role, " \
	"  'resource', w.resource_type || ':' || w.resource_id, " \
	"  'expires_at', w.expires_at, 'new', w.inserted) FROM w"
#define PENDING_AUDIT_BULK_SQL \
	"INSERT INTO rbac.audit_log (db_user, actor, operation, detail) " \
	"SELECT $7, $8, 'bulk_assign', pg_catalog.jsonb_build_object(" \
	"  'rows', pg_catalog.cardinality($1), " \
	"  'inserted', pg_catalog.count(*) FILTER (WHERE w.inserted), " \
	"  'expiry_updated', pg_catalog.count(*) FILTER (WHERE NOT w.inserted), " \
	"  'via', 'rbac.role_assignments') FROM w"

/* Run the plain bulk insert in a subtransaction; false on unique violation. */
static bool
pending_try_plain(SPIPlanPtr plan, Datum *values, const char *nulls)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	bool		ok = true;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		rbac_spi_execute_plan(plan, values, nulls, false, SPI_OK_INSERT);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		edata = rbac_subxact_catch(oldcxt, oldowner);
		if (edata->sqlerrcode != ERRCODE_UNIQUE_VIOLATION)
			ReThrowError(edata);
		FreeErrorData(edata);
		ok = false;
	}
	PG_END_TRY();
	return ok;
}

static void
pending_flush(PendingRows *p, Oid caller)
{
	static SPIPlanPtr rows_plan = NULL;
	static SPIPlanPtr bulk_plan = NULL;
	static SPIPlanPtr plain_plan = NULL;
	Oid			argtypes[PENDING_NCOLS + 2] = {TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
		TEXTARRAYOID, TEXTARRAYOID, TIMESTAMPTZARRAYOID, TEXTOID, TEXTOID};
	Datum		values[PENDING_NCOLS + 2];
	char		nulls[PENDING_NCOLS + 2];
	const char *actor = p->actor;
	int			dims[1];
	int			lbs[1] = {1};
	int			i;

	if (p->n == 0)
		return;
	dims[0] = p->n;
	for (i = 0; i < PENDING_NCOLS; i++)
	{
		values[i] = PointerGetDatum(construct_md_array(p->values[i], p->nulls[i], 1, dims, lbs,
													   i == 5 ? TIMESTAMPTZOID : TEXTOID,
													   i == 5 ? sizeof(TimestampTz) : -1,
													   i == 5 ? FLOAT8PASSBYVAL : false,
													   i == 5 ? TYPALIGN_DOUBLE : TYPALIGN_INT));
		nulls[i] = ' ';
	}
	values[6] = CStringGetTextDatum(GetUserNameFromId(caller, false));
	nulls[6] = ' ';
	values[7] = rbac_rd_text_datum(actor);
	nulls[7] = actor ? ' ' : 'n';

	if (p->bulk)
	{
		rbac_spi_saved_plan(&plain_plan,
				   PENDING_INPUT_SQL PENDING_PLAIN_SQL PENDING_AUDIT_BULK_SQL,
				   PENDING_NCOLS + 2, argtypes);
		rbac_spi_saved_plan(&bulk_plan,
				   PENDING_INPUT_SQL PENDING_UPSERT_SQL PENDING_AUDIT_BULK_SQL,
				   PENDING_NCOLS + 2, argtypes);
		if (!pending_try_plain(plain_plan, values, nulls))
			rbac_spi_execute_plan(bulk_plan, values, nulls, false, SPI_OK_INSERT);
	}
	else
	{
		rbac_spi_saved_plan(&rows_plan,
				   PENDING_INPUT_SQL PENDING_UPSERT_SQL PENDING_AUDIT_ROWS_SQL,
				   PENDING_NCOLS + 2, argtypes);
		rbac_spi_execute_plan(rows_plan, values, nulls, false, SPI_OK_INSERT);
	}

	/* empty the frame for the next batch */
	MemoryContextReset(p->data);
	for (i = 0; i < PENDING_NCOLS; i++)
	{
		p->values[i] = NULL;
		p->nulls[i] = NULL;
	}
	p->n = 0;
	p->cap = 0;
	p->has_actor = false;
}

/*
 * Is the current actor the one the frame's buffered rows were added under?
 * (Rows are audited with it; a statement that changes the actor between
 * rows flushes first.)
 */
static bool
pending_same_actor(PendingRows *p)
{
	const char *actor = rbac_current_actor_name();

	if (!p->has_actor || p->n == 0)
		return true;
	if (actor == NULL || p->actor == NULL)
		return actor == p->actor;
	return strcmp(actor, p->actor) == 0;
}

/* Remember the current actor for the rows the frame buffers from now on. */
static void
pending_note_actor(PendingRows *p)
{
	const char *actor = rbac_current_actor_name();

	if (p->has_actor && p->n > 0)
		return;
	p->actor = actor ? MemoryContextStrdup(p->data, actor) : NULL;
	p->has_actor = true;
}

/*
 * The fast path of a row inserted or copied into rbac.role_assignments
 * while its statement's frame is open: every check that needs no SQL (types
 * and built-in or global roles from the cached model, the caller's INSERT
 * privilege on rbac.assignment) passes, and the row is buffered.  Returns
 * false, having changed nothing, when anything needs the full path (a
 * custom role, delegation, an error to report, a full buffer).
 */
static bool
fast_insert(AssignArgs *a)
{
	PendingRows *frame = pending_current();
	RbacModel  *m;
	MType	   *t;

	if (frame == NULL || frame->n + 1 >= PENDING_FLUSH_ROWS || !pending_same_actor(frame))
		return false;
	if (!OidIsValid(frame->assignment_relid))
		frame->assignment_relid = rbac_catalog_relid("assignment");
	if (pg_class_aclcheck(frame->assignment_relid, GetUserId(), ACL_INSERT) != ACLCHECK_OK)
		return false;
	m = rbac_get_model();
	t = rbac_model_type(m, a->actor.type);
	if (t == NULL || !t->is_actor)
		return false;
	a->actor.id = rbac_ref_canonical_id(t, a->actor.id, true);
	if (!rbac_row_exists(t, a->actor.id))
		return false;			/* the full path reports it */
	if (a->global)
	{
		if (!rbac_rd_is_global_role(a->role))
			return false;
	}
	else
	{
		t = rbac_model_type(m, a->res.type);
		if (t == NULL || !t->ast->is_resource || rbac_rd_term_kind(a->res.type, a->role) != RBAC_TERM_ROLE)
			return false;
		a->res.id = rbac_ref_canonical_id(t, a->res.id, true);
		if (!rbac_row_exists(t, a->res.id))
			return false;
	}
	pending_note_actor(frame);
	pending_add(frame, a);
	return true;
}

/*
 * The triggers of the view read its rows by position as (text, text, text,
 * timestamptz): refuse to run for any other relation (39P01), such as a
 * view of the caller's own with other column types.
 */
static void
require_role_assignments_view(TriggerData *td)
{
	if (RelationGetRelid(td->tg_relation) != rbac_catalog_relid("role_assignments"))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger function of rbac.role_assignments fired for relation \"%s\"",
						RelationGetRelationName(td->tg_relation))));
}

/*
 * INSTEAD OF INSERT/UPDATE/DELETE row trigger of rbac.role_assignments:
 * the same validation and privileges as assign_role / remove_role.
 * INSERT (and COPY) rows are validated here and written in bulk at the end
 * of the statement (see PendingRows); every valid row counts.  DELETE of
 * an assignment that does not hold returns NULL (not counted).  UPDATE
 * removes the old assignment and assigns the new one (only the expiry when
 * the rest is unchanged), audited like remove_role / assign_role.
 */
Datum
rbac_role_assignments_row(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	MemoryContext outer = CurrentMemoryContext;
	HeapTuple	result = NULL;
	RbacRunAs	sw;
	AssignArgs	oldrow;
	AssignArgs	newrow;
	bool		ins;
	bool		del;
	int			gucnest;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_INSTEAD(td->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(td->tg_event))
		rbac_not_called_as("rbac._role_assignments_row()", "an INSTEAD OF row trigger");
	require_role_assignments_view(td);
	desc = td->tg_relation->rd_att;
	ins = TRIGGER_FIRED_BY_INSERT(td->tg_event) || TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	if (ins)
		rbac_rd_lock_policy();
	del = TRIGGER_FIRED_BY_DELETE(td->tg_event) || TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
	{
		row_args(td->tg_trigtuple, desc, &oldrow);
		row_args(td->tg_newtuple, desc, &newrow);
	}
	else if (ins)
		row_args(td->tg_trigtuple, desc, &newrow);
	else
		row_args(td->tg_trigtuple, desc, &oldrow);

	/* INSERT or COPY of a valid row with a built-in role: just buffer it */
	if (ins && !del && fast_insert(&newrow))
		return PointerGetDatum(row_of(&newrow, desc, outer));

	/*
	 * Everything else runs SQL: pin search_path as the SET clause of the
	 * other functions does (this trigger function has none, to keep the
	 * path above cheap).  Unwound at the end, or by the error's abort.
	 */
	gucnest = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	SPI_connect();
	RBAC_AS_OWNER_BEGIN(sw);
	{
		bool		same = false;
		bool		changed = false;
		PendingRows *frame = NULL;

		if (ins)
			rbac_rd_validate_assignment(&sw, &newrow, ACL_INSERT, "INSERT on rbac.role_assignments");
		if (del)
			rbac_rd_validate_assignment(&sw, &oldrow, ACL_DELETE, "DELETE on rbac.role_assignments");
		/*
		 * INSERT or COPY by a role with INSERT privilege: written in bulk at
		 * the end of the statement.  A delegated row (the actor's manage
		 * permission) is written and audited now, by name, with the actor
		 * that was authorized for it.
		 */
		if (ins && !del && (frame = pending_current()) != NULL &&
			pg_class_aclcheck(rbac_catalog_relid("assignment"), sw.caller, ACL_INSERT) != ACLCHECK_OK)
			frame = NULL;
		if (frame != NULL)
		{
			if (!pending_same_actor(frame))
				pending_flush(frame, sw.caller);
			pending_note_actor(frame);
			pending_add(frame, &newrow);
			if (frame->n >= PENDING_FLUSH_ROWS)
			{
				frame->bulk = true;
				pending_flush(frame, sw.caller);
			}
			changed = true;
		}
		else if (ins && del)
			same = strcmp(rbac_ref_text(&oldrow.actor), rbac_ref_text(&newrow.actor)) == 0 &&
				strcmp(oldrow.role, newrow.role) == 0 &&
				oldrow.global == newrow.global &&
				(oldrow.global || strcmp(rbac_ref_text(&oldrow.res), rbac_ref_text(&newrow.res)) == 0);
		if (del && !same)
		{
			changed = rbac_rd_delete_assignment(&oldrow, sw.caller, "remove_role");
		}
		if (ins && frame == NULL)
		{
			int			r = rbac_rd_write_assignment(&newrow, sw.caller, "assign_role");

			if (r >= 0)
				changed = true;
		}
		if (changed)
			result = row_of(ins ? &newrow : &oldrow, desc, outer);
	}
	RBAC_AS_OWNER_END(sw);
	SPI_finish();
	AtEOXact_GUC(true, gucnest);
	return PointerGetDatum(result);
}

/*
 * BEFORE and AFTER INSERT statement triggers of rbac.role_assignments:
 * start the statement's frame of pending rows, and write it.
 */
Datum
rbac_role_assignments_stmt(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	PendingRows *frame;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_STATEMENT(td->tg_event))
		rbac_not_called_as("rbac._role_assignments_stmt()", "a statement trigger");
	require_role_assignments_view(td);
	if (TRIGGER_FIRED_BEFORE(td->tg_event))
	{
		/*
		 * Build the model now, under this function's pinned search_path:
		 * the row trigger's fast path, which has none, then only reads it.
		 */
		(void) rbac_get_model();
		pending_push();
		return PointerGetDatum(NULL);
	}
	frame = pending_current();
	if (frame == NULL)
		return PointerGetDatum(NULL);
	if (frame->n > 0)
	{
		RbacRunAs	sw;

		SPI_connect();
		RBAC_AS_OWNER_BEGIN(sw);
		{
			pending_flush(frame, sw.caller);
		}
		RBAC_AS_OWNER_END(sw);
		SPI_finish();
	}
	pending_pop();
	return PointerGetDatum(NULL);
}
