/*
 * test_predict.c: the prediction model on a small database whose answers
 * are worked out by hand below: known orders, an order only partly known,
 * a target lost in a needed scenario, confidence per row, the prediction
 * of a measured set equal to its matrix, evaluate's leave-one-out, and
 * explore's choice of the next set.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "evaluate.h"
#include "explore_pick.h"
#include "matrix.h"
#include "predict.h"
#include "config.h"
#include "db.h"
#include "fixture.h"

/*
 * Sites A 1, B 2, C 3, D 4, E 5 (indexes 0-4). Targets (id: list site,
 * weight; baseline reply; {A}; {A,B}), known order after the arrow:
 *    1: A, 1;  A; B; C        -> A B C
 *    2: A, 2;  A; B; D        -> A B D
 *    3: A, 3;  A; C; C        -> A C      ({A,C} never measured: partly known)
 *    4: A, 4;  A; -; -        -> A        (lost in {A}: the rest is unknown)
 *    5: B, 5;  B; {B}: A; {A,B}: C -> B A C
 *    6: C, 6;  C; {C}: D; also a control reply at C in {A} -> C D
 *    7: A, 7;  silent in the baseline (excluded, counted in baseline_targets)
 *    8: A, 8;  A; D; D        -> A D
 *    9: A, 9;  A; B; -        -> A B      (lost in {A,B})
 *   10: A, 10; A; E; E        -> A E
 * Campaign 1 (done): baseline round 1; scenarios A (round 2), B (3), C (4),
 * A+B (5). Campaign 2 (done): baseline round 6 as round 1, and only A
 * (round 7, as round 2): everything else must be predicted.
 */
static const char *fixture_sql =
    "INSERT INTO sites (id, name) VALUES (1, 'A'), (2, 'B'), (3, 'C'), (4, 'D'), (5, 'E');"
    "INSERT INTO targets (id, addr, family, site_id, weight) VALUES"
    " (1, X'C6120001', 4, 1, 1), (2, X'C6120002', 4, 1, 2), (3, X'C6120003', 4, 1, 3),"
    " (4, X'C6120004', 4, 1, 4), (5, X'C6120005', 4, 2, 5), (6, X'C6120006', 4, 3, 6),"
    " (7, X'C6120007', 4, 1, 7), (8, X'C6120008', 4, 1, 8), (9, X'C6120009', 4, 1, 9),"
    " (10, X'C612000A', 4, 1, 10);"
    "INSERT INTO campaigns (id, started_us, status) VALUES (1, 1, 'done'), (2, 2, 'done');"
    "INSERT INTO scenarios (id, campaign_id, withdrawn) VALUES (1, 1, 'A'), (2, 1, 'B'),"
    " (3, 1, 'C'), (4, 1, 'A+B'), (5, 2, 'A');"
    "INSERT INTO rounds (id, campaign_id, scenario_id, kind, status) VALUES"
    " (1, 1, NULL, 'baseline', 'complete'), (2, 1, 1, 'scenario', 'complete'),"
    " (3, 1, 2, 'scenario', 'complete'), (4, 1, 3, 'scenario', 'complete'),"
    " (5, 1, 4, 'scenario', 'complete'), (6, 2, NULL, 'baseline', 'complete'),"
    " (7, 2, 5, 'scenario', 'complete');"
    "INSERT INTO responses (round_id, target_id, site_id, received_us) VALUES"
    " (1, 1, 1, 0), (1, 2, 1, 0), (1, 3, 1, 0), (1, 4, 1, 0), (1, 5, 2, 0), (1, 6, 3, 0),"
    " (1, 8, 1, 0), (1, 9, 1, 0), (1, 10, 1, 0),"
    " (2, 1, 2, 0), (2, 2, 2, 0), (2, 3, 3, 0), (2, 8, 4, 0), (2, 9, 2, 0), (2, 10, 5, 0),"
    " (2, 6, 3, 0),"
    " (3, 5, 1, 0), (4, 6, 4, 0),"
    " (5, 1, 3, 0), (5, 2, 4, 0), (5, 3, 3, 0), (5, 8, 4, 0), (5, 10, 5, 0), (5, 5, 3, 0),"
    " (6, 1, 1, 0), (6, 2, 1, 0), (6, 3, 1, 0), (6, 4, 1, 0), (6, 5, 2, 0), (6, 6, 3, 0),"
    " (6, 8, 1, 0), (6, 9, 1, 0), (6, 10, 1, 0),"
    " (7, 1, 2, 0), (7, 2, 2, 0), (7, 3, 3, 0), (7, 8, 4, 0), (7, 9, 2, 0), (7, 10, 5, 0);";

