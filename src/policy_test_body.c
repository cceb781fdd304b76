/*-------------------------------------------------------------------------
 *
 * policy_test_body.c
 *	  The ground evaluator's last-mile rule bodies (policy_test.c): the
 *	  values of paths and operands, comparisons, and the conditions of a
 *	  body, on a test's facts, with sqlgen.c's SQL semantics (see
 *	  policy_test.c).  A relation of several has_relation facts is a join
 *	  table: a path through it holds on any node it relates, and a variable
 *	  joined to it stands for one of them in every condition that uses it.
 *
 * Plain C, no PostgreSQL headers.  The temporary arrays of an evaluation
 * are malloc'd and freed by it (a body is evaluated many times; the
 * caller's arena would only grow).
 *
 *-------------------------------------------------------------------------
 */
#include "policy_test.h"

#include <stdlib.h>
#include <string.h>

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

/* Position of the term of t called name, or -1. */
int
rbac_ptest_term_index(const RbacType *t, const char *name)
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
int
rbac_ptest_global_index(const RbacPolicy *pol, const char *name)
{
	int			i;

	for (i = 0; name && i < pol->nglobals; i++)
		if (pol->globals[i].name && strcmp(pol->globals[i].name, name) == 0)
			return i;
	return -1;
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

/*
 * A relation hop given one of the nodes it relates (sqlgen.c's EXISTS over
 * a join table): the paths it covers continue from that node.
 */
typedef struct Bind
{
	const RbacJoinRef *join;	/* covers the paths of this joined variable */
	const RbacPath *path;		/* or this one path (join NULL) */
	int			nfields;		/* fields of the path it stands for */
	int			node;
} Bind;

/* What a body is evaluated on. */
typedef struct BodyCtx
{
	Eval	   *ev;
	RbacRule   *rule;
	int			rnode;			/* the resource's node */
	bool		failed;			/* refers to what cannot be evaluated */
	Bind	   *binds;			/* hops given a node, innermost last */
	int			nbinds;
	int			bindcap;
} BodyCtx;

/*
 * Where path p starts: the node of the hop given for it that reaches
 * furthest, or its variable's node; *next is the next field to walk.
 */
static int
path_start(BodyCtx *bc, const RbacPath *p, int *next)
{
	const Bind *best = NULL;
	int			i;

	for (i = 0; i < bc->nbinds; i++)
	{
		const Bind *b = &bc->binds[i];

		if ((b->join != NULL ? rbac_join_covers(p->join, b->join) : b->path == p) &&
			(best == NULL || b->nfields > best->nfields))
			best = b;
	}
	*next = best ? best->nfields : 0;
	if (best != NULL)
		return best->node;
	return p->var_index == 0 ? bc->ev->actor : bc->rnode;
}

/*
 * The value of a path, and in *end the node it ends on (-1 when it ends
 * on a column or on nothing).
 */
static Val
path_val(BodyCtx *bc, const RbacPath *p, int *end)
{
	World	   *w = bc->ev->w;
	int			i;
	int			node = path_start(bc, p, &i);
	int			nrel = p->nhops + (p->tail == RBAC_TAIL_RELATION ? 1 : 0);

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
	for (; i < nrel; i++)
	{
		Node	   *n = &w->nodes[node];
		int			term = rbac_ptest_term_index(n->type, p->fields[i]);

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

/*
 * A nested has_role / has_permission: a check of its own, its answer
 * tabled (tabling.c, as holds.c tables rbac._holds): a question asked
 * again while it is being answered is false there.
 */
static Tv
eval_has(BodyCtx *bc, const RbacExpr *e)
{
	Eval	   *ev = bc->ev;
	World	   *w = ev->w;
	int			end;
	Val			v;
	int			term;
	int			gi;
	RbacGoalFrame frame;
	bool		held;

	if (e->target == NULL || e->target->kind != RBAC_OP_PATH ||
		e->target->path.end_type == NULL)
	{
		bc->failed = true;
		return TV_FALSE;
	}
	v = path_val(bc, &e->target->path, &end);
	if (v.k == V_NULL || end < 0)
		return TV_FALSE;
	term = rbac_ptest_term_index(w->nodes[end].type, e->name);
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
	held = w->holds(w, ev->actor, end, term, ev->depth + 1);
	rbac_goal_end(&w->goals, &frame, held);
	return held ? TV_TRUE : TV_FALSE;
}

/* The truth of a leaf condition whose paths need no hop given a node. */
static Tv
eval_leaf_plain(BodyCtx *bc, const RbacExpr *e)
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
				int			g = rbac_ptest_global_index(bc->ev->w->pol, e->grants[i]);

				if (g >= 0 && bc->ev->ghold[g])
					return TV_TRUE;
			}
			return TV_FALSE;
		default:
			/* joins: validation rewrote them into paths */
			bc->failed = true;
			return TV_FALSE;
	}
}

