/*-------------------------------------------------------------------------
 *
 * parser.c
 *	  Recursive-descent parser of the pg_rbac policy language (a subset of
 *	  Oso Polar, docs/policy-language.md) into the AST of policy.h: the
 *	  entry point rbac_parse, the top level, and resource, actor and global
 *	  blocks.  Rules outside blocks are parsed in parser_rules.c; tokens come
 *	  from lexer.c.
 *
 * The parser is hand-written, plain C99 and reentrant: all state lives in
 * one Parser struct on the caller's stack, memory comes from the caller's
 * RbacAlloc arena, and no PostgreSQL header is included (the file links
 * alone into the fuzz target and the command-line checker).
 *
 * After a syntax error the parser recovers (lexer.c: rbac_lex_recover) and
 * carries on, so one pass reports many independent errors.  Every loop
 * either consumes a token or ends.
 *
 * Blocks for one type are merged here, and the semantic checks that need
 * block structure (a declaration repeated in one block, a name twice in one
 * list, a name declared with two kinds) are
 * made here too; everything that needs name resolution is left to the
 * validator (validate.c).  A type declared in an actor block and in a
 * resource block is both.  Names are looked up in hash tables so that
 * merging stays linear in the size of the policy.
 *
 *-------------------------------------------------------------------------
 */
#include "parser.h"

#include <string.h>

/* What a list of strings declares: terms of a type, or global roles. */
typedef struct ListTarget
{
	RbacType   *type;			/* NULL for the global block */
	RbacTermKind kind;
	const char *label;			/* "resource Foo", for messages */
	const char *what;			/* "roles", "permissions" */
} ListTarget;


/* ---------------------------------------------------------------------
 * Building the policy
 * ---------------------------------------------------------------------
 */

/* "actor" or "resource". */
static const char *
type_word(bool is_actor)
{
	return is_actor ? "actor" : "resource";
}

/*
 * The type of a block header, created on first declaration (merging later
 * blocks into it).  A type declared both as actor and as resource is one
 * type that is both: an actor that is also the resource of rules (a user
 * who may edit their own profile).
 */
static RbacType *
get_type(Parser *p, const Token *name, bool is_actor)
{
	RbacPolicy *pol = p->policy;
	RbacNameEntry *s = rbac_names_find(&p->types, NULL, name->text);
	RbacType   *t;

	if (s)
	{
		t = pol->types[s->idx];
		if (is_actor)
			t->is_actor = true;
		else
			t->is_resource = true;
		return t;
	}
	if (name->text[0] == '\0')
		report(p, name->line, name->col, RBAC_DIAG_SEMANTIC, NULL,
			   "empty type name");
	else if (strchr(name->text, ':') != NULL)
		report(p, name->line, name->col, RBAC_DIAG_SEMANTIC,
			   "References are written Type:id, so a type name cannot contain a colon.",
			   "type name \"%s\" cannot contain \":\"", name->text);
	t = rbac_alloc(p->alloc, sizeof(RbacType));
	t->name = name->text;
	t->is_actor = is_actor;
	t->is_resource = !is_actor;
	t->line = name->line;
	t->col = name->col;
	t->index = pol->ntypes;
	RBAC_APPEND(p->alloc, pol->types, pol->typecap, pol->ntypes, t);
	rbac_names_add(p->alloc, &p->types, NULL, t->name, t->index);
	return t;
}

/*
 * Declare a term of a type from declaration list number serial.  The same
 * name twice in one list is a duplicate; the same name and kind in another
 * list (another block) merges silently; another kind is a conflict; a
 * relation merges only with the same target.
 */
static void
add_term(Parser *p, RbacType *type, const char *label, RbacTermKind kind,
		 const Token *name, const Token *target, int serial)
{
	RbacNameEntry *s = rbac_names_find(&p->terms, type, name->text);
	RbacTerm   *term;

	if (name->text[0] == '\0')
	{
		report(p, name->line, name->col, RBAC_DIAG_SEMANTIC, NULL,
			   "empty %s name in %s", rbac_term_word(kind), label);
		return;
	}
	if (s)
	{
		RbacTerm   *old = &type->terms[s->idx];

		if (old->kind != kind)
			report(p, name->line, name->col, RBAC_DIAG_SEMANTIC, NULL,
				   "\"%s\" is declared as both a %s and a %s in %s",
				   name->text, rbac_term_word(old->kind), rbac_term_word(kind),
				   label);
		else if (s->serial == serial)
			report(p, name->line, name->col, RBAC_DIAG_SEMANTIC, NULL,
				   "duplicate %s \"%s\" in %s", rbac_term_word(kind),
				   name->text, label);
		else if (kind == RBAC_TERM_RELATION &&
				 strcmp(old->target ? old->target : "",
						target ? target->text : "") != 0)
			report(p, name->line, name->col, RBAC_DIAG_SEMANTIC, NULL,
				   "relation \"%s\" in %s is declared with two targets, %s and %s",
				   name->text, label, old->target ? old->target : "?",
				   target ? target->text : "?");
		s->serial = serial;
		return;
	}
	type->terms = rbac_grow(p->alloc, type->terms, &type->termcap,
							type->nterms + 1, sizeof(RbacTerm));
	term = &type->terms[type->nterms];
	term->name = name->text;
	term->kind = kind;
	term->line = name->line;
	term->col = name->col;
	if (target)
	{
		term->target = target->text;
		term->target_line = target->line;
		term->target_col = target->col;
	}
	s = rbac_names_add(p->alloc, &p->terms, type, term->name, type->nterms);
	s->serial = serial;
	type->nterms++;
}

