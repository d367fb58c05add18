/*
 * test_analyze_targets.c: target selection (exclusion, repeats, one per
 * prefix, --max) and targets import into the database (atomic replace).
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <criterion/criterion.h>

#include "../../analyze/analyze.h"
#include "../../analyze/target_select.h"
#include "db.h"
#include "fixture.h"

/* Parse a list of "ADDR WEIGHT" lines into a fresh list. */
static void
list_of(const char *text, struct tp_target_list *l)
{
	struct tp_err err;
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	cr_assert_not_null(f);
	memset(l, 0, sizeof(*l));
	cr_assert_eq(tp_targets_read(f, "t", TP_TARGETS_STRICT, l, &err), 0, "%s", err.msg);
	fclose(f);
}

/* Expect target i of v to be addr with weight w. */
static void
expect_target(const struct tp_target *v, size_t i, const char *addr, double w)
{
	char buf[TP_ADDR_STRLEN];

	tp_addr_format(&v[i].addr, buf, sizeof(buf));
	cr_expect_str_eq(buf, addr, "target %zu", i);
	cr_expect_float_eq(v[i].weight, w, 1e-9, "target %zu (%s) weight", i, buf);
}

static const char *raw =
    "198.18.0.1 10\n"
    "198.18.0.2 5\n"
    "198.18.0.2 6\n"		/* repeat: 198.18.0.2 weighs 11, the heaviest of its /24 */
    "198.18.1.1 3\n"
    "198.18.1.7 3\n"		/* tie with .1: the lower address is kept */
    "192.168.1.1 7\n"		/* excluded */
    "10.1.2.3 1\n"		/* excluded */
    "2001:db8:1::1 2\n"
    "2001:db8:1:ff::2 4\n"	/* same /48 as the one above */
    "2001:db8:2::1 1\n";

/*
 * No options but the exclusion of 192.168/16 and 10/8: 10 read, 2 excluded,
 * 1 repeat merged, 7 kept in address order.
 */
Test(analyze_targets, exclusion_and_repeats)
{
	struct target_select_opts o = { 0 };
	struct target_select_stats s;
	struct tp_target_list l;
	struct tp_prefix p;
	struct tp_exclude *x = tp_exclude_new();
	size_t n;

	cr_assert_eq(tp_prefix_parse("192.168.0.0/16", &p, NULL), 0);
	tp_exclude_add(x, &p);
	cr_assert_eq(tp_prefix_parse("10.0.0.0/8", &p, NULL), 0);
	tp_exclude_add(x, &p);
	o.exclude = x;
	list_of(raw, &l);
	n = l.n;
	target_select(l.v, &n, &o, &s);
	cr_expect_eq(s.read, 10);
	cr_expect_eq(s.excluded, 2);
	cr_expect_eq(s.duplicates, 1);
	cr_expect_eq(s.merged, 0);
	cr_expect_eq(s.kept, 7);
	cr_assert_eq(n, 7);
	expect_target(l.v, 0, "198.18.0.1", 10);
	expect_target(l.v, 1, "198.18.0.2", 11);
	expect_target(l.v, 6, "2001:db8:2::1", 1);
	tp_target_list_free(&l);
	tp_exclude_free(x);
}

/*
 * --per-prefix 24/48 without exclusion: 198.18.0/24 keeps .2 (11 > 10)
 * weighing 21; 198.18.1/24 keeps .1 (tie, lower) weighing 6; the /48
 * 2001:db8:1:: keeps ...ff::2 (4 > 2) weighing 6. 10 read, 1 repeat,
 * 3 merged, 6 kept. Then --max 3 keeps the heaviest three: .0.2 (21),
 * 192.168.1.1 (7), and of the 6s the lower address, 198.18.1.1.
 */
Test(analyze_targets, per_prefix_and_max)
{
	struct target_select_opts o = { 0 };
	struct target_select_stats s;
	struct tp_target_list l;
	struct tp_err err;
	size_t n;

	cr_assert_eq(target_select_parse_prefix("24/48", &o, &err), 0, "%s", err.msg);
	list_of(raw, &l);
	n = l.n;
	target_select(l.v, &n, &o, &s);
	cr_expect_eq(s.duplicates, 1);
	cr_expect_eq(s.merged, 3);
	cr_assert_eq(n, 6);
	expect_target(l.v, 0, "10.1.2.3", 1);
	expect_target(l.v, 1, "192.168.1.1", 7);
	expect_target(l.v, 2, "198.18.0.2", 21);
	expect_target(l.v, 3, "198.18.1.1", 6);
	expect_target(l.v, 4, "2001:db8:1:ff::2", 6);
	expect_target(l.v, 5, "2001:db8:2::1", 1);
	tp_target_list_free(&l);

	o.max = 3;
	list_of(raw, &l);
	n = l.n;
	target_select(l.v, &n, &o, &s);
	cr_expect_eq(s.over_max, 3);
	cr_assert_eq(n, 3);
	expect_target(l.v, 0, "192.168.1.1", 7);
	expect_target(l.v, 1, "198.18.0.2", 21);
	expect_target(l.v, 2, "198.18.1.1", 6);
	tp_target_list_free(&l);
}

