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
 *	  false when it would ask again a question it is already answering
 *	  (answers tabled per world and actor as holds.c tables them, so that
 *	  recursion through relations with many targets is not exponential),
 *	  and global "G" in a rule compiled from a condition holds
 *	  when the actor set holds a global role that grants G;
 *	- then the shorthand rules to their least fixpoint (implications,
 *	  "on" relations of any length, relations to actors, global roles).
 *
 * Values: strings, numbers, booleans, lists.  A number and a string that
 * spells a number compare as numbers (ids are strings: Repo{"42"} against
 * 42); other mixes are unknown (in the engine they are type errors);
 * strings compare byte by byte (the C collation).
 *
 * The bodies of last-mile rules are evaluated in policy_test_body.c.
 *
 * Plain C, no PostgreSQL headers: links into tests/fuzz like the parser.
 * Memory comes from the caller's arena.  Each evaluation is bounded by a
 * work budget, so that a policy whose nested checks branch without end
 * cannot hold the caller.  Like eval.c's, an evaluation looks only at the
 * asked node and the nodes its relations reach.
 *
 *-------------------------------------------------------------------------
 */
#include "policy_test.h"

#include <stdlib.h>
#include <string.h>

#define WORK_BUDGET		10000000L	/* steps for one assertion */

static bool holds_global(World *w, const bool *inset, int g);
static bool rbac_ptest_holds(World *w, int actor, int node, int term,
							 int depth);


/* ---------------------------------------------------------------------
 * The world
 * ---------------------------------------------------------------------
 */

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

			s.head = rbac_ptest_term_index(t, sh->head);
			s.kind = sh->body_kind;
			s.via = sh->via ? rbac_ptest_term_index(t, sh->via) : -1;
			if (sh->via)
				bt = sh->via_type;
			if (s.head < 0 || (sh->via && (s.via < 0 || bt == NULL)))
				continue;
			if (s.kind == RBAC_BODY_GLOBAL)
				s.body = rbac_ptest_global_index(pol, sh->body);
			else if (s.kind == RBAC_BODY_TERM || s.kind == RBAC_BODY_ACTOR_RELATION)
				s.body = rbac_ptest_term_index(bt, sh->body);
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
		term = rbac_ptest_term_index(rule->rtype, rule->name);
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
				term = rbac_ptest_term_index(sn->type, f->name);
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
		int			g = rbac_ptest_global_index(pol, seen[k]);

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

		if (s >= 0 && inset[s] && rbac_ptest_global_index(w->pol, f->name) == g)
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
 * Does the actor hold term on node?  depth: the number of nested checks
 * being answered (0 for an assertion; their answers: w->goals).  As in eval.c:
 * assignments and shorthand rules first, then, only when that did not
 * decide, last-mile rules and the shorthand rules again.
 */
static bool
rbac_ptest_holds(World *w, int actor, int node, int term, int depth)
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
			int			t = rbac_ptest_term_index(n->type, f->name);

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
				rbac_ptest_lastmile_holds(&ev, lr, x))
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
	term = node >= 0 ? rbac_ptest_term_index(a->resource.rtype, a->name) : -1;
	if (term < 0)
		return false;
	if (actor != w->goals_actor)
	{
		/* the answers of nested checks are the actor's, in this world */
		rbac_goals_reset(&w->goals, w->nnodes * w->maxterms);
		w->goals_actor = actor;
	}
	return rbac_ptest_holds(w, actor, node, term, 0);
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
	w.holds = rbac_ptest_holds;
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
