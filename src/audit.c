/*-------------------------------------------------------------------------
 *
 * audit.c
 *	  The audit log rbac.audit_log: the one writer of its rows, the JSON
 *	  object builder of their detail, and the trigger that keeps it
 *	  append-only.
 *
 * Every change to the policy, the bindings, the generated row-level
 * security, the administrators and role data is audited through
 * rbac_audit(), in the same transaction as the change, as the extension
 * owner (an administrator or a delegated caller may not write the log
 * itself); db_user names the caller.  The one deliberate bypass is
 * the bulk path of the writable view rbac.role_assignments
 * (roledata_view.c), whose statements write their audit rows in the same
 * SQL statement as the assignments, one row per assignment or one summary
 * per batch.
 *
 *-------------------------------------------------------------------------
 */
#include "actor.h"
#include "audit.h"
#include "run_as.h"
#include "util.h"

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"

PG_FUNCTION_INFO_V1(rbac_audit_append_only);

/* An empty JSON object, open for members. */
StringInfo
rbac_json_begin(void)
{
	StringInfo	obj = makeStringInfo();

	appendStringInfoChar(obj, '{');
	return obj;
}

/* Append the separator and "key": to an open object. */
static void
json_key(StringInfo obj, const char *key)
{
	if (obj->len > 1)
		appendStringInfoString(obj, ", ");
	escape_json(obj, key);
	appendStringInfoString(obj, ": ");
}

/* Append "key": "value" (null for a NULL value). */
void
rbac_json_string(StringInfo obj, const char *key, const char *value)
{
	json_key(obj, key);
	if (value)
		escape_json(obj, value);
	else
		appendStringInfoString(obj, "null");
}

/* Append "key": number. */
void
rbac_json_int(StringInfo obj, const char *key, int64 value)
{
	json_key(obj, key);
	appendStringInfo(obj, INT64_FORMAT, value);
}

/* Append "key": json, a JSON value written by the caller. */
void
rbac_json_raw(StringInfo obj, const char *key, const char *json)
{
	json_key(obj, key);
	appendStringInfoString(obj, json);
}

/* Append "key": ["a", "b"]. */
void
rbac_json_strings(StringInfo obj, const char *key, char **items, int n)
{
	int			i;

	json_key(obj, key);
	appendStringInfoChar(obj, '[');
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoString(obj, ", ");
		escape_json(obj, items[i]);
	}
	appendStringInfoChar(obj, ']');
}

/* Close the object and return its text. */
char *
rbac_json_end(StringInfo obj)
{
	appendStringInfoChar(obj, '}');
	return obj->data;
}

/*
 * Append a row to rbac.audit_log: the database role caller, the current
 * actor, the operation and the detail object (closed here).  SPI is
 * connected; runs a saved plan as the extension owner.
 */
void
rbac_audit(Oid caller, const char *operation, StringInfo detail)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[4] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		values[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};
	const char *actor = rbac_current_actor_name();
	RbacRunAs	owner;

	values[0] = CStringGetTextDatum(GetUserNameFromId(caller, false));
	if (actor)
		values[1] = CStringGetTextDatum(actor);
	else
		nulls[1] = 'n';
	values[2] = CStringGetTextDatum(operation);
	values[3] = CStringGetTextDatum(rbac_json_end(detail));
	RBAC_AS_OWNER_BEGIN(owner);
	{
		rbac_spi_saved_plan(&plan,
							"INSERT INTO rbac.audit_log (db_user, actor, operation, detail) "
							"VALUES ($1, $2, $3, $4::pg_catalog.jsonb)", 4, argtypes);
		rbac_spi_execute_plan(plan, values, nulls, false, SPI_OK_INSERT);
	}
	RBAC_AS_OWNER_END(owner);
}

/*
 * BEFORE UPDATE/DELETE (row) and BEFORE TRUNCATE (statement) trigger of
 * rbac.audit_log: the log is append-only for everyone but superusers.
 */
Datum
rbac_audit_append_only(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		rbac_not_called_as("rbac._audit_append_only()", "a trigger");
	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("rbac.audit_log is append-only"),
				 errdetail("Only a superuser may update, delete or truncate audit records.")));
	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
		return PointerGetDatum(td->tg_newtuple);
	if (TRIGGER_FIRED_FOR_ROW(td->tg_event))
		return PointerGetDatum(td->tg_trigtuple);
	return PointerGetDatum(NULL);
}
