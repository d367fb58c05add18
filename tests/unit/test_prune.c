/*
 * test_prune.c: retention. Pruning deletes an old campaign's replies and
 * the targets no import listed for retain_days, keeps the campaign's
 * matrix in campaign_aggregates (so matrix, report and report --compare
 * give what they gave before), and the schema upgrade from version 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "../../analyze/analyze.h"
#include "../../analyze/matrix.h"
#include "../../analyze/prune.h"
#include "db.h"
#include "fixture.h"

#define DAY_US (86400LL * 1000000)
/* The fixture's "now"; setup moves every time so that it is the real now. */
#define FIXTURE_NOW_US (1795860000LL * 1000000)

static struct tp_db *db;
static long long now_us;

/*
 * Two sites; campaign 1 (100 days ago) and 2 (now), each with a baseline
 * (.1 .2 at AKL, .3 at CHC) and an AKL-withdrawn round: in 1 both went to
 * CHC, in 2 .2 was lost. 198.18.0.9 was listed 100 days ago and never
 * answered; 198.18.0.4 was listed 100 days ago but campaign 2 heard it.
 */
static const char *fixture_sql =
    "INSERT INTO sites (id, name) VALUES (1, 'AKL'), (2, 'CHC');"
    "INSERT INTO targets (id, addr, family, site_id, weight, seen_us) VALUES "
    " (1, X'C6120001', 4, 1, 1, 1795860000000000), (2, X'C6120002', 4, 1, 3, 1795860000000000),"
    " (3, X'C6120003', 4, 2, 1, 1795860000000000), (4, X'C6120004', 4, 2, 1, 1787220000000000),"
    " (9, X'C6120009', 4, 2, 1, 1787220000000000);"
    "INSERT INTO campaigns (id, started_us, finished_us, status) VALUES"
    " (1, 1787220000000000, 1787220000000001, 'done'), (2, 1795850000000000, 1795850000000001, 'done');"
    "INSERT INTO scenarios (id, campaign_id, withdrawn, status) VALUES"
    " (1, 1, 'AKL', 'done'), (2, 2, 'AKL', 'done');"
    "INSERT INTO scenario_sites VALUES (1, 1), (2, 1);"
    "INSERT INTO rounds (id, campaign_id, scenario_id, kind, status) VALUES"
    " (1, 1, NULL, 'baseline', 'complete'), (2, 1, 1, 'scenario', 'complete'),"
    " (3, 2, NULL, 'baseline', 'complete'), (4, 2, 2, 'scenario', 'complete');"
    "INSERT INTO responses (round_id, target_id, site_id, received_us) VALUES"
    " (1, 1, 1, 0), (1, 2, 1, 0), (1, 3, 2, 0),"
    " (2, 1, 2, 0), (2, 2, 2, 0), (2, 3, 2, 0),"
    " (3, 1, 1, 0), (3, 2, 1, 0), (3, 3, 2, 0), (3, 4, 2, 0),"
    " (4, 1, 2, 0), (4, 3, 2, 0), (4, 4, 2, 0);";

/* The database with the two campaigns. */
static void
setup(void)
{
	struct tp_err err;
	char shift[512];

	cr_assert_eq(tp_db_open(fixture_path("p.db"), TP_DB_CREATE, &db, &err), 0, "%s", err.msg);
	cr_assert_eq(tp_db_exec(db, fixture_sql, &err), 0, "%s", err.msg);
	now_us = (long long)time(NULL) * 1000000;
	snprintf(shift, sizeof(shift), "UPDATE targets SET seen_us = seen_us + %lld;"
	    "UPDATE campaigns SET started_us = started_us + %lld, finished_us = finished_us + %lld",
	    now_us - FIXTURE_NOW_US, now_us - FIXTURE_NOW_US, now_us - FIXTURE_NOW_US);
	cr_assert_eq(tp_db_exec(db, shift, &err), 0, "%s", err.msg);
}

/* Close and remove it. */
static void
teardown(void)
{
	tp_db_close(db);
	fixture_cleanup();
}

TestSuite(prune, .init = setup, .fini = teardown);

/* One number from sql. */
static long long
query(const char *sql)
{
	return (long long)fixture_query(db->h, sql);
}

/* The output of a tp-analyze command handler as text (JSON when json is set). */
static char *
output_of(analyze_handler fn, long long campaign, long long compare, int json)
{
	struct analyze_ctx ctx;
	struct tp_err err;
	char *buf = NULL;
	size_t len = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.db = db;
	ctx.out = open_memstream(&buf, &len);
	ctx.fmt = json ? TP_FMT_JSON : TP_FMT_TEXT;
	ctx.campaign = campaign;
	ctx.compare = compare;
	ctx.threshold = 5;
	cr_assert_eq(fn(&ctx, &err), 0, "%s", err.msg);
	fclose(ctx.out);
	return buf;
}

