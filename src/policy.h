/*-------------------------------------------------------------------------
 *
 * policy.h
 *	  The pg_rbac policy language: abstract syntax, validated model and
 *	  diagnostics.
 *
 * Everything declared here is plain C with no dependency on backend state:
 * the lexer, parser and validator (lexer.c, parser*.c, validate*.c and
 * policy_util.c) link alone into the fuzz target and the command-line
 * checker under tests/fuzz/.  Memory comes from a caller-supplied
 * allocator (RbacAlloc): the backend hands out palloc in a private memory
 * context, the fuzzer a malloc arena.  Nothing allocated here is ever freed
 * individually; the owner drops the whole arena.
 *
 * Strings are NUL-terminated UTF-8.  Names keep their exact spelling
 * (quotes, spaces, unicode); quoting for SQL happens elsewhere.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_POLICY_H
#define RBAC_POLICY_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Caller-supplied allocator: returns zeroed memory or never returns. */
typedef struct RbacAlloc
{
	void	   *(*alloc) (void *ctx, size_t size);
	void	   *ctx;
} RbacAlloc;

/* ---------------------------------------------------------------------
 * Diagnostics
 * ---------------------------------------------------------------------
 */
typedef enum RbacSeverity
{
	RBAC_SEV_ERROR,
	RBAC_SEV_WARNING
} RbacSeverity;

typedef enum RbacDiagClass
{
	RBAC_DIAG_SYNTAX,			/* reported as SQLSTATE 42601 */
	RBAC_DIAG_SEMANTIC,			/* reported as SQLSTATE 42P17 */
	RBAC_DIAG_UNSUPPORTED		/* reported as SQLSTATE 0A000 */
} RbacDiagClass;

typedef struct RbacDiag
{
	int			line;			/* 1-based */
	int			col;			/* 1-based, in characters (not bytes) */
	RbacSeverity severity;
	RbacDiagClass dclass;
	char	   *message;		/* lower case, no trailing period; may end
								 * with (did you mean "x"?) */
	char	   *hint;			/* NULL or a full sentence */
	/*
	 * An Oso host-bridging rule (has_role over application data, a
	 * has_relation rule): an error, or with oso_compat (rbac_oso_compat) a
	 * warning saying it was skipped, with compat_message and compat_hint.
	 */
	bool		oso_skip;
	char	   *compat_message;
	char	   *compat_hint;
	bool		notify;			/* a warning load_policy raises as WARNING */
} RbacDiag;

typedef struct RbacDiagList
{
	RbacDiag   *items;
	int			n;
	int			cap;
	int			nerrors;
} RbacDiagList;

/* ---------------------------------------------------------------------
 * Last-mile rule expressions
 * ---------------------------------------------------------------------
 */
typedef enum RbacOperandKind
{
	RBAC_OP_STRING,
	RBAC_OP_INTEGER,			/* text holds the digits */
	RBAC_OP_DECIMAL,			/* text holds the literal */
	RBAC_OP_BOOL,
	RBAC_OP_NIL,
	RBAC_OP_PATH				/* var(.field)* */
} RbacOperandKind;

/*
 * A path: a rule variable followed by zero or more fields.  After
 * validation, hops[] holds the relations walked (fields[0..nhops-1]) and
 * the final field is classified by 'tail'.
 */
typedef enum RbacPathTail
{
	RBAC_TAIL_SELF,				/* the variable itself, no fields */
	RBAC_TAIL_ID,				/* .id of the reference */
	RBAC_TAIL_COLUMN,			/* a column of the bound table of the last
								 * type reached */
	RBAC_TAIL_RELATION			/* ends on a relation (a reference to an
								 * actor or resource) */
} RbacPathTail;

/*
 * A variable joined with has_relation (validate_rules.c): it stands for
 * root.fields[0..nfields-1] of the paths written with it.  A relation bound
 * through a join table relates any number of rows: every condition on the
 * variable must then hold on one of them, the same one (sqlgen.c).
 */
typedef struct RbacJoinRef
{
	struct RbacJoinRef *parent;	/* the joined variable it was joined from,
								 * or NULL (from a parameter) */
	int			nfields;		/* fields of its path */
} RbacJoinRef;

