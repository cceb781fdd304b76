/*-------------------------------------------------------------------------
 *
 * actor.c
 *	  The current actor of the session: rbac.set_actor, set_actor_token,
 *	  current_actor, reset_actor, and what generated policies read of it.
 *
 * Where the actor lives.  The actor is stored in a hidden setting,
 * rbac.actor, so that it has exactly the lifetime rules of a setting:
 * a transaction or savepoint that aborts restores the previous actor,
 * a transaction-local actor (local => true, the equivalent of SET LOCAL)
 * ends with its transaction, RESET ALL and DISCARD ALL clear it, and
 * parallel workers inherit it.  But the setting refuses every change that
 * does not come from this file: its check hook rejects any new value unless
 * the backend-private flag actor_change_allowed is on, and only
 * apply_actor() turns that flag on, around its own set_config_option call.
 * So SET, SET LOCAL, set_config(), ALTER ROLE/DATABASE ... SET, a function's
 * SET clause, connection options (PGOPTIONS -c), postgresql.conf and a
 * placeholder set before the library was loaded all fail, whoever the
 * caller is; the setting is also PGC_SUSET, so ordinary roles are already
 * refused by permission before the hook runs.  Resetting to the built-in
 * default (empty) needs no hook and is harmless: it is what RESET ALL does.
 *
 * C code reads the actor through rbac_current_actor_name(), i.e. the
 * setting's own C variable, never through current_setting(); generated
 * policies through rbac._actor_id(), rbac._actor_type() and
 * rbac._actor_key(), at the end of this file.
 *
 *-------------------------------------------------------------------------
 */
#include "actor.h"
#include "jwt.h"
#include "refs.h"
#include "util.h"

#include "access/parallel.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(rbac_set_actor);
PG_FUNCTION_INFO_V1(rbac_set_actor_token);
PG_FUNCTION_INFO_V1(rbac_current_actor);
PG_FUNCTION_INFO_V1(rbac_reset_actor);
PG_FUNCTION_INFO_V1(rbac_actor_key);
PG_FUNCTION_INFO_V1(rbac_actor_id);
PG_FUNCTION_INFO_V1(rbac_actor_type);

#define ACTOR_SETTING "rbac.actor"

/* rbac.actor: the acting actor's reference, NULL or "" when none is set */
static char *actor_setting = NULL;

/* On only while apply_actor() changes rbac.actor. */
static bool actor_change_allowed = false;

/* Counts every change of rbac.actor's value (rbac_actor_generation). */
static uint64 actor_changes = 0;

/* The current actor's reference, or NULL when none is set. */
const char *
rbac_current_actor_name(void)
{
	if (actor_setting == NULL || actor_setting[0] == '\0')
		return NULL;
	return actor_setting;
}

/*
 * A number that changes whenever the current actor may have changed: set,
 * reset, or restored at the end of a transaction, subtransaction or
 * function with a SET clause.  Lets a caller that keeps per-actor state
 * across calls skip comparing actor names on every call.
 */
uint64
rbac_actor_generation(void)
{
	return actor_changes;
}

/* Assign hook of rbac.actor: every new value, restores included. */
static void
assign_actor_setting(const char *newval, void *extra)
{
	actor_changes++;
}

/*
 * Check hook of rbac.actor: the gate described at the top of this file.
 * Accepts a change only from apply_actor(), from the built-in default, and
 * while a parallel worker copies its leader's settings (the leader's value
 * passed this hook when it was set).
 */
static bool
check_actor_setting(char **newval, void **extra, GucSource source)
{
	if (actor_change_allowed || InitializingParallelWorker)
		return true;
	if (source == PGC_S_DEFAULT && (*newval == NULL || (*newval)[0] == '\0'))
		return true;
	GUC_check_errcode(ERRCODE_INSUFFICIENT_PRIVILEGE);
	GUC_check_errmsg("the current actor cannot be changed with a setting");
	GUC_check_errdetail("Setting \"%s\" can only be changed by rbac.set_actor, rbac.set_actor_token and rbac.reset_actor.",
						ACTOR_SETTING);
	GUC_check_errhint("Call rbac.set_actor(actor) or rbac.set_actor_token(token).");
	return false;
}

/* Define rbac.actor (called from _PG_init). */
void
rbac_actor_init(void)
{
	DefineCustomStringVariable(ACTOR_SETTING,
							   "The current actor of the session.",
							   "Read-only: changed only by rbac.set_actor, rbac.set_actor_token and rbac.reset_actor.",
							   &actor_setting,
							   NULL,
							   PGC_SUSET,
							   GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE |
							   GUC_DISALLOW_IN_FILE | GUC_DISALLOW_IN_AUTO_FILE,
							   check_actor_setting, assign_actor_setting, NULL);
}

/*
 * Change rbac.actor: to actor, or back to none when actor is NULL.  The
 * only place that opens the check hook's gate, and only for this call.
 */
static void
apply_actor(const char *actor, bool local)
{
	actor_change_allowed = true;
	PG_TRY();
	{
		(void) set_config_option(ACTOR_SETTING, actor,
								 PGC_SUSET, PGC_S_SESSION,
								 local ? GUC_ACTION_LOCAL : GUC_ACTION_SET,
								 true, ERROR, false);
	}
	PG_FINALLY();
	{
		actor_change_allowed = false;
	}
	PG_END_TRY();
}

