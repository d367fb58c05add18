/*
 * bgpctl_output.c: every result tp-bgpctl prints, as text for people or,
 * with -j, as JSON; handlers fill structs and never print themselves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bgpctl.h"
#include "escape.h"
#include "output.h"
#include "xalloc.h"

/* A JSON string of BIRD's text; bytes that are not UTF-8 become '?'. */
static json_t *
json_text(const char *s)
{
	json_t *v;
	char *copy, *p;

	if (s == NULL)
		return json_null();
	if ((v = json_string(s)) != NULL)
		return v;
	copy = xstrdup(s);
	for (p = copy; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	v = json_string(copy);
	free(copy);
	return v != NULL ? v : json_null();
}

/* A JSON string, or null when s is empty. */
static json_t *
json_text_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? json_text(s) : json_null();
}

/* One test protocol as JSON. */
static json_t *
proto_json(const struct proto_status *ps)
{
	json_t *o = json_object(), *routes = json_array(), *outside = json_array();
	char buf[TP_PREFIX_STRLEN];
	size_t i;

	json_object_set_new(o, "name", json_text(ps->name));
	json_object_set_new(o, "found", json_boolean(ps->found));
	json_object_set_new(o, "state", json_text_or_null(ps->state));
	for (i = 0; i < ps->nroutes; i++)
		json_array_append_new(routes, json_string(tp_prefix_format(&ps->routes[i],
		    buf, sizeof(buf))));
	for (i = 0; i < ps->noutside; i++)
		json_array_append_new(outside, json_text(ps->outside[i]));
	json_object_set_new(o, "routes", routes);
	json_object_set_new(o, "routes_outside_test_ranges", outside);
	return o;
}

/* One site's status as JSON. */
static json_t *
site_json(const struct site_status *st)
{
	json_t *o = json_object(), *protos = json_array(), *down = json_array();
	size_t i;

	json_object_set_new(o, "name", json_text(st->site->name));
	json_object_set_new(o, "bird_socket", json_text(st->site->bird_socket));
	json_object_set_new(o, "reachable", json_boolean(st->reachable));
	json_object_set_new(o, "error", json_text_or_null(st->error));
	json_object_set_new(o, "bird_version", json_text_or_null(st->version));
	json_object_set_new(o, "router_id", json_text_or_null(st->router_id));
	json_object_set_new(o, "announcing", json_boolean(st->announcing));
	json_object_set_new(o, "routes_in_test_ranges", st->reachable ?
	    json_boolean(st->in_ranges) : json_null());
	for (i = 0; st->reachable && i < st->nprotos; i++)
		json_array_append_new(protos, proto_json(&st->protos[i]));
	for (i = 0; i < st->nother_down; i++)
		json_array_append_new(down, json_text(st->other_down[i]));
	json_object_set_new(o, "protocols", protos);
	json_object_set_new(o, "other_protocols_down", down);
	return o;
}

/* Join a protocol's routes with commas into buf. */
static const char *
routes_text(const struct proto_status *ps, char *buf, size_t len)
{
	char p[TP_PREFIX_STRLEN];
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < ps->nroutes && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "",
		    tp_prefix_format(&ps->routes[i], p, sizeof(p)));
	for (i = 0; i < ps->noutside && o < len; i++)
		if (strchr(ps->outside[i], '/') == NULL)	/* unparsed network */
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "," : "",
			    ps->outside[i]);
	return buf[0] != '\0' ? buf : "-";
}

/* Print the status of n sites. */
void
output_status(const struct bgpctl *b, const struct site_status *st, size_t n)
{
	static const char *const cols[] = { "site", "reachable", "bird", "protocol",
	    "state", "routes", "in_test_ranges", "announcing" };
	struct tp_table *t;
	char buf[1024];
	size_t i, k;
	long announcing = 0;

	for (i = 0; i < n; i++)
		announcing += st[i].announcing;
	if (b->json) {
		json_t *o = json_object(), *sites = json_array();

		for (i = 0; i < n; i++)
			json_array_append_new(sites, site_json(&st[i]));
		json_object_set_new(o, "sites", sites);
		json_object_set_new(o, "announcing", json_integer(announcing));
		json_object_set_new(o, "min_announcing", json_integer(b->conf.min_announcing));
		tp_json_print(stdout, o);
		json_decref(o);
		return;
	}
	t = tp_table_new(sizeof(cols) / sizeof(cols[0]), cols);
	for (i = 0; i < n; i++) {
		if (!st[i].reachable) {
			tp_table_row(t);
			tp_table_str(t, 0, st[i].site->name);
			tp_table_bool(t, 1, 0);
			tp_table_bool(t, 7, 0);
			continue;
		}
		for (k = 0; k < st[i].nprotos; k++) {
			const struct proto_status *ps = &st[i].protos[k];

			tp_table_row(t);
			tp_table_str(t, 0, st[i].site->name);
			tp_table_bool(t, 1, 1);
			tp_table_str(t, 2, st[i].version);
			tp_table_str(t, 3, ps->name);
			tp_table_str(t, 4, ps->found ? ps->state : "missing");
			tp_table_str(t, 5, routes_text(ps, buf, sizeof(buf)));
			if (ps->found)
				tp_table_bool(t, 6, ps->noutside == 0);
			tp_table_bool(t, 7, st[i].announcing);
		}
	}
	tp_table_print(t, stdout, TP_FMT_TEXT);
	tp_table_free(t);
	printf("%ld of %zu site(s) announcing; min_announcing %u\n", announcing, n,
	    b->conf.min_announcing);
}

