/*
 * predict_leave_out.c: a model's targets listed by baseline site, and
 * leave-one-out: forget one measured scenario and derive again only the
 * orders that read it (or the one forgotten before).
 */
#include <stdlib.h>
#include <string.h>

#include "predict_model.h"
#include "xalloc.h"

/* List the target ids by baseline site, ascending within each (once). */
static void
group_by_site(struct pd_model *md)
{
	size_t *fill = xcalloc(md->nsites + 1, sizeof(*fill));
	long long t;
	size_t s;

	md->site_first = xcalloc(md->nsites + 1, sizeof(*md->site_first));
	for (t = 0; t <= md->max_target; t++)
		if (md->baseline[t] >= 0)
			md->site_first[md->baseline[t] + 1]++;
	for (s = 0; s < md->nsites; s++)
		md->site_first[s + 1] += md->site_first[s];
	md->by_site = xcalloc(md->site_first[md->nsites] + 1, sizeof(*md->by_site));
	for (t = 0; t <= md->max_target; t++)
		if (md->baseline[t] >= 0)
			md->by_site[md->site_first[md->baseline[t]] + fill[md->baseline[t]]++] = t;
	free(fill);
}

/* The target ids whose baseline reply landed at site index s, ascending; *n of them. */
const long long *
pd_model_site_targets(struct pd_model *md, size_t s, size_t *n)
{
	if (md->site_first == NULL)
		group_by_site(md);
	*n = md->site_first[s + 1] - md->site_first[s];
	return md->by_site + md->site_first[s];
}

/*
 * 1 when deriving t's order looked up o's set: its first o->nsites sites
 * are that set (pd_order_build looks up the set of every prefix). The
 * sites before that step come from smaller sets, so the test gives the
 * same answer with o forgotten or not.
 */
static int
order_reads(const struct pd_model *md, long long t, const struct pd_obs *o)
{
	const int32_t *order = md->order + md->order_off[t];
	size_t j;

	if (md->order_len[t] < o->nsites)
		return 0;
	for (j = 0; j < o->nsites; j++)
		if (!pd_set_has(o->set, (size_t)order[j]))
			return 0;
	return 1;
}

/* 1 when any of the n scenarios changed[] was read by target t's order. */
static int
order_reads_any(const struct pd_model *md, long long t, const size_t *changed, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (order_reads(md, t, &md->obs[changed[k]]))
			return 1;
	return 0;
}

/*
 * Forget measured scenario i (or bring all back with (size_t)-1). Only the
 * orders that read the set of the scenario forgotten now or brought back
 * change: they hold its sites from their first one (the baseline site) on,
 * so only targets of those sites are looked at, and of them only the ones
 * whose order reads such a set are derived again (the same orders as
 * deriving them all, at a fraction of the look-ups).
 */
void
pd_model_leave_out(struct pd_model *md, size_t i)
{
	uint64_t *sites = xcalloc(md->words, sizeof(uint64_t));
	uint64_t *set = xcalloc(md->words, sizeof(uint64_t));
	size_t *changed = xcalloc(md->nobs + 1, sizeof(*changed));
	size_t k, w, s, j, nchanged = 0;
	int single_changed = 0;

	for (k = 0; k < md->nobs; k++) {
		if (md->obs[k].left_out != (k == i) && md->obs[k].nsites == 1)
			single_changed = 1;
		if (md->obs[k].left_out || k == i) {
			changed[nchanged++] = k;
			for (w = 0; w < md->words; w++)
				sites[w] |= md->obs[k].set[w];
		}
	}
	for (k = 0; k < md->nobs; k++)
		md->obs[k].left_out = k == i;
	/*
	 * The partners come from the singles alone: built again (a pass over
	 * every single's replies) only when a single is forgotten or back.
	 */
	if (single_changed) {
		free(md->partners);
		md->partners = NULL;
	}
	pd_obs_index_build(md);
	if (md->site_first == NULL)
		group_by_site(md);
	/* A target's order is read (as before) just before it is derived again. */
	for (s = 0; s < md->nsites; s++)
		if (pd_set_has(sites, s))
			for (j = md->site_first[s]; j < md->site_first[s + 1]; j++)
				if (order_reads_any(md, md->by_site[j], changed, nchanged))
					pd_order_build(md, md->by_site[j], set);
	free(sites);
	free(set);
	free(changed);
}
