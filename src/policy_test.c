/*-------------------------------------------------------------------------
 *
 * policy_test.c
 *	  A ground evaluator of the policy: runs test blocks (rbac_run_tests)
 *	  on the validated policy and each test's setup facts alone, with no
 *	  tables and no role-data catalogs (docs/policy-language.md, "Testing
 *	  a policy").
 *
 * A test's world is its facts: every Type{"id"} named in the test is an
 * existing row of its type; has_role facts are role assignments (global
 * when they name no resource), has_group facts memberships (a group's
 * roles hold for its members, to any depth), has_relation facts the values
 * of relation columns, and name(x, value) facts the columns read by
 * last-mile rules (a column with no fact is NULL).
 *
 * The derivation is eval.c's, on these facts instead of the catalogs and
 * bound tables, so that a test decides what rbac.is_allowed decides on the
 * same data (TAP t/034_test_blocks.pl compares them on random worlds):
 *
 *	- direct assignments to the actor or a group it belongs to;
 *	- last-mile rules whose body is true, with sqlgen.c's SQL semantics:
 *	  three-valued logic where a comparison with a NULL is unknown, "not"
 *	  counts unknown as false before negating, "x = nil" is IS NULL, the
 *	  actor compared with a relation to an actor type is equal when type
 *	  and id are, a comparison with the actor's id compares text, and a
 *	  "x in r.column" over an array is x = ANY (array), and a
 *	  nested has_role / has_permission is a check of its own (rbac._holds),
 *	  true when it holds on any resource the relation reaches (several
 *	  has_relation facts: a join table), false when it would ask again a
 *	  question it is already answering (answers tabled per world and
 *	  actor as holds.c tables them, so that recursion through relations
 *	  with many targets is not exponential), and global "G" in a rule
 *	  compiled from a condition holds
 *	  when the actor set holds a global role that grants G;
 *	- then the shorthand rules to their least fixpoint (implications,
 *	  "on" relations of any length, relations to actors, global roles).
 *
 * Values: strings, numbers, booleans, lists.  A number and a string that
 * spells a number compare as numbers (ids are strings: Repo{"42"} against
 * 42); other mixes are unknown (in the engine they are type errors);
 * strings compare byte by byte (the C collation).
 *
 * Plain C, no PostgreSQL headers: links into tests/fuzz like the parser.
 * Memory comes from the caller's arena.  Each evaluation is bounded by a
 * work budget, so that a policy whose nested checks branch without end
 * cannot hold the caller.  Like eval.c's, an evaluation looks only at the
 * asked node and the nodes its relations reach.
 *
 *-------------------------------------------------------------------------
 */
#include "policy.h"
#include "tabling.h"

#include <stdlib.h>
#include <string.h>

#define WORK_BUDGET		10000000L	/* steps for one assertion */

/* Three-valued truth. */
typedef enum Tv
{
	TV_FALSE,
	TV_TRUE,
	TV_NULL
} Tv;

typedef enum VKind
{
	V_NULL,
	V_STR,
	V_NUM,
	V_BOOL,
	V_LIST
} VKind;

typedef struct Val
{
	VKind		k;
	const char *s;				/* STR, NUM (the literal) */
	bool		b;				/* BOOL */
	RbacOperand **items;		/* LIST */
	int			nitems;
} Val;

/* A row of the world: an actor or a resource named in the test. */
typedef struct Node
{
	RbacType   *type;
	const char *id;
	int		  **rel;			/* per term: related nodes */
	int		   *nrel;
	int		   *relcap;
	RbacFact  **cols;			/* valued facts (the last one wins) */
	int			ncols;
	int			colcap;
	RbacFact  **roles;			/* has_role facts on this node */
	int			nroles;
	int			rolecap;
	int		   *groups;			/* groups this actor is a member of */
	int			ngroups;
	int			groupcap;
} Node;

/* A shorthand rule with its names resolved to positions. */
typedef struct SRule
{
	int			head;
	RbacBodyKind kind;
	int			body;			/* term (of the via type), relation, or
								 * global role position */
	int			via;			/* relation term of the rule's type, or -1 */
} SRule;

/* A last-mile rule with the position of the term it grants. */
typedef struct LRule
{
	RbacRule   *rule;
	int			term;
} LRule;

typedef struct World
{
	RbacPolicy *pol;
	RbacAlloc  *alloc;
	Node	   *nodes;
	int			nnodes;
	int			nodecap;
	RbacNameTable index;		/* (type, id) -> node */
	RbacFact  **globals;		/* global has_role facts */
	int			nglobals;
	int			globalcap;
	SRule	  **srules;			/* per type position */
	int		   *nsrules;
	LRule	   *lrules;
	int			nlrules;
	int			nheld;			/* terms of all nodes (held flags) */
	struct EvalBuf *bufs;		/* per nesting depth of checks */
	int			bufcap;
	RbacGoals	goals;			/* nested checks: node * maxterms + term */
	int			maxterms;		/* most terms of a type */
	int			goals_actor;	/* the actor node goals are of, or -1 */
	long		work;
	bool		over;			/* the work budget ran out */
} World;

/*
 * The memory of the evaluations at one nesting depth, reused by each of
 * them (so memory grows with the depth of nested checks, not with their
 * number).
 */
