/*
 * test_lane_schedule.c: the lane scheduler's decisions and the campaign
 * estimate (campaign/lane_schedule.c): plan order, dependencies, every
 * lane used, pacing never violated, the ceiling respected, and the
 * estimate of a 300-site campaign fast.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "../../campaign/lane_schedule.h"

#define SLACK 1e-6

/* Lanes that never changed, all idle. */
static void
fresh_lanes(struct lane_state *lanes, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		pacing_lane_init(&lanes[i].pacing);
		lanes[i].busy = 0;
	}
}

/* The first ready scenario in plan order goes first; dependents wait. */
Test(lane_schedule, plan_order_and_dependencies)
{
	static const size_t dep0[] = { 0 };
	struct lane_scenario s[3] = {
		{ NULL, 0, LANE_SCENARIO_RUNNING },
		{ dep0, 1, LANE_SCENARIO_WAITING },	/* a chain after scenario 0 */
		{ NULL, 0, LANE_SCENARIO_WAITING },
	};
	struct lane_state lanes[2];
	struct pacing_params p;
	struct lane_decision d;

	pacing_defaults(&p);
	fresh_lanes(lanes, 2);
	lanes[0].busy = 1;
	cr_assert_eq(lane_schedule_next(&p, s, 3, lanes, 2, 10, 120, &d), 1);
	cr_assert_eq(d.scenario, 2, "scenario 1 waits for scenario 0's results");
	cr_assert_eq(d.lane, 1);
	cr_assert_eq(d.start, 10);
	s[2].state = LANE_SCENARIO_RUNNING;
	lanes[1].busy = 1;
	cr_assert_eq(lane_schedule_next(&p, s, 3, lanes, 2, 10, 120, &d), 0, "no idle lane");
	lanes[1].busy = 0;
	cr_assert_eq(lane_schedule_next(&p, s, 3, lanes, 2, 10, 120, &d), 0,
	    "nothing ready while scenario 0 runs");
	s[0].state = LANE_SCENARIO_DONE;
	cr_assert_eq(lane_schedule_next(&p, s, 3, lanes, 2, 10, 120, &d), 1);
	cr_assert_eq(d.scenario, 1);
}

/* The idle lane that may start soonest wins; a paced lane says when. */
Test(lane_schedule, soonest_lane_and_its_time)
{
	struct lane_scenario s[1] = { { NULL, 0, LANE_SCENARIO_WAITING } };
	struct lane_state lanes[3];
	struct pacing_params p;
	struct lane_decision d;

	pacing_defaults(&p);
	fresh_lanes(lanes, 3);
	pacing_record(&p, &lanes[0].pacing, PACING_ANNOUNCE, 100);	/* free at 700 */
	pacing_record(&p, &lanes[1].pacing, PACING_ANNOUNCE, 50);	/* free at 650 */
	lanes[2].busy = 1;
	cr_assert_eq(lane_schedule_next(&p, s, 1, lanes, 3, 200, 120, &d), 1);
	cr_assert_eq(d.lane, 1);
	cr_assert_eq(d.start, 650, "not before the minimum interval: %g", d.start);
}

/* Build a campaign of nsingle singles and nchain chains (each after a single). */
static struct lane_scenario *
campaign(size_t nsingle, size_t nchain, size_t **deps)
{
	struct lane_scenario *s = calloc(nsingle + nchain, sizeof(*s));
	size_t i;

	*deps = calloc(nchain + 1, sizeof(size_t));
	cr_assert_not_null(s);
	for (i = 0; i < nchain; i++) {
		(*deps)[i] = (i * 7) % nsingle;
		s[nsingle + i].deps = &(*deps)[i];
		s[nsingle + i].ndeps = 1;
	}
	return s;
}

/* Order doubles ascending (qsort). */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The figure of merit replayed from the schedule: the highest after any change. */
static double
replay_peak(const struct pacing_params *p, const struct lane_estimate *e, size_t n,
    size_t lane, double hold, double *shortest_gap)
{
	struct pacing_lane l;
	double *starts = calloc(n + 1, sizeof(double)), last = -INFINITY, t;
	size_t i, k = 0, j;

	pacing_lane_init(&l);
	for (i = 0; i < n; i++)
		if (e->lane[i] == lane)
			starts[k++] = e->start[i];
	qsort(starts, k, sizeof(double), cmp_double);
	*shortest_gap = INFINITY;
	for (j = 0; j < k; j++) {
		t = starts[j];
		if (t - last < *shortest_gap)
			*shortest_gap = t - last;
		pacing_record(p, &l, PACING_WITHDRAW, t);
		pacing_record(p, &l, PACING_ANNOUNCE, t + hold);
		if (hold < *shortest_gap)
			*shortest_gap = hold;
		last = t + hold;
	}
	free(starts);
	return l.peak;
}