/*
 * Declare a global role (kind ROLE) or global permission (PERMISSION) from
 * list number serial of the global block.  Permissions are kept in the same
 * name table under another owner, so one name cannot be both.
 */
static void
add_global(Parser *p, const Token *name, int serial, RbacTermKind kind)
{
	RbacPolicy *pol = p->policy;
	const void *perm_owner = &pol->gperms;
	const void *owner = kind == RBAC_TERM_ROLE ? NULL : perm_owner;
	RbacNameEntry *s = rbac_names_find(&p->globals, owner, name->text);
	RbacNameEntry *other = rbac_names_find(&p->globals,
										   owner ? NULL : perm_owner,
										   name->text);
	const char *word = rbac_term_word(kind);

	if (name->text[0] == '\0')
	{
		report(p, name->line, name->col, RBAC_DIAG_SEMANTIC, NULL,
			   "empty global %s name", word);
		return;
	}
	if (other)
	{
		report(p, name->line, name->col, RBAC_DIAG_SEMANTIC, NULL,
			   "\"%s\" is declared as both a global role and a global permission",
			   name->text);
		return;
	}
	if (s)
	{
		if (s->serial == serial)
			report(p, name->line, name->col, RBAC_DIAG_SEMANTIC, NULL,
				   "duplicate global %s \"%s\"", word, name->text);
		s->serial = serial;
		return;
	}
	if (kind == RBAC_TERM_ROLE)
	{
		RBAC_APPEND(p->alloc, pol->globals, pol->globalcap, pol->nglobals,
					((RbacGlobalRole) {
						.name = name->text, .line = name->line, .col = name->col
					}));
		s = rbac_names_add(p->alloc, &p->globals, NULL, name->text,
						   pol->nglobals - 1);
	}
	else
	{
		RBAC_APPEND(p->alloc, pol->gperms, pol->gpermcap, pol->ngperms,
					((RbacGlobalPerm) {
						.name = name->text, .line = name->line, .col = name->col
					}));
		s = rbac_names_add(p->alloc, &p->globals, perm_owner, name->text,
						   pol->ngperms - 1);
	}
	s->serial = serial;
}


/* ---------------------------------------------------------------------
 * Blocks
 * ---------------------------------------------------------------------
 */

/*
 * Does the current token begin a new item of a block (so that a missing
 * ";" before it needs no skipping)?
 */
static bool
at_block_item(Parser *p)
{
	Token	   *t = cur(p);

	return t->kind == TK_STRING || t->kind == TK_RBRACE ||
		t->kind == TK_EOF || is_word(t, "roles") ||
		is_word(t, "permissions") || is_word(t, "relations") ||
		at_block_start(p);
}

/*
 * Expect the ";" that ends a declaration or shorthand rule.  When it is
 * missing and a new item follows, carry on from there; otherwise skip.
 */
static void
expect_block_semi(Parser *p, const char *after)
{
	if (accept(p, TK_SEMI))
		return;
	expected(p, rbac_format(p->alloc, "\";\" after %s", after), NULL);
	if (!at_block_item(p))
		recover(p, RECOVER_BLOCK);
}

/*
 * Where a comma-separated list or map being parsed stands: whether a ","
 * is due before the next item, and whether an error was reported in it
 * (only the first error of a list is reported).
 */
typedef struct ListState
{
	const char *what;			/* "roles", "relations": for messages */
	const char *container;		/* "list" or "map" */
	const char *close;			/* "]" or "}" */
	bool		need_sep;
	bool		bad;
} ListState;

/*
 * Handle the token where a "," is due in list ls: consume the ",", or
 * report that it is missing and skip the token unless it can start an item
 * (is_item), which is then taken as the next item.  True when an item is
 * to be parsed at the current token.
 */
static bool
list_separator(Parser *p, ListState *ls, bool is_item)
{
	if (accept(p, TK_COMMA))
	{
		ls->need_sep = false;
		return false;
	}
	if (!ls->bad)
		expected(p, rbac_format(p->alloc, "\",\" or \"%s\" in the %s %s",
								ls->close, ls->what, ls->container), NULL);
	ls->bad = true;
	if (!is_item)
	{
		next(p);
		return false;
	}
	return true;
}

/*
 * Report, unless an error was reported in it already, that list ls lacks
 * its closing bracket.
 */
static void
list_unclosed(Parser *p, ListState *ls)
{
	if (!ls->bad)
		expected(p, rbac_format(p->alloc, "\"%s\" to close the %s %s",
								ls->close, ls->what, ls->container), NULL);
}

/*
 * Parse the strings of a list after its "[" (trailing comma allowed),
 * declaring each.  Only the first error of a list is reported; the strings
 * around it are still declared, so that one typo does not make every
 * later use of the list's names an error too.  Returns false when the list
 * was not closed (the current token is then ";", "}", a block start or the
 * end of input).
 */
