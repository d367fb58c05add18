/*
 * execute.c: the executor. It carries out one scenario the scheduler
 * handed out (withdraw through BIRD, wait for convergence, measure,
 * announce, wait for the catchment to return) or the baseline, and writes
 * what happened through state.c. It decides nothing about what runs next.
 */
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "lanes.h"
#include "methods.h"
#include "log.h"
#include "xalloc.h"

/* 1 when the database site id is one of the scenario's withdrawn sites. */
int
scenario_has_site(const struct campaign *c, const struct scenario *s, long long site_id)
{
	size_t k;

	for (k = 0; k < s->nsites; k++)
		if (c->site_ids[s->sites[k]] == site_id)
			return 1;
	return 0;
}

/*
 * Withdraw, converge, measure, hold the withdrawal for min_change_interval
 * (pacing), announce, wait for the catchment to return.
 */
int
execute_scenario(struct campaign *c, struct scenario *s, struct tp_err *err)
{
	struct round_target *targets;	/* the catchment first */
	size_t ncatch, ntargets;
	struct round_outcome o;
	long long converge_ms = -1;
	int converged = 0, rc = -1;

	targets = scenario_targets(c, s, &ncatch, &ntargets);
	state_scenario_set(c, s, "running", -1);
	progress_phase(c, s->name, "withdrawing");
	if (bgp_withdraw(c, s, err) < 0)
		goto out;
	progress_phase(c, s->name, "converging");
	if (converge_after_withdraw(c, s, targets, ncatch, &converge_ms, &converged, err) < 0)
		goto out;
	progress_phase(c, s->name, "measuring");
	if (round_run(c, s->id, "scenario", targets, ntargets, &o, err) < 0)
		goto out;
	if (!o.complete) {
		/* listener_failure = continue: no result for s; resume measures it again. */
		log_warn("campaign", "%s: the listener at site %s died mid-round; the scenario is "
		    "left aborted and the campaign goes on (listener_failure = continue)", s->name,
		    o.lost_site);
	}
	if (lanes_hold(c, err) < 0)
		goto out;
	progress_phase(c, s->name, "announcing");
	if (bgp_announce(c, s, err) < 0)
		goto out;
	progress_phase(c, s->name, "waiting for the catchment to return");
	if (converge_after_announce(c, s, targets, ncatch, err) < 0)
		goto out;
	s->status = !o.complete ? "aborted" : converged ? "done" : "unconverged";
	state_scenario_set(c, s, s->status, converge_ms);
	c->incomplete += !o.complete;
	log_info("campaign", "%s: %s, converged in %.1f s, %zu probed, %zu replies", s->name,
	    s->status, converge_ms / 1000.0, ntargets, o.replies);
	rc = 0;
out:
	if (rc < 0) {
		s->status = "aborted";
		state_scenario_set(c, s, "aborted", converge_ms);
	}
	free(targets);
	return rc;
}

/* Measure the baseline over every target, unless a complete one exists (resume). */
int
execute_baseline(struct campaign *c, struct tp_err *err)
{
	struct round_outcome o;

	c->baseline_round = state_baseline_round(c);
	if (c->baseline_round == 0) {
		progress_phase(c, "baseline", "measuring");
		if (round_run(c, 0, "baseline", c->targets, c->ntargets, &o, err) < 0)
			return -1;
		if (!o.complete)
			return tp_err_set(err, "the baseline round %lld is incomplete", o.round_id);
		c->baseline_round = o.round_id;
	}
	return methods_store(c, c->baseline_round, err) < 0 ||
	    state_targets_load(c, err) < 0 || methods_load(c, err) < 0 ? -1 : 0;
}
