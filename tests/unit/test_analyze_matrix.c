/*
 * test_analyze_matrix.c: the failover matrix, the report's capacity check
 * and the policy, on a small database whose answers are worked out by hand
 * below; and the golden JSON of matrix and policy.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "load_model.h"
#include "matrix_output.h"
#include "policy.h"
#include "report.h"
#include "db.h"
#include "fixture.h"

/*
 * Sites: AKL 1 (capacity 100), CHC 2, SYD 3 (capacity 100), WLG 4 (capacity 50).
 * Targets (id: list site, weight):
 *   1-4: CHC, 10 20 30 40; 5: CHC, 5 (never answers the baseline);
 *   6-7: AKL, 1 2; 8: SYD, 3; 9: WLG, 100 (but its baseline reply lands at CHC).
 * Campaign 1 (done): baseline round 1: 1 2 3 4 9 -> CHC, 6 7 -> AKL, 8 -> SYD.
 *   Scenario 1 "CHC": round 2 (complete): 1 2 9 -> AKL, 3 -> SYD, 4 silent,
 *     6 -> AKL (a control target of AKL, not counted);
 *     round 4 (incomplete, newer) and convergence round 5 must be ignored.
 *   Scenario 2 "AKL+CHC": round 3 (complete): 1 2 3 9 6 -> SYD, 4 -> WLG, 7 silent.
 *   Scenario 3 "SYD": no round yet (left out).
 * Campaign 2 (running, newer): not the default.
 */
static const char *fixture_sql =
    "INSERT INTO sites (id, name, capacity) VALUES (1, 'AKL', 100), (2, 'CHC', NULL),"
    " (3, 'SYD', 100), (4, 'WLG', 50);"
    "INSERT INTO targets (id, addr, family, site_id, weight) VALUES"
    " (1, X'C6120001', 4, 2, 10), (2, X'C6120002', 4, 2, 20), (3, X'C6120003', 4, 2, 30),"
    " (4, X'C6120004', 4, 2, 40), (5, X'C6120005', 4, 2, 5), (6, X'C6120006', 4, 1, 1),"
    " (7, X'C6120007', 4, 1, 2), (8, X'C6120008', 4, 3, 3), (9, X'C6120009', 4, 4, 100);"
    "INSERT INTO campaigns (id, started_us, status) VALUES (1, 1, 'done'), (2, 2, 'running');"
    "INSERT INTO scenarios (id, campaign_id, withdrawn) VALUES (1, 1, 'CHC'), (2, 1, 'AKL+CHC'),"
    " (3, 1, 'SYD'), (4, 1, '');"
    "INSERT INTO rounds (id, campaign_id, scenario_id, kind, status) VALUES"
    " (1, 1, NULL, 'baseline', 'complete'), (2, 1, 1, 'scenario', 'complete'),"
    " (3, 1, 2, 'scenario', 'complete'), (4, 1, 1, 'scenario', 'incomplete'),"
    " (5, 1, 1, 'convergence', 'complete');"
    "INSERT INTO responses (round_id, target_id, site_id, received_us) VALUES"
    " (1, 1, 2, 0), (1, 2, 2, 0), (1, 3, 2, 0), (1, 4, 2, 0), (1, 9, 2, 0),"
    " (1, 6, 1, 0), (1, 7, 1, 0), (1, 8, 3, 0),"
    " (2, 1, 1, 0), (2, 2, 1, 0), (2, 9, 1, 0), (2, 3, 3, 0), (2, 6, 1, 0),"
    " (3, 1, 3, 0), (3, 2, 3, 0), (3, 3, 3, 0), (3, 9, 3, 0), (3, 6, 3, 0), (3, 4, 4, 0),"
    " (4, 1, 4, 0), (4, 2, 4, 0), (5, 4, 4, 0);";

static struct tp_db *db;

