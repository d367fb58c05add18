/*
 * load_model.h: the load each failure scenario sends to each surviving
 * site, in the weight units of the target lists (the unit of a site's
 * capacity in tp.conf).
 *
 * The load of scenario S is the baseline catchment weight of its withdrawn
 * sites. It is spread over the sites outside S in proportion to the weight
 * of S's targets whose scenario replies landed there: targets that did not
 * answer (lost), or whose reply still reached a withdrawn site, are assumed
 * to go where the others went. A destination's expected load is its own
 * baseline catchment weight plus what it receives.
 */
#ifndef TP_LOAD_MODEL_H
#define TP_LOAD_MODEL_H

#include <stddef.h>

#include "config.h"
#include "matrix.h"

struct lm_dest {
	size_t site;		/* site index in the matrix */
	double share;		/* measured weighted share of S's load (0 when none landed) */
	double baseline;	/* its own baseline load */
	double incoming;	/* load * share */
	double capacity;	/* 0 = unknown */
};

struct lm_scenario {
	size_t scenario;	/* index in the matrix's scenarios */
	const struct mx_row *row;	/* the row for the whole set */
	double load;		/* baseline weight of the withdrawn sites */
	int measured;		/* 0 when no target of S answered outside S */
	struct lm_dest *dests;	/* sites outside S: largest share first, then by name */
	size_t ndests;
};

/*
 * The capacity of a site: its [site] capacity in conf when conf is given
 * and sets one, else the sites.capacity column; 0 = unknown.
 */
double lm_capacity(const struct tp_conf *conf, const struct mx_site *s);

/* One entry per scenario of m. */
struct lm_scenario *load_model_build(const struct failover_matrix *m,
    const struct tp_conf *conf, size_t *n);
void load_model_free(struct lm_scenario *v, size_t n);

#endif