typedef struct RbacPath
{
	char	   *var;
	char	  **fields;
	int			nfields;
	/* filled in by validation */
	int			var_index;		/* 0 = actor parameter, 1 = resource */
	int			nhops;			/* fields consumed as relation hops */
	RbacPathTail tail;
	struct RbacType *end_type;	/* type reached (after hops, or the
								 * relation target for TAIL_RELATION) */
	int			known_hops;		/* a joined path (validate_rules.c): its
								 * first known_hops fields are relations,
								 * checked, from var to known_type */
	struct RbacType *known_type;
	RbacJoinRef *join;			/* written with a joined variable, or NULL */
} RbacPath;

typedef struct RbacOperand
{
	RbacOperandKind kind;
	int			line;
	int			col;
	char	   *text;			/* string value or numeric literal */
	bool		bval;
	RbacPath	path;			/* RBAC_OP_PATH */
} RbacOperand;

typedef enum RbacExprKind
{
	RBAC_EX_TRUE,				/* empty body */
	RBAC_EX_AND,
	RBAC_EX_OR,
	RBAC_EX_NOT,
	RBAC_EX_CMP,				/* left op right */
	RBAC_EX_IN,					/* left in [list] */
	RBAC_EX_OPERAND,			/* bare boolean operand */
	RBAC_EX_HAS_ROLE,			/* has_role(actorvar, "name", path) */
	RBAC_EX_HAS_PERMISSION,		/* has_permission(actorvar, "name", path) */
	/* joins, replaced by validation (validate_rules.c) with paths: */
	RBAC_EX_MATCHES,			/* var matches Type (var, name) */
	RBAC_EX_HAS_RELATION,		/* has_relation(path, "rel", var) (target,
								 * name, var) */
	/* only in rules compiled from a shorthand rule's condition: */
	RBAC_EX_GLOBAL				/* global "N": the actor (or a group it
								 * belongs to) holds one of grants */
} RbacExprKind;

typedef enum RbacCmpOp
{
	RBAC_CMP_EQ,				/* = and == */
	RBAC_CMP_NE,
	RBAC_CMP_LT,
	RBAC_CMP_LE,
	RBAC_CMP_GT,
	RBAC_CMP_GE
} RbacCmpOp;

typedef struct RbacExpr
{
	RbacExprKind kind;
	int			line;
	int			col;
	struct RbacExpr *left;		/* AND, OR, NOT */
	struct RbacExpr *right;		/* AND, OR */
	RbacCmpOp	op;				/* CMP */
	RbacOperand *a;				/* CMP, IN, OPERAND */
	RbacOperand *b;				/* CMP */
	RbacOperand **list;			/* IN over a list of literals */
	int			nlist;
	RbacOperand *b_array;		/* IN over an array column: a in b_array */
	char	   *name;			/* HAS_ROLE, HAS_PERMISSION: the term */
	char	   *actor_var;		/* HAS_ROLE, HAS_PERMISSION */
	RbacOperand *target;		/* HAS_ROLE, HAS_PERMISSION: a path */
	char	   *name_var;		/* HAS_ROLE, HAS_PERMISSION: the term as a
								 * variable of the rule head (name NULL) */
	char	   *var;			/* MATCHES, HAS_RELATION: the variable */
	RbacJoinRef *binds;			/* a has_relation rewritten into "path !=
								 * nil": the variable it joined */
	const char **grants;		/* GLOBAL: the global roles that grant name
								 * (none: it never holds) */
	int			ngrants;
} RbacExpr;

/* ---------------------------------------------------------------------
 * Last-mile rules
 * ---------------------------------------------------------------------
 */
typedef enum RbacActorParam
{
	RBAC_ACTOR_TYPED,			/* name: Type or _: Type */
	RBAC_ACTOR_ANY_ACTOR,		/* name: Actor */
	RBAC_ACTOR_ANYONE			/* bare _ : any actor, including none */
} RbacActorParam;

typedef struct RbacRule
{
	bool		is_role;		/* has_role rule (else has_permission) */
	int			line;
	int			col;
	RbacActorParam actor_kind;
	char	   *actor_var;		/* NULL for _ */
	char	   *actor_type;		/* RBAC_ACTOR_TYPED only */
	char	   *name;			/* the permission or role */
	int			name_line;
	int			name_col;
	char	   *resource_var;	/* NULL for _ */
	char	   *resource_type;
	int			rtype_line;
	int			rtype_col;
	RbacExpr   *body;			/* RBAC_EX_TRUE when there is no body */
	bool		compiled;		/* compiled from a shorthand rule's condition
								 * (validate.c): its variables are implicit */
	bool		uses_global;	/* compiled, and its body tests a global role
								 * (RBAC_EX_GLOBAL) */
	/* filled in by validation */
	struct RbacType *atype;		/* NULL unless RBAC_ACTOR_TYPED */
	struct RbacType *rtype;
	int			start_offset;	/* byte offsets of the rule in the source */
	int			end_offset;
} RbacRule;

