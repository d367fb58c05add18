/* lane_schedule.c: the lane scheduler and the campaign estimate (see lane_schedule.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lane_schedule.h"
#include "xalloc.h"

/* 1 when the scenario waits and everything it depends on is done. */
static int
ready(const struct lane_scenario *s, size_t i)
{
	size_t k;

	if (s[i].state != LANE_SCENARIO_WAITING)
		return 0;
	for (k = 0; k < s[i].ndeps; k++)
		if (s[s[i].deps[k]].state != LANE_SCENARIO_DONE)
			return 0;
	return 1;
}

/* Pick the next scenario and lane, and when (see lane_schedule.h). */
int
lane_schedule_next(const struct pacing_params *p, const struct lane_scenario *s, size_t n,
    const struct lane_state *lanes, size_t nlanes, double now, double hold,
    struct lane_decision *d)
{
	double best = INFINITY, best_merit = INFINITY, t, merit;
	size_t i, l, lane = nlanes;

	for (l = 0; l < nlanes; l++) {
		if (lanes[l].busy)
			continue;
		t = pacing_earliest_start(p, &lanes[l].pacing, now, hold);
		merit = pacing_merit_at(p, &lanes[l].pacing, t);
		if (t < best || (t == best && merit < best_merit)) {
			best = t;
			best_merit = merit;
			lane = l;
		}
	}
	if (lane == nlanes || isinf(best))
		return 0;
	for (i = 0; i < n; i++)
		if (ready(s, i))
			break;
	if (i == n)
		return 0;
	d->scenario = i;
	d->lane = lane;
	d->start = best;
	return 1;
}

/* 1 when a dead-man switch armed by another lane would expire mid-scenario. */
int
lane_deadman_blocks(const struct lane_site_arm *arms, const size_t *sites, size_t n,
    double now, double hold, double deadman)
{
	size_t k;

	for (k = 0; k < n; k++) {
		const struct lane_site_arm *a = &arms[sites[k]];

		if (a->withdrawn > 0 && a->armed_at + deadman <= now + hold)
			return 1;
	}
	return 0;
}

/* Free what lane_estimate allocated. */
void
lane_estimate_free(struct lane_estimate *e)
{
	free(e->start);
	free(e->finish);
	free(e->lane);
	free(e->peak);
	free(e->count);
	memset(e, 0, sizeof(*e));
}

/* The simulation's moving parts. */
struct sim {
	struct lane_scenario *s;
	struct lane_state *lanes;
	size_t *running;	/* per lane: the scenario on it */
	size_t done;
};

/* Finish every scenario whose lane frees at or before now. */
static void
finish_due(struct sim *m, const struct lane_estimate *e, double now)
{
	size_t l;

	for (l = 0; l < e->nlanes; l++)
		if (m->lanes[l].busy && e->finish[m->running[l]] <= now) {
			m->s[m->running[l]].state = LANE_SCENARIO_DONE;
			m->lanes[l].busy = 0;
			m->done++;
		}
}

/* The earliest time a busy lane frees; INFINITY when none is busy. */
static double
next_finish(const struct sim *m, const struct lane_estimate *e)
{
	double t = INFINITY;
	size_t l;

	for (l = 0; l < e->nlanes; l++)
		if (m->lanes[l].busy && e->finish[m->running[l]] < t)
			t = e->finish[m->running[l]];
	return t;
}

/* Simulate the campaign over the lanes (see lane_schedule.h). */
int
lane_estimate(const struct pacing_params *p, const struct lane_scenario *s, size_t n,
    size_t nlanes, double converge, double round, struct lane_estimate *e)
{
	struct sim m = { 0 };
	struct lane_decision d;
	double now = 0, hold = pacing_hold(p, converge + round), wake;
	size_t i, l;
	int have, rc = 0;

	memset(e, 0, sizeof(*e));
	e->nlanes = nlanes;
	e->start = xcalloc(n + 1, sizeof(double));
	e->finish = xcalloc(n + 1, sizeof(double));
	e->lane = xcalloc(n + 1, sizeof(size_t));
	e->peak = xcalloc(nlanes + 1, sizeof(double));
	e->count = xcalloc(nlanes + 1, sizeof(size_t));
	m.s = xcalloc(n + 1, sizeof(*m.s));
	m.lanes = xcalloc(nlanes + 1, sizeof(*m.lanes));
	m.running = xcalloc(nlanes + 1, sizeof(size_t));
	for (i = 0; i < n; i++) {
		m.s[i] = s[i];
		m.s[i].state = LANE_SCENARIO_WAITING;
	}
	for (l = 0; l < nlanes; l++)
		pacing_lane_init(&m.lanes[l].pacing);
	while (m.done < n) {
		have = lane_schedule_next(p, m.s, n, m.lanes, nlanes, now, hold, &d);
		if (have && d.start <= now) {
			struct lane_state *ls = &m.lanes[d.lane];

			pacing_record(p, &ls->pacing, PACING_WITHDRAW, now);
			pacing_record(p, &ls->pacing, PACING_ANNOUNCE, now + hold);
			e->start[d.scenario] = now;
			e->finish[d.scenario] = now + hold + converge;
			e->lane[d.scenario] = d.lane;
			e->count[d.lane]++;
			e->peak[d.lane] = ls->pacing.peak;
			m.s[d.scenario].state = LANE_SCENARIO_RUNNING;
			ls->busy = 1;
			m.running[d.lane] = d.scenario;
			if (e->finish[d.scenario] > e->makespan)
				e->makespan = e->finish[d.scenario];
			continue;
		}
		wake = next_finish(&m, e);
		if (have && d.start < wake)
			wake = d.start;
		if (isinf(wake)) {
			rc = -1;	/* nothing runs and nothing can start */
			break;
		}
		now = wake;
		finish_due(&m, e, now);
	}
	free(m.s);
	free(m.lanes);
	free(m.running);
	if (rc != 0)
		lane_estimate_free(e);
	return rc;
}
