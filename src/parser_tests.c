/*-------------------------------------------------------------------------
 *
 * parser_tests.c
 *	  Parser of test blocks (Oso Cloud's policy tests):
 *
 *		test "name" {
 *			setup {
 *				has_role(User{"alice"}, "owner", Org{"acme"});
 *				has_role(User{"root"}, "superadmin");
 *				has_relation(Repo{"r"}, "parent", Org{"acme"});
 *				has_group(User{"bob"}, Team{"eng"});
 *				is_public(Repo{"r"});
 *				stars(Repo{"r"}, 42);
 *				tags(Repo{"r"}, ["a", "b"]);
 *			}
 *			assert allow(User{"alice"}, "read", Repo{"r"});
 *			assert_not has_role(User{"bob"}, "owner", Org{"acme"});
 *		}
 *
 *	  Called by parser.c for a top-level "test" followed by a string.  A
 *	  test does not change the model: it is kept in RbacPolicy.tests for
 *	  the validator (validate_tests.c) and rbac_run_tests (policy_test.c).
 *
 * After a syntax error the rest of the test block is skipped (braces are
 * counted, so the parser carries on after the block's "}"): one error per
 * test is reported.
 *
 *-------------------------------------------------------------------------
 */
#include "parser.h"

#include <string.h>

/* A test block being parsed. */
typedef struct TestParse
{
	Parser	   *p;
	RbacTest   *test;
	int			depth;			/* braces opened since the test's "{" */
} TestParse;

/* Consume an expected token kind, or report "expected what" and fail. */
static bool
need(TestParse *tp, TokKind k, const char *what)
{
	if (cur(tp->p)->kind == k)
	{
		if (k == TK_LBRACE)
			tp->depth++;
		else if (k == TK_RBRACE)
			tp->depth--;
		next(tp->p);
		return true;
	}
	expected(tp->p, what, NULL);
	return false;
}

/*
 * Type{"id"} (an integer id is accepted and kept as its digits).  The
 * type is an identifier or a string.
 */
static bool
parse_ref(TestParse *tp, RbacTestRef *ref, const char *what)
{
	Parser	   *p = tp->p;
	Token		t = *cur(p);

	if ((t.kind != TK_IDENT && t.kind != TK_STRING) ||
		peek(p, 1)->kind != TK_LBRACE)
	{
		expected(p, what,
				 "Actors and resources are written Type{\"id\"} in tests, as in User{\"alice\"}.");
		return false;
	}
	ref->type = t.text;
	ref->line = t.line;
	ref->col = t.col;
	next(p);
	if (!need(tp, TK_LBRACE, "\"{\""))
		return false;
	t = *cur(p);
	if (t.kind != TK_STRING && t.kind != TK_INTEGER)
	{
		expected(p, rbac_format(p->alloc, "the id of %s as a string",
								clip(p, ref->type)), NULL);
		return false;
	}
	ref->id = t.text;
	next(p);
	return need(tp, TK_RBRACE, "\"}\" after the id");
}

/* "," between arguments of fn. */
static bool
comma(TestParse *tp, const char *fn)
{
	return need(tp, TK_COMMA,
				rbac_format(tp->p->alloc, "\",\" in the arguments of %s", fn));
}

/* A string argument (a role, permission or relation name). */
static bool
parse_name(TestParse *tp, const char *what, char **name, int *line, int *col)
{
	Token	   *t = cur(tp->p);

	if (t->kind != TK_STRING)
	{
		expected(tp->p, what, NULL);
		return false;
	}
	*name = t->text;
	*line = t->line;
	*col = t->col;
	next(tp->p);
	return true;
}

/* A literal value: string, number, true, false or nil. */
static RbacOperand *
parse_literal(TestParse *tp)
{
	Parser	   *p = tp->p;
	Token	   *t = cur(p);
	RbacOperand *o = rbac_alloc(p->alloc, sizeof(RbacOperand));

	o->line = t->line;
	o->col = t->col;
	o->text = t->text;
	if (t->kind == TK_STRING)
		o->kind = RBAC_OP_STRING;
	else if (t->kind == TK_INTEGER)
		o->kind = RBAC_OP_INTEGER;
	else if (t->kind == TK_DECIMAL)
		o->kind = RBAC_OP_DECIMAL;
	else if (is_word(t, "true") || is_word(t, "false"))
	{
		o->kind = RBAC_OP_BOOL;
		o->bval = t->text[0] == 't';
	}
	else if (is_word(t, "nil"))
		o->kind = RBAC_OP_NIL;
	else
	{
		expected(p, "a value (a string, a number, true, false, nil or a list)",
				 NULL);
		return NULL;
	}
	next(p);
	return o;
}

