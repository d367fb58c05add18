/*
 * test_analyze_cli.c: failure-set spelling, which campaign is analysed by
 * default, and the campaign/scenario/round creation commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "analyze.h"
#include "campaign_pick.h"
#include "db.h"
#include "failure_set.h"
#include "fixture.h"

/* Failure sets in every spelling, and the bad ones. */
Test(failure_set, canonical)
{
	static const struct {
		const char *in, *out;	/* out NULL = an error */
	} cases[] = {
		{ "CHC", "CHC" }, { "CHC+AKL", "AKL+CHC" }, { "SYD, AKL ,CHC", "AKL+CHC+SYD" },
		{ "AKL+AKL", "AKL" }, { "", "" }, { "  ", "" }, { "AKL+", NULL }, { "+", NULL },
		{ "A KL", NULL }, { "AKL;rm", NULL }, { "-x", NULL },
	};
	struct failure_set set;
	struct tp_err err;
	char *out, bad[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = failure_set_canonical(cases[i].in, &out, &err);

		if (cases[i].out == NULL) {
			cr_expect_eq(rc, -1, "\"%s\" accepted as \"%s\"", cases[i].in, out);
			free(out);
			continue;
		}
		cr_expect_eq(rc, 0, "\"%s\": %s", cases[i].in, err.msg);
		cr_expect_str_eq(out, cases[i].out, "\"%s\"", cases[i].in);
		free(out);
	}
	cr_assert_eq(failure_set_parse("SYD+AKL+CHC", 0, &set, bad, sizeof(bad)), 0);
	cr_assert_eq(set.n, 3);
	cr_expect_str_eq(set.names[0], "AKL");
	cr_expect_str_eq(set.names[2], "SYD");
	cr_expect_null(set.repeated);
	failure_set_free(&set);
	/* commas separate sites only when the caller says so */
	cr_assert_eq(failure_set_parse("AKL,CHC", 0, &set, bad, sizeof(bad)), -1);
	cr_expect_str_eq(bad, "AKL,CHC");
	cr_assert_eq(failure_set_parse("CHC+AKL+CHC", 0, &set, bad, sizeof(bad)), 0);
	cr_expect_str_eq(set.repeated, "CHC");
	failure_set_free(&set);
	cr_assert_eq(failure_set_parse("", 0, &set, bad, sizeof(bad)), 0);
	cr_expect_eq(set.n, 0);
}

/* No cap on the number of sites in a set but the names themselves (was 64). */
Test(failure_set, no_site_cap)
{
	struct failure_set set;
	char text[100 * 8] = "", bad[64], *back;
	size_t i;

	for (i = 0; i < 100; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%ss%03zu", i ? "+" : "",
		    99 - i);
	cr_assert_eq(failure_set_parse(text, 0, &set, bad, sizeof(bad)), 0);
	cr_assert_eq(set.n, 100);
	cr_expect_str_eq(set.names[0], "s000");
	back = failure_set_text(&set);
	cr_expect_eq(strncmp(back, "s000+s001+", 10), 0, "%s", back);
	cr_expect_eq(strlen(back), strlen(text));
	free(back);
	failure_set_free(&set);
}

static struct tp_db *db;

/* An empty database. */
static void
setup(void)
{
	struct tp_err err;

	cr_assert_eq(tp_db_open(fixture_path("c.db"), TP_DB_CREATE, &db, &err), 0, "%s", err.msg);
}

/* Close and remove it. */
static void
teardown(void)
{
	tp_db_close(db);
	fixture_cleanup();
}

TestSuite(analyze_cli, .init = setup, .fini = teardown);

