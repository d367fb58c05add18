/*
 * test_campaign_schedule.c: the campaign's decisions without a testbed:
 * what the scheduler starts next (planned scenarios, skips, chain growth,
 * resumed and explored sets, the progress total) and the convergence
 * decision on two samples.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "campaign.h"
#include "fixture.h"
#include "schedule.h"

static struct tp_conf conf;

/* Sites wlg akl chc syd (indexes 0-3) and the given [campaign] keys. */
static void
load(const char *keys)
{
	char text[1024];
	struct tp_err err;

	snprintf(text, sizeof(text), "[campaign]\n%s\n"
	    "[site wlg]\nbird_socket = /run/w.ctl\n[site akl]\nbird_socket = /run/a.ctl\n"
	    "[site chc]\nbird_socket = /run/c.ctl\n[site syd]\nbird_socket = /run/s.ctl\n", keys);
	cr_assert_eq(tp_conf_load(fixture_write("tp.conf", text), &conf, &err), 0, "%s", err.msg);
}

/* A scheduler over the config's planned scenarios. */
static void
start(struct sched *s, const char *keys)
{
	struct scenario *v;
	struct tp_err err;
	size_t n;

	load(keys);
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

/* The next step must start the scenario called name; mark it with status. */
static void
expect_start(struct sched *s, const char *name, const char *status)
{
	struct sched_step st = sched_next(s);

	cr_assert_eq(st.what, SCHED_START, "want to start %s, got step %d", name, st.what);
	cr_assert_str_eq(s->v[st.scenario].name, name);
	s->v[st.scenario].status = status;
}

/* The next step must ask where site's traffic went in the scenario called name. */
static void
expect_ask_top(struct sched *s, const char *name, size_t site)
{
	struct sched_step st = sched_next(s);

	cr_assert_eq(st.what, SCHED_ASK_TOP, "want a question on %s, got step %d", name, st.what);
	cr_assert_str_eq(s->v[st.scenario].name, name);
	cr_assert_eq(st.site, site, "%s", name);
}

/* The next step must wait, naming the scenario called name. */
static void
expect_wait(struct sched *s, const char *name, const char *why)
{
	struct sched_step st = sched_next(s);

	cr_assert_eq(st.what, SCHED_WAIT, "%s: got step %d", why, st.what);
	cr_assert_str_eq(s->v[st.scenario].name, name, "%s", why);
}

enum { WLG, AKL, CHC, SYD };

/* Planned scenarios first, in plan order; nothing more without chains or explore. */
Test(campaign_schedule, planned_in_order_then_done)
{
	struct sched s;

	start(&s, "single = chc,akl\nsets = akl+wlg");
	cr_expect_eq(s.total, 3);
	expect_start(&s, "chc", "done");
	cr_expect_eq(s.index, 1);
	expect_start(&s, "akl", "done");
	expect_start(&s, "akl+wlg", "done");
	cr_expect_eq(sched_next(&s).what, SCHED_DONE);
	cr_expect_eq(sched_next(&s).what, SCHED_DONE);
	cr_expect_eq(s.index, 3);
	finish(&s);
}

/* A set leaving fewer than min_announcing sites is skipped with a warning, and counted. */
Test(campaign_schedule, min_announcing_skips)
{
	struct sched s;
	struct sched_step st;

	start(&s, "single = none\nsets = akl+chc, akl+chc+wlg\nmin_announcing = 2");
	expect_start(&s, "akl+chc", "done");
	st = sched_next(&s);
	cr_assert_eq(st.what, SCHED_SKIP);
	cr_expect_str_eq(s.v[st.scenario].name, "akl+chc+wlg");
	cr_expect_str_eq(s.v[st.scenario].status, "skipped");
	cr_assert_not_null(st.note);
	cr_expect(st.warn);
	cr_expect_not_null(strstr(st.note, "min_announcing 2"), "%s", st.note);
	cr_expect_eq(s.index, 2);
	cr_expect_eq(sched_next(&s).what, SCHED_DONE);
	finish(&s);
}

/*
 * Chains of depth 2: each site's chain grows by the top destination of its
 * traffic in the last link; a link measured already is not run again but
 * the chain grows on from it; a chain ends at a base without a result or
 * without a destination, and the total drops by the links it will not have.
 */
Test(campaign_schedule, chain_growth)
{
	struct sched s;

	start(&s, "single = all\nchains = 2\nmin_announcing = 1");
	cr_expect_eq(s.total, 4 + 4 * 2);
	expect_start(&s, "wlg", "done");
	expect_start(&s, "akl", "done");
	expect_start(&s, "chc", "aborted");
	expect_start(&s, "syd", "unconverged");
	/* wlg -> akl -> chc */
	expect_ask_top(&s, "wlg", WLG);
	sched_top_destination(&s, AKL);
	expect_start(&s, "akl+wlg", "done");
	cr_expect(s.v[s.n - 1].chain);
	expect_ask_top(&s, "akl+wlg", WLG);
	sched_top_destination(&s, CHC);
	expect_start(&s, "akl+chc+wlg", "done");
	/* akl -> wlg (known: no run, total - 1) -> syd */
	expect_ask_top(&s, "akl", AKL);
	sched_top_destination(&s, WLG);
	cr_expect_eq(s.total, 12 - 1);
	expect_ask_top(&s, "akl+wlg", AKL);
	sched_top_destination(&s, SYD);
	expect_start(&s, "akl+syd+wlg", "done");
	/* chc: aborted, no question; its 2 links are off the total */
	/* syd: unconverged is a result; no destination ends it (2 links off) */
	expect_ask_top(&s, "syd", SYD);
	cr_expect_eq(s.total, 11 - 2);
	sched_top_destination(&s, -1);
	cr_expect_eq(s.total, 9 - 2);
	cr_expect_eq(sched_next(&s).what, SCHED_DONE);
	cr_expect_eq(s.index, s.total, "every scenario counted: %zu of %zu", s.index, s.total);
	finish(&s);
}

/*
 * Per-site chain cursors: with wlg's single still measured, akl's chain
 * (its base measured) is handed out; the scheduler waits only when every
 * unfinished chain grows from a scenario still being measured, and names
 * the lowest site's base.
 */
Test(campaign_schedule, chain_not_blocked_by_another_site)
{
	struct sched s;

	start(&s, "single = wlg,akl\nchains = 2\nmin_announcing = 1");
	expect_start(&s, "wlg", "pending");
	expect_start(&s, "akl", "done");
	expect_ask_top(&s, "akl", AKL);
	sched_top_destination(&s, CHC);
	expect_start(&s, "akl+chc", "running");
	expect_wait(&s, "wlg", "wlg and akl+chc are both still measured");
	expect_wait(&s, "wlg", "nothing came in: still waiting");
	s.v[2].status = "done";		/* akl+chc */
	expect_ask_top(&s, "akl+chc", AKL);
	sched_top_destination(&s, SYD);
	expect_start(&s, "akl+chc+syd", "pending");
	expect_wait(&s, "wlg", "akl's chain is complete; wlg's waits");
	s.v[0].status = "done";		/* wlg */
	expect_ask_top(&s, "wlg", WLG);
	sched_top_destination(&s, AKL);
	expect_start(&s, "akl+wlg", "done");
	expect_ask_top(&s, "akl+wlg", WLG);
	sched_top_destination(&s, -1);
	cr_expect_eq(sched_next(&s).what, SCHED_DONE, "both chains ended");
	cr_expect_eq(s.total, 2 + 2 * 2 - 1);
	cr_expect_eq(s.index, s.total, "every scenario counted: %zu of %zu", s.index, s.total);
	finish(&s);
}

/*
 * A made-up top destination: the lowest site not in the scenario, none
 * from 3 sites on; chains meet (akl's first link is wlg's), so links are
 * found measured or in flight already.
 */
static long
fake_top(const struct scenario *sc)
{
	size_t d, j;

	if (sc->nsites >= 3)
		return -1;
	for (d = 0; d < 4; d++) {
		int in = 0;

		for (j = 0; j < sc->nsites; j++)
			in |= sc->sites[j] == d;
		if (!in)
			return (long)d;
	}
	return -1;
}

/*
 * Run the whole campaign with up to `lanes` scenarios in flight (the oldest
 * finishes when the scheduler waits or every lane is busy); returns the
 * scenario names joined in sorted order, and the progress total.
 */
static void
run_with_lanes(size_t lanes, char *names, size_t size, size_t *total, size_t *waits)
{
	size_t flight[8], nflight = 0, i, j;
	struct sched s;
	struct sched_step st;

	*waits = 0;
	start(&s, "single = all\nchains = 2\nmin_announcing = 1");
	for (;;) {
		if (nflight == lanes) {
			s.v[flight[0]].status = "done";
			memmove(flight, flight + 1, --nflight * sizeof(size_t));
		}
		st = sched_next(&s);
		if (st.what == SCHED_DONE)
			break;
		if (st.what == SCHED_START) {
			s.v[st.scenario].status = "pending";
			flight[nflight++] = st.scenario;
		} else if (st.what == SCHED_ASK_TOP) {
			sched_top_destination(&s, fake_top(&s.v[st.scenario]));
		} else {
			cr_assert_eq(st.what, SCHED_WAIT, "step %d", st.what);
			cr_assert_gt(nflight, 0, "a wait with nothing in flight");
			s.v[flight[0]].status = "done";
			memmove(flight, flight + 1, --nflight * sizeof(size_t));
			(*waits)++;
		}
	}
	cr_expect_eq(s.index, s.total, "%zu lanes: %zu of %zu counted", lanes, s.index, s.total);
	/* insertion sort of the names, then joined */
	for (i = 1; i < s.n; i++)
		for (j = i; j > 0 && strcmp(s.v[j - 1].name, s.v[j].name) > 0; j--) {
			struct scenario t = s.v[j];

			s.v[j] = s.v[j - 1];
			s.v[j - 1] = t;
		}
	names[0] = '\0';
	for (i = 0; i < s.n; i++)
		snprintf(names + strlen(names), size - strlen(names), "%s ", s.v[i].name);
	*total = s.total;
	finish(&s);
}

/*
 * The same results give the same campaign whatever the lanes: with 4 in
 * flight the scenarios are those of a sequential run, a link met twice
 * runs once (measured or still in flight), and the total comes out even.
 */
Test(campaign_schedule, chains_same_content_with_lanes)
{
	char one[1024], four[1024];
	size_t total1, total4, waits1, waits4;

	run_with_lanes(1, one, sizeof(one), &total1, &waits1);
	run_with_lanes(4, four, sizeof(four), &total4, &waits4);
	cr_expect_str_eq(one, "akl akl+chc+wlg akl+syd+wlg akl+wlg chc chc+wlg syd syd+wlg wlg ",
	    "%s", one);
	cr_expect_str_eq(four, one);
	cr_expect_eq(total1, 9);
	cr_expect_eq(total4, total1);
	cr_expect_eq(waits1, 0, "one at a time, nothing waits");
	cr_expect_gt(waits4, 0, "four at a time, chains wait for their bases");
}

/* A chain link whose run is aborted ends the chain there. */
Test(campaign_schedule, aborted_link_ends_chain)
{
	struct sched s;

	start(&s, "single = wlg\nchains = 3\nmin_announcing = 1");
	expect_start(&s, "wlg", "done");
	expect_ask_top(&s, "wlg", WLG);
	sched_top_destination(&s, CHC);
	expect_start(&s, "chc+wlg", "aborted");
	/* no question on chc+wlg; akl, chc and syd have no single scenario */
	cr_expect_eq(sched_next(&s).what, SCHED_DONE);
	finish(&s);
}

/*
 * Explore: first the sets an earlier run explored (known ones and those
 * naming a site no longer configured are left out), then explore's
 * choices until the budget is spent or nothing is left to learn.
 */
Test(campaign_schedule, resumed_then_explored)
{
	static char *earlier[] = { "akl", "chc+syd", "akl+gone", "akl+wlg" };
	const size_t pair[] = { WLG, SYD };
	struct sched s;
	struct sched_step st;

	start(&s, "single = akl\nsets = akl+wlg\nexplore = 3\nmin_announcing = 2");
	cr_expect_eq(s.total, 2 + 3);
	expect_start(&s, "akl", "done");
	expect_start(&s, "akl+wlg", "done");
	cr_assert_eq(sched_next(&s).what, SCHED_ASK_RESUMED);
	cr_expect_eq(sched_resumed(&s, earlier, 4), 1);
	expect_start(&s, "chc+syd", "done");
	cr_assert_eq(sched_next(&s).what, SCHED_ASK_EXPLORE);
	sched_explored(&s, pair, 2);
	expect_start(&s, "syd+wlg", "done");
	cr_assert_eq(sched_next(&s).what, SCHED_ASK_EXPLORE);
	sched_explored(&s, NULL, 2);
	st = sched_next(&s);
	cr_assert_eq(st.what, SCHED_DONE);
	cr_assert_not_null(st.note);
	cr_expect_not_null(strstr(st.note, "after 2 explored"), "%s", st.note);
	cr_expect_eq(s.total, 2 + 2, "one explore slot unused");
	finish(&s);
}

/* The explore budget ends the step; an impossible explore_size is refused with a note. */
Test(campaign_schedule, explore_budget_and_refusal)
{
	const size_t pair[] = { AKL, CHC };
	struct sched s;
	struct sched_step st;

	start(&s, "single = none\nexplore = 1\nmin_announcing = 2");
	cr_assert_eq(sched_next(&s).what, SCHED_ASK_RESUMED);
	sched_resumed(&s, NULL, 0);
	cr_assert_eq(sched_next(&s).what, SCHED_ASK_EXPLORE);
	sched_explored(&s, pair, 2);
	expect_start(&s, "akl+chc", "done");
	cr_expect_eq(sched_next(&s).what, SCHED_DONE);
	finish(&s);

	start(&s, "single = none\nexplore = 2\nexplore_size = 3\nmin_announcing = 2");
	st = sched_next(&s);
	cr_assert_eq(st.what, SCHED_DONE);
	cr_assert_not_null(st.note);
	cr_expect(st.warn);
	cr_expect_not_null(strstr(st.note, "nothing explored"), "%s", st.note);
	cr_expect_eq(s.total, 0);
	finish(&s);
}

/*
 * Validate comes after the chains and before explore: its picks are
 * marked as validations, its end note says how many it measured, and an
 * unused slot leaves the progress total.
 */
Test(campaign_schedule, validate_before_explore)
{
	const size_t pair[] = { WLG, SYD };
	struct sched s;
	struct sched_step st;

	start(&s, "single = akl\nvalidate = 2\nexplore = 1\nmin_announcing = 2");
	cr_expect_eq(s.total, 1 + 2 + 1);
	expect_start(&s, "akl", "done");
	cr_expect_not(s.v[0].validation);
	cr_assert_eq(sched_next(&s).what, SCHED_ASK_VALIDATE);
	sched_validated(&s, pair, 2);
	expect_start(&s, "syd+wlg", "done");
	cr_expect(s.v[1].validation);
	cr_assert_eq(sched_next(&s).what, SCHED_ASK_VALIDATE);
	sched_validated(&s, NULL, 2);
	st = sched_next(&s);
	cr_assert_eq(st.what, SCHED_ASK_RESUMED);
	cr_assert_not_null(st.note);
	cr_expect_not_null(strstr(st.note, "after 1 validated"), "%s", st.note);
	cr_expect_eq(s.total, 1 + 1 + 1, "one validate slot unused");
	sched_resumed(&s, NULL, 0);
	cr_assert_eq(sched_next(&s).what, SCHED_ASK_EXPLORE);
	finish(&s);

	start(&s, "single = none\nvalidate = 2\nexplore_size = 3\nmin_announcing = 2");
	st = sched_next(&s);
	cr_assert_eq(st.what, SCHED_DONE);
	cr_assert_not_null(st.note);
	cr_expect(st.warn);
	cr_expect_not_null(strstr(st.note, "nothing validated"), "%s", st.note);
	cr_expect_eq(s.total, 0);
	finish(&s);
}

/*
 * Convergence: settled only when no sampled reply lands at a withdrawn
 * site and two samples agree within the tolerance.
 */
Test(campaign_converge, two_samples_within_tolerance)
{
	const long long withdrawn[] = { 7, 9 };
	long long prev[100], now[100];
	struct converge_verdict v;
	size_t i;

	for (i = 0; i < 100; i++)
		prev[i] = now[i] = 1 + (long long)(i % 3);
	v = converge_judge(now, NULL, 100, withdrawn, 2, 0.01);
	cr_expect_eq(v.at_withdrawn, 0);
	cr_expect_not(v.settled, "one sample is never enough");
	v = converge_judge(now, prev, 100, withdrawn, 2, 0.01);
	cr_expect(v.settled);
	cr_expect_eq(v.changed, 0);
	now[5] = 3 + 1;		/* 1 of 100 moved: within 1% */
	v = converge_judge(now, prev, 100, withdrawn, 2, 0.01);
	cr_expect_eq(v.changed, 1);
	cr_expect(v.settled);
	now[6] = 5;		/* 2 of 100: outside 1% */
	v = converge_judge(now, prev, 100, withdrawn, 2, 0.01);
	cr_expect_eq(v.changed, 2);
	cr_expect_not(v.settled);
	memcpy(now, prev, sizeof(now));
	now[50] = 9;		/* one reply still at a withdrawn site */
	v = converge_judge(now, prev, 100, withdrawn, 2, 0.5);
	cr_expect_eq(v.at_withdrawn, 1);
	cr_expect_not(v.settled, "a reply at a withdrawn site means not converged");
	now[50] = 0;		/* no reply is not a withdrawn site */
	v = converge_judge(now, prev, 100, withdrawn, 2, 0.01);
	cr_expect_eq(v.at_withdrawn, 0);
	cr_expect(v.settled);
}

/* After an announcement: back when (1 - tolerance) of the sample is at its baseline sites. */
Test(campaign_converge, back_at_baseline)
{
	const long long baseline[] = { 1, 1, 2, 2, 3, 3, 1, 2, 3, 1 };
	long long now[10];
	size_t back;

	memcpy(now, baseline, sizeof(now));
	cr_expect(converge_back(now, baseline, 10, 0.0, &back));
	cr_expect_eq(back, 10);
	now[0] = 2;
	cr_expect_not(converge_back(now, baseline, 10, 0.0, &back));
	cr_expect_eq(back, 9);
	cr_expect(converge_back(now, baseline, 10, 0.1, &back));
	now[1] = 0;
	cr_expect_not(converge_back(now, baseline, 10, 0.1, &back));
}
