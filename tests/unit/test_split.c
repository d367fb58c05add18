/*
 * test_split.c: probe methods and flows in the store, and split targets in
 * the failover matrix: the schema step that gives replies a method and a
 * flow (upgraded from the schema before it, data kept), and a campaign
 * whose targets answer several flows each, some at two sites.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "db.h"
#include "config.h"
#include "db_migrations.h"
#include "fixture.h"
#include "import.h"
#include "matrix.h"
#include "matrix_archive.h"
#include "matrix_output.h"
#include "output.h"
#include "predict.h"
#include "probe_methods.h"
#include "responsiveness.h"

TestSuite(split, .fini = fixture_cleanup);

/* The schema version the flows step brings a database to. */
static int
flows_version(void)
{
	size_t i;

	for (i = 0; i < tp_migrations_count; i++)
		if (strstr(tp_migrations[i].sql, "responses_flows") != NULL)
			return tp_migrations[i].version;
	cr_assert_fail("no migration adds the flows");
	return -1;
}

/*
 * A database at the schema just before the flows step, holding a reply,
 * upgraded: the reply keeps its fields and reads as icmp, flow 0; a second
 * flow of the same target and round can then be stored, a repeat of a
 * flow cannot, and targets have a method.
 */
Test(split, upgrade_keeps_replies_as_icmp_flow_0)
{
	const char *path = fixture_path("old.db");
	struct tp_err err = { "" };
	sqlite3 *h = NULL;
	int v = flows_version();

	cr_assert_eq(sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	    NULL), SQLITE_OK);
	cr_assert_eq(tp_db_migrate(h, v - 1, path, &err), 0, "%s", err.msg);
	cr_assert_eq(sqlite3_exec(h,
	    "INSERT INTO sites (id, name) VALUES (1, 'AKL'), (2, 'CHC');"
	    "INSERT INTO targets (id, addr, family) VALUES (1, X'C6120001', 4);"
	    "INSERT INTO rounds (id, kind) VALUES (1, 'baseline');"
	    "INSERT INTO responses (round_id, target_id, site_id, rtt_us, ttl, received_us)"
	    " VALUES (1, 1, 2, 1500, 61, 77);", NULL, NULL, NULL), SQLITE_OK);
	cr_assert_eq(tp_db_migrate(h, v, path, &err), 0, "%s", err.msg);
	cr_expect_eq((long long)fixture_query(h, "SELECT count(*) FROM responses WHERE "
	    "round_id = 1 AND target_id = 1 AND site_id = 2 AND rtt_us = 1500 AND ttl = 61 "
	    "AND received_us = 77 AND method = 'icmp' AND flow = 0"), 1);
	cr_expect_eq(sqlite3_exec(h, "INSERT INTO responses (round_id, target_id, site_id, "
	    "received_us, method, flow) VALUES (1, 1, 1, 78, 'tcp:80', 1)", NULL, NULL, NULL),
	    SQLITE_OK, "a second flow of one target in one round is stored");
	cr_expect_neq(sqlite3_exec(h, "INSERT INTO responses (round_id, target_id, site_id, "
	    "received_us, flow) VALUES (1, 1, 1, 79, 1)", NULL, NULL, NULL), SQLITE_OK,
	    "a flow is stored once per round");
	cr_expect_eq(sqlite3_exec(h, "UPDATE targets SET method = 'tcp:80'", NULL, NULL, NULL),
	    SQLITE_OK);
	cr_expect_eq((long long)fixture_query(h, "SELECT count(*) FROM responses"), 2);
	sqlite3_close(h);
	/* A normal open of the upgraded file is the newest schema. */
	tp_db_close(fixture_db_open(path, 0));
}

/*
 * Sites A 1, B 2, C 3. Targets 1-4 listed at A, weights 1 2 3 4, three
 * flows each.
 * Baseline round 1: 1 2 3 at A (all flows); 4: A A B (split, most at A).
 * Scenario "A", round 2:
 *   1: B B B; 2: B B C (split, 2/3 B, 1/3 C); 3: B C (one flow lost,
 *   split, 1/2 each, B first); 4: no reply (lost).
 * So by count: B 1 + 2/3 + 1/2 = 13/6, C 1/3 + 1/2 = 5/6, lost 1 of 4,
 * split 2 of 4; by weight (10): B 1 + 4/3 + 3/2 = 23/6, C 2/3 + 3/2 = 13/6,
 * lost 4, split 5. Whole targets (to[]): B 3 (3's tie goes to its first).
 */