typedef struct EvalBuf
{
	int			nodecap;		/* nodes and held flags it has room for */
	int			heldcap;
	bool	   *inset;
	int		   *queue;
	bool	   *inreach;
	int		   *reach;			/* nodes reached from the asked one */
	bool	  **held;
	bool	   *heldflat;
	bool	   *ghold;
	bool	  **relevant;
	bool	   *relflat;
	int			nrelflat;
} EvalBuf;

/* One evaluation: one actor, one asked term. */
typedef struct Eval
{
	World	   *w;
	int			actor;			/* node of the actor */
	bool	   *inset;			/* per node: in the actor set */
	bool	  **held;			/* per node, per term */
	bool	   *ghold;			/* per global role */
	bool	  **relevant;		/* per type position, per term */
	int			depth;			/* of nested checks */
} Eval;

static bool holds(World *w, int actor, int node, int term, int depth);
static bool holds_global(World *w, const bool *inset, int g);


/* ---------------------------------------------------------------------
 * The world
 * ---------------------------------------------------------------------
 */

/* Position of the term of t called name, or -1. */
static int
term_index(const RbacType *t, const char *name)
{
	int			i;

	if (t == NULL || name == NULL)
		return -1;
	for (i = 0; i < t->nterms; i++)
		if (t->terms[i].name && strcmp(t->terms[i].name, name) == 0)
			return i;
	return -1;
}

/* Position of a global role, or -1. */
static int
global_index(const RbacPolicy *pol, const char *name)
{
	int			i;

	for (i = 0; name && i < pol->nglobals; i++)
		if (pol->globals[i].name && strcmp(pol->globals[i].name, name) == 0)
			return i;
	return -1;
}

/* The node of (type, id), or -1. */
static int
find_node(World *w, const RbacType *t, const char *id)
{
	RbacNameEntry *e = rbac_names_find(&w->index, t, id);

	return e ? e->idx : -1;
}

/* The node of a reference, added when new; -1 for an unresolved one. */
static int
ref_node(World *w, const RbacTestRef *ref)
{
	int			n;
	Node	   *node;

	if (ref->rtype == NULL || ref->id == NULL)
		return -1;
	n = find_node(w, ref->rtype, ref->id);
	if (n >= 0)
		return n;
	w->nodes = rbac_grow(w->alloc, w->nodes, &w->nodecap, w->nnodes + 1,
						 sizeof(Node));
	node = &w->nodes[w->nnodes];
	memset(node, 0, sizeof(Node));
	node->type = ref->rtype;
	node->id = ref->id;
	node->rel = rbac_alloc(w->alloc, sizeof(int *) * (size_t) (ref->rtype->nterms + 1));
	node->nrel = rbac_alloc(w->alloc, sizeof(int) * (size_t) (ref->rtype->nterms + 1));
	node->relcap = rbac_alloc(w->alloc, sizeof(int) * (size_t) (ref->rtype->nterms + 1));
	rbac_names_add(w->alloc, &w->index, ref->rtype, ref->id, w->nnodes);
	return w->nnodes++;
}

/* Resolve the policy's rules once per run. */
static void
resolve_rules(World *w)
{
	RbacPolicy *pol = w->pol;
	int			i,
				r;

	w->srules = rbac_alloc(w->alloc, sizeof(SRule *) * (size_t) (pol->ntypes + 1));
	w->nsrules = rbac_alloc(w->alloc, sizeof(int) * (size_t) (pol->ntypes + 1));
	for (i = 0; i < pol->ntypes; i++)
	{
		RbacType   *t = pol->types[i];

		w->srules[i] = rbac_alloc(w->alloc, sizeof(SRule) * (size_t) (t->nrules + 1));
		for (r = 0; r < t->nrules; r++)
		{
			RbacShorthand *sh = &t->rules[r];
			SRule		s;
			RbacType   *bt = t;

			s.head = term_index(t, sh->head);
			s.kind = sh->body_kind;
			s.via = sh->via ? term_index(t, sh->via) : -1;
			if (sh->via)
				bt = sh->via_type;
			if (s.head < 0 || (sh->via && (s.via < 0 || bt == NULL)))
				continue;
			if (s.kind == RBAC_BODY_GLOBAL)
				s.body = global_index(pol, sh->body);
			else if (s.kind == RBAC_BODY_TERM || s.kind == RBAC_BODY_ACTOR_RELATION)
				s.body = term_index(bt, sh->body);
			else
				continue;
			if (s.body < 0)
				continue;
			w->srules[i][w->nsrules[i]++] = s;
		}
	}
	w->lrules = rbac_alloc(w->alloc, sizeof(LRule) * (size_t) (pol->nrules + 1));
	for (r = 0; r < pol->nrules; r++)
	{
		RbacRule   *rule = pol->rules[r];
		int			term;

		if (rule == NULL || rule->rtype == NULL || rule->body == NULL)
			continue;
		term = term_index(rule->rtype, rule->name);
		if (term < 0 || rule->rtype->terms[term].kind == RBAC_TERM_RELATION)
			continue;
		w->lrules[w->nlrules].rule = rule;
		w->lrules[w->nlrules].term = term;
		w->nlrules++;
	}
}

