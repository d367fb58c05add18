/*
 * predict_model.c: read a campaign into a prediction model (sites, targets,
 * baseline, every measured scenario's replies) and derive each target's
 * known preference order from it.
 */
#include <stdlib.h>
#include <string.h>

#include "campaign_data.h"
#include "campaign_pick.h"
#include "log.h"
#include "predict_model.h"
#include "round_landing.h"
#include "xalloc.h"

/* What loading needs beside the model: site id -> index; the targets till they move in. */
struct pd_load {
	struct site_map map;
	struct target_table tt;
};

/* Every site by name, and the id -> index map. */
static int
load_sites(struct tp_db *db, struct pd_model *md, struct pd_load *ld, struct tp_err *err)
{
	int rc = campaign_load_sites(db, &md->sites, &md->nsites, &ld->map, err);

	md->words = md->nsites / 64 + 1;
	return rc;
}

/*
 * Baseline pass: remember where each existing target's replies landed
 * (most of them, as the matrix counts a split target's catchment).
 */
static void
note_baseline(const struct target_landing *l, void *arg)
{
	struct target_table *tt = arg;

	if (tt->listed[l->target] != -2)
		tt->baseline[l->target] = landing_plurality(l);
}

/* The baseline round's replies, and each site's catchment. */
static int
load_baseline(struct tp_db *db, struct pd_model *md, struct pd_load *ld, struct tp_err *err)
{
	struct picked_round base;

	if (campaign_baseline(db, md->campaign, &base, err) < 0)
		return -1;
	md->baseline_round = base.id;
	if (round_each_landing(db, &ld->map, &ld->tt, base.id, "reading the baseline",
	    note_baseline, &ld->tt, err) < 0)
		return -1;
	campaign_sum_catchments(&ld->tt, md->sites, &md->silent_unlisted);
	return 0;
}

/* Move the target arrays into the model, with room for the orders. */
static void
take_targets(struct pd_model *md, struct pd_load *ld)
{
	size_t n = (size_t)ld->tt.max_target + 1;

	md->max_target = ld->tt.max_target;
	md->weight = ld->tt.weight;
	md->listed = ld->tt.listed;
	md->baseline = ld->tt.baseline;
	md->targets = ld->tt.count;
	memset(&ld->tt, 0, sizeof(ld->tt));
	md->order_off = xcalloc(n, sizeof(size_t));
	md->order_len = xcalloc(n, sizeof(uint32_t));
}

/* Resolve the withdrawn names of o to site indexes; -1 naming an unknown one. */
static int
resolve_obs(struct pd_model *md, struct pd_obs *o, struct tp_err *err)
{
	char unknown[64];
	size_t i;

	o->set = xcalloc(md->words, sizeof(uint64_t));
	if (mx_resolve_sites(md->sites, md->nsites, o->withdrawn, &o->sites, &o->nsites, unknown,
	    sizeof(unknown)) < 0)
		return tp_err_set(err, "campaign %lld: scenario \"%s\" names site \"%s\", "
		    "which is not in the database", md->campaign, o->withdrawn, unknown);
	for (i = 0; i < o->nsites; i++)
		pd_set_add(o->set, o->sites[i]);
	return 0;
}

/*
 * The replies of o's round, one per target by ascending target id. A
 * target answers once per flow; when its flows landed at different sites
 * it keeps the first and is marked split.
 */
