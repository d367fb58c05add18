/* policy.c: per failure scenario, where its load goes and how to keep every destination within capacity. */
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "campaign_pick.h"
#include "load_model.h"
#include "matrix_output.h"
#include "policy.h"
#include "failure_set.h"
#include "xalloc.h"

/* Loads below this are rounding noise, not load to move. */
#define POLICY_EPSILON 1e-9

/* One pre-emptive move of load between two destinations (indexes into lm->dests). */
struct policy_move {
	size_t from, to;
	double load;
};

/* The plan for one scenario: incoming load per destination after the moves. */
struct policy_plan {
	const struct lm_scenario *lm;
	double *planned;	/* per lm->dests entry */
	struct policy_move *moves;
	size_t nmoves;
	double unplaced;
};

/* Spare capacity of destination k under the plan so far (0 for unknown capacity). */
static double
plan_spare(const struct policy_plan *p, size_t k)
{
	const struct lm_dest *d = &p->lm->dests[k];

	if (d->capacity <= 0)
		return 0;
	return d->capacity - d->baseline - p->planned[k];
}

/* Move up to amount of destination k's incoming load to the next destinations with spare room. */
static double
plan_spill(struct policy_plan *p, size_t k, double amount)
{
	size_t e;

	for (e = 0; e < p->lm->ndests && amount > POLICY_EPSILON; e++) {
		double spare, take;

		if (e == k || (spare = plan_spare(p, e)) <= POLICY_EPSILON)
			continue;
		take = amount < spare ? amount : spare;
		p->moves = xreallocarray(p->moves, p->nmoves + 1, sizeof(*p->moves));
		p->moves[p->nmoves++] = (struct policy_move){ k, e, take };
		p->planned[e] += take;
		p->planned[k] -= take;
		amount -= take;
	}
	return amount > POLICY_EPSILON ? amount : 0;
}

/* Plan one scenario: each overflowing destination, in share order, spills its excess. */
static void
plan_build(const struct lm_scenario *lm, struct policy_plan *p)
{
	size_t k;

	memset(p, 0, sizeof(*p));
	p->lm = lm;
	p->planned = xcalloc(lm->ndests ? lm->ndests : 1, sizeof(double));
	for (k = 0; k < lm->ndests; k++)
		p->planned[k] = lm->dests[k].incoming;
	for (k = 0; k < lm->ndests; k++) {
		double over = -plan_spare(p, k), movable;

		if (lm->dests[k].capacity <= 0 || over <= POLICY_EPSILON)
			continue;
		movable = over < p->planned[k] ? over : p->planned[k];
		p->unplaced += plan_spill(p, k, movable);
	}
}

/* Free a plan's arrays. */
static void
plan_free(struct policy_plan *p)
{
	free(p->planned);
	free(p->moves);
}

/* A capacity, or null when unknown. */
static json_t *
capacity_json(double c)
{
	return c > 0 ? json_real(c) : json_null();
}

/* One destination of a plan. */
static json_t *
dest_json(const struct failover_matrix *m, const struct policy_plan *p, size_t k)
{
	const struct lm_dest *d = &p->lm->dests[k];
	double expected = d->baseline + d->incoming, over = 0;
	json_t *o = json_object();

	if (d->capacity > 0 && expected > d->capacity)
		over = expected - d->capacity;
	json_object_set_new(o, "site", json_string(m->sites[d->site].name));
	json_object_set_new(o, "share", json_real(d->share));
	json_object_set_new(o, "capacity", capacity_json(d->capacity));
	json_object_set_new(o, "baseline_load", json_real(d->baseline));
	json_object_set_new(o, "incoming_load", json_real(d->incoming));
	json_object_set_new(o, "expected_load", json_real(expected));
	json_object_set_new(o, "overflow", json_real(over));
	json_object_set_new(o, "planned_share", mx_json_real(mx_share(p->planned[k],
	    p->lm->load)));
	json_object_set_new(o, "planned_incoming_load", json_real(p->planned[k]));
	json_object_set_new(o, "planned_load", json_real(d->baseline + p->planned[k]));
	return o;
}

/* One scenario's policy object. */
static json_t *
scenario_json(const struct failover_matrix *m, const struct policy_plan *p)
{
	const struct mx_scenario *s = &m->scenarios[p->lm->scenario];
	json_t *o = json_object(), *wd = json_array(), *dests = json_array(), *moves = json_array();
	size_t i;

	for (i = 0; i < s->nsites; i++)
		json_array_append_new(wd, json_string(m->sites[s->sites[i]].name));
	json_object_set_new(o, "withdrawn", wd);
	json_object_set_new(o, "round", json_integer(s->round));
	json_object_set_new(o, "load", json_real(p->lm->load));
	json_object_set_new(o, "measured", json_boolean(p->lm->measured));
	for (i = 0; i < p->lm->ndests; i++)
		if (p->lm->dests[i].share > 0 || p->planned[i] > POLICY_EPSILON)
			json_array_append_new(dests, dest_json(m, p, i));
	json_object_set_new(o, "destinations", dests);
	for (i = 0; i < p->nmoves; i++) {
		json_t *mv = json_object();

		json_object_set_new(mv, "from", json_string(m->sites[p->lm->dests[p->moves[i].from].site].name));
		json_object_set_new(mv, "to", json_string(m->sites[p->lm->dests[p->moves[i].to].site].name));
		json_object_set_new(mv, "load", json_real(p->moves[i].load));
		json_array_append_new(moves, mv);
	}
	json_object_set_new(o, "moves", moves);
	json_object_set_new(o, "unplaced_load", json_real(p->unplaced));
	return o;
}

/* The whole policy document. */
json_t *
policy_json(const struct failover_matrix *m, const struct tp_conf *conf)
{
	json_t *o = json_object(), *a = json_array();
	struct lm_scenario *lm;
	struct policy_plan p;
	size_t n, i;

	lm = load_model_build(m, conf, &n);
	json_object_set_new(o, "version", json_integer(POLICY_JSON_VERSION));
	json_object_set_new(o, "campaign", json_integer(m->campaign));
	json_object_set_new(o, "baseline_round", json_integer(m->baseline_round));
	for (i = 0; i < n; i++) {
		plan_build(&lm[i], &p);
		json_array_append_new(a, scenario_json(m, &p));
		plan_free(&p);
	}
	json_object_set_new(o, "policies", a);
	load_model_free(lm, n);
	return o;
}

/* tp-analyze policy [--campaign ID] [--scenario A+B]: always JSON, for machines. */
int
cmd_policy(struct analyze_ctx *ctx, struct tp_err *err)
{
	struct failover_matrix m;
	char *only = NULL;
	long long campaign;
	int rc;
	json_t *j;

	if (ctx->fmt == TP_FMT_CSV)
		return tp_err_set(err, "the policy is JSON only; drop --csv");
	if (ctx->scenario != NULL && failure_set_canonical(ctx->scenario, &only, err) < 0)
		return -1;
	rc = campaign_pick(ctx->db, ctx->campaign, &campaign, err) < 0 ||
	    matrix_build(ctx->db, campaign, only, &m, err) < 0 ? -1 : 0;
	free(only);
	if (rc < 0)
		return -1;
	j = policy_json(&m, ctx->conf);
	tp_json_print(ctx->out, j);
	json_decref(j);
	matrix_free(&m);
	return 0;
}