/* Add to *arr (of *n, capacity *cap) the value v. */
static void
push_int(World *w, int **arr, int *n, int *cap, int v)
{
	*arr = rbac_grow(w->alloc, *arr, cap, *n + 1, sizeof(int));
	(*arr)[(*n)++] = v;
}

/* Build the world of one test from its facts and assertions. */
static void
build_world(World *w, RbacTest *test)
{
	int			i;

	w->nnodes = 0;
	w->nglobals = 0;
	memset(&w->index, 0, sizeof(w->index));
	for (i = 0; i < test->nasserts; i++)
	{
		ref_node(w, &test->asserts[i].actor);
		ref_node(w, &test->asserts[i].resource);
	}
	for (i = 0; i < test->nfacts; i++)
	{
		RbacFact   *f = &test->facts[i];
		int			s = ref_node(w, &f->subject);
		int			o = ref_node(w, &f->object);
		Node	   *sn;
		int			term;

		if (s < 0)
			continue;
		sn = &w->nodes[s];
		switch (f->kind)
		{
			case RBAC_FACT_ROLE:
				if (f->object.type == NULL)
				{
					w->globals = rbac_grow(w->alloc, w->globals, &w->globalcap,
										   w->nglobals + 1, sizeof(RbacFact *));
					w->globals[w->nglobals++] = f;
				}
				else if (o >= 0)
				{
					Node	   *on = &w->nodes[o];

					on->roles = rbac_grow(w->alloc, on->roles, &on->rolecap,
										  on->nroles + 1, sizeof(RbacFact *));
					on->roles[on->nroles++] = f;
				}
				break;
			case RBAC_FACT_RELATION:
				term = term_index(sn->type, f->name);
				if (o >= 0 && term >= 0)
					push_int(w, &sn->rel[term], &sn->nrel[term],
							 &sn->relcap[term], o);
				break;
			case RBAC_FACT_GROUP:
				if (o >= 0)
					push_int(w, &sn->groups, &sn->ngroups, &sn->groupcap, o);
				break;
			case RBAC_FACT_VALUE:
				sn->cols = rbac_grow(w->alloc, sn->cols, &sn->colcap,
									 sn->ncols + 1, sizeof(RbacFact *));
				sn->cols[sn->ncols++] = f;
				break;
		}
	}
	w->nheld = 0;
	for (i = 0; i < w->nnodes; i++)
		w->nheld += w->nodes[i].type->nterms + 1;
}


/* ---------------------------------------------------------------------
 * Values and comparisons (sqlgen.c's SQL, evaluated on the facts)
 * ---------------------------------------------------------------------
 */

static Val
null_val(void)
{
	Val			v = {.k = V_NULL};

	return v;
}

static Val
str_val(const char *s)
{
	Val			v = {.k = V_STR, .s = s};

	return v;
}

/* The value of a literal. */
static Val
literal_val(const RbacOperand *o)
{
	Val			v = {.k = V_NULL};

	switch (o->kind)
	{
		case RBAC_OP_STRING:
			v.k = V_STR;
			v.s = o->text;
			break;
		case RBAC_OP_INTEGER:
		case RBAC_OP_DECIMAL:
			v.k = V_NUM;
			v.s = o->text;
			break;
		case RBAC_OP_BOOL:
			v.k = V_BOOL;
			v.b = o->bval;
			break;
		default:
			break;
	}
	return v;
}

/* The column name of node n: its last valued fact, or NULL. */
static Val
column_val(const Node *n, const char *name)
{
	int			i;

	for (i = n->ncols - 1; i >= 0; i--)
	{
		RbacFact   *f = n->cols[i];

		if (strcmp(f->name, name) != 0)
			continue;
		if (f->is_list)
		{
			Val			v = {.k = V_LIST, .items = f->values, .nitems = f->nvalues};

			return v;
		}
		return literal_val(f->values[0]);
	}
	return null_val();
}

/* Is s a whole number literal?  Its value in *d. */
static bool
as_number(const char *s, double *d)
{
	char	   *end;

	if (s == NULL || *s == '\0')
		return false;
	*d = strtod(s, &end);
	return *end == '\0' && end != s;
}

/* The truth of "x op y" for an ordering result c (<0, 0, >0). */
static Tv
ordered(RbacCmpOp op, int c)
{
	bool		r;

	switch (op)
	{
		case RBAC_CMP_EQ:
			r = c == 0;
			break;
		case RBAC_CMP_NE:
			r = c != 0;
			break;
		case RBAC_CMP_LT:
			r = c < 0;
			break;
		case RBAC_CMP_LE:
			r = c <= 0;
			break;
		case RBAC_CMP_GT:
			r = c > 0;
			break;
		default:
			r = c >= 0;
			break;
	}
	return r ? TV_TRUE : TV_FALSE;
}

/* A value as the text SQL's ::text gives, or NULL. */
static const char *
val_text(const Val *v)
{
	switch (v->k)
	{
		case V_STR:
		case V_NUM:
			return v->s;
		case V_BOOL:
			return v->b ? "true" : "false";
		default:
			return NULL;
	}
}

