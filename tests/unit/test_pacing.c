/*
 * test_pacing.c: the route-flap damping model of a lane (campaign/pacing.c):
 * the figure of merit, the parameter checks, and the earliest time a lane
 * may start a scenario, which must never break the minimum interval or
 * the ceiling.
 */
#include <math.h>
#include <stdlib.h>

#include <criterion/criterion.h>

#include "../../campaign/pacing.h"

#define SLACK 1e-6

/* The defaults are RFC 2439 / RIPE-580's and PEERING's, and consistent. */
Test(pacing, defaults)
{
	struct pacing_params p;
	struct tp_err err;

	pacing_defaults(&p);
	cr_assert_eq(p.penalty_withdraw, 1000);
	cr_assert_eq(p.penalty_announce, 1000);
	cr_assert_eq(p.suppress, 6000);
	cr_assert_eq(p.reuse, 750);
	cr_assert_eq(p.half_life, 900);
	cr_assert_eq(p.min_change_interval, 600);
	cr_assert_lt(p.ceiling, p.suppress / 1.5, "the ceiling is well under suppress");
	cr_assert_eq(pacing_check(&p, &err), 0, "%s", err.msg);
}

/* Parameters that cannot work are refused, naming the key. */
Test(pacing, bad_parameters)
{
	struct pacing_params p;
	struct tp_err err;

	pacing_defaults(&p);
	p.ceiling = 6000;
	cr_assert_eq(pacing_check(&p, &err), -1);
	cr_assert(strstr(err.msg, "damping_ceiling") != NULL, "%s", err.msg);
	pacing_defaults(&p);
	p.ceiling = 1500;	/* a withdrawal and an announcement 10 min later: 1630 */
	cr_assert_eq(pacing_check(&p, &err), -1);
	cr_assert(strstr(err.msg, "raise it") != NULL, "%s", err.msg);
	pacing_defaults(&p);
	p.half_life = 0;
	cr_assert_eq(pacing_check(&p, &err), -1);
	pacing_defaults(&p);
	p.reuse = 7000;
	cr_assert_eq(pacing_check(&p, &err), -1);
}

/* The figure of merit halves every half-life and adds each change's penalty. */
Test(pacing, merit_decays_and_adds)
{
	struct pacing_params p;
	struct pacing_lane l;

	pacing_defaults(&p);
	pacing_lane_init(&l);
	cr_assert_eq(pacing_merit_at(&p, &l, 5000), 0);
	pacing_record(&p, &l, PACING_WITHDRAW, 100);
	cr_assert_float_eq(pacing_merit_at(&p, &l, 100), 1000, 1e-9);
	cr_assert_float_eq(pacing_merit_at(&p, &l, 1000), 500, 1e-9);
	cr_assert_float_eq(pacing_merit_at(&p, &l, 1900), 250, 1e-9);
	pacing_record(&p, &l, PACING_ANNOUNCE, 1000);
	cr_assert_float_eq(pacing_merit_at(&p, &l, 1000), 1500, 1e-9);
	cr_assert_float_eq(l.peak, 1500, 1e-9);
	cr_assert_eq(l.changes, 2);
	p.penalty_announce = 0;	/* Cisco counts withdrawals only */
	pacing_record(&p, &l, PACING_ANNOUNCE, 1900);
	cr_assert_float_eq(pacing_merit_at(&p, &l, 1900), 750, 1e-9);
}

/* Flapping once a minute crosses the suppress threshold after a few flaps. */
Test(pacing, flapping_every_minute_is_suppressed)
{
	struct pacing_params p;
	struct pacing_lane l;
	int k;

	pacing_defaults(&p);
	pacing_lane_init(&l);
	for (k = 0; l.merit <= p.suppress; k++)
		pacing_record(&p, &l, k % 2 ? PACING_ANNOUNCE : PACING_WITHDRAW, 60.0 * k);
	cr_assert_eq(k, 7, "suppressed at the 7th change (4th withdrawal), not %d", k);
}

/* A fresh lane starts now; after a scenario the minimum interval decides. */
Test(pacing, earliest_start_by_interval)
{
	struct pacing_params p;
	struct pacing_lane l;

	pacing_defaults(&p);
	pacing_lane_init(&l);
	cr_assert_eq(pacing_earliest_start(&p, &l, 42, 120), 42);
	pacing_record(&p, &l, PACING_WITHDRAW, 0);
	pacing_record(&p, &l, PACING_ANNOUNCE, pacing_hold(&p, 120));
	cr_assert_eq(pacing_hold(&p, 120), 600, "a withdrawal is held 10 min at least");
	cr_assert_eq(pacing_hold(&p, 900), 900);
	cr_assert_eq(pacing_earliest_start(&p, &l, 700, 120), 1200);
	cr_assert_eq(pacing_earliest_start(&p, &l, 5000, 120), 5000);
}

/* With a tight ceiling the figure of merit decides, and the bound is tight. */
Test(pacing, earliest_start_by_ceiling)
{
	struct pacing_params p;
	struct pacing_lane l;
	double t, m, hold = 120;

	pacing_defaults(&p);
	p.min_change_interval = 60;
	p.ceiling = 2100;
	pacing_lane_init(&l);
	pacing_record(&p, &l, PACING_WITHDRAW, 0);
	pacing_record(&p, &l, PACING_ANNOUNCE, 120);
	t = pacing_earliest_start(&p, &l, 120, hold);
	cr_assert_gt(t, 120 + p.min_change_interval, "the interval alone would allow %g", t);
	m = pacing_merit_at(&p, &l, t) + p.penalty_withdraw;
	cr_assert_leq(m * exp2(-hold / p.half_life) + p.penalty_announce, p.ceiling + SLACK);
	m = pacing_merit_at(&p, &l, t - 1) + p.penalty_withdraw;
	cr_assert_gt(m * exp2(-hold / p.half_life) + p.penalty_announce, p.ceiling,
	    "one second earlier would break the ceiling");
}

/*
 * Lanes driven at the earliest allowed times, with random delays and
 * holds: no two changes closer than the interval, never above the ceiling.
 */
Test(pacing, never_violated)
{
	struct pacing_params p;
	struct pacing_lane l;
	double now = 0, t, hold, last = -INFINITY;
	int round, k;

	srand(7);
	for (round = 0; round < 50; round++) {
		pacing_defaults(&p);
		p.min_change_interval = (double)(rand() % 900);
		p.ceiling = 2500 + rand() % 3000;
		if (pacing_check(&p, &(struct tp_err){ "" }) != 0)
			continue;
		pacing_lane_init(&l);
		last = -INFINITY;
		for (k = 0; k < 200; k++) {
			hold = (double)(rand() % 1200);
			t = pacing_earliest_start(&p, &l, now, hold);
			cr_assert(isfinite(t));
			cr_assert_geq(t, now);
			cr_assert_geq(t - last, p.min_change_interval - SLACK);
			pacing_record(&p, &l, PACING_WITHDRAW, t);
			cr_assert_leq(l.merit, p.ceiling + SLACK, "withdrawal %d: %g", k, l.merit);
			pacing_record(&p, &l, PACING_ANNOUNCE, t + pacing_hold(&p, hold));
			cr_assert_leq(l.merit, p.ceiling + SLACK, "announcement %d: %g", k, l.merit);
			last = t + pacing_hold(&p, hold);
			now = last + rand() % 300;
		}
		cr_assert_lt(l.peak, p.suppress);
	}
}