static bool
parse_string_list(Parser *p, ListTarget *lt)
{
	int			serial = ++p->serial;
	ListState	ls = {lt->what, "list", "]", false, false};

	for (;;)
	{
		Token		t = *cur(p);

		if (p->lx.stopped)
			return false;
		if (t.kind == TK_RBRACKET)
		{
			next(p);
			return true;
		}
		if (t.kind == TK_SEMI || t.kind == TK_RBRACE || t.kind == TK_EOF ||
			at_block_start(p))
		{
			list_unclosed(p, &ls);
			return false;
		}
		if (ls.need_sep && !list_separator(p, &ls, t.kind == TK_STRING))
			continue;
		if (t.kind == TK_STRING)
		{
			if (lt->type)
				add_term(p, lt->type, lt->label, lt->kind, &t, NULL, serial);
			else
				add_global(p, &t, serial, lt->kind);
			next(p);
			ls.need_sep = true;
			continue;
		}
		if (!ls.bad)
			expected(p, rbac_format(p->alloc, "a string in the %s list",
									lt->what),
					 t.kind == TK_IDENT ?
					 "Role and permission names are strings: [\"read\", \"write\"]." :
					 NULL);
		ls.bad = true;
		next(p);
		ls.need_sep = (t.kind != TK_COMMA);
	}
}

/*
 * roles = [...];  or  permissions = [...];  (the keyword is current).
 * seen says whether the block had one already.
 */
static void
parse_list_decl(Parser *p, ListTarget *lt, bool *seen)
{
	Token		kw = *cur(p);

	next(p);
	if (*seen)
	{
		if (lt->type)
			report(p, kw.line, kw.col, RBAC_DIAG_SEMANTIC,
				   "Declare all of them in one list.",
				   "%s declared twice in %s", kw.text, lt->label);
		else
			report(p, kw.line, kw.col, RBAC_DIAG_SEMANTIC,
				   "Declare all of them in one list.",
				   "%s declared twice in the global block", kw.text);
	}
	*seen = true;
	if (!accept(p, TK_EQ))
	{
		expected(p, rbac_format(p->alloc, "\"=\" after \"%s\"", kw.text),
				 NULL);
		recover(p, RECOVER_BLOCK);
		return;
	}
	if (!accept(p, TK_LBRACKET))
	{
		expected(p, rbac_format(p->alloc, "\"[\" after \"%s =\"", kw.text),
				 rbac_format(p->alloc,
							 "A list of names is written in brackets: %s = [\"a\", \"b\"];",
							 kw.text));
		recover(p, RECOVER_BLOCK);
		return;
	}
	if (!parse_string_list(p, lt))
	{
		accept(p, TK_SEMI);
		return;
	}
	expect_block_semi(p, rbac_format(p->alloc, "the %s declaration", kw.text));
}

/*
 * relations = { name: Type, ... };  (the keyword is current).  Keys and
 * targets are identifiers or strings; a trailing comma is allowed.
 */
static void
parse_relations(Parser *p, RbacType *type, const char *label, bool *seen)
{
	Token		kw = *cur(p);
	int			serial = ++p->serial;
	ListState	ls = {"relations", "map", "}", false, false};

	next(p);
	if (*seen)
		report(p, kw.line, kw.col, RBAC_DIAG_SEMANTIC,
			   "Declare all of them in one map.",
			   "relations declared twice in %s", label);
	*seen = true;
	if (!accept(p, TK_EQ))
	{
		expected(p, "\"=\" after \"relations\"", NULL);
		recover(p, RECOVER_BLOCK);
		return;
	}
	if (!accept(p, TK_LBRACE))
	{
		expected(p, "\"{\" after \"relations =\"",
				 "Relations are written as a map: relations = { parent: Folder };");
		recover(p, RECOVER_BLOCK);
		return;
	}
	for (;;)
	{
		Token		key = *cur(p);
		bool		is_name = (key.kind == TK_IDENT || key.kind == TK_STRING);
		Token		target;

		if (p->lx.stopped)
			return;
		if (key.kind == TK_RBRACE)
		{
			next(p);
			break;
		}
		if (key.kind == TK_SEMI || key.kind == TK_EOF || at_block_start(p))
		{
			list_unclosed(p, &ls);
			accept(p, TK_SEMI);
			return;
		}
		if (ls.need_sep && !list_separator(p, &ls, is_name))
			continue;
		ls.need_sep = true;
		if (!is_name)
		{
			if (!ls.bad)
				expected(p, "a relation name in the relations map", NULL);
			ls.bad = true;
			next(p);
			ls.need_sep = (key.kind != TK_COMMA);
			continue;
		}
		next(p);
		if (!accept(p, TK_COLON))
		{
			if (!ls.bad)
				expected(p, rbac_format(p->alloc,
										"\":\" after relation \"%s\"",
										clip(p, key.text)),
						 "Relations are written as a map: relations = { parent: Folder };");
			ls.bad = true;
			continue;
		}
		target = *cur(p);
		if (target.kind != TK_IDENT && target.kind != TK_STRING)
		{
			if (!ls.bad)
				expected(p, rbac_format(p->alloc, "a type name after \"%s:\"",
										clip(p, key.text)), NULL);
			ls.bad = true;
			continue;
		}
		next(p);
		add_term(p, type, label, RBAC_TERM_RELATION, &key, &target, serial);
	}
	expect_block_semi(p, "the relations declaration");
}

