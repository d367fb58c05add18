/*
 * test_campaign_lanes.c: the decisions the lane driver takes without a
 * testbed: the scheduler waits for a result another lane is still
 * measuring (a chain's base, every result before explore), a dead-man
 * switch another lane armed blocks a scenario that would outlast it, the
 * hold estimate, and the scenarios' lane column (migration from schema 2).
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <sqlite3.h>

#include "campaign.h"
#include "db.h"
#include "fixture.h"
#include "lane_schedule.h"
#include "lanes.h"
#include "schedule.h"

static struct tp_conf conf;

/* A scheduler over sites wlg akl chc (0-2) and the given [campaign] keys. */
static void
start(struct sched *s, const char *keys)
{
	char text[1024];
	struct scenario *v;
	struct tp_err err;
	size_t n;

	snprintf(text, sizeof(text), "[campaign]\n%s\n[site wlg]\nbird_socket = /w\n"
	    "[site akl]\nbird_socket = /a\n[site chc]\nbird_socket = /c\n", keys);
	cr_assert_eq(fixture_conf_load(text, &conf, &err), 0, "%s", err.msg);
	cr_assert_eq(plan_scenarios(&conf, &v, &n, &err), 0, "%s", err.msg);
	sched_init(s, &conf, v, n);
}

/* Free the scheduler and the config. */
static void
finish(struct sched *s)
{
	sched_free(s);
	tp_conf_free(&conf);
	fixture_cleanup();
}

/* The next step starts a scenario; returns its index (status left pending). */
static size_t
next_start(struct sched *s)
{
	struct sched_step st = sched_next(s);

	cr_assert_eq(st.what, SCHED_START, "got step %d", st.what);
	s->v[st.scenario].status = "pending";	/* handed to a lane, no result yet */
	return st.scenario;
}

/*
 * A chain waits while another lane still measures its base; the chain of
 * a site whose base is measured goes ahead of it (no head-of-line
 * blocking); once its base is in, the waiting chain asks.
 */
Test(campaign_lanes, chain_waits_for_its_base)
{
	struct sched s;
	struct sched_step st;
	size_t wlg, akl, chc;

	start(&s, "chains = 1\nmin_announcing = 1");
	wlg = next_start(&s);
	akl = next_start(&s);
	chc = next_start(&s);
	st = sched_next(&s);
	cr_assert_eq(st.what, SCHED_WAIT, "every chain grows from a scenario still measured");
	cr_assert_eq(st.scenario, wlg, "the wait names the lowest site's base");
	s.v[akl].status = "done";
	st = sched_next(&s);
	cr_assert_eq(st.what, SCHED_ASK_TOP, "wlg's base is in flight, akl's chain goes ahead");
	cr_assert_str_eq(s.v[st.scenario].name, "akl");
	cr_assert_eq(st.site, 1);
	sched_top_destination(&s, 2);
	cr_assert_str_eq(s.v[next_start(&s)].name, "akl+chc");
	s.v[wlg].status = "running";
	st = sched_next(&s);
	cr_assert_eq(st.what, SCHED_WAIT, "wlg and chc still measured, akl's chain complete");
	cr_assert_eq(st.scenario, wlg);
	s.v[wlg].status = "done";
	st = sched_next(&s);
	cr_assert_eq(st.what, SCHED_ASK_TOP);
	cr_assert_str_eq(s.v[st.scenario].name, "wlg");
	cr_assert_eq(st.site, 0);
	sched_top_destination(&s, -1);
	st = sched_next(&s);
	cr_assert_eq(st.what, SCHED_WAIT, "chc's chain still waits for chc");
	cr_assert_eq(st.scenario, chc);
	s.v[chc].status = "aborted";
	cr_assert_eq(sched_next(&s).what, SCHED_DONE, "akl+chc has no link to grow");
	finish(&s);
}

/* Explore reads every result: it waits until no scenario is in flight. */
Test(campaign_lanes, explore_waits_for_every_result)
{
	struct sched s;
	struct sched_step st;
	size_t a, b;

	start(&s, "single = wlg,akl\nexplore = 1\nexplore_size = 1\nmin_announcing = 1");
	a = next_start(&s);
	b = next_start(&s);
	s.v[a].status = "done";
	st = sched_next(&s);
	cr_assert_eq(st.what, SCHED_ASK_RESUMED);
	sched_resumed(&s, NULL, 0);
	st = sched_next(&s);
	cr_assert_eq(st.what, SCHED_WAIT, "akl has no result yet");
	cr_assert_eq(st.scenario, b);
	s.v[b].status = "aborted";
	cr_assert_eq(sched_next(&s).what, SCHED_ASK_EXPLORE);
	finish(&s);
}