/* a op b on typed values; as_text compares both as text (the actor id). */
static Tv
compare(RbacCmpOp op, const Val *a, const Val *b, bool as_text)
{
	double		x,
				y;

	if (as_text)
	{
		const char *s = val_text(a);
		const char *t = val_text(b);

		if (s == NULL || t == NULL)
			return TV_NULL;
		return ordered(op, strcmp(s, t));
	}
	if (a->k == V_NULL || b->k == V_NULL || a->k == V_LIST || b->k == V_LIST)
		return TV_NULL;
	if (a->k == V_BOOL || b->k == V_BOOL)
	{
		if (a->k != b->k)
			return TV_NULL;
		return ordered(op, (int) a->b - (int) b->b);
	}
	if (a->k == V_STR && b->k == V_STR)
		return ordered(op, strcmp(a->s, b->s));
	if (!as_number(a->s, &x) || !as_number(b->s, &y))
		return TV_NULL;
	return ordered(op, x < y ? -1 : x > y ? 1 : 0);
}

/*
 * SQL's three-valued and (dominant TV_FALSE) and or (dominant TV_TRUE):
 * dominant when a or b is, else NULL when a or b is, else the other value.
 */
static Tv
tv_join(Tv a, Tv b, Tv dominant)
{
	if (a == dominant || b == dominant)
		return dominant;
	if (a == TV_NULL || b == TV_NULL)
		return TV_NULL;
	return dominant == TV_FALSE ? TV_TRUE : TV_FALSE;
}


/* ---------------------------------------------------------------------
 * Last-mile rule bodies
 * ---------------------------------------------------------------------
 */

/* What a body is evaluated on. */
typedef struct BodyCtx
{
	Eval	   *ev;
	RbacRule   *rule;
	int			rnode;			/* the resource's node */
	bool		failed;			/* refers to what cannot be evaluated */
} BodyCtx;

/*
 * The value of a path, and in *end the node it ends on (-1 when it ends
 * on a column or on nothing).
 */
static Val
path_val(BodyCtx *bc, const RbacPath *p, int *end)
{
	World	   *w = bc->ev->w;
	int			node = p->var_index == 0 ? bc->ev->actor : bc->rnode;
	int			nrel = p->nhops + (p->tail == RBAC_TAIL_RELATION ? 1 : 0);
	int			i;

	*end = -1;
	if (p->tail == RBAC_TAIL_SELF || (p->tail == RBAC_TAIL_ID && p->nhops == 0))
	{
		*end = node;
		return str_val(w->nodes[node].id);
	}
	if (p->var_index == 0 && bc->rule->atype == NULL)
	{
		/* fields of an untyped actor: the engine's rule cannot hold */
		bc->failed = true;
		return null_val();
	}
	for (i = 0; i < nrel; i++)
	{
		Node	   *n = &w->nodes[node];
		int			term = term_index(n->type, p->fields[i]);

		if (term < 0 || n->type->terms[term].kind != RBAC_TERM_RELATION)
		{
			bc->failed = true;
			return null_val();
		}
		if (n->nrel[term] == 0)
			return null_val();
		node = n->rel[term][0];
	}
	if (p->tail == RBAC_TAIL_COLUMN)
		return column_val(&w->nodes[node], p->fields[p->nfields - 1]);
	*end = node;
	return str_val(w->nodes[node].id);
}

/* The value of an operand (*end as for path_val). */
static Val
operand_val(BodyCtx *bc, const RbacOperand *o, int *end)
{
	*end = -1;
	if (o->kind != RBAC_OP_PATH)
		return literal_val(o);
	return path_val(bc, &o->path, end);
}

/* Is operand o the actor variable itself? */
static bool
is_actor_self(const RbacOperand *o)
{
	return o->kind == RBAC_OP_PATH && o->path.var_index == 0 &&
		o->path.tail == RBAC_TAIL_SELF;
}

/* Is operand o the actor's id (compared as text)? */
static bool
is_actor_id(const RbacOperand *o)
{
	return o->kind == RBAC_OP_PATH && o->path.var_index == 0 &&
		o->path.tail == RBAC_TAIL_ID;
}

/* A comparison. */
static Tv
eval_cmp(BodyCtx *bc, const RbacExpr *e)
{
	World	   *w = bc->ev->w;
	int			ea,
				eb;
	Val			a = operand_val(bc, e->a, &ea);
	Val			b = operand_val(bc, e->b, &eb);

	/* x = nil, x != nil: IS [NOT] NULL */
	if (e->a->kind == RBAC_OP_NIL || e->b->kind == RBAC_OP_NIL)
	{
		bool		isnull = (e->a->kind == RBAC_OP_NIL ? b.k : a.k) == V_NULL;

		return (e->op == RBAC_CMP_NE ? !isnull : isnull) ? TV_TRUE : TV_FALSE;
	}
	/* the actor against a relation to an actor: same type and id */
	if (is_actor_self(e->a) || is_actor_self(e->b))
	{
		const RbacOperand *rel = is_actor_self(e->a) ? e->b : e->a;
		const Val  *other = is_actor_self(e->a) ? &b : &a;
		const char *text = val_text(other);
		const Node *actor = &w->nodes[bc->ev->actor];
		bool		eq = text != NULL && strcmp(text, actor->id) == 0;

		if (eq && rel->kind == RBAC_OP_PATH &&
			rel->path.tail == RBAC_TAIL_RELATION && rel->path.end_type)
			eq = strcmp(rel->path.end_type->name, actor->type->name) == 0;
		return (e->op == RBAC_CMP_NE ? !eq : eq) ? TV_TRUE : TV_FALSE;
	}
	return compare(e->op, &a, &b, is_actor_id(e->a) || is_actor_id(e->b));
}

