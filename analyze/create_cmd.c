/*
 * create_cmd.c: campaign new, scenario new, round new: create the rows a
 * campaign is made of and print the new id (for tests, scripts and
 * tp-campaign).
 */
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "campaign_pick.h"
#include "clock.h"
#include "failure_set.h"

/* Print a new id: bare for people and scripts, {"id":N} as JSON, a one-cell CSV. */
static void
print_id(struct analyze_ctx *ctx, long long id)
{
	json_t *o;

	switch (ctx->fmt) {
	case TP_FMT_TEXT:
		fprintf(ctx->out, "%lld\n", id);
		break;
	case TP_FMT_CSV:
		fprintf(ctx->out, "id\r\n%lld\r\n", id);
		break;
	case TP_FMT_JSON:
		o = json_pack("{sI}", "id", (json_int_t)id);
		tp_json_print(ctx->out, o);
		json_decref(o);
		break;
	}
}

/* Step a prepared insert and finalize it; -1 naming what failed. */
static int
insert_done(struct tp_db *db, sqlite3_stmt *st, const char *what, struct tp_err *err)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return tp_err_set(err, "%s: %s: %s", db->path, what, sqlite3_errmsg(db->h));
	return 0;
}

/* tp-analyze campaign new: a running campaign started now. */
int
cmd_campaign_new(struct analyze_ctx *ctx, struct tp_err *err)
{
	sqlite3_stmt *st;

	if (tp_db_prepare(ctx->db, "INSERT INTO campaigns (started_us, status, config_path) "
	    "VALUES (?, 'running', ?)", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, tp_now_us());
	if (ctx->conf != NULL)
		sqlite3_bind_text(st, 2, ctx->conf->path, -1, SQLITE_TRANSIENT);
	if (insert_done(ctx->db, st, "creating a campaign", err) < 0)
		return -1;
	print_id(ctx, sqlite3_last_insert_rowid(ctx->db->h));
	return 0;
}

/* The id of campaign's scenario with this canonical set; 0 when none. */
static long long
scenario_find(struct tp_db *db, long long campaign, const char *set, struct tp_err *err)
{
	sqlite3_stmt *st;
	long long id = 0;
	int rc;

	if (tp_db_prepare(db, "SELECT id FROM scenarios WHERE campaign_id = ? AND withdrawn = ?",
	    &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, campaign);
	sqlite3_bind_text(st, 2, set, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return tp_err_set(err, "%s: looking up a scenario: %s", db->path,
		    sqlite3_errmsg(db->h));
	return id;
}

/* Insert the scenario and its scenario_sites rows (sites created as needed). */
static long long
scenario_insert(struct tp_db *db, long long campaign, const char *set, struct tp_err *err)
{
	sqlite3_stmt *st;
	struct failure_set fs;
	size_t i;
	long long id, site;

	if (tp_db_prepare(db, "INSERT INTO scenarios (campaign_id, withdrawn) VALUES (?, ?)",
	    &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, campaign);
	sqlite3_bind_text(st, 2, set, -1, SQLITE_TRANSIENT);
	if (insert_done(db, st, "creating a scenario", err) < 0)
		return -1;
	id = sqlite3_last_insert_rowid(db->h);
	if (failure_set_parse(set, 0, &fs, NULL, 0) < 0)
		return tp_err_set(err, "failure set \"%s\" is not canonical", set);
	for (i = 0; i < fs.n; i++) {
		if ((site = tp_db_site_id(db, fs.names[i], 1, err)) < 0 ||
		    tp_db_prepare(db, "INSERT INTO scenario_sites (scenario_id, site_id) "
		    "VALUES (?, ?)", &st, err) < 0)
			goto fail;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, site);
		if (insert_done(db, st, "recording a withdrawn site", err) < 0)
			goto fail;
	}
	failure_set_free(&fs);
	return id;
fail:
	failure_set_free(&fs);
	return -1;
}

/* tp-analyze scenario new --campaign ID --withdrawn A+B ("" = the baseline scenario). */
int
cmd_scenario_new(struct analyze_ctx *ctx, struct tp_err *err)
{
	char *set = NULL;
	long long campaign, id;
	int rc = -1;

	if (ctx->campaign == 0 || ctx->withdrawn == NULL)
		return tp_err_set(err, "scenario new: give --campaign ID and --withdrawn A+B");
	if (campaign_pick(ctx->db, ctx->campaign, &campaign, err) < 0 ||
	    failure_set_canonical(ctx->withdrawn, &set, err) < 0 ||
	    tp_db_begin(ctx->db, err) < 0)
		goto out;
	if ((id = scenario_find(ctx->db, campaign, set, err)) != 0) {
		tp_db_rollback(ctx->db);
		if (id > 0)
			tp_err_set(err, "campaign %lld already has scenario \"%s\" (id %lld)",
			    campaign, set, id);
		goto out;
	}
	if ((id = scenario_insert(ctx->db, campaign, set, err)) < 0 ||
	    tp_db_commit(ctx->db, err) < 0) {
		tp_db_rollback(ctx->db);
		goto out;
	}
	print_id(ctx, id);
	rc = 0;
out:
	free(set);
	return rc;
}

/* Resolve --scenario: an id, or a failure set of the campaign; sets *campaign if 0. */
static int
round_scenario(struct analyze_ctx *ctx, long long *campaign, long long *scenario,
    struct tp_err *err)
{
	const char *s = ctx->scenario;
	char *set, *end;
	sqlite3_stmt *st;
	long long owner = 0;
	int rc;

	*scenario = strtoll(s, &end, 10);
	if (*end != '\0' || *scenario <= 0) {
		if (*campaign == 0)
			return tp_err_set(err, "--scenario %s: give --campaign ID too, or the "
			    "scenario's id", s);
		if (failure_set_canonical(s, &set, err) < 0)
			return -1;
		if ((*scenario = scenario_find(ctx->db, *campaign, set, err)) == 0)
			tp_err_set(err, "campaign %lld has no scenario %s", *campaign, set);
		free(set);
		return *scenario > 0 ? 0 : -1;
	}
	if (tp_db_prepare(ctx->db, "SELECT campaign_id FROM scenarios WHERE id = ?", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, *scenario);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		owner = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return tp_err_set(err, "%s: no scenario %lld", ctx->db->path, *scenario);
	if (*campaign != 0 && *campaign != owner)
		return tp_err_set(err, "scenario %lld belongs to campaign %lld, not %lld",
		    *scenario, owner, *campaign);
	*campaign = owner;
	return 0;
}

/* tp-analyze round new --kind baseline|scenario|convergence [--campaign ID] [--scenario ID|A+B] */
int
cmd_round_new(struct analyze_ctx *ctx, struct tp_err *err)
{
	static const char *kinds[] = { "baseline", "scenario", "convergence" };
	long long campaign = ctx->campaign, scenario = 0;
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; ctx->kind != NULL && i < 3; i++)
		if (strcmp(ctx->kind, kinds[i]) == 0)
			break;
	if (ctx->kind == NULL || i == 3)
		return tp_err_set(err, "round new: --kind must be baseline, scenario or "
		    "convergence");
	if (campaign != 0 && campaign_pick(ctx->db, campaign, &campaign, err) < 0)
		return -1;
	if (ctx->scenario != NULL && round_scenario(ctx, &campaign, &scenario, err) < 0)
		return -1;
	if (i > 0 && scenario == 0)
		return tp_err_set(err, "round new: a %s round needs --scenario", ctx->kind);
	if (i == 0 && campaign == 0)
		return tp_err_set(err, "round new: a baseline round needs --campaign ID");
	if (tp_db_prepare(ctx->db, "INSERT INTO rounds (campaign_id, scenario_id, kind, "
	    "started_us) VALUES (?, ?, ?, ?)", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, campaign);
	if (scenario != 0)
		sqlite3_bind_int64(st, 2, scenario);
	sqlite3_bind_text(st, 3, ctx->kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, tp_now_us());
	if (insert_done(ctx->db, st, "creating a round", err) < 0)
		return -1;
	print_id(ctx, sqlite3_last_insert_rowid(ctx->db->h));
	return 0;
}
