/*
 * html_matrix.c: the failover matrix as a heatmap, read from matrix_json
 * (the document of matrix -j): a row per failed set and origin, grouped by
 * the number of sites withdrawn, a column per destination and lost; cells
 * shaded by weighted share, the exact numbers in each cell's title.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "html_report.h"
#include "html_text.h"
#include "withdrawn.h"
#include "xalloc.h"

/* The JSON array of withdrawn names as "A+B" (cut short if it does not fit). */
static void
join_set(json_t *wd, char *buf, size_t len)
{
	size_t i, off = 0;
	json_t *v;

	buf[0] = '\0';
	json_array_foreach(wd, i, v) {
		int n = snprintf(buf + off, len - off, "%s%s", i ? "+" : "", json_string_value(v));

		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
}

/* 1 when some row of the document sends targets to site name. */
static int
is_destination(json_t *rows, const char *name)
{
	size_t i;
	json_t *r;

	json_array_foreach(rows, i, r)
		if (json_object_get(json_object_get(r, "to"), name) != NULL)
			return 1;
	return 0;
}

/* One cell: shaded by the weighted share, its numbers in the title. */
static void
heat_cell(FILE *f, const char *set, const char *from, const char *to, json_t *cell)
{
	json_t *ws = json_object_get(cell, "weighted_share"), *cs = json_object_get(cell, "share");
	const char *ink;
	char bg[16];

	if (cell == NULL) {
		fputs("<td></td>", f);
		return;
	}
	html_shade(json_is_number(ws) ? json_number_value(ws) : 0, bg, sizeof(bg), &ink);
	fprintf(f, "<td style=\"background:%s;color:%s\" title=\"", bg, ink);
	html_esc(f, set);
	fputs(" withdrawn, from ", f);
	html_esc(f, from);
	fputs(" to ", f);
	html_esc(f, to);
	if (json_is_number(ws))
		fprintf(f, ": weighted share %.6f", json_number_value(ws));
	fprintf(f, ", %lld targets", (long long)json_integer_value(json_object_get(cell, "targets")));
	if (json_is_number(cs))
		fprintf(f, " (share %.6f)", json_number_value(cs));
	fputs("\">", f);
	html_share(f, json_is_number(ws) ? json_number_value(ws) : NAN);
	fputs("</td>", f);
}

/* The heatmap section. */
void
html_section_heatmap(FILE *f, const struct html_input *in)
{
	const struct failover_matrix *m = in->now;
	json_t *doc = matrix_json(m), *rows = json_object_get(doc, "scenarios"), *r;
	const char **dest = xcalloc(m->nsites + 1, sizeof(char *));
	size_t ndest = 0, i, k, group = 0;
	char set[WITHDRAWN_MAX];

	for (i = 0; i < m->nsites; i++)
		if (is_destination(rows, m->sites[i].name))
			dest[ndest++] = m->sites[i].name;
	fputs("<section id=\"matrix\"><h2>Failover matrix</h2><p>Weighted share of each "
	    "failed site's targets (or of the whole failed set's) by where their replies "
	    "landed; hover a cell for the exact numbers.</p><table class=\"heat\"><thead><tr>"
	    "<th class=\"name\">failed</th><th class=\"name\">from</th><th>responsive</th>", f);
	for (k = 0; k < ndest; k++) {
		fputs("<th>", f);
		html_esc(f, dest[k]);
		fputs("</th>", f);
	}
	fputs("<th>lost</th></tr></thead><tbody>\n", f);
	json_array_foreach(rows, i, r) {
		json_t *wd = json_object_get(r, "withdrawn"), *to = json_object_get(r, "to");
		const char *from = json_string_value(json_object_get(r, "from"));

		join_set(wd, set, sizeof(set));
		if (json_array_size(wd) != group) {
			group = json_array_size(wd);
			fprintf(f, "<tr class=\"group\"><th colspan=\"%zu\">%zu site%s withdrawn</th>"
			    "</tr>\n", ndest + 4, group, group == 1 ? "" : "s");
		}
		fputs("<tr><td class=\"name\">", f);
		html_esc(f, set);
		fputs("</td><td class=\"name\">", f);
		html_esc(f, from);
		fprintf(f, "</td><td>%lld</td>",
		    (long long)json_integer_value(json_object_get(r, "responsive")));
		for (k = 0; k < ndest; k++)
			heat_cell(f, set, from, dest[k], json_object_get(to, dest[k]));
		heat_cell(f, set, from, "lost", json_object_get(r, "lost"));
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table></section>\n", f);
	free(dest);
	json_decref(doc);
}
