/* pacing.c: the route-flap damping model of one lane's prefix (see pacing.h). */
#include <math.h>

#include "defaults.h"
#include "pacing.h"

/* Slack for floating-point rounding when a computed time meets a limit. */
#define PACING_EPSILON 1e-6

/* Fill in the RFC 2439 / RIPE-580 and PEERING defaults. */
void
pacing_defaults(struct pacing_params *p)
{
	p->penalty_withdraw = TP_DEFAULT_DAMPING_PENALTY;
	p->penalty_announce = TP_DEFAULT_DAMPING_ANNOUNCE_PENALTY;
	p->suppress = TP_DEFAULT_DAMPING_SUPPRESS;
	p->reuse = TP_DEFAULT_DAMPING_REUSE;
	p->half_life = TP_DEFAULT_DAMPING_HALF_LIFE;
	p->ceiling = TP_DEFAULT_DAMPING_CEILING;
	p->min_change_interval = TP_DEFAULT_MIN_CHANGE_INTERVAL;
}

/* The factor the figure of merit keeps after dt seconds. */
static double
decay(const struct pacing_params *p, double dt)
{
	return exp2(-dt / p->half_life);
}

/* Check the parameters make sense together; -1 with err naming the key. */
int
pacing_check(const struct pacing_params *p, struct tp_err *err)
{
	double flap;

	if (!(p->half_life > 0))
		return tp_err_set(err, "damping_half_life: must be more than 0 s");
	if (!(p->penalty_withdraw >= 0 && p->penalty_announce >= 0 &&
	    p->penalty_withdraw + p->penalty_announce > 0))
		return tp_err_set(err, "damping_penalty, damping_announce_penalty: must not be negative, nor both 0");
	if (!(p->reuse > 0 && p->reuse < p->suppress))
		return tp_err_set(err, "damping_reuse %g: must be above 0 and below damping_suppress %g",
		    p->reuse, p->suppress);
	if (!(p->ceiling < p->suppress))
		return tp_err_set(err, "damping_ceiling %g: must be below damping_suppress %g",
		    p->ceiling, p->suppress);
	if (!(p->min_change_interval >= 0))
		return tp_err_set(err, "min_change_interval: must not be negative");
	flap = p->penalty_withdraw * decay(p, p->min_change_interval) + p->penalty_announce;
	if (!(p->ceiling > p->penalty_withdraw && p->ceiling > flap))
		return tp_err_set(err, "damping_ceiling %g: one withdrawal and announcement "
		    "from zero already reach %g; raise it", p->ceiling,
		    flap > p->penalty_withdraw ? flap : p->penalty_withdraw);
	return 0;
}

/* A lane that never changed. */
void
pacing_lane_init(struct pacing_lane *l)
{
	l->merit = 0;
	l->last_change = -1;
	l->peak = 0;
	l->changes = 0;
}

/* The modelled figure of merit at time t. */
double
pacing_merit_at(const struct pacing_params *p, const struct pacing_lane *l, double t)
{
	if (l->last_change < 0 || t <= l->last_change)
		return l->merit;
	return l->merit * decay(p, t - l->last_change);
}

/* Add a change at time t to the lane's figure of merit. */
void
pacing_record(const struct pacing_params *p, struct pacing_lane *l, enum pacing_change kind,
    double t)
{
	l->merit = pacing_merit_at(p, l, t) + (kind == PACING_WITHDRAW ?
	    p->penalty_withdraw : p->penalty_announce);
	l->last_change = t;
	l->changes++;
	if (l->merit > l->peak)
		l->peak = l->merit;
}

/* How long a withdrawal is held: hold, but at least the minimum interval. */
double
pacing_hold(const struct pacing_params *p, double hold)
{
	return hold > p->min_change_interval ? hold : p->min_change_interval;
}

/*
 * The earliest time >= t0 at which a merit of m0 (at t0) has decayed to at
 * most x; x > 0.
 */
static double
decayed_to(const struct pacing_params *p, double m0, double t0, double x)
{
	if (m0 <= x)
		return t0;
	return t0 + p->half_life * log2(m0 / x) + PACING_EPSILON;
}

/* The earliest time a scenario may start on the lane (see pacing.h). */
double
pacing_earliest_start(const struct pacing_params *p, const struct pacing_lane *l,
    double now, double hold)
{
	double t = now, x, x_announce;

	if (l->last_change < 0)
		return now;
	if (t < l->last_change + p->min_change_interval)
		t = l->last_change + p->min_change_interval;
	/*
	 * Merit m before the withdrawal: m + pw <= ceiling, and after the
	 * announcement (m + pw) * decay(hold) + pa <= ceiling.
	 */
	x = p->ceiling - p->penalty_withdraw;
	x_announce = (p->ceiling - p->penalty_announce) / decay(p, pacing_hold(p, hold)) -
	    p->penalty_withdraw;
	if (x_announce < x)
		x = x_announce;
	if (x <= 0)
		return INFINITY;	/* pacing_check refuses such parameters */
	t = fmax(t, decayed_to(p, l->merit, l->last_change, x));
	return t;
}