/* The one-word result of an action at a site. */
static const char *
action_result(const struct action_report *r, const struct site_action *a)
{
	if (r->refused[0] != '\0')
		return "refused";
	if (a->rolled_back)
		return "rolled-back";
	if (a->done)
		return strcmp(r->action, "withdraw") == 0 ? "withdrawn" : "announced";
	if (a->error[0] != '\0')
		return "failed";
	return "not-done";
}

/* Print what a withdraw or announce did. */
void
output_action(const struct bgpctl *b, const struct action_report *r)
{
	static const char *const cols[] = { "site", "result", "protocols" };
	struct tp_table *t;
	size_t i;

	if (b->json) {
		json_t *o = json_object(), *sites = json_array();

		json_object_set_new(o, "action", json_string(r->action));
		json_object_set_new(o, "ok", json_boolean(r->ok));
		json_object_set_new(o, "refused", json_text_or_null(r->refused));
		if (strcmp(r->action, "withdraw") == 0) {
			json_object_set_new(o, "deadman", json_integer(r->deadman));
			json_object_set_new(o, "announcing_before", r->announcing_before >= 0 ?
			    json_integer(r->announcing_before) : json_null());
			json_object_set_new(o, "announcing_after", r->announcing_after >= 0 ?
			    json_integer(r->announcing_after) : json_null());
		}
		for (i = 0; i < r->nsites; i++) {
			const struct site_action *a = &r->sites[i];
			json_t *s = json_object();

			json_object_set_new(s, "name", json_text(a->site->name));
			json_object_set_new(s, "result", json_string(action_result(r, a)));
			json_object_set_new(s, "rolled_back", json_boolean(a->rolled_back));
			json_object_set_new(s, "protocols", json_text_or_null(a->state));
			json_object_set_new(s, "error", json_text_or_null(a->error));
			json_object_set_new(s, "deadman_switch", a->deadman != NULL ?
			    json_string(a->deadman) : json_null());
			json_object_set_new(s, "still_withdrawn", json_text_or_null(a->still_down));
			json_array_append_new(sites, s);
		}
		json_object_set_new(o, "sites", sites);
		tp_json_print(stdout, o);
		json_decref(o);
		return;
	}
	t = tp_table_new(sizeof(cols) / sizeof(cols[0]), cols);
	for (i = 0; i < r->nsites; i++) {
		tp_table_row(t);
		tp_table_str(t, 0, r->sites[i].site->name);
		tp_table_str(t, 1, action_result(r, &r->sites[i]));
		tp_table_str(t, 2, r->sites[i].state[0] != '\0' ? r->sites[i].state : "-");
	}
	tp_table_print(t, stdout, TP_FMT_TEXT);
	tp_table_free(t);
	for (i = 0; i < r->nsites; i++)
		if (r->sites[i].still_down[0] != '\0' && r->sites[i].done)
			printf("dead-man switch at %s: %s by the withdrawal of %s\n",
			    r->sites[i].site->name, strcmp(r->action, "withdraw") == 0 ?
			    "already armed" : "left armed", r->sites[i].still_down);
	for (i = 0; i < r->nsites; i++)
		if (r->sites[i].deadman != NULL && strcmp(r->sites[i].deadman, "armed") == 0)
			break;
	if (strcmp(r->action, "withdraw") == 0 && r->ok && i < r->nsites)
		printf("dead-man switch: BIRD re-announces in %u s unless "
		    "\"tp-bgpctl announce\" confirms\n", r->deadman);
}

/* Print a pass-through reply as birdc would, or as JSON lines. */
void
output_show(const struct bgpctl *b, const char *site, const char *command,
    const struct bird_reply *reply)
{
	size_t i;

	if (b->json) {
		json_t *o = json_object(), *lines = json_array();

		json_object_set_new(o, "site", json_text(site));
		json_object_set_new(o, "command", json_text(command));
		json_object_set_new(o, "code", json_integer(reply->code));
		for (i = 0; i < reply->nlines; i++) {
			const struct bird_line *l = &reply->lines[i];
			json_t *line;

			if (l->kind == BIRD_LINE_ASYNC)
				continue;
			line = json_object();
			json_object_set_new(line, "code", json_integer(l->code));
			json_object_set_new(line, "text", json_text(l->text));
			json_array_append_new(lines, line);
		}
		json_object_set_new(o, "lines", lines);
		tp_json_print(stdout, o);
		json_decref(o);
		return;
	}
	for (i = 0; i < reply->nlines; i++) {
		const struct bird_line *l = &reply->lines[i];
		char safe[4 * BIRD_LINE_MAX + 4];

		if (l->kind == BIRD_LINE_ASYNC || (l->code == 0 && l->text[0] == '\0'))
			continue;
		printf("%s\n", tp_escape(l->text, TP_ESC_KEEP_TAB, safe, sizeof(safe)));
	}
}
