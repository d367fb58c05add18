/* plan.c: the scenarios a campaign runs, from the config, and a time estimate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failure_set.h"
#include "plan.h"
#include "xalloc.h"

/* Index of the site called name in the config, or -1. */
static int
site_index(const struct tp_conf *conf, const char *name)
{
	size_t i;

	for (i = 0; i < conf->nsites; i++)
		if (strcmp(conf->sites[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Order site indexes by the names of the config's sites. */
static int
cmp_site_name(const void *a, const void *b, void *arg)
{
	const struct tp_conf *conf = arg;

	return strcmp(conf->sites[*(const size_t *)a].name, conf->sites[*(const size_t *)b].name);
}

/* A pending scenario of the given sites, in canonical order and named. */
struct scenario
scenario_make(const struct tp_conf *conf, const size_t *sites, size_t nsites)
{
	struct scenario s = { 0 };
	const char **names;
	size_t i, n = 0;

	s.sites = xcalloc(nsites ? nsites : 1, sizeof(size_t));
	memcpy(s.sites, sites, nsites * sizeof(size_t));
	qsort_r(s.sites, nsites, sizeof(size_t), cmp_site_name, (void *)conf);
	for (i = 0; i < nsites; i++)
		if (n == 0 || s.sites[n - 1] != s.sites[i])
			s.sites[n++] = s.sites[i];
	s.nsites = n;
	names = xcalloc(n ? n : 1, sizeof(*names));
	for (i = 0; i < n; i++)
		names[i] = conf->sites[s.sites[i]].name;
	s.name = failure_set_print(names, n);
	free(names);
	s.status = "pending";
	return s;
}

/* Find a scenario by its canonical name. */
struct scenario *
scenario_find(struct scenario *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* Append the scenario made of these site indexes unless an equal one is there. */
static void
plan_add(const struct tp_conf *conf, struct scenario **v, size_t *n, const size_t *sites,
    size_t nsites)
{
	struct scenario s = scenario_make(conf, sites, nsites);

	if (scenario_find(*v, *n, s.name) != NULL) {
		scenario_clear(&s);
		return;
	}
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = s;
}

/* Split s at any of seps, trimming blanks; calls fn for each non-empty word. */
static int
each_word(char *s, const char *seps, int (*fn)(const char *, void *), void *arg)
{
	char *w, *save;

	for (w = strtok_r(s, seps, &save); w != NULL; w = strtok_r(NULL, seps, &save)) {
		while (*w == ' ' || *w == '\t')
			w++;
		if (*w == '\0')
			continue;
		if (fn(w, arg) < 0)
			return -1;
	}
	return 0;
}

struct plan_ctx {
	const struct tp_conf *conf;
	struct scenario **v;
	size_t *n;
	struct tp_err *err;
};

/* One name of `single`: a scenario of that site alone. */
static int
add_single(const char *name, void *arg)
{
	struct plan_ctx *p = arg;
	int i = site_index(p->conf, name);

	if (i < 0)
		return tp_err_set(p->err, "single: no site called \"%s\"", name);
	plan_add(p->conf, p->v, p->n, (size_t[]){ (size_t)i }, 1);
	return 0;
}

/* One set of `sets` ("A+B"). */
static int
add_set(const char *text, void *arg)
{
	struct plan_ctx *p = arg;
	struct failure_set set;
	char bad[64];
	size_t *sites, i;
	int rc = 0;

	if (failure_set_parse(text, 0, &set, bad, sizeof(bad)) < 0)
		return tp_err_set(p->err, "sets: \"%s\" is not a site name", bad);
	sites = xcalloc(set.n ? set.n : 1, sizeof(size_t));
	for (i = 0; i < set.n && rc == 0; i++) {
		int k = site_index(p->conf, set.names[i]);

		if (k < 0)
			rc = tp_err_set(p->err, "sets: no site called \"%s\"", set.names[i]);
		sites[i] = (size_t)k;
	}
	if (rc == 0 && set.n > 0)
		plan_add(p->conf, p->v, p->n, sites, set.n);
	free(sites);
	failure_set_free(&set);
	return rc;
}

/* Every scenario of `single` then `sets`, in that order, without repeats. */
int
plan_scenarios(const struct tp_conf *conf, struct scenario **out, size_t *n, struct tp_err *err)
{
	struct plan_ctx p = { conf, out, n, err };
	char *copy;
	size_t i;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (strcmp(conf->single, "all") == 0) {
		for (i = 0; i < conf->nsites; i++)
			plan_add(conf, out, n, &i, 1);
	} else if (strcmp(conf->single, "none") != 0) {
		copy = xstrdup(conf->single);
		rc = each_word(copy, ", \t", add_single, &p);
		free(copy);
	}
	if (rc == 0 && conf->sets != NULL) {
		copy = xstrdup(conf->sets);
		rc = each_word(copy, ",", add_set, &p);
		free(copy);
	}
	if (rc < 0) {
		scenarios_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* Free what one scenario holds. */
void
scenario_clear(struct scenario *s)
{
	free(s->sites);
	free(s->name);
	s->sites = NULL;
	s->name = NULL;
}

/* Free a scenario array. */
void
scenarios_free(struct scenario *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		scenario_clear(&v[i]);
	free(v);
}

/*
 * Seconds one change takes to settle (settle, then two convergence
 * samples) and one scenario's round takes (its catchment plus the control
 * sample: control_per_site of every other site, at most control_share of
 * the targets), at rate probes per second.
 */
void
plan_step_seconds(const struct tp_conf *conf, unsigned rate, size_t ntargets, size_t catchment,
    double *converge, double *round)
{
	double r = rate ? rate : 100000.0;
	double round_overhead = conf->listen_grace + 1.0;
	double sample = conf->sample_size / r + round_overhead;
	double control = conf->control_share * (double)ntargets;
	double per_site = (double)conf->control_per_site * (conf->nsites ? conf->nsites - 1 : 0);

	*converge = conf->settle + 2 * (conf->sample_interval + sample);
	*round = (catchment + (per_site < control ? per_site : control)) / r + round_overhead;
}

/*
 * Seconds on one lane: a baseline over every target, then per scenario a
 * change settling, its round, and the announcement settling.
 */
double
plan_estimate(const struct tp_conf *conf, size_t nscenarios, size_t ntargets, size_t catchment)
{
	double converge, round, r = conf->rate ? conf->rate : 100000.0;

	plan_step_seconds(conf, conf->rate, ntargets, catchment, &converge, &round);
	return ntargets / r + conf->listen_grace + 1.0 + nscenarios * (2 * converge + round);
}

/* The longest a scenario is expected to hold its withdrawal (see plan.h). */
double
plan_hold_estimate(const struct tp_conf *conf, size_t ntargets)
{
	unsigned rate = conf->rate / (unsigned)(conf->nlanes ? conf->nlanes : 1);
	double hold = (double)conf->settle + conf->converge_timeout + conf->listen_grace +
	    (double)ntargets / (rate ? rate : 1);

	return pacing_hold(&conf->pacing, hold);
}
