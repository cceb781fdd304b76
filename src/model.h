/*-------------------------------------------------------------------------
 *
 * model.h
 *	  The compiled authorization model cached per backend: the loaded
 *	  policy resolved to indexes, plus the bindings of types to tables.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_MODEL_H
#define RBAC_MODEL_H

#include "lookup.h"
#include "policy_backend.h"

#include "executor/spi.h"

/* A shorthand rule, resolved to term indexes. */
typedef struct MRule
{
	int			head;			/* term index in the rule's type */
	RbacBodyKind body_kind;
	int			body;			/* TERM: term index in this type, or in the
								 * via target type; ACTOR_RELATION: relation
								 * term index (in the via target type when
								 * via >= 0); GLOBAL: global role index */
	int			via;			/* relation term index, or -1 */
	int			ord;			/* position in the policy, for explain */
} MRule;

/* A last-mile rule attached to (type, term). */
typedef struct MLastMile
{
	RbacRule   *rule;			/* in the model's parse arena */
	int			term;			/* term index in the resource type */
	bool		compiled;		/* plan built (or found unevaluable) */
	SPIPlanPtr	plan;			/* evaluates the body for one resource, or
								 * NULL when it cannot be evaluated */
} MLastMile;

/*
 * A relation bound through a join table (many-to-many): the related ids of
 * a resource are the "to" values of the join rows whose "from" is its key.
 */
typedef struct MRelJoin
{
	Oid			relid;			/* the join table */
	char	   *qualname;		/* quoted schema.table */
	char	   *from_col;		/* holds keys of the bound table */
	char	   *to_col;			/* holds keys of the relation's target */
	Oid			from_type;		/* safe base types the columns are read as */
	Oid			to_type;
	struct MType *target;		/* the relation's target type, or NULL */
	SPIPlanPtr	plan;			/* SELECT to::text ... WHERE from = $1 */
} MRelJoin;

/* One declared type with its binding. */
typedef struct MType
{
	char	   *name;
	int			index;
	bool		is_actor;
	RbacType   *ast;			/* parsed declaration (terms in same order) */
	int			nterms;
	MRule	   *rules;
	int			nrules;
	MLastMile  *lastmile;
	int			nlastmile;
	bool	   *via_used;		/* per term: relation walked by some rule */
	/* binding, when bound */
	bool		bound;
	Oid			relid;
	char	   *qualname;		/* quoted schema.table */
	char	   *key_col;
	Oid			key_type;
	FmgrInfo	key_out;		/* output function of key_type */
	char	  **rel_col;		/* per term: column of a relation, or NULL */
	int		   *rel_pos;		/* per term: position in row plan, or -1 */
	int			nrelcols;
	SPIPlanPtr	row_plan;		/* SELECT rel cols FROM t WHERE key = $1 */
	Oid			key_index;		/* btree index on the key alone, or
								 * InvalidOid (then row_plan is used) */
	RegProcedure key_eqproc;	/* equality function for the key index */
	Oid			key_collation;
	AttrNumber *rel_attnum;		/* per term: relation column, or 0 */
	FmgrInfo   *rel_out;		/* per term: output function of it */
	MRelJoin  **rel_join;		/* per term: a join-table relation, or NULL */
} MType;

/* The whole cached model. */
typedef struct RbacModel
{
	MemoryContext cxt;
	RbacParsed *parsed;			/* NULL when no policy is loaded */
	char	   *source;			/* the policy source parsed */
	int			ntypes;
	MType	   *types;
	int			nglobals;
	char	  **globals;
	bool		any_global_rules;
	bool		join_missing;	/* a join table or column not found */
	Oid		   *watch;			/* partitions, children and ancestors of */
	int			nwatch;			/* bound and join tables (DDL on one */
	int			maxwatch;		/* invalidates the model) */
	RbacCatalogs cat;			/* role-data catalogs for index probes */
	uint64		generation;		/* unique per build in this backend */
} RbacModel;

/* How the engine reads a column rules read (rbac_rule_type). */
typedef enum RbacColRead
{
	RBAC_READ_PLAIN,			/* a built-in type: as it is */
	RBAC_READ_ENUM,				/* an enum: its label, as text */
	RBAC_READ_ENUM_ARRAY		/* an array of an enum: its labels, as text[] */
} RbacColRead;

/* model.c */
extern RbacModel *rbac_get_model(void);
extern MType *rbac_model_type(RbacModel *m, const char *name);
extern int	rbac_type_term(MType *t, const char *name);
extern int	rbac_model_term(RbacModel *m, const char *type, const char *name,
							MType **t);
extern int	rbac_model_global(RbacModel *m, const char *name);
extern void rbac_model_invalidate(void);
extern char *rbac_policy_rule_text(RbacModel *m, RbacRule *rule);
extern void rbac_model_init(void);
extern char *rbac_column_type_sql(MType *t, const char *col);
extern Oid	rbac_safe_type(Oid typid);
extern char *rbac_column_sql(MType *t, const char *alias, const char *col);
extern Oid	rbac_require_safe_column(Oid relid, const char *col, const char *what);
extern Oid	rbac_rule_type(Oid typid, RbacColRead *read);
extern Oid	rbac_require_rule_column(Oid relid, const char *col, RbacColRead *read);
extern char *rbac_rule_value_sql(const char *value, RbacColRead read, Oid domain_base);
extern void rbac_require_bound_relkind(Oid relid, const char *type);
extern void rbac_require_plannable(RbacModel *m, Oid relid, const char *what);
extern bool rbac_relation_bound(MType *t, int term);

#endif							/* RBAC_MODEL_H */
