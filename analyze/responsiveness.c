/* responsiveness.c: targets per site and family, by the method that answered. */
#include <stdlib.h>
#include <string.h>

#include "responsiveness.h"
#include "xalloc.h"

/* One (site, family, method) group of targets. */
struct resp_group {
	char *site;
	int family;
	char *method;		/* NULL: no reply in the round */
	long long targets;
	double weight;
};

struct resp_groups {
	struct resp_group *g;
	size_t n;
	char **methods;		/* distinct answering methods, in name order */
	size_t nmethods;
};

/* Free what read_groups gathered. */
static void
groups_free(struct resp_groups *gs)
{
	size_t i;

	for (i = 0; i < gs->n; i++) {
		free(gs->g[i].site);
		free(gs->g[i].method);
	}
	for (i = 0; i < gs->nmethods; i++)
		free(gs->methods[i]);
	free(gs->g);
	free(gs->methods);
}

/* Remember method m among the distinct ones (the query gives them sorted per row key). */
static void
note_method(struct resp_groups *gs, const char *m)
{
	size_t i, at;

	for (at = 0; at < gs->nmethods; at++) {
		int c = strcmp(m, gs->methods[at]);

		if (c == 0)
			return;
		if (c < 0)
			break;
	}
	gs->methods = xreallocarray(gs->methods, gs->nmethods + 1, sizeof(char *));
	for (i = gs->nmethods; i > at; i--)
		gs->methods[i] = gs->methods[i - 1];
	gs->methods[at] = xstrdup(m);
	gs->nmethods++;
}

/*
 * Every (site, family, method) group: a target's method is the one its
 * round replies carry (the first by name should two differ).
 */
static int
read_groups(struct tp_db *db, long long round, struct resp_groups *gs, struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (tp_db_prepare(db, "SELECT s.name, t.family, r.method, count(*), total(t.weight) "
	    "FROM targets t JOIN sites s ON s.id = t.site_id "
	    "LEFT JOIN (SELECT target_id, min(method) AS method FROM responses "
	    "WHERE round_id = ?1 GROUP BY target_id) r ON r.target_id = t.id "
	    "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, round);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 2);
		struct resp_group *g;

		gs->g = xreallocarray(gs->g, gs->n + 1, sizeof(*gs->g));
		g = &gs->g[gs->n++];
		g->site = xstrdup((const char *)sqlite3_column_text(st, 0));
		g->family = sqlite3_column_int(st, 1);
		g->method = m != NULL ? xstrdup(m) : NULL;
		g->targets = sqlite3_column_int64(st, 3);
		g->weight = sqlite3_column_double(st, 4);
		if (m != NULL && round != 0)
			note_method(gs, m);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : tp_db_fail(db, "reading targets", err);
}

/* The column of method m: after site, family, targets, weight. */
static size_t
method_column(const struct resp_groups *gs, const char *m)
{
	size_t i;

	for (i = 0; i < gs->nmethods; i++)
		if (strcmp(gs->methods[i], m) == 0)
			break;
	return 4 + i;
}

/* A count cell, or its share of total when shares. */
static void
count_cell(struct tp_table *t, size_t col, long long n, long long total, int shares)
{
	if (!shares)
		tp_table_int(t, col, n);
	else if (total > 0)
		tp_table_share(t, col, (double)n / (double)total);
}

/* One table row per (site, family) from groups [first, end). */
static void
table_row(struct tp_table *t, const struct resp_groups *gs, size_t first, size_t end,
    int with_methods, int shares)
{
	long long targets = 0, silent = 0;
	double weight = 0;
	size_t i, col = 4 + gs->nmethods;

	for (i = first; i < end; i++) {
		targets += gs->g[i].targets;
		weight += gs->g[i].weight;
		if (gs->g[i].method == NULL)
			silent += gs->g[i].targets;
	}
	tp_table_row(t);
	tp_table_str(t, 0, gs->g[first].site);
	tp_table_str(t, 1, gs->g[first].family == 4 ? "ipv4" : "ipv6");
	tp_table_int(t, 2, targets);
	tp_table_real(t, 3, weight, 1);
	if (!with_methods)
		return;
	for (i = first; i < end; i++)
		if (gs->g[i].method != NULL)
			count_cell(t, method_column(gs, gs->g[i].method), gs->g[i].targets,
			    targets, shares);
	count_cell(t, col, silent, targets, shares);
	count_cell(t, col + 1, targets - silent, targets, shares);
}

/* The table described in responsiveness.h. */
struct tp_table *
responsiveness_table(struct tp_db *db, long long round, int shares, size_t *methods,
    struct tp_err *err)
{
	struct resp_groups gs = { NULL, 0, NULL, 0 };
	const char **cols;
	struct tp_table *t;
	size_t ncols = 0, i, first;

	if (read_groups(db, round, &gs, err) < 0) {
		groups_free(&gs);
		return NULL;
	}
	cols = xcalloc(gs.nmethods + 6, sizeof(char *));
	cols[ncols++] = "site";
	cols[ncols++] = "family";
	cols[ncols++] = "targets";
	cols[ncols++] = "weight";
	for (i = 0; i < gs.nmethods; i++)
		cols[ncols++] = gs.methods[i];
	if (round != 0) {
		cols[ncols++] = "silent";
		cols[ncols++] = "responsive";
	}
	t = tp_table_new(ncols, cols);
	if (methods != NULL)
		*methods = gs.nmethods;
	for (first = 0; first < gs.n; first = i) {
		for (i = first; i < gs.n && gs.g[i].family == gs.g[first].family &&
		    strcmp(gs.g[i].site, gs.g[first].site) == 0; i++)
			;
		table_row(t, &gs, first, i, round != 0, shares);
	}
	free(cols);
	groups_free(&gs);
	return t;
}
