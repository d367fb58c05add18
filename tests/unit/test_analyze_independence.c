/*
 * test_analyze_independence.c: the lanes' independence check of tp-analyze
 * report, on a database with one campaign whose lanes kept apart and one
 * where a withdrawal on one lane moved the other lane's control targets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "analyze.h"
#include "db.h"
#include "fixture.h"
#include "independence.h"

/*
 * Sites AKL 1, CHC 2, SYD 3; targets 1-4 answer the baseline at AKL, 5-8
 * at CHC, 9-12 at SYD. Times in microseconds.
 *
 * Campaign 1 (independent), baseline round 1:
 *   scenario 1, lane1, AKL, under way 1000-2000, round 2 at 1500-1600:
 *     catchment 1-4 -> SYD; control 5 6 (CHC: exposed, lane2 has CHC
 *     withdrawn meanwhile) stay at CHC, 9 10 stay at SYD.
 *   scenario 2, lane2, CHC, under way 1100-2100, round 3 at 1700-1800:
 *     catchment 5-8 -> SYD; control 1 2 (AKL: exposed) stay at AKL, 9 at SYD.
 *   scenario 3, lane1, SYD, under way 3000-4000 (nothing else runs), round 4:
 *     control 1 moved to CHC, but no other lane was under way: not counted.
 * Campaign 2 (dependent): the same, except that in round 7 (lane2, CHC)
 *   control targets 1 and 2 (AKL, which lane1 had withdrawn) land at SYD.
 * Campaign 3: one lane, no lane recorded.
 */
static const char *fixture_sql =
    "INSERT INTO sites (id, name) VALUES (1, 'AKL'), (2, 'CHC'), (3, 'SYD');"
    "INSERT INTO targets (id, addr, family, site_id) VALUES"
    " (1, X'C6120001', 4, 1), (2, X'C6120002', 4, 1), (3, X'C6120003', 4, 1),"
    " (4, X'C6120004', 4, 1), (5, X'C6120005', 4, 2), (6, X'C6120006', 4, 2),"
    " (7, X'C6120007', 4, 2), (8, X'C6120008', 4, 2), (9, X'C6120009', 4, 3),"
    " (10, X'C612000A', 4, 3), (11, X'C612000B', 4, 3), (12, X'C612000C', 4, 3);"
    "INSERT INTO campaigns (id, started_us, status) VALUES (1, 1, 'done'), (2, 2, 'done'),"
    " (3, 3, 'done');"
    "INSERT INTO scenarios (id, campaign_id, withdrawn, lane, status, started_us, finished_us)"
    " VALUES (1, 1, 'AKL', 'lane1', 'done', 1000, 2000), (2, 1, 'CHC', 'lane2', 'done', 1100, 2100),"
    " (3, 1, 'SYD', 'lane1', 'done', 3000, 4000),"
    " (4, 2, 'AKL', 'lane1', 'done', 1000, 2000), (5, 2, 'CHC', 'lane2', 'done', 1100, 2100),"
    " (6, 3, 'AKL', NULL, 'done', 1000, 2000), (7, 3, 'CHC', NULL, 'done', 2000, 3000);"
    "INSERT INTO rounds (id, campaign_id, scenario_id, kind, status, started_us, finished_us)"
    " VALUES (1, 1, NULL, 'baseline', 'complete', 10, 20),"
    " (2, 1, 1, 'scenario', 'complete', 1500, 1600), (3, 1, 2, 'scenario', 'complete', 1700, 1800),"
    " (4, 1, 3, 'scenario', 'complete', 3500, 3600),"
    " (5, 2, NULL, 'baseline', 'complete', 10, 20),"
    " (6, 2, 4, 'scenario', 'complete', 1500, 1600), (7, 2, 5, 'scenario', 'complete', 1700, 1800),"
    " (8, 3, NULL, 'baseline', 'complete', 10, 20),"
    " (9, 3, 6, 'scenario', 'complete', 1500, 1600), (10, 3, 7, 'scenario', 'complete', 2500, 2600);"
    "INSERT INTO responses (round_id, target_id, site_id, received_us) VALUES"
    /* baselines */
    " (1, 1, 1, 0), (1, 2, 1, 0), (1, 3, 1, 0), (1, 4, 1, 0), (1, 5, 2, 0), (1, 6, 2, 0),"
    " (1, 7, 2, 0), (1, 8, 2, 0), (1, 9, 3, 0), (1, 10, 3, 0), (1, 11, 3, 0), (1, 12, 3, 0),"
    " (5, 1, 1, 0), (5, 2, 1, 0), (5, 3, 1, 0), (5, 4, 1, 0), (5, 5, 2, 0), (5, 6, 2, 0),"
    " (5, 7, 2, 0), (5, 8, 2, 0), (5, 9, 3, 0), (5, 10, 3, 0), (5, 11, 3, 0), (5, 12, 3, 0),"
    " (8, 1, 1, 0), (8, 5, 2, 0), (8, 9, 3, 0),"
    /* campaign 1: every control target stays */
    " (2, 1, 3, 0), (2, 2, 3, 0), (2, 3, 3, 0), (2, 4, 3, 0),"
    " (2, 5, 2, 0), (2, 6, 2, 0), (2, 9, 3, 0), (2, 10, 3, 0),"
    " (3, 5, 3, 0), (3, 6, 3, 0), (3, 7, 3, 0), (3, 8, 3, 0),"
    " (3, 1, 1, 0), (3, 2, 1, 0), (3, 9, 3, 0),"
    " (4, 9, 1, 0), (4, 1, 2, 0),"
    /* campaign 2: lane2's control targets of AKL follow lane1's withdrawal */
    " (6, 1, 3, 0), (6, 2, 3, 0), (6, 3, 3, 0), (6, 4, 3, 0),"
    " (6, 5, 2, 0), (6, 6, 2, 0), (6, 9, 3, 0), (6, 10, 3, 0),"
    " (7, 5, 3, 0), (7, 6, 3, 0), (7, 7, 3, 0), (7, 8, 3, 0),"
    " (7, 1, 3, 0), (7, 2, 3, 0), (7, 9, 3, 0),"
    /* campaign 3 */
    " (9, 1, 2, 0), (9, 5, 2, 0), (10, 5, 1, 0), (10, 1, 1, 0);";