enum { A, B, C, D, E };

static struct tp_db *db;
static struct pd_model *md;

/* A fresh database holding the fixture, and campaign 1's model. */
static void
setup(void)
{
	md = fixture_model("p.db", fixture_sql, &db);
}

/* Free the model, close and remove the database. */
static void
teardown(void)
{
	fixture_model_free(md, db);
}

/* The row of a prediction coming from `from`. */
static size_t
row_of(const struct pd_prediction *p, const char *from)
{
	size_t i;

	for (i = 0; i < p->m.nrows; i++)
		if (strcmp(p->m.rows[i].from, from) == 0)
			return i;
	cr_assert_fail("no row from %s", from);
	return 0;
}

/* The predicted site of target id, and whether it is determined. */
static int32_t
site_of(const struct pd_prediction *p, long long id, int *determined)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->target[i] == id) {
			*determined = p->determined[i];
			return p->site[i];
		}
	cr_assert_fail("target %lld is not in the prediction", id);
	return 0;
}

/* Predict set, or fail the test. */
static void
predict(const char *set, struct pd_prediction *p)
{
	fixture_predict(md, set, p);
}

TestSuite(predict, .init = setup, .fini = teardown);

/* Per target of A+C: site and whether the measurements determine it. */
Test(predict, targets_of_an_unmeasured_pair)
{
	static const struct { long long id; int32_t site; int determined; } want[] = {
		{ 1, B, 1 },	/* A B C: B is the first site not withdrawn */
		{ 2, B, 1 },
		{ 3, B, 0 },	/* A C, then unknown: follows A's determined targets, B 3/5 */
		{ 4, B, 0 },	/* lost in {A}: the same */
		{ 8, D, 1 },
		{ 9, B, 1 },	/* lost in {A,B}, but B is enough here */
		{ 10, E, 1 },
		{ 6, D, 1 },	/* C D */
	};
	struct pd_prediction p;
	size_t i;
	int det;

	predict("A+C", &p);
	cr_assert_eq(p.n, 8, "the targets of A and C that answered the baseline");
	cr_expect_not(p.measured);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cr_expect_eq(site_of(&p, want[i].id, &det), want[i].site, "target %lld",
		    want[i].id);
		cr_expect_eq(det, want[i].determined, "target %lld determined", want[i].id);
	}
	cr_expect_eq(p.ndetermined, 6);
	pd_prediction_free(&p);
}

/*
 * Row A of A+C: 7 responsive (weight 37), 5 determined (B B D B E); targets
 * 3 and 4 follow them: B 3/5, D 1/5, E 1/5. Expected B = 3 + 2 * 0.6 = 4.2,
 * D = 1.4, E = 1.4; rounded to 7: B 4, D 2 (tie with E, the lower site),
 * E 1. By weight: B = 1 + 2 + 9 + 7 * 0.6 = 16.2, D = 8 + 1.4 = 9.4, E = 11.4.
 * Confidence 5/7; row C 1/1; combined 6/8. baseline_targets counts 7.
 */
Test(predict, rows_and_confidence)
{
	struct pd_prediction p;
	const struct mx_row *r;
	const struct pd_row *pr;

	predict("A+C", &p);
	cr_assert_eq(p.m.nrows, 3);
	r = &p.m.rows[row_of(&p, "A")];
	pr = &p.rows[row_of(&p, "A")];
	cr_expect_eq(r->responsive, 7);
	cr_expect_eq(r->baseline_targets, 8);
	cr_expect_float_eq(r->responsive_weight, 37, 1e-9);
	cr_expect_float_eq(pr->expect[B], 4.2, 1e-9);
	cr_expect_float_eq(pr->expect[D], 1.4, 1e-9);
	cr_expect_float_eq(pr->expect[E], 1.4, 1e-9);
	cr_expect_float_eq(pr->expect[5], 0, 1e-9, "nobody expected lost");
	cr_expect_eq(r->to[B], 4);
	cr_expect_eq(r->to[D], 2);
	cr_expect_eq(r->to[E], 1);
	cr_expect_eq(r->answered, 7);
	cr_expect_float_eq(r->to_weight[B], 16.2, 1e-9);
	cr_expect_float_eq(r->to_weight[D], 9.4, 1e-9);
	cr_expect_float_eq(r->to_weight[E], 11.4, 1e-9);
	cr_expect_float_eq(pr->determined_share, 5.0 / 7, 1e-9);
	cr_expect_float_eq(p.rows[row_of(&p, "C")].determined_share, 1, 1e-9);
	cr_expect_eq(p.m.rows[row_of(&p, "C")].to[D], 1);
	r = &p.m.rows[row_of(&p, "A+C")];
	cr_expect(r->combined);
	cr_expect_eq(r->responsive, 8);
	cr_expect_eq(r->to[D], 3, "the sum of the site rows");
	cr_expect_float_eq(p.rows[row_of(&p, "A+C")].determined_share, 0.75, 1e-9);
	pd_prediction_free(&p);
}

