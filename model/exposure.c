/* exposure.c: which determined predictions a hidden route may break (see exposure.h). */
#include <stdlib.h>
#include <string.h>

#include "exposure.h"
#include "xalloc.h"

/* Every site's failover partners from its measured single, once per model. */
const uint64_t *
pd_partners(struct pd_model *md)
{
	uint64_t *partners, *single;
	size_t c, i;

	if (md->partners != NULL)
		return md->partners;
	partners = xcalloc(md->nsites * md->words + 1, sizeof(uint64_t));
	single = xcalloc(md->words, sizeof(uint64_t));

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
	md->partners = partners;
	return partners;
}

/*
 * 1 when a site of set not before b in t's order has a partner outside
 * set, other than b, that t's order never reached: word by word, the
 * partners minus the set minus the reached sites (b is among those).
 */
int
pd_exposed(const struct pd_model *md, const uint64_t *partners, const uint64_t *set,
    const size_t *sites, size_t n, long long t, int32_t b, uint64_t *scratch)
{
	const int32_t *order = md->order + md->order_off[t];
	uint64_t *before = scratch, *reached = scratch + md->words;
	size_t j, k, w;

	memset(scratch, 0, 2 * md->words * sizeof(uint64_t));
	for (j = 0; j < md->order_len[t]; j++) {
		pd_set_add(reached, (size_t)order[j]);
		if (order[j] == b)
			break;
		pd_set_add(before, (size_t)order[j]);
	}
	for (; j < md->order_len[t]; j++)
		pd_set_add(reached, (size_t)order[j]);
	pd_set_add(reached, (size_t)b);
	for (k = 0; k < n; k++) {
		const uint64_t *p = partners + sites[k] * md->words;

		if (pd_set_has(before, sites[k]))
			continue;
		for (w = 0; w < md->words; w++)
			if (p[w] & ~set[w] & ~reached[w])
				return 1;
	}
	return 0;
}
