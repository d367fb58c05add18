/*
 * test_validate.c: path hiding as the model sees it, on a small database
 * built like data/topologies/hiding.topo (sites ams, ber, cph, dub;
 * targets 1 and 2 of client network x at ams, 3 of n at cph, 4 of m at
 * ber). Campaign 1 measured the singles and the chains ams+ber and
 * cph+dub; campaign 2 the same plus ams+cph, where targets 1 and 2 went to
 * dub (a route cph hid), not to ber as their orders say.
 *
 * Known orders: 1, 2: ams ber cph; 3: cph dub ams; 4: ber ams cph.
 * Failover partners (where a site's targets went when it alone was
 * withdrawn): ams -> ber, ber -> ams, cph -> dub, dub none.
 *
 * Covered: exposure, validate's pick (by cost, every third at random, at
 * random when nothing is exposed, reproducible),
 * the Wilson interval, the calibrated confidence of a row, the stratum
 * fallback, no confidence without validations, evaluate's split, explore
 * weighted by the violation rate, and the validations table's upgrade.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "calibrate.h"
#include "db.h"
#include "db_migrations.h"
#include "evaluate.h"
#include "explore_pick.h"
#include "fixture.h"
#include "predict.h"
#include "validate_pick.h"

static const char *fixture_sql =
    "INSERT INTO sites (id, name) VALUES (1, 'ams'), (2, 'ber'), (3, 'cph'), (4,"
    " 'dub');"
    "INSERT INTO targets (id, addr, family, site_id) VALUES (1, X'C6120101', 4, 1),"
    " (2, X'C6120201', 4, 1), (3, X'C6120301', 4, 3), (4, X'C6120401', 4, 2);"
    "INSERT INTO campaigns (id, started_us, status) VALUES (1, 1, 'done'), (2, 2,"
    " 'done');"
    "INSERT INTO scenarios (id, campaign_id, withdrawn) VALUES (1, 1, 'ams'), (2, 1,"
    " 'ber'), (3, 1, 'cph'), (4, 1, 'dub'), (5, 1, 'ams+ber'), (6, 1, 'cph+dub'), (11,"
    " 2, 'ams'), (12, 2, 'ber'), (13, 2, 'cph'), (14, 2, 'dub'), (15, 2, 'ams+ber'),"
    " (16, 2, 'cph+dub'), (17, 2, 'ams+cph');"
    "INSERT INTO rounds (id, campaign_id, scenario_id, kind, status) VALUES (1, 1,"
    " NULL, 'baseline', 'complete'), (2, 1, 1, 'scenario', 'complete'), (3, 1, 2,"
    " 'scenario', 'complete'), (4, 1, 3, 'scenario', 'complete'), (5, 1, 4,"
    " 'scenario', 'complete'), (6, 1, 5, 'scenario', 'complete'), (7, 1, 6,"
    " 'scenario', 'complete'), (11, 2, NULL, 'baseline', 'complete'), (12, 2, 11,"
    " 'scenario', 'complete'), (13, 2, 12, 'scenario', 'complete'), (14, 2, 13,"
    " 'scenario', 'complete'), (15, 2, 14, 'scenario', 'complete'), (16, 2, 15,"
    " 'scenario', 'complete'), (17, 2, 16, 'scenario', 'complete'), (18, 2, 17,"
    " 'scenario', 'complete');"
    "INSERT INTO responses (round_id, target_id, site_id, received_us) VALUES (1, 1,"
    " 1, 0), (1, 2, 1, 0), (1, 3, 3, 0), (1, 4, 2, 0), (2, 1, 2, 0), (2, 2, 2, 0), (2,"
    " 3, 3, 0), (2, 4, 2, 0), (3, 1, 1, 0), (3, 2, 1, 0), (3, 3, 3, 0), (3, 4, 1, 0),"
    " (4, 1, 1, 0), (4, 2, 1, 0), (4, 3, 4, 0), (4, 4, 2, 0), (5, 1, 1, 0), (5, 2, 1,"
    " 0), (5, 3, 3, 0), (5, 4, 2, 0), (6, 1, 3, 0), (6, 2, 3, 0), (6, 3, 3, 0), (6, 4,"
    " 3, 0), (7, 1, 1, 0), (7, 2, 1, 0), (7, 3, 1, 0), (7, 4, 2, 0), (11, 1, 1, 0),"
    " (11, 2, 1, 0), (11, 3, 3, 0), (11, 4, 2, 0), (12, 1, 2, 0), (12, 2, 2, 0), (12,"
    " 3, 3, 0), (12, 4, 2, 0), (13, 1, 1, 0), (13, 2, 1, 0), (13, 3, 3, 0), (13, 4, 1,"
    " 0), (14, 1, 1, 0), (14, 2, 1, 0), (14, 3, 4, 0), (14, 4, 2, 0), (15, 1, 1, 0),"
    " (15, 2, 1, 0), (15, 3, 3, 0), (15, 4, 2, 0), (16, 1, 3, 0), (16, 2, 3, 0), (16,"
    " 3, 3, 0), (16, 4, 3, 0), (17, 1, 1, 0), (17, 2, 1, 0), (17, 3, 1, 0), (17, 4, 2,"
    " 0), (18, 1, 4, 0), (18, 2, 4, 0), (18, 3, 4, 0), (18, 4, 2, 0);"
    ;

static const char *const names[] = { "ams", "ber", "cph", "dub" };
static const char *const measured[] = { "ams", "ber", "cph", "dub", "ams+ber", "cph+dub" };

static struct tp_db *db;
static struct pd_model *md;

/* The fixture database and campaign 1's model. */
static void
setup(void)
{
	md = fixture_model("v.db", fixture_sql, &db);
}

