/* explore_pick.c: the set of k sites the prediction knows least about. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "explore_pick.h"
#include "set_combination.h"
#include "xalloc.h"

/* Undetermined targets of p, plus determined ones times their stratum's violation rate. */
static double
to_learn(const struct pd_prediction *p, const struct pd_calibration *cal)
{
	double lo, hi, fail[2], sum = (double)(p->n - p->ndetermined);
	size_t i;

	if (cal == NULL)
		return sum;
	for (i = 0; i < 2; i++) {
		fail[i] = 1 - pd_held_rate(cal, (int)i, &lo, &hi);
		if (isnan(fail[i]))
			return sum;
	}
	for (i = 0; i < p->n; i++)
		if (p->determined[i])
			sum += fail[p->exposed[i]];
	return sum;
}

/* What keep_least_known reads and fills. */
struct explore_work {
	const struct pd_calibration *cal;
	struct explore_choice *out;
	size_t k;
	double best_conf;
};

/* Keep the candidate when it has more to learn than the best so far. */
static int
keep_least_known(char *text, const size_t *idx, const struct pd_prediction *p, void *arg)
{
	struct explore_work *w = arg;
	struct explore_choice *out = w->out;
	size_t open = p->n - p->ndetermined;
	double confidence = p->n ? (double)p->ndetermined / (double)p->n : 1;
	double learn = p->measured ? 0 : to_learn(p, w->cal);

	if (!(learn > out->to_learn + 1e-9 || (fabs(learn - out->to_learn) <= 1e-9 &&
	    learn > 0 && confidence < w->best_conf)))
		return 0;
	free(out->set);
	out->set = text;
	out->open = open;
	out->to_learn = learn;
	out->confidence = confidence;
	w->best_conf = confidence;
	free(out->sites);
	out->sites = xcalloc(w->k, sizeof(size_t));
	memcpy(out->sites, idx, w->k * sizeof(size_t));
	out->k = w->k;
	return 1;
}

/* Predict every candidate set and keep the one with the most to learn; see explore_pick.h. */
int
explore_pick(struct pd_model *md, const struct pd_calibration *cal,
    const char *const *names, size_t nsites, size_t k, const char *const *known,
    size_t nknown, struct explore_choice *out, struct tp_err *err)
{
	struct explore_work w = { cal, out, k, 2 };

	memset(out, 0, sizeof(*out));
	if (set_candidates_predict(md, names, nsites, k, known, nknown, keep_least_known, &w,
	    err) < 0) {
		explore_choice_free(out);
		return -1;
	}
	return 0;
}

/* Free what explore_pick chose. */
void
explore_choice_free(struct explore_choice *c)
{
	free(c->set);
	free(c->sites);
	memset(c, 0, sizeof(*c));
}