/*
 * A+B+D: 9 is lost in {A,B} with order A B; target 1 (A B C) is the only
 * determined target with that order as a prefix, so 9 goes to C alone,
 * not to A's mix. 2 (A B D), 4 (A) and 8 (A D) follow A's determined
 * targets 1, 3 (C) and 10 (E): C 2/3, E 1/3. Row A: C = 2 + 1 + 2 = 5,
 * E = 2; confidence 3/7. Row B: 5 (B A C) goes to C; confidence 1. Row D
 * has no targets: confidence is not a number. Combined 4/8.
 */
Test(predict, same_order_first)
{
	struct pd_prediction p;
	const struct pd_row *pr;
	int det;

	predict("A+B+D", &p);
	cr_expect_eq(site_of(&p, 9, &det), C);
	cr_expect_not(det);
	pr = &p.rows[row_of(&p, "A")];
	cr_expect_float_eq(pr->expect[C], 5, 1e-9);
	cr_expect_float_eq(pr->expect[E], 2, 1e-9);
	cr_expect_float_eq(pr->determined_share, 3.0 / 7, 1e-9);
	cr_expect_eq(site_of(&p, 5, &det), C);
	cr_expect(det);
	cr_expect(isnan(p.rows[row_of(&p, "D")].determined_share));
	cr_expect_eq(p.m.rows[row_of(&p, "D")].responsive, 0);
	cr_expect_float_eq(p.rows[row_of(&p, "A+B+D")].determined_share, 0.5, 1e-9);
	pd_prediction_free(&p);
}

/* A measured set is its measurement: every count equals the matrix, confidence 1. */
Test(predict, measured_set_equals_matrix)
{
	struct failover_matrix m;
	struct pd_prediction p;
	struct tp_err err;
	size_t i, s;

	predict("A+B", &p);
	cr_expect(p.measured);
	cr_assert_eq(matrix_build(db, 1, "A+B", &m, &err), 0, "%s", err.msg);
	cr_assert_eq(p.m.nrows, m.nrows);
	for (i = 0; i < m.nrows; i++) {
		cr_expect_str_eq(p.m.rows[i].from, m.rows[i].from);
		cr_expect_eq(p.m.rows[i].responsive, m.rows[i].responsive);
		cr_expect_eq(p.m.rows[i].answered, m.rows[i].answered, "%s", m.rows[i].from);
		cr_expect_float_eq(p.rows[i].determined_share, 1, 1e-9);
		for (s = 0; s < m.nsites; s++) {
			cr_expect_eq(p.m.rows[i].to[s], m.rows[i].to[s], "%s -> %s",
			    m.rows[i].from, m.sites[s].name);
			cr_expect_float_eq(p.m.rows[i].to_weight[s], m.rows[i].to_weight[s], 1e-9);
		}
	}
	cr_expect_eq(p.m.scenarios[0].round, 5);
	matrix_free(&m);
	pd_prediction_free(&p);
}

/*
 * With only {A} measured (campaign 2), B's and C's targets know nothing
 * beyond their baseline site: B alone falls back to all determined targets
 * of the set, and with none, to every site not withdrawn, evenly.
 */
Test(predict, fallbacks)
{
	struct pd_model *m2;
	struct pd_prediction p;
	struct tp_err err;
	const struct pd_row *pr;
	int det;

	cr_assert_eq(pd_model_load(db, 2, &m2, &err), 0, "%s", err.msg);
	cr_assert_eq(pd_predict(m2, "B", &p, &err), 0, "%s", err.msg);
	pr = &p.rows[0];
	cr_expect_float_eq(pr->expect[A] + pr->expect[C] + pr->expect[D] + pr->expect[E], 1,
	    1e-9);
	cr_expect_float_eq(pr->expect[C], 0.25, 1e-9, "evenly over the 4 other sites");
	cr_expect_float_eq(pr->determined_share, 0, 1e-9);
	pd_prediction_free(&p);
	/* A+B: 1 (A B) is undetermined, {A,B} not being measured in campaign 2. */
	cr_assert_eq(pd_predict(m2, "A+B", &p, &err), 0, "%s", err.msg);
	cr_expect_eq(site_of(&p, 1, &det), C, "C, D, E a third each: the lowest");
	cr_expect_not(det, "B is withdrawn and {A,B} not measured");
	cr_expect_eq(site_of(&p, 3, &det), C);
	cr_expect(det);
	/* Undetermined A targets follow A's determined ones: 3 C, 8 D, 10 E. */
	pr = &p.rows[row_of(&p, "A")];
	cr_expect_float_eq(pr->expect[C], 1 + 4.0 / 3, 1e-9);
	/* 5 (order B) has no determined target like it: all of the set's (C D E). */
	cr_expect_float_eq(p.rows[row_of(&p, "B")].expect[D], 1.0 / 3, 1e-9);
	pd_prediction_free(&p);
	pd_model_free(m2);
}