/* Free the model, close and remove the database. */
static void
teardown(void)
{
	fixture_model_free(md, db);
}

/* Predict set, or fail the test. */
static void
predict(const char *set, struct pd_prediction *p)
{
	fixture_predict(md, set, p);
}

/* Whether target id is exposed in p (it must be there). */
static int
exposed_of(const struct pd_prediction *p, long long id)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->target[i] == id)
			return p->exposed[i];
	cr_assert_fail("target %lld is not in the prediction", id);
	return 0;
}

/* The row of p from `from`. */
static const struct pd_row *
row_of(const struct pd_prediction *p, const char *from)
{
	size_t i;

	for (i = 0; i < p->m.nrows; i++)
		if (strcmp(p->m.rows[i].from, from) == 0)
			return &p->rows[i];
	cr_assert_fail("no row from %s", from);
	return NULL;
}

/* Store a validation's outcome for campaign 1; groups are the targets' distinct orders. */
static void
validation(const char *set, int answered, int held, int exposed_answered, int exposed_held,
    int groups, int exposed_groups)
{
	char sql[512];
	struct tp_err err;

	snprintf(sql, sizeof(sql), "INSERT INTO validations (campaign_id, withdrawn, chosen, "
	    "determined, answered, held, exposed_answered, exposed_held, groups, exposed_groups) "
	    "VALUES (1, '%s', 'cost', %d, %d, %d, %d, %d, %d, %d)", set, answered, answered, held,
	    exposed_answered, exposed_held, groups, exposed_groups);
	cr_assert_eq(tp_db_exec(db, sql, &err), 0, "%s", err.msg);
}

/* Load the calibration of campaign 1, or fail. */
static void
calibration(struct pd_calibration *cal)
{
	struct tp_err err;

	cr_assert_eq(pd_calibration_load(db, md, cal, &err), 0, "%s", err.msg);
}

TestSuite(validate, .init = setup, .fini = teardown);

/*
 * ams+cph: 1 and 2 go to ber by their order, but cph (withdrawn, not in
 * the measured {ams}) has the partner dub, which their orders never
 * reached: exposed. 3 goes to dub, and ams's partner ber is outside the
 * set and not in 3's order: exposed. ber+cph: 4 to ams, exposed by cph's
 * dub; 3 to dub, but ber's partner ams is in 3's order: not exposed.
 * ams+dub: dub has no partner, nothing exposed. ber+dub: 4 unexposed.
 */