static const char *split_sql =
    "INSERT INTO sites (id, name) VALUES (1, 'A'), (2, 'B'), (3, 'C');"
    "INSERT INTO targets (id, addr, family, site_id, weight) VALUES"
    " (1, X'C6120001', 4, 1, 1), (2, X'C6120002', 4, 1, 2), (3, X'C6120003', 4, 1, 3),"
    " (4, X'C6120004', 4, 1, 4);"
    "INSERT INTO campaigns (id, started_us, status) VALUES (1, 1, 'done');"
    "INSERT INTO scenarios (id, campaign_id, withdrawn) VALUES (1, 1, 'A');"
    "INSERT INTO rounds (id, campaign_id, scenario_id, kind, status) VALUES"
    " (1, 1, NULL, 'baseline', 'complete'), (2, 1, 1, 'scenario', 'complete');"
    "INSERT INTO responses (round_id, target_id, site_id, received_us, method, flow) VALUES"
    " (1, 1, 1, 0, 'tcp:80', 0), (1, 1, 1, 0, 'tcp:80', 1), (1, 1, 1, 0, 'tcp:80', 2),"
    " (1, 2, 1, 0, 'tcp:80', 0), (1, 2, 1, 0, 'tcp:80', 1), (1, 2, 1, 0, 'tcp:80', 2),"
    " (1, 3, 1, 0, 'icmp', 0), (1, 3, 1, 0, 'icmp', 1), (1, 3, 1, 0, 'icmp', 2),"
    " (1, 4, 1, 0, 'tcp:80', 0), (1, 4, 2, 0, 'tcp:80', 1), (1, 4, 1, 0, 'tcp:80', 2),"
    " (2, 1, 2, 0, 'tcp:80', 0), (2, 1, 2, 0, 'tcp:80', 1), (2, 1, 2, 0, 'tcp:80', 2),"
    " (2, 2, 2, 0, 'tcp:80', 0), (2, 2, 3, 0, 'tcp:80', 1), (2, 2, 2, 0, 'tcp:80', 2),"
    " (2, 3, 2, 0, 'icmp', 0), (2, 3, 3, 0, 'icmp', 2);";

/* Check the one row of the split fixture's matrix m. */
static void
expect_split_row(const struct failover_matrix *m)
{
	const struct mx_row *r;
	long b = mx_site_index(m, "B"), c = mx_site_index(m, "C");

	cr_assert_eq(m->nrows, 1);
	r = &m->rows[0];
	cr_expect_eq(r->responsive, 4, "target 4, split in the baseline, is A's");
	cr_expect_eq(r->answered, 3);
	cr_expect_eq(r->split, 2);
	cr_expect_float_eq(r->split_weight, 5, 1e-9);
	cr_expect_float_eq(mx_to(r, (size_t)b), 13.0 / 6, 1e-9);
	cr_expect_float_eq(mx_to(r, (size_t)c), 5.0 / 6, 1e-9);
	cr_expect_float_eq(r->to_weight[b], 23.0 / 6, 1e-9);
	cr_expect_float_eq(r->to_weight[c], 13.0 / 6, 1e-9);
	cr_expect_eq(r->to[b], 3);
	cr_expect_eq(r->to[c], 0);
}

Test(split, matrix_counts_split_targets_by_their_shares)
{
	struct tp_db *db = fixture_db("s.db", split_sql);
	struct failover_matrix m;
	struct tp_err err;

	cr_assert_eq(matrix_build(db, 1, NULL, &m, &err), 0, "%s", err.msg);
	expect_split_row(&m);
	matrix_free(&m);
	tp_db_close(db);
}