/* The nested check of term name on node end, tabled (tabling.c). */
static Tv
nested_check(Eval *ev, int end, const char *name)
{
	World	   *w = ev->w;
	int			term = term_index(w->nodes[end].type, name);
	int			gi;
	RbacGoalFrame frame;
	bool		held;

	if (term < 0 || w->nodes[end].type->terms[term].kind == RBAC_TERM_RELATION)
		return TV_FALSE;
	gi = end * w->maxterms + term;
	switch (rbac_goal_lookup(&w->goals, gi))
	{
		case RBAC_GOAL_TRUE:
			return TV_TRUE;
		case RBAC_GOAL_UNKNOWN:
			break;
		default:
			return TV_FALSE;
	}
	rbac_goal_begin(&w->goals, gi, &frame);
	held = holds(w, ev->actor, end, term, ev->depth + 1);
	rbac_goal_end(&w->goals, &frame, held);
	return held ? TV_TRUE : TV_FALSE;
}

/*
 * The nested check on the nodes the relations of path p reach from node,
 * hop i on: true when it holds on any of them (a relation with several
 * targets, as through a join table, relates each).
 */
static Tv
nested_check_any(BodyCtx *bc, const RbacExpr *e, int node, int i, int nrel)
{
	World	   *w = bc->ev->w;
	const RbacPath *p = &e->target->path;
	Node	   *n = &w->nodes[node];
	int			term;
	int			k;

	if (i == nrel)
		return nested_check(bc->ev, node, e->name);
	term = term_index(n->type, p->fields[i]);
	if (term < 0 || n->type->terms[term].kind != RBAC_TERM_RELATION)
	{
		bc->failed = true;
		return TV_FALSE;
	}
	for (k = 0; k < n->nrel[term]; k++)
		if (nested_check_any(bc, e, n->rel[term][k], i + 1, nrel) == TV_TRUE)
			return TV_TRUE;
	return TV_FALSE;
}

/* A nested has_role / has_permission: a check of its own. */
static Tv
eval_has(BodyCtx *bc, const RbacExpr *e)
{
	const RbacPath *p;
	int			end;
	Val			v;

	if (e->target == NULL || e->target->kind != RBAC_OP_PATH ||
		e->target->path.end_type == NULL)
	{
		bc->failed = true;
		return TV_FALSE;
	}
	p = &e->target->path;
	if (p->tail == RBAC_TAIL_RELATION &&
		(p->var_index != 0 || bc->rule->atype != NULL))
		return nested_check_any(bc, e, p->var_index == 0 ? bc->ev->actor : bc->rnode,
								0, p->nhops + 1);
	v = path_val(bc, p, &end);
	if (v.k == V_NULL || end < 0)
		return TV_FALSE;
	return nested_check(bc->ev, end, e->name);
}

/* The truth of a body expression. */
static Tv
eval_expr(BodyCtx *bc, const RbacExpr *e)
{
	int			i;
	int			end;
	Tv			r;
	Val			a;

	if (e == NULL)
		return TV_FALSE;
	bc->ev->w->work++;
	switch (e->kind)
	{
		case RBAC_EX_TRUE:
			return TV_TRUE;
		case RBAC_EX_AND:
			return tv_join(eval_expr(bc, e->left), eval_expr(bc, e->right),
						   TV_FALSE);
		case RBAC_EX_OR:
			return tv_join(eval_expr(bc, e->left), eval_expr(bc, e->right),
						   TV_TRUE);
		case RBAC_EX_NOT:
			return eval_expr(bc, e->left) == TV_TRUE ? TV_FALSE : TV_TRUE;
		case RBAC_EX_CMP:
			return eval_cmp(bc, e);
		case RBAC_EX_IN:
			a = operand_val(bc, e->a, &end);
			r = TV_FALSE;
			if (e->b_array != NULL)
			{
				/* a = ANY (array column): NULL array or elements: unknown */
				Val			arr = operand_val(bc, e->b_array, &end);

				if (arr.k != V_LIST)
					return TV_NULL;
				for (i = 0; i < arr.nitems; i++)
				{
					Val			b = literal_val(arr.items[i]);

					r = tv_join(r, compare(RBAC_CMP_EQ, &a, &b, is_actor_id(e->a)),
						    TV_TRUE);
				}
				return r;
			}
			for (i = 0; i < e->nlist; i++)
			{
				Val			b = literal_val(e->list[i]);

				r = tv_join(r, compare(RBAC_CMP_EQ, &a, &b, is_actor_id(e->a)),
					    TV_TRUE);
			}
			return r;
		case RBAC_EX_OPERAND:
			a = operand_val(bc, e->a, &end);
			return (a.k == V_BOOL && a.b) ? TV_TRUE : TV_FALSE;
		case RBAC_EX_HAS_ROLE:
		case RBAC_EX_HAS_PERMISSION:
			return eval_has(bc, e);
		case RBAC_EX_GLOBAL:
			/* held by the actor set, as for "X" if global "G"; */
			for (i = 0; i < e->ngrants; i++)
			{
				int			g = global_index(bc->ev->w->pol, e->grants[i]);

				if (g >= 0 && bc->ev->ghold[g])
					return TV_TRUE;
			}
			return TV_FALSE;
		case RBAC_EX_MATCHES:
		case RBAC_EX_HAS_RELATION:
			/* joins: validation rewrote them into paths */
			bc->failed = true;
			return TV_FALSE;
	}
	return TV_FALSE;
}

