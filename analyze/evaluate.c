/* evaluate.c: predict measured failure sets from the rest and compare (see evaluate.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate.h"
#include "matrix_output.h"
#include "predict_model.h"
#include "xalloc.h"

#define EVALUATE_JSON_VERSION 2

/* Raise *max to |a - b| when both are numbers. */
static void
raise_error(double *max, double a, double b)
{
	if (isfinite(a) && isfinite(b) && fabs(a - b) > *max)
		*max = fabs(a - b);
}

/*
 * The largest share errors between the prediction's rows and measured
 * scenario sc's. Each predicted site's index in truth is looked up once,
 * not once per pair of rows (a search by name over every site each time).
 */
static void
share_errors(const struct pd_prediction *p, const struct failover_matrix *truth,
    const struct mx_scenario *sc, struct ev_result *r)
{
	size_t i, k, s, nsites = p->m.nsites;
	long *truth_index = xcalloc(nsites ? nsites : 1, sizeof(*truth_index));

	for (s = 0; s < nsites; s++)
		truth_index[s] = mx_site_index(truth, p->m.sites[s].name);

	for (i = 0; i < p->m.nrows; i++) {
		const struct mx_row *pr = &p->m.rows[i];
		const struct pd_row *pe = &p->rows[i];

		for (k = sc->first_row; k < sc->first_row + sc->nrows; k++) {
			const struct mx_row *tr = &truth->rows[k];
			double n = (double)pr->responsive, w = pr->responsive_weight;
			double tn = (double)tr->responsive, tw = tr->responsive_weight;

			if (strcmp(tr->from, pr->from) != 0)
				continue;
			for (s = 0; s < nsites; s++) {
				long ti = truth_index[s];
				double tv = ti >= 0 ? (double)tr->to[ti] : 0;
				double tvw = ti >= 0 ? tr->to_weight[ti] : 0;

				raise_error(&r->max_error, mx_share(pe->expect[s], n), mx_share(tv, tn));
				raise_error(&r->max_weighted_error, mx_share(pe->expect_weight[s], w),
				    mx_share(tvw, tw));
			}
			raise_error(&r->max_error, mx_share(pe->expect[nsites], n),
			    mx_share((double)(tr->responsive - tr->answered), tn));
			raise_error(&r->max_weighted_error, mx_share(pe->expect_weight[nsites], w),
			    mx_share(tr->responsive_weight - tr->answered_weight, tw));
		}
	}
	free(truth_index);
}

/* Replies in truth scenario o of targets whose baseline site is not withdrawn there. */
static void
count_control(const struct pd_model *truth, const struct pd_obs *o, struct ev_result *r)
{
	size_t i;

	for (i = 0; i < o->nresp; i++) {
		int32_t b = pd_model_baseline(truth, o->resp_target[i]);

		if (b < 0 || pd_set_has(o->set, (size_t)b))
			continue;
		r->control++;
		r->stayed += o->resp_site[i] == b;
	}
}

/* Per target: predicted site against the measured reply, determined targets apart. */
static void
count_targets(const struct pd_prediction *p, const struct pd_obs *o, struct ev_result *r)
{
	struct pd_tally *t = &r->split;

	r->targets = p->n;
	r->determined = p->ndetermined;
	pd_tally_add(p, o, t);
	r->answered = t->answered[0] + t->answered[1] + t->open_answered;
	r->right = t->held[0] + t->held[1] + t->open_right;
}

/*
 * Predict truth scenario i from md and compare with its rows of tm (the
 * truth campaign's whole matrix, built once: built per scenario it read
 * every target again each time); md forgets it first when it is the truth.
 */