/*
 * Grow the malloc'd array *array of elements of size size to room for need
 * (the evaluations reuse no arena memory, so that a body evaluated many
 * times does not grow it).  False, the array kept, when memory runs out:
 * the evaluation then fails (bc->failed), not the server.
 */
static bool
grow(void **array, int *cap, int need, size_t size)
{
	int			newcap = *cap > 0 ? *cap : 8;
	void	   *p;

	if (need <= *cap)
		return true;
	while (newcap < need)
		newcap *= 2;
	p = realloc(*array, size * (size_t) newcap);
	if (p == NULL)
		return false;
	*array = p;
	*cap = newcap;
	return true;
}

/*
 * Give hop nfields - 1 of a path (of join, or p alone) the node node;
 * false (bc->failed) when memory runs out.
 */
static bool
push_bind(BodyCtx *bc, const RbacJoinRef *join, const RbacPath *p,
		  int nfields, int node)
{
	Bind	   *b;
	void	   *binds = bc->binds;

	if (!grow(&binds, &bc->bindcap, bc->nbinds + 1, sizeof(Bind)))
	{
		bc->failed = true;
		return false;
	}
	bc->binds = binds;
	b = &bc->binds[bc->nbinds++];
	b->join = join;
	b->path = join ? NULL : p;
	b->nfields = nfields;
	b->node = node;
	return true;
}

/*
 * The first relation hop of p no node was given for, when it relates
 * several nodes (a relation of several has_relation facts is a join table
 * in the engine), or -1; *node and *term say where it starts.  A hop that
 * relates one node or none needs no choice: path_val walks it.
 */
static int
open_hop(BodyCtx *bc, const RbacPath *p, int *node, int *term)
{
	int			nrel = p->nhops + (p->tail == RBAC_TAIL_RELATION ? 1 : 0);
	int			i;
	const Node *n;

	if (p->var_index == 0 && bc->rule->atype == NULL)
		return -1;				/* path_val reports it */
	*node = path_start(bc, p, &i);
	if (i >= nrel)
		return -1;
	n = &bc->ev->w->nodes[*node];
	*term = rbac_ptest_term_index(n->type, p->fields[i]);
	if (*term < 0 || n->type->terms[*term].kind != RBAC_TERM_RELATION ||
		n->nrel[*term] < 2)
		return -1;
	return i;
}

/*
 * A leaf condition: a path through a relation holds on any node it
 * relates, each path on its own (sqlgen.c's gen_leaf): true when the
 * condition is true with one of them, else false; "path = nil" is "not
 * path != nil".
 */