/* ---------------------------------------------------------------------
 * Shorthand rules and their conditions
 * ---------------------------------------------------------------------
 */

#define MAX_COND_DEPTH	256		/* nested parentheses and "not" */

static RbacCond *parse_cond_or(Parser *p, int depth);

/* A new condition node at the position of token t. */
static RbacCond *
new_cond(Parser *p, RbacCondKind kind, int line, int col)
{
	RbacCond   *c = rbac_alloc(p->alloc, sizeof(RbacCond));

	*c = (RbacCond) {
		.kind = kind, .line = line, .col = col
	};
	return c;
}

/*
 * Is t the word role or permission, which stands for every role or every
 * permission in a wildcard rule?  Sets *kind when kind is not NULL.
 */
static bool
is_wild_word(const Token *t, RbacTermKind *kind)
{
	RbacTermKind k;

	if (is_word(t, "role"))
		k = RBAC_TERM_ROLE;
	else if (is_word(t, "permission"))
		k = RBAC_TERM_PERMISSION;
	else
		return false;
	if (kind)
		*kind = k;
	return true;
}

/* The value of a fact name(resource, value): a literal. */
static RbacOperand *
parse_fact_value(Parser *p)
{
	Token		t = *cur(p);
	RbacOperand *o = rbac_alloc(p->alloc, sizeof(RbacOperand));

	o->line = t.line;
	o->col = t.col;
	o->text = t.text;
	if (t.kind == TK_STRING)
		o->kind = RBAC_OP_STRING;
	else if (t.kind == TK_INTEGER)
		o->kind = RBAC_OP_INTEGER;
	else if (t.kind == TK_DECIMAL)
		o->kind = RBAC_OP_DECIMAL;
	else if (is_word(&t, "true") || is_word(&t, "false"))
	{
		o->kind = RBAC_OP_BOOL;
		o->bval = (t.text[0] == 't');
	}
	else
	{
		expected(p, "a string, number, true or false as the value of the fact",
				 "A fact compares a column of the resource with a literal: is_status(resource, \"open\").");
		return NULL;
	}
	next(p);
	return o;
}

/*
 * A fact about the resource: name(var) or name(var, value) (the name is
 * current, "(" follows).  Calls of has_role / has_permission /
 * has_relation are refused with what a shorthand rule says instead.
 */
static RbacCond *
parse_fact(Parser *p)
{
	Token		name = *cur(p);
	RbacCond   *c;
	Token		arg;

	if (is_word(&name, "has_role") || is_word(&name, "has_permission"))
	{
		report_at(p, &name, RBAC_DIAG_UNSUPPORTED,
				  "A shorthand rule names the role or permission of the resource as a string: \"read\" if \"viewer\";.",
				  "%s is not supported in a shorthand rule", name.text);
		return NULL;
	}
	if (is_word(&name, "has_relation"))
	{
		report_at(p, &name, RBAC_DIAG_UNSUPPORTED,
				  "Write \"read\" if \"member\" on \"parent\"; to inherit through a relation.",
				  "has_relation is not supported in a shorthand rule");
		return NULL;
	}
	next(p);					/* the name */
	next(p);					/* ( */
	arg = *cur(p);
	if (arg.kind != TK_IDENT)
	{
		expected(p, rbac_format(p->alloc, "the variable resource in fact \"%s\"",
								clip(p, name.text)),
				 "A fact about the resource is written name(resource) or name(resource, value).");
		return NULL;
	}
	next(p);
	c = new_cond(p, RBAC_COND_FACT, name.line, name.col);
	c->name = name.text;
	c->arg = arg.text;
	c->arg_line = arg.line;
	c->arg_col = arg.col;
	if (accept(p, TK_COMMA))
	{
		c->value = parse_fact_value(p);
		if (c->value == NULL)
			return NULL;
	}
	if (!accept(p, TK_RPAREN))
	{
		expected(p, rbac_format(p->alloc, "\")\" after the arguments of fact \"%s\"",
								clip(p, name.text)),
				 "A fact about the resource is written name(resource) or name(resource, value).");
		return NULL;
	}
	return c;
}

/*
 * resource == actor (or actor == resource; "=" too): the actor is the
 * resource itself (the first word is current, an equality follows).
 */
static RbacCond *
parse_self(Parser *p)
{
	Token		a = *cur(p);
	Token		b;

	next(p);
	next(p);					/* == */
	b = *cur(p);
	if (b.kind == TK_IDENT &&
		((is_word(&a, "resource") && is_word(&b, "actor")) ||
		 (is_word(&a, "actor") && is_word(&b, "resource"))))
	{
		next(p);
		return new_cond(p, RBAC_COND_SELF, a.line, a.col);
	}
	report_at(p, &a, RBAC_DIAG_UNSUPPORTED,
			  "Compare columns in a last-mile rule: has_permission(user: User, \"read\", doc: Document) if doc.owner_id = user.id;.",
			  "a shorthand rule can compare only resource == actor");
	return NULL;
}

