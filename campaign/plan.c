/* plan.c: the scenarios a campaign runs, from the config, and a time estimate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
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

/* Order site indexes by site name. */
static const struct tp_conf *sort_conf;
static int
cmp_site_name(const void *a, const void *b)
{
	return strcmp(sort_conf->sites[*(const size_t *)a].name,
	    sort_conf->sites[*(const size_t *)b].name);
}

/* Sort the set by name, drop repeats, and write its "A+B" name. */
void
scenario_canonical(const struct tp_conf *conf, struct scenario *s)
{
	size_t i, n = 0;

	sort_conf = conf;
	qsort(s->sites, s->nsites, sizeof(size_t), cmp_site_name);
	for (i = 0; i < s->nsites; i++)
		if (n == 0 || s->sites[n - 1] != s->sites[i])
			s->sites[n++] = s->sites[i];
	s->nsites = n;
	s->name[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strncat(s->name, "+", sizeof(s->name) - strlen(s->name) - 1);
		strncat(s->name, conf->sites[s->sites[i]].name, sizeof(s->name) - strlen(s->name) - 1);
	}
}

/* Append the scenario made of these site indexes unless an equal one is there. */
static int
plan_add(const struct tp_conf *conf, struct scenario **v, size_t *n, const size_t *sites,
    size_t nsites)
{
	struct scenario s = { 0 };
	size_t i;

	s.sites = xcalloc(nsites, sizeof(size_t));
	memcpy(s.sites, sites, nsites * sizeof(size_t));
	s.nsites = nsites;
	s.status = "pending";
	scenario_canonical(conf, &s);
	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i].name, s.name) == 0) {
			free(s.sites);
			return 0;
		}
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = s;
	return 1;
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
	size_t set[64];
	size_t nset;
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

/* One member of a set. */
static int
add_member(const char *name, void *arg)
{
	struct plan_ctx *p = arg;
	char buf[64];
	int i;

	snprintf(buf, sizeof(buf), "%s", name);
	buf[strcspn(buf, " \t")] = '\0';
	if ((i = site_index(p->conf, buf)) < 0)
		return tp_err_set(p->err, "sets: no site called \"%s\"", buf);
	if (p->nset == sizeof(p->set) / sizeof(p->set[0]))
		return tp_err_set(p->err, "sets: a set of more than 64 sites");
	p->set[p->nset++] = (size_t)i;
	return 0;
}

/* One set of `sets` ("A+B"). */
static int
add_set(const char *text, void *arg)
{
	struct plan_ctx *p = arg;
	char *copy = xstrdup(text);
	int rc;

	p->nset = 0;
	rc = each_word(copy, "+", add_member, p);
	free(copy);
	if (rc == 0 && p->nset > 0)
		plan_add(p->conf, p->v, p->n, p->set, p->nset);
	return rc;
}

/* Every scenario of `single` then `sets`, in that order, without repeats. */
int
plan_scenarios(const struct tp_conf *conf, struct scenario **out, size_t *n, struct tp_err *err)
{
	struct plan_ctx p = { conf, out, n, { 0 }, 0, err };
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

/* Free a scenario array. */
void
scenarios_free(struct scenario *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].sites);
	free(v);
}

/*
 * Seconds: a baseline over every target, then per scenario the settle time,
 * two convergence samples, the scenario round over its catchment (plus the
 * control sample: control_per_site of every other site, at most
 * control_share of the targets) and the same again to see the catchment come back.
 */
double
plan_estimate(const struct tp_conf *conf, size_t nscenarios, size_t ntargets, size_t catchment)
{
	double rate = conf->rate ? conf->rate : 100000.0;
	double round_overhead = conf->listen_grace + 1.0;
	double sample = conf->sample_size / rate + round_overhead;
	double control = conf->control_share * (double)ntargets;
	double per_site = (double)conf->control_per_site * (conf->nsites ? conf->nsites - 1 : 0);
	double scenario_round = (catchment + (per_site < control ? per_site : control)) / rate +
	    round_overhead;
	double per_scenario = 2 * conf->settle + 4 * (conf->sample_interval + sample) +
	    scenario_round;

	return ntargets / rate + round_overhead + nscenarios * per_scenario;
}

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