static Tv
eval_leaf(BodyCtx *bc, const RbacExpr *e)
{
	const RbacPath *ops[4];
	int			nops = rbac_expr_paths(e, ops);
	RbacExpr	ne;
	int			i;

	for (i = 0; i < nops; i++)
	{
		int			node,
					term,
					c;
		int			k = open_hop(bc, ops[i], &node, &term);
		const Node *n;

		if (k < 0)
			continue;
		if (rbac_expr_nil_eq(e, &ne))
			return eval_leaf(bc, &ne) == TV_TRUE ? TV_FALSE : TV_TRUE;
		n = &bc->ev->w->nodes[node];
		for (c = 0; c < n->nrel[term]; c++)
		{
			Tv			r;

			if (!push_bind(bc, NULL, ops[i], k + 1, n->rel[term][c]))
				return TV_FALSE;
			r = eval_leaf(bc, e);
			bc->nbinds--;
			if (r == TV_TRUE)
				return TV_TRUE;
		}
		return TV_FALSE;
	}
	return eval_leaf_plain(bc, e);
}

/* A growable set of joined variables (their roots), malloc'd. */
typedef struct RootSet
{
	const RbacJoinRef **items;
	int			n;
	int			cap;
} RootSet;

static bool
root_member(const RootSet *s, const RbacJoinRef *r)
{
	int			i;

	for (i = 0; i < s->n; i++)
		if (s->items[i] == r)
			return true;
	return false;
}

/* Add r to s; false when memory runs out. */
static bool
root_add(RootSet *s, const RbacJoinRef *r)
{
	void	   *items = s->items;

	if (root_member(s, r))
		return true;
	if (!grow(&items, &s->cap, s->n + 1, sizeof(RbacJoinRef *)))
		return false;
	s->items = items;
	s->items[s->n++] = r;
	return true;
}

/* Add the roots of the joined variables e uses to s; false as root_add. */
static bool
add_roots(const RbacExpr *e, RootSet *s)
{
	const RbacPath *ops[4];
	int			nops;
	int			i;

	if (e == NULL)
		return true;
	if (!add_roots(e->left, s) || !add_roots(e->right, s))
		return false;
	nops = rbac_expr_paths(e, ops);
	for (i = 0; i < nops; i++)
		if (ops[i]->join != NULL && !root_add(s, rbac_join_root(ops[i]->join)))
			return false;
	return true;
}

/*
 * The conjunct of items that joins a variable (a has_relation rewritten
 * into "path != nil") through a hop no node was given for, at the
 * smallest field index *k (from *node by *term): -1 when there is none.
 */
static int
open_binding(BodyCtx *bc, RbacExpr **items, int n, int *k, int *node,
			 int *term)
{
	int			best = -1;
	int			i;

	for (i = 0; i < n; i++)
	{
		int			hop,
					hnode,
					hterm;

		if (items[i]->kind != RBAC_EX_CMP || items[i]->binds == NULL ||
			items[i]->a == NULL || items[i]->a->kind != RBAC_OP_PATH)
			continue;
		hop = open_hop(bc, &items[i]->a->path, &hnode, &hterm);
		if (hop >= 0 && (best < 0 || hop < *k))
		{
			best = i;
			*k = hop;
			*node = hnode;
			*term = hterm;
		}
	}
	return best;
}

static Tv	eval_node(BodyCtx *bc, const RbacExpr *e);

/*
 * A conjunction (sqlgen.c's gen_chain): a joined variable stands for one
 * related node, the same in every conjunct that uses it (or a variable
 * used with it); the conjunction holds when they all hold on one of the
 * nodes, and the other conjuncts hold.
 */