Test(validate, exposure)
{
	struct pd_prediction p;

	predict("ams+cph", &p);
	cr_expect_eq(p.ndetermined, 3);
	cr_expect(exposed_of(&p, 1) && exposed_of(&p, 2) && exposed_of(&p, 3));
	cr_expect_eq(row_of(&p, "ams+cph")->exposed, 3);
	pd_prediction_free(&p);
	predict("ber+cph", &p);
	cr_expect(exposed_of(&p, 4) && !exposed_of(&p, 3));
	pd_prediction_free(&p);
	predict("ams+dub", &p);
	cr_expect_eq(p.ndetermined, 2);
	cr_expect(!exposed_of(&p, 1) && !exposed_of(&p, 2));
	pd_prediction_free(&p);
	predict("ber+dub", &p);
	cr_expect(!exposed_of(&p, 4));
	pd_prediction_free(&p);
	/* A measured set is its measurement: nothing to be exposed. */
	predict("ams+ber", &p);
	cr_expect(!exposed_of(&p, 1) && !exposed_of(&p, 4));
	pd_prediction_free(&p);
}

/* Partners come from the singles left in: without cph's, nothing of ams+cph hides behind cph. */
Test(validate, exposure_follows_leave_out)
{
	struct pd_prediction p;
	size_t i;

	predict("ams+cph", &p);
	cr_expect(exposed_of(&p, 1));
	pd_prediction_free(&p);
	for (i = 0; i < pd_model_nmeasured(md) && strcmp(pd_model_measured(md, i), "cph") != 0; i++)
		;
	cr_assert_lt(i, pd_model_nmeasured(md));
	pd_model_leave_out(md, i);
	predict("ams+cph", &p);
	cr_expect(!exposed_of(&p, 1) && !exposed_of(&p, 2));
	cr_expect(exposed_of(&p, 3) == 0, "3's order is only cph without the single");
	pd_prediction_free(&p);
	pd_model_leave_out(md, (size_t)-1);
	predict("ams+cph", &p);
	cr_expect(exposed_of(&p, 1));
	pd_prediction_free(&p);
}

/*
 * By cost: ams+cph (3 exposed) first; with it known, the next pick (1,
 * also by cost) goes to ber+cph (1 exposed: 4 to ams past cph's partner
 * dub), not to ams+dub (2 determined, none exposed).
 */
Test(validate, pick_by_cost)
{
	const char *known[8];
	struct validate_choice ch;
	struct tp_err err;

	memcpy(known, measured, sizeof(measured));
	cr_assert_eq(validate_pick(md, names, 4, 2, known, 6, 0, 1, &ch, &err), 0, "%s", err.msg);
	cr_assert_str_eq(ch.set, "ams+cph");
	cr_expect_str_eq(ch.chosen, "cost");
	cr_expect_eq(ch.determined, 3);
	cr_expect_eq(ch.exposed, 3);
	cr_expect(ch.k == 2 && ch.sites[0] == 0 && ch.sites[1] == 2);
	validate_choice_free(&ch);
	known[6] = "ams+cph";
	cr_assert_eq(validate_pick(md, names, 4, 2, known, 7, 1, 1, &ch, &err), 0, "%s", err.msg);
	cr_expect_str_eq(ch.set, "ber+cph");
	cr_expect_str_eq(ch.chosen, "cost");
	cr_expect_eq(ch.exposed, 1);
	validate_choice_free(&ch);
}

/*
 * Which rule picks, while a candidate has exposed targets (ber+cph, with
 * ams+cph known): every third pick (2, 5, 8) at random, the others by
 * cost, for any seed.
 */
Test(validate, every_third_pick_at_random)
{
	const char *known[] = { "ams", "ber", "cph", "dub", "ams+ber", "cph+dub", "ams+cph" };
	struct validate_choice ch;
	struct tp_err err;
	uint64_t seed;
	size_t index;

	for (seed = 0; seed < 3; seed++)
		for (index = 0; index < 9; index++) {
			cr_assert_eq(validate_pick(md, names, 4, 2, known, 7, index, seed, &ch, &err),
			    0, "%s", err.msg);
			cr_expect_str_eq(ch.chosen, index % 3 == 2 ? "random" : "cost",
			    "pick %zu, seed %llu", index, (unsigned long long)seed);
			if (index % 3 != 2)
				cr_expect_str_eq(ch.set, "ber+cph", "pick %zu", index);
			validate_choice_free(&ch);
		}
}

/*
 * With ams+cph and ber+cph known, no candidate is exposed (ams+dub: 2
 * determined, ber+dub: 1): the cost rule has nothing to go by, so even
 * pick 0 is drawn, as often as the determined targets, over 900 seeds.
 */
