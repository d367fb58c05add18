/*
 * pacing.h: how often one test prefix (a lane) may change without risking
 * route-flap damping upstream. A pure model, no I/O: the RFC 2439 figure
 * of merit per prefix (a penalty per withdrawal and per re-advertisement,
 * halved every half-life), kept under a ceiling well below the suppress
 * threshold, plus a minimum interval between two changes (PEERING's rule).
 * Times are seconds on any monotonic clock.
 */
#ifndef TP_PACING_H
#define TP_PACING_H

#include "error.h"

/* The damping model and the limits the campaign keeps to. */
struct pacing_params {
	double penalty_withdraw;	/* per withdrawal; 1000 (RFC 2439, RIPE-580) */
	double penalty_announce;	/* per re-advertisement; 1000 (Juniper; Cisco: 0) */
	double suppress;		/* upstream suppresses above this; 6000 (RIPE-580) */
	double reuse;			/* and reuses below this; 750 */
	double half_life;		/* seconds; 900 (15 min) */
	double ceiling;			/* damping_ceiling: the model stays at or under it; 3000 */
	double min_change_interval;	/* seconds between two changes; 600 (PEERING) */
};

/* What the model knows of one lane's prefix: its figure of merit. */
struct pacing_lane {
	double merit;		/* figure of merit right after the last change */
	double last_change;	/* time of the last change; < 0 when never changed */
	double peak;		/* highest figure of merit so far */
	unsigned changes;	/* changes recorded */
};

enum pacing_change {
	PACING_WITHDRAW,
	PACING_ANNOUNCE,
};

/* Fill in the defaults above. */
void pacing_defaults(struct pacing_params *p);
/* Check the parameters make sense together (a flap fits under the ceiling, ...). */
int pacing_check(const struct pacing_params *p, struct tp_err *err);
/* A lane that never changed. */
void pacing_lane_init(struct pacing_lane *l);
/* The modelled figure of merit of the lane at time t (>= its last change). */
double pacing_merit_at(const struct pacing_params *p, const struct pacing_lane *l, double t);
/* Record a change of the lane at time t (not before its last change). */
void pacing_record(const struct pacing_params *p, struct pacing_lane *l, enum pacing_change kind,
    double t);
/* How long a scenario holds its withdrawal: hold, but at least the minimum interval. */
double pacing_hold(const struct pacing_params *p, double hold);
/*
 * The earliest time, not before now, at which the lane may start a scenario
 * (withdraw, then announce pacing_hold(hold) later) with both changes at
 * least min_change_interval after the one before and the figure of merit
 * at or under the ceiling after each.
 */
double pacing_earliest_start(const struct pacing_params *p, const struct pacing_lane *l,
    double now, double hold);

#endif