/* Check every promise of an estimate; returns the shortest gap between changes. */
static double
check_estimate(const struct pacing_params *p, const struct lane_scenario *s, size_t n,
    const struct lane_estimate *e, double converge, double round)
{
	double hold = pacing_hold(p, converge + round), gap, shortest = INFINITY, peak;
	size_t i, k, l, total = 0;

	for (l = 0; l < e->nlanes; l++) {
		cr_assert_gt(e->count[l], 0, "lane %zu unused", l);
		total += e->count[l];
		peak = replay_peak(p, e, n, l, hold, &gap);
		cr_assert_float_eq(peak, e->peak[l], 1e-6);
		cr_assert_leq(peak, p->ceiling + SLACK, "lane %zu peaks at %g", l, peak);
		if (gap < shortest)
			shortest = gap;
	}
	cr_assert_eq(total, n);
	cr_assert_geq(shortest, p->min_change_interval - SLACK);
	for (i = 0; i < n; i++) {
		cr_assert_float_eq(e->finish[i], e->start[i] + hold + converge, 1e-6);
		for (k = 0; k < s[i].ndeps; k++)
			cr_assert_geq(e->start[i], e->finish[s[i].deps[k]],
			    "scenario %zu starts before its dependency's results", i);
		for (k = 0; k < n; k++)
			if (k != i && e->lane[k] == e->lane[i])
				cr_assert(e->finish[k] <= e->start[i] || e->start[k] >= e->finish[i],
				    "scenarios %zu and %zu overlap on lane %zu", i, k, e->lane[i]);
	}
	return shortest;
}

/* A small campaign over 4 lanes keeps every promise, at several settings. */
Test(lane_schedule, estimate_keeps_every_promise)
{
	static const double intervals[] = { 0, 60, 600, 5400 };
	static const double ceilings[] = { 2100, 3000, 5000 };
	struct pacing_params p;
	struct lane_estimate e;
	size_t *deps, i, j;
	struct lane_scenario *s = campaign(30, 60, &deps);

	for (i = 0; i < 4; i++)
		for (j = 0; j < 3; j++) {
			pacing_defaults(&p);
			p.min_change_interval = intervals[i];
			p.ceiling = ceilings[j];
			if (pacing_check(&p, &(struct tp_err){ "" }) != 0)
				continue;
			cr_assert_eq(lane_estimate(&p, s, 90, 4, 30, 10, &e), 0);
			check_estimate(&p, s, 90, &e, 30, 10);
			lane_estimate_free(&e);
		}
	free(s);
	free(deps);
}

/* A cycle of dependencies is reported, not looped on. */
Test(lane_schedule, cycle_is_an_error)
{
	static const size_t dep0[] = { 0 }, dep1[] = { 1 };
	struct lane_scenario s[2] = {
		{ dep1, 1, LANE_SCENARIO_WAITING },
		{ dep0, 1, LANE_SCENARIO_WAITING },
	};
	struct pacing_params p;
	struct lane_estimate e;

	pacing_defaults(&p);
	cr_assert_eq(lane_estimate(&p, s, 2, 2, 120, 10, &e), -1);
}

/* CPU seconds since an unspecified start. */
static double
cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * 300 sites: 300 singles and 600 chains of depth 2, 2 minutes of
 * convergence per change, 1 and 8 lanes: estimated in well under a second
 * each, 8 lanes close to 8 times faster, defaults kept.
 */
Test(lane_schedule, estimate_300_sites)
{
	struct pacing_params p;
	struct lane_estimate e1, e8;
	size_t *deps;
	struct lane_scenario *s = campaign(300, 600, &deps);
	double t0, t1, t8, gap;

	pacing_defaults(&p);
	t0 = cpu_seconds();
	cr_assert_eq(lane_estimate(&p, s, 900, 1, 120, 30, &e1), 0);
	t1 = cpu_seconds() - t0;
	t0 = cpu_seconds();
	cr_assert_eq(lane_estimate(&p, s, 900, 8, 120, 30, &e8), 0);
	t8 = cpu_seconds() - t0;
	cr_assert_lt(t1, 0.5, "1 lane: %.3f s", t1);
	cr_assert_lt(t8, 0.5, "8 lanes: %.3f s", t8);
	gap = check_estimate(&p, s, 900, &e8, 120, 30);
	cr_assert_geq(e1.makespan / e8.makespan, 7.5, "8 lanes only %.2fx faster",
	    e1.makespan / e8.makespan);
	cr_log_info("300 sites, 900 scenarios, 2 min convergence: 1 lane %.1f days "
	    "(estimated in %.3f s CPU), 8 lanes %.1f days (%.3f s CPU), %.2fx; peak merit "
	    "%.0f (ceiling %.0f), shortest gap between changes %.0f s",
	    e1.makespan / 86400, t1, e8.makespan / 86400, t8, e1.makespan / e8.makespan,
	    e8.peak[0], p.ceiling, gap);
	lane_estimate_free(&e1);
	lane_estimate_free(&e8);
	free(s);
	free(deps);
}