/* Unknown sites and empty sets are errors naming the problem. */
Test(predict, bad_sets)
{
	struct pd_prediction p;
	struct tp_err err;

	cr_expect_eq(pd_predict(md, "A+XYZ", &p, &err), -1);
	cr_expect(strstr(err.msg, "XYZ") != NULL, "%s", err.msg);
	cr_expect_eq(pd_predict(md, "", &p, &err), -1);
}

/*
 * Leave A+B out: 1 2 9 (A B) and 4 (A) follow A's determined 3 C, 8 D,
 * 10 E (a third each: C, the lowest, is the likeliest); 5 (B A) has no
 * determined B target and follows the set's: C too. Measured: 1 C right,
 * 2 D wrong, 3 C right, 8 D right, 10 E right, 5 C right; 4 and 9 lost.
 * 6 of 8 answered, 5 right; 3 of 8 determined. The largest share error is
 * row B: predicted C 1/3, measured C 1: 2/3, by count and by weight.
 * Control: the one reply of another site's target (6 in {A}) stayed.
 */
Test(predict, evaluate_leave_one_out)
{
	struct evaluation ev;
	struct tp_err err;

	cr_assert_eq(evaluate_run(db, 1, 0, &ev, &err), 0, "%s", err.msg);
	cr_assert_eq(ev.n, 1);
	cr_expect_str_eq(ev.scenarios[0].withdrawn, "A+B");
	cr_expect_eq(ev.scenarios[0].targets, 8);
	cr_expect_eq(ev.scenarios[0].answered, 6);
	cr_expect_eq(ev.scenarios[0].right, 5);
	cr_expect_eq(ev.scenarios[0].determined, 3);
	cr_expect_float_eq(ev.scenarios[0].max_error, 2.0 / 3, 1e-9);
	cr_expect_float_eq(ev.scenarios[0].max_weighted_error, 2.0 / 3, 1e-9);
	cr_expect_eq(ev.all.control, 1);
	cr_expect_eq(ev.all.stayed, 1);
	cr_expect_eq(ev.all.right, 5);
	evaluation_free(&ev);
}

/*
 * Campaign 2 (only {A}) against campaign 1's A+B: nothing is left out,
 * campaign 2 simply knows less; 1 2 9 (A B) follow A's determined (3 C,
 * 8 D, 10 E) and so does 4: C; 5 follows the set's: C. Right: 1 3 8 10 5.
 */
Test(predict, evaluate_against_another_campaign)
{
	struct evaluation ev;
	struct tp_err err;

	cr_assert_eq(evaluate_run(db, 2, 1, &ev, &err), 0, "%s", err.msg);
	cr_assert_eq(ev.n, 1);
	cr_expect_eq(ev.compare, 1);
	cr_expect_eq(ev.scenarios[0].answered, 6);
	cr_expect_eq(ev.scenarios[0].right, 5);
	evaluation_free(&ev);
	/* Campaign 2 measured no set of two sites: nothing to evaluate. */
	cr_expect_eq(evaluate_run(db, 2, 0, &ev, &err), -1);
	cr_expect(strstr(err.msg, "no measured scenario of two or more") != NULL, "%s", err.msg);
	evaluation_free(&ev);
}

