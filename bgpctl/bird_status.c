/* bird_status.c: the few BIRD "show" replies tp-bgpctl reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bird_status.h"
#include "xalloc.h"

/* Copy the next whitespace-separated word of *s into buf; 0 when none. */
static int
next_word(const char **s, char *buf, size_t len)
{
	const char *p = *s;
	size_t n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return 0;
	while (*p != '\0' && *p != ' ' && *p != '\t') {
		if (n + 1 < len)
			buf[n++] = *p;
		p++;
	}
	buf[n] = '\0';
	*s = p;
	return 1;
}

/* Read version and router id from "show status". */
int
bird_parse_status(const struct bird_reply *reply, char *version, size_t vlen,
    char *router_id, size_t rlen, struct tp_err *err)
{
	size_t i;
	int have_version = 0;

	if (rlen > 0)
		router_id[0] = '\0';
	for (i = 0; i < reply->nlines; i++) {
		const struct bird_line *l = &reply->lines[i];
		const char *s = l->text;
		char word[64];

		if (l->kind == BIRD_LINE_ASYNC)
			continue;
		if (l->code == 1000 && next_word(&s, word, sizeof(word)) &&
		    strcmp(word, "BIRD") == 0 && next_word(&s, version, vlen))
			have_version = 1;
		else if (l->code == 1011 && strncmp(s, "Router ID is ", 13) == 0) {
			s += 13;
			next_word(&s, router_id, rlen);
		}
	}
	if (!have_version)
		return tp_err_set(err, "\"show status\" reply carries no BIRD version line");
	return 0;
}

/* Read the rows of "show protocols". */
int
bird_parse_protocols(const struct bird_reply *reply, struct bird_protocols *p,
    struct tp_err *err)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < reply->nlines; i++) {
		const struct bird_line *l = &reply->lines[i];
		const char *s = l->text;
		struct bird_proto_row row;

		if (l->kind == BIRD_LINE_ASYNC || l->code != 1002)
			continue;
		memset(&row, 0, sizeof(row));
		if (!next_word(&s, row.name, sizeof(row.name)) ||
		    !next_word(&s, row.proto, sizeof(row.proto)) ||
		    !next_word(&s, row.table, sizeof(row.table)) ||
		    !next_word(&s, row.state, sizeof(row.state))) {
			bird_protocols_free(p);
			return tp_err_set(err, "\"show protocols\" row \"%.80s\" has fewer "
			    "than four columns", l->text);
		}
		p->rows = xreallocarray(p->rows, p->n + 1, sizeof(*p->rows));
		p->rows[p->n++] = row;
	}
	return 0;
}

/* Free the rows. */
void
bird_protocols_free(struct bird_protocols *p)
{
	free(p->rows);
	memset(p, 0, sizeof(*p));
}

/* Find a protocol by name. */
const struct bird_proto_row *
bird_protocols_find(const struct bird_protocols *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->rows[i].name, name) == 0)
			return &p->rows[i];
	return NULL;
}

/* Read the networks of "show route protocol P". */
int
bird_parse_routes(const struct bird_reply *reply, struct bird_routes *r, struct tp_err *err)
{
	size_t i;

	(void)err;
	memset(r, 0, sizeof(*r));
	for (i = 0; i < reply->nlines; i++) {
		const struct bird_line *l = &reply->lines[i];
		const char *s = l->text;
		char net[256];
		struct tp_prefix p;

		/* Route rows are 1007; a row starting with blank continues the
		 * network above (another route or a next hop), "Table X:" heads
		 * a table. */
		if (l->kind == BIRD_LINE_ASYNC || l->code != 1007)
			continue;
		if (s[0] == '\0' || s[0] == ' ' || s[0] == '\t' ||
		    strncmp(s, "Table ", 6) == 0)
			continue;
		next_word(&s, net, sizeof(net));
		if (tp_prefix_parse(net, &p, NULL) == 0) {
			r->prefixes = xreallocarray(r->prefixes, r->n + 1, sizeof(*r->prefixes));
			r->prefixes[r->n++] = p;
		} else {
			r->unparsed = xreallocarray(r->unparsed, r->nunparsed + 1,
			    sizeof(*r->unparsed));
			r->unparsed[r->nunparsed++] = xstrdup(net);
		}
	}
	return 0;
}

/* Free the route list. */
void
bird_routes_free(struct bird_routes *r)
{
	size_t i;

	for (i = 0; i < r->nunparsed; i++)
		free(r->unparsed[i]);
	free(r->unparsed);
	free(r->prefixes);
	memset(r, 0, sizeof(*r));
}