/* Does the actor match a last-mile rule's actor parameter? */
static bool
actor_matches(Eval *ev, const RbacRule *rule)
{
	switch (rule->actor_kind)
	{
		case RBAC_ACTOR_ANYONE:
		case RBAC_ACTOR_ANY_ACTOR:
			return true;
		case RBAC_ACTOR_TYPED:
		default:
			return rule->actor_type != NULL &&
				strcmp(ev->w->nodes[ev->actor].type->name, rule->actor_type) == 0;
	}
}

/* Is last-mile rule lr's body true for the evaluation's actor on node n? */
static bool
lastmile_holds(Eval *ev, const LRule *lr, int n)
{
	BodyCtx		bc = {.ev = ev, .rule = lr->rule, .rnode = n};
	Tv			r;

	if (!actor_matches(ev, lr->rule))
		return false;
	r = eval_expr(&bc, lr->rule->body);
	return r == TV_TRUE && !bc.failed;
}


/* ---------------------------------------------------------------------
 * The derivation
 * ---------------------------------------------------------------------
 */

/* Mark (t, term) relevant and, backwards through the rules, what feeds it. */
static void
mark_relevant(Eval *ev, RbacType *t, int term)
{
	World	   *w = ev->w;
	int			r;

	if (t == NULL || term < 0 || ev->relevant[t->index][term])
		return;
	ev->relevant[t->index][term] = true;
	for (r = 0; r < w->nsrules[t->index]; r++)
	{
		SRule	   *s = &w->srules[t->index][r];
		RbacType   *bt = t;

		if (s->head != term || s->kind != RBAC_BODY_TERM)
			continue;
		if (s->via >= 0)
			bt = t->terms[s->via].target_type;
		mark_relevant(ev, bt, s->body);
	}
}

/* Is the actor one of the nodes related to n through relation term? */
static bool
related_actor(Eval *ev, const Node *n, int term)
{
	int			k;

	for (k = 0; k < n->nrel[term]; k++)
		if (n->rel[term][k] == ev->actor)
			return true;
	return false;
}

/* Does shorthand rule s hold on node n? */
static bool
srule_holds(Eval *ev, const Node *n, const SRule *s)
{
	World	   *w = ev->w;
	int			k;

	switch (s->kind)
	{
		case RBAC_BODY_TERM:
			if (s->via < 0)
				return ev->held[n - w->nodes][s->body];
			for (k = 0; k < n->nrel[s->via]; k++)
				if (ev->held[n->rel[s->via][k]][s->body])
					return true;
			return false;
		case RBAC_BODY_ACTOR_RELATION:
			if (s->via < 0)
				return related_actor(ev, n, s->body);
			for (k = 0; k < n->nrel[s->via]; k++)
				if (related_actor(ev, &w->nodes[n->rel[s->via][k]], s->body))
					return true;
			return false;
		case RBAC_BODY_GLOBAL:
			return ev->ghold[s->body];
		default:
			return false;
	}
}

/*
 * The buffer of nesting depth depth, with room for the current world,
 * its flags cleared.
 */
static EvalBuf *
get_buf(World *w, int depth)
{
	RbacPolicy *pol = w->pol;
	EvalBuf    *b;
	int			i,
				off;

	if (depth >= w->bufcap)
	{
		int			old = w->bufcap;

		w->bufs = rbac_grow(w->alloc, w->bufs, &w->bufcap, depth + 1,
							sizeof(EvalBuf));
		memset(&w->bufs[old], 0, sizeof(EvalBuf) * (size_t) (w->bufcap - old));
	}
	b = &w->bufs[depth];
	if (b->relevant == NULL)
	{
		for (i = 0; i < pol->ntypes; i++)
			b->nrelflat += pol->types[i]->nterms + 1;
		b->relflat = rbac_alloc(w->alloc, (size_t) b->nrelflat + 1);
		b->relevant = rbac_alloc(w->alloc, sizeof(bool *) * (size_t) (pol->ntypes + 1));
		for (i = 0, off = 0; i < pol->ntypes; i++)
		{
			b->relevant[i] = b->relflat + off;
			off += pol->types[i]->nterms + 1;
		}
		b->ghold = rbac_alloc(w->alloc, sizeof(bool) * (size_t) (pol->nglobals + 1));
	}
	if (b->nodecap < w->nnodes + 1)
	{
		b->nodecap = w->nnodes + 1;
		b->inset = rbac_alloc(w->alloc, sizeof(bool) * (size_t) b->nodecap);
		b->queue = rbac_alloc(w->alloc, sizeof(int) * (size_t) b->nodecap);
		b->inreach = rbac_alloc(w->alloc, sizeof(bool) * (size_t) b->nodecap);
		b->reach = rbac_alloc(w->alloc, sizeof(int) * (size_t) b->nodecap);
		b->held = rbac_alloc(w->alloc, sizeof(bool *) * (size_t) b->nodecap);
	}
	if (b->heldcap < w->nheld + 1)
	{
		b->heldcap = w->nheld + 1;
		b->heldflat = rbac_alloc(w->alloc, (size_t) b->heldcap);
	}
	memset(b->inset, 0, sizeof(bool) * (size_t) (w->nnodes + 1));
	memset(b->inreach, 0, sizeof(bool) * (size_t) (w->nnodes + 1));
	memset(b->heldflat, 0, (size_t) w->nheld + 1);
	memset(b->relflat, 0, (size_t) b->nrelflat + 1);
	memset(b->ghold, 0, sizeof(bool) * (size_t) (pol->nglobals + 1));
	for (i = 0, off = 0; i < w->nnodes; i++)
	{
		b->held[i] = b->heldflat + off;
		off += w->nodes[i].type->nterms + 1;
	}
	w->work += w->nheld + w->nnodes + b->nrelflat;
	return b;
}

