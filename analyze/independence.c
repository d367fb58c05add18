/* independence.c: did one lane's scenarios move another lane's traffic (see independence.h)? */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "campaign_data.h"
#include "campaign_pick.h"
#include "independence.h"
#include "matrix.h"
#include "xalloc.h"

/* One measured scenario: its lane, when it was under way, its result round. */
struct ind_scenario {
	size_t lane;			/* index into independence.lanes */
	int64_t start_us, end_us;	/* withdrawn .. announced and settled */
	long long round;
	int64_t round_start_us, round_end_us;
	size_t *sites;			/* withdrawn site indexes */
	size_t nsites;
};

/* What the passes share: sites, targets with their baseline site, scenarios. */
struct ind_work {
	struct mx_site *sites;
	size_t nsites;
	struct site_map map;
	struct target_table tt;
	struct ind_scenario *sc;
	size_t nsc;
};

/* What one round's pass needs: the sites withdrawn here and elsewhere. */
struct ind_pass {
	const struct ind_work *w;
	const char *withdrawn;	/* by site index: withdrawn by the round's own scenario */
	const char *exposed;	/* by site index: withdrawn by another lane meanwhile */
	struct ind_lane *lane;
};

/* Baseline pass: remember where each target's reply landed. */
static void
note_baseline(long long t, int32_t s, void *arg)
{
	struct ind_work *w = arg;

	w->tt.baseline[t] = s;
}

/* Round pass: count a reply of a control target (one whose site was not withdrawn). */
static void
note_control(long long t, int32_t s, void *arg)
{
	struct ind_pass *p = arg;
	int32_t b = p->w->tt.baseline[t];

	if (b < 0 || p->withdrawn[b])
		return;
	p->lane->control++;
	p->lane->moved += s != b;
	if (p->exposed[b]) {
		p->lane->exposed++;
		p->lane->exposed_moved += s != b;
	}
}

/* Index of the lane called name, added (in name order) when new. */
static size_t
lane_index(struct independence *ind, const char *name)
{
	size_t i;

	for (i = 0; i < ind->n; i++)
		if (strcmp(ind->lanes[i].name, name) == 0)
			return i;
	ind->lanes = xreallocarray(ind->lanes, ind->n + 1, sizeof(*ind->lanes));
	memset(&ind->lanes[ind->n], 0, sizeof(*ind->lanes));
	ind->lanes[ind->n].name = xstrdup(name);
	return ind->n++;
}