/*
 * primary := '(' or ')' | STRING ['on' STRING] | 'global' STRING
 *		   | role|permission ['on' STRING] | name '(' var [',' value] ')'
 *		   | resource '==' actor
 */
static RbacCond *
parse_cond_primary(Parser *p, int depth)
{
	Token		t = *cur(p);
	RbacCond   *c;
	RbacTermKind wk = RBAC_TERM_ROLE;

	if (t.kind == TK_LPAREN)
	{
		if (depth >= MAX_COND_DEPTH)
		{
			report_at(p, &t, RBAC_DIAG_SYNTAX, NULL,
					  "condition nested too deeply");
			return NULL;
		}
		next(p);
		return closed_by_paren(p, parse_cond_or(p, depth + 1),
							   "\")\" in the condition");
	}
	if (is_word(&t, "global") && peek(p, 1)->kind == TK_STRING)
	{
		next(p);
		c = new_cond(p, RBAC_COND_GLOBAL, cur(p)->line, cur(p)->col);
		c->name = cur(p)->text;
		next(p);
		return c;
	}
	if (is_word(&t, "global"))
	{
		next(p);
		expected(p, "a global role name after \"global\"", NULL);
		return NULL;
	}
	if (t.kind == TK_STRING ||
		(is_wild_word(&t, &wk) && peek(p, 1)->kind != TK_LPAREN))
	{
		c = new_cond(p, RBAC_COND_TERM, t.line, t.col);
		c->name = t.text;
		c->wild = (t.kind == TK_IDENT);
		c->wild_kind = wk;
		next(p);
		if (is_word(cur(p), "on"))
		{
			next(p);
			if (cur(p)->kind != TK_STRING)
			{
				expected(p, "a relation name after \"on\"",
						 "The relation is a string too, as in \"admin\" if \"owner\" on \"parent\".");
				return NULL;
			}
			c->via = cur(p)->text;
			c->via_line = cur(p)->line;
			c->via_col = cur(p)->col;
			next(p);
		}
		return c;
	}
	if (t.kind == TK_IDENT && peek(p, 1)->kind == TK_LPAREN)
		return parse_fact(p);
	if (t.kind == TK_IDENT &&
		(peek(p, 1)->kind == TK_EQEQ || peek(p, 1)->kind == TK_EQ))
		return parse_self(p);
	if (t.kind == TK_IDENT && peek(p, 1)->kind == TK_DOT)
	{
		report_at(p, &t, RBAC_DIAG_UNSUPPORTED,
				  "Write a fact about the resource, is_public(resource), or a last-mile rule: has_permission(user: User, \"read\", doc: Document) if doc.is_public;.",
				  "fields cannot be read in a shorthand rule");
		return NULL;
	}
	expected(p, "a role, permission or relation name, a fact such as is_public(resource), or \"(\" in the condition",
			 t.kind == TK_IDENT ?
			 "Role and permission names are strings, as in \"read\" if \"viewer\"." :
			 NULL);
	return NULL;
}

/* not := 'not' not | primary */
static RbacCond *
parse_cond_not(Parser *p, int depth)
{
	Token		t = *cur(p);
	RbacCond   *c;

	if (!is_word(&t, "not"))
		return parse_cond_primary(p, depth);
	if (depth >= MAX_COND_DEPTH)
	{
		report_at(p, &t, RBAC_DIAG_SYNTAX, NULL, "condition nested too deeply");
		return NULL;
	}
	next(p);
	c = new_cond(p, RBAC_COND_NOT, t.line, t.col);
	c->left = parse_cond_not(p, depth + 1);
	return c->left ? c : NULL;
}

/* The operands of an and/or chain of conditions, at a nesting depth. */
typedef struct CondChain
{
	RbacCond   *(*sub) (Parser *p, int depth);	/* parse_cond_not or _and */
	int			depth;
} CondChain;

static void *
cond_operand(Parser *p, void *arg)
{
	CondChain  *c = arg;

	return c->sub(p, c->depth);
}

/* An AND or OR node over left and right, where left stands. */
static void *
cond_join(Parser *p, int kind, void *left, void *right)
{
	RbacCond   *l = left;
	RbacCond   *c = new_cond(p, kind, l->line, l->col);

	c->left = l;
	c->right = right;
	return c;
}

/* and := not ('and' not)* ;  or := and ('or' and)* */
static RbacCond *
parse_cond_and(Parser *p, int depth)
{
	CondChain	c = {parse_cond_not, depth};

	return rbac_parse_chain(p, "and", RBAC_COND_AND, cond_operand, &c,
							cond_join);
}

static RbacCond *
parse_cond_or(Parser *p, int depth)
{
	CondChain	c = {parse_cond_and, depth};

	return rbac_parse_chain(p, "or", RBAC_COND_OR, cond_operand, &c,
							cond_join);
}

/* The first wildcard term in a condition, or NULL. */
static RbacCond *
find_wild(RbacCond *c)
{
	RbacCond   *w;

	if (c == NULL)
		return NULL;
	if (c->kind == RBAC_COND_TERM)
		return c->wild ? c : NULL;
	w = find_wild(c->left);
	return w ? w : find_wild(c->right);
}