/* A fresh database holding the fixture above. */
static void
setup(void)
{
	db = fixture_db("m.db", fixture_sql);
}

/* Close and remove it. */
static void
teardown(void)
{
	tp_db_close(db);
	fixture_cleanup();
}

/* The row of the matrix for (withdrawn, from). */
static const struct mx_row *
find_row(const struct failover_matrix *m, const char *withdrawn, const char *from)
{
	size_t i;

	for (i = 0; i < m->nrows; i++)
		if (strcmp(m->rows[i].from, from) == 0 &&
		    strcmp(m->scenarios[m->rows[i].scenario].withdrawn, withdrawn) == 0)
			return &m->rows[i];
	cr_assert_fail("no row %s from %s", withdrawn, from);
	return NULL;
}

/* Targets and weight of row r landing at site name. */
static void
expect_to(const struct failover_matrix *m, const struct mx_row *r, const char *name,
    uint64_t n, double w)
{
	long i = mx_site_index(m, name);

	cr_assert_geq(i, 0);
	cr_expect_eq(r->to[i], n, "%s -> %s: %llu targets, want %llu", r->from, name,
	    (unsigned long long)r->to[i], (unsigned long long)n);
	cr_expect_float_eq(r->to_weight[i], w, 1e-9, "%s -> %s weight", r->from, name);
}

TestSuite(analyze_matrix, .init = setup, .fini = teardown);

/*
 * CHC alone: responsive 1 2 3 4 9 (weight 10+20+30+40+100 = 200), plus
 * target 5 silent: baseline_targets 6. AKL gets 1 2 9 (3 targets, weight
 * 130: 0.6 by count, 0.65 by weight), SYD gets 3 (1, 30: 0.2, 0.15),
 * lost is 4 (1, 40: 0.2, 0.2). Rounds 4 and 5 would move 1 2 4 to WLG.
 */
Test(analyze_matrix, single_site)
{
	struct failover_matrix m;
	struct tp_err err;
	const struct mx_row *r;

	cr_assert_eq(matrix_build(db, 1, NULL, &m, &err), 0, "%s", err.msg);
	cr_assert_eq(m.baseline_round, 1);
	cr_assert_eq(m.nscenarios, 2, "SYD has no round and is left out");
	r = find_row(&m, "CHC", "CHC");
	cr_expect_eq(m.scenarios[r->scenario].round, 2);
	cr_expect_eq(r->baseline_targets, 6);
	cr_expect_eq(r->responsive, 5);
	cr_expect_float_eq(r->responsive_weight, 200, 1e-9);
	cr_expect_eq(r->answered, 4);
	expect_to(&m, r, "AKL", 3, 130);
	expect_to(&m, r, "SYD", 1, 30);
	expect_to(&m, r, "WLG", 0, 0);
	cr_expect_float_eq(r->responsive_weight - r->answered_weight, 40, 1e-9);
	matrix_free(&m);
}

/*
 * AKL+CHC: AKL's responsive 6 7 (weight 3): 6 -> SYD, 7 lost. CHC's: 1 2 3 9
 * -> SYD (4 targets, 160), 4 -> WLG (1, 40), none lost. The combined row:
 * responsive 7, weight 203, baseline_targets 8; SYD 5 targets weight 161,
 * WLG 1 target 40, lost 1 target weight 2.
 */
