/*
 * predict.c: predict one failure set from a model (the rules are in
 * predict.h): each target of the set's sites is determined or follows the
 * outcomes of determined targets like it; the rows add up what is expected.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exposure.h"
#include "predict_model.h"
#include "xalloc.h"

/* Outcome of a target that the measurements do not determine. */
#define PD_UNKNOWN (-2)

/* One prediction in the making. */
struct pd_work {
	struct pd_model *md;
	uint64_t *set;
	size_t nbins;		/* sites, then lost */
	int32_t *outcome;	/* per affected target: site, PD_LOST or PD_UNKNOWN */
	size_t *sorted;		/* affected targets by known order */
	double *hist;		/* scratch: outcomes of the reference targets */
	size_t *nonzero, nnonzero;	/* the bins of hist above 0, ascending */
};

/* The known order of target t and its length. */
static const int32_t *
order_of(const struct pd_model *md, long long t, size_t *len)
{
	*len = md->order_len[t];
	return md->order + md->order_off[t];
}

/*
 * Compare the first n elements of a known order a (length la) with q;
 * an order shorter than n that matches so far sorts first.
 */
static int
prefix_cmp(const int32_t *a, size_t la, const int32_t *q, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i == la)
			return -1;
		if (a[i] != q[i])
			return a[i] < q[i] ? -1 : 1;
	}
	return 0;
}

/* What order_cmp reads. */
struct pd_sort_arg {
	const struct pd_model *md;
	const long long *target;
};

/* qsort_r: affected targets by their known orders, then by id. */
static int
order_cmp(const void *a, const void *b, void *arg)
{
	const struct pd_sort_arg *sa = arg;
	long long ta = sa->target[*(const size_t *)a], tb = sa->target[*(const size_t *)b];
	size_t la, lb;
	const int32_t *oa = order_of(sa->md, ta, &la), *ob = order_of(sa->md, tb, &lb);
	int c = prefix_cmp(oa, la, ob, lb);

	if (c == 0 && la > lb)
		c = 1;
	return c != 0 ? c : (ta > tb) - (ta < tb);
}

/* 1 when targets a and b have the same known order. */
static int
same_order(const struct pd_model *md, long long a, long long b)
{
	size_t la, lb;
	const int32_t *oa = order_of(md, a, &la), *ob = order_of(md, b, &lb);

	return la == lb && prefix_cmp(oa, la, ob, lb) == 0;
}

/* The outcome of target t for the set, or PD_UNKNOWN; direct is the set's own round. */
static int32_t
target_outcome(const struct pd_work *w, const struct pd_obs *direct, long long t)
{
	size_t len, j;
	const int32_t *o = order_of(w->md, t, &len);

	if (direct != NULL)
		return pd_obs_reply(direct, t);
	for (j = 0; j < len; j++)
		if (!pd_set_has(w->set, (size_t)o[j]))
			return o[j];
	return PD_UNKNOWN;
}

/* The histogram bin of an outcome. */
static size_t
bin_of(const struct pd_work *w, int32_t outcome)
{
	return outcome == PD_LOST ? w->nbins - 1 : (size_t)outcome;
}

/*
 * Fill w->hist with the outcomes of determined targets (sorted positions
 * lo..hi) whose order starts with the n sites of q (n = 0: all of them);
 * returns how many there were.
 */
static double
reference_hist(const struct pd_work *w, const struct pd_prediction *p, size_t lo,
    size_t hi, const int32_t *q, size_t n)
{
	double total = 0;
	size_t i, len;

	memset(w->hist, 0, w->nbins * sizeof(double));
	for (i = lo; i < hi; i++) {
		size_t k = w->sorted[i];
		const int32_t *o = order_of(w->md, p->target[k], &len);

		if (w->outcome[k] == PD_UNKNOWN || prefix_cmp(o, len, q, n) != 0)
			continue;
		w->hist[bin_of(w, w->outcome[k])]++;
		total++;
	}
	return total;
}