static struct tp_db *db;

/* A fresh database holding the fixture above. */
static void
setup(void)
{
	db = fixture_db("ind.db", fixture_sql);
}

/* Close and remove it. */
static void
teardown(void)
{
	tp_db_close(db);
	fixture_cleanup();
}

/* Check campaign at threshold, expecting two lanes. */
static void
check(long long campaign, double threshold, struct independence *ind)
{
	struct tp_err err;

	cr_assert_eq(independence_check(db, campaign, threshold, ind, &err), 0, "%s", err.msg);
	cr_assert_eq(ind->n, 2);
	cr_assert_str_eq(ind->lanes[0].name, "lane1");
	cr_assert_str_eq(ind->lanes[1].name, "lane2");
}

TestSuite(independence, .init = setup, .fini = teardown);

Test(independence, lanes_that_kept_apart)
{
	struct independence ind;
	const struct ind_lane *a, *b;

	check(1, 5, &ind);
	a = &ind.lanes[0];
	b = &ind.lanes[1];
	/* lane1: round 2 overlapped lane2's scenario, round 4 overlapped nothing */
	cr_expect_eq(a->rounds, 2);
	cr_expect_eq(a->overlapped, 1);
	cr_expect_eq(a->control, 4);
	cr_expect_eq(a->moved, 0);
	cr_expect_eq(a->exposed, 2);
	cr_expect_eq(a->exposed_moved, 0);
	cr_expect_eq(a->verdict, IND_INDEPENDENT);
	cr_expect_eq(b->rounds, 1);
	cr_expect_eq(b->overlapped, 1);
	cr_expect_eq(b->control, 3);
	cr_expect_eq(b->exposed, 2);
	cr_expect_eq(b->exposed_moved, 0);
	cr_expect_eq(b->verdict, IND_INDEPENDENT);
	independence_free(&ind);
}

Test(independence, a_lane_moved_by_another)
{
	struct independence ind;

	check(2, 5, &ind);
	cr_expect_eq(ind.lanes[0].verdict, IND_INDEPENDENT);
	cr_expect_eq(ind.lanes[1].control, 3);
	cr_expect_eq(ind.lanes[1].moved, 2);
	cr_expect_eq(ind.lanes[1].exposed, 2);
	cr_expect_eq(ind.lanes[1].exposed_moved, 2);
	cr_expect_eq(ind.lanes[1].verdict, IND_DEPENDENT);
	independence_free(&ind);
	/* every exposed reply moved: 100%, not above a threshold of 100 */
	check(2, 100, &ind);
	cr_expect_eq(ind.lanes[1].verdict, IND_INDEPENDENT);
	independence_free(&ind);
}

Test(independence, one_lane_is_unchecked)
{
	struct independence ind;
	struct tp_err err;

	cr_assert_eq(independence_check(db, 3, 5, &ind, &err), 0, "%s", err.msg);
	cr_assert_eq(ind.n, 1);
	cr_expect_str_eq(ind.lanes[0].name, "default");
	cr_expect_eq(ind.lanes[0].overlapped, 0);
	cr_expect_eq(ind.lanes[0].verdict, IND_UNCHECKED);
	independence_free(&ind);
}

/* tp-analyze report on campaign c (text, or JSON), as one string. */
static char *
report_of(long long c, enum tp_format fmt)
{
	struct analyze_ctx ctx = { 0 };
	struct tp_err err;
	char *text;
	FILE *f = fopen(fixture_path("report.out"), "w");

	cr_assert_not_null(f);
	ctx.db = db;
	ctx.fmt = fmt;
	ctx.out = f;
	ctx.campaign = c;
	ctx.threshold = 5;
	cr_assert_eq(cmd_report(&ctx, &err), 0, "%s", err.msg);
	fclose(f);
	text = fixture_read(fixture_path("report.out"));
	return text;
}

Test(independence, report_shows_it_for_lanes_only)
{
	char *text = report_of(2, TP_FMT_TEXT);

	cr_expect_not_null(strstr(text, "Lane independence"), "%s", text);
	cr_expect_not_null(strstr(text, "dependent"), "%s", text);
	free(text);
	text = report_of(2, TP_FMT_JSON);
	cr_expect_not_null(strstr(text, "\"independence\""), "%s", text);
	cr_expect_not_null(strstr(text, "\"verdict\": \"dependent\""), "%s", text);
	free(text);
	text = report_of(3, TP_FMT_TEXT);
	cr_expect_null(strstr(text, "Lane independence"), "%s", text);
	free(text);
}
