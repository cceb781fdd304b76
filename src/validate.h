/*-------------------------------------------------------------------------
 *
 * validate.h
 *	  State of the validator, shared by its files: validate.c (the entry
 *	  point, relations and shorthand rules), validate_names.c (the name
 *	  index, suggestions, reports), validate_rules.c (last-mile rules) and
 *	  validate_cycles.c (implication cycles).  Internal to the plain-C
 *	  policy core: the public interface is policy.h.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RBAC_VALIDATE_H
#define RBAC_VALIDATE_H

#include "policy.h"

#include <string.h>

/* Bits selecting which terms of a type are suggestion candidates. */
#define K_ROLE				0x01
#define K_PERM				0x02
#define K_REL				0x04
#define K_ACTOR_REL			0x08	/* relations whose target is an actor */

/* State of one rbac_validate call. */
typedef struct Validator
{
	RbacPolicy *policy;
	RbacAlloc  *alloc;
	RbacDiagList *diags;
	RbacColumnLookup lookup;
	void	   *lookup_arg;
	int			ntypes;			/* sanitized counts */
	int			nglobals;
	int			nrules;
	RbacNameTable *terms;		/* per type position: the type's term names
								 * -> their positions in its terms */
	const char **typenames;		/* suggestion candidates: every type */
	int			ntypenames;
	const char **actornames;	/* ... actor types */
	int			nactornames;
	const char **globalnames;	/* ... global roles */
	int			nglobalnames;
	const char **cand;			/* scratch candidate list */
	int			candcap;
	long		budget;			/* suggestion comparisons left */
	RbacExpr  **stack;			/* scratch stack for walking bodies */
	int			stackcap;
	struct GlobalIndex *gindex; /* the global block's rules by head, for
								 * global "N" in conditions (validate.c) */
} Validator;

/* validate_names.c */
extern void rbac_validate_build_index(Validator *v);
extern int	rbac_validate_term_pos(Validator *v, RbacType *t,
								   const char *name);
extern void rbac_validate_add_permission(Validator *v, RbacType *t,
										 const char *name, int line, int col);
extern const char *rbac_validate_suggest(Validator *v, const char *name,
										 const char *const *cands, int n);
extern const char *rbac_validate_suggest_term(Validator *v, RbacType *t,
											  const char *name, int mask);
extern void rbac_validate_report(Validator *v, int line, int col,
								 RbacSeverity sev, const char *hint,
								 const char *suggestion, const char *fmt,...)
			__attribute__((format(printf, 7, 8)));

/* validate_rules.c */
extern void rbac_validate_rule_heads(Validator *v);
extern void rbac_validate_rule_bodies(Validator *v);

/* validate_cycles.c */
extern void rbac_validate_cycles(Validator *v);

/* validate_tests.c */
extern void rbac_validate_tests(Validator *v);

/*
 * Short names used throughout the validator.  report(v, line, col, sev,
 * hint, suggestion, fmt, ...) adds a semantic diagnostic; with a
 * suggestion the message ends with (did you mean "suggestion"?).
 */
#define report(v, ...)	rbac_validate_report(v, __VA_ARGS__)

/* The closest of n candidates to name, within the suggestion budget. */
static inline const char *
suggest_from(Validator *v, const char *name, const char *const *cands, int n)
{
	return rbac_validate_suggest(v, name, cands, n);
}

/* The closest term of t among the kinds in mask (K_ROLE | ...). */
static inline const char *
suggest_term(Validator *v, RbacType *t, const char *name, int mask)
{
	return rbac_validate_suggest_term(v, t, name, mask);
}

/* Position of the first term of t called name, or -1. */
static inline int
term_pos(Validator *v, RbacType *t, const char *name)
{
	return rbac_validate_term_pos(v, t, name);
}

/* A name for messages even when the parser left it NULL. */
static inline const char *
safe(const char *s)
{
	return s ? s : "?";
}

/* "actor" or "resource": how a type is spoken of in messages. */
static inline const char *
tkind(const RbacType *t)
{
	return t->is_actor ? "actor" : "resource";
}

/* Is this rule variable the anonymous one?  (NULL and "_" both mean _.) */
static inline bool
is_anon(const char *var)
{
	return var == NULL || strcmp(var, "_") == 0;
}

#endif							/* RBAC_VALIDATE_H */
