/*
 * lane_schedule.h: which failure scenario to start next on which lane
 * (anycast test prefix), and when; and an estimate of a whole campaign's
 * schedule. Pure functions of the scenarios (with their dependencies and
 * progress), the lanes and their change history, and the clock: no I/O,
 * no clock of their own. Pacing (pacing.h) is never violated.
 */
#ifndef TP_LANE_SCHEDULE_H
#define TP_LANE_SCHEDULE_H

#include <stddef.h>

#include "pacing.h"

enum lane_scenario_state {
	LANE_SCENARIO_WAITING,
	LANE_SCENARIO_RUNNING,
	LANE_SCENARIO_DONE,
};

/* One scenario of the plan, in plan order. */
struct lane_scenario {
	const size_t *deps;	/* scenarios whose results it needs (a chain's first step) */
	size_t ndeps;
	enum lane_scenario_state state;
};

/* One lane: its prefix's change history and what runs on it. */
struct lane_state {
	struct pacing_lane pacing;
	int busy;		/* a scenario runs on it */
};

/* What to start: scenario on lane, not before start. */
struct lane_decision {
	size_t scenario;
	size_t lane;
	double start;
};

/*
 * Pick the next scenario to start: the first waiting scenario (in plan
 * order) whose dependencies are all done, on the idle lane that may start
 * soonest under pacing for a withdrawal held hold seconds (ties: the lane
 * with the lower figure of merit, then the lower index). 1 with *d filled
 * (d->start >= now: the caller waits until then, or asks again after
 * something finished); 0 when no lane is idle or no scenario is ready.
 */
int lane_schedule_next(const struct pacing_params *p, const struct lane_scenario *s, size_t n,
    const struct lane_state *lanes, size_t nlanes, double now, double hold,
    struct lane_decision *d);

/*
 * One site's dead-man switch as the lanes share it. BIRD has one per
 * daemon: the first lane to withdraw at a site arms it (armed_at), later
 * lanes cannot re-arm it (that would announce the first lane's prefix),
 * and it is confirmed only once no lane is withdrawn there.
 */
struct lane_site_arm {
	unsigned withdrawn;	/* lanes withdrawn at the site now */
	double armed_at;	/* when the first of them armed the switch */
};

/*
 * 1 when withdrawing the n sites now and holding them up to hold seconds
 * would outlast a dead-man switch (deadman seconds) that another lane armed
 * at one of them: BIRD would re-announce mid-scenario. Wait until those
 * sites are announced on every lane (the switch is confirmed, then armed
 * afresh).
 */
int lane_deadman_blocks(const struct lane_site_arm *arms, const size_t *sites, size_t n,
    double now, double hold, double deadman);

/* A campaign's estimated schedule. */
struct lane_estimate {
	double *start;		/* per scenario: withdrawal time (s from the start) */
	double *finish;		/* per scenario: announced again and converged */
	size_t *lane;		/* per scenario */
	double *peak;		/* per lane: highest modelled figure of merit */
	size_t *count;		/* per lane: scenarios run */
	size_t nlanes;
	double makespan;	/* the last finish */
};

/*
 * Estimate the schedule of scenarios s (only deps are read) over nlanes
 * lanes, every change taking converge seconds to settle and every round
 * (measurement) round seconds: a scenario withdraws, holds the withdrawal
 * pacing_hold(converge + round), announces, and frees its lane converge
 * seconds later. 0, or -1 when dependencies can never be met (a cycle).
 */
int lane_estimate(const struct pacing_params *p, const struct lane_scenario *s, size_t n,
    size_t nlanes, double converge, double round, struct lane_estimate *e);
/* Free what lane_estimate allocated. */
void lane_estimate_free(struct lane_estimate *e);

#endif