/* --per-prefix spellings, good and bad. */
Test(analyze_targets, per_prefix_syntax)
{
	static const struct {
		const char *s;
		int rc;
		unsigned v4, v6;
	} cases[] = {
		{ "24/48", 0, 24, 48 }, { "24", 0, 24, 0 }, { "/48", 0, 0, 48 },
		{ "32/128", 0, 32, 128 }, { "33/48", -1, 0, 0 }, { "24/129", -1, 0, 0 },
		{ "0/0", -1, 0, 0 }, { "", -1, 0, 0 }, { "/", -1, 0, 0 }, { "x/48", -1, 0, 0 },
		{ "24/48/8", -1, 0, 0 }, { "-24", -1, 0, 0 },
	};
	struct tp_err err;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct target_select_opts o = { 0 };

		cr_expect_eq(target_select_parse_prefix(cases[i].s, &o, &err), cases[i].rc,
		    "\"%s\"", cases[i].s);
		if (cases[i].rc == 0) {
			cr_expect_eq(o.prefix4, cases[i].v4, "\"%s\" v4", cases[i].s);
			cr_expect_eq(o.prefix6, cases[i].v6, "\"%s\" v6", cases[i].s);
		}
	}
}

static struct tp_db *db;

/* An empty database. */
static void
db_setup(void)
{
	struct tp_err err;

	cr_assert_eq(tp_db_open(fixture_path("t.db"), TP_DB_CREATE, &db, &err), 0, "%s", err.msg);
}

/* Close and remove it. */
static void
db_teardown(void)
{
	tp_db_close(db);
	fixture_cleanup();
}