/* First sorted position whose order, cut to n, is not below q (or above, when upper). */
static size_t
bound(const struct pd_work *w, const struct pd_prediction *p, const int32_t *q, size_t n,
    int upper)
{
	size_t lo = 0, hi = p->n, len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const int32_t *o = order_of(w->md, p->target[w->sorted[mid]], &len);
		int c = prefix_cmp(o, len, q, n);

		if (c < 0 || (upper && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The distribution an undetermined target follows, into w->hist (summing
 * to 1): determined targets with its whole known order as a prefix, else
 * with its baseline site, else all of the set's, else every site not in
 * the set evenly.
 */
static void
follow(struct pd_work *w, const struct pd_prediction *p, long long t)
{
	size_t len, n, i;
	const int32_t *o = order_of(w->md, t, &len);
	double total = 0;

	for (n = len; n >= 1 && total == 0; n = n > 1 ? 1 : 0)
		total = reference_hist(w, p, bound(w, p, o, n, 0), bound(w, p, o, n, 1), o, n);
	if (total == 0)
		total = reference_hist(w, p, 0, p->n, o, 0);
	if (total == 0) {
		for (i = 0; i + 1 < w->nbins; i++)
			if (!pd_set_has(w->set, i)) {
				w->hist[i] = 1;
				total++;
			}
		if (total == 0) {
			w->hist[w->nbins - 1] = 1;	/* no site left: lost */
			total = 1;
		}
	}
	w->nnonzero = 0;
	for (i = 0; i < w->nbins; i++) {
		w->hist[i] /= total;
		if (w->hist[i] != 0)
			w->nonzero[w->nnonzero++] = i;
	}
}

/* The likeliest bin of w->hist as an outcome (the lowest site on ties, lost last). */
static int32_t
likeliest(const struct pd_work *w)
{
	size_t i, best = 0;

	for (i = 1; i < w->nbins; i++)
		if (w->hist[i] > w->hist[best])
			best = i;
	return best == w->nbins - 1 ? PD_LOST : (int32_t)best;
}

/*
 * Whole numbers n[i] close to the expected v[i] that add up to total:
 * floors, then one more for the largest remainders (lower index on ties).
 */
static void
apportion(const double *v, size_t k, uint64_t total, uint64_t *n)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < k; i++) {
		double f = floor(v[i] + 1e-9);

		n[i] = f > 0 ? (uint64_t)f : 0;
		sum += n[i];
	}
	while (sum < total) {
		size_t best = k;
		double rem = -1;

		for (i = 0; i < k; i++) {
			double r = v[i] - (double)n[i];

			if (r > rem + 1e-12) {
				rem = r;
				best = i;
			}
		}
		if (best == k)
			break;
		n[best]++;
		sum++;
	}
}

/* The matrix skeleton: sites, the one scenario, one empty row per site and the combined one. */
static int
start_matrix(const struct pd_model *md, const char *withdrawn, struct pd_prediction *p,
    uint64_t *set, struct tp_err *err)
{
	struct failover_matrix *m = &p->m;
	struct mx_scenario *s;
	char unknown[64];
	size_t i;

	m->campaign = md->campaign;
	m->baseline_round = md->baseline_round;
	m->nsites = md->nsites;
	m->sites = xcalloc(md->nsites ? md->nsites : 1, sizeof(*m->sites));
	memcpy(m->sites, md->sites, md->nsites * sizeof(*m->sites));
	m->targets = md->targets;
	m->silent_unlisted = md->silent_unlisted;
	m->scenarios = xcalloc(1, sizeof(*m->scenarios));
	m->nscenarios = 1;
	s = &m->scenarios[0];
	s->withdrawn = xstrdup(withdrawn);
	if (mx_resolve_sites(md->sites, md->nsites, withdrawn, &s->sites, &s->nsites, unknown,
	    sizeof(unknown)) < 0)
		return tp_err_set(err, "failure set %s: no site \"%s\" in the database", withdrawn,
		    unknown);
	if (s->nsites == 0)
		return tp_err_set(err, "give the withdrawn sites, e.g. A+B");
	for (i = 0; i < s->nsites; i++)
		pd_set_add(set, s->sites[i]);
	mx_scenario_rows(m, 0, md->nsites + 1);	/* the last bin: lost */
	p->rows = xcalloc(m->nrows, sizeof(*p->rows));
	for (i = 0; i < m->nrows; i++) {
		p->rows[i].expect = xcalloc(md->nsites + 1, sizeof(double));
		p->rows[i].expect_weight = xcalloc(md->nsites + 1, sizeof(double));
	}
	return 0;
}

/* Ascending target ids, for qsort. */
static int
target_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* Mark the determined targets a hidden route may move (exposure.h). */
static void
mark_exposed(const struct pd_work *w, struct pd_prediction *p)
{
	const uint64_t *partners = pd_partners(w->md);
	const struct mx_scenario *s = &p->m.scenarios[0];
	uint64_t *scratch = xcalloc(2 * w->md->words, sizeof(uint64_t));
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->determined[i] && w->outcome[i] != PD_LOST)
			p->exposed[i] = (uint8_t)pd_exposed(w->md, partners, w->set, s->sites,
			    s->nsites, p->target[i], w->outcome[i], scratch);
	free(scratch);
}