/*
 * What a has_relation rule of an Oso policy says about a relation
 * (has_relation(repo: Repository, "parent", org: Organization) if
 * repo.organization = org;): kept as a hint for rbac.bind.
 */
typedef struct RbacRelationHint
{
	char	   *type;			/* Repository */
	char	   *relation;		/* parent */
	char	   *target;			/* Organization, or NULL */
	char	   *field;			/* organization (or organization_id for
								 * repo.organization_id = org.id), or NULL */
	int			line;
	int			col;
} RbacRelationHint;

/* ---------------------------------------------------------------------
 * Resource and actor blocks
 * ---------------------------------------------------------------------
 */
typedef enum RbacTermKind
{
	RBAC_TERM_ROLE,
	RBAC_TERM_PERMISSION,
	RBAC_TERM_RELATION
} RbacTermKind;

typedef struct RbacTerm
{
	char	   *name;
	RbacTermKind kind;
	int			line;
	int			col;
	char	   *target;			/* RELATION: target type name */
	int			target_line;
	int			target_col;
	struct RbacType *target_type;	/* filled in by validation */
	bool		from_rule;		/* PERMISSION declared by a last-mile rule */
} RbacTerm;

/*
 * Shorthand rule "head" if body;  in a block of type T.
 *	 body_kind says what the body names after validation.
 */
typedef enum RbacBodyKind
{
	RBAC_BODY_UNRESOLVED,
	RBAC_BODY_TERM,				/* a role or permission (of T, or of the
								 * related type when via is set) */
	RBAC_BODY_ACTOR_RELATION,	/* a relation to an actor type: the actor
								 * IS the related actor */
	RBAC_BODY_GLOBAL			/* global "G" */
} RbacBodyKind;

/*
 * The condition of a shorthand rule that is more than one term:
 *	 "read" if "viewer" or is_public(resource);
 * Top-level "or" is split by the parser into one rule per disjunct; a
 * disjunct that is a plain term stays an ordinary shorthand rule, any
 * other is kept as a condition and compiled by validation into a
 * last-mile rule (validate.c).
 */
typedef enum RbacCondKind
{
	RBAC_COND_TERM,				/* "Y", "Y" on "rel", or the wildcard role /
								 * permission */
	RBAC_COND_GLOBAL,			/* global "G" */
	RBAC_COND_FACT,				/* name(var) or name(var, value) */
	RBAC_COND_SELF,				/* resource == actor */
	RBAC_COND_AND,
	RBAC_COND_OR,
	RBAC_COND_NOT
} RbacCondKind;

typedef struct RbacCond
{
	RbacCondKind kind;
	int			line;
	int			col;
	struct RbacCond *left;		/* AND, OR, NOT */
	struct RbacCond *right;		/* AND, OR */
	char	   *name;			/* TERM, GLOBAL: the name; FACT: column */
	char	   *via;			/* TERM: relation after "on", or NULL */
	int			via_line;
	int			via_col;
	bool		wild;			/* TERM: the word role or permission */
	RbacTermKind wild_kind;
	char	   *arg;			/* FACT: the variable named */
	int			arg_line;
	int			arg_col;
	RbacOperand *value;			/* FACT: the value compared, or NULL */
} RbacCond;

typedef struct RbacShorthand
{
	char	   *head;
	int			head_line;
	int			head_col;
	char	   *body;
	int			body_line;
	int			body_col;
	char	   *via;			/* relation name after "on", or NULL */
	int			via_line;
	int			via_col;
	bool		is_global;		/* "X" if global "G" */
	RbacCond   *cond;			/* a condition rule (RbacType.conds) */
	bool		head_wild;		/* a wildcard rule (RbacType.wilds) */
	RbacTermKind wild_kind;		/* ROLE or PERMISSION: its head word */
	int			start_offset;	/* byte offsets of the rule in the source */
	int			end_offset;
	/* filled in by validation */
	RbacTermKind head_kind;		/* ROLE or PERMISSION */
	RbacBodyKind body_kind;
	RbacTermKind body_term_kind;	/* for RBAC_BODY_TERM */
	struct RbacType *via_type;	/* target of the via relation */
} RbacShorthand;