/* Sequentially (every scenario finished before the next step) nothing waits. */
Test(campaign_lanes, no_wait_when_sequential)
{
	struct sched s;
	struct sched_step st;
	size_t i;

	start(&s, "chains = 1\nmin_announcing = 1");
	for (i = 0; i < 3; i++)
		s.v[next_start(&s)].status = "done";
	st = sched_next(&s);
	cr_assert_eq(st.what, SCHED_ASK_TOP);
	finish(&s);
}

/* A dead-man switch armed by another lane blocks a scenario that would outlast it. */
Test(campaign_lanes, deadman_gate)
{
	struct lane_site_arm arms[3] = { { 0, 0 }, { 1, 100 }, { 2, 50 } };
	const size_t only0[] = { 0 }, with1[] = { 0, 1 }, with2[] = { 2 };

	cr_assert_eq(lane_deadman_blocks(arms, only0, 1, 120, 600, 900), 0,
	    "nothing withdrawn at site 0: this lane arms afresh");
	cr_assert_eq(lane_deadman_blocks(arms, with1, 2, 120, 600, 900), 0,
	    "armed at 100, expires at 1000, the scenario ends by 720");
	cr_assert_eq(lane_deadman_blocks(arms, with1, 2, 400, 600, 900), 1,
	    "the scenario would end at 1000, when BIRD re-announces");
	cr_assert_eq(lane_deadman_blocks(arms, with2, 1, 449, 500, 900), 0);
	cr_assert_eq(lane_deadman_blocks(arms, with2, 1, 451, 500, 900), 1);
	arms[1].withdrawn = 0;	/* every lane announced there: confirmed */
	cr_assert_eq(lane_deadman_blocks(arms, with1, 2, 400, 600, 900), 0);
}

/* The hold estimate: converging and a round at the lane's rate, at least min_change_interval. */
Test(campaign_lanes, hold_estimate)
{
	struct tp_conf tc;
	struct tp_err err;

	cr_assert_eq(fixture_conf_load("[campaign]\nrate = 1000\nsettle = 10\n"
	    "converge_timeout = 100\nlisten_grace = 2\nmin_change_interval = 5\n"
	    "[site a]\nbird_socket = /a\n"
	    "[lane one]\ntest_ranges = 192.0.2.16/28\nsource4 = 192.0.2.17\nprotocols = p1\n"
	    "[lane two]\ntest_ranges = 192.0.2.32/28\nsource4 = 192.0.2.33\nprotocols = p2\n",
	    &tc, &err), 0, "%s", err.msg);
	/* 10 + 100 + 2 + 5000 targets at 1000/2 per lane = 10 s */
	cr_assert_float_eq(plan_hold_estimate(&tc, 5000), 122, 1e-9);
	tc.pacing.min_change_interval = 600;
	cr_assert_float_eq(plan_hold_estimate(&tc, 5000), 600, 1e-9);
	tp_conf_free(&tc);
	fixture_cleanup();
}

/* Migration 3 adds scenarios.lane to a schema-2 database, old rows NULL. */
Test(campaign_lanes, lane_column_migration)
{
	const char *path = fixture_path("v2.db");
	struct tp_err err = { "" };
	struct tp_db *db;
	sqlite3 *h;
	int v;

	cr_assert_eq(sqlite3_open(path, &h), SQLITE_OK);
	for (v = 1; v <= 2; v++)
		cr_assert_eq(tp_db_migrate(h, v, path, &err), 0, "%s", err.msg);
	cr_assert_eq(sqlite3_exec(h, "INSERT INTO campaigns (id, started_us) VALUES (1, 0);"
	    "INSERT INTO scenarios (campaign_id, withdrawn) VALUES (1, 'akl');", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(h);
	db = fixture_db_open(path, 0);
	cr_assert_eq(tp_db_user_version(db), tp_db_schema_version());
	cr_assert_eq(fixture_query(db->h, "SELECT COUNT(*) FROM scenarios WHERE lane IS NULL"), 1);
	cr_assert_eq(tp_db_exec(db, "UPDATE scenarios SET lane = 'lane1'", &err), 0, "%s",
	    err.msg);
	cr_assert_eq(fixture_query(db->h, "SELECT COUNT(*) FROM scenarios WHERE lane = 'lane1'"),
	    1);
	tp_db_close(db);
	fixture_cleanup();
}