Test(analyze_matrix, failure_set)
{
	struct failover_matrix m;
	struct tp_err err;
	const struct mx_row *r;

	cr_assert_eq(matrix_build(db, 1, "AKL+CHC", &m, &err), 0, "%s", err.msg);
	cr_assert_eq(m.nscenarios, 1);
	cr_assert_eq(m.nrows, 3, "one row per site and one for the set");
	r = find_row(&m, "AKL+CHC", "AKL");
	cr_expect_eq(r->responsive, 2);
	expect_to(&m, r, "SYD", 1, 1);
	cr_expect_eq(r->responsive - r->answered, 1);
	r = find_row(&m, "AKL+CHC", "CHC");
	expect_to(&m, r, "SYD", 4, 160);
	expect_to(&m, r, "WLG", 1, 40);
	cr_expect_eq(r->responsive, r->answered);
	r = find_row(&m, "AKL+CHC", "AKL+CHC");
	cr_expect(r->combined);
	cr_expect_eq(r->baseline_targets, 8);
	cr_expect_eq(r->responsive, 7);
	cr_expect_float_eq(r->responsive_weight, 203, 1e-9);
	expect_to(&m, r, "SYD", 5, 161);
	expect_to(&m, r, "WLG", 1, 40);
	cr_expect_float_eq(r->responsive_weight - r->answered_weight, 2, 1e-9);
	matrix_free(&m);
}

/* A scenario that is not in the campaign, or has no round, is one clear error. */
Test(analyze_matrix, unknown_scenario)
{
	struct failover_matrix m;
	struct tp_err err;

	cr_assert_eq(matrix_build(db, 1, "HLZ", &m, &err), -1);
	cr_expect(strstr(err.msg, "no scenario HLZ") != NULL, "%s", err.msg);
	cr_assert_eq(matrix_build(db, 1, "SYD", &m, &err), -1);
	cr_expect(strstr(err.msg, "no scenario round") != NULL, "%s", err.msg);
	cr_assert_eq(matrix_build(db, 2, NULL, &m, &err), -1, "campaign 2 has no baseline");
	cr_expect(strstr(err.msg, "no baseline round") != NULL, "%s", err.msg);
}

/* Find a destination of a modelled scenario by site name. */
static const struct lm_dest *
find_dest(const struct failover_matrix *m, const struct lm_scenario *s, const char *name)
{
	size_t k;

	for (k = 0; k < s->ndests; k++)
		if (strcmp(m->sites[s->dests[k].site].name, name) == 0)
			return &s->dests[k];
	cr_assert_fail("no destination %s", name);
	return NULL;
}

/*
 * The load model of CHC: load 200; answered outside CHC: AKL 130, SYD 30
 * (160), so shares 0.8125 and 0.1875, incoming 162.5 and 37.5; the lost 40
 * is spread the same way. AKL's baseline is 3 (targets 6 7): expected 165.5.
 */
Test(analyze_matrix, load_model)
{
	struct failover_matrix m;
	struct lm_scenario *lm;
	struct tp_err err;
	const struct lm_dest *d;
	size_t n;

	cr_assert_eq(matrix_build(db, 1, "CHC", &m, &err), 0, "%s", err.msg);
	lm = load_model_build(&m, NULL, &n);
	cr_assert_eq(n, 1);
	cr_expect_float_eq(lm[0].load, 200, 1e-9);
	cr_expect_eq(m.sites[lm[0].dests[0].site].name[0], 'A', "largest share first");
	d = find_dest(&m, &lm[0], "AKL");
	cr_expect_float_eq(d->share, 0.8125, 1e-12);
	cr_expect_float_eq(d->incoming, 162.5, 1e-9);
	cr_expect_float_eq(d->baseline, 3, 1e-9);
	cr_expect_float_eq(d->capacity, 100, 1e-9);
	d = find_dest(&m, &lm[0], "SYD");
	cr_expect_float_eq(d->incoming, 37.5, 1e-9);
	load_model_free(lm, n);
	matrix_free(&m);
}

/* The policy object of the scenario withdrawing `set`. */
static json_t *
policy_for(json_t *doc, const char *set)
{
	json_t *p;
	size_t i;

	json_array_foreach(json_object_get(doc, "policies"), i, p) {
		json_t *wd = json_object_get(p, "withdrawn");
		char buf[64] = "";
		size_t k;
		json_t *s;

		json_array_foreach(wd, k, s) {
			if (k)
				strcat(buf, "+");
			strcat(buf, json_string_value(s));
		}
		if (strcmp(buf, set) == 0)
			return p;
	}
	cr_assert_fail("no policy for %s", set);
	return NULL;
}