/*
 * Add the shorthand rule tmpl of type t with condition cond: one rule per
 * top-level disjunct (see policy.h).
 */
void
rbac_add_shorthand(RbacAlloc *alloc, RbacType *t, const RbacShorthand *tmpl,
				   RbacCond *cond)
{
	RbacShorthand *r;

	if (cond == NULL)
		return;
	if (cond->kind == RBAC_COND_OR)
	{
		rbac_add_shorthand(alloc, t, tmpl, cond->left);
		rbac_add_shorthand(alloc, t, tmpl, cond->right);
		return;
	}
	if ((cond->kind == RBAC_COND_TERM && !cond->wild) ||
		cond->kind == RBAC_COND_GLOBAL)
	{
		t->rules = rbac_grow(alloc, t->rules, &t->rulecap, t->nrules + 1,
							 sizeof(RbacShorthand));
		r = &t->rules[t->nrules++];
		*r = *tmpl;
		r->cond = NULL;
		r->head_wild = false;
		r->body = cond->name;
		r->body_line = cond->line;
		r->body_col = cond->col;
		r->is_global = (cond->kind == RBAC_COND_GLOBAL);
		r->via = cond->via;
		r->via_line = cond->via_line;
		r->via_col = cond->via_col;
		return;
	}
	t->conds = rbac_grow(alloc, t->conds, &t->condcap, t->nconds + 1,
						 sizeof(RbacShorthand));
	r = &t->conds[t->nconds++];
	*r = *tmpl;
	r->head_wild = false;
	r->cond = cond;
	r->body = NULL;
	r->body_line = cond->line;
	r->body_col = cond->col;
	r->via = NULL;
	r->is_global = false;
}

/*
 * Check the wildcards of a rule: the word role or permission stands for a
 * name only as the head of a rule, and as its whole body with "on" when
 * the head is the same word (role if role on "parent").  False after
 * reporting.
 */
static bool
check_wildcards(Parser *p, const Token *head, bool head_wild,
				RbacTermKind hk, RbacCond *cond)
{
	RbacCond   *w = find_wild(cond);

	if (w == NULL)
		return true;
	if (!head_wild)
		report(p, w->line, w->col, RBAC_DIAG_SEMANTIC,
			   rbac_format(p->alloc, "Write %s if %s on \"relation\"; to inherit every %s of the related type, or name one %s as a string.",
						   w->name, w->name, w->name, w->name),
			   "\"%s\" stands for every %s only in a rule whose head is %s",
			   w->name, w->name, w->name);
	else if (w != cond)
		report(p, w->line, w->col, RBAC_DIAG_UNSUPPORTED,
			   rbac_format(p->alloc, "Write the wildcard alone: %s if %s on \"relation\";.",
						   head->text, head->text),
			   "a wildcard %s in the body must be the whole condition",
			   w->name);
	else if (w->wild_kind != hk)
		report(p, w->line, w->col, RBAC_DIAG_SEMANTIC,
			   rbac_format(p->alloc, "Write %s if %s on \"relation\";.",
						   head->text, head->text),
			   "wildcard rule %s if %s mixes roles and permissions",
			   head->text, w->name);
	else if (w->via == NULL)
		report(p, w->line, w->col, RBAC_DIAG_SEMANTIC,
			   rbac_format(p->alloc, "Name the relation to inherit through: %s if %s on \"parent\";.",
						   head->text, head->text),
			   "%s if %s needs \"on\" and a relation", head->text, w->name);
	else
		return true;
	return false;
}

/*
 * A rule of the global block (type NULL): "P" if "R"; between global
 * roles and permissions, plain names only.
 */
static void
add_global_rule(Parser *p, const Token *head, RbacCond *cond)
{
	RbacPolicy *pol = p->policy;
	RbacShorthand *r;

	if (head->kind != TK_STRING || cond->kind != RBAC_COND_TERM ||
		cond->wild || cond->via != NULL)
	{
		report(p, head->line, head->col, RBAC_DIAG_UNSUPPORTED,
			   "The global block has no resource: write \"create_org\" if \"admin\"; between global names, and conditions in resource blocks.",
			   "a rule of the global block names one global role or permission after \"if\"");
		return;
	}
	pol->grules = rbac_grow(p->alloc, pol->grules, &pol->grulecap,
							pol->ngrules + 1, sizeof(RbacShorthand));
	r = &pol->grules[pol->ngrules++];
	memset(r, 0, sizeof(*r));
	r->head = head->text;
	r->head_line = head->line;
	r->head_col = head->col;
	r->body = cond->name;
	r->body_line = cond->line;
	r->body_col = cond->col;
	r->start_offset = head->offset;
	r->end_offset = p->lx.prev_end;
}

/*
 * A shorthand rule (the head string, or the word role or permission, is
 * current):
 *	"X" if "Y";  "X" if "Y" on "rel";  "X" if global "G";
 *	"X" if "Y" or is_public(resource);  "X" if "Y" and not f(resource, v);
 *	role if role on "rel";  permission if "admin";
 * Names are not resolved here; the validator does that (and compiles
 * conditions, and expands wildcards).
 */