/* Pruning at 30 days: campaign 1 loses its replies and keeps its matrix and reports. */
Test(prune, aggregates_survive)
{
	char *matrix_before = output_of(cmd_matrix, 1, 0, 1);
	char *report_before = output_of(cmd_report, 2, 1, 0);
	char *matrix_after, *report_after, *report_json;
	struct failover_matrix m;
	struct prune_counts c;
	struct tp_err err;

	cr_expect(strstr(report_before, "lost") != NULL, "%s", report_before);
	cr_assert_eq(prune_older_than(db, 30, now_us, &c, &err), 0, "%s", err.msg);
	cr_expect_eq(c.campaigns, 1);
	cr_expect_eq(c.responses, 6);
	cr_expect_eq(c.targets, 1, "only 198.18.0.9: .4 is needed by campaign 2's replies");
	cr_expect_eq(query("SELECT count(*) FROM responses r JOIN rounds d ON d.id = r.round_id "
	    "WHERE d.campaign_id = 1"), 0);
	cr_expect_eq(query("SELECT count(*) FROM responses"), 7, "campaign 2 untouched");
	cr_expect_eq(query("SELECT count(*) FROM targets WHERE addr = X'C6120009'"), 0);
	cr_expect_eq(query("SELECT count(*) FROM targets WHERE addr = X'C6120004'"), 1);
	cr_expect_eq(query("SELECT count(*) FROM campaign_aggregates WHERE campaign_id = 1"), 1);

	matrix_after = output_of(cmd_matrix, 1, 0, 1);
	report_after = output_of(cmd_report, 2, 1, 0);
	cr_expect_str_eq(matrix_after, matrix_before, "the pruned campaign's matrix");
	/* Campaign 2's own silent count drops (198.18.0.9 is gone); the comparison stays. */
	cr_assert_not_null(strstr(report_before, "Shares that moved"));
	cr_assert_not_null(strstr(report_after, "Shares that moved"), "%s", report_after);
	cr_expect_str_eq(strstr(report_after, "Shares that moved"),
	    strstr(report_before, "Shares that moved"), "report --compare against it");
	report_json = output_of(cmd_report, 1, 0, 1);
	cr_expect(strstr(report_json, "\"campaign\": 1") != NULL ||
	    strstr(report_json, "\"campaign\":1") != NULL, "%s", report_json);

	cr_assert_eq(matrix_build(db, 1, "AKL", &m, &err), 0, "%s", err.msg);
	cr_expect_eq(m.nscenarios, 1);
	cr_assert_eq(m.nrows, 1);
	cr_expect_eq(m.rows[0].responsive, 2);
	cr_expect_eq(m.rows[0].to[mx_site_index(&m, "CHC")], 2, "the stored matrix, one scenario");
	matrix_free(&m);
	cr_expect_eq(matrix_build(db, 1, "CHC", &m, &err), -1);
	cr_expect(strstr(err.msg, "no scenario CHC") != NULL, "%s", err.msg);

	cr_assert_eq(prune_older_than(db, 30, now_us, &c, &err), 0, "%s", err.msg);
	cr_expect_eq(c.campaigns + c.responses + c.targets, 0, "a second prune has nothing to do");
	free(matrix_before);
	free(matrix_after);
	free(report_before);
	free(report_after);
	free(report_json);
}

/* Nothing is younger than the cutoff: a long retention deletes nothing. */
Test(prune, long_retention_keeps_all)
{
	struct prune_counts c;
	struct tp_err err;

	cr_assert_eq(prune_older_than(db, 365, now_us, &c, &err), 0, "%s", err.msg);
	cr_expect_eq(c.campaigns + c.responses + c.targets, 0);
	cr_expect_eq(query("SELECT count(*) FROM responses"), 13);
	cr_expect_eq(query("SELECT count(*) FROM campaign_aggregates"), 0);
}

/* A database at schema version 1 is upgraded: targets get seen_us, the aggregates table exists. */
Test(prune, upgrade_from_version_1)
{
	struct tp_db *old;
	struct tp_err err;
	sqlite3 *h;

	cr_assert_eq(sqlite3_open(fixture_path("v1.db"), &h), SQLITE_OK);
	cr_assert_eq(tp_db_migrate(h, 1, "v1.db", &err), 0, "%s", err.msg);
	cr_assert_eq(sqlite3_exec(h, "INSERT INTO targets (addr, family, weight) VALUES "
	    "(X'C6120001', 4, 2)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	cr_assert_eq(tp_db_open(fixture_path("v1.db"), 0, &old, &err), 0, "%s", err.msg);
	cr_expect_eq(tp_db_user_version(old), tp_db_schema_version());
	cr_expect_geq(tp_db_schema_version(), 2);
	tp_db_close(old);
	tp_db_close(db);
	cr_assert_eq(tp_db_open(fixture_path("v1.db"), 0, &db, &err), 0, "%s", err.msg);
	cr_expect_gt(query("SELECT seen_us FROM targets WHERE addr = X'C6120001'"),
	    now_us - DAY_US, "an old target counts as seen at the upgrade");
	cr_expect_eq(query("SELECT count(*) FROM campaign_aggregates"), 0);
}

/* tp-analyze prune wants a retention from --days or tp.conf. */
Test(prune, command_needs_days)
{
	struct analyze_ctx ctx;
	struct tp_err err;

	memset(&ctx, 0, sizeof(ctx));
	ctx.db = db;
	ctx.out = fopen("/dev/null", "w");
	cr_expect_eq(cmd_prune(&ctx, &err), -1);
	cr_expect(strstr(err.msg, "retain_days") != NULL, "%s", err.msg);
	ctx.days = 30;
	cr_expect_eq(cmd_prune(&ctx, &err), 0, "%s", err.msg);
	fclose(ctx.out);
	cr_expect_eq(query("SELECT count(*) FROM campaign_aggregates"), 1);
}

/* The campaign's end hook prunes by retain_days, and does nothing without it. */
Test(prune, after_campaign_hook)
{
	struct tp_conf conf;

	tp_conf_defaults(&conf);
	retention_after_campaign(db, &conf);
	cr_expect_eq(query("SELECT count(*) FROM responses"), 13, "retain_days 0 keeps all");
	conf.retain_days = 30;
	retention_after_campaign(db, &conf);
	cr_expect_eq(query("SELECT count(*) FROM responses"), 7);
	cr_expect_eq(query("SELECT count(*) FROM campaign_aggregates WHERE campaign_id = 1"), 1);
	tp_conf_free(&conf);
}