Test(validate, nothing_exposed_at_random)
{
	const char *known[] = { "ams", "ber", "cph", "dub", "ams+ber", "cph+dub", "ams+cph",
	    "ber+cph" };
	struct validate_choice ch;
	struct tp_err err;
	uint64_t seed;
	int ams_dub = 0;

	for (seed = 0; seed < 900; seed++) {
		cr_assert_eq(validate_pick(md, names, 4, 2, known, 8, 0, seed, &ch, &err), 0,
		    "%s", err.msg);
		cr_assert_str_eq(ch.chosen, "random");
		cr_assert_eq(ch.exposed, 0);
		ams_dub += strcmp(ch.set, "ams+dub") == 0;
		validate_choice_free(&ch);
	}
	cr_expect(ams_dub > 520 && ams_dub < 680, "ams+dub %d of 900", ams_dub);
}

/*
 * At random (pick 2): among ams+dub (2 determined), ber+cph (2) and
 * ber+dub (1), as often as their determined targets over 2,000 seeds;
 * the same seed, the same pick.
 */
Test(validate, pick_at_random_by_determined_targets)
{
	const char *known[] = { "ams", "ber", "cph", "dub", "ams+ber", "cph+dub", "ams+cph" };
	int count[3] = { 0, 0, 0 };
	struct validate_choice ch, again;
	struct tp_err err;
	uint64_t seed;

	for (seed = 0; seed < 2000; seed++) {
		cr_assert_eq(validate_pick(md, names, 4, 2, known, 7, 2, seed, &ch, &err), 0);
		cr_assert_str_eq(ch.chosen, "random");
		count[strcmp(ch.set, "ams+dub") == 0 ? 0 : strcmp(ch.set, "ber+cph") == 0 ? 1 : 2]++;
		if (seed < 20) {
			cr_assert_eq(validate_pick(md, names, 4, 2, known, 7, 2, seed, &again, &err), 0);
			cr_expect_str_eq(again.set, ch.set, "seed %llu", (unsigned long long)seed);
			validate_choice_free(&again);
		}
		validate_choice_free(&ch);
	}
	cr_expect(count[0] > 700 && count[0] < 900, "ams+dub %d of 2000", count[0]);
	cr_expect(count[1] > 700 && count[1] < 900, "ber+cph %d of 2000", count[1]);
	cr_expect(count[2] > 320 && count[2] < 480, "ber+dub %d of 2000", count[2]);
}

/* With every pair known, or only undetermined ones left, nothing is picked. */
Test(validate, nothing_left)
{
	const char *all[] = { "ams", "ber", "cph", "dub", "ams+ber", "cph+dub", "ams+cph",
	    "ams+dub", "ber+cph", "ber+dub" };
	struct validate_choice ch;
	struct tp_err err;

	cr_assert_eq(validate_pick(md, names, 4, 2, all, 10, 0, 1, &ch, &err), 0, "%s", err.msg);
	cr_expect_null(ch.set);
	cr_assert_eq(validate_pick(md, names, 4, 5, all, 0, 0, 1, &ch, &err), 0, "%s", err.msg);
	cr_expect_null(ch.set);
}

/* Wilson's interval against values worked out by hand (z = 1.96). */
Test(validate, wilson_interval)
{
	double lo, hi;

	pd_wilson(1.0 / 3, 3, &lo, &hi);
	cr_expect_float_eq(lo, 0.061492, 1e-5);
	cr_expect_float_eq(hi, 0.792340, 1e-5);
	pd_wilson(1, 2, &lo, &hi);
	cr_expect_float_eq(lo, 0.342380, 1e-5);
	cr_expect_float_eq(hi, 1, 1e-12);
	pd_wilson(0.6, 5, &lo, &hi);
	cr_expect_float_eq(lo, 0.230724, 1e-5);
	cr_expect_float_eq(hi, 0.882379, 1e-5);
	pd_wilson(0, 4, &lo, &hi);
	cr_expect_float_eq(lo, 0, 1e-12);
	cr_expect(hi > 0.45 && hi < 0.5, "%f", hi);
}