/*
 * Check that an actor reference is well formed ("Type:id", both parts
 * non-empty) and, when a policy is loaded, that Type is a declared actor
 * type.  errcode_format is the SQLSTATE for a malformed reference,
 * errcode_type the one for an undeclared type (set_actor: 22023 and 42704;
 * set_actor_token: 28000 for both, the token being what is wrong).
 */
static void
check_actor_reference(const char *ref, int errcode_format, int errcode_type)
{
	RbacRef		r = rbac_ref_require_code(ref, "actor", errcode_format);
	RbacModel  *m = rbac_get_model();

	/* no policy loaded: every well-formed type is accepted */
	if (m->parsed != NULL)
		(void) rbac_ref_require_type_code(m, r.type, RBAC_TYPE_ACTOR, errcode_type);
}

/*
 * The actor a check function is about: its first argument ("actor", not
 * null), or for the overload without it (current) the current actor, NULL
 * when none is set.  *next is the number of the argument that follows.
 */
const char *
rbac_actor_argument(FunctionCallInfo fcinfo, bool current, int *next)
{
	*next = current ? 0 : 1;
	return current ? rbac_current_actor_name() : rbac_arg_required(fcinfo, 0, "actor");
}

/* Warn when a transaction-local actor will not outlive this statement. */
static void
warn_local_outside_block(void)
{
	if (!IsTransactionBlock())
		ereport(WARNING,
				(errcode(ERRCODE_NO_ACTIVE_SQL_TRANSACTION),
				 errmsg("a transaction-local actor lasts only until the end of the transaction"),
				 errdetail("No transaction block is open, so the actor ends with the implicit transaction of the current statement."),
				 errhint("Call it after BEGIN, or with local => false for the whole session.")));
}

/*
 * rbac.set_actor(actor text, local boolean DEFAULT false) -> void
 *
 * Set the acting actor for the session, or for the transaction when local.
 * A NULL actor is an error rather than a no-op (STRICT would silently keep
 * the previous actor, which is the wrong failure for a pooled connection).
 */
Datum
rbac_set_actor(PG_FUNCTION_ARGS)
{
	char	   *actor;
	bool		local;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("actor must not be null"),
				 errhint("Use rbac.reset_actor() to clear the current actor.")));
	actor = text_to_cstring(PG_GETARG_TEXT_PP(0));
	local = PG_ARGISNULL(1) ? false : PG_GETARG_BOOL(1);

	check_actor_reference(actor, ERRCODE_INVALID_PARAMETER_VALUE,
						  ERRCODE_UNDEFINED_OBJECT);
	if (local)
		warn_local_outside_block();
	apply_actor(actor, local);
	PG_RETURN_VOID();
}

/*
 * rbac.set_actor_token(token text, local boolean DEFAULT false) -> text
 *
 * Verify a JWT with the configured keys (jwt.c) and make its subject the
 * actor: "sub" is a full reference when it contains ':', otherwise a bare
 * id of type rbac.jwt_actor_type.  Returns the actor.  Every failure is
 * 28000 and leaves the actor as it was.
 */
Datum
rbac_set_actor_token(PG_FUNCTION_ARGS)
{
	char	   *token;
	bool		local;
	char	   *actor;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("invalid token"),
				 errdetail("The token is null.")));
	token = text_to_cstring(PG_GETARG_TEXT_PP(0));
	local = PG_ARGISNULL(1) ? false : PG_GETARG_BOOL(1);

	actor = rbac_jwt_actor(token);

	check_actor_reference(actor, ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION,
						  ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION);
	if (local)
		warn_local_outside_block();
	apply_actor(actor, local);
	PG_RETURN_TEXT_P(cstring_to_text(actor));
}

/* rbac.current_actor() -> text: the actor, NULL when none is set. */
Datum
rbac_current_actor(PG_FUNCTION_ARGS)
{
	const char *actor = rbac_current_actor_name();

	if (actor == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(actor));
}

/*
 * rbac.reset_actor() -> void: no actor for the rest of the session (or
 * until a surrounding transaction or savepoint aborts).
 */
Datum
rbac_reset_actor(PG_FUNCTION_ARGS)
{
	apply_actor(NULL, false);
	PG_RETURN_VOID();
}

/*
 * rbac._actor_key(type text, sample anyelement) -> anyelement
 *
 * The current actor's id as sample's type when the actor is of the given
 * type (NULL otherwise, or when the id is not a value of that type): what a
 * generated policy compares an actor relation column with.
 */
Datum
rbac_actor_key(PG_FUNCTION_ARGS)
{
	const char *actor = rbac_current_actor_name();
	RbacRef		ref;
	Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, 1);
	bool		ok;
	Datum		v;

	if (actor == NULL || PG_ARGISNULL(0) || !rbac_ref_parse(actor, &ref) ||
		strcmp(ref.type, text_to_cstring(PG_GETARG_TEXT_PP(0))) != 0)
		PG_RETURN_NULL();
	v = rbac_text_datum(typid, ref.id, &ok);
	if (!ok)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(v);
}

/* rbac._actor_id() -> text: the current actor's id, or NULL. */
Datum
rbac_actor_id(PG_FUNCTION_ARGS)
{
	RbacRef		ref;

	if (!rbac_ref_parse(rbac_current_actor_name(), &ref))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(ref.id));
}

/* rbac._actor_type() -> text: the current actor's type, or NULL. */
Datum
rbac_actor_type(PG_FUNCTION_ARGS)
{
	RbacRef		ref;

	if (!rbac_ref_parse(rbac_current_actor_name(), &ref))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(ref.type));
}