/* The value of a valued fact: a literal or a list of literals. */
static bool
parse_value(TestParse *tp, RbacFact *f)
{
	Parser	   *p = tp->p;
	int			cap = 0;

	if (cur(p)->kind != TK_LBRACKET)
	{
		RbacOperand *o = parse_literal(tp);

		if (o == NULL)
			return false;
		f->values = rbac_alloc(p->alloc, sizeof(RbacOperand *));
		f->values[0] = o;
		f->nvalues = 1;
		return true;
	}
	f->is_list = true;
	next(p);
	while (cur(p)->kind != TK_RBRACKET)
	{
		if (f->nvalues > 0 && !need(tp, TK_COMMA, "\",\" or \"]\" in the list"))
			return false;
		if (!push_operand(p, &f->values, &f->nvalues, &cap,
						  parse_literal(tp)))
			return false;
	}
	next(p);
	return true;
}

/* One fact of a setup block, up to and including its ";". */
static bool
parse_fact(TestParse *tp)
{
	Parser	   *p = tp->p;
	RbacTest   *test = tp->test;
	Token		name = *cur(p);
	RbacFact   *f;
	const char *fn = name.text;

	if (name.kind != TK_IDENT || peek(p, 1)->kind != TK_LPAREN)
	{
		expected(p, "a fact such as has_role(User{\"alice\"}, \"owner\", Org{\"acme\"})",
				 NULL);
		return false;
	}
	if (strcmp(fn, "has_permission") == 0 || strcmp(fn, "allow") == 0)
	{
		report_at(p, &name, RBAC_DIAG_SEMANTIC,
				  "Permissions follow from the policy; give the actor a role or the resource a relation or value instead.",
				  "%s cannot be a fact in a test", fn);
		recover(p, RECOVER_BLOCK);	/* to past its ";" */
		return true;
	}
	test->facts = rbac_grow(p->alloc, test->facts, &test->factcap,
							test->nfacts + 1, sizeof(RbacFact));
	f = &test->facts[test->nfacts];
	memset(f, 0, sizeof(RbacFact));
	f->line = name.line;
	f->col = name.col;
	next(p);
	next(p);					/* ( */
	if (strcmp(fn, "has_role") == 0 || strcmp(fn, "has_relation") == 0)
	{
		bool		role = strcmp(fn, "has_role") == 0;

		f->kind = role ? RBAC_FACT_ROLE : RBAC_FACT_RELATION;
		if (!parse_ref(tp, &f->subject,
					   role ? "an actor such as User{\"alice\"}" :
					   "a resource such as Repo{\"r\"}") ||
			!comma(tp, fn) ||
			!parse_name(tp, role ? "a role name" : "a relation name",
						&f->name, &f->name_line, &f->name_col))
			return false;
		if (!role || cur(p)->kind == TK_COMMA)
		{
			if (!comma(tp, fn) ||
				!parse_ref(tp, &f->object, role ? "a resource such as Org{\"acme\"}" :
						   "the related actor or resource"))
				return false;
		}
	}
	else if (strcmp(fn, "has_group") == 0)
	{
		f->kind = RBAC_FACT_GROUP;
		if (!parse_ref(tp, &f->subject, "an actor such as User{\"alice\"}") ||
			!comma(tp, fn) ||
			!parse_ref(tp, &f->object, "a group such as Group{\"eng\"}"))
			return false;
	}
	else
	{
		f->kind = RBAC_FACT_VALUE;
		f->name = name.text;
		f->name_line = name.line;
		f->name_col = name.col;
		if (!parse_ref(tp, &f->subject, "a resource such as Repo{\"r\"}"))
			return false;
		if (accept(p, TK_COMMA))
		{
			if (!parse_value(tp, f))
				return false;
		}
		else
		{
			/* name(x) is name(x, true) */
			f->values = rbac_alloc(p->alloc, sizeof(RbacOperand *));
			f->values[0] = rbac_alloc(p->alloc, sizeof(RbacOperand));
			f->values[0]->kind = RBAC_OP_BOOL;
			f->values[0]->bval = true;
			f->values[0]->text = "true";
			f->nvalues = 1;
		}
	}
	if (!need(tp, TK_RPAREN, rbac_format(p->alloc, "\")\" after the arguments of %s",
										  clip(p, fn))) ||
		!need(tp, TK_SEMI, "\";\" after the fact"))
		return false;
	test->nfacts++;
	return true;
}

/* setup { fact* }  ("setup" is current, "{" follows). */
static bool
parse_setup(TestParse *tp)
{
	Parser	   *p = tp->p;

	next(p);
	if (!need(tp, TK_LBRACE, "\"{\" after \"setup\""))
		return false;
	for (;;)
	{
		Token	   *t = cur(p);

		if (p->lx.stopped)
			return false;
		if (t->kind == TK_RBRACE)
			return need(tp, TK_RBRACE, "\"}\"");
		if (t->kind == TK_EOF || at_block_start(p))
		{
			expected(p, "\"}\" to close the setup block", NULL);
			return false;
		}
		if (!parse_fact(tp))
			return false;
	}
}