/* The number at key of the destination called site in policy p. */
static double
dest_value(json_t *p, const char *site, const char *key)
{
	json_t *d;
	size_t i;

	json_array_foreach(json_object_get(p, "destinations"), i, d)
		if (strcmp(json_string_value(json_object_get(d, "site")), site) == 0)
			return json_number_value(json_object_get(d, key));
	cr_assert_fail("no destination %s", site);
	return NAN;
}

/*
 * CHC fails: AKL (capacity 100) expects 3 + 162.5 = 165.5, 65.5 too much.
 * In share order the next is SYD: spare 100 - 3 - 37.5 = 59.5, all taken;
 * the last 6 go to WLG (share 0, spare 50). Planned incoming: AKL 97, SYD
 * 97, WLG 6; planned loads 100, 100, 6; shares 0.485, 0.485, 0.03.
 *
 * AKL+CHC fail: load 203, outside SYD 161 and WLG 40 of 201, so SYD
 * expects 3 + 203*161/201 and WLG 203*40/201. SYD's excess goes to WLG up
 * to its capacity 50; what remains, 3 + 203 - 100 - 50 = 56, is unplaced.
 */
Test(analyze_matrix, policy_overflow)
{
	struct failover_matrix m;
	struct tp_err err;
	json_t *doc, *p, *mv;

	cr_assert_eq(matrix_build(db, 1, NULL, &m, &err), 0, "%s", err.msg);
	doc = policy_json(&m, NULL);
	cr_assert_eq(json_integer_value(json_object_get(doc, "version")), 1);

	p = policy_for(doc, "CHC");
	cr_expect_float_eq(dest_value(p, "AKL", "expected_load"), 165.5, 1e-9);
	cr_expect_float_eq(dest_value(p, "AKL", "overflow"), 65.5, 1e-9);
	cr_expect_float_eq(dest_value(p, "AKL", "planned_load"), 100, 1e-9);
	cr_expect_float_eq(dest_value(p, "SYD", "planned_load"), 100, 1e-9);
	cr_expect_float_eq(dest_value(p, "WLG", "planned_incoming_load"), 6, 1e-9);
	cr_expect_float_eq(dest_value(p, "AKL", "planned_share"), 0.485, 1e-9);
	cr_expect_float_eq(dest_value(p, "WLG", "planned_share"), 0.03, 1e-9);
	cr_assert_eq(json_array_size(json_object_get(p, "moves")), 2);
	mv = json_array_get(json_object_get(p, "moves"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(mv, "from")), "AKL");
	cr_expect_str_eq(json_string_value(json_object_get(mv, "to")), "SYD");
	cr_expect_float_eq(json_number_value(json_object_get(mv, "load")), 59.5, 1e-9);
	mv = json_array_get(json_object_get(p, "moves"), 1);
	cr_expect_str_eq(json_string_value(json_object_get(mv, "to")), "WLG");
	cr_expect_float_eq(json_number_value(json_object_get(mv, "load")), 6, 1e-9);
	cr_expect_float_eq(json_number_value(json_object_get(p, "unplaced_load")), 0, 1e-9);

	p = policy_for(doc, "AKL+CHC");
	cr_expect_float_eq(dest_value(p, "SYD", "expected_load"), 3 + 203.0 * 161 / 201, 1e-9);
	cr_expect_float_eq(dest_value(p, "WLG", "planned_load"), 50, 1e-9);
	cr_expect_float_eq(json_number_value(json_object_get(p, "unplaced_load")), 56, 1e-9);
	json_decref(doc);
	matrix_free(&m);
}