/* No validations: no calibrated confidence, whatever the determined share. */
Test(validate, no_validations_no_confidence)
{
	struct pd_calibration cal;
	struct pd_prediction p;
	double lo, hi;

	calibration(&cal);
	cr_expect_eq(cal.validations, 0);
	cr_expect(isnan(pd_held_rate(&cal, 1, &lo, &hi)));
	predict("ams+dub", &p);
	pd_calibrate(&cal, &p);
	cr_expect_float_eq(row_of(&p, "ams")->determined_share, 1, 1e-12);
	cr_expect(isnan(row_of(&p, "ams")->confidence));
	cr_expect(isnan(row_of(&p, "ams+dub")->confidence_low));
	cr_expect_eq(p.validations, 0);
	pd_prediction_free(&p);
}

/*
 * ams+cph validated: 1 of 3 held, all exposed, in 2 groups (1 and 2 share
 * their order); ams+dub: 2 of 2 held, none exposed, 1 group. Leave-one-out
 * of ams+ber and cph+dub determines nothing. Then in ber+cph, row ber (4,
 * exposed) is 1/3 with Wilson(1/3 over 2 groups), row cph (3, not exposed)
 * 1, the whole set (1/3 + 1) / 2; ber+dub (4 unexposed) is 1 with
 * Wilson(1 over 1 group).
 */
Test(validate, calibrated_rows)
{
	struct pd_calibration cal;
	struct pd_prediction p;
	const struct pd_row *r;

	validation("ams+cph", 3, 1, 3, 1, 2, 2);
	validation("ams+dub", 2, 2, 0, 0, 1, 0);
	calibration(&cal);
	cr_assert_eq(cal.validations, 2);
	cr_expect_eq(cal.left_out.answered[0] + cal.left_out.answered[1], 0);
	cr_expect_eq(cal.left_out.open_answered, 4);	/* 1, 2, 4 in ams+ber; 3 in cph+dub */
	predict("ber+cph", &p);
	pd_calibrate(&cal, &p);
	cr_expect_eq(p.validations, 2);
	r = row_of(&p, "ber");
	cr_expect_float_eq(r->confidence, 1.0 / 3, 1e-9);
	cr_expect_float_eq(r->confidence_low, 0.045255, 1e-5);
	cr_expect_float_eq(r->confidence_high, 0.840618, 1e-5);
	cr_expect_float_eq(row_of(&p, "cph")->confidence, 1, 1e-9);
	cr_expect_float_eq(row_of(&p, "ber+cph")->confidence, 2.0 / 3, 1e-9);
	cr_expect_float_eq(row_of(&p, "ber+cph")->confidence_low, (0.045255 + 0.206549) / 2, 1e-5);
	pd_prediction_free(&p);
	predict("ber+dub", &p);
	pd_calibrate(&cal, &p);
	r = row_of(&p, "ber");
	cr_expect_float_eq(r->confidence, 1, 1e-9);
	cr_expect_float_eq(r->confidence_low, 0.206549, 1e-5);
	cr_expect(isnan(row_of(&p, "dub")->confidence));	/* no targets */
	pd_prediction_free(&p);
}

/*
 * Only an exposed validation: the unexposed stratum has no checks and
 * takes both strata's rate. A row with undetermined targets counts them as
 * wrong: the determined share times the rate.
 */
Test(validate, empty_stratum_and_undetermined)
{
	struct pd_calibration cal;
	struct pd_prediction p;
	double lo, hi;

	validation("ams+cph", 3, 1, 3, 1, 2, 2);
	calibration(&cal);
	cr_expect_float_eq(pd_held_rate(&cal, 0, &lo, &hi), 1.0 / 3, 1e-9);
	predict("ams+dub", &p);
	pd_calibrate(&cal, &p);
	cr_expect_float_eq(row_of(&p, "ams")->confidence, 1.0 / 3, 1e-9);
	pd_prediction_free(&p);
	/* ber+cph+dub: 4 goes to ams (determined), 3's order cph dub ams reaches ams too. */
	predict("ams+ber+cph", &p);
	pd_calibrate(&cal, &p);
	cr_expect_float_eq(row_of(&p, "ams+ber+cph")->confidence,
	    row_of(&p, "ams+ber+cph")->determined_share / 3, 1e-9);
	cr_expect(row_of(&p, "ams+ber+cph")->determined_share < 1);
	pd_prediction_free(&p);
}

