/*-------------------------------------------------------------------------
 *
 * explain.c
 *	  rbac.explain: a derivation of eval.c told in words, one line per step,
 *	  from the assignment or membership it starts at to the permission, or
 *	  what would grant a permission that is denied.
 *
 *-------------------------------------------------------------------------
 */
#include "actor.h"
#include "eval.h"
#include "refs.h"
#include "util.h"

#include "funcapi.h"
#include "miscadmin.h"

PG_FUNCTION_INFO_V1(rbac_explain);
PG_FUNCTION_INFO_V1(rbac_explain_current);

/*
 * Emit the membership steps that put the evaluation's actor into actor
 * entry who ("User:dave is a member of Group:eng-leads", ...), and return
 * who's reference.
 */
static char *
explain_actor(RbacEval *ev, int who, List **lines)
{
	List	   *chain = NIL;
	ListCell   *lc;
	int			k;

	for (k = who; ev->actors[k].via >= 0; k = ev->actors[k].via)
		chain = lcons_int(k, chain);
	foreach(lc, chain)
	{
		RbacEvalActor *g = &ev->actors[lfirst_int(lc)];
		RbacEvalActor *m = &ev->actors[g->via];

		*lines = lappend(*lines, psprintf("%s:%s is a member of %s:%s",
										  m->type, m->id, g->type, g->id));
	}
	return psprintf("%s:%s", ev->actors[who].type, ev->actors[who].id);
}

static void explain_step(RbacEval *ev, int ni, int term, List **lines);

/*
 * "the" before a relation of t, or "one of the" for a relation through a
 * join table ("Team:3 is one of the teams of Repo:10").
 */
static const char *
the(MType *t, int term)
{
	return t->bound && term >= 0 && t->rel_join[term] != NULL ? "one of the" : "the";
}

/*
 * The premise that step (ni, term) of a proof rests on, if it rests on
 * another held term: a same-type rule or an "on" rule.
 */
static bool
explain_premise(RbacEval *ev, int ni, int term, int *pni, int *pterm)
{
	RbacEvalNode	   *n = &ev->nodes[ni];
	RbacEvalReason		   *w = &n->why[term];
	MRule	   *r;

	if (w->kind != RBAC_WHY_RULE)
		return false;
	r = &n->type->rules[w->rule];
	if (r->body_kind != RBAC_BODY_TERM)
		return false;
	*pni = r->via < 0 ? ni : w->relnode;
	*pterm = r->body;
	return true;
}

/*
 * Emit the proof lines of term on node index ni, premises first.  Each
 * step rests on at most one premise, so the proof is a chain: it is walked
 * down to its base and emitted from there (no recursion: a chain can be as
 * deep as a folder hierarchy).
 */
static void
explain_term(RbacEval *ev, int ni, int term, List **lines)
{
	List	   *chain = NIL;
	ListCell   *lc;
	int			pni;
	int			pterm;

	chain = lcons(list_make2_int(ni, term), chain);
	while (explain_premise(ev, ni, term, &pni, &pterm))
	{
		CHECK_FOR_INTERRUPTS();
		ni = pni;
		term = pterm;
		chain = lcons(list_make2_int(ni, term), chain);
	}
	foreach(lc, chain)
		explain_step(ev, linitial_int((List *) lfirst(lc)), lsecond_int((List *) lfirst(lc)), lines);
}

/*
 * Emit what the actor set holds of the global roles that the body e of a
 * rule compiled from a condition tests (negated: under an odd number of
 * "not"): the role and who holds it for a test that holds, or that the
 * actor does not have it under "not".  Tests on the arm of an "or" that
 * did not hold are said too, when true: every line is a fact.
 */
