/*
 * plan_show.c: what `tp-campaign -n run` prints: the planned scenarios, the
 * schedule lane_estimate gives them over the lanes (estimated start of
 * each scenario, per lane), each lane's peak modelled damping penalty,
 * and the estimate of the same campaign on one lane; JSON with -j.
 * Chains and explore enter the estimate as placeholders that wait for the
 * scenario they grow from (or, for explore, for every earlier one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "campaign.h"
#include "lane_schedule.h"
#include "output.h"
#include "xalloc.h"

/* The estimate's scenarios: planned ones, chain links, explore sets. */
struct plan_shape {
	struct lane_scenario *s;
	char **name;
	size_t n;
};

/* Append a scenario depending on deps (copied); its name as given. */
static void
shape_add(struct plan_shape *p, const size_t *deps, size_t ndeps, char *name)
{
	size_t *d = NULL;

	p->s = xreallocarray(p->s, p->n + 1, sizeof(*p->s));
	p->name = xreallocarray(p->name, p->n + 1, sizeof(char *));
	if (ndeps > 0) {
		d = xcalloc(ndeps, sizeof(size_t));
		memcpy(d, deps, ndeps * sizeof(size_t));
	}
	p->s[p->n].deps = d;
	p->s[p->n].ndeps = ndeps;
	p->s[p->n].state = LANE_SCENARIO_WAITING;
	p->name[p->n++] = name;
}

/*
 * The campaign's shape: v's scenarios, for each site planned alone its
 * chain of `chains` links (each after the one before), then validate's and
 * explore's sets (each after everything before it).
 */
static void
shape_build(const struct tp_conf *conf, const struct scenario *v, size_t n,
    struct plan_shape *p)
{
	size_t i, j, d, *all;
	char buf[160];

	memset(p, 0, sizeof(*p));
	for (i = 0; i < n; i++)
		shape_add(p, NULL, 0, xstrdup(v[i].name));
	for (i = 0; i < conf->nsites; i++) {
		size_t base = n;

		for (j = 0; j < n; j++)
			if (v[j].nsites == 1 && v[j].sites[0] == i)
				base = j;
		for (d = 1; base < n && d <= conf->chains; d++) {
			snprintf(buf, sizeof(buf), "%s+%zu more (chain)", conf->sites[i].name, d);
			shape_add(p, &base, 1, xstrdup(buf));
			base = p->n - 1;
		}
	}
	for (i = 0; i < conf->validate + conf->explore; i++) {
		all = xcalloc(p->n + 1, sizeof(size_t));
		for (j = 0; j < p->n; j++)
			all[j] = j;
		if (i < conf->validate)
			snprintf(buf, sizeof(buf), "validate set %zu", i + 1);
		else
			snprintf(buf, sizeof(buf), "explore set %zu", i - conf->validate + 1);
		shape_add(p, all, p->n, xstrdup(buf));
		free(all);
	}
}

/* Free the shape. */
static void
shape_free(struct plan_shape *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free((void *)p->s[i].deps);
		free(p->name[i]);
	}
	free(p->s);
	free(p->name);
}

/* The estimate over nlanes lanes; -1 when it cannot be made. */
static int
estimate(const struct campaign *c, const struct plan_shape *p, size_t nlanes,
    struct lane_estimate *e)
{
	double converge, round;

	plan_step_seconds(c->conf, c->conf->rate / (unsigned)nlanes, c->ntargets,
	    c->conf->nsites ? c->ntargets / c->conf->nsites : 0, &converge, &round);
	return lane_estimate(&c->conf->pacing, p->s, p->n, nlanes, converge, round, e);
}

/* The plan as text. */
static void
print_text(const struct campaign *c, const struct plan_shape *p, const struct lane_estimate *e,
    const struct lane_estimate *one)
{
	const struct tp_conf *conf = c->conf;
	size_t l, i;

	printf("campaign plan: %zu targets, %zu sites, prober %s, %zu lanes\n", c->ntargets,
	    conf->nsites, conf->prober, conf->nlanes);
	printf("  baseline over every target\n");
	for (l = 0; l < conf->nlanes; l++) {
		printf("  lane %s: %zu scenarios, peak modelled penalty %.0f (ceiling %.0f, "
		    "suppress %.0f)\n", conf->lanes[l].name, e->count[l], e->peak[l],
		    conf->pacing.ceiling, conf->pacing.suppress);
		for (i = 0; i < p->n; i++)
			if (e->lane[i] == l)
				printf("    +%-8.0f withdraw %s\n", e->start[i], p->name[i]);
	}
	printf("estimated time: %.0f s with %zu lanes; %.0f s with one lane\n", e->makespan,
	    conf->nlanes, one->makespan);
}

/* The plan as JSON. */
static void
print_json(const struct campaign *c, const struct plan_shape *p, const struct lane_estimate *e,
    const struct lane_estimate *one)
{
	const struct tp_conf *conf = c->conf;
	json_t *root = json_object(), *lanes = json_array();
	size_t l, i;

	for (l = 0; l < conf->nlanes; l++) {
		json_t *lane = json_object(), *sc = json_array();

		for (i = 0; i < p->n; i++)
			if (e->lane[i] == l)
				json_array_append_new(sc, json_pack("{s:s, s:f, s:f}", "withdraw",
				    p->name[i], "start_s", e->start[i], "finish_s", e->finish[i]));
		json_object_set_new(lane, "name", json_string(conf->lanes[l].name));
		json_object_set_new(lane, "peak_penalty", json_real(e->peak[l]));
		json_object_set_new(lane, "scenarios", sc);
		json_array_append_new(lanes, lane);
	}
	json_object_set_new(root, "targets", json_integer((json_int_t)c->ntargets));
	json_object_set_new(root, "sites", json_integer((json_int_t)conf->nsites));
	json_object_set_new(root, "damping_ceiling", json_real(conf->pacing.ceiling));
	json_object_set_new(root, "lanes", lanes);
	json_object_set_new(root, "estimated_s", json_real(e->makespan));
	json_object_set_new(root, "estimated_one_lane_s", json_real(one->makespan));
	tp_json_print(stdout, root);
	json_decref(root);
}

/* Print what a run would do, when, on which lane, and how long it would take. */
int
campaign_print_plan(const struct campaign *c, const struct scenario *v, size_t n,
    struct tp_err *err)
{
	struct lane_estimate e, one;
	struct plan_shape p;

	shape_build(c->conf, v, n, &p);
	if (estimate(c, &p, c->conf->nlanes, &e) < 0) {
		shape_free(&p);
		return tp_err_set(err, "the plan's scenarios wait for each other: no estimate");
	}
	if (estimate(c, &p, 1, &one) < 0) {
		lane_estimate_free(&e);
		shape_free(&p);
		return tp_err_set(err, "the plan's scenarios wait for each other: no estimate");
	}
	if (c->json)
		print_json(c, &p, &e, &one);
	else
		print_text(c, &p, &e, &one);
	lane_estimate_free(&e);
	lane_estimate_free(&one);
	shape_free(&p);
	return 0;
}
