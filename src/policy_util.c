/*-------------------------------------------------------------------------
 *
 * policy_util.c
 *	  Helpers shared by the lexer, the parser and the validator: allocation
 *	  over the caller's arena, diagnostics, "did you mean" suggestions and
 *	  the hash table of names.
 *
 * No PostgreSQL headers here: this file links into the fuzz target.
 *
 *-------------------------------------------------------------------------
 */
#include "policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* See policy.h: set by the backend, NULL elsewhere. */
void		(*rbac_interrupt_hook) (void) = NULL;

/* Allocate zeroed memory through the caller's allocator. */
void *
rbac_alloc(RbacAlloc *alloc, size_t size)
{
	void	   *p = alloc->alloc(alloc->ctx, size ? size : 1);

	memset(p, 0, size ? size : 1);
	return p;
}

/* Copy the first n bytes of s into a new NUL-terminated string. */
char *
rbac_strndup(RbacAlloc *alloc, const char *s, size_t n)
{
	char	   *p = rbac_alloc(alloc, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Copy a NUL-terminated string. */
char *
rbac_strdup(RbacAlloc *alloc, const char *s)
{
	return rbac_strndup(alloc, s, strlen(s));
}

/*
 * Make room for need items in a growable array.  The allocator cannot free,
 * so the old block is simply abandoned to the arena; capacity doubles so the
 * total stays linear.
 */
void *
rbac_grow(RbacAlloc *alloc, void *array, int *cap, int need, size_t elemsize)
{
	int			newcap;
	void	   *p;

	if (need <= *cap)
		return array;
	newcap = *cap > 0 ? *cap * 2 : 8;
	while (newcap < need)
		newcap *= 2;
	p = rbac_alloc(alloc, (size_t) newcap * elemsize);
	if (array != NULL && *cap > 0)
		memcpy(p, array, (size_t) (*cap) * elemsize);
	*cap = newcap;
	return p;
}

/*
 * Append a string to buf, doubling its capacity as needed (old blocks are
 * abandoned to the arena).
 */
void
rbac_buf_append(RbacAlloc *alloc, RbacBuf *buf, const char *s)
{
	size_t		n = strlen(s);

	if (buf->data == NULL || (size_t) buf->len + n + 1 > (size_t) buf->cap)
	{
		size_t		newcap = buf->cap > 0 ? (size_t) buf->cap * 2 : 64;
		char	   *p;

		while (newcap < (size_t) buf->len + n + 1)
			newcap *= 2;
		p = rbac_alloc(alloc, newcap);
		if (buf->data != NULL && buf->len > 0)
			memcpy(p, buf->data, (size_t) buf->len);
		buf->data = p;
		buf->cap = (int) newcap;
	}
	memcpy(buf->data + buf->len, s, n);
	buf->len += (int) n;
	buf->data[buf->len] = '\0';
}

/* printf into a new string from the allocator. */
char *
rbac_format(RbacAlloc *alloc, const char *fmt,...)
{
	va_list		ap;
	char	   *s;

	va_start(ap, fmt);
	s = rbac_vformat(alloc, fmt, ap);
	va_end(ap);
	return s;
}

/* rbac_format with a va_list. */
char *
rbac_vformat(RbacAlloc *alloc, const char *fmt, va_list ap)
{
	va_list		aq;
	int			len;
	char	   *msg;

	va_copy(aq, ap);
	len = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (len < 0)
		len = 0;
	msg = rbac_alloc(alloc, (size_t) len + 1);
	vsnprintf(msg, (size_t) len + 1, fmt, ap);
	return msg;
}

/* Append one diagnostic with a printf-style message. */
void
rbac_diag(RbacDiagList *diags, RbacAlloc *alloc, int line, int col,
		  RbacSeverity sev, RbacDiagClass dclass, const char *hint,
		  const char *fmt,...)
{
	va_list		ap;
	char	   *msg;

	va_start(ap, fmt);
	msg = rbac_vformat(alloc, fmt, ap);
	va_end(ap);

	diags->items = rbac_grow(alloc, diags->items, &diags->cap, diags->n + 1,
							 sizeof(RbacDiag));
	diags->items[diags->n++] = (RbacDiag) {
		.line = line, .col = col, .severity = sev, .dclass = dclass,
		.message = msg, .hint = hint ? rbac_strdup(alloc, hint) : NULL
	};
	if (sev == RBAC_SEV_ERROR)
		diags->nerrors++;
}

/* Is there has_role / has_permission under "not" (negated) in e? */
static bool
negated_has(const RbacExpr *e, bool negated)
{
	if (e == NULL)
		return false;
	switch (e->kind)
	{
		case RBAC_EX_NOT:
			return negated_has(e->left, !negated);
		case RBAC_EX_AND:
		case RBAC_EX_OR:
			return negated_has(e->left, negated) || negated_has(e->right, negated);
		case RBAC_EX_HAS_ROLE:
		case RBAC_EX_HAS_PERMISSION:
			return negated;
		default:
			return false;
	}
}

/* See policy.h. */
bool
rbac_policy_monotone(const RbacPolicy *policy)
{
	int			i;

	for (i = 0; policy != NULL && i < policy->nrules; i++)
		if (negated_has(policy->rules[i]->body, false))
			return false;
	return true;
}

/* The word for a term kind in messages: "role", "permission", "relation". */
const char *
rbac_term_word(RbacTermKind kind)
{
	switch (kind)
	{
		case RBAC_TERM_ROLE:
			return "role";
		case RBAC_TERM_PERMISSION:
			return "permission";
		case RBAC_TERM_RELATION:
			return "relation";
	}
	return "term";
}

/*
 * Levenshtein distance between a and b, giving up (returning limit + 1) once
 * every cell of a row exceeds limit.  Bytes, not characters: good enough for
 * suggesting names.
 */
static int
edit_distance(const char *a, const char *b, int limit)
{
	size_t		la = strlen(a);
	size_t		lb = strlen(b);
	int			prev[65];
	int			cur[65];
	size_t		i,
				j;

	if (la > 64 || lb > 64)
		return limit + 1;
	if ((la > lb ? la - lb : lb - la) > (size_t) limit)
		return limit + 1;
	for (j = 0; j <= lb; j++)
		prev[j] = (int) j;
	for (i = 1; i <= la; i++)
	{
		int			rowmin;

		cur[0] = (int) i;
		rowmin = cur[0];
		for (j = 1; j <= lb; j++)
		{
			int			cost = (a[i - 1] == b[j - 1]) ? 0 : 1;
			int			v = prev[j - 1] + cost;

			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			cur[j] = v;
			if (v < rowmin)
				rowmin = v;
		}
		if (rowmin > limit)
			return limit + 1;
		memcpy(prev, cur, sizeof(int) * (lb + 1));
	}
	return prev[lb];
}

/*
 * The candidate closest to name, if it is close enough to be a plausible
 * typo: at most a third of the name's length away (at least 1, at most 3).
 * Ties go to the earliest candidate so suggestions are deterministic.
 */
const char *
rbac_closest(const char *name, const char *const *candidates, int ncandidates)
{
	int			limit = (int) strlen(name) / 3;
	const char *best = NULL;
	int			bestd;
	int			i;

	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	bestd = limit + 1;
	for (i = 0; i < ncandidates; i++)
	{
		int			d;

		if (candidates[i] == NULL || strcmp(candidates[i], name) == 0)
			continue;
		d = edit_distance(name, candidates[i], limit);
		if (d < bestd)
		{
			bestd = d;
			best = candidates[i];
		}
	}
	return best;
}

/* FNV-1a of the name, mixed with the owner pointer. */
static uint32_t
name_hash(const void *owner, const char *name)
{
	uint32_t	h = 2166136261u;
	uint64_t	o = (uint64_t) (uintptr_t) owner;

	for (; *name; name++)
	{
		h ^= (unsigned char) *name;
		h *= 16777619u;
	}
	h ^= (uint32_t) (o >> 4) * 2654435761u;
	h ^= (uint32_t) (o >> 36) * 40503u;
	return h;
}

/* The slot holding (owner, name), or the empty slot where it would go. */
static RbacNameEntry *
name_slot(const RbacNameTable *table, const void *owner, const char *name,
		  uint32_t hash)
{
	uint32_t	mask = (uint32_t) table->cap - 1;
	uint32_t	i = hash & mask;

	for (;;)
	{
		RbacNameEntry *s = &table->slots[i];

		if (s->name == NULL)
			return s;
		if (s->owner == owner && strcmp(s->name, name) == 0)
			return s;
		i = (i + 1) & mask;
	}
}

/* The entry of (owner, name), or NULL. */
RbacNameEntry *
rbac_names_find(const RbacNameTable *table, const void *owner,
				const char *name)
{
	RbacNameEntry *s;

	if (name == NULL || table->cap == 0)
		return NULL;
	s = name_slot(table, owner, name, name_hash(owner, name));
	return s->name ? s : NULL;
}

/*
 * Give table room for its slots to stay at most half full.  Old slot
 * arrays are abandoned to the arena: doubling keeps the total linear.
 */
static void
names_grow(RbacAlloc *alloc, RbacNameTable *table, int need)
{
	RbacNameEntry *old = table->slots;
	int			oldcap = table->cap;
	int			i;

	if (need * 2 <= table->cap)
		return;
	if (table->cap == 0)
		table->cap = 8;
	while (need * 2 > table->cap)
		table->cap *= 2;
	table->slots = rbac_alloc(alloc,
							  sizeof(RbacNameEntry) * (size_t) table->cap);
	for (i = 0; i < oldcap; i++)
		if (old[i].name != NULL)
			*name_slot(table, old[i].owner, old[i].name,
					   name_hash(old[i].owner, old[i].name)) = old[i];
}

/* Make room in table for n more names, so that adding them never rehashes. */
void
rbac_names_reserve(RbacAlloc *alloc, RbacNameTable *table, int n)
{
	if (n > 0)
		names_grow(alloc, table, table->count + n);
}

/* The entry of (owner, name), added with position idx when absent. */
RbacNameEntry *
rbac_names_add(RbacAlloc *alloc, RbacNameTable *table, const void *owner,
			   const char *name, int idx)
{
	uint32_t	hash;
	RbacNameEntry *s;

	if (name == NULL)
		return NULL;
	hash = name_hash(owner, name);
	names_grow(alloc, table, table->count + 1);
	s = name_slot(table, owner, name, hash);
	if (s->name != NULL)
		return s;
	s->name = name;
	s->owner = owner;
	s->idx = idx;
	s->serial = 0;
	table->count++;
	return s;
}

/*
 * Is join, or a variable it was joined from, the join of a path (ref)?
 * The rule bodies' evaluators (sqlgen.c, policy_test.c) ask it of the
 * relation hops they have given a row.
 */
bool
rbac_join_covers(const RbacJoinRef *ref, const RbacJoinRef *join)
{
	for (; ref != NULL; ref = ref->parent)
		if (ref == join)
			return true;
	return false;
}

/* The variable a chain of joins starts from. */
const RbacJoinRef *
rbac_join_root(const RbacJoinRef *ref)
{
	while (ref->parent != NULL)
		ref = ref->parent;
	return ref;
}

/*
 * The path operands of a leaf condition, in paths (room for 4): its
 * sides, the array of "in", the target of has_role / has_permission.
 */
int
rbac_expr_paths(const RbacExpr *e, const RbacPath **paths)
{
	const RbacOperand *all[4];
	int			n = 0;
	int			i;

	all[0] = e->a;
	all[1] = e->b;
	all[2] = e->b_array;
	all[3] = e->target;
	for (i = 0; i < 4; i++)
		if (all[i] != NULL && all[i]->kind == RBAC_OP_PATH)
			paths[n++] = &all[i]->path;
	return n;
}

/*
 * Is e "x = nil"?  Then *ne is "x != nil": through a join table, x is nil
 * when no related row gives it a value (not x != nil).
 */
bool
rbac_expr_nil_eq(const RbacExpr *e, RbacExpr *ne)
{
	if (e->kind != RBAC_EX_CMP || e->op != RBAC_CMP_EQ ||
		(e->a->kind != RBAC_OP_NIL && e->b->kind != RBAC_OP_NIL))
		return false;
	*ne = *e;
	ne->op = RBAC_CMP_NE;
	return true;
}

/*
 * The conjuncts of the "and" chain e (e itself when it is no "and"): their
 * number, and rbac_expr_conjuncts appends them to items from index n (room
 * for rbac_expr_nconjuncts(e) more) and returns the new count.  The parser
 * balances chains, so the recursion is as deep as the nesting it allows.
 */
int
rbac_expr_nconjuncts(const RbacExpr *e)
{
	if (e->kind != RBAC_EX_AND)
		return 1;
	return rbac_expr_nconjuncts(e->left) + rbac_expr_nconjuncts(e->right);
}

int
rbac_expr_conjuncts(const RbacExpr *e, RbacExpr **items, int n)
{
	if (e->kind != RBAC_EX_AND)
	{
		items[n] = (RbacExpr *) e;
		return n + 1;
	}
	n = rbac_expr_conjuncts(e->left, items, n);
	return rbac_expr_conjuncts(e->right, items, n);
}
