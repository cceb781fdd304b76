/*-------------------------------------------------------------------------
 *
 * validate_cycles.c
 *	  Implication cycles among the roles and permissions of a type: "a" if
 *	  "b"; and "b" if "a"; make a and b equivalent, which is allowed but
 *	  likely a mistake, so each cycle is reported as a warning.
 *
 * The implication graph of a type has an edge body -> head for every
 * shorthand rule between two of its own roles or permissions.  Its
 * strongly connected components are found with Tarjan's algorithm on an
 * explicit stack (any size of policy is safe), and each cyclic component is
 * reported once, with its shortest cycle through its first rule.
 *
 *-------------------------------------------------------------------------
 */
#include "validate.h"

#include <stdlib.h>
#include <string.h>

/* Scratch arrays for cycle detection, sized for the largest type. */
typedef struct CycleScratch
{
	int		   *start;			/* CSR: out-edges of node x are
								 * start[x]..start[x+1]-1 */
	int		   *fill;
	int		   *to;				/* edge -> head node */
	int		   *erule;			/* edge -> rule position */
	int		   *from;			/* rule position -> body node or -1 */
	int		   *head;			/* rule position -> head node */
	int		   *idx;			/* Tarjan */
	int		   *low;
	bool	   *onstack;
	int		   *stk;
	int			sp;
	int			counter;
	int		   *cs_node;		/* explicit call stack */
	int		   *cs_edge;
	int			csp;
	int		   *comp;			/* node -> component */
	int		   *members;		/* nodes grouped by component */
	int			nmembers;
	int		   *cstart;			/* component -> first member position */
	int			ncomp;
	int		   *mark;			/* BFS visit stamps */
	int		   *prev;			/* BFS parent */
	int		   *queue;
	int			stamp;
} CycleScratch;

/* qsort comparator for term positions. */
static int
cmp_int(const void *a, const void *b)
{
	int			x = *(const int *) a;
	int			y = *(const int *) b;

	return (x > y) - (x < y);
}

/* Append name to buf in double quotes. */
static void
append_quoted(Validator *v, RbacBuf *buf, const char *name)
{
	rbac_buf_append(v->alloc, buf, "\"");
	rbac_buf_append(v->alloc, buf, safe(name));
	rbac_buf_append(v->alloc, buf, "\"");
}

/*
 * The edge body -> head of a shorthand rule, if it is an implication
 * between two roles or permissions of t itself (no "on", not global).
 */
static bool
rule_edge(Validator *v, RbacType *t, RbacShorthand *r, int *body, int *head)
{
	int			b,
				h;

	if (r->via != NULL || r->is_global || r->body_kind != RBAC_BODY_TERM ||
		r->head == NULL || r->body == NULL)
		return false;
	h = term_pos(v, t, r->head);
	b = term_pos(v, t, r->body);
	if (h < 0 || b < 0 || t->terms[h].kind == RBAC_TERM_RELATION ||
		t->terms[b].kind == RBAC_TERM_RELATION)
		return false;
	*body = b;
	*head = h;
	return true;
}

/*
 * Warn about one strongly connected component c of type t's implication
 * graph: the shortest cycle through its first rule (by position), from that
 * rule's head around to it, e.g. "a" -> "b" -> "a" for "a" if "b";
 * "b" if "a";.
 */
