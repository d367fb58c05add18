/* validations.c: the validations table's rows (see validations.h). */
#include <stdlib.h>

#include "validations.h"
#include "xalloc.h"

/* Step a prepared write once and finalize it. */
static int
write_step(struct tp_db *db, sqlite3_stmt *st, struct tp_err *err)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return tp_err_set(err, "%s: validations: %s", db->path, sqlite3_errmsg(db->h));
	return 0;
}

/* INSERT OR IGNORE: a resumed campaign may store its pick again. */
int
validations_store_pick(struct tp_db *db, long long campaign, const char *set,
    const char *chosen, struct tp_err *err)
{
	sqlite3_stmt *st;

	if (tp_db_prepare(db, "INSERT OR IGNORE INTO validations (campaign_id, withdrawn, "
	    "chosen) VALUES (?, ?, ?)", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, campaign);
	sqlite3_bind_text(st, 2, set, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, chosen, -1, SQLITE_STATIC);
	return write_step(db, st, err);
}

/* The counts, exposed targets apart. */
int
validations_store_outcome(struct tp_db *db, long long campaign, const char *set,
    const struct pd_tally *t, struct tp_err *err)
{
	sqlite3_stmt *st;

	if (tp_db_prepare(db, "UPDATE validations SET determined = ?, answered = ?, held = ?, "
	    "exposed_answered = ?, exposed_held = ?, groups = ?, exposed_groups = ? WHERE "
	    "campaign_id = ? AND withdrawn = ?", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)t->determined);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)(t->answered[0] + t->answered[1]));
	sqlite3_bind_int64(st, 3, (sqlite3_int64)(t->held[0] + t->held[1]));
	sqlite3_bind_int64(st, 4, (sqlite3_int64)t->answered[1]);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)t->held[1]);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)(t->groups[0] + t->groups[1]));
	sqlite3_bind_int64(st, 7, (sqlite3_int64)t->groups[1]);
	sqlite3_bind_int64(st, 8, campaign);
	sqlite3_bind_text(st, 9, set, -1, SQLITE_STATIC);
	return write_step(db, st, err);
}

/* Every pick of the campaign, by id. */
int
validations_picks(struct tp_db *db, long long campaign, char ***sets, char ***chosen,
    size_t *n, struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	*sets = *chosen = NULL;
	*n = 0;
	if (tp_db_prepare(db, "SELECT withdrawn, chosen FROM validations WHERE campaign_id = ? "
	    "ORDER BY id", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, campaign);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*sets = xreallocarray(*sets, *n + 1, sizeof(**sets));
		*chosen = xreallocarray(*chosen, *n + 1, sizeof(**chosen));
		(*sets)[*n] = xstrdup((const char *)sqlite3_column_text(st, 0));
		(*chosen)[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return tp_err_set(err, "%s: validations: %s", db->path, sqlite3_errmsg(db->h));
	return 0;
}