/*
 * Breadth-first walks: add node to the set in (listed in order in list,
 * *n long) unless it is there already.
 */
static void
visit(bool *in, int *list, int *n, int node)
{
	if (!in[node])
	{
		in[node] = true;
		list[(*n)++] = node;
	}
}

/*
 * Fill b->inset: the actor and every group it belongs to, at any depth.
 */
static bool *
actor_set(World *w, EvalBuf *b, int actor)
{
	int			nq = 0;
	int			i,
				k;

	visit(b->inset, b->queue, &nq, actor);
	for (i = 0; i < nq; i++)
		for (k = 0; k < w->nodes[b->queue[i]].ngroups; k++)
			visit(b->inset, b->queue, &nq, w->nodes[b->queue[i]].groups[k]);
	return b->inset;
}

/*
 * Does the actor set hold the global role or permission called name: is
 * one of the global roles that grant it (itself, or through the rules of
 * the global block, transitively) assigned to it?
 */
static bool
holds_global_name(World *w, const bool *inset, const char *name)
{
	RbacPolicy *pol = w->pol;
	const char **seen = rbac_alloc(w->alloc, sizeof(char *) * (size_t) (pol->ngrules + 2));
	int			nseen = 0;
	int			i,
				k;

	seen[nseen++] = name;
	for (k = 0; k < nseen; k++)
	{
		int			g = global_index(pol, seen[k]);

		RBAC_INTERRUPT_POINT();
		if (g >= 0 && holds_global(w, inset, g))
			return true;
		for (i = 0; i < pol->ngrules; i++)
		{
			RbacShorthand *r = &pol->grules[i];
			bool		dup = false;
			int			j;

			if (r->head == NULL || r->body == NULL || strcmp(r->head, seen[k]) != 0)
				continue;
			for (j = 0; j < nseen && !dup; j++)
				dup = strcmp(seen[j], r->body) == 0;
			if (!dup && nseen < pol->ngrules + 2)
				seen[nseen++] = r->body;
		}
	}
	return false;
}

/* Does the actor set hold global role g? */
static bool
holds_global(World *w, const bool *inset, int g)
{
	int			i;

	for (i = 0; i < w->nglobals; i++)
	{
		RbacFact   *f = w->globals[i];
		int			s = find_node(w, f->subject.rtype, f->subject.id);

		if (s >= 0 && inset[s] && global_index(w->pol, f->name) == g)
			return true;
	}
	return false;
}

/*
 * Fill b->reach with node and every node reached from it through relation
 * facts (the engine's node graph); returns how many.
 */
static int
reach_from(World *w, EvalBuf *b, int node)
{
	int			n = 0;
	int			i,
				t,
				k;

	visit(b->inreach, b->reach, &n, node);
	for (i = 0; i < n; i++)
	{
		Node	   *x = &w->nodes[b->reach[i]];

		for (t = 0; t < x->type->nterms; t++)
			for (k = 0; k < x->nrel[t]; k++)
				visit(b->inreach, b->reach, &n, x->rel[t][k]);
	}
	return n;
}

/*
 * Apply the shorthand rules to the nodes reached until nothing changes,
 * from the last reached back (derivations flow from related nodes to the
 * ones that reach them).
 */
static void
fixpoint(Eval *ev, const int *reach, int nreach)
{
	World	   *w = ev->w;
	bool		changed;
	int			i,
				r;

	do
	{
		changed = false;
		RBAC_INTERRUPT_POINT();
		for (i = nreach - 1; i >= 0; i--)
		{
			int			x = reach[i];
			Node	   *n = &w->nodes[x];
			int			ti = n->type->index;

			w->work += w->nsrules[ti] + 1;
			for (r = 0; r < w->nsrules[ti]; r++)
			{
				SRule	   *s = &w->srules[ti][r];

				if (ev->held[x][s->head] || !ev->relevant[ti][s->head])
					continue;
				if (srule_holds(ev, n, s))
				{
					ev->held[x][s->head] = true;
					changed = true;
				}
			}
		}
	} while (changed);
}