typedef struct RbacType
{
	char	   *name;
	bool		is_actor;		/* declared with actor Name {} */
	bool		is_resource;	/* declared with resource Name {} (a type
								 * may be both) */
	int			line;			/* first declaration */
	int			col;
	RbacTerm   *terms;			/* roles, permissions, relations */
	int			nterms;
	int			termcap;
	RbacShorthand *rules;		/* plain shorthand rules */
	int			nrules;
	int			rulecap;
	RbacShorthand *conds;		/* rules with conditions: compiled into
								 * last-mile rules by validation */
	int			nconds;
	int			condcap;
	RbacShorthand *wilds;		/* role if ... / permission if ...: expanded
								 * into rules and conds by validation */
	int			nwilds;
	int			wildcap;
	int			index;			/* position in RbacPolicy.types */
} RbacType;

typedef struct RbacGlobalRole
{
	char	   *name;
	int			line;
	int			col;
} RbacGlobalRole;

/*
 * A permission of the global block: global { permissions = ["create_org"];
 * "create_org" if "admin"; }.  It is held by whoever holds one of the
 * global roles that grant it through the global block's rules.
 */
typedef struct RbacGlobalPerm
{
	char	   *name;
	int			line;
	int			col;
	/* filled in by validation */
	const char **grants;		/* the global roles that grant it */
	int			ngrants;
} RbacGlobalPerm;

/* ---------------------------------------------------------------------
 * Test blocks: test "name" { setup { facts } assert ...; }
 * (parser_tests.c, validate_tests.c; run by policy_test.c)
 * ---------------------------------------------------------------------
 */

/* Type{"id"} in a test. */
typedef struct RbacTestRef
{
	char	   *type;			/* NULL when absent (a global role) */
	char	   *id;
	int			line;
	int			col;
	RbacType   *rtype;			/* filled in by validation */
} RbacTestRef;

typedef enum RbacFactKind
{
	RBAC_FACT_ROLE,				/* has_role(actor, "role", resource), or
								 * has_role(actor, "global role") */
	RBAC_FACT_RELATION,			/* has_relation(subject, "rel", object) */
	RBAC_FACT_GROUP,			/* has_group(member, group) */
	RBAC_FACT_VALUE				/* name(subject) or name(subject, value):
								 * column name of subject's row */
} RbacFactKind;

typedef struct RbacFact
{
	RbacFactKind kind;
	int			line;
	int			col;
	char	   *name;			/* role, relation or column */
	int			name_line;
	int			name_col;
	RbacTestRef subject;
	RbacTestRef object;			/* ROLE (type NULL: global), RELATION,
								 * GROUP */
	RbacOperand **values;		/* VALUE: the value, or the list's items */
	int			nvalues;
	bool		is_list;		/* VALUE: [a, b, ...] */
} RbacFact;

typedef struct RbacAssert
{
	bool		negated;		/* assert_not */
	bool		is_role;		/* has_role (else allow / has_permission) */
	int			line;
	int			col;
	char	   *text;			/* the assertion as written */
	RbacTestRef actor;
	char	   *name;			/* the permission or role */
	int			name_line;
	int			name_col;
	RbacTestRef resource;		/* type NULL: a global role */
} RbacAssert;

typedef struct RbacTest
{
	char	   *name;
	int			line;
	int			col;
	RbacFact   *facts;
	int			nfacts;
	int			factcap;
	RbacAssert *asserts;
	int			nasserts;
	int			assertcap;
} RbacTest;

/* The outcome of one assertion (rbac_run_tests). */
typedef struct RbacTestResult
{
	const char *test;
	const char *assertion;
	bool		passed;
} RbacTestResult;