/* One integer from sql. */
static long long
query(const char *sql)
{
	sqlite3_stmt *st;
	long long n;

	cr_assert_eq(sqlite3_prepare_v2(db->h, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Run targets import of text for site (NULL = from the CSV) with --no-exclude. */
static int
import_list(const char *site, const char *text, const char *per_prefix, struct tp_err *err)
{
	struct analyze_ctx ctx;
	char *args[1];
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.db = db;
	ctx.out = fopen("/dev/null", "w");
	ctx.site = site;
	ctx.no_exclude = 1;
	ctx.per_prefix = per_prefix;
	args[0] = (char *)fixture_write("list.txt", text);
	ctx.args = args;
	ctx.nargs = 1;
	rc = cmd_targets_import(&ctx, err);
	fclose(ctx.out);
	return rc;
}

TestSuite(analyze_targets_db, .init = db_setup, .fini = db_teardown);

/*
 * Re-import replaces the site's list: 198.18.0.1 stays, .2 leaves (deleted),
 * .3 leaves but has a reply in a round (kept, listed at no site), .4 is new.
 * AKL's list is untouched; its 198.18.0.9 is taken over when CHC lists it.
 */
Test(analyze_targets_db, reimport_replaces)
{
	struct tp_err err;

	cr_assert_eq(import_list("CHC", "198.18.0.1\n198.18.0.2\n198.18.0.3 4\n", NULL, &err),
	    0, "%s", err.msg);
	cr_assert_eq(import_list("AKL", "198.18.0.8\n198.18.0.9\n", NULL, &err), 0, "%s", err.msg);
	cr_expect_eq(query("SELECT count(*) FROM targets"), 5);
	cr_expect_eq(query("SELECT total(weight) FROM targets WHERE site_id = "
	    "(SELECT id FROM sites WHERE name = 'CHC')"), 6);
	cr_assert_eq(tp_db_exec(db, "INSERT INTO campaigns (id, started_us) VALUES (1, 0);"
	    "INSERT INTO rounds (id, campaign_id, kind) VALUES (1, 1, 'baseline');"
	    "INSERT INTO responses (round_id, target_id, site_id, received_us) SELECT 1, id, "
	    "site_id, 0 FROM targets WHERE addr = X'C6120003'", &err), 0, "%s", err.msg);

	cr_assert_eq(import_list("CHC", "198.18.0.1 2\n198.18.0.4\n198.18.0.9\n", NULL, &err),
	    0, "%s", err.msg);
	cr_expect_eq(query("SELECT count(*) FROM targets t JOIN sites s ON s.id = t.site_id "
	    "WHERE s.name = 'CHC'"), 3);
	cr_expect_eq(query("SELECT weight FROM targets WHERE addr = X'C6120001'"), 2);
	cr_expect_eq(query("SELECT count(*) FROM targets WHERE addr = X'C6120002'"), 0);
	cr_expect_eq(query("SELECT count(*) FROM targets WHERE addr = X'C6120003' AND "
	    "site_id IS NULL"), 1, "a target with replies is kept for history");
	cr_expect_eq(query("SELECT count(*) FROM targets t JOIN sites s ON s.id = t.site_id "
	    "WHERE s.name = 'AKL'"), 1, "198.18.0.9 moved to CHC");
	cr_expect_eq(query("SELECT count(*) FROM responses"), 1);
}

/* A bad line fails the import and leaves the old list as it was. */
Test(analyze_targets_db, bad_list_keeps_old)
{
	struct tp_err err;

	cr_assert_eq(import_list("CHC", "198.18.0.1\n198.18.0.2\n", NULL, &err), 0, "%s", err.msg);
	cr_expect_eq(import_list("CHC", "198.18.0.5\nnot-an-address\n", NULL, &err), -1);
	cr_expect(strstr(err.msg, ":2:") != NULL, "%s", err.msg);
	cr_expect_eq(query("SELECT count(*) FROM targets"), 2);
	cr_expect_eq(query("SELECT count(*) FROM targets WHERE addr = X'C6120005'"), 0);
}

/* The CSV form names each target's site; every named site's list is replaced. */
Test(analyze_targets_db, csv_sites)
{
	struct tp_err err;

	cr_assert_eq(import_list(NULL, "198.18.0.1,CHC,3\n198.18.0.2,AKL,\n198.18.0.3,CHC,1\n",
	    NULL, &err), 0, "%s", err.msg);
	cr_expect_eq(query("SELECT count(*) FROM targets t JOIN sites s ON s.id = t.site_id "
	    "WHERE s.name = 'CHC'"), 2);
	cr_expect_eq(query("SELECT total(weight) FROM targets"), 5);
	cr_expect_eq(import_list(NULL, "198.18.0.7\n", NULL, &err), -1);
	cr_expect(strstr(err.msg, "name no site") != NULL, "%s", err.msg);
	cr_expect_eq(import_list("AKL", "198.18.0.7,CHC,1\n", NULL, &err), -1);
	cr_expect(strstr(err.msg, "other than --site") != NULL, "%s", err.msg);
}

/*
 * Weights are bounded: one line above TP_WEIGHT_MAX is refused naming the
 * line, and an import that would bring the database's total past
 * TP_WEIGHT_TOTAL_MAX is refused whole; targets stats never sums to inf.
 */
Test(analyze_targets_db, weight_sums_bounded)
{
	struct tp_err err;
	char *list = NULL;
	size_t len = 0, i;
	FILE *f;

	cr_expect_eq(import_list("CHC", "198.18.0.1 1e308\n198.18.0.2 1e308\n", NULL, &err), -1);
	cr_expect(strstr(err.msg, ":1: bad weight \"1e308\": more than 1e+12") != NULL,
	    "%s", err.msg);
	cr_expect_eq(query("SELECT count(*) FROM targets"), 0);

	cr_assert_eq(import_list("AKL", "198.18.1.1 1e12\n", NULL, &err), 0, "%s", err.msg);
	f = open_memstream(&list, &len);
	for (i = 0; i < 1000; i++)
		fprintf(f, "198.18.%zu.%zu,CHC,1e12\n", i / 250 + 2, i % 250 + 1);
	fclose(f);
	cr_expect_eq(import_list(NULL, list, NULL, &err), -1);
	cr_expect(strstr(err.msg, "would add up to 1.001e+15, more than 1e+15; scale the "
	    "weights down") != NULL, "%s", err.msg);
	cr_expect_eq(query("SELECT count(*) FROM targets"), 1, "nothing of the import kept");
	free(list);
}

/* Seconds a targets import of one target at each of nsites sites takes (best of two). */
static double
import_sites_seconds(size_t nsites)
{
	char *list = NULL;
	size_t len = 0, i;
	double best = 1e9;
	int run;
	FILE *f = open_memstream(&list, &len);

	for (i = 0; i < nsites; i++)
		fprintf(f, "198.%zu.%zu.%zu,site%zu,1\n", 18 + i / 62500, i / 250 % 250,
		    i % 250 + 1, i);
	fclose(f);
	for (run = 0; run < 2; run++) {
		struct tp_err err;
		double t0 = fixture_seconds(), t;

		cr_assert_eq(tp_db_exec(db, "DELETE FROM targets; DELETE FROM sites", &err), 0,
		    "%s", err.msg);
		cr_assert_eq(import_list(NULL, list, NULL, &err), 0, "%s", err.msg);
		t = fixture_seconds() - t0;
		cr_assert_eq(query("SELECT count(DISTINCT site_id) FROM targets"), (long long)nsites);
		if (t < best)
			best = t;
	}
	free(list);
	return best;
}

/*
 * A CSV naming 12,500 sites imports in a few seconds under ASan (it took
 * 27 s when each site's step scanned every target), and four times the
 * sites take well under eight times as long (a quadratic import takes
 * sixteen).
 */
Test(analyze_targets_db, many_sites_linear)
{
	double small = import_sites_seconds(3125), large = import_sites_seconds(12500);

	cr_expect_lt(large, 4.0, "12,500 sites: %.3f s", large);
	cr_expect_lt(large, 8 * small + 0.1, "3,125 sites %.3f s, 12,500 sites %.3f s: not "
	    "linear", small, large);
	cr_log_info("targets import: 3,125 sites %.3f s, 12,500 sites %.3f s", small, large);
}