/* The newest done campaign, else the newest; an unknown one is an error naming it. */
Test(analyze_cli, default_campaign)
{
	struct tp_err err;
	long long id;

	cr_expect_eq(campaign_pick(db, 0, &id, &err), -1);
	cr_expect(strstr(err.msg, "no campaigns") != NULL, "%s", err.msg);
	cr_assert_eq(tp_db_exec(db, "INSERT INTO campaigns (id, started_us, status) VALUES "
	    "(1, 0, 'done'), (2, 0, 'done'), (3, 0, 'failed'), (4, 0, 'running')", &err), 0);
	cr_assert_eq(campaign_pick(db, 0, &id, &err), 0, "%s", err.msg);
	cr_expect_eq(id, 2);
	cr_assert_eq(campaign_pick(db, 4, &id, &err), 0, "%s", err.msg);
	cr_expect_eq(id, 4);
	cr_expect_eq(campaign_pick(db, 9, &id, &err), -1);
	cr_expect(strstr(err.msg, "no campaign 9") != NULL, "%s", err.msg);
	cr_assert_eq(tp_db_exec(db, "UPDATE campaigns SET status = 'aborted'", &err), 0);
	cr_assert_eq(campaign_pick(db, 0, &id, &err), 0, "%s", err.msg);
	cr_expect_eq(id, 4, "none done: the newest");
}

/* Run a creation handler and return the id it printed (-1 when it failed). */
static long long
create(int (*fn)(struct analyze_ctx *, struct tp_err *), struct analyze_ctx *ctx,
    struct tp_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	long long id = -1;

	ctx->db = db;
	ctx->out = open_memstream(&buf, &len);
	if (fn(ctx, err) == 0)
		id = 0;
	fclose(ctx->out);
	if (id == 0)
		id = strtoll(buf, NULL, 10);
	free(buf);
	return id;
}

/* campaign new, scenario new (canonical, duplicates refused), round new by id and by set. */
Test(analyze_cli, create_rows)
{
	struct analyze_ctx ctx;
	struct tp_err err;
	long long c, s, b, r;
	sqlite3_stmt *st;

	memset(&ctx, 0, sizeof(ctx));
	c = create(cmd_campaign_new, &ctx, &err);
	cr_assert_gt(c, 0, "%s", err.msg);
	ctx.campaign = c;
	ctx.withdrawn = "CHC+AKL";
	s = create(cmd_scenario_new, &ctx, &err);
	cr_assert_gt(s, 0, "%s", err.msg);
	cr_expect_eq(create(cmd_scenario_new, &ctx, &err), -1);
	cr_expect(strstr(err.msg, "already has scenario \"AKL+CHC\"") != NULL, "%s", err.msg);
	ctx.withdrawn = "AKL+CHC";
	cr_expect_eq(create(cmd_scenario_new, &ctx, &err), -1, "same set, other spelling");
	ctx.withdrawn = NULL;

	ctx.kind = "baseline";
	b = create(cmd_round_new, &ctx, &err);
	cr_assert_gt(b, 0, "%s", err.msg);
	ctx.kind = "scenario";
	cr_expect_eq(create(cmd_round_new, &ctx, &err), -1, "a scenario round needs --scenario");
	ctx.scenario = "akl";
	cr_expect_eq(create(cmd_round_new, &ctx, &err), -1);
	cr_expect(strstr(err.msg, "no scenario akl") != NULL, "%s", err.msg);
	ctx.scenario = "CHC+AKL";
	r = create(cmd_round_new, &ctx, &err);
	cr_assert_gt(r, b, "%s", err.msg);
	ctx.campaign = 0;
	ctx.scenario = "1";
	ctx.kind = "convergence";
	cr_assert_gt(create(cmd_round_new, &ctx, &err), r, "%s", err.msg);
	ctx.kind = "sideways";
	cr_expect_eq(create(cmd_round_new, &ctx, &err), -1);

	cr_assert_eq(sqlite3_prepare_v2(db->h, "SELECT group_concat(s.name, ',') FROM "
	    "(SELECT st.name FROM scenario_sites ss JOIN sites st ON st.id = ss.site_id "
	    "ORDER BY st.name) s", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 0), "AKL,CHC");
	sqlite3_finalize(st);
}