static void
explain_globals(RbacEval *ev, RbacExpr *e, bool negated, List **lines)
{
	int			held = -1;
	int			i;

	if (e == NULL)
		return;
	check_stack_depth();
	switch (e->kind)
	{
		case RBAC_EX_AND:
		case RBAC_EX_OR:
			explain_globals(ev, e->left, negated, lines);
			explain_globals(ev, e->right, negated, lines);
			return;
		case RBAC_EX_NOT:
			explain_globals(ev, e->left, !negated, lines);
			return;
		case RBAC_EX_GLOBAL:
			break;
		default:
			return;
	}
	rbac_eval_load_globals(ev);
	for (i = 0; i < e->ngrants && held < 0; i++)
	{
		int			g = rbac_model_global(ev->m, e->grants[i]);

		if (g >= 0 && ev->global_held[g])
			held = g;
	}
	if (!negated && held >= 0)
	{
		char	   *who = explain_actor(ev, ev->global_actor[held], lines);

		*lines = lappend(*lines, psprintf("%s has global role \"%s\"", who,
										  ev->m->globals[held]));
	}
	else if (negated && held < 0)
		*lines = lappend(*lines, psprintf("%s does not have global %s \"%s\"", ev->aref,
										  rbac_model_global(ev->m, e->name) >= 0 ?
										  "role" : "permission", e->name));
}

/* Emit the lines of one step of a proof (its premise is emitted before). */
static void
explain_step(RbacEval *ev, int ni, int term, List **lines)
{
	RbacEvalNode	   *n = &ev->nodes[ni];
	MType	   *t = n->type;
	RbacEvalReason		   *w = &n->why[term];
	const char *tname = t->ast->terms[term].name;
	const char *tkind = t->ast->terms[term].kind == RBAC_TERM_ROLE ? "role" : "permission";

	switch (w->kind)
	{
		case RBAC_WHY_ASSIGNED:
			{
				char	   *who = explain_actor(ev, w->actor, lines);

				*lines = lappend(*lines,
								 psprintf("%s has role \"%s\" on %s:%s (direct assignment)",
										  who, tname, t->name, n->id));
				break;
			}
		case RBAC_WHY_CUSTOM:
			{
				char	   *who = explain_actor(ev, w->actor, lines);

				*lines = lappend(*lines,
								 psprintf("%s has custom role \"%s\" on %s:%s, which grants %s \"%s\"",
										  who, w->custom, t->name, n->id, tkind, tname));
				break;
			}
		case RBAC_WHY_LASTMILE:
			{
				MLastMile  *lm = &t->lastmile[w->rule];
				char	   *src = rbac_policy_rule_text(ev->m, lm->rule);

				if (lm->rule->uses_global)
					explain_globals(ev, lm->rule->body, false, lines);
				*lines = lappend(*lines,
								 psprintf("%s \"%s\" on %s:%s by rule at line %d: %s",
										  tkind, tname, t->name, n->id, lm->rule->line, src));
				break;
			}
		case RBAC_WHY_RULE:
			{
				MRule	   *r = &t->rules[w->rule];
				RbacShorthand *s = &t->ast->rules[r->ord];
				char	   *head = psprintf("%s \"%s\" on %s:%s", tkind, tname, t->name, n->id);

				switch (r->body_kind)
				{
					case RBAC_BODY_TERM:
						if (r->via < 0)
						{
							*lines = lappend(*lines,
											 psprintf("%s because \"%s\" if \"%s\" (line %d)",
													  head, s->head, s->body, s->head_line));
						}
						else
						{
							int			rn = w->relnode;

							*lines = lappend(*lines,
											 psprintf("%s:%s is %s %s of %s:%s",
													  ev->nodes[rn].type->name, ev->nodes[rn].id,
													  the(t, r->via), s->via, t->name, n->id));
							*lines = lappend(*lines,
											 psprintf("%s because \"%s\" if \"%s\" on \"%s\" (line %d)",
													  head, s->head, s->body, s->via, s->head_line));
						}
						break;
					case RBAC_BODY_ACTOR_RELATION:
						if (s->via && w->relnode >= 0)
						{
							/* "admin" if "owns" on "parent": u1 owns Org:1, the parent */
							RbacEvalNode *rel = &ev->nodes[w->relnode];

							*lines = lappend(*lines,
											 psprintf("%s is %s %s of %s:%s",
													  ev->aref, the(rel->type, r->body), s->body,
													  rel->type->name, rel->id));
							*lines = lappend(*lines,
											 psprintf("%s:%s is %s %s of %s:%s",
													  rel->type->name, rel->id, the(t, r->via),
													  s->via, t->name, n->id));
						}
						else
							*lines = lappend(*lines,
											 psprintf("%s is %s %s of %s:%s",
													  ev->aref, the(t, r->body), s->body,
													  t->name, n->id));
						*lines = lappend(*lines,
										 psprintf("%s because \"%s\" if \"%s\"%s%s%s (line %d)",
												  head, s->head, s->body,
												  s->via ? " on \"" : "", s->via ? s->via : "",
												  s->via ? "\"" : "", s->head_line));
						break;
					case RBAC_BODY_GLOBAL:
						{
							char	   *who = explain_actor(ev, ev->global_actor[r->body], lines);

							*lines = lappend(*lines,
											 psprintf("%s has global role \"%s\"", who, s->body));
						}
						*lines = lappend(*lines,
										 psprintf("%s because \"%s\" if global \"%s\" (line %d)",
												  head, s->head, s->body, s->head_line));
						break;
					default:
						break;
				}
				break;
			}
		case RBAC_WHY_NONE:
		default:
			break;
	}
}