static void
warn_cycle(Validator *v, RbacType *t, CycleScratch *cs, int c)
{
	int			m0 = cs->cstart[c];
	int			m1 = cs->cstart[c + 1];
	int			first = -1;
	int			h,
				b,
				qh,
				qt,
				m,
				e,
				x,
				n,
				len;
	int			nroles = 0,
				nperms = 0;
	RbacBuf		sb = {NULL, 0, 0};
	char	   *hint = NULL;
	const char *what;
	RbacShorthand *fr;

	/* the first rule (by position) whose edge lies inside the component */
	for (m = m0; m < m1; m++)
	{
		x = cs->members[m];
		if (t->terms[x].kind == RBAC_TERM_ROLE)
			nroles++;
		else
			nperms++;
		for (e = cs->start[x]; e < cs->start[x + 1]; e++)
		{
			int			r = cs->erule[e];

			if (cs->comp[cs->to[e]] != c)
				continue;
			if (first < 0 ||
				t->rules[r].head_line < t->rules[first].head_line ||
				(t->rules[r].head_line == t->rules[first].head_line &&
				 (t->rules[r].head_col < t->rules[first].head_col ||
				  (t->rules[r].head_col == t->rules[first].head_col &&
				   r < first))))
				first = r;
		}
	}
	if (first < 0)
		return;
	fr = &t->rules[first];
	h = cs->head[first];
	b = cs->from[first];

	/* BFS from h to b along implications inside the component */
	cs->stamp++;
	qh = qt = 0;
	cs->queue[qt++] = h;
	cs->mark[h] = cs->stamp;
	cs->prev[h] = -1;
	while (qh < qt && cs->mark[b] != cs->stamp)
	{
		x = cs->queue[qh++];
		for (e = cs->start[x]; e < cs->start[x + 1]; e++)
		{
			int			w = cs->to[e];

			if (cs->comp[w] != c || cs->mark[w] == cs->stamp)
				continue;
			cs->mark[w] = cs->stamp;
			cs->prev[w] = x;
			cs->queue[qt++] = w;
		}
	}
	if (cs->mark[b] != cs->stamp)
		return;					/* cannot happen inside one component */

	/* the path h .. b, reversed out of prev[] into queue[] */
	len = 0;
	for (x = b; x >= 0; x = (x == h ? -1 : cs->prev[x]))
		cs->queue[len++] = x;
	for (n = len - 1; n >= 0; n--)
	{
		append_quoted(v, &sb, t->terms[cs->queue[n]].name);
		rbac_buf_append(v->alloc, &sb, " -> ");
	}
	append_quoted(v, &sb, t->terms[h].name);

	what = nperms == 0 ? "roles" : nroles == 0 ? "permissions" :
		"roles and permissions";
	if (m1 - m0 > len)
	{
		RbacBuf		hb = {NULL, 0, 0};

		/* members in declaration order (the BFS is done with them) */
		qsort(cs->members + m0, (size_t) (m1 - m0), sizeof(int), cmp_int);
		rbac_buf_append(v->alloc, &hb, "All of ");
		for (m = m0; m < m1; m++)
		{
			if (m > m0)
				rbac_buf_append(v->alloc, &hb, ", ");
			append_quoted(v, &hb, t->terms[cs->members[m]].name);
		}
		rbac_buf_append(v->alloc, &hb, " are equivalent.");
		hint = hb.data;
	}
	report(v, fr->head_line, fr->head_col, RBAC_SEV_WARNING, hint, NULL,
		   "implication cycle in %s %s: %s (these %s are equivalent)",
		   tkind(t), safe(t->name), sb.data, what);
}

/*
 * Build the implication graph of type t in cs: the out-edges of node x
 * (a term position) are to[start[x]] .. to[start[x+1]-1].  Returns the
 * number of edges.
 */
static int
build_graph(Validator *v, RbacType *t, CycleScratch *cs)
{
	int			n = t->nterms;
	int			nedges = 0;
	int			i;

	for (i = 0; i <= n; i++)
		cs->start[i] = 0;
	for (i = 0; i < t->nrules; i++)
	{
		int			b,
					h;

		cs->from[i] = -1;
		if (!rule_edge(v, t, &t->rules[i], &b, &h))
			continue;
		cs->from[i] = b;
		cs->head[i] = h;
		cs->start[b + 1]++;
		nedges++;
	}
	if (nedges == 0)
		return 0;
	for (i = 0; i < n; i++)
		cs->start[i + 1] += cs->start[i];
	for (i = 0; i < n; i++)
		cs->fill[i] = cs->start[i];
	for (i = 0; i < t->nrules; i++)
	{
		int			b = cs->from[i];

		if (b < 0)
			continue;
		cs->to[cs->fill[b]] = cs->head[i];
		cs->erule[cs->fill[b]] = i;
		cs->fill[b]++;
	}
	return nedges;
}

/* Tarjan: number node x and push it on the node and call stacks. */
static void
scc_push(CycleScratch *cs, int x)
{
	cs->idx[x] = cs->low[x] = cs->counter++;
	cs->stk[cs->sp++] = x;
	cs->onstack[x] = true;
	cs->cs_node[cs->csp] = x;
	cs->cs_edge[cs->csp] = cs->start[x];
	cs->csp++;
}