typedef struct RbacPolicy
{
	RbacType  **types;			/* in order of first declaration */
	int			ntypes;
	int			typecap;
	RbacGlobalRole *globals;
	int			nglobals;
	int			globalcap;
	RbacGlobalPerm *gperms;		/* permissions of the global block */
	int			ngperms;
	int			gpermcap;
	RbacShorthand *grules;		/* rules of the global block: "P" if "R";
								 * "R" if "S"; (plain terms only) */
	int			ngrules;
	int			grulecap;
	RbacRule  **rules;			/* last-mile rules, in source order */
	int			nrules;
	int			rulecap;
	bool		has_allow;		/* the entry allow rule was present */
	bool		expanded;		/* validation expanded the wildcards and
								 * compiled the conditions (once) */
	struct RbacRelationHint *relhints;	/* from has_relation rules */
	int			nrelhints;
	int			relhintcap;
	void	   *index;			/* private name index (validate_names.c) */
	RbacTest  **tests;			/* test blocks, in source order */
	int			ntests;
	int			testcap;
} RbacPolicy;

/*
 * Column lookup for validation of last-mile rules: returns 1 when the
 * column exists on the table bound to the type, 0 when it does not, -1 when
 * the type is not bound (then the column is not checked).  When it returns
 * 0 it may set *suggestion to the closest column name.
 */
typedef int (*RbacColumnLookup) (void *arg, const char *type,
								 const char *column,
								 const char **suggestion);

/* ---------------------------------------------------------------------
 * Entry points
 * ---------------------------------------------------------------------
 */

/*
 * Parse source (len bytes, need not be NUL-terminated) into a policy.
 * Never fails hard: syntax errors go to diags and parsing recovers at the
 * next rule or block.  Returns a policy even when there were errors.
 * Blocks for the same type are merged here.
 */
extern RbacPolicy *rbac_parse(const char *source, size_t len,
							  RbacAlloc *alloc, RbacDiagList *diags);

/*
 * Resolve and check a parsed policy (docs/policy-language.md, "Validation
 * and errors"):
 * undeclared and conflicting names, relation targets, shorthand bodies,
 * last-mile rules and their paths, and implication cycles (warnings).
 * Fills in the "filled in by validation" fields.  Columns are checked
 * through lookup when it is not NULL.
 */
extern void rbac_validate(RbacPolicy *policy, RbacColumnLookup lookup,
						  void *lookup_arg, RbacAlloc *alloc,
						  RbacDiagList *diags);

/*
 * Run the test blocks of a policy that validated without errors
 * (policy_test.c): each assertion is decided on the policy and the test's
 * facts alone.  Returns the number of results (one per assertion, in
 * source order) stored in *results, or -1 when an evaluation ran past its
 * work budget (then *results holds those decided before).
 */
extern int	rbac_run_tests(RbacPolicy *policy, RbacAlloc *alloc,
						   RbacTestResult **results);

/* Find a type by name, or NULL.  Valid after rbac_validate. */
extern RbacType *rbac_find_type(RbacPolicy *policy, const char *name);

/*
 * oso_compat: turn the errors about Oso host-bridging rules (RbacDiag
 * oso_skip) into warnings that say the rule was skipped and what replaces
 * it.  Returns the number of rules skipped.
 */
extern int	rbac_oso_compat(RbacDiagList *diags);

/* Is name a global role? */
extern bool rbac_is_global_role(RbacPolicy *policy, const char *name);

/* The global permission called name, or NULL. */
extern RbacGlobalPerm *rbac_find_global_permission(RbacPolicy *policy,
												   const char *name);

/*
 * Add the shorthand rule tmpl (head, positions, offsets) of type t with
 * condition cond: one rule per top-level disjunct, a plain rule in
 * t->rules for a disjunct that is one term, a condition rule in t->conds
 * otherwise (parser.c; validation calls it to expand wildcards).
 */
extern void rbac_add_shorthand(RbacAlloc *alloc, RbacType *t,
							   const RbacShorthand *tmpl, RbacCond *cond);

/* ---------------------------------------------------------------------
 * Helpers of the parser and the validator (policy_util.c)
 * ---------------------------------------------------------------------
 */

/* Closest candidate to name by edit distance, or NULL if none is close. */
extern const char *rbac_closest(const char *name, const char *const *candidates,
								int ncandidates);

/* The word for a term kind in messages: "role", "permission", "relation". */
extern const char *rbac_term_word(RbacTermKind kind);