static int
load_replies(struct tp_db *db, struct pd_load *ld, struct pd_obs *o, struct tp_err *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	if (tp_db_prepare(db, "SELECT target_id, site_id FROM responses WHERE round_id = ? "
	    "ORDER BY target_id", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, o->round);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int32_t s = campaign_site_of(&ld->map, sqlite3_column_int64(st, 1));

		long long t = sqlite3_column_int64(st, 0);

		if (s < 0)
			continue;
		if (o->nresp > 0 && o->resp_target[o->nresp - 1] == t) {
			if (o->resp_site[o->nresp - 1] != s)
				o->resp_split[o->nresp - 1] = 1;
			continue;
		}
		if (o->nresp == cap) {
			cap = cap ? cap * 2 : 256;
			o->resp_target = xreallocarray(o->resp_target, cap, sizeof(uint32_t));
			o->resp_site = xreallocarray(o->resp_site, cap, sizeof(int32_t));
			o->resp_split = xreallocarray(o->resp_split, cap, sizeof(uint8_t));
		}
		o->resp_target[o->nresp] = (uint32_t)t;	/* ids fit: see pd_model_load */
		o->resp_split[o->nresp] = 0;
		o->resp_site[o->nresp++] = s;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : tp_db_fail(db, "reading responses", err);
}

/* Every scenario of the campaign with a result round, with its replies. */
static int
load_scenarios(struct tp_db *db, struct pd_model *md, struct pd_load *ld, struct tp_err *err)
{
	sqlite3_stmt *st;
	struct picked_round r;
	int rc;

	if (tp_db_prepare(db, "SELECT id, withdrawn FROM scenarios "
	    "WHERE campaign_id = ? AND withdrawn != '' ORDER BY id", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, md->campaign);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		struct pd_obs *o;

		if (scenario_result(db, id, &r, err) < 0)
			goto fail;
		if (r.id == 0)
			continue;	/* not measured (yet) */
		md->obs = xreallocarray(md->obs, md->nobs + 1, sizeof(*md->obs));
		o = &md->obs[md->nobs++];
		memset(o, 0, sizeof(*o));
		o->scenario = id;
		o->round = r.id;
		o->round_complete = r.complete;
		o->withdrawn = xstrdup((const char *)sqlite3_column_text(st, 1));
		if (resolve_obs(md, o, err) < 0 || load_replies(db, ld, o, err) < 0)
			goto fail;
	}
	if (rc != SQLITE_DONE) {
		tp_db_fail(db, "reading scenarios", err);
		goto fail;
	}
	sqlite3_finalize(st);
	return 0;
fail:
	sqlite3_finalize(st);
	return -1;
}

/* Load the model inside one read transaction, so it sees one state. */
int
pd_model_load(struct tp_db *db, long long campaign, struct pd_model **out,
    struct tp_err *err)
{
	struct pd_model *md = xcalloc(1, sizeof(*md));
	struct pd_load ld;
	int rc = -1;

	memset(&ld, 0, sizeof(ld));
	md->campaign = campaign;
	if (tp_db_exec(db, "BEGIN", err) < 0) {
		free(md);
		return -1;
	}
	if (load_sites(db, md, &ld, err) < 0 ||
	    campaign_load_targets(db, &ld.map, &ld.tt, err) < 0)
		goto done;
	if (ld.tt.max_target > (long long)UINT32_MAX) {
		tp_err_set(err, "target id %lld is beyond what a prediction model holds (%u)",
		    ld.tt.max_target, UINT32_MAX);
		goto done;
	}
	if (load_baseline(db, md, &ld, err) < 0)
		goto done;
	take_targets(md, &ld);
	if (load_scenarios(db, md, &ld, err) < 0)
		goto done;
	pd_orders_build(md);
	rc = 0;
done:
	tp_db_rollback(db);
	site_map_free(&ld.map);
	target_table_free(&ld.tt);
	if (rc < 0)
		pd_model_free(md);
	else
		*out = md;
	return rc;
}

/* Free everything the model holds. */
void
pd_model_free(struct pd_model *md)
{
	size_t i;

	if (md == NULL)
		return;
	for (i = 0; i < md->nobs; i++) {
		free(md->obs[i].withdrawn);
		free(md->obs[i].sites);
		free(md->obs[i].set);
		free(md->obs[i].resp_target);
		free(md->obs[i].resp_site);
		free(md->obs[i].resp_split);
	}
	free(md->obs);
	free(md->sites);
	free(md->weight);
	free(md->listed);
	free(md->baseline);
	free(md->order_off);
	free(md->order_len);
	free(md->order);
	free(md->obs_index);
	free(md->site_first);
	free(md->by_site);
	free(md->partners);
	free(md);
}

/* How many scenarios were measured. */
size_t
pd_model_nmeasured(const struct pd_model *md)
{
	return md->nobs;
}

/* The canonical set of measured scenario i. */
const char *
pd_model_measured(const struct pd_model *md, size_t i)
{
	return i < md->nobs ? md->obs[i].withdrawn : NULL;
}

/* The index of target's reply in o (binary search), or o->nresp when none. */
static size_t
obs_find(const struct pd_obs *o, long long target)
{
	size_t lo = 0, hi = o->nresp;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (o->resp_target[mid] < target)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < o->nresp && o->resp_target[lo] == target ? lo : o->nresp;
}

/* Where target replied in o. */
int32_t
pd_obs_reply(const struct pd_obs *o, long long target)
{
	size_t i = obs_find(o, target);

	return i < o->nresp ? o->resp_site[i] : PD_LOST;
}

/* 1 when target's replies in o landed at two or more sites. */
int
pd_obs_split(const struct pd_obs *o, long long target)
{
	size_t i = obs_find(o, target);

	return i < o->nresp && o->resp_split[i];
}

/* Where target replied in measured scenario i. */
int32_t
pd_model_reply(const struct pd_model *md, size_t i, long long target)
{
	return i < md->nobs ? pd_obs_reply(&md->obs[i], target) : PD_LOST;
}

/* The baseline site index of target, -1 when none. */
int32_t
pd_model_baseline(const struct pd_model *md, long long target)
{
	return target >= 0 && target <= md->max_target ? md->baseline[target] : -1;
}

/* Mix a site set's words into a table index. */
static size_t
set_hash(const uint64_t *set, size_t words)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;
	size_t i;

	for (i = 0; i < words; i++)
		h = (h ^ set[i]) * 0xbf58476d1ce4e5b9ULL;
	return (size_t)(h ^ (h >> 31));
}

