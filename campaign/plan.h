/*
 * plan.h: the scenarios a campaign plans from its config (`single`, then
 * `sets`), their canonical names, and a time estimate. Pure: no database,
 * no sites.
 */
#ifndef TP_CAMPAIGN_PLAN_H
#define TP_CAMPAIGN_PLAN_H

#include <stddef.h>

#include "config.h"
#include "error.h"

/* One failure scenario: a sorted set of sites withdrawn together. */
struct scenario {
	long long id;			/* row in scenarios; 0 before it has one */
	size_t *sites;			/* indexes into conf->sites, sorted by name */
	size_t nsites;
	char *name;			/* canonical "A+B" */
	const char *status;		/* pending, done, unconverged, aborted; skipped */
	int chain;			/* 1 when chosen by the chains rule */
	int validation;			/* 1 when chosen by validate; 2 once its outcome is stored */
};

/* Parse `single` ("all", "none", "A,B") and `sets` ("A+B, C+D") into scenarios. */
int plan_scenarios(const struct tp_conf *conf, struct scenario **out, size_t *n,
    struct tp_err *err);
/* A pending scenario of these site indexes (copied), sorted by name, repeats dropped, named. */
struct scenario scenario_make(const struct tp_conf *conf, const size_t *sites, size_t nsites);
/* The scenario called name among v, or NULL. */
struct scenario *scenario_find(struct scenario *v, size_t n, const char *name);
void scenario_clear(struct scenario *s);
void scenarios_free(struct scenario *v, size_t n);
/* Seconds one change takes to settle, and one scenario round, at rate probes/s. */
void plan_step_seconds(const struct tp_conf *conf, unsigned rate, size_t ntargets,
    size_t catchment, double *converge, double *round);
/* Rough seconds a campaign of n scenarios over ntargets will take on one lane. */
double plan_estimate(const struct tp_conf *conf, size_t nscenarios, size_t ntargets,
    size_t catchment);

#endif
