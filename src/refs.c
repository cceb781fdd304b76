/*-------------------------------------------------------------------------
 *
 * refs.c
 *	  References "Type:id" and the names they use: parsing, the errors for
 *	  unknown types and actions (one wording per condition, with
 *	  did-you-mean hints), canonical ids, and text to key datum conversion.
 *
 * Canonical ids.  An id of a type bound to a table is canonical when it is
 * the output of the key type's input of it: "Repository:007" is
 * "Repository:7" when Repository's key is an integer, an id of a uuid key
 * is lower case, an id of a name key is truncated to 63 bytes.  Text and
 * varchar keys are their own canonical form (char(n) is not accepted as a
 * key).  Role data stores canonical ids (writers canonicalize strictly,
 * refusing an id the key type rejects with 22023), the engine canonicalizes
 * the ids it is asked about (an id the key type rejects cannot have a row
 * and is kept as given), and the delete triggers of bind.c, which compare
 * key::text, find them.
 *
 *-------------------------------------------------------------------------
 */
#include "refs.h"
#include "util.h"

#include "utils/builtins.h"
#include "utils/lsyscache.h"

/* A list of names in a hint is given only up to this many names. */
#define HINT_LIST_MAX 10

/*
 * Split "Type:id" at the first colon.  Both parts must be non-empty; the id
 * may itself contain colons.
 */
bool
rbac_ref_parse(const char *text, RbacRef *ref)
{
	const char *colon;

	if (text == NULL)
		return false;
	colon = strchr(text, ':');
	if (colon == NULL || colon == text || colon[1] == '\0')
		return false;
	ref->type = pnstrdup(text, colon - text);
	ref->id = pstrdup(colon + 1);
	return true;
}

/*
 * Parse a reference or raise sqlstate: "<what> must not be null" for NULL,
 * "invalid <what> reference" when it is not Type:id.
 */
RbacRef
rbac_ref_require_code(const char *text, const char *what, int sqlstate)
{
	RbacRef		ref;

	if (text == NULL)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("%s must not be null", what)));
	if (!rbac_ref_parse(text, &ref))
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid %s reference \"%s\"", what, text),
				 errhint("A reference is written Type:id, for example \"User:alice\" or \"Repository:42\".")));
	return ref;
}

/* rbac_ref_require_code with 22023 invalid_parameter_value. */
RbacRef
rbac_ref_require(const char *text, const char *what)
{
	return rbac_ref_require_code(text, what, ERRCODE_INVALID_PARAMETER_VALUE);
}

/* "Type:id" of a reference. */
char *
rbac_ref_text(const RbacRef *ref)
{
	return psprintf("%s:%s", ref->type, ref->id);
}

/* Does type t fit kind? */
static bool
kind_fits(MType *t, RbacTypeKind kind)
{
	switch (kind)
	{
		case RBAC_TYPE_ACTOR:
			return t->is_actor;
		case RBAC_TYPE_RESOURCE:
			return t->ast->is_resource;	/* an actor type may be one too */
		default:
			return true;
	}
}

/* The names of the model's types of kind, sorted (byte order). */
static const char **
type_names(RbacModel *m, RbacTypeKind kind, int *n)
{
	const char **names = palloc(sizeof(char *) * (m->ntypes + 1));
	int			i;

	*n = 0;
	for (i = 0; i < m->ntypes; i++)
		if (kind_fits(&m->types[i], kind))
			names[(*n)++] = m->types[i].name;
	qsort(names, *n, sizeof(char *), rbac_cmp_cstr);
	return names;
}

/* "\"a\", \"b\"" */
static char *
quoted_names(const char **names, int n)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < n; i++)
		appendStringInfo(&buf, "%s\"%s\"", i ? ", " : "", names[i]);
	return buf.data;
}

/*
 * The type name of the loaded policy, of kind, or raise sqlstate:
 *	- a type of another kind: "\"X\" is a resource type, not an actor type";
 *	- no policy loaded: "unknown actor type" with that as the hint;
 *	- otherwise "unknown actor type" (resource type, type) with the closest
 *	  name of the kind, else the names of the kind when they are few.
 */
MType *
rbac_ref_require_type_code(RbacModel *m, const char *name, RbacTypeKind kind,
						   int sqlstate)
{
	MType	   *t = rbac_model_type(m, name);
	const char *word;
	const char **names;
	int			n;
	const char *closest;

	if (t != NULL && kind_fits(t, kind))
		return t;
	if (t != NULL)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("\"%s\" is %s type, not %s type", name,
						t->is_actor ? "an actor" : "a resource",
						kind == RBAC_TYPE_ACTOR ? "an actor" : "a resource")));
	word = kind == RBAC_TYPE_ACTOR ? "actor " :
		kind == RBAC_TYPE_ANY ? "" : "resource ";
	if (m->parsed == NULL)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("unknown %stype \"%s\"", word, name),
				 errhint("No policy is loaded; load one with rbac.load_policy().")));
	names = type_names(m, kind, &n);
	closest = rbac_closest(name, names, n);
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("unknown %stype \"%s\"", word, name),
			 closest ? errhint("Did you mean \"%s\"?", closest) :
			 n == 0 ? errhint("The policy declares no %stypes.", word) :
			 n <= HINT_LIST_MAX ? errhint("%s types: %s.",
										  kind == RBAC_TYPE_ACTOR ? "Actor" :
										  kind == RBAC_TYPE_RESOURCE ? "Resource" : "Known",
										  quoted_names(names, n)) : 0));
	return NULL;				/* keep the compiler quiet */
}

