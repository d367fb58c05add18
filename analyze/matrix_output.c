/* matrix_output.c: the failover matrix as a table for people, CSV, and versioned JSON. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "campaign_pick.h"
#include "matrix.h"
#include "failure_set.h"
#include "matrix_output.h"
#include "xalloc.h"

#define MATRIX_JSON_VERSION 1

/* A real, or null when it is not a number. */
json_t *
mx_json_real(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* A count as an integer when it is whole, else as a real (split targets' shares). */
static json_t *
count_json(double n)
{
	return n == floor(n) && fabs(n) < 9e15 ? json_integer((json_int_t)n) : json_real(n);
}

/*
 * {"targets":N,"share":S,"weighted_share":W} for n targets (fractional
 * when split targets are counted by their shares) of weight w out of the row.
 */
static json_t *
share_json(const struct mx_row *r, double n, double w)
{
	json_t *o = json_object();

	json_object_set_new(o, "targets", count_json(n));
	json_object_set_new(o, "share", mx_json_real(mx_share(n, (double)r->responsive)));
	json_object_set_new(o, "weighted_share", mx_json_real(mx_share(w, r->responsive_weight)));
	return o;
}

/* One row as the JSON object documented in matrix.h. */
static json_t *
row_json(const struct failover_matrix *m, const struct mx_row *r)
{
	const struct mx_scenario *s = &m->scenarios[r->scenario];
	json_t *o = json_object(), *wd = json_array(), *to = json_object();
	size_t i;

	for (i = 0; i < s->nsites; i++)
		json_array_append_new(wd, json_string(m->sites[s->sites[i]].name));
	json_object_set_new(o, "withdrawn", wd);
	json_object_set_new(o, "from", json_string(r->from));
	json_object_set_new(o, "round", json_integer(s->round));
	json_object_set_new(o, "round_complete", json_boolean(s->round_complete));
	json_object_set_new(o, "baseline_targets", json_integer((json_int_t)r->baseline_targets));
	json_object_set_new(o, "responsive", json_integer((json_int_t)r->responsive));
	json_object_set_new(o, "responsive_weight", json_real(r->responsive_weight));
	for (i = 0; i < m->nsites; i++)
		if (mx_to(r, i) > 0)
			json_object_set_new(to, m->sites[i].name, share_json(r, mx_to(r, i),
			    r->to_weight[i]));
	json_object_set_new(o, "to", to);
	json_object_set_new(o, "lost", share_json(r, (double)(r->responsive - r->answered),
	    r->responsive_weight - r->answered_weight));
	json_object_set_new(o, "split", share_json(r, (double)r->split, r->split_weight));
	return o;
}

/* The whole matrix as versioned JSON. */
json_t *
matrix_json(const struct failover_matrix *m)
{
	json_t *o = json_object(), *a = json_array();
	size_t i;

	json_object_set_new(o, "version", json_integer(MATRIX_JSON_VERSION));
	json_object_set_new(o, "campaign", json_integer(m->campaign));
	json_object_set_new(o, "baseline_round", json_integer(m->baseline_round));
	for (i = 0; i < m->nrows; i++)
		json_array_append_new(a, row_json(m, &m->rows[i]));
	json_object_set_new(o, "scenarios", a);
	return o;
}

/* 1 when some row has targets landing at site i: it gets a column. */
static int
site_is_destination(const struct failover_matrix *m, size_t i)
{
	size_t r;

	for (r = 0; r < m->nrows; r++)
		if (mx_to(&m->rows[r], i) > 0)
			return 1;
	return 0;
}

/*
 * Columns: failed, from, baseline, responsive, one per destination, lost,
 * split (the share of targets whose replies landed at two or more sites).
 * Shares are weighted unless by_count; for people an empty cell is "none".
 */
struct tp_table *
matrix_table(const struct failover_matrix *m, int by_count, int for_people)
{
	const char **cols = xcalloc(m->nsites + 6, sizeof(char *));
	size_t *dest = xcalloc(m->nsites + 1, sizeof(size_t));
	size_t ncols = 0, ndest = 0, i, k;
	struct tp_table *t;

	cols[ncols++] = "failed";
	cols[ncols++] = "from";
	cols[ncols++] = "baseline";
	cols[ncols++] = "responsive";
	for (i = 0; i < m->nsites; i++)
		if (site_is_destination(m, i)) {
			dest[ndest++] = i;
			cols[ncols++] = m->sites[i].name;
		}
	cols[ncols++] = "lost";
	cols[ncols++] = "split";
	t = tp_table_new(ncols, cols);
	for (i = 0; i < m->nrows; i++) {
		const struct mx_row *r = &m->rows[i];
		double of = by_count ? (double)r->responsive : r->responsive_weight;
		double lost = by_count ? (double)(r->responsive - r->answered) :
		    r->responsive_weight - r->answered_weight;
		double split = by_count ? (double)r->split : r->split_weight;

		tp_table_row(t);
		tp_table_str(t, 0, m->scenarios[r->scenario].withdrawn);
		tp_table_str(t, 1, r->from);
		tp_table_int(t, 2, (long long)r->baseline_targets);
		tp_table_int(t, 3, (long long)r->responsive);
		for (k = 0; k < ndest; k++) {
			double v = by_count ? mx_to(r, dest[k]) : r->to_weight[dest[k]];

			if ((for_people && mx_to(r, dest[k]) == 0) || of <= 0)
				continue;
			tp_table_share(t, 4 + k, v / of);
		}
		if (of > 0) {
			tp_table_share(t, 4 + ndest, lost / of);
			tp_table_share(t, 5 + ndest, split / of);
		}
	}
	free(dest);
	free(cols);
	return t;
}

/* tp-analyze matrix [--campaign ID] [--scenario A+B] [--by-count] */
int
cmd_matrix(struct analyze_ctx *ctx, struct tp_err *err)
{
	struct failover_matrix m;
	char *only = NULL;
	long long campaign;
	struct tp_table *t;
	json_t *j;
	int rc;

	if (ctx->scenario != NULL) {
		if (failure_set_canonical(ctx->scenario, &only, err) < 0)
			return -1;
		if (only[0] == '\0') {
			free(only);
			return tp_err_set(err, "--scenario: give the withdrawn sites, e.g. A+B");
		}
	}
	rc = campaign_pick(ctx->db, ctx->campaign, &campaign, err) < 0 ||
	    matrix_build(ctx->db, campaign, only, &m, err) < 0 ? -1 : 0;
	free(only);
	if (rc < 0)
		return -1;
	if (ctx->fmt == TP_FMT_JSON) {
		j = matrix_json(&m);
		tp_json_print(ctx->out, j);
		json_decref(j);
	} else {
		t = matrix_table(&m, ctx->by_count, ctx->fmt == TP_FMT_TEXT);
		tp_table_print(t, ctx->out, ctx->fmt);
		tp_table_free(t);
	}
	matrix_free(&m);
	return 0;
}