/* The capacity table says AKL cannot absorb CHC: 3 + 162.5 = 165.5 against 100. */
Test(analyze_matrix, report_capacity)
{
	struct failover_matrix m;
	struct report r;
	struct tp_err err;
	json_t *doc, *row;
	size_t i;
	int seen = 0;

	cr_assert_eq(matrix_build(db, 1, NULL, &m, &err), 0, "%s", err.msg);
	report_build(&m, NULL, NULL, 5, &r);
	doc = report_json(&r, &m, NULL);
	json_array_foreach(json_object_get(doc, "capacity"), i, row) {
		if (strcmp(json_string_value(json_object_get(row, "failed")), "CHC") != 0 ||
		    strcmp(json_string_value(json_object_get(row, "destination")), "AKL") != 0)
			continue;
		seen = 1;
		cr_expect(json_is_false(json_object_get(row, "fits")));
		cr_expect_float_eq(json_number_value(json_object_get(row, "expected_load")), 165.5,
		    1e-9);
	}
	cr_expect(seen);
	json_decref(doc);
	report_free(&r);
	matrix_free(&m);
}

/*
 * Compared with itself nothing moved; compared with a copy where CHC's
 * round 2 sent target 3 (weight 30 of 200) to AKL instead of SYD, the
 * weighted shares moved by 15 points: AKL 0.65 -> 0.8, SYD 0.15 -> 0.
 */
Test(analyze_matrix, report_compare)
{
	struct failover_matrix now, then;
	struct report r;
	struct tp_err err;

	cr_assert_eq(matrix_build(db, 1, NULL, &then, &err), 0, "%s", err.msg);
	cr_assert_eq(tp_db_exec(db, "UPDATE responses SET site_id = 1 WHERE round_id = 2 AND "
	    "target_id = 3", &err), 0, "%s", err.msg);
	cr_assert_eq(matrix_build(db, 1, NULL, &now, &err), 0, "%s", err.msg);
	report_build(&then, &then, NULL, 5, &r);
	cr_expect_eq(tp_table_rows(r.changes), 0);
	report_free(&r);
	report_build(&now, &then, NULL, 5, &r);
	cr_expect_eq(tp_table_rows(r.changes), 2, "AKL and SYD moved for CHC");
	report_free(&r);
	report_build(&now, &then, NULL, 20, &r);
	cr_expect_eq(tp_table_rows(r.changes), 0, "15 points is under a 20 point threshold");
	report_free(&r);
	matrix_free(&now);
	matrix_free(&then);
}

/* Print doc as tp-analyze does, into a string. */
static char *
json_text(const json_t *doc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	tp_json_print(f, doc);
	fclose(f);
	return buf;
}

/* The whole file at path. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	cr_assert_not_null(f, "cannot read %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* Compare doc byte for byte with tests/fixtures/analyze/name (TP_UPDATE_GOLDEN=1 rewrites it). */
static void
expect_golden(const json_t *doc, const char *name)
{
	char path[512], *got = json_text(doc), *want;

	snprintf(path, sizeof(path), "%s/fixtures/analyze/%s", TESTS_SRCDIR, name);
	if (getenv("TP_UPDATE_GOLDEN") != NULL) {
		FILE *f = fopen(path, "w");

		cr_assert_not_null(f);
		fputs(got, f);
		fclose(f);
	}
	want = slurp(path);
	cr_expect_str_eq(got, want, "%s differs from the golden file", name);
	free(got);
	free(want);
}

/* The matrix and policy JSON of the fixture, exactly. */
Test(analyze_matrix, golden_json)
{
	struct failover_matrix m;
	struct tp_err err;
	json_t *doc;

	cr_assert_eq(matrix_build(db, 1, NULL, &m, &err), 0, "%s", err.msg);
	doc = matrix_json(&m);
	expect_golden(doc, "matrix.json");
	json_decref(doc);
	doc = policy_json(&m, NULL);
	expect_golden(doc, "policy.json");
	json_decref(doc);
	matrix_free(&m);
}