static void
parse_shorthand(Parser *p, RbacType *type)
{
	Token		head = *cur(p);
	RbacShorthand tmpl;
	RbacTermKind hk = RBAC_TERM_ROLE;
	bool		head_wild = is_wild_word(&head, &hk);
	RbacCond   *cond;

	next(p);
	if (!is_word(cur(p), "if"))
	{
		expected(p, rbac_format(p->alloc, "\"if\" after \"%s\"",
								clip(p, head.text)),
				 "Shorthand rules read \"read\" if \"viewer\", with the names in double quotes.");
		recover(p, RECOVER_BLOCK);
		return;
	}
	next(p);
	if (cur(p)->kind == TK_SEMI)
	{
		expected(p, "a condition after \"if\"", NULL);
		recover(p, RECOVER_BLOCK);
		return;
	}
	cond = parse_cond_or(p, 0);
	if (cond == NULL)
	{
		recover(p, RECOVER_BLOCK);
		return;
	}
	expect_block_semi(p, "the shorthand rule");
	if (type == NULL)
	{
		add_global_rule(p, &head, cond);
		return;
	}
	if (!check_wildcards(p, &head, head_wild, hk, cond))
		return;

	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.head = head.text;
	tmpl.head_line = head.line;
	tmpl.head_col = head.col;
	tmpl.start_offset = head.offset;
	tmpl.end_offset = p->lx.prev_end;
	if (head_wild)
	{
		RbacShorthand *r;

		type->wilds = rbac_grow(p->alloc, type->wilds, &type->wildcap,
								type->nwilds + 1, sizeof(RbacShorthand));
		r = &type->wilds[type->nwilds++];
		*r = tmpl;
		r->head_wild = true;
		r->wild_kind = hk;
		r->cond = cond;
		return;
	}
	rbac_add_shorthand(p->alloc, type, &tmpl, cond);
}

/*
 * The contents of a block after its "{", up to and including "}".  type
 * is NULL for the global block, which declares roles, permissions and
 * plain rules between them; type may be a
 * scratch type (block with a broken name): its contents are still checked.
 */
static void
parse_block_body(Parser *p, RbacType *type, const char *label)
{
	bool		seen_roles = false;
	bool		seen_perms = false;
	bool		seen_rels = false;
	ListTarget	lt;

	lt.type = type;
	lt.label = label;
	for (;;)
	{
		Token	   *t = cur(p);
		long		before = p->lx.consumed;

		if (!block_goes_on(p, label))
			return;
		if (t->kind == TK_ERROR)
			next(p);			/* reported by the lexer; nothing to skip */
		else if (is_word(t, "roles"))
		{
			lt.kind = RBAC_TERM_ROLE;
			lt.what = "roles";
			parse_list_decl(p, &lt, &seen_roles);
		}
		else if (is_word(t, "permissions"))
		{
			lt.kind = RBAC_TERM_PERMISSION;
			lt.what = "permissions";
			parse_list_decl(p, &lt, &seen_perms);
		}
		else if (type == NULL && t->kind == TK_STRING)
			parse_shorthand(p, NULL);
		else if (type == NULL)
		{
			expected(p, "\"roles\", \"permissions\" or a rule in the global block",
					 "The global block declares global roles and permissions and the rules between them: global { roles = [\"admin\"]; permissions = [\"create_org\"]; \"create_org\" if \"admin\"; }.");
			recover(p, RECOVER_BLOCK);
		}
		else if (is_word(t, "relations"))
			parse_relations(p, type, label, &seen_rels);
		else if (t->kind == TK_STRING)
			parse_shorthand(p, type);
		else if (t->kind == TK_IDENT && peek(p, 1)->kind == TK_EQ)
		{
			static const char *const decls[] = {"roles", "permissions",
			"relations"};
			const char *sugg = rbac_closest(t->text, decls, 3);
			const char *hint = "A block declares roles = [...], permissions = [...] and relations = {...}, and holds shorthand rules.";

			if (sugg)
				report_at(p, t, RBAC_DIAG_SYNTAX, hint,
						  "unknown declaration \"%s\" in %s (did you mean \"%s\"?)",
						  clip(p, t->text), label, sugg);
			else
				report_at(p, t, RBAC_DIAG_SYNTAX, hint,
						  "unknown declaration \"%s\" in %s",
						  clip(p, t->text), label);
			recover(p, RECOVER_BLOCK);
		}
		else if (is_wild_word(t, NULL) && is_word(peek(p, 1), "if"))
			parse_shorthand(p, type);
		else if (t->kind == TK_IDENT && is_word(peek(p, 1), "if"))
		{
			expected(p, "a string as the head of a shorthand rule",
					 "Role and permission names are strings, as in \"read\" if \"viewer\".");
			recover(p, RECOVER_BLOCK);
		}
		else if (t->kind == TK_IDENT && peek(p, 1)->kind == TK_LPAREN)
		{
			report_at(p, t, RBAC_DIAG_UNSUPPORTED,
					  "Write rules with variables after the block: has_permission(user: User, \"read\", doc: Document) if ...;, or a shorthand rule with a fact here: \"read\" if is_public(resource);.",
					  "rule \"%s\" is not supported inside %s",
					  clip(p, t->text), label);
			recover(p, RECOVER_BLOCK);
		}
		else
		{
			expected(p, rbac_format(p->alloc,
									"a declaration or a shorthand rule in %s",
									label), NULL);
			recover(p, RECOVER_BLOCK);
		}
		/* guarantee progress whatever happened */
		if (p->lx.consumed == before && cur(p)->kind != TK_RBRACE &&
			cur(p)->kind != TK_EOF && !at_block_start(p))
			next(p);
	}
}

