/*
 * html_policy.c: the capacity check and the policy's moves, read from
 * policy_json (the document of tp-analyze policy), and the shares that
 * moved since an earlier campaign, read from the report's changes table
 * (report -j).
 */
#include <math.h>

#include "html_report.h"
#include "html_text.h"
#include "policy.h"
#include "report.h"

/* A number with one decimal, or "unknown" for null. */
static void
load_cell(FILE *f, json_t *v, const char *cls)
{
	fprintf(f, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	if (json_is_number(v))
		fprintf(f, "%.1f", json_number_value(v));
	else
		fputs("unknown", f);
	fputs("</td>", f);
}

/* One destination of a policy: its loads against capacity, overflow highlighted. */
static void
dest_row(FILE *f, json_t *d)
{
	double over = json_number_value(json_object_get(d, "overflow"));
	json_t *cap = json_object_get(d, "capacity");

	fprintf(f, "<tr%s><td></td><td class=\"name\">", over > 0 ? " class=\"over\"" : "");
	html_esc(f, json_string_value(json_object_get(d, "site")));
	fputs("</td><td>", f);
	html_share(f, json_number_value(json_object_get(d, "share")));
	fputs("</td>", f);
	load_cell(f, json_object_get(d, "baseline_load"), NULL);
	load_cell(f, json_object_get(d, "incoming_load"), NULL);
	load_cell(f, json_object_get(d, "expected_load"), NULL);
	load_cell(f, cap, NULL);
	fputs("<td>", f);
	if (json_is_number(cap) && json_number_value(cap) > 0)
		html_share(f, json_number_value(json_object_get(d, "expected_load")) /
		    json_number_value(cap));
	fputs("</td>", f);
	load_cell(f, json_object_get(d, "overflow"), over > 0 ? "over" : NULL);
	load_cell(f, json_object_get(d, "planned_load"), NULL);
	fputs("</tr>\n", f);
}

/* The policy's moves and unplaced load of one scenario, as one row. */
static void
moves_row(FILE *f, json_t *p)
{
	json_t *moves = json_object_get(p, "moves"), *mv;
	double unplaced = json_number_value(json_object_get(p, "unplaced_load"));
	size_t i;

	if (json_array_size(moves) == 0 && unplaced <= 0)
		return;
	fputs("<tr><td></td><td class=\"name\" colspan=\"9\">policy: ", f);
	json_array_foreach(moves, i, mv) {
		fprintf(f, "%smove %.1f from ", i ? "; " : "",
		    json_number_value(json_object_get(mv, "load")));
		html_esc(f, json_string_value(json_object_get(mv, "from")));
		fputs(" to ", f);
		html_esc(f, json_string_value(json_object_get(mv, "to")));
	}
	if (unplaced > 0)
		fprintf(f, "%s<span class=\"over\">%.1f nobody can take</span>",
		    json_array_size(moves) ? "; " : "", unplaced);
	fputs("</td></tr>\n", f);
}

/* The capacity and policy section: per scenario its destinations and the planned moves. */
void
html_section_capacity(FILE *f, const struct html_input *in)
{
	json_t *doc = policy_json(in->now, in->conf), *p, *d, *v;
	size_t i, k;

	fputs("<section id=\"capacity\"><h2>Capacity and policy</h2><p>Per failure set, the "
	    "load it sends to each surviving site against that site's capacity (rows over "
	    "capacity in red), and the moves the traffic-manager policy plans.</p><table>"
	    "<thead><tr><th class=\"name\">failed</th><th class=\"name\">destination</th>"
	    "<th>share</th><th>baseline</th><th>incoming</th><th>expected</th><th>capacity</th>"
	    "<th>use</th><th>overflow</th><th>planned</th></tr></thead><tbody>\n", f);
	json_array_foreach(json_object_get(doc, "policies"), i, p) {
		fputs("<tr class=\"group\"><th colspan=\"10\">", f);
		json_array_foreach(json_object_get(p, "withdrawn"), k, v) {
			fputs(k ? "+" : "", f);
			html_esc(f, json_string_value(v));
		}
		fprintf(f, " withdrawn: load %.1f%s</th></tr>\n",
		    json_number_value(json_object_get(p, "load")),
		    json_is_true(json_object_get(p, "measured")) ? "" :
		    " (no target answered outside the set)");
		json_array_foreach(json_object_get(p, "destinations"), k, d)
			dest_row(f, d);
		moves_row(f, p);
	}
	fputs("</tbody></table></section>\n", f);
	json_decref(doc);
}

/* The changes section: shares that moved more than the threshold, with an arrow. */
void
html_section_changes(FILE *f, const struct html_input *in)
{
	struct report r;
	json_t *rows, *c;
	size_t i;

	report_build(in->now, in->then, in->conf, in->threshold, &r);
	rows = tp_table_json(r.changes);
	fprintf(f, "<section id=\"changes\"><h2>Changes since campaign %lld</h2><p>Weighted "
	    "shares that moved by more than %g points.</p>", in->then->campaign, in->threshold);
	if (json_array_size(rows) == 0)
		fputs("<p class=\"muted\">None.</p>", f);
	else
		fputs("<table><thead><tr><th class=\"name\">failed</th><th class=\"name\">from</th>"
		    "<th class=\"name\">to</th><th>then</th><th>now</th><th>points</th></tr>"
		    "</thead><tbody>\n", f);
	json_array_foreach(rows, i, c) {
		double pts = json_number_value(json_object_get(c, "points"));

		fputs("<tr><td class=\"name\">", f);
		html_esc(f, json_string_value(json_object_get(c, "failed")));
		fputs("</td><td class=\"name\">", f);
		html_esc(f, json_string_value(json_object_get(c, "from")));
		fputs("</td><td class=\"name\">", f);
		html_esc(f, json_string_value(json_object_get(c, "to")));
		fputs("</td><td>", f);
		html_share(f, json_number_value(json_object_get(c, "then")));
		fputs("</td><td>", f);
		html_share(f, json_number_value(json_object_get(c, "now")));
		fprintf(f, "</td><td class=\"%s\">%s %+.1f</td></tr>\n", pts > 0 ? "up" : "down",
		    pts > 0 ? "&#9650;" : "&#9660;", pts);
	}
	if (json_array_size(rows) > 0)
		fputs("</tbody></table>", f);
	fputs("</section>\n", f);
	json_decref(rows);
	report_free(&r);
}
