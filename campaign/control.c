/*
 * control.c: the targets a scenario probes: its catchment (every target
 * whose baseline reply landed at a withdrawn site) and a control sample of
 * each other site's catchment, to catch traffic that moves although its
 * site did not fail.
 *
 * The sample is sized per site (control_per_site, at most control_share
 * of the site's catchment), so its cost grows with the sites, not with
 * the targets. Why 200 is enough: when a share p of a site's targets
 * moves, a uniform sample of n misses every one of them with probability
 * (1 - p)^n: 13% for a 1% move at n = 200, 1.8% for a 2% move, 0.004%
 * for 5%. Every scenario draws afresh (seeded by its id), so a move that
 * lasts through k scenarios is missed by all of them with 0.134^k.
 */
#include <stdlib.h>

#include "campaign.h"
#include "xalloc.h"

/* Index of every database site id in [0, max]: conf index, or -1. */
static int *
site_index_map(const struct campaign *c, long long *max)
{
	size_t i;
	int *map;

	*max = 0;
	for (i = 0; i < c->conf->nsites; i++)
		if (c->site_ids[i] > *max)
			*max = c->site_ids[i];
	map = xcalloc((size_t)*max + 1, sizeof(*map));
	for (i = 0; i <= (size_t)*max; i++)
		map[i] = -1;
	for (i = 0; i < c->conf->nsites; i++)
		if (c->site_ids[i] > 0)
			map[c->site_ids[i]] = (int)i;
	return map;
}

/* Conf index of a target's baseline site, or -1 (no reply, or not a configured site). */
static int
baseline_index(const int *map, long long max, const struct round_target *t)
{
	return t->baseline_site > 0 && t->baseline_site <= max ? map[t->baseline_site] : -1;
}

/* Control targets wanted from a site holding n responsive targets. */
static size_t
control_size(const struct tp_conf *conf, size_t n)
{
	size_t bound = (size_t)(conf->control_share * (double)n + 0.5);

	return conf->control_per_site < bound ? conf->control_per_site : bound;
}

/*
 * The targets scenario s probes: first its catchment (*ncatch of them),
 * then the control sample, site by site drawn uniformly without
 * replacement in one pass (selection sampling); *n in all.
 */
struct round_target *
scenario_targets(const struct campaign *c, const struct scenario *s, size_t *ncatch, size_t *n)
{
	struct round_target *v = xcalloc(c->ntargets ? c->ntargets : 1, sizeof(*v));
	size_t nsites = c->conf->nsites, *have = xcalloc(nsites + 1, sizeof(*have));
	size_t *seen = xcalloc(nsites + 1, sizeof(*seen)), *want = xcalloc(nsites + 1, sizeof(*want));
	unsigned seed = (unsigned)s->id * 40503u + 1;
	long long max;
	int *map = site_index_map(c, &max), *withdrawn = xcalloc(nsites + 1, sizeof(*withdrawn));
	size_t i;

	for (i = 0; i < s->nsites; i++)
		withdrawn[s->sites[i]] = 1;
	*n = 0;
	for (i = 0; i < c->ntargets; i++) {
		int k = baseline_index(map, max, &c->targets[i]);

		if (k < 0)
			continue;
		if (withdrawn[k])
			v[(*n)++] = c->targets[i];
		else
			have[k]++;
	}
	*ncatch = *n;
	for (i = 0; i < nsites; i++)
		want[i] = withdrawn[i] ? 0 : control_size(c->conf, have[i]);
	for (i = 0; i < c->ntargets; i++) {
		int k = baseline_index(map, max, &c->targets[i]);
		double left;

		if (k < 0 || want[k] == 0)
			continue;
		/* Take it with probability (still wanted) / (still to see). */
		left = (double)(have[k] - seen[k]++);
		if ((double)rand_r(&seed) / ((double)RAND_MAX + 1.0) * left < (double)want[k]) {
			v[(*n)++] = c->targets[i];
			want[k]--;
		}
	}
	free(map);
	free(withdrawn);
	free(have);
	free(seen);
	free(want);
	return v;
}
