/* exposure.c: which determined predictions a hidden route may break (see exposure.h). */
#include <stdlib.h>

#include "exposure.h"
#include "xalloc.h"

/* Every site's failover partners from its measured single. */
uint64_t *
pd_partners(const struct pd_model *md)
{
	uint64_t *partners = xcalloc(md->nsites * md->words + 1, sizeof(uint64_t));
	uint64_t *single = xcalloc(md->words, sizeof(uint64_t));
	size_t c, i;

	for (c = 0; c < md->nsites; c++) {
		const struct pd_obs *o;

		pd_set_add(single, c);
		if ((o = pd_find_obs(md, single)) != NULL)
			for (i = 0; i < o->nresp; i++)
				if (md->baseline[o->resp_target[i]] == (int32_t)c &&
				    o->resp_site[i] != (int32_t)c)
					pd_set_add(partners + c * md->words, (size_t)o->resp_site[i]);
		single[c / 64] = 0;
	}
	free(single);
	return partners;
}

/*
 * 1 when a site of set not before b in t's order has a partner outside
 * set, other than b, that t's order never reached.
 */
int
pd_exposed(const struct pd_model *md, const uint64_t *partners, const uint64_t *set,
    long long t, int32_t b)
{
	const int32_t *order = md->order + md->order_off[t];
	uint64_t *before = xcalloc(md->words, sizeof(uint64_t));
	uint64_t *reached = xcalloc(md->words, sizeof(uint64_t));
	size_t j, c, d;
	int exposed = 0;

	for (j = 0; j < md->order_len[t] && order[j] != b; j++)
		pd_set_add(before, (size_t)order[j]);
	for (j = 0; j < md->order_len[t]; j++)
		pd_set_add(reached, (size_t)order[j]);
	for (c = 0; c < md->nsites && !exposed; c++) {
		const uint64_t *p = partners + c * md->words;

		if (!pd_set_has(set, c) || pd_set_has(before, c))
			continue;
		for (d = 0; d < md->nsites && !exposed; d++)
			exposed = pd_set_has(p, d) && !pd_set_has(set, d) && (int32_t)d != b &&
			    !pd_set_has(reached, d);
	}
	free(before);
	free(reached);
	return exposed;
}