/* The start and end of round id (an unfinished round runs on). */
static int
round_times(struct tp_db *db, long long id, int64_t *start, int64_t *end, struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (tp_db_prepare(db, "SELECT coalesce(started_us, 0), "
	    "coalesce(finished_us, 9223372036854775807) FROM rounds WHERE id = ?", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*start = sqlite3_column_int64(st, 0);
		*end = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : tp_db_fail(db, "reading round times", err);
}

/* Add scenario id (lane, withdrawn set, window) when it has a result round. */
static int
add_scenario(struct tp_db *db, struct ind_work *w, struct independence *ind, sqlite3_stmt *st,
    struct tp_err *err)
{
	long long id = sqlite3_column_int64(st, 0);
	const char *wd = (const char *)sqlite3_column_text(st, 2);
	struct ind_scenario s = { 0 };
	struct picked_round r;
	char unknown[64];

	if (scenario_result(db, id, &r, err) < 0)
		return -1;
	if (r.id == 0)
		return 0;
	s.lane = lane_index(ind, (const char *)sqlite3_column_text(st, 1));
	s.start_us = sqlite3_column_int64(st, 3);
	s.end_us = sqlite3_column_int64(st, 4);
	s.round = r.id;
	if (round_times(db, r.id, &s.round_start_us, &s.round_end_us, err) < 0)
		return -1;
	if (mx_resolve_sites(w->sites, w->nsites, wd, &s.sites, &s.nsites, unknown,
	    sizeof(unknown)) < 0)
		return tp_err_set(err, "campaign %lld: scenario \"%s\" names site \"%s\", "
		    "which is not in the database", ind->campaign, wd, unknown);
	w->sc = xreallocarray(w->sc, w->nsc + 1, sizeof(*w->sc));
	w->sc[w->nsc++] = s;
	ind->lanes[s.lane].rounds++;
	return 0;
}

/* Load the campaign's scenarios that have a result round. */
static int
load_scenarios(struct tp_db *db, struct ind_work *w, struct independence *ind,
    struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	/* A scenario not started yet is under way never; one not finished, until now. */
	if (tp_db_prepare(db, "SELECT id, coalesce(lane, 'default'), withdrawn, "
	    "coalesce(started_us, 9223372036854775807), "
	    "coalesce(finished_us, 9223372036854775807) FROM scenarios "
	    "WHERE campaign_id = ? AND withdrawn != '' ORDER BY id", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, ind->campaign);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (add_scenario(db, w, ind, st, err) < 0) {
			sqlite3_finalize(st);
			return -1;
		}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : tp_db_fail(db, "reading scenarios", err);
}

/*
 * Count the control replies of scenario i's round when it overlapped a
 * scenario of another lane; exposed marks the sites those had withdrawn.
 */
static int
check_round(struct tp_db *db, const struct ind_work *w, struct independence *ind, size_t i,
    char *withdrawn, char *exposed, struct tp_err *err)
{
	const struct ind_scenario *s = &w->sc[i];
	struct ind_pass p = { w, withdrawn, exposed, &ind->lanes[s->lane] };
	size_t k, j;
	int overlapped = 0;

	memset(withdrawn, 0, w->nsites ? w->nsites : 1);
	memset(exposed, 0, w->nsites ? w->nsites : 1);
	for (j = 0; j < s->nsites; j++)
		withdrawn[s->sites[j]] = 1;
	for (k = 0; k < w->nsc; k++) {
		const struct ind_scenario *o = &w->sc[k];

		if (o->lane == s->lane || o->start_us >= s->round_end_us ||
		    s->round_start_us >= o->end_us)
			continue;
		overlapped = 1;
		for (j = 0; j < o->nsites; j++)
			exposed[o->sites[j]] = 1;
	}
	if (!overlapped)
		return 0;
	p.lane->overlapped++;
	return campaign_each_response(db, &w->map, &w->tt, s->round, "reading responses",
	    note_control, &p, err);
}

/* The verdict of a lane from its exposed replies. */
static enum ind_verdict
judge(const struct ind_lane *l, double threshold)
{
	if (l->exposed == 0)
		return IND_UNCHECKED;
	return 100.0 * (double)l->exposed_moved / (double)l->exposed > threshold ?
	    IND_DEPENDENT : IND_INDEPENDENT;
}

/* Order lanes by name. */
static int
cmp_lane(const void *a, const void *b)
{
	return strcmp(((const struct ind_lane *)a)->name, ((const struct ind_lane *)b)->name);
}

/* Free the work arrays. */
static void
work_free(struct ind_work *w)
{
	size_t i;

	for (i = 0; i < w->nsc; i++)
		free(w->sc[i].sites);
	free(w->sc);
	free(w->sites);
	site_map_free(&w->map);
	target_table_free(&w->tt);
}

/* Check every lane of the campaign; see independence.h. */
int
independence_check(struct tp_db *db, long long campaign, double threshold,
    struct independence *ind, struct tp_err *err)
{
	struct ind_work w;
	struct picked_round base;
	char *withdrawn = NULL, *exposed = NULL;
	size_t i;
	int rc = -1;

	memset(ind, 0, sizeof(*ind));
	memset(&w, 0, sizeof(w));
	ind->campaign = campaign;
	ind->threshold = threshold;
	if (tp_db_exec(db, "BEGIN", err) < 0)
		return -1;
	if (campaign_baseline(db, campaign, &base, err) < 0 ||
	    campaign_load_sites(db, &w.sites, &w.nsites, &w.map, err) < 0 ||
	    load_scenarios(db, &w, ind, err) < 0 ||
	    campaign_load_targets(db, &w.map, &w.tt, err) < 0 ||
	    campaign_each_response(db, &w.map, &w.tt, base.id, "reading responses",
	    note_baseline, &w, err) < 0)
		goto done;
	withdrawn = xcalloc(w.nsites ? w.nsites : 1, 1);
	exposed = xcalloc(w.nsites ? w.nsites : 1, 1);
	for (i = 0; i < w.nsc; i++)
		if (check_round(db, &w, ind, i, withdrawn, exposed, err) < 0)
			goto done;
	for (i = 0; i < ind->n; i++)
		ind->lanes[i].verdict = judge(&ind->lanes[i], threshold);
	if (ind->n > 1)
		qsort(ind->lanes, ind->n, sizeof(*ind->lanes), cmp_lane);
	rc = 0;
done:
	tp_db_rollback(db);
	free(withdrawn);
	free(exposed);
	work_free(&w);
	if (rc < 0)
		independence_free(ind);
	return rc;
}

/* Free the lanes. */
void
independence_free(struct independence *ind)
{
	size_t i;

	for (i = 0; i < ind->n; i++)
		free(ind->lanes[i].name);
	free(ind->lanes);
	ind->lanes = NULL;
	ind->n = 0;
}

/* The verdict as a word. */
const char *
independence_verdict_name(enum ind_verdict v)
{
	static const char *const names[] = { "unchecked", "independent", "dependent" };

	return names[v];
}

/* One row per lane. */
struct tp_table *
independence_table(const struct independence *ind)
{
	static const char *cols[] = { "lane", "rounds", "overlapped", "control", "moved",
	    "exposed", "exposed_moved", "exposed_moved_share", "verdict" };
	struct tp_table *t = tp_table_new(9, cols);
	size_t i;

	for (i = 0; i < ind->n; i++) {
		const struct ind_lane *l = &ind->lanes[i];

		tp_table_row(t);
		tp_table_str(t, 0, l->name);
		tp_table_int(t, 1, (long long)l->rounds);
		tp_table_int(t, 2, (long long)l->overlapped);
		tp_table_int(t, 3, (long long)l->control);
		tp_table_int(t, 4, (long long)l->moved);
		tp_table_int(t, 5, (long long)l->exposed);
		tp_table_int(t, 6, (long long)l->exposed_moved);
		if (l->exposed > 0)
			tp_table_share(t, 7, (double)l->exposed_moved / (double)l->exposed);
		tp_table_str(t, 8, independence_verdict_name(l->verdict));
	}
	return t;
}