static int
evaluate_one(const struct failover_matrix *tm, struct pd_model *md, const struct pd_model *truth,
    size_t i, struct ev_result *r, struct tp_err *err)
{
	const struct pd_obs *o = &truth->obs[i];
	struct pd_prediction p;
	size_t k;

	memset(r, 0, sizeof(*r));
	r->withdrawn = xstrdup(o->withdrawn);
	for (k = 0; k < tm->nscenarios; k++)
		if (strcmp(tm->scenarios[k].withdrawn, o->withdrawn) == 0)
			break;
	if (k == tm->nscenarios)
		return tp_err_set(err, "campaign %lld: no matrix for %s", truth->campaign,
		    o->withdrawn);
	if (md == truth)
		pd_model_leave_out(md, i);
	if (pd_predict(md, o->withdrawn, &p, err) < 0)
		return -1;
	count_targets(&p, o, r);
	count_control(truth, o, r);
	share_errors(&p, tm, &tm->scenarios[k], r);
	pd_prediction_free(&p);
	return 0;
}

/* Add one scenario's figures to the overall line. */
static void
add_up(struct ev_result *all, const struct ev_result *r)
{
	size_t i;

	all->targets += r->targets;
	all->answered += r->answered;
	all->right += r->right;
	all->determined += r->determined;
	for (i = 0; i < 2; i++) {
		all->split.answered[i] += r->split.answered[i];
		all->split.held[i] += r->split.held[i];
		all->split.groups[i] += r->split.groups[i];
	}
	all->split.determined += r->split.determined;
	all->split.open_answered += r->split.open_answered;
	all->split.open_right += r->split.open_right;
	if (r->max_error > all->max_error)
		all->max_error = r->max_error;
	if (r->max_weighted_error > all->max_weighted_error)
		all->max_weighted_error = r->max_weighted_error;
}

/* Evaluate every measured scenario of two or more sites. */
int
evaluate_run(struct tp_db *db, long long campaign, long long compare,
    struct evaluation *ev, struct tp_err *err)
{
	struct pd_model *md = NULL, *truth = NULL;
	struct failover_matrix tm;
	size_t i;
	int rc = -1;

	memset(ev, 0, sizeof(*ev));
	memset(&tm, 0, sizeof(tm));
	ev->campaign = campaign;
	ev->compare = compare;
	ev->all.withdrawn = xstrdup("all");
	if (pd_model_load(db, campaign, &md, err) < 0)
		return -1;
	truth = md;
	if (compare != 0 && pd_model_load(db, compare, &truth, err) < 0)
		goto done;
	if (matrix_build(db, truth->campaign, NULL, &tm, err) < 0)
		goto done;
	for (i = 0; i < truth->nobs; i++) {
		struct ev_result *r;

		if (truth->obs[i].nsites < 2) {
			count_control(truth, &truth->obs[i], &ev->all);
			continue;
		}
		ev->scenarios = xreallocarray(ev->scenarios, ev->n + 1, sizeof(*ev->scenarios));
		r = &ev->scenarios[ev->n++];
		if (evaluate_one(&tm, md, truth, i, r, err) < 0)
			goto done;
		add_up(&ev->all, r);
		ev->all.control += r->control;
		ev->all.stayed += r->stayed;
	}
	if (ev->n == 0) {
		tp_err_set(err, "campaign %lld has no measured scenario of two or more sites to "
		    "evaluate; measure some (sets or chains in tp.conf)", truth->campaign);
		goto done;
	}
	rc = 0;
done:
	matrix_free(&tm);
	if (truth != md)
		pd_model_free(truth);
	pd_model_free(md);
	return rc;
}

/* Free what evaluate_run filled in. */
void
evaluation_free(struct evaluation *ev)
{
	size_t i;

	for (i = 0; i < ev->n; i++)
		free(ev->scenarios[i].withdrawn);
	free(ev->scenarios);
	free(ev->all.withdrawn);
	memset(ev, 0, sizeof(*ev));
}