/* The JSON: fractional targets under "to", "split" beside "lost". */
Test(split, matrix_json_has_split_beside_lost)
{
	struct tp_db *db = fixture_db("s.db", split_sql);
	struct failover_matrix m;
	struct tp_err err;
	json_t *j, *row;

	cr_assert_eq(matrix_build(db, 1, NULL, &m, &err), 0, "%s", err.msg);
	j = matrix_json(&m);
	row = json_array_get(json_object_get(j, "scenarios"), 0);
	cr_expect_float_eq(json_number_value(json_object_get(json_object_get(json_object_get(
	    row, "to"), "C"), "targets")), 5.0 / 6, 1e-9);
	cr_expect_float_eq(json_real_value(json_object_get(json_object_get(json_object_get(
	    row, "to"), "B"), "share")), 13.0 / 24, 1e-9);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(row, "split"),
	    "targets")), 2);
	cr_expect_float_eq(json_real_value(json_object_get(json_object_get(row, "split"),
	    "share")), 0.5, 1e-9);
	cr_expect_float_eq(json_real_value(json_object_get(json_object_get(row, "split"),
	    "weighted_share")), 0.5, 1e-9);
	cr_expect_float_eq(json_real_value(json_object_get(json_object_get(row, "lost"),
	    "share")), 0.25, 1e-9);
	json_decref(j);
	matrix_free(&m);
	tp_db_close(db);
}

/* The table: a split column after lost, by count and by weight. */
Test(split, matrix_table_has_a_split_column)
{
	struct tp_db *db = fixture_db("s.db", split_sql);
	struct failover_matrix m;
	struct tp_table *t;
	struct tp_err err;
	json_t *j, *row;

	cr_assert_eq(matrix_build(db, 1, NULL, &m, &err), 0, "%s", err.msg);
	t = matrix_table(&m, 1, 0);
	j = tp_table_json(t);
	row = json_array_get(j, 0);
	cr_expect_float_eq(json_number_value(json_object_get(row, "split")), 0.5, 1e-9);
	cr_expect_float_eq(json_number_value(json_object_get(row, "C")), 5.0 / 24, 1e-9);
	json_decref(j);
	tp_table_free(t);
	t = matrix_table(&m, 0, 0);
	j = tp_table_json(t);
	cr_expect_float_eq(json_number_value(json_object_get(json_array_get(j, 0), "B")),
	    23.0 / 60, 1e-9);
	json_decref(j);
	tp_table_free(t);
	matrix_free(&m);
	tp_db_close(db);
}

/* A matrix kept by retention reads back with its split counts and shares. */
Test(split, archived_matrix_keeps_split_shares)
{
	struct tp_db *db = fixture_db("s.db", split_sql);
	struct failover_matrix m;
	struct tp_err err;

	cr_assert_eq(matrix_build(db, 1, NULL, &m, &err), 0, "%s", err.msg);
	cr_assert_eq(matrix_archive_save(db, &m, &err), 0, "%s", err.msg);
	matrix_free(&m);
	cr_assert_eq(tp_db_exec(db, "DELETE FROM responses", &err), 0, "%s", err.msg);
	cr_assert_eq(matrix_archive_load(db, 1, NULL, &m, &err), 1, "%s", err.msg);
	expect_split_row(&m);
	matrix_free(&m);
	tp_db_close(db);
}

/*
 * Prediction: sites A B C, targets 1 2 at A. Scenario "A": 1 -> B on every
 * flow, 2 -> B and C (split). Predicting A+C: 1's order A B reaches B,
 * outside the set, so it is determined; 2's order ends at the split, so
 * it is not: A's row has a determined share of 1/2 (the confidence, calibrated
 * from it, drops with it). Were 2 not split (all flows to
 * B) both would be determined.
 */
static const char *predict_sql =
    "INSERT INTO sites (id, name) VALUES (1, 'A'), (2, 'B'), (3, 'C');"
    "INSERT INTO targets (id, addr, family, site_id, weight) VALUES"
    " (1, X'C6120001', 4, 1, 1), (2, X'C6120002', 4, 1, 1);"
    "INSERT INTO campaigns (id, started_us, status) VALUES (1, 1, 'done');"
    "INSERT INTO scenarios (id, campaign_id, withdrawn) VALUES (1, 1, 'A');"
    "INSERT INTO rounds (id, campaign_id, scenario_id, kind, status) VALUES"
    " (1, 1, NULL, 'baseline', 'complete'), (2, 1, 1, 'scenario', 'complete');"
    "INSERT INTO responses (round_id, target_id, site_id, received_us, flow) VALUES"
    " (1, 1, 1, 0, 0), (1, 1, 1, 0, 1), (1, 2, 1, 0, 0), (1, 2, 1, 0, 1),"
    " (2, 1, 2, 0, 0), (2, 1, 2, 0, 1), (2, 2, 2, 0, 0), (2, 2, 3, 0, 1);";