/* explore, explore_size and validate: defaults, values, and out-of-range values refused. */
Test(predict_config, explore_keys, .fini = fixture_cleanup)
{
	static const struct {
		const char *lines;
		int ok;
		unsigned explore, size, validate;
		const char *key;
	} rows[] = {
		{ "", 1, 0, 2, 0, NULL },
		{ "explore = 5\nexplore_size = 3\nvalidate = 2\n", 1, 5, 3, 2, NULL },
		{ "explore = -1\n", 0, 0, 0, 0, "explore" },
		{ "explore_size = 0\n", 0, 0, 0, 0, "explore" },
		{ "explore_size = 65\n", 0, 0, 0, 0, "explore" },
		{ "explore = many\n", 0, 0, 0, 0, "explore" },
		{ "validate = -2\n", 0, 0, 0, 0, "validate" },
		{ "validate = 100001\n", 0, 0, 0, 0, "validate" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char text[512];
		struct tp_conf c;
		struct tp_err err = { "" };
		int rc;

		snprintf(text, sizeof(text), "[campaign]\n%s[site akl]\nbird_socket = /run/a.ctl\n"
		    "[site wlg]\nbird_socket = /run/w.ctl\n", rows[i].lines);
		rc = tp_conf_load(fixture_write("tp.conf", text), &c, &err);
		cr_expect_eq(rc, rows[i].ok ? 0 : -1, "row %zu: %s", i, err.msg);
		if (rc == 0) {
			cr_expect_eq(c.explore, rows[i].explore, "row %zu", i);
			cr_expect_eq(c.explore_size, rows[i].size, "row %zu", i);
			cr_expect_eq(c.validate, rows[i].validate, "row %zu", i);
			tp_conf_free(&c);
		} else
			cr_expect(strstr(err.msg, rows[i].key) != NULL, "row %zu: %s", i, err.msg);
	}
}

/* explore_pick: the sites in configuration order. */
static const char *const names[] = { "A", "B", "C", "D", "E" };

TestSuite(explore_pick, .init = setup, .fini = teardown);

/*
 * Undetermined targets per unmeasured pair (the orders at the top):
 *   A+C: 3 (A C, both withdrawn), 4 (A, lost)        2 of 8, confidence 6/8
 *   A+D: 4, 8 (A D)                                   2 of 7, confidence 5/7
 *   A+E: 4, 10 (A E)                                  2 of 7, confidence 5/7
 *   C+D: 6 (C D)                                      1 of 1
 *   B+C B+D B+E C+E D+E: none.
 * Most undetermined first, then the lower confidence, then the first in
 * combination order: A+D, A+E, A+C, C+D, then nothing.
 */
Test(explore_pick, least_known_in_order)
{
	static const struct {
		const char *set;
		size_t open;
		double confidence;
		size_t first, second;
	} want[] = {
		{ "A+D", 2, 5.0 / 7, 0, 3 }, { "A+E", 2, 5.0 / 7, 0, 4 },
		{ "A+C", 2, 6.0 / 8, 0, 2 }, { "C+D", 1, 0, 2, 3 },
	};
	const char *known[8] = { "A", "B", "C", "A+B" };
	char kept[4][8];
	size_t nknown = 4, i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct explore_choice ch;
		struct tp_err err;

		cr_assert_eq(explore_pick(md, NULL, names, 5, 2, known, nknown, &ch, &err), 0, "%s",
		    err.msg);
		cr_assert_not_null(ch.set, "step %zu", i);
		cr_expect_str_eq(ch.set, want[i].set, "step %zu", i);
		cr_expect_eq(ch.open, want[i].open, "%s", ch.set);
		cr_expect_float_eq(ch.confidence, want[i].confidence, 1e-9, "%s", ch.set);
		cr_assert_eq(ch.k, 2);
		cr_expect_eq(ch.sites[0], want[i].first, "%s", ch.set);
		cr_expect_eq(ch.sites[1], want[i].second, "%s", ch.set);
		snprintf(kept[i], sizeof(kept[i]), "%s", ch.set);
		known[nknown++] = kept[i];
		explore_choice_free(&ch);
	}
}

/* With only fully determined pairs left, or sets larger than the sites, nothing is chosen. */
Test(explore_pick, nothing_left_to_learn)
{
	const char *known[] = { "A", "B", "C", "A+B", "A+C", "A+D", "A+E", "C+D" };
	struct explore_choice ch;
	struct tp_err err;

	cr_assert_eq(explore_pick(md, NULL, names, 5, 2, known, 8, &ch, &err), 0, "%s", err.msg);
	cr_expect_null(ch.set);
	cr_expect_null(ch.sites);
	cr_assert_eq(explore_pick(md, NULL, names, 5, 6, known, 0, &ch, &err), 0, "%s", err.msg);
	cr_expect_null(ch.set);
}

/* A site the model does not know is an error, not a silent choice. */
Test(explore_pick, unknown_site_fails)
{
	static const char *const more[] = { "A", "B", "C", "D", "E", "Z" };
	const char *known[] = { "A" };
	struct explore_choice ch;
	struct tp_err err;

	cr_assert_eq(explore_pick(md, NULL, more, 6, 2, known, 1, &ch, &err), -1);
	cr_expect_null(ch.set);
	cr_expect_not_null(strstr(err.msg, "Z"), "%s", err.msg);
}
