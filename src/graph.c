/*-------------------------------------------------------------------------
 *
 * graph.c
 *	  rbac.policy_graph(): the loaded model as Graphviz DOT.
 *
 * One cluster per type holding its roles (ellipses), permissions (boxes)
 * and relations (diamonds); an edge per implication ("Y" -> "X" for
 * "X" if "Y"), dashed edges for implications through a relation, and a
 * bold edge from each relation to the type it targets.  Global roles get
 * their own cluster.
 *
 *-------------------------------------------------------------------------
 */
#include "policy_backend.h"

#include "executor/spi.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(rbac_policy_graph);

/* Append s as a DOT double-quoted string (quotes and backslashes escaped). */
static void
dot_quote(StringInfo buf, const char *s)
{
	appendStringInfoChar(buf, '"');
	for (; *s; s++)
	{
		if (*s == '"' || *s == '\\')
			appendStringInfoChar(buf, '\\');
		if (*s == '\n' || *s == '\r')
			appendStringInfoChar(buf, ' ');
		else
			appendStringInfoChar(buf, *s);
	}
	appendStringInfoChar(buf, '"');
}

/*
 * Append the node id of a term of a type (NULL type: a global role).  The
 * type name is length-prefixed so that no two (type, name) pairs collide.
 */
static void
dot_node(StringInfo buf, const char *type, const char *name)
{
	char	   *id = type ? psprintf("%zu:%s.%s", strlen(type), type, name) :
		psprintf("global.%s", name);

	dot_quote(buf, id);
	pfree(id);
}

/* Append the anchor node that stands for the type itself. */
static void
dot_type_node(StringInfo buf, const char *type)
{
	char	   *id = psprintf("type %s", type);

	dot_quote(buf, id);
	pfree(id);
}

/* Emit one type's cluster: the type anchor and every term. */
static void
emit_type(StringInfo buf, RbacType *t, int index)
{
	int			j;

	appendStringInfo(buf, "  subgraph cluster_%d {\n    label=", index);
	dot_quote(buf, psprintf("%s %s", t->is_actor ? "actor" : "resource", t->name));
	appendStringInfoString(buf, ";\n    style=rounded;\n    ");
	dot_type_node(buf, t->name);
	appendStringInfoString(buf, " [label=");
	dot_quote(buf, t->name);
	appendStringInfoString(buf, ", shape=plaintext, fontsize=16];\n");
	for (j = 0; j < t->nterms; j++)
	{
		RbacTerm   *term = &t->terms[j];
		const char *shape = term->kind == RBAC_TERM_ROLE ? "ellipse" :
			term->kind == RBAC_TERM_PERMISSION ? "box" : "diamond";

		appendStringInfoString(buf, "    ");
		dot_node(buf, t->name, term->name);
		appendStringInfoString(buf, " [label=");
		dot_quote(buf, term->name);
		appendStringInfo(buf, ", shape=%s];\n", shape);
	}
	appendStringInfoString(buf, "  }\n");
}

/* Emit the edges of one type: relations and shorthand implications. */
static void
emit_edges(StringInfo buf, RbacType *t)
{
	int			j;

	for (j = 0; j < t->nterms; j++)
	{
		RbacTerm   *term = &t->terms[j];

		if (term->kind != RBAC_TERM_RELATION)
			continue;
		appendStringInfoString(buf, "  ");
		dot_node(buf, t->name, term->name);
		appendStringInfoString(buf, " -> ");
		dot_type_node(buf, term->target);
		appendStringInfoString(buf, " [style=bold, arrowhead=vee];\n");
	}
	for (j = 0; j < t->nrules; j++)
	{
		RbacShorthand *r = &t->rules[j];

		appendStringInfoString(buf, "  ");
		if (r->body_kind == RBAC_BODY_GLOBAL)
			dot_node(buf, NULL, r->body);
		else if (r->via && r->via_type)
			dot_node(buf, r->via_type->name, r->body);
		else
			dot_node(buf, t->name, r->body);
		appendStringInfoString(buf, " -> ");
		dot_node(buf, t->name, r->head);
		if (r->via)
		{
			appendStringInfoString(buf, " [style=dashed, label=");
			dot_quote(buf, psprintf("on %s", r->via));
			appendStringInfoString(buf, "]");
		}
		appendStringInfoString(buf, ";\n");
	}
}

/*
 * rbac.policy_graph() -> text
 *
 * The loaded policy's model as a DOT digraph; an empty graph when no policy
 * is loaded.
 */
Datum
rbac_policy_graph(PG_FUNCTION_ARGS)
{
	StringInfoData buf;
	char	   *src;
	RbacParsed *parsed = NULL;
	text	   *result;
	int			i;

	initStringInfo(&buf);
	SPI_connect();
	src = rbac_loaded_policy_source();
	if (src)
		parsed = rbac_parse_policy_text(src, strlen(src), false,
										CurrentMemoryContext);

	appendStringInfoString(&buf,
						   "digraph rbac {\n"
						   "  rankdir=BT;\n"
						   "  compound=true;\n"
						   "  node [fontname=\"Helvetica\"];\n"
						   "  edge [fontname=\"Helvetica\", fontsize=10];\n");
	if (parsed)
	{
		RbacPolicy *p = parsed->policy;

		for (i = 0; i < p->ntypes; i++)
			emit_type(&buf, p->types[i], i);
		if (p->nglobals > 0)
		{
			appendStringInfoString(&buf, "  subgraph cluster_global {\n"
								   "    label=\"global\";\n    style=rounded;\n");
			for (i = 0; i < p->nglobals; i++)
			{
				appendStringInfoString(&buf, "    ");
				dot_node(&buf, NULL, p->globals[i].name);
				appendStringInfoString(&buf, " [label=");
				dot_quote(&buf, p->globals[i].name);
				appendStringInfoString(&buf, ", shape=ellipse];\n");
			}
			appendStringInfoString(&buf, "  }\n");
		}
		for (i = 0; i < p->ntypes; i++)
			emit_edges(&buf, p->types[i]);
		rbac_free_parsed(parsed);
	}
	appendStringInfoString(&buf, "}\n");
	SPI_finish();

	result = cstring_to_text_with_len(buf.data, buf.len);
	PG_RETURN_TEXT_P(result);
}