/*
 * Collect the targets of the set's sites (from the model's lists by site,
 * not a pass over every target) and what the measurements say of each.
 */
static void
collect(struct pd_work *w, const struct pd_obs *direct, struct pd_prediction *p)
{
	struct pd_model *md = w->md;
	size_t i, s, n;

	for (s = 0; s < md->nsites; s++)
		if (pd_set_has(w->set, s)) {
			pd_model_site_targets(md, s, &n);
			p->n += n;
		}
	p->target = xcalloc(p->n ? p->n : 1, sizeof(long long));
	p->site = xcalloc(p->n ? p->n : 1, sizeof(int32_t));
	p->determined = xcalloc(p->n ? p->n : 1, 1);
	p->exposed = xcalloc(p->n ? p->n : 1, 1);
	p->group = xcalloc(p->n ? p->n : 1, sizeof(uint32_t));
	w->outcome = xcalloc(p->n ? p->n : 1, sizeof(int32_t));
	w->sorted = xcalloc(p->n ? p->n : 1, sizeof(size_t));
	for (s = 0, i = 0; s < md->nsites; s++)
		if (pd_set_has(w->set, s)) {
			const long long *v = pd_model_site_targets(md, s, &n);

			memcpy(p->target + i, v, n * sizeof(*v));
			i += n;
		}
	qsort(p->target, p->n, sizeof(*p->target), target_cmp);
	for (i = 0; i < p->n; i++) {
		w->outcome[i] = target_outcome(w, direct, p->target[i]);
		p->determined[i] = w->outcome[i] != PD_UNKNOWN;
		p->ndetermined += p->determined[i];
		w->sorted[i] = i;
	}
	if (direct == NULL)
		mark_exposed(w, p);
}

/* Add share of bin b (weighted too) to a row. */
static void
row_add(struct pd_row *pr, size_t b, double share, double weight)
{
	pr->expect[b] += share;
	pr->expect_weight[b] += share * weight;
}

/*
 * Add target k's expected outcome (w->hist when undetermined) to its row and
 * the combined row: only bins with a share, not every site (+0 changes no sum).
 */
static void
count_target(struct pd_work *w, struct pd_prediction *p, size_t k)
{
	const struct pd_model *md = w->md;
	const struct mx_scenario *s = &p->m.scenarios[0];
	long long t = p->target[k];
	double weight = md->weight[t];
	size_t row, b, j, rows[2];
	int nrows = 1;

	for (row = 0; row < s->nsites && (int32_t)s->sites[row] != md->baseline[t]; row++)
		;
	rows[0] = row;
	if (s->nsites > 1)
		rows[nrows++] = s->nsites;
	while (nrows-- > 0) {
		struct pd_row *pr = &p->rows[rows[nrows]];

		pr->determined += p->determined[k];
		pr->exposed += p->exposed[k];
		if (!isfinite(weight))	/* 0 x inf is not 0: every bin */
			for (b = 0; b < w->nbins; b++)
				row_add(pr, b, p->determined[k] ? bin_of(w, w->outcome[k]) == b :
				    w->hist[b], weight);
		else if (p->determined[k])
			row_add(pr, bin_of(w, w->outcome[k]), 1, weight);
		else
			for (j = 0; j < w->nnonzero; j++)
				row_add(pr, w->nonzero[j], w->hist[w->nonzero[j]], weight);
	}
}