/* What would grant the permission: its direct sources in the policy. */
static char *
explain_denied(RbacEval *ev, MType *t, int term, const char *actor,
			   const char *action, const char *resource)
{
	StringInfoData buf;
	int			r;
	int			n = 0;

	initStringInfo(&buf);
	appendStringInfo(&buf, "denied: %s may not %s %s", actor ? actor : "nobody (no actor is set)",
					 action, resource);
	for (r = 0; r < t->nrules; r++)
	{
		RbacShorthand *s = &t->ast->rules[t->rules[r].ord];

		if (t->rules[r].head != term)
			continue;
		appendStringInfoString(&buf, n++ ? ", " : "; it would need ");
		if (s->is_global)
			appendStringInfo(&buf, "global role \"%s\"", s->body);
		else if (s->via)
			appendStringInfo(&buf, "\"%s\" on its %s", s->body, s->via);
		else
			appendStringInfo(&buf, "\"%s\"", s->body);
	}
	for (r = 0; r < t->nlastmile; r++)
		if (t->lastmile[r].term == term)
		{
			appendStringInfoString(&buf, n++ ? ", " : "; it would need ");
			appendStringInfo(&buf, "the rule at line %d to hold", t->lastmile[r].rule->line);
		}
	if (n == 0)
		appendStringInfoString(&buf, "; only a custom role granting it can");
	else
		appendStringInfoString(&buf, ", or a custom role granting it");
	return buf.data;
}

/* Explain for an actor (NULL: none). */
static void
do_explain(FunctionCallInfo fcinfo, bool current)
{
	MemoryContext callcxt = CurrentMemoryContext;
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			next;
	const char *actor = rbac_actor_argument(fcinfo, current, &next);
	const char *action = rbac_arg_required(fcinfo, next, "action");
	const char *resource = rbac_arg_required(fcinfo, next + 1, "resource");
	RbacModel  *m;
	RbacRef		ref;
	MType	   *t;
	int			term;
	List	   *lines = NIL;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	m = rbac_get_model();
	term = rbac_ref_require_action(m, resource, action, &ref, &t);

	RBAC_INTERNAL_BEGIN();
	{
		RbacEval		ev;
		RbacEvalNode	   *root;

		root = rbac_eval_permission(&ev, m, actor, t, ref.id, term);
		if (root->held[term])
		{
			explain_term(&ev, 0, term, &lines);
			lines = lappend(lines, psprintf("allowed: %s may %s %s",
											 actor ? actor : "anyone (no actor is set)",
											 action, resource));
		}
		else
			lines = lappend(lines, explain_denied(&ev, t, term, actor, action, resource));
		rbac_eval_end(&ev);
		{
			MemoryContext old = MemoryContextSwitchTo(callcxt);
			List	   *copy = NIL;

			foreach(lc, lines)
				copy = lappend(copy, pstrdup((char *) lfirst(lc)));
			lines = copy;
			MemoryContextSwitchTo(old);
		}
	}
	RBAC_INTERNAL_END();

	foreach(lc, lines)
		rbac_srf_put_text(rsinfo, (char *) lfirst(lc));
}

/* rbac.explain(actor, action, resource) -> SETOF text */
Datum
rbac_explain(PG_FUNCTION_ARGS)
{
	do_explain(fcinfo, false);
	return (Datum) 0;
}

/* rbac.explain(action, resource) -> SETOF text, for the current actor */
Datum
rbac_explain_current(PG_FUNCTION_ARGS)
{
	do_explain(fcinfo, true);
	return (Datum) 0;
}