/* rbac_ref_require_type_code with 42704 undefined_object. */
MType *
rbac_ref_require_type(RbacModel *m, const char *name, RbacTypeKind kind)
{
	return rbac_ref_require_type_code(m, name, kind, ERRCODE_UNDEFINED_OBJECT);
}

/*
 * The permission action on resource (a reference "type:id"): sets *ref
 * and *type and returns the index of the permission, raising as
 * rbac_ref_require, rbac_ref_require_type and rbac_ref_require_permission
 * do.
 */
int
rbac_ref_require_action(RbacModel *m, const char *resource,
						const char *action, RbacRef *ref, MType **type)
{
	*ref = rbac_ref_require(resource, "resource");
	*type = rbac_ref_require_type(m, ref->type, RBAC_TYPE_ANY_RESOURCE);
	return rbac_ref_require_permission(*type, action);
}

/* Index of permission action of type t, or raise 42704 (did you mean). */
int
rbac_ref_require_permission(MType *t, const char *action)
{
	int			term = rbac_type_term(t, action);

	if (term < 0 || t->ast->terms[term].kind != RBAC_TERM_PERMISSION)
	{
		const char **c = palloc(sizeof(char *) * (t->nterms + 1));
		int			n = 0;
		int			i;
		const char *s;

		for (i = 0; i < t->nterms; i++)
			if (t->ast->terms[i].kind == RBAC_TERM_PERMISSION)
				c[n++] = t->ast->terms[i].name;
		s = rbac_closest(action, c, n);
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("unknown action \"%s\" for type %s", action, t->name),
				 s ? errhint("Did you mean \"%s\"?", s) : 0));
	}
	return term;
}

/*
 * The canonical form of an id of type t (see the file header).  An id the
 * key type rejects is returned as given, or with strict raises 22023.
 */
char *
rbac_ref_canonical_id(MType *t, const char *id, bool strict)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	Datum		d = (Datum) 0;
	bool		ok;
	Oid			infunc;
	Oid			ioparam;

	if (!t->bound || t->key_type == TEXTOID || t->key_type == VARCHAROID)
		return pstrdup(id);
	if (!strict)
	{
		d = rbac_key_datum(t, id, &ok);
		return ok ? OutputFunctionCall(&t->key_out, d) : pstrdup(id);
	}
	/* strict: the key type's own message says what is wrong */
	getTypeInputInfo(t->key_type, &infunc, &ioparam);
	PG_TRY();
	{
		d = OidInputFunctionCall(infunc, (char *) id, ioparam, -1);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid id \"%s\" for type %s", id, t->name),
				 errdetail("%s is bound to a table whose key column has type %s: %s",
						   t->name, format_type_be(t->key_type), edata->message)));
	}
	PG_END_TRY();
	return OutputFunctionCall(&t->key_out, d);
}

/*
 * Convert an id to a datum of the type's key type.  Sets *ok to
 * false (and returns 0) when the id is not a valid value of that type: such
 * an id cannot have a row.
 */
Datum
rbac_key_datum(MType *t, const char *id, bool *ok)
{
	return rbac_text_datum(t->key_type, id, ok);
}

/*
 * Convert text to a datum of type typid; *ok is false (and 0 returned) when
 * the text is not a valid value of the type.  Integers, uuids and text-like
 * types are checked without raising; other types use their input function
 * in a subtransaction.
 */
Datum
rbac_text_datum(Oid typid, const char *text, bool *ok)
{
	*ok = true;
	typid = rbac_safe_type(typid);
	if (!OidIsValid(typid))
	{
		*ok = false;
		return (Datum) 0;
	}
	switch (typid)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
			{
				char	   *end;
				long long	v;

				errno = 0;
				v = strtoll(text, &end, 10);
				if (*text == '\0' || *end != '\0' || errno != 0 ||
					(typid == INT2OID && (v < PG_INT16_MIN || v > PG_INT16_MAX)) ||
					(typid == INT4OID && (v < PG_INT32_MIN || v > PG_INT32_MAX)))
				{
					*ok = false;
					return (Datum) 0;
				}
				if (typid == INT2OID)
					return Int16GetDatum((int16) v);
				if (typid == INT4OID)
					return Int32GetDatum((int32) v);
				return Int64GetDatum((int64) v);
			}
		case UUIDOID:
			{
				int			hex = 0;
				const char *c;

				for (c = text; *c; c++)
				{
					if (isxdigit((unsigned char) *c))
						hex++;
					else if (*c != '-')
						break;
				}
				if (*c != '\0' || hex != 32 || strlen(text) > 36 || text[0] == '-')
				{
					*ok = false;
					return (Datum) 0;
				}
				return DirectFunctionCall1(uuid_in, CStringGetDatum(text));
			}
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			return CStringGetTextDatum(text);
		default:
			{
				Oid			infunc;
				Oid			ioparam;
				MemoryContext cxt = CurrentMemoryContext;
				ResourceOwner owner = CurrentResourceOwner;
				Datum		d = (Datum) 0;

				getTypeInputInfo(typid, &infunc, &ioparam);
				BeginInternalSubTransaction(NULL);
				MemoryContextSwitchTo(cxt);
				PG_TRY();
				{
					d = OidInputFunctionCall(infunc, (char *) text, ioparam, -1);
					ReleaseCurrentSubTransaction();
				}
				PG_CATCH();
				{
					MemoryContextSwitchTo(cxt);
					FlushErrorState();
					RollbackAndReleaseCurrentSubTransaction();
					*ok = false;
				}
				PG_END_TRY();
				MemoryContextSwitchTo(cxt);
				CurrentResourceOwner = owner;
				return d;
			}
	}
}