/* The determined share of A's row when A+C is predicted from the database db. */
static double
confidence_of_a(struct tp_db *db)
{
	struct pd_model *md;
	struct pd_prediction p;
	struct tp_err err;
	double c;

	cr_assert_eq(pd_model_load(db, 1, &md, &err), 0, "%s", err.msg);
	cr_assert_eq(pd_predict(md, "A+C", &p, &err), 0, "%s", err.msg);
	cr_assert_str_eq(p.m.rows[0].from, "A");
	c = p.rows[0].determined_share;
	pd_prediction_free(&p);
	pd_model_free(md);
	return c;
}

Test(split, prediction_is_less_sure_of_split_targets)
{
	struct tp_db *db = fixture_db("p.db", predict_sql);
	struct tp_err err;

	cr_expect_float_eq(confidence_of_a(db), 0.5, 1e-9);
	cr_assert_eq(tp_db_exec(db, "UPDATE responses SET site_id = 2 WHERE round_id = 2",
	    &err), 0, "%s", err.msg);
	cr_expect_float_eq(confidence_of_a(db), 1.0, 1e-9, "no split, both determined");
	tp_db_close(db);
}

/*
 * A version 2 stream whose target answers three flows, two at B and one
 * at C: all three are stored with their method and flow, a repeated flow
 * is a duplicate, and the matrix of the round counts the target split.
 */
Test(split, import_keeps_every_flow_with_its_method)
{
	static const char stream[] =
	    "tp-records 2\n"
	    "reply 2 B 198.18.0.2 100 61 1000 192.0.2.1 tcp:80 0\n"
	    "reply 2 C 198.18.0.2 100 61 1001 192.0.2.1 tcp:80 1\n"
	    "reply 2 B 198.18.0.2 100 61 1002 192.0.2.1 tcp:80 2\n"
	    "reply 2 B 198.18.0.2 100 61 1003 192.0.2.1 tcp:80 2\n"
	    "reply 2 B 198.18.0.1 100 61 1004 192.0.2.1 icmp 0\n"
	    "end 2 B 5 0 0 0\n";
	struct tp_db *db = fixture_db("s.db", split_sql);
	struct tp_import_stats s;
	struct tp_err err;
	FILE *f = fmemopen((void *)stream, sizeof(stream) - 1, "r");

	cr_assert_eq(tp_db_exec(db, "DELETE FROM responses WHERE round_id = 2", &err), 0,
	    "%s", err.msg);
	cr_assert_eq(tp_import_stream(db, f, "stream", &s, &err), 0, "%s", err.msg);
	fclose(f);
	cr_expect_eq(s.inserted, 4);
	cr_expect_eq(s.duplicates, 1);
	cr_expect_eq((long long)fixture_query(db->h, "SELECT count(*) FROM responses WHERE "
	    "round_id = 2 AND target_id = 2 AND method = 'tcp:80'"), 3);
	cr_expect_eq((long long)fixture_query(db->h, "SELECT site_id FROM responses WHERE "
	    "round_id = 2 AND target_id = 2 AND flow = 1"), 3);
	cr_expect_eq((long long)fixture_query(db->h, "SELECT count(*) FROM responses WHERE "
	    "round_id = 2 AND target_id = 1 AND method = 'icmp' AND flow = 0"), 1);
	tp_db_close(db);
}

/*
 * Responsiveness in the split fixture's baseline (round 1), with a fifth
 * target at A that never answers and one at B: A has 5 targets, 1 answered
 * icmp, 3 tcp:80, 1 silent; B 1 target, silent.
 */