/* Joined variables in rule bodies (policy_util.c) */
extern bool rbac_join_covers(const RbacJoinRef *ref, const RbacJoinRef *join);
extern const RbacJoinRef *rbac_join_root(const RbacJoinRef *ref);
extern int	rbac_expr_paths(const RbacExpr *e, const RbacPath **paths);
extern bool rbac_expr_nil_eq(const RbacExpr *e, RbacExpr *ne);
extern int	rbac_expr_nconjuncts(const RbacExpr *e);
extern int	rbac_expr_conjuncts(const RbacExpr *e, RbacExpr **items, int n);

/*
 * Are the last-mile rules of policy monotone in their nested checks (no
 * has_role / has_permission under "not")?  Only then may the answers of
 * nested checks be tabled (holds.c, policy_test.c).
 */
extern bool rbac_policy_monotone(const RbacPolicy *policy);

/* Add a diagnostic (printf-style message). */
extern void rbac_diag(RbacDiagList *diags, RbacAlloc *alloc, int line, int col,
					  RbacSeverity sev, RbacDiagClass dclass,
					  const char *hint, const char *fmt,...)
			__attribute__((format(printf, 8, 9)));

/* printf into a new string from the allocator. */
extern char *rbac_format(RbacAlloc *alloc, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
extern char *rbac_vformat(RbacAlloc *alloc, const char *fmt, va_list ap)
			__attribute__((format(printf, 2, 0)));

/* Allocation helpers over RbacAlloc. */
extern void *rbac_alloc(RbacAlloc *alloc, size_t size);
extern char *rbac_strdup(RbacAlloc *alloc, const char *s);
extern char *rbac_strndup(RbacAlloc *alloc, const char *s, size_t n);

/* Grow an array of elemsize-sized items to hold at least need items. */
/*
 * Called from the long loops of the policy code when not NULL.  The backend
 * sets it (rbac_check_interrupts, policy_backend.c) so that a cancel
 * request or statement_timeout stops a long evaluation of test blocks;
 * outside the backend (rbac_lint, the fuzz target) it stays NULL.
 */
extern void (*rbac_interrupt_hook) (void);
#define RBAC_INTERRUPT_POINT() \
	do { \
		if (rbac_interrupt_hook != NULL) \
			rbac_interrupt_hook(); \
	} while (0)

extern void *rbac_grow(RbacAlloc *alloc, void *array, int *cap, int need,
					   size_t elemsize);

/*
 * Append item to the growable array (array, n items, cap allocated)
 * through alloc: rbac_grow and the store.  array and n are evaluated more
 * than once (plain lvalues only).
 */
#define RBAC_APPEND(alloc, array, cap, n, item) \
	((array) = rbac_grow((alloc), (array), &(cap), (n) + 1, sizeof(*(array))), \
	 (array)[(n)++] = (item))

/* A growable string in the arena (start from all zeros). */
typedef struct RbacBuf
{
	char	   *data;			/* NUL-terminated; NULL while empty */
	int			len;
	int			cap;
} RbacBuf;

/* Append a string to buf. */
extern void rbac_buf_append(RbacAlloc *alloc, RbacBuf *buf, const char *s);

/*
 * A hash table of names, each under an owner: a type for the names of its
 * terms, NULL for names of the whole policy.  An entry maps (owner, name)
 * to a position in the owner's array.  Names are not copied: they must
 * live as long as the table (in the same arena).
 */
typedef struct RbacNameEntry
{
	const char *name;			/* NULL in an empty slot */
	const void *owner;
	int			idx;			/* position in the owner's array */
	int			serial;			/* free for the caller (0 when added) */
} RbacNameEntry;

typedef struct RbacNameTable
{
	RbacNameEntry *slots;		/* open addressing, linear probing */
	int			cap;			/* power of two, or 0 when empty */
	int			count;
} RbacNameTable;

/* The entry of (owner, name), or NULL. */
extern RbacNameEntry *rbac_names_find(const RbacNameTable *table,
									  const void *owner, const char *name);

/* Make room for n more names (an optimisation: the table grows anyway). */
extern void rbac_names_reserve(RbacAlloc *alloc, RbacNameTable *table, int n);

/*
 * The entry of (owner, name), added with position idx when absent (so the
 * first position added for a name wins).  NULL when name is NULL.
 */
extern RbacNameEntry *rbac_names_add(RbacAlloc *alloc, RbacNameTable *table,
									 const void *owner, const char *name,
									 int idx);

#endif							/* RBAC_POLICY_H */
