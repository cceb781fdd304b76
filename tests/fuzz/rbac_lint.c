/*-------------------------------------------------------------------------
 *
 * rbac_lint.c
 *	  Command-line checker of pg_rbac policies, outside PostgreSQL:
 *
 *		rbac_lint [-p] [-q] [-t] [-o] [-T] FILE  (FILE "-" reads standard input)
 *
 *	  Prints every diagnostic as "LINE:COL: error|warning: MESSAGE" (and
 *	  "  hint: HINT"), then a compact dump of the parsed and validated
 *	  policy.  -p: parse only (no validation); -q: no dump; -t: also print
 *	  the parse and validation time; -o: as load_policy(source, oso_compat
 *	  => true), Oso host-bridging rules are skipped with a warning; -T:
 *	  run the policy's test blocks (as rbac.test_policy does) and print
 *	  "ok" or "FAILED" with each assertion.  Exits 1 when there are errors
 *	  or a failed assertion, 2 on a usage or I/O problem.
 *
 *-------------------------------------------------------------------------
 */
#include "arena.h"

#include <stdbool.h>
#include <time.h>

/* Read a whole file (or stdin for "-") into a malloc'd buffer. */
static char *
read_all(const char *path, size_t *len)
{
	FILE	   *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char	   *buf = NULL;
	size_t		cap = 0;
	size_t		n = 0;

	if (f == NULL)
		return NULL;
	for (;;)
	{
		size_t		got;

		if (cap - n < 65536)
		{
			cap = cap ? cap * 2 : 131072;
			buf = realloc(buf, cap);
			if (buf == NULL)
			{
				fprintf(stderr, "out of memory\n");
				exit(2);
			}
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

/* Print s as a double-quoted policy string (escaping " and \). */
static void
put_quoted(const char *s)
{
	putchar('"');
	for (; s && *s; s++)
	{
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

/* Print a type name bare when it is a plain identifier, else quoted. */
static void
put_name(const char *s)
{
	const unsigned char *u = (const unsigned char *) s;
	bool		plain = s && *s && !(*u >= '0' && *u <= '9');

	for (; plain && *u; u++)
		if (!((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') ||
			  (*u >= '0' && *u <= '9') || *u == '_' || *u >= 0x80))
			plain = false;
	if (plain)
		fputs(s, stdout);
	else
		put_quoted(s ? s : "");
}

static const char *
term_kind(RbacTermKind k)
{
	return k == RBAC_TERM_ROLE ? "role" :
		k == RBAC_TERM_PERMISSION ? "permission" : "relation";
}

static const char *
cmp_text(RbacCmpOp op)
{
	static const char *const ops[] = {"=", "!=", "<", "<=", ">", ">="};

	return (int) op >= 0 && (int) op < 6 ? ops[op] : "?";
}

/* Print an operand; paths show what validation made of them. */
static void
put_operand(const RbacOperand *o, bool validated)
{
	int			i;

	if (o == NULL)
	{
		fputs("<null>", stdout);
		return;
	}
	switch (o->kind)
	{
		case RBAC_OP_STRING:
			put_quoted(o->text);
			break;
		case RBAC_OP_INTEGER:
		case RBAC_OP_DECIMAL:
			fputs(o->text ? o->text : "?", stdout);
			break;
		case RBAC_OP_BOOL:
			fputs(o->bval ? "true" : "false", stdout);
			break;
		case RBAC_OP_NIL:
			fputs("nil", stdout);
			break;
		case RBAC_OP_PATH:
			fputs(o->path.var ? o->path.var : "?", stdout);
			for (i = 0; i < o->path.nfields; i++)
				printf(".%s", o->path.fields[i] ? o->path.fields[i] : "?");
			if (validated)
			{
				static const char *const tails[] = {"self", "id", "column",
				"relation"};

				printf("<%s", o->path.var_index == 0 ? "actor" : "resource");
				if (o->path.nhops)
					printf(", %d hop%s", o->path.nhops,
						   o->path.nhops == 1 ? "" : "s");
				if ((int) o->path.tail >= 0 && (int) o->path.tail < 4)
					printf(", %s", tails[o->path.tail]);
				if (o->path.end_type)
				{
					fputs(" of ", stdout);
					put_name(o->path.end_type->name);
				}
				putchar('>');
			}
			break;
	}
}

/* Print an expression, fully parenthesized. */
static void
put_expr(const RbacExpr *e, bool validated)
{
	int			i;

	if (e == NULL)
	{
		fputs("<null>", stdout);
		return;
	}
	switch (e->kind)
	{
		case RBAC_EX_TRUE:
			fputs("true", stdout);
			break;
		case RBAC_EX_AND:
		case RBAC_EX_OR:
			putchar('(');
			put_expr(e->left, validated);
			fputs(e->kind == RBAC_EX_AND ? " and " : " or ", stdout);
			put_expr(e->right, validated);
			putchar(')');
			break;
		case RBAC_EX_NOT:
			fputs("not ", stdout);
			put_expr(e->left, validated);
			break;
		case RBAC_EX_CMP:
			putchar('(');
			put_operand(e->a, validated);
			printf(" %s ", cmp_text(e->op));
			put_operand(e->b, validated);
			putchar(')');
			break;
		case RBAC_EX_IN:
			putchar('(');
			put_operand(e->a, validated);
			if (e->b_array != NULL)
			{
				fputs(" in ", stdout);
				put_operand(e->b_array, validated);
				putchar(')');
				break;
			}
			fputs(" in [", stdout);
			for (i = 0; i < e->nlist; i++)
			{
				if (i)
					fputs(", ", stdout);
				put_operand(e->list[i], validated);
			}
			fputs("])", stdout);
			break;
		case RBAC_EX_OPERAND:
			put_operand(e->a, validated);
			break;
		case RBAC_EX_HAS_ROLE:
		case RBAC_EX_HAS_PERMISSION:
			printf("%s(%s, ", e->kind == RBAC_EX_HAS_ROLE ? "has_role" :
				   "has_permission", e->actor_var ? e->actor_var : "?");
			if (e->name_var)
				fputs(e->name_var, stdout);
			else
				put_quoted(e->name);
			fputs(", ", stdout);
			put_operand(e->target, validated);
			putchar(')');
			break;
		case RBAC_EX_MATCHES:
			printf("(%s matches ", e->var ? e->var : "?");
			put_quoted(e->name);
			putchar(')');
			break;
		case RBAC_EX_GLOBAL:
			fputs("global ", stdout);
			put_quoted(e->name);
			break;
		case RBAC_EX_HAS_RELATION:
			fputs("has_relation(", stdout);
			put_operand(e->target, validated);
			fputs(", ", stdout);
			put_quoted(e->name);
			printf(", %s)", e->var ? e->var : "?");
			break;
	}
}

/* Print a condition of a shorthand rule, fully parenthesized. */
static void
put_cond(const RbacCond *c)
{
	if (c == NULL)
	{
		fputs("<null>", stdout);
		return;
	}
	switch (c->kind)
	{
		case RBAC_COND_TERM:
			if (c->wild)
				fputs(c->name ? c->name : "?", stdout);
			else
				put_quoted(c->name);
			if (c->via)
			{
				fputs(" on ", stdout);
				put_quoted(c->via);
			}
			break;
		case RBAC_COND_GLOBAL:
			fputs("global ", stdout);
			put_quoted(c->name);
			break;
		case RBAC_COND_FACT:
			printf("%s(%s", c->name ? c->name : "?", c->arg ? c->arg : "?");
			if (c->value)
			{
				fputs(", ", stdout);
				put_operand(c->value, false);
			}
			putchar(')');
			break;
		case RBAC_COND_SELF:
			fputs("resource == actor", stdout);
			break;
		case RBAC_COND_AND:
		case RBAC_COND_OR:
			putchar('(');
			put_cond(c->left);
			fputs(c->kind == RBAC_COND_AND ? " and " : " or ", stdout);
			put_cond(c->right);
			putchar(')');
			break;
		case RBAC_COND_NOT:
			fputs("not ", stdout);
			put_cond(c->left);
			break;
	}
}

/* Print a condition rule or a wildcard rule of a block. */
static void
put_cond_rule(const char *what, const RbacShorthand *r)
{
	printf("  %s ", what);
	if (r->head_wild)
		fputs(r->wild_kind == RBAC_TERM_ROLE ? "role" : "permission", stdout);
	else
		put_quoted(r->head);
	fputs(" if ", stdout);
	put_cond(r->cond);
	printf("  @%d:%d bytes %d..%d\n", r->head_line, r->head_col,
		   r->start_offset, r->end_offset);
}

/* Print the whole policy. */
static void
dump_policy(const RbacPolicy *pol, bool validated)
{
	int			i,
				j;

	printf("-- %d type%s, %d global role%s, %d rule%s, allow rule: %s\n",
		   pol->ntypes, pol->ntypes == 1 ? "" : "s",
		   pol->nglobals, pol->nglobals == 1 ? "" : "s",
		   pol->nrules, pol->nrules == 1 ? "" : "s",
		   pol->has_allow ? "yes" : "no");
	if (pol->nglobals)
	{
		fputs("global", stdout);
		for (i = 0; i < pol->nglobals; i++)
		{
			putchar(' ');
			put_quoted(pol->globals[i].name);
		}
		putchar('\n');
	}
	if (pol->ngperms)
	{
		fputs("global permissions", stdout);
		for (i = 0; i < pol->ngperms; i++)
		{
			putchar(' ');
			put_quoted(pol->gperms[i].name);
			if (validated)
			{
				fputs(" <-", stdout);
				for (j = 0; j < pol->gperms[i].ngrants; j++)
				{
					putchar(' ');
					put_quoted(pol->gperms[i].grants[j]);
				}
			}
		}
		putchar('\n');
	}
	for (i = 0; i < pol->ngrules; i++)
	{
		fputs("global rule ", stdout);
		put_quoted(pol->grules[i].head);
		fputs(" if ", stdout);
		put_quoted(pol->grules[i].body);
		printf("  @%d:%d\n", pol->grules[i].head_line, pol->grules[i].head_col);
	}
	for (i = 0; i < pol->ntypes; i++)
	{
		const RbacType *t = pol->types[i];

		printf("%s ", t->is_actor && t->is_resource ? "actor resource" :
			   t->is_actor ? "actor" : "resource");
		put_name(t->name);
		printf("  @%d:%d #%d\n", t->line, t->col, t->index);
		for (j = 0; j < t->nterms; j++)
		{
			const RbacTerm *tm = &t->terms[j];

			printf("  %s ", term_kind(tm->kind));
			put_quoted(tm->name);
			if (tm->kind == RBAC_TERM_RELATION)
			{
				fputs(" -> ", stdout);
				put_name(tm->target);
			}
			if (tm->from_rule)
				fputs(" (from rule)", stdout);
			printf("  @%d:%d\n", tm->line, tm->col);
		}
		for (j = 0; j < t->nrules; j++)
		{
			const RbacShorthand *r = &t->rules[j];

			fputs("  rule ", stdout);
			put_quoted(r->head);
			fputs(" if ", stdout);
			if (r->is_global)
				fputs("global ", stdout);
			put_quoted(r->body);
			if (r->via)
			{
				fputs(" on ", stdout);
				put_quoted(r->via);
			}
			if (validated)
			{
				static const char *const bk[] = {"unresolved", "term",
				"actor relation", "global"};

				printf("  [%s <- %s", term_kind(r->head_kind),
					   (int) r->body_kind >= 0 && (int) r->body_kind < 4 ?
					   (r->body_kind == RBAC_BODY_TERM ?
						term_kind(r->body_term_kind) : bk[r->body_kind]) : "?");
				if (r->via_type)
				{
					fputs(" of ", stdout);
					put_name(r->via_type->name);
				}
				putchar(']');
			}
			printf("  @%d:%d\n", r->head_line, r->head_col);
		}
		for (j = 0; j < t->nwilds; j++)
			put_cond_rule("wildcard", &t->wilds[j]);
		for (j = 0; j < t->nconds; j++)
			put_cond_rule("condition", &t->conds[j]);
	}
	for (i = 0; i < pol->nrules; i++)
	{
		const RbacRule *r = pol->rules[i];

		printf("%s(", r->is_role ? "has_role" : "has_permission");
		switch (r->actor_kind)
		{
			case RBAC_ACTOR_TYPED:
				printf("%s: ", r->actor_var ? r->actor_var : "_");
				put_name(r->actor_type);
				break;
			case RBAC_ACTOR_ANY_ACTOR:
				printf("%s: Actor", r->actor_var ? r->actor_var : "_");
				break;
			case RBAC_ACTOR_ANYONE:
				fputs("_", stdout);
				break;
		}
		fputs(", ", stdout);
		put_quoted(r->name);
		printf(", %s: ", r->resource_var ? r->resource_var : "_");
		put_name(r->resource_type);
		fputs(") if ", stdout);
		put_expr(r->body, validated);
		printf("  @%d:%d bytes %d..%d\n", r->line, r->col, r->start_offset,
			   r->end_offset);
	}
}

int
main(int argc, char **argv)
{
	bool		parse_only = false;
	bool		quiet = false;
	bool		timing = false;
	bool		oso_compat = false;
	bool		run_tests = false;
	const char *path = NULL;
	char	   *src;
	size_t		len;
	Arena		arena;
	RbacAlloc	alloc;
	RbacDiagList diags;
	RbacPolicy *pol;
	clock_t		t0,
				t1,
				t2;
	int			i;

	for (i = 1; i < argc; i++)
	{
		if (strcmp(argv[i], "-p") == 0)
			parse_only = true;
		else if (strcmp(argv[i], "-q") == 0)
			quiet = true;
		else if (strcmp(argv[i], "-t") == 0)
			timing = true;
		else if (strcmp(argv[i], "-o") == 0)
			oso_compat = true;
		else if (strcmp(argv[i], "-T") == 0)
			run_tests = true;
		else if (path == NULL)
			path = argv[i];
		else
			path = NULL, i = argc;
	}
	if (path == NULL)
	{
		fprintf(stderr, "usage: rbac_lint [-p] [-q] [-t] [-o] [-T] FILE\n");
		return 2;
	}
	src = read_all(path, &len);
	if (src == NULL)
	{
		perror(path);
		return 2;
	}

	memset(&arena, 0, sizeof(arena));
	memset(&diags, 0, sizeof(diags));
	alloc.alloc = arena_alloc;
	alloc.ctx = &arena;

	t0 = clock();
	pol = rbac_parse(src, len, &alloc, &diags);
	t1 = clock();
	if (!parse_only)
		rbac_validate(pol, NULL, NULL, &alloc, &diags);
	if (oso_compat)
		rbac_oso_compat(&diags);
	t2 = clock();

	for (i = 0; i < diags.n; i++)
	{
		const RbacDiag *d = &diags.items[i];

		printf("%d:%d: %s: %s\n", d->line, d->col,
			   d->severity == RBAC_SEV_ERROR ? "error" : "warning",
			   d->message);
		if (d->hint)
			printf("  hint: %s\n", d->hint);
	}
	if (!quiet)
		dump_policy(pol, !parse_only);
	if (timing)
		fprintf(stderr, "parse %.3f ms, validate %.3f ms, %zu bytes\n",
				(double) (t1 - t0) * 1000.0 / CLOCKS_PER_SEC,
				(double) (t2 - t1) * 1000.0 / CLOCKS_PER_SEC, len);
	i = diags.nerrors > 0 ? 1 : 0;
	if (run_tests && !parse_only && diags.nerrors == 0)
	{
		RbacTestResult *results;
		int			n = rbac_run_tests(pol, &alloc, &results);
		int			k;

		if (n < 0)
		{
			printf("tests need too much work to evaluate\n");
			i = 1;
		}
		for (k = 0; k < n; k++)
		{
			printf("%s %s: %s\n", results[k].passed ? "ok" : "FAILED",
				   results[k].test, results[k].assertion);
			if (!results[k].passed)
				i = 1;
		}
	}
	arena_reset(&arena);
	free(src);
	return i;
}