Test(split, responsiveness_per_site_and_method)
{
	struct tp_db *db = fixture_db("s.db", split_sql);
	struct tp_table *t;
	struct tp_err err;
	size_t methods;
	json_t *j, *a, *b;

	cr_assert_eq(tp_db_exec(db, "INSERT INTO targets (id, addr, family, site_id, weight) "
	    "VALUES (5, X'C6120005', 4, 1, 1), (6, X'C6120006', 4, 2, 1)", &err), 0, "%s", err.msg);
	cr_assert_not_null(t = responsiveness_table(db, 1, 0, &methods, &err), "%s", err.msg);
	cr_expect_eq(methods, 2);
	j = tp_table_json(t);
	cr_assert_eq(json_array_size(j), 2);
	a = json_array_get(j, 0);
	b = json_array_get(j, 1);
	cr_expect_str_eq(json_string_value(json_object_get(a, "site")), "A");
	cr_expect_eq(json_integer_value(json_object_get(a, "targets")), 5);
	cr_expect_eq(json_integer_value(json_object_get(a, "icmp")), 1);
	cr_expect_eq(json_integer_value(json_object_get(a, "tcp:80")), 3);
	cr_expect_eq(json_integer_value(json_object_get(a, "silent")), 1);
	cr_expect_eq(json_integer_value(json_object_get(a, "responsive")), 4);
	cr_expect_str_eq(json_string_value(json_object_get(b, "site")), "B");
	cr_expect_eq(json_integer_value(json_object_get(b, "silent")), 1);
	cr_expect(json_is_null(json_object_get(b, "icmp")), "no B target answered icmp");
	json_decref(j);
	tp_table_free(t);
	cr_assert_not_null(t = responsiveness_table(db, 1, 1, NULL, &err), "%s", err.msg);
	j = tp_table_json(t);
	cr_expect_float_eq(json_real_value(json_object_get(json_array_get(j, 0), "tcp:80")), 0.6,
	    1e-9);
	cr_expect_float_eq(json_real_value(json_object_get(json_array_get(j, 0), "responsive")),
	    0.8, 1e-9);
	json_decref(j);
	tp_table_free(t);
	tp_db_close(db);
}

#define CONF_SITE "[site akl]\nbird_socket = /a\n"

/* probe_methods and probes_per_target: defaults, a good list, and refusals naming the line. */
Test(split, config_methods_and_flows)
{
	static const struct {
		const char *text, *error;
	} bad[] = {
		{ "[campaign]\nprobe_methods = icmp udp:53\n" CONF_SITE,
		    "2: probe_methods: \"udp:53\" is not a probe method" },
		{ "[campaign]\nprobe_methods = tcp:0\n" CONF_SITE, "\"tcp:0\" is not a probe method" },
		{ "[campaign]\nprobe_methods = icmp, icmp\n" CONF_SITE, "icmp is listed twice" },
		{ "[campaign]\nprobe_methods = ,\n" CONF_SITE, "no method" },
		{ "[campaign]\nprobes_per_target = 0\n" CONF_SITE, "2: probes_per_target" },
		{ "[campaign]\nprobes_per_target = 17\n" CONF_SITE, "2: probes_per_target" },
	};
	struct tp_conf c;
	struct tp_methods m;
	struct tp_err err;
	char why[128];
	size_t i;

	cr_assert_eq(fixture_conf_load(CONF_SITE, &c, &err), 0, "%s", err.msg);
	cr_expect_eq(c.probes_per_target, 1);
	cr_assert_eq(tp_methods_parse(c.probe_methods, &m, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(m.n, 1);
	cr_expect_str_eq(m.name[0], "icmp");
	tp_conf_free(&c);
	cr_assert_eq(fixture_conf_load("[campaign]\nprobe_methods = icmp tcp:80,tcp:443\n"
	    "probes_per_target = 3\n" CONF_SITE, &c, &err), 0, "%s", err.msg);
	cr_expect_eq(c.probes_per_target, 3);
	cr_assert_eq(tp_methods_parse(c.probe_methods, &m, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(m.n, 3);
	cr_expect_str_eq(m.name[1], "tcp:80");
	cr_expect_eq(tp_methods_index(&m, "tcp:443"), 2);
	tp_conf_free(&c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(fixture_conf_load(bad[i].text, &c, &err), -1, "%s", bad[i].text);
		cr_expect(strstr(err.msg, bad[i].error) != NULL, "%s: got %s", bad[i].error,
		    err.msg);
		tp_conf_free(&c);
	}
}