/* A measured set states its determined share (its measurement), validations or not. */
Test(validate, measured_set_is_not_discounted)
{
	struct pd_calibration cal;
	struct pd_prediction p;

	validation("ams+cph", 3, 1, 3, 1, 2, 2);
	calibration(&cal);
	predict("ams+ber", &p);
	pd_calibrate(&cal, &p);
	cr_expect_float_eq(row_of(&p, "ams+ber")->confidence, 1, 1e-12);
	pd_prediction_free(&p);
}

/*
 * evaluate of campaign 2 (leave one out): ams+cph's determined targets
 * 1, 2 (to ber; measured dub) wrong and 3 (dub) right, all exposed;
 * ams+ber and cph+dub have only undetermined targets.
 */
Test(validate, evaluate_splits_determined)
{
	struct evaluation ev;
	struct tp_err err;
	size_t i;

	cr_assert_eq(evaluate_run(db, 2, 0, &ev, &err), 0, "%s", err.msg);
	for (i = 0; i < ev.n && strcmp(ev.scenarios[i].withdrawn, "ams+cph") != 0; i++)
		;
	cr_assert_lt(i, ev.n);
	cr_expect_eq(ev.scenarios[i].split.answered[1], 3);
	cr_expect_eq(ev.scenarios[i].split.held[1], 1);
	cr_expect_eq(ev.scenarios[i].split.groups[1], 2, "1 and 2 share their order; 3");
	cr_expect_eq(ev.scenarios[i].split.open_answered, 0);
	cr_expect_eq(ev.all.split.answered[0] + ev.all.split.answered[1], 3);
	cr_expect_eq(ev.all.split.open_answered, 4);
	cr_expect_eq(ev.all.answered, 7);
	cr_expect_eq(ev.all.right, 1 + ev.all.split.open_right);
	evaluation_free(&ev);
}

/*
 * Explore without validations picks by undetermined targets alone; with
 * exposed predictions measured to fail 2 in 3, ams+cph (3 exposed: 2 to
 * learn) beats ams+dub and ber+dub (none exposed, unexposed rate 1).
 */
Test(validate, explore_weighs_determined_by_violation_rate)
{
	const char *known[] = { "ams", "ber", "cph", "dub", "ams+ber", "cph+dub" };
	struct pd_calibration cal;
	struct explore_choice ch;
	struct tp_err err;

	cr_assert_eq(explore_pick(md, NULL, names, 4, 2, known, 6, &ch, &err), 0, "%s", err.msg);
	cr_expect_null(ch.set);	/* every pair is determined */
	validation("ber+cph", 2, 0, 2, 0, 2, 2);
	validation("ber+dub", 1, 1, 0, 0, 1, 0);
	calibration(&cal);
	cr_assert_eq(explore_pick(md, &cal, names, 4, 2, known, 6, &ch, &err), 0, "%s", err.msg);
	cr_assert_not_null(ch.set);
	cr_expect_str_eq(ch.set, "ams+cph");
	cr_expect_float_eq(ch.to_learn, 3, 1e-9);
	explore_choice_free(&ch);
}

/* The validations table comes with the upgrade from the schema before it, data kept. */
Test(validate, upgrade_adds_validations)
{
	struct tp_err err = { "" };
	const char *path = fixture_path("old.db");
	sqlite3 *h;

	cr_assert_eq(sqlite3_open(path, &h), SQLITE_OK);
	cr_assert_eq(tp_db_migrate(h, tp_db_schema_version() - 1, path, &err), 0, "%s", err.msg);
	cr_assert_eq(sqlite3_exec(h, "INSERT INTO campaigns (id, started_us) VALUES (7, 1)", NULL,
	    NULL, NULL), SQLITE_OK);
	cr_assert_eq(tp_db_migrate(h, tp_db_schema_version(), path, &err), 0, "%s", err.msg);
	cr_expect_eq((long long)fixture_query(h, "SELECT count(*) FROM campaigns WHERE id = 7"), 1);
	cr_expect_eq(sqlite3_exec(h, "INSERT INTO validations (campaign_id, withdrawn, chosen) "
	    "VALUES (7, 'a+b', 'random')", NULL, NULL, NULL), SQLITE_OK);
	cr_expect_neq(sqlite3_exec(h, "INSERT INTO validations (campaign_id, withdrawn, chosen) "
	    "VALUES (7, 'a+c', 'guess')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}