/*
 * Does the actor hold term on node?  stack: the nested checks being
 * answered (NULL for an assertion), depth their number.  As in eval.c:
 * assignments and shorthand rules first, then, only when that did not
 * decide, last-mile rules and the shorthand rules again.
 */
static bool
holds(World *w, int actor, int node, int term, int depth)
{
	RbacPolicy *pol = w->pol;
	Eval		ev = {.w = w, .actor = actor, .depth = depth};
	EvalBuf    *b;
	int			nreach;
	int			i,
				k,
				r;
	bool		any = false;

	RBAC_INTERRUPT_POINT();
	if (w->over || w->work > WORK_BUDGET)
	{
		w->over = true;
		return false;
	}
	b = get_buf(w, depth);
	ev.held = b->held;
	ev.ghold = b->ghold;
	ev.relevant = b->relevant;
	mark_relevant(&ev, w->nodes[node].type, term);
	ev.inset = actor_set(w, b, actor);
	nreach = reach_from(w, b, node);

	/* global roles and direct assignments of the actor set */
	for (i = 0; i < pol->nglobals; i++)
		ev.ghold[i] = holds_global(w, ev.inset, i);
	for (i = 0; i < nreach; i++)
	{
		Node	   *n = &w->nodes[b->reach[i]];

		for (k = 0; k < n->nroles; k++)
		{
			RbacFact   *f = n->roles[k];
			int			s = find_node(w, f->subject.rtype, f->subject.id);
			int			t = term_index(n->type, f->name);

			if (s >= 0 && ev.inset[s] && t >= 0 &&
				n->type->terms[t].kind == RBAC_TERM_ROLE)
				ev.held[b->reach[i]][t] = true;
		}
	}
	fixpoint(&ev, b->reach, nreach);
	if (ev.held[node][term])
		return true;

	/* last-mile rules of relevant terms */
	for (r = 0; r < w->nlrules && !w->over; r++)
	{
		LRule	   *lr = &w->lrules[r];

		if (!ev.relevant[lr->rule->rtype->index][lr->term])
			continue;
		for (i = 0; i < nreach; i++)
		{
			int			x = b->reach[i];

			if (w->nodes[x].type == lr->rule->rtype && !ev.held[x][lr->term] &&
				lastmile_holds(&ev, lr, x))
			{
				ev.held[x][lr->term] = true;
				any = true;
			}
		}
	}
	if (any)
		fixpoint(&ev, b->reach, nreach);
	return ev.held[node][term];
}


/* ---------------------------------------------------------------------
 * Entry point
 * ---------------------------------------------------------------------
 */

/* Decide one assertion in the current world. */
static bool
decide(World *w, const RbacAssert *a)
{
	int			actor = find_node(w, a->actor.rtype, a->actor.id);
	int			node;
	int			term;

	if (actor < 0)
		return false;
	if (a->resource.type == NULL)
		return holds_global_name(w, actor_set(w, get_buf(w, 0), actor), a->name);
	node = find_node(w, a->resource.rtype, a->resource.id);
	term = node >= 0 ? term_index(a->resource.rtype, a->name) : -1;
	if (term < 0)
		return false;
	if (actor != w->goals_actor)
	{
		/* the answers of nested checks are the actor's, in this world */
		rbac_goals_reset(&w->goals, w->nnodes * w->maxterms);
		w->goals_actor = actor;
	}
	return holds(w, actor, node, term, 0);
}

/* Run the test blocks of a validated policy; see policy.h. */
int
rbac_run_tests(RbacPolicy *policy, RbacAlloc *alloc, RbacTestResult **results)
{
	World		w;
	int			total = 0;
	int			n = 0;
	int			i,
				j;

	*results = NULL;
	if (policy == NULL || policy->ntests == 0)
		return 0;
	memset(&w, 0, sizeof(w));
	w.pol = policy;
	w.alloc = alloc;
	w.goals.alloc = alloc;
	w.goals.monotone = rbac_policy_monotone(policy);
	for (i = 0; i < policy->ntypes; i++)
		if (policy->types[i]->nterms > w.maxterms)
			w.maxterms = policy->types[i]->nterms;
	resolve_rules(&w);
	for (i = 0; i < policy->ntests; i++)
		total += policy->tests[i]->nasserts;
	*results = rbac_alloc(alloc, sizeof(RbacTestResult) * (size_t) (total + 1));
	for (i = 0; i < policy->ntests; i++)
	{
		RbacTest   *test = policy->tests[i];

		build_world(&w, test);
		w.goals_actor = -1;
		for (j = 0; j < test->nasserts; j++)
		{
			RbacAssert *a = &test->asserts[j];
			bool		d;

			RBAC_INTERRUPT_POINT();
			w.work = 0;			/* the budget is per assertion */
			d = decide(&w, a);

			if (w.over)
				return -1;
			(*results)[n].test = test->name;
			(*results)[n].assertion = a->text;
			(*results)[n].passed = d != a->negated;
			n++;
		}
	}
	return n;
}
