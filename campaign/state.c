/* state.c: the campaign's rows: campaign, scenarios, rounds, and the targets it probes. */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "campaign.h"
#include "log.h"
#include "output.h"
#include "xalloc.h"

/* Run one statement with up to three integer/text binds; -1 on error. */
static int
exec_bound(struct campaign *c, const char *sql, const char *text, long long a, long long b,
    struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc, col = 1;

	if (tp_db_prepare(c->db, sql, &st, err) < 0)
		return -1;
	if (text != NULL)
		sqlite3_bind_text(st, col++, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, col++, a);
	if (sqlite3_bind_parameter_count(st) >= col)
		sqlite3_bind_int64(st, col, b);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return tp_err_set(err, "%s: %s", c->db->path, sqlite3_errmsg(c->db->h));
	return 0;
}

/* A new campaign row, status running. */
int
state_campaign_new(struct campaign *c, struct tp_err *err)
{
	if (exec_bound(c, "INSERT INTO campaigns (config_path, started_us) VALUES (?, ?)",
	    c->conf_path, tp_now_us(), 0, err) < 0)
		return -1;
	c->id = sqlite3_last_insert_rowid(c->db->h);
	return 0;
}

/* Find campaign id and mark it running again (resume). */
int
state_campaign_load(struct campaign *c, long long id, struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (tp_db_prepare(c->db, "SELECT status FROM campaigns WHERE id = ?", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return tp_err_set(err, "%s: no campaign %lld (see tp-campaign list)", c->db->path, id);
	}
	if (strcmp((const char *)sqlite3_column_text(st, 0), "done") == 0) {
		sqlite3_finalize(st);
		return tp_err_set(err, "campaign %lld is already done; nothing to resume", id);
	}
	sqlite3_finalize(st);
	c->id = id;
	return exec_bound(c, "UPDATE campaigns SET status = 'running', finished_us = NULL "
	    "WHERE id = ?", NULL, id, 0, err);
}

/* Set the campaign's final status. */
int
state_campaign_finish(struct campaign *c, const char *status)
{
	struct tp_err err;
	int tries;

	/*
	 * Nothing is left "running" by a process that exits: a scenario cut
	 * short is aborted (resume measures it again). Both updates may be
	 * repeated, so a database still locked after the busy timeout is
	 * waited for twice more before giving up.
	 */
	for (tries = 0; tries < 3; tries++) {
		if (exec_bound(c, "UPDATE scenarios SET status = 'aborted', finished_us = ? "
		    "WHERE campaign_id = ? AND status = 'running'", NULL, tp_now_us(), c->id,
		    &err) == 0 &&
		    exec_bound(c, "UPDATE campaigns SET status = ?, finished_us = ? WHERE id = ?",
		    status, tp_now_us(), c->id, &err) == 0)
			return 0;
		if ((sqlite3_errcode(c->db->h) & 0xff) != SQLITE_BUSY)
			break;
		log_warn("db", "%s; waiting again", err.msg);
	}
	log_error("db", "%s", err.msg);
	return -1;
}

/* Make sure every configured site has a row, and learn their ids. */
int
state_sites_sync(struct campaign *c, struct tp_err *err)
{
	size_t i;

	c->site_ids = xcalloc(c->conf->nsites, sizeof(long long));
	for (i = 0; i < c->conf->nsites; i++) {
		c->site_ids[i] = tp_db_site_id(c->db, c->conf->sites[i].name, !c->dry_run, err);
		if (c->site_ids[i] < 0 && c->dry_run)
			c->site_ids[i] = 0;	/* -n writes nothing: a new site has no id yet */
		else if (c->site_ids[i] < 0)
			return -1;
	}
	for (i = 0; i < c->conf->nsites && !c->dry_run; i++) {
		sqlite3_stmt *st;

		if (c->conf->sites[i].capacity <= 0)
			continue;
		if (tp_db_prepare(c->db, "UPDATE sites SET capacity = ? WHERE id = ?", &st, err) < 0)
			return -1;
		sqlite3_bind_double(st, 1, c->conf->sites[i].capacity);
		sqlite3_bind_int64(st, 2, c->site_ids[i]);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	return 0;
}

/* Index in conf->sites of a database site id, or -1. */
int
campaign_site_index(const struct campaign *c, long long site_id)
{
	size_t i;

	for (i = 0; i < c->conf->nsites; i++)
		if (c->site_ids[i] == site_id)
			return (int)i;
	return -1;
}

/* Find or create the scenario row; its stored status tells resume what is left. */
int
state_scenario_ensure(struct campaign *c, struct scenario *s, struct tp_err *err)
{
	const char *status;
	sqlite3_stmt *st;
	size_t i;

	if (exec_bound(c, "INSERT OR IGNORE INTO scenarios (withdrawn, campaign_id) VALUES (?, ?)",
	    s->name, c->id, 0, err) < 0)
		return -1;
	if (tp_db_prepare(c->db, "SELECT id, status FROM scenarios WHERE withdrawn = ? AND "
	    "campaign_id = ?", &st, err) < 0)
		return -1;
	sqlite3_bind_text(st, 1, s->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, c->id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return tp_err_set(err, "%s: %s", c->db->path, sqlite3_errmsg(c->db->h));
	}
	s->id = sqlite3_column_int64(st, 0);
	status = (const char *)sqlite3_column_text(st, 1);
	s->status = strcmp(status, "done") == 0 ? "done" :
	    strcmp(status, "unconverged") == 0 ? "unconverged" : "pending";
	sqlite3_finalize(st);
	for (i = 0; i < s->nsites; i++)
		if (exec_bound(c, "INSERT OR IGNORE INTO scenario_sites (scenario_id, site_id) "
		    "VALUES (?, ?)", NULL, s->id, c->site_ids[s->sites[i]], err) < 0)
			return -1;
	return 0;
}

/* Record the lane the scenario runs on. */
int
state_scenario_lane(struct campaign *c, const struct scenario *s)
{
	struct tp_err err;

	if (exec_bound(c, "UPDATE scenarios SET lane = ? WHERE id = ?", c->lane->name, s->id, 0,
	    &err) < 0) {
		log_error("db", "%s", err.msg);
		return -1;
	}
	return 0;
}

/* Record a scenario's status (and its convergence time when >= 0). */
int
state_scenario_set(struct campaign *c, const struct scenario *s, const char *status,
    long long converge_ms)
{
	struct tp_err err;
	sqlite3_stmt *st;
	int rc;

	if (tp_db_prepare(c->db, "UPDATE scenarios SET status = ?1, "
	    "converge_ms = CASE WHEN ?2 >= 0 THEN ?2 ELSE converge_ms END, "
	    "started_us = CASE WHEN ?1 = 'running' THEN ?3 ELSE started_us END, "
	    "finished_us = CASE WHEN ?1 = 'running' THEN NULL ELSE ?3 END WHERE id = ?4",
	    &st, &err) < 0) {
		log_error("db", "%s", err.msg);
		return -1;
	}
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, converge_ms);
	sqlite3_bind_int64(st, 3, tp_now_us());
	sqlite3_bind_int64(st, 4, s->id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_error("db", "%s: %s", c->db->path, sqlite3_errmsg(c->db->h));
		return -1;
	}
	return 0;
}

/* A new round row; returns its id or -1. */
long long
state_round_new(struct campaign *c, long long scenario_id, const char *kind, struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (tp_db_prepare(c->db, "INSERT INTO rounds (campaign_id, scenario_id, kind, started_us) "
	    "VALUES (?, ?, ?, ?)", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, c->id);
	if (scenario_id > 0)
		sqlite3_bind_int64(st, 2, scenario_id);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, tp_now_us());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return tp_err_set(err, "%s: %s", c->db->path, sqlite3_errmsg(c->db->h));
	return sqlite3_last_insert_rowid(c->db->h);
}

/* Close a round: complete when every listener ended cleanly. */
int
state_round_finish(struct campaign *c, long long round_id, int complete)
{
	struct tp_err err;

	if (exec_bound(c, "UPDATE rounds SET status = ?, finished_us = ?2 WHERE id = ?3",
	    complete ? "complete" : "incomplete", tp_now_us(), round_id, &err) < 0) {
		log_error("db", "%s", err.msg);
		return -1;
	}
	return 0;
}

/* The newest complete baseline round of this campaign, or 0. */
long long
state_baseline_round(struct campaign *c)
{
	struct tp_err err;
	sqlite3_stmt *st;
	long long id = 0;

	if (tp_db_prepare(c->db, "SELECT id FROM rounds WHERE campaign_id = ? AND "
	    "kind = 'baseline' AND status = 'complete' ORDER BY id DESC LIMIT 1", &st, &err) < 0)
		return 0;
	sqlite3_bind_int64(st, 1, c->id);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

/*
 * How many targets there are, into c->ntargets: the dry run's plan and
 * estimate need no more, and loading 10 million of them took seconds.
 */
int
state_targets_count(struct campaign *c, struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (tp_db_prepare(c->db, "SELECT count(*) FROM targets", &st, err) < 0)
		return -1;
	rc = sqlite3_step(st);
	c->ntargets = rc == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return tp_err_set(err, "%s: counting targets: %s", c->db->path,
		    sqlite3_errmsg(c->db->h));
	return 0;
}

/*
 * Every target, with the site its reply landed at in the baseline (0 = none
 * or no baseline yet): its first flow's, when it answered several.
 */
int
state_targets_load(struct campaign *c, struct tp_err *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	free(c->targets);
	c->targets = NULL;
	c->ntargets = 0;
	/* SQLite takes a bare column from the row that min() picked. */
	if (tp_db_prepare(c->db, "SELECT t.id, t.addr, COALESCE(r.site_id, 0) FROM targets t "
	    "LEFT JOIN (SELECT target_id, site_id, min(flow) FROM responses WHERE round_id = ? "
	    "GROUP BY target_id) r ON r.target_id = t.id ORDER BY t.id", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, c->baseline_round);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct round_target *t;

		if (c->ntargets == cap) {
			cap = cap ? cap * 2 : 1024;
			c->targets = xreallocarray(c->targets, cap, sizeof(*c->targets));
		}
		t = &c->targets[c->ntargets];
		t->id = sqlite3_column_int64(st, 0);
		if (tp_db_column_addr(st, 1, &t->addr) < 0)
			continue;
		t->baseline_site = sqlite3_column_int64(st, 2);
		t->method = 0;
		c->ntargets++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return tp_err_set(err, "%s: reading targets: %s", c->db->path, sqlite3_errmsg(c->db->h));
	return 0;
}

/* A target id and where the caller keeps it. */
struct id_slot {
	long long id;
	size_t index;
};

/* Order id slots by id. */
static int
cmp_slot(const void *a, const void *b)
{
	long long x = ((const struct id_slot *)a)->id, y = ((const struct id_slot *)b)->id;

	return x < y ? -1 : x > y;
}

/* For each given target, the site id its reply landed at in round_id (0 = none). */
int
state_round_sites(struct campaign *c, long long round_id, const struct round_target *t, size_t n,
    long long *site_of, struct tp_err *err)
{
	struct id_slot *slots = xcalloc(n, sizeof(*slots));
	sqlite3_stmt *st;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		slots[i].id = t[i].id;
		slots[i].index = i;
		site_of[i] = 0;
	}
	qsort(slots, n, sizeof(*slots), cmp_slot);
	/* A target's first flow, as its baseline site (state_targets_load): flow
	 * f of a target takes the same path each round while routes hold. */
	if (tp_db_prepare(c->db, "SELECT target_id, site_id, min(flow) FROM responses "
	    "WHERE round_id = ? GROUP BY target_id", &st, err) < 0) {
		free(slots);
		return -1;
	}
	sqlite3_bind_int64(st, 1, round_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct id_slot key = { sqlite3_column_int64(st, 0), 0 };
		struct id_slot *hit = bsearch(&key, slots, n, sizeof(*slots), cmp_slot);

		if (hit != NULL)
			site_of[hit->index] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	free(slots);
	if (rc != SQLITE_DONE)
		return tp_err_set(err, "%s: %s", c->db->path, sqlite3_errmsg(c->db->h));
	return 0;
}

/* The site (not in s) where most of site x's baseline targets went in s's result, or -1. */
long
state_top_destination(struct campaign *c, const struct scenario *s, size_t x)
{
	struct tp_err err;
	sqlite3_stmt *st;
	long best = -1;
	int rc;

	if (tp_db_prepare(c->db, "SELECT r.site_id, COUNT(*) AS n FROM responses r "
	    "JOIN responses b ON b.target_id = r.target_id AND b.round_id = ?1 "
	    "WHERE r.round_id = (SELECT id FROM rounds WHERE scenario_id = ?2 AND kind = 'scenario' "
	    "ORDER BY status = 'complete' DESC, id DESC LIMIT 1) AND b.site_id = ?3 "
	    "GROUP BY r.site_id ORDER BY n DESC, r.site_id", &st, &err) < 0) {
		log_warn("campaign", "%s", err.msg);
		return -1;
	}
	sqlite3_bind_int64(st, 1, c->baseline_round);
	sqlite3_bind_int64(st, 2, s->id);
	sqlite3_bind_int64(st, 3, c->site_ids[x]);
	while (best < 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int i = campaign_site_index(c, sqlite3_column_int64(st, 0));

		if (i >= 0 && !scenario_has_site(c, s, c->site_ids[i]))
			best = i;
	}
	if (best < 0 && rc != SQLITE_DONE)	/* say why no chain grows here */
		log_warn("campaign", "%s: %s", c->db->path, sqlite3_errmsg(c->db->h));
	sqlite3_finalize(st);
	return best;
}

/* Every scenario's failure set but the baseline's, by row id. */
int
state_scenario_names(struct campaign *c, char ***names, size_t *n, struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	*names = NULL;
	*n = 0;
	if (tp_db_prepare(c->db, "SELECT withdrawn FROM scenarios WHERE campaign_id = ? AND "
	    "withdrawn != '' ORDER BY id", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, c->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*names = xreallocarray(*names, *n + 1, sizeof(**names));
		(*names)[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return tp_err_set(err, "%s: %s", c->db->path, sqlite3_errmsg(c->db->h));
	return 0;
}