static Tv
eval_chain(BodyCtx *bc, RbacExpr **items, int n)
{
	int			k = 0,
				node = 0,
				term = 0;
	int			b = open_binding(bc, items, n, &k, &node, &term);
	Tv			out = TV_TRUE,
				ex = TV_FALSE;
	const RbacJoinRef *join;
	const RbacJoinRef *root;
	RootSet		roots = {NULL, 0, 0};
	bool		changed;
	bool		ok;
	bool	   *in;
	RbacExpr  **sub;
	int			nin = 0,
				nout = 0;
	const Node *nd;
	int			i,
				c;

	if (b < 0)
	{
		for (i = 0; i < n && out != TV_FALSE; i++)
			out = tv_join(out, eval_node(bc, items[i]), TV_FALSE);
		return out;
	}
	/* the variable whose path goes through the hop first, and its root */
	join = items[b]->binds;
	while (join->parent != NULL && join->parent->nfields > k)
		join = join->parent;
	root = rbac_join_root(join);
	in = calloc((size_t) n + 1, sizeof(bool));
	sub = malloc(sizeof(RbacExpr *) * ((size_t) n + 1));
	ok = in != NULL && sub != NULL && root_add(&roots, root);
	do
	{
		changed = false;
		for (i = 0; i < n && ok; i++)
		{
			RootSet		mine = {NULL, 0, 0};
			int			j;

			if (in[i])
				continue;
			ok = add_roots(items[i], &mine);
			for (j = 0; j < mine.n && !root_member(&roots, mine.items[j]); j++)
				;
			if (ok && j < mine.n)
			{
				in[i] = true;
				changed = true;
				for (j = 0; j < mine.n && ok; j++)
					ok = root_add(&roots, mine.items[j]);
			}
			free(mine.items);
		}
	} while (changed && ok);
	free(roots.items);
	if (!ok)
	{
		free(in);
		free(sub);
		bc->failed = true;
		return TV_FALSE;
	}
	for (i = 0; i < n; i++)
		if (!in[i])
			sub[nout++] = items[i];
	if (nout > 0)
		out = eval_chain(bc, sub, nout);
	if (out != TV_FALSE)
	{
		for (i = 0; i < n; i++)
			if (in[i])
				sub[nin++] = items[i];
		nd = &bc->ev->w->nodes[node];
		for (c = 0; c < nd->nrel[term] && ex != TV_TRUE; c++)
		{
			if (!push_bind(bc, join, NULL, k + 1, nd->rel[term][c]))
				break;
			if (eval_chain(bc, sub, nin) == TV_TRUE)
				ex = TV_TRUE;
			bc->nbinds--;
		}
	}
	free(in);
	free(sub);
	return tv_join(out, ex, TV_FALSE);
}

/* The truth of a body expression: its "and" chain by eval_chain. */
static Tv
eval_expr(BodyCtx *bc, const RbacExpr *e)
{
	RbacExpr  **items;
	Tv			r;

	if (e == NULL)
		return TV_FALSE;
	if (e->kind != RBAC_EX_AND)
	{
		if (e->binds == NULL)
			return eval_node(bc, e);
		return eval_chain(bc, (RbacExpr **) &e, 1);
	}
	items = malloc(sizeof(RbacExpr *) * (size_t) rbac_expr_nconjuncts(e));
	if (items == NULL)
	{
		bc->failed = true;
		return TV_FALSE;
	}
	r = eval_chain(bc, items, rbac_expr_conjuncts(e, items, 0));
	free(items);
	return r;
}

/* A condition: "and" chains by eval_expr, leaves by eval_leaf. */
static Tv
eval_node(BodyCtx *bc, const RbacExpr *e)
{
	bc->ev->w->work++;
	switch (e->kind)
	{
		case RBAC_EX_AND:
			return eval_expr(bc, e);
		case RBAC_EX_OR:
			return tv_join(eval_expr(bc, e->left), eval_expr(bc, e->right),
						   TV_TRUE);
		case RBAC_EX_NOT:
			return eval_expr(bc, e->left) == TV_TRUE ? TV_FALSE : TV_TRUE;
		case RBAC_EX_CMP:
		case RBAC_EX_IN:
		case RBAC_EX_OPERAND:
		case RBAC_EX_HAS_ROLE:
		case RBAC_EX_HAS_PERMISSION:
			return eval_leaf(bc, e);
		default:
			return eval_leaf_plain(bc, e);
	}
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
bool
rbac_ptest_lastmile_holds(Eval *ev, const LRule *lr, int n)
{
	BodyCtx		bc = {.ev = ev, .rule = lr->rule, .rnode = n};
	Tv			r;

	if (!actor_matches(ev, lr->rule))
		return false;
	r = eval_expr(&bc, lr->rule->body);
	free(bc.binds);
	return r == TV_TRUE && !bc.failed;
}