/* The source of an assertion, white space runs made one space. */
static char *
assertion_text(Parser *p, int start, int end)
{
	char	   *s = rbac_alloc(p->alloc, (size_t) (end - start) + 1);
	int			n = 0;
	int			i;

	for (i = start; i < end; i++)
	{
		unsigned char c = p->lx.src[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
		{
			if (n > 0 && s[n - 1] != ' ')
				s[n++] = ' ';
			continue;
		}
		s[n++] = (char) c;
	}
	s[n] = '\0';
	return s;
}

/*
 * assert CALL;  or  assert_not CALL;  where CALL is allow(actor, "perm"[,
 * resource]), has_permission(...) likewise, or has_role(actor, "role"[,
 * resource]); without a resource, the name is a global permission or role.
 */
static bool
parse_assert(TestParse *tp)
{
	Parser	   *p = tp->p;
	Token		kw = *cur(p);
	Token		call;
	RbacAssert	a;
	const char *fn;

	memset(&a, 0, sizeof(a));
	a.negated = strcmp(kw.text, "assert_not") == 0;
	a.line = kw.line;
	a.col = kw.col;
	next(p);
	call = *cur(p);
	fn = call.text;
	if (call.kind != TK_IDENT || peek(p, 1)->kind != TK_LPAREN ||
		(strcmp(fn, "allow") != 0 && strcmp(fn, "has_permission") != 0 &&
		 strcmp(fn, "has_role") != 0))
	{
		expected(p, rbac_format(p->alloc,
								"allow(...), has_permission(...) or has_role(...) after \"%s\"",
								kw.text), NULL);
		return false;
	}
	a.is_role = strcmp(fn, "has_role") == 0;
	next(p);
	next(p);					/* ( */
	if (!parse_ref(tp, &a.actor, "an actor such as User{\"alice\"}") ||
		!comma(tp, fn) ||
		!parse_name(tp, a.is_role ? "a role name" : "a permission name",
					&a.name, &a.name_line, &a.name_col))
		return false;
	if (cur(p)->kind == TK_COMMA)
	{
		/* without a resource: a global role or a global permission */
		if (!comma(tp, fn) ||
			!parse_ref(tp, &a.resource, "a resource such as Repo{\"r\"}"))
			return false;
	}
	if (!need(tp, TK_RPAREN, rbac_format(p->alloc, "\")\" after the arguments of %s", fn)))
		return false;
	a.text = assertion_text(p, kw.offset, p->lx.prev_end);
	if (!need(tp, TK_SEMI, "\";\" after the assertion"))
		return false;
	tp->test->asserts = rbac_grow(p->alloc, tp->test->asserts,
								  &tp->test->assertcap,
								  tp->test->nasserts + 1, sizeof(RbacAssert));
	tp->test->asserts[tp->test->nasserts++] = a;
	return true;
}

/*
 * After a syntax error: skip to just after the "}" that closes the test
 * block, or to the start of a block (a test whose "}" is missing).
 */
static void
skip_test(TestParse *tp)
{
	Parser	   *p = tp->p;

	while (!p->lx.stopped && tp->depth > 0)
	{
		Token	   *t = cur(p);

		if (t->kind == TK_EOF || at_block_start(p))
			return;
		if (t->kind == TK_LBRACE)
			tp->depth++;
		else if (t->kind == TK_RBRACE)
			tp->depth--;
		next(p);
	}
}

/* test "name" { ... }  ("test" is current, not followed by "("). */
void
rbac_parse_test(Parser *p)
{
	RbacPolicy *pol = p->policy;
	TestParse	tp = {.p = p};
	Token		name;
	const char *label;

	next(p);
	name = *cur(p);
	if (name.kind != TK_STRING)
	{
		expected(p, "the name of the test as a string",
				 "A test block starts with test \"name\" {.");
		recover(p, RECOVER_TOP);
		return;
	}
	next(p);
	tp.test = rbac_alloc(p->alloc, sizeof(RbacTest));
	tp.test->name = name.text;
	tp.test->line = name.line;
	tp.test->col = name.col;
	if (!need(&tp, TK_LBRACE, rbac_format(p->alloc, "\"{\" after test \"%s\"",
										   clip(p, name.text))))
	{
		recover(p, RECOVER_TOP);
		return;
	}
	RBAC_APPEND(p->alloc, pol->tests, pol->testcap, pol->ntests, tp.test);
	label = rbac_format(p->alloc, "test \"%s\"", clip(p, name.text));
	for (;;)
	{
		Token	   *t = cur(p);
		bool		ok;

		if (!block_goes_on(p, label))
			return;
		if (is_word(t, "setup") && peek(p, 1)->kind == TK_LBRACE)
			ok = parse_setup(&tp);
		else if (is_word(t, "assert") || is_word(t, "assert_not"))
			ok = parse_assert(&tp);
		else
		{
			expected(p, "\"setup {\", \"assert\" or \"assert_not\" in a test block",
					 "A test holds a setup block of facts and assertions: test \"name\" { setup { has_role(User{\"a\"}, \"owner\", Org{\"o\"}); } assert allow(User{\"a\"}, \"read\", Org{\"o\"}); }.");
			ok = false;
		}
		if (!ok)
		{
			skip_test(&tp);
			return;
		}
	}
}