/* Tarjan: pop the component whose root is u off the node stack. */
static void
scc_pop(CycleScratch *cs, int u)
{
	int			w;

	cs->cstart[cs->ncomp] = cs->nmembers;
	do
	{
		w = cs->stk[--cs->sp];
		cs->onstack[w] = false;
		cs->comp[w] = cs->ncomp;
		cs->members[cs->nmembers++] = w;
	} while (w != u);
	cs->ncomp++;
	cs->cstart[cs->ncomp] = cs->nmembers;
}

/*
 * The strongly connected components of the graph of n nodes in cs
 * (Tarjan's algorithm with an explicit call stack), into comp, members and
 * cstart; nodes without out-edges are left out.  Returns their number.
 */
static int
find_components(CycleScratch *cs, int n)
{
	int			s;

	cs->counter = cs->sp = cs->ncomp = cs->nmembers = 0;
	for (s = 0; s < n; s++)
	{
		cs->idx[s] = -1;
		cs->onstack[s] = false;
	}
	for (s = 0; s < n; s++)
	{
		if (cs->idx[s] >= 0 || cs->start[s] == cs->start[s + 1])
			continue;
		cs->csp = 0;
		scc_push(cs, s);
		while (cs->csp > 0)
		{
			int			u = cs->cs_node[cs->csp - 1];

			if (cs->cs_edge[cs->csp - 1] < cs->start[u + 1])
			{
				int			w = cs->to[cs->cs_edge[cs->csp - 1]++];

				if (cs->idx[w] < 0)
					scc_push(cs, w);
				else if (cs->onstack[w] && cs->idx[w] < cs->low[u])
					cs->low[u] = cs->idx[w];
				continue;
			}
			cs->csp--;
			if (cs->csp > 0)
			{
				int			p = cs->cs_node[cs->csp - 1];

				if (cs->low[u] < cs->low[p])
					cs->low[p] = cs->low[u];
			}
			if (cs->low[u] == cs->idx[u])
				scc_pop(cs, u);
		}
	}
	return cs->ncomp;
}

/*
 * Warn about every component of type t's implication graph that is a
 * cycle: more than one node, or a self-loop.
 */
static void
type_cycles(Validator *v, RbacType *t, CycleScratch *cs)
{
	int			ncomp;
	int			i;

	if (t->rules == NULL || t->nrules <= 0 || t->nterms <= 0)
		return;
	if (build_graph(v, t, cs) == 0)
		return;
	ncomp = find_components(cs, t->nterms);
	for (i = 0; i < ncomp; i++)
	{
		int			m0 = cs->cstart[i];
		bool		cyclic = cs->cstart[i + 1] - m0 > 1;

		if (!cyclic)
		{
			int			x = cs->members[m0];
			int			e;

			for (e = cs->start[x]; e < cs->start[x + 1]; e++)
				if (cs->to[e] == x)
					cyclic = true;
		}
		if (cyclic)
			warn_cycle(v, t, cs, i);
	}
}

/* Pass 6: warn about implication cycles in every type. */
void
rbac_validate_cycles(Validator *v)
{
	CycleScratch cs;
	int			maxn = 1,
				maxr = 1;
	int			i;

	for (i = 0; i < v->ntypes; i++)
	{
		RbacType   *t = v->policy->types[i];

		if (t == NULL)
			continue;
		if (t->nterms > maxn)
			maxn = t->nterms;
		if (t->rules != NULL && t->nrules > maxr)
			maxr = t->nrules;
	}
	memset(&cs, 0, sizeof(cs));
#define SCRATCH(field, count) \
	cs.field = rbac_alloc(v->alloc, sizeof(*cs.field) * (size_t) (count))
	SCRATCH(start, maxn + 1);
	SCRATCH(fill, maxn + 1);
	SCRATCH(to, maxr);
	SCRATCH(erule, maxr);
	SCRATCH(from, maxr);
	SCRATCH(head, maxr);
	SCRATCH(idx, maxn);
	SCRATCH(low, maxn);
	SCRATCH(onstack, maxn);
	SCRATCH(stk, maxn);
	SCRATCH(cs_node, maxn);
	SCRATCH(cs_edge, maxn);
	SCRATCH(comp, maxn);
	SCRATCH(members, maxn);
	SCRATCH(cstart, maxn + 1);
	SCRATCH(mark, maxn);
	SCRATCH(prev, maxn);
	SCRATCH(queue, maxn);
#undef SCRATCH

	for (i = 0; i < v->ntypes; i++)
	{
		RbacType   *t = v->policy->types[i];

		if (t != NULL)
			type_cycles(v, t, &cs);
	}
}
