/*
 * test_name_index.c: the name hash table, and that what uses it (tp.conf
 * with tens of thousands of sites or sets lines) parses in linear time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "config.h"
#include "fixture.h"
#include "name_index.h"

Test(name_index, add_find_and_repeat)
{
	struct tp_name_index *ix = tp_name_index_new();
	static char names[50000][16];
	size_t i, v, old = 0;

	for (i = 0; i < 50000; i++) {
		snprintf(names[i], sizeof(names[i]), "site%zu", i);
		cr_assert_eq(tp_name_index_add(ix, names[i], i, NULL), 0, "%s", names[i]);
	}
	cr_expect_eq(tp_name_index_count(ix), 50000);
	for (i = 0; i < 50000; i += 7) {
		cr_assert_eq(tp_name_index_find(ix, names[i], &v), 1, "%s", names[i]);
		cr_assert_eq(v, i);
	}
	cr_expect_eq(tp_name_index_find(ix, "site50000", &v), 0);
	cr_expect_eq(tp_name_index_find(ix, "", &v), 0);
	cr_expect_eq(tp_name_index_add(ix, "site123", 9, &old), 1, "a repeat is not added");
	cr_expect_eq(old, 123);
	cr_expect_eq(tp_name_index_count(ix), 50000);
	tp_name_index_free(ix);
	tp_name_index_free(NULL);
}

/* Write a tp.conf with nsites sites and nsets "sets" lines; returns its path. */
static const char *
big_conf(size_t nsites, size_t nsets)
{
	const char *path = fixture_path("big.conf");
	FILE *f = fopen(path, "w");
	size_t i;

	cr_assert_not_null(f);
	fprintf(f, "[campaign]\nsingle = none\n");
	for (i = 0; i < nsets; i++)
		fprintf(f, "sets = s%zu+s%zu\n", i % nsites, (i + 1) % nsites);
	for (i = 0; i < nsites; i++)
		fprintf(f, "[site s%zu]\nbird_socket = /run/bird/s%zu.ctl\n", i, i);
	cr_assert_eq(fclose(f), 0);
	return path;
}

/* Seconds tp_conf_load takes on path (the best of two runs); checks the sites. */
static double
load_seconds(const char *path, size_t nsites, size_t nsets)
{
	double best = 1e9;
	int run;

	for (run = 0; run < 2; run++) {
		struct tp_conf c;
		struct tp_err err;
		double t0 = fixture_seconds(), t;

		cr_assert_eq(tp_conf_load(path, &c, &err), 0, "%s", err.msg);
		t = fixture_seconds() - t0;
		cr_assert_eq(c.nsites, nsites);
		cr_assert_not_null(tp_conf_site(&c, "s0"));
		cr_assert_eq(tp_conf_site(&c, "s0")->line, 2 + (int)nsets + 1);
		cr_assert_null(tp_conf_site(&c, "nowhere"));
		tp_conf_free(&c);
		if (t < best)
			best = t;
	}
	return best;
}

/*
 * 32,000 sites and 40,000 sets lines load in well under two seconds (ASan
 * included; they took 23 s and 70 s when every name was searched in a
 * list), and four times the input takes well under eight times as long
 * (a quadratic parser takes sixteen).
 */
Test(name_index, conf_parses_in_linear_time, .fini = fixture_cleanup)
{
	double small, large;

	small = load_seconds(big_conf(8000, 10000), 8000, 10000);
	large = load_seconds(big_conf(32000, 40000), 32000, 40000);
	cr_expect_lt(large, 2.0, "32,000 sites, 40,000 sets lines: %.3f s", large);
	cr_expect_lt(large, 8 * small + 0.05, "8,000 sites %.3f s, 32,000 sites %.3f s: "
	    "not linear", small, large);
	cr_log_info("tp.conf: 8,000 sites + 10,000 sets lines %.3f s; 32,000 + 40,000 %.3f s",
	    small, large);
}

/* A site named twice is still found, with the line of its first section. */
Test(name_index, duplicate_site_names_first_line, .fini = fixture_cleanup)
{
	struct tp_conf c;
	struct tp_err err;
	const char *path = fixture_write("dup.conf", "[campaign]\n[site a]\nbird_socket = /x\n"
	    "[site b]\nbird_socket = /y\n[site a]\nbird_socket = /z\n");

	cr_expect_eq(tp_conf_load(path, &c, &err), -1);
	cr_expect(strstr(err.msg, ":6: [site a]: duplicate site (first on line 2)") != NULL,
	    "%s", err.msg);
	tp_conf_free(&c);
}
