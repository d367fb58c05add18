/*
 * round_landing.h: where one target's replies of one round landed. With
 * several probes per target (probes_per_target, one flow each), a target
 * may answer one round more than once, and per-flow load balancing on its
 * way back can send those replies to different sites: the target is then
 * split, its replies divided among the sites.
 */
#ifndef TP_ROUND_LANDING_H
#define TP_ROUND_LANDING_H

#include <stddef.h>
#include <stdint.h>

#include "campaign_data.h"
#include "db.h"
#include "error.h"

/* One target's replies in one round, by site. */
struct target_landing {
	long long target;
	size_t nsites;		/* distinct sites its replies landed at (1 or more) */
	int32_t *site;		/* site indexes, in order of first reply */
	uint32_t *replies;	/* replies at each */
	uint32_t total;		/* replies of the target in the round */
};

/*
 * Call fn(landing, arg) once per target that answered round, with its
 * replies grouped by site; replies for unknown targets or sites are
 * skipped. A database error says what.
 */
int round_each_landing(struct tp_db *db, const struct site_map *map,
    const struct target_table *tt, long long round, const char *what,
    void (*fn)(const struct target_landing *, void *), void *arg, struct tp_err *err);
/* The site with most of the target's replies (the first of them on a tie). */
int32_t landing_plurality(const struct target_landing *l);
/* The share of the target's replies that landed at its k-th site. */
double landing_share(const struct target_landing *l, size_t k);

#endif
