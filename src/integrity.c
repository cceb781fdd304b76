/*-------------------------------------------------------------------------
 *
 * integrity.c
 *	  Role data that points at something (docs/sql-api.md): an assignment,
 *	  membership or custom role naming an actor or resource of a bound type
 *	  needs its row.  Otherwise whoever later signs up as User:nobody, or
 *	  creates Repository:99, would inherit what was granted in advance.
 *	  Unbound types are accepted as before; deleting a row already removes
 *	  its role data (bind.c), so together role data stays true.
 *
 *-------------------------------------------------------------------------
 */
#include "integrity.h"
#include "lookup.h"
#include "refs.h"
#include "run_as.h"

#include "executor/spi.h"
#include "utils/builtins.h"

/*
 * Does the table bound to t have a row with key id (canonical form)?  A
 * direct index probe on the key, in the caller's snapshot and independent
 * of its row level security; a partitioned table's rows through the model's
 * saved row plan, as the internal user.  True for an unbound type.
 */
bool
rbac_row_exists(MType *t, const char *id)
{
	Datum		key;
	bool		ok;
	bool		found = false;
	RbacRunAs	run_as;

	if (!t->bound)
		return true;
	key = rbac_key_datum(t, id, &ok);
	if (!ok)
		return false;
	if (OidIsValid(t->key_index))
		return rbac_fetch_row(NULL, t->relid, t->key_index, t->key_eqproc, t->key_collation,
							  key, 0, NULL, NULL, NULL);
	rbac_as_superuser_begin(&run_as);
	SPI_connect();
	PG_TRY();
	{
		if (SPI_execute_plan(t->row_plan, &key, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "could not read the table bound to type %s", t->name);
		found = SPI_processed > 0;
	}
	PG_FINALLY();
	{
		rbac_run_as_end(&run_as);
	}
	PG_END_TRY();
	SPI_finish();
	return found;
}

/*
 * 23503 unless (type t, id) names an existing row of t's bound table; what
 * says which argument it is ("actor", "resource", "group", "member",
 * "tenant").
 */
void
rbac_require_row(MType *t, const char *id, const char *what)
{
	if (t == NULL || rbac_row_exists(t, id))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
			 errmsg("%s %s:%s does not exist", what, t->name, id),
			 errdetail("Type %s is bound to table %s, which has no row with %s = '%s'.",
					   t->name, t->qualname, quote_identifier(t->key_col), id),
			 errhint("Create the row first: role data may only name existing actors and resources of bound types.")));
}
