/* show.c: tp-campaign list and status, and the summary after a run. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "output.h"
#include "run.h"

/* "2026-11-27 01:02:03" (UTC) for microseconds since the epoch, or NULL. */
static const char *
when(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	time_t t;
	struct tm tm;

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	t = (time_t)(sqlite3_column_int64(st, col) / 1000000);
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

/* Every campaign, newest first. */
int
campaign_print_list(struct tp_db *db, int json)
{
	static const char *const cols[] = { "campaign", "status", "started", "finished",
		"scenarios", "done", "config" };
	struct tp_table *t = tp_table_new(7, cols);
	struct tp_err err;
	sqlite3_stmt *st;
	char b1[32], b2[32];

	if (tp_db_prepare(db, "SELECT c.id, c.status, c.started_us, c.finished_us, "
	    "(SELECT COUNT(*) FROM scenarios s WHERE s.campaign_id = c.id), "
	    "(SELECT COUNT(*) FROM scenarios s WHERE s.campaign_id = c.id AND "
	    "s.status IN ('done', 'unconverged')), c.config_path FROM campaigns c ORDER BY c.id DESC",
	    &st, &err) < 0) {
		log_error("list", "%s", err.msg);
		tp_table_free(t);
		return 1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		tp_table_row(t);
		tp_table_int(t, 0, sqlite3_column_int64(st, 0));
		tp_table_str(t, 1, (const char *)sqlite3_column_text(st, 1));
		tp_table_str(t, 2, when(st, 2, b1, sizeof(b1)));
		tp_table_str(t, 3, when(st, 3, b2, sizeof(b2)));
		tp_table_int(t, 4, sqlite3_column_int64(st, 4));
		tp_table_int(t, 5, sqlite3_column_int64(st, 5));
		tp_table_str(t, 6, (const char *)sqlite3_column_text(st, 6));
	}
	sqlite3_finalize(st);
	tp_table_print(t, stdout, json ? TP_FMT_JSON : TP_FMT_TEXT);
	tp_table_free(t);
	return 0;
}

/* One row per scenario of a campaign: status, convergence time, probes, replies, lane. */
static int
scenario_table(struct tp_db *db, long long id, int json, struct tp_err *err)
{
	static const char *const cols[] = { "scenario", "status", "converge_s", "probed_rounds",
		"replies", "lane" };
	struct tp_table *t = tp_table_new(6, cols);
	sqlite3_stmt *st;

	if (tp_db_prepare(db, "SELECT s.withdrawn, s.status, s.converge_ms, "
	    "(SELECT COUNT(*) FROM rounds r WHERE r.scenario_id = s.id), "
	    "(SELECT COUNT(*) FROM responses p JOIN rounds r ON r.id = p.round_id "
	    " WHERE r.scenario_id = s.id AND r.kind = 'scenario'), s.lane "
	    "FROM scenarios s WHERE s.campaign_id = ? ORDER BY s.id", &st, err) < 0) {
		tp_table_free(t);
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		tp_table_row(t);
		tp_table_str(t, 0, (const char *)sqlite3_column_text(st, 0));
		tp_table_str(t, 1, (const char *)sqlite3_column_text(st, 1));
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			tp_table_real(t, 2, sqlite3_column_int64(st, 2) / 1000.0, 1);
		tp_table_int(t, 3, sqlite3_column_int64(st, 3));
		tp_table_int(t, 4, sqlite3_column_int64(st, 4));
		if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			tp_table_str(t, 5, (const char *)sqlite3_column_text(st, 5));
	}
	sqlite3_finalize(st);
	tp_table_print(t, stdout, json ? TP_FMT_JSON : TP_FMT_TEXT);
	tp_table_free(t);
	return 0;
}

/* tp-campaign status ID. */
int
campaign_print_status(struct tp_db *db, long long id, int json, struct tp_err *err)
{
	sqlite3_stmt *st;
	char b1[32], b2[32];
	int found;

	if (tp_db_prepare(db, "SELECT status, started_us, finished_us FROM campaigns WHERE id = ?",
	    &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found && !json)
		printf("campaign %lld: %s, started %s, finished %s\n", id,
		    (const char *)sqlite3_column_text(st, 0), when(st, 1, b1, sizeof(b1)),
		    when(st, 2, b2, sizeof(b2)) ? b2 : "-");
	sqlite3_finalize(st);
	if (!found)
		return tp_err_set(err, "%s: no campaign %lld (see tp-campaign list)", db->path, id);
	return scenario_table(db, id, json, err);
}

/* The table printed when a run ends: on a TTY, with -v, or with -j. */
void
campaign_print_summary(struct campaign *c, long long id)
{
	struct tp_err err;

	if (!c->json && log_get_level() < TP_LOG_INFO && !isatty(STDOUT_FILENO))
		return;	/* quiet under cron unless -v or -j */
	if (campaign_print_status(c->db, id, c->json, &err) < 0)
		log_error("status", "%s", err.msg);
}