/*
 * Round each site row's expected numbers into the matrix row; the combined
 * row is their sum, so that they agree. Weights and confidence per row.
 */
static void
finish_rows(struct pd_work *w, struct pd_prediction *p)
{
	uint64_t *n = xcalloc(w->nbins, sizeof(uint64_t));
	size_t i, b, nsites = w->nbins - 1;

	for (i = 0; i < p->m.nrows; i++) {
		struct mx_row *r = &p->m.rows[i];

		if (r->combined)
			continue;
		apportion(p->rows[i].expect, w->nbins, r->responsive, n);
		memcpy(r->to, n, nsites * sizeof(uint64_t));
		r->answered = r->responsive - n[nsites];
	}
	mx_sum_combined(&p->m, 0, 0);
	for (i = 0; i < p->m.nrows; i++) {
		struct mx_row *r = &p->m.rows[i];
		struct pd_row *pr = &p->rows[i];

		for (b = 0; b < nsites; b++)
			r->to_weight[b] = pr->expect_weight[b];
		r->answered_weight = r->responsive_weight - pr->expect_weight[nsites];
		pr->determined_share = mx_share((double)pr->determined, (double)r->responsive);
		pr->confidence = pr->confidence_low = pr->confidence_high = NAN;
	}
	free(n);
}

/* Predict one failure set. */
int
pd_predict(struct pd_model *md, const char *withdrawn, struct pd_prediction *p,
    struct tp_err *err)
{
	struct pd_sort_arg sa;
	struct pd_work w;
	const struct pd_obs *direct;
	size_t i, prev = (size_t)-1;
	int32_t likely = PD_LOST;
	int rc = -1;

	memset(p, 0, sizeof(*p));
	memset(&w, 0, sizeof(w));
	w.md = md;
	w.nbins = md->nsites + 1;
	w.set = xcalloc(md->words, sizeof(uint64_t));
	w.hist = xcalloc(w.nbins, sizeof(double));
	w.nonzero = xcalloc(w.nbins, sizeof(size_t));
	if (start_matrix(md, withdrawn, p, w.set, err) < 0)
		goto done;
	direct = pd_find_obs(md, w.set);
	if (direct != NULL) {
		p->measured = 1;
		p->m.scenarios[0].id = direct->scenario;
		p->m.scenarios[0].round = direct->round;
		p->m.scenarios[0].round_complete = direct->round_complete;
	}
	collect(&w, direct, p);
	sa.md = md;
	sa.target = p->target;
	qsort_r(w.sorted, p->n, sizeof(size_t), order_cmp, &sa);
	for (i = 0; i < p->n; i++) {
		size_t k = w.sorted[i];

		/* Sorted by order: a new group starts where the order changes. */
		if (i > 0 && !same_order(md, p->target[k], p->target[w.sorted[i - 1]]))
			p->ngroups++;
		p->group[k] = (uint32_t)p->ngroups;
		if (w.outcome[k] == PD_UNKNOWN) {
			/* Targets with the same whole order are neighbours: follow once. */
			if (prev == (size_t)-1 || !same_order(md, p->target[k], p->target[prev])) {
				follow(&w, p, p->target[k]);
				likely = likeliest(&w);
			}
			prev = k;
			p->site[k] = likely;
		} else
			p->site[k] = w.outcome[k];
		count_target(&w, p, k);
	}
	if (p->n > 0)
		p->ngroups++;
	finish_rows(&w, p);
	rc = 0;
done:
	free(w.set);
	free(w.hist);
	free(w.nonzero);
	free(w.outcome);
	free(w.sorted);
	if (rc < 0)
		pd_prediction_free(p);
	return rc;
}

/* Free a prediction. */
void
pd_prediction_free(struct pd_prediction *p)
{
	size_t i;

	for (i = 0; i < p->m.nrows; i++) {
		free(p->rows[i].expect);
		free(p->rows[i].expect_weight);
	}
	free(p->rows);
	matrix_free(&p->m);
	free(p->target);
	free(p->site);
	free(p->determined);
	free(p->exposed);
	free(p->group);
	memset(p, 0, sizeof(*p));
}
