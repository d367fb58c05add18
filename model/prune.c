/*
 * prune.c: retention, for tp-analyze prune and the campaign's end hook. Each old
 * campaign is archived and stripped in its own write transaction, so an
 * interrupted prune leaves every campaign either whole or archived.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "matrix_archive.h"
#include "prune.h"
#include "xalloc.h"

#define US_PER_DAY (86400LL * 1000000)

/*
 * Run sql bound to one integer: 1 when it returned a row, 0 when done,
 * -1 on error; rows it changed are added to *changed (may be NULL).
 */
static int
run_int(struct tp_db *db, const char *sql, long long v, uint64_t *changed,
    struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (tp_db_prepare(db, sql, &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, v);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return tp_err_set(err, "%s: pruning: %s", db->path, sqlite3_errmsg(db->h));
	if (changed != NULL)
		*changed += (uint64_t)sqlite3_changes(db->h);
	return rc == SQLITE_ROW;
}

/* Store the campaign's matrix (when it has a baseline) and delete its replies. */
static int
prune_campaign(struct tp_db *db, long long campaign, struct prune_counts *c,
    struct tp_err *err)
{
	struct failover_matrix m;
	int have_matrix = 0, archived, baseline;
	uint64_t before = c->responses;

	if ((archived = run_int(db, "SELECT 1 FROM campaign_aggregates WHERE campaign_id = ?",
	    campaign, NULL, err)) < 0 ||
	    (baseline = run_int(db, "SELECT 1 FROM rounds WHERE campaign_id = ? AND "
	    "kind = 'baseline'", campaign, NULL, err)) < 0)
		return -1;
	if (!archived && baseline) {
		if (matrix_build(db, campaign, NULL, &m, err) < 0)
			return tp_err_prefix(err, "campaign %lld: ", campaign);
		have_matrix = 1;
	}
	if (tp_db_begin(db, err) < 0)
		goto fail;
	if ((have_matrix && matrix_archive_save(db, &m, err) < 0) ||
	    run_int(db, "DELETE FROM responses WHERE round_id IN "
	    "(SELECT id FROM rounds WHERE campaign_id = ?)", campaign, &c->responses, err) < 0 ||
	    tp_db_commit(db, err) < 0) {
		tp_db_rollback(db);
		goto fail;
	}
	if (have_matrix || c->responses > before)
		c->campaigns++;
	if (have_matrix)
		matrix_free(&m);
	return 0;
fail:
	if (have_matrix)
		matrix_free(&m);
	return -1;
}

/* Every finished campaign started before cutoff that still has replies or no aggregate. */
static int
old_campaigns(struct tp_db *db, int64_t cutoff, long long **ids, size_t *n, struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	*ids = NULL;
	*n = 0;
	if (tp_db_prepare(db, "SELECT c.id FROM campaigns c WHERE c.started_us < ? AND "
	    "c.status != 'running' AND (c.id NOT IN (SELECT campaign_id FROM campaign_aggregates) "
	    "OR EXISTS (SELECT 1 FROM rounds r WHERE r.campaign_id = c.id AND EXISTS "
	    "(SELECT 1 FROM responses p WHERE p.round_id = r.id))) ORDER BY c.id", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, cutoff);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ids = xreallocarray(*ids, *n + 1, sizeof(**ids));
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return tp_err_set(err, "%s: listing old campaigns: %s", db->path,
		    sqlite3_errmsg(db->h));
	return 0;
}

/* Archive and strip old campaigns, then delete targets nobody imported or needs. */
int
prune_older_than(struct tp_db *db, unsigned days, int64_t now, struct prune_counts *c,
    struct tp_err *err)
{
	int64_t cutoff = now - (int64_t)days * US_PER_DAY;
	long long *ids;
	size_t i, n;

	memset(c, 0, sizeof(*c));
	if (old_campaigns(db, cutoff, &ids, &n, err) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (prune_campaign(db, ids[i], c, err) < 0) {
			free(ids);
			return -1;
		}
	free(ids);
	if (tp_db_begin(db, err) < 0 ||
	    run_int(db, "DELETE FROM responses WHERE round_id IN (SELECT id FROM rounds "
	    "WHERE campaign_id IS NULL AND started_us < ?)", cutoff, &c->responses, err) < 0 ||
	    /* NOT IN reads responses once (when a target first qualifies); a
	     * correlated NOT EXISTS scanned them all per target (no index on
	     * target_id): hours at 10,000,000 targets and 120 M replies. */
	    run_int(db, "DELETE FROM targets WHERE (seen_us IS NULL OR seen_us < ?) AND "
	    "id NOT IN (SELECT target_id FROM responses)", cutoff,
	    &c->targets, err) < 0 ||
	    tp_db_commit(db, err) < 0) {
		tp_db_rollback(db);
		return -1;
	}
	return 0;
}

/* After a campaign: prune by retain_days, logging the outcome. */
void
retention_after_campaign(struct tp_db *db, const struct tp_conf *conf)
{
	struct prune_counts c;
	struct tp_err err;

	if (db == NULL || conf == NULL || conf->retain_days == 0)
		return;
	if (prune_older_than(db, conf->retain_days, tp_now_us(), &c, &err) < 0) {
		log_error("prune", "retain_days = %u: %s", conf->retain_days, err.msg);
		return;
	}
	log_info("prune", "retain_days = %u: replies of %llu campaigns (%llu rows) and "
	    "%llu targets deleted", conf->retain_days, (unsigned long long)c.campaigns,
	    (unsigned long long)c.responses, (unsigned long long)c.targets);
}
