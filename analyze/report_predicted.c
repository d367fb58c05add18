/*
 * report_predicted.c: the report's predicted sets. For each site measured
 * alone, the set of it and its heaviest failover site, when the campaign
 * did not measure that set: predicted, with its determined share and its
 * calibrated confidence (calibrate.h), the heaviest destinations and the
 * lost share.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate.h"
#include "failure_set.h"
#include "report.h"
#include "xalloc.h"

/* The canonical set of single scenario k's site and its heaviest destination, or NULL. */
static char *
grown_set(const struct failover_matrix *m, size_t k)
{
	const struct mx_scenario *s = &m->scenarios[k];
	const struct mx_row *r = &m->rows[s->first_row];
	char text[512], *canon = NULL;
	long best = -1;
	size_t i;

	for (i = 0; i < m->nsites; i++)
		if (i != s->sites[0] && r->to[i] > 0 &&
		    (best < 0 || r->to_weight[i] > r->to_weight[best]))
			best = (long)i;
	if (best < 0)
		return NULL;
	snprintf(text, sizeof(text), "%s+%s", s->withdrawn, m->sites[best].name);
	if (failure_set_canonical(text, &canon, NULL) < 0)
		return NULL;
	return canon;
}

/* 1 when set is measured in m or already among the table's first n sets. */
static int
seen(const struct failover_matrix *m, char **done, size_t n, const char *set)
{
	size_t i;

	for (i = 0; i < m->nscenarios; i++)
		if (strcmp(m->scenarios[i].withdrawn, set) == 0)
			return 1;
	for (i = 0; i < n; i++)
		if (strcmp(done[i], set) == 0)
			return 1;
	return 0;
}

/* One predicted set's combined row into the table. */
static void
predicted_row(struct tp_table *t, const struct pd_prediction *p)
{
	const struct mx_row *r = &p->m.rows[p->m.nrows - 1];
	const struct pd_row *pr = &p->rows[p->m.nrows - 1];
	char top[256];

	tp_table_row(t);
	tp_table_str(t, 0, p->m.scenarios[0].withdrawn);
	tp_table_int(t, 1, (long long)r->responsive);
	if (isfinite(pr->determined_share))
		tp_table_share(t, 2, pr->determined_share);
	if (isfinite(pr->confidence)) {
		tp_table_share(t, 3, pr->confidence);
		tp_table_share(t, 4, pr->confidence_low);
		tp_table_share(t, 5, pr->confidence_high);
	}
	report_top_destinations(&p->m, r, top, sizeof(top));
	tp_table_str(t, 6, top);
	if (r->responsive_weight > 0)
		tp_table_share(t, 7, (r->responsive_weight - r->answered_weight) /
		    r->responsive_weight);
}

/* Predict each site's grown set the campaign did not measure. */
struct tp_table *
report_predictions(struct tp_db *db, const struct failover_matrix *now, size_t *validations,
    struct tp_err *err)
{
	static const char *cols[] = { "set", "responsive", "determined", "confidence", "low",
	    "high", "fails_to", "lost" };
	struct tp_table *t = tp_table_new(8, cols);
	struct pd_calibration cal;
	struct pd_model *md = NULL;
	char **done = NULL;
	size_t n = 0, k;
	int rc = 0;

	*validations = 0;
	for (k = 0; k < now->nscenarios && rc == 0; k++) {
		struct pd_prediction p;
		char *set;

		if (now->scenarios[k].nsites != 1 || (set = grown_set(now, k)) == NULL)
			continue;
		if (seen(now, done, n, set)) {
			free(set);
			continue;
		}
		done = xreallocarray(done, n + 1, sizeof(*done));
		done[n++] = set;
		if (md == NULL && ((rc = pd_model_load(db, now->campaign, &md, err)) < 0 ||
		    (rc = pd_calibration_load(db, md, &cal, err)) < 0))
			break;
		if ((rc = pd_predict(md, set, &p, err)) < 0)
			break;
		pd_calibrate(&cal, &p);
		*validations = p.validations;
		predicted_row(t, &p);
		pd_prediction_free(&p);
	}
	for (k = 0; k < n; k++)
		free(done[k]);
	free(done);
	if (md != NULL)
		pd_model_free(md);
	if (rc < 0) {
		tp_table_free(t);
		return NULL;
	}
	return t;
}