/* One line of figures as JSON. */
static json_t *
result_json(const struct ev_result *r)
{
	const struct pd_tally *t = &r->split;
	uint64_t det_answered = t->answered[0] + t->answered[1], det_right = t->held[0] + t->held[1];
	json_t *o = json_object();

	json_object_set_new(o, "withdrawn", json_string(r->withdrawn));
	json_object_set_new(o, "targets", json_integer((json_int_t)r->targets));
	json_object_set_new(o, "answered", json_integer((json_int_t)r->answered));
	json_object_set_new(o, "right", json_integer((json_int_t)r->right));
	json_object_set_new(o, "accuracy", mx_json_real(mx_share((double)r->right,
	    (double)r->answered)));
	json_object_set_new(o, "determined", json_integer((json_int_t)r->determined));
	json_object_set_new(o, "determined_answered", json_integer((json_int_t)det_answered));
	json_object_set_new(o, "determined_accuracy", mx_json_real(mx_share((double)det_right,
	    (double)det_answered)));
	json_object_set_new(o, "exposed_answered", json_integer((json_int_t)t->answered[1]));
	json_object_set_new(o, "exposed_accuracy", mx_json_real(mx_share((double)t->held[1],
	    (double)t->answered[1])));
	json_object_set_new(o, "undetermined_answered", json_integer((json_int_t)t->open_answered));
	json_object_set_new(o, "undetermined_accuracy", mx_json_real(mx_share(
	    (double)t->open_right, (double)t->open_answered)));
	json_object_set_new(o, "determined_share", mx_json_real(mx_share((double)r->determined,
	    (double)r->targets)));
	json_object_set_new(o, "max_error", json_real(r->max_error));
	json_object_set_new(o, "max_weighted_error", json_real(r->max_weighted_error));
	json_object_set_new(o, "control", json_integer((json_int_t)r->control));
	json_object_set_new(o, "control_stayed", mx_json_real(mx_share((double)r->stayed,
	    (double)r->control)));
	return o;
}

/* The evaluation as versioned JSON. */
json_t *
evaluation_json(const struct evaluation *ev)
{
	json_t *o = json_object(), *a = json_array();
	size_t i;

	json_object_set_new(o, "version", json_integer(EVALUATE_JSON_VERSION));
	json_object_set_new(o, "campaign", json_integer(ev->campaign));
	json_object_set_new(o, "compare", ev->compare ? json_integer(ev->compare) : json_null());
	for (i = 0; i < ev->n; i++)
		json_array_append_new(a, result_json(&ev->scenarios[i]));
	json_object_set_new(o, "scenarios", a);
	json_object_set_new(o, "overall", result_json(&ev->all));
	return o;
}

/* A share cell, left empty when there is nothing to share. */
static void
share_cell(struct tp_table *t, size_t col, uint64_t n, uint64_t of)
{
	if (of > 0)
		tp_table_share(t, col, (double)n / (double)of);
}

/* One table line per scenario, then "all". */
struct tp_table *
evaluation_table(const struct evaluation *ev)
{
	static const char *const cols[] = { "withdrawn", "targets", "answered", "accuracy",
	    "determined", "determined_accuracy", "undetermined_accuracy", "max_error",
	    "max_weighted_error", "control", "control_stayed" };
	struct tp_table *t = tp_table_new(sizeof(cols) / sizeof(cols[0]), cols);
	size_t i;

	for (i = 0; i <= ev->n; i++) {
		const struct ev_result *r = i < ev->n ? &ev->scenarios[i] : &ev->all;

		tp_table_row(t);
		tp_table_str(t, 0, r->withdrawn);
		tp_table_int(t, 1, (long long)r->targets);
		tp_table_int(t, 2, (long long)r->answered);
		share_cell(t, 3, r->right, r->answered);
		share_cell(t, 4, r->determined, r->targets);
		share_cell(t, 5, r->split.held[0] + r->split.held[1],
		    r->split.answered[0] + r->split.answered[1]);
		share_cell(t, 6, r->split.open_right, r->split.open_answered);
		tp_table_share(t, 7, r->max_error);
		tp_table_share(t, 8, r->max_weighted_error);
		tp_table_int(t, 9, (long long)r->control);
		share_cell(t, 10, r->stayed, r->control);
	}
	return t;
}