/*
 * Hash the scenarios not left out by their sets; of equal sets the first
 * wins, as in a scan. Orders look sets up once per step of every target,
 * so a scan over hundreds of scenarios each time dominated at scale.
 */
void
pd_obs_index_build(struct pd_model *md)
{
	size_t size = 16, i, h;

	while (size < md->nobs * 2)
		size *= 2;
	free(md->obs_index);
	md->obs_index = xcalloc(size, sizeof(*md->obs_index));
	md->obs_index_mask = size - 1;
	for (i = 0; i < md->nobs; i++) {
		if (md->obs[i].left_out)
			continue;
		for (h = set_hash(md->obs[i].set, md->words) & md->obs_index_mask;
		    md->obs_index[h] != 0; h = (h + 1) & md->obs_index_mask)
			if (memcmp(md->obs[md->obs_index[h] - 1].set, md->obs[i].set,
			    md->words * sizeof(uint64_t)) == 0)
				break;
		if (md->obs_index[h] == 0)
			md->obs_index[h] = (uint32_t)i + 1;
	}
}

/* The scenario (not left out) whose set equals set. */
const struct pd_obs *
pd_find_obs(const struct pd_model *md, const uint64_t *set)
{
	size_t h;

	if (md->obs_index == NULL)
		return NULL;
	for (h = set_hash(set, md->words) & md->obs_index_mask; md->obs_index[h] != 0;
	    h = (h + 1) & md->obs_index_mask) {
		const struct pd_obs *o = &md->obs[md->obs_index[h] - 1];

		if (memcmp(o->set, set, md->words * sizeof(uint64_t)) == 0)
			return o;
	}
	return NULL;
}

/*
 * Target t's order: its baseline site, then, while the campaign measured
 * exactly the sites of the order so far and the target answered there at a
 * site not among them, that site. set is scratch room.
 */
void
pd_order_build(struct pd_model *md, long long t, uint64_t *set)
{
	int32_t *order = md->order + md->order_off[t];
	const struct pd_obs *o;
	int32_t next;

	md->order_len[t] = 0;
	if (md->baseline[t] < 0)
		return;
	memset(set, 0, md->words * sizeof(uint64_t));
	next = md->baseline[t];
	/* Each step needs a measured set as large as the order: the stride holds them all. */
	while (md->order_len[t] < md->order_stride) {
		order[md->order_len[t]++] = next;
		pd_set_add(set, (size_t)next);
		if ((o = pd_find_obs(md, set)) == NULL)
			break;
		next = pd_obs_reply(o, t);
		/* A split target's next site is not one site: its order ends here. */
		if (next < 0 || pd_set_has(set, (size_t)next) || pd_obs_split(o, t))
			break;
	}
}

/* Derive every target's known order from the measured scenarios not left out. */
void
pd_orders_build(struct pd_model *md)
{
	uint64_t *set = xcalloc(md->words, sizeof(uint64_t));
	size_t i, largest = 0;
	long long t;

	pd_obs_index_build(md);
	if (md->order == NULL) {
		for (i = 0; i < md->nobs; i++)
			if (md->obs[i].nsites > largest)
				largest = md->obs[i].nsites;
		md->order_stride = largest + 1;
		md->order = xcalloc(((size_t)md->max_target + 1) * md->order_stride,
		    sizeof(int32_t));
		for (t = 0; t <= md->max_target; t++)
			md->order_off[t] = (size_t)t * md->order_stride;
	}
	for (t = 0; t <= md->max_target; t++)
		pd_order_build(md, t, set);
	free(set);
}
