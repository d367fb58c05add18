/* campaign_pick.c: choose the campaign, its baseline round and each scenario's result round. */
#include <string.h>

#include "campaign_pick.h"
#include "log.h"

/*
 * Run sql with one integer parameter; on a row, *a and *b get its first
 * two integer columns and 1 is returned; 0 for no row, -1 on error.
 */
static int
query_row(struct tp_db *db, const char *sql, long long param, long long *a, long long *b,
    struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (tp_db_prepare(db, sql, &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, param);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*a = sqlite3_column_int64(st, 0);
		if (b != NULL)
			*b = sqlite3_column_int64(st, 1);
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = tp_err_set(err, "%s: %s", db->path, sqlite3_errmsg(db->h));
	sqlite3_finalize(st);
	return rc;
}

/* The wanted campaign if it exists, else the newest done one, else the newest. */
int
campaign_pick(struct tp_db *db, long long want, long long *id, struct tp_err *err)
{
	long long any = 0;
	int rc;

	if (want != 0) {
		rc = query_row(db, "SELECT id FROM campaigns WHERE id = ?", want, id, NULL, err);
		if (rc == 0)
			return tp_err_set(err, "%s: no campaign %lld (list them with "
			    "sqlite3 %s 'SELECT * FROM campaigns')", db->path, want, db->path);
		return rc < 0 ? -1 : 0;
	}
	rc = query_row(db, "SELECT id FROM campaigns WHERE status = 'done' AND id > ? "
	    "ORDER BY id DESC LIMIT 1", 0, id, NULL, err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	rc = query_row(db, "SELECT id FROM campaigns WHERE id > ? ORDER BY id DESC LIMIT 1",
	    0, &any, NULL, err);
	if (rc == 0)
		return tp_err_set(err, "%s: no campaigns yet; run tp-campaign first", db->path);
	if (rc < 0)
		return -1;
	log_warn("campaign", "no campaign has finished; using the newest, %lld", any);
	*id = any;
	return 0;
}

/* Newest complete round of this kind for the parameter, else the newest of any status. */
static int
pick_round(struct tp_db *db, const char *sql, long long param, struct picked_round *r,
    struct tp_err *err)
{
	long long complete = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = query_row(db, sql, param, &r->id, &complete, err);
	if (rc < 0)
		return -1;
	r->complete = rc > 0 && complete != 0;
	return 0;
}

/* The campaign's baseline round. */
int
campaign_baseline(struct tp_db *db, long long campaign, struct picked_round *r,
    struct tp_err *err)
{
	if (pick_round(db, "SELECT id, status = 'complete' AS done FROM rounds "
	    "WHERE campaign_id = ? AND kind = 'baseline' ORDER BY done DESC, id DESC LIMIT 1",
	    campaign, r, err) < 0)
		return -1;
	if (r->id == 0)
		return tp_err_set(err, "%s: campaign %lld has no baseline round", db->path,
		    campaign);
	if (!r->complete)
		log_warn("campaign", "campaign %lld: baseline round %lld is not complete",
		    campaign, r->id);
	return 0;
}

/*
 * The scenario's result round, if it has one: a complete round before an
 * incomplete one (`done DESC`, as 1 sorts above 0), and of those the
 * newest, which is the one a resumed campaign measured again.
 */
int
scenario_result(struct tp_db *db, long long scenario, struct picked_round *r,
    struct tp_err *err)
{
	return pick_round(db, "SELECT id, status = 'complete' AS done FROM rounds "
	    "WHERE scenario_id = ? AND kind = 'scenario' ORDER BY done DESC, id DESC LIMIT 1",
	    scenario, r, err);
}