/*
 * actor Name { ... }  or  resource Name { ... }  (the keyword is current).
 * Name is an identifier or a string.  Without a usable name the contents
 * are still parsed (into a scratch type) to report their errors.
 */
static void
parse_block(Parser *p, bool is_actor)
{
	Token		kw = *cur(p);
	Token		name = *peek(p, 1);
	RbacType   *type;
	const char *label;

	next(p);
	if (name.kind == TK_IDENT || name.kind == TK_STRING)
	{
		next(p);
		type = get_type(p, &name, is_actor);
		label = rbac_format(p->alloc, "%s %s", type_word(is_actor), name.text);
	}
	else
	{
		expected(p, rbac_format(p->alloc, "a type name after \"%s\"", kw.text),
				 rbac_format(p->alloc,
							 "A block starts with %s Name { and ends with }.",
							 kw.text));
		if (name.kind == TK_ERROR)
			next(p);
		if (cur(p)->kind != TK_LBRACE)
		{
			recover(p, RECOVER_TOP);
			return;
		}
		type = rbac_alloc(p->alloc, sizeof(RbacType));
		type->is_actor = is_actor;
		type->is_resource = !is_actor;
		type->index = -1 - p->nscratch++;
		label = rbac_format(p->alloc, "this %s block", type_word(is_actor));
	}
	if (is_word(cur(p), "extends"))
	{
		report_at(p, cur(p), RBAC_DIAG_UNSUPPORTED,
				  "Declare the roles, permissions and rules in each block; blocks of one type merge, so shared parts can be written once per type.",
				  "\"extends\" is not supported in pg_rbac policies");
		recover(p, RECOVER_TOP);
		return;
	}
	if (!accept(p, TK_LBRACE))
	{
		Token	   *t = cur(p);

		expected(p, rbac_format(p->alloc, "\"{\" after \"%s %s\"", kw.text,
								clip(p, name.text)), NULL);
		/* parse on when the block's contents plainly follow */
		if (!(t->kind == TK_STRING || is_word(t, "roles") ||
			  is_word(t, "permissions") || is_word(t, "relations")))
		{
			recover(p, RECOVER_TOP);
			return;
		}
	}
	parse_block_body(p, type, label);
}

/* global { roles = [...]; }  (the keyword is current). */
static void
parse_global(Parser *p)
{
	next(p);
	if (!accept(p, TK_LBRACE))
	{
		expected(p, "\"{\" after \"global\"", NULL);
		recover(p, RECOVER_TOP);
		return;
	}
	parse_block_body(p, NULL, "the global block");
}


/* ---------------------------------------------------------------------
 * Entry point
 * ---------------------------------------------------------------------
 */

/*
 * Parse source into a policy; see policy.h.  Never fails: problems become
 * diagnostics and the returned policy holds everything that parsed.
 */
RbacPolicy *
rbac_parse(const char *source, size_t len, RbacAlloc *alloc,
		   RbacDiagList *diags)
{
	Parser		p;

	memset(&p, 0, sizeof(p));
	p.alloc = alloc;
	p.policy = rbac_alloc(alloc, sizeof(RbacPolicy));
	if (!rbac_lex_init(&p.lx, source, len, alloc, diags))
		return p.policy;

	while (!p.lx.stopped)
	{
		Token	   *t = cur(&p);
		long		before = p.lx.consumed;

		if (t->kind == TK_EOF)
			break;
		if (t->kind == TK_ERROR)
			next(&p);			/* reported by the lexer; nothing to skip */
		else if (t->kind == TK_IDENT && peek(&p, 1)->kind != TK_LPAREN &&
			(strcmp(t->text, "actor") == 0 || strcmp(t->text, "resource") == 0))
			parse_block(&p, t->text[0] == 'a');
		else if (is_word(t, "global") && peek(&p, 1)->kind != TK_LPAREN)
			parse_global(&p);
		else if (is_word(t, "test") && peek(&p, 1)->kind != TK_LPAREN)
			rbac_parse_test(&p);
		else if (t->kind == TK_IDENT && peek(&p, 1)->kind == TK_LPAREN)
			rbac_parse_rule(&p);
		else
		{
			expected(&p, "a block or a rule",
					 t->kind == TK_STRING ?
					 "Shorthand rules such as \"read\" if \"viewer\"; belong inside a resource block." :
					 NULL);
			recover(&p, RECOVER_TOP);
		}
		if (p.lx.consumed == before && cur(&p)->kind != TK_EOF &&
			!at_block_start(&p))
			next(&p);
	}
	return p.policy;
}
