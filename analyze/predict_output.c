/*
 * predict_output.c: a predicted matrix for machines (the matrix JSON plus
 * "predicted", the validations behind it, and per row the determined
 * share and the calibrated confidence with its interval) and for people
 * (the matrix columns plus those, shares from the expected numbers).
 */
#include <math.h>
#include <stdlib.h>

#include "predict.h"
#include "matrix_output.h"
#include "xalloc.h"

/* A JSON number, or null when v is not one. */
static json_t *
real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* The matrix JSON of the prediction, marked as predicted, each row with its confidence. */
json_t *
pd_prediction_json(const struct pd_prediction *p)
{
	json_t *m = matrix_json(&p->m), *rows = json_object_get(m, "scenarios");
	json_t *o = json_object(), *v;
	const char *key;
	size_t i;

	/* "version", then what marks a prediction, then the matrix's keys in order. */
	json_object_set(o, "version", json_object_get(m, "version"));
	json_object_set_new(o, "predicted", json_true());
	json_object_set_new(o, "measured", json_boolean(p->measured));
	json_object_set_new(o, "validations", json_integer((json_int_t)p->validations));
	json_object_foreach(m, key, v)
		json_object_set(o, key, v);
	json_decref(m);
	for (i = 0; i < json_array_size(rows) && i < p->m.nrows; i++) {
		json_t *r = json_array_get(rows, i);

		if (!p->measured)
			json_object_set_new(r, "round", json_null());
		json_object_set_new(r, "determined",
		    json_integer((json_int_t)p->rows[i].determined));
		json_object_set_new(r, "exposed", json_integer((json_int_t)p->rows[i].exposed));
		json_object_set_new(r, "determined_share", mx_json_real(p->rows[i].determined_share));
		json_object_set_new(r, "confidence", real_or_null(p->rows[i].confidence));
		json_object_set_new(r, "confidence_low", real_or_null(p->rows[i].confidence_low));
		json_object_set_new(r, "confidence_high", real_or_null(p->rows[i].confidence_high));
	}
	return o;
}

/* 1 when some row expects targets at site i: it gets a column. */
static int
expected_somewhere(const struct pd_prediction *p, size_t i)
{
	size_t r;

	for (r = 0; r < p->m.nrows; r++)
		if (p->rows[r].expect[i] > 0)
			return 1;
	return 0;
}

/*
 * Columns: failed, from, baseline, responsive, determined (share),
 * confidence (calibrated, empty without validations), its interval (low,
 * high), one per destination, lost. Shares are weighted unless by_count; for people a
 * destination nobody is expected at is left empty.
 */
struct tp_table *
pd_prediction_table(const struct pd_prediction *p, int by_count, int for_people)
{
	const struct failover_matrix *m = &p->m;
	const char **cols = xcalloc(m->nsites + 9, sizeof(char *));
	size_t *dest = xcalloc(m->nsites + 1, sizeof(size_t));
	size_t ncols = 0, ndest = 0, i, k;
	struct tp_table *t;

	cols[ncols++] = "failed";
	cols[ncols++] = "from";
	cols[ncols++] = "baseline";
	cols[ncols++] = "responsive";
	cols[ncols++] = "determined";
	cols[ncols++] = "confidence";
	cols[ncols++] = "low";
	cols[ncols++] = "high";
	for (i = 0; i < m->nsites; i++)
		if (expected_somewhere(p, i)) {
			dest[ndest++] = i;
			cols[ncols++] = m->sites[i].name;
		}
	cols[ncols++] = "lost";
	t = tp_table_new(ncols, cols);
	for (i = 0; i < m->nrows; i++) {
		const struct mx_row *r = &m->rows[i];
		const struct pd_row *pr = &p->rows[i];
		const double *v = by_count ? pr->expect : pr->expect_weight;
		double of = by_count ? (double)r->responsive : r->responsive_weight;

		tp_table_row(t);
		tp_table_str(t, 0, m->scenarios[0].withdrawn);
		tp_table_str(t, 1, r->from);
		tp_table_int(t, 2, (long long)r->baseline_targets);
		tp_table_int(t, 3, (long long)r->responsive);
		if (isfinite(pr->determined_share))
			tp_table_share(t, 4, pr->determined_share);
		if (isfinite(pr->confidence)) {
			tp_table_share(t, 5, pr->confidence);
			tp_table_share(t, 6, pr->confidence_low);
			tp_table_share(t, 7, pr->confidence_high);
		}
		if (of <= 0)
			continue;
		for (k = 0; k < ndest; k++)
			if (!for_people || pr->expect[dest[k]] > 0)
				tp_table_share(t, 8 + k, v[dest[k]] / of);
		tp_table_share(t, 8 + ndest, v[m->nsites] / of);
	}
	free(dest);
	free(cols);
	return t;
}
