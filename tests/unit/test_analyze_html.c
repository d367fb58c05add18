/*
 * test_analyze_html.c: the failover graph (golden DOT, SVG structure) and
 * the HTML report of a small campaign worked out by hand, including a
 * site whose name needs escaping in DOT and HTML alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <criterion/criterion.h>

#include "graph.h"
#include "html_report.h"
#include "report.h"
#include "html_text.h"
#include "matrix.h"
#include "config.h"
#include "db.h"
#include "fixture.h"

/*
 * Sites: AKL 1 (capacity 100), CHC 2 (capacity unknown), SYD 3 (capacity 5),
 * 4 named W<b>&"'\ (capacity 1000), as a database could hold it.
 * Targets: 1-4 CHC, weight 10 each; 5-6 AKL, 5 each; 7 SYD, 1; 8 site 4, 2.
 * Baseline round 1: every target at its own site.
 * Scenario CHC, round 2: 1 2 3 -> AKL, 4 silent: CHC -> AKL 75%, lost 25%.
 * Scenario AKL, round 3: 5 -> CHC, 6 -> SYD: AKL -> CHC 50%, SYD 50%.
 * Expected loads: AKL 10 + 40 = 50 of 100 (ample); SYD 1 + 5 = 6 of 5
 * (over); site 4 2 of 1000 (ample); CHC 40 + 5, capacity unknown.
 */
static const char *fixture_sql =
    "INSERT INTO sites (id, name, capacity) VALUES (1, 'AKL', 100), (2, 'CHC', NULL),"
    " (3, 'SYD', 5), (4, 'W<b>&\"''\\', 1000);"
    "INSERT INTO targets (id, addr, family, site_id, weight) VALUES"
    " (1, X'C6120001', 4, 2, 10), (2, X'C6120002', 4, 2, 10), (3, X'C6120003', 4, 2, 10),"
    " (4, X'C6120004', 4, 2, 10), (5, X'C6120005', 4, 1, 5), (6, X'C6120006', 4, 1, 5),"
    " (7, X'C6120007', 4, 3, 1), (8, X'C6120008', 4, 4, 2);"
    "INSERT INTO campaigns (id, started_us, finished_us, status) VALUES"
    " (1, 1700000000000000, 1700000600000000, 'done');"
    "INSERT INTO scenarios (id, campaign_id, withdrawn) VALUES (1, 1, 'CHC'), (2, 1, 'AKL');"
    "INSERT INTO rounds (id, campaign_id, scenario_id, kind, status) VALUES"
    " (1, 1, NULL, 'baseline', 'complete'), (2, 1, 1, 'scenario', 'complete'),"
    " (3, 1, 2, 'scenario', 'complete');"
    "INSERT INTO responses (round_id, target_id, site_id, received_us) VALUES"
    " (1, 1, 2, 0), (1, 2, 2, 0), (1, 3, 2, 0), (1, 4, 2, 0), (1, 5, 1, 0), (1, 6, 1, 0),"
    " (1, 7, 3, 0), (1, 8, 4, 0),"
    " (2, 1, 1, 0), (2, 2, 1, 0), (2, 3, 1, 0),"
    " (3, 5, 2, 0), (3, 6, 3, 0);";

static struct tp_db *db;
static struct failover_matrix m;

/* A fresh database holding the fixture, and its matrix. */
static void
setup(void)
{
	struct tp_err err;

	cr_assert_eq(tp_db_open(fixture_path("h.db"), TP_DB_CREATE, &db, &err), 0, "%s", err.msg);
	cr_assert_eq(tp_db_exec(db, fixture_sql, &err), 0, "%s", err.msg);
	cr_assert_eq(matrix_build(db, 1, NULL, &m, &err), 0, "%s", err.msg);
}

/* Free the matrix, close and remove the database. */
static void
teardown(void)
{
	matrix_free(&m);
	tp_db_close(db);
	fixture_cleanup();
}

TestSuite(analyze_html, .init = setup, .fini = teardown);

/* Count the occurrences of needle in hay. */
static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay += strlen(needle))
		n++;
	return n;
}

/* The DOT text, byte for byte (TP_UPDATE_GOLDEN=1 rewrites the golden file). */
Test(analyze_html, golden_dot)
{
	char path[512], *dot, *want;
	struct tp_err err;
	size_t len;

	cr_assert_eq(graph_render(&m, NULL, "dot", &dot, &len, &err), 0, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/fixtures/analyze/graph.dot", TESTS_SRCDIR);
	if (getenv("TP_UPDATE_GOLDEN") != NULL) {
		FILE *f = fopen(path, "w");

		cr_assert_not_null(f);
		fputs(dot, f);
		fclose(f);
	}
	want = fixture_read(path);
	cr_expect_str_eq(dot, want, "graph.dot differs from the golden file");
	free(want);
	free(dot);
}

/* Headroom classes at their edges. */
Test(analyze_html, headroom)
{
	cr_expect_eq(graph_headroom_of(50, 0), HEADROOM_UNKNOWN);
	cr_expect_eq(graph_headroom_of(50, 100), HEADROOM_AMPLE);
	cr_expect_eq(graph_headroom_of(80, 100), HEADROOM_AMPLE);
	cr_expect_eq(graph_headroom_of(81, 100), HEADROOM_TIGHT);
	cr_expect_eq(graph_headroom_of(100, 100), HEADROOM_TIGHT);
	cr_expect_eq(graph_headroom_of(101, 100), HEADROOM_OVER);
}

/* The SVG: a node per site and one for lost, an edge per share, the labels, escaped names. */
Test(analyze_html, svg_structure)
{
	struct tp_err err;
	char *svg;
	size_t len;

	cr_assert_eq(graph_render(&m, NULL, "svg", &svg, &len, &err), 0, "%s", err.msg);
	cr_expect_eq(strlen(svg), len);
	cr_expect_eq(count(svg, "class=\"node\""), 5, "4 sites and lost");
	cr_expect_eq(count(svg, "class=\"edge\""), 4);
	cr_expect_eq(count(svg, "<title>CHC&#45;&gt;AKL</title>"), 1);
	cr_expect_eq(count(svg, "<title>AKL&#45;&gt;CHC</title>"), 1);
	cr_expect_eq(count(svg, "<title>AKL&#45;&gt;SYD</title>"), 1);
	cr_expect_eq(count(svg, "<title>CHC&#45;&gt;(lost)</title>"), 1);
	cr_expect_eq(count(svg, "75.0% &#160;</text>"), 1);
	cr_expect_eq(count(svg, "25.0% &#160;</text>"), 1);
	cr_expect_eq(count(svg, "50.0% &#160;</text>"), 2);
	cr_expect_eq(count(svg, "fill=\"#e8645a\""), 1, "SYD alone is over capacity");
	cr_expect_eq(count(svg, "stroke-dasharray"), 3, "CHC's unknown capacity, lost and its edge");
	cr_expect_eq(count(svg, "<b>"), 0, "a site name opened a tag");
	free(svg);
}

/* The page of campaign 1 into memory. */
static char *
page(const struct tp_conf *conf)
{
	struct tp_err err;
	char *html = NULL;
	size_t len;
	FILE *f = open_memstream(&html, &len);

	cr_assert_not_null(f);
	cr_assert_eq(html_report(f, db, conf, 1, 0, 5, &err), 0, "%s", err.msg);
	fclose(f);
	return html;
}

/* The page: every section, the matrix's shares, the prediction, nothing unescaped, no URL. */
Test(analyze_html, page_content)
{
	char *html = page(NULL);

	cr_expect_eq(count(html, "<!DOCTYPE html>"), 1);
	cr_expect_eq(count(html, "<section id="), 4, "graph, trees, matrix, capacity");
	cr_expect_eq(count(html, "<section id=\"changes\""), 0, "no --compare");
	cr_expect_neq(count(html, "2023-11-14 22:13:20 UTC"), 0, "the start, in UTC");
	cr_expect_neq(count(html, "2 measured, 2 predicted"), 0, "AKL+CHC and AKL+CHC+SYD");
	cr_expect_neq(count(html, "(predicted, no validations to calibrate a confidence; "
	    "determined "), 0);
	cr_expect_eq(count(html, "predicted, confidence"), 0, "no validations: no confidence");
	cr_expect_neq(count(html, ">75.0%</td>"), 0, "CHC -> AKL in the heatmap");
	cr_expect_neq(count(html, ">25.0%</td>"), 0, "CHC lost in the heatmap");
	cr_expect_neq(count(html, "title=\"CHC withdrawn, from CHC to AKL: weighted share 0.750000"),
	    0, "the exact share on hover");
	cr_expect_neq(count(html, "W&lt;b&gt;&amp;&quot;&#39;\\"), 0, "the escaped site name");
	cr_expect_eq(count(html, "<b>"), 0, "a site name opened a tag");
	cr_expect_eq(count(html, "http"), 0, "the page names a URL");
	cr_expect_eq(count(html, "<script"), 0);
	cr_expect_neq(count(html, "<tr class=\"over\">"), 0, "SYD's overflow is highlighted");
	cr_expect_neq(count(html, "move "), 0, "the policy moves SYD's excess");
	free(html);
}

/*
 * With a validation (3 of 4 held, none exposed), a predicted set states
 * its calibrated confidence: AKL+CHC determines only target 6 (AKL's,
 * to SYD; CHC's partner AKL is in the set, so not exposed) of its 6
 * responsive targets: 1/6 x 3/4 = 0.125.
 */
Test(analyze_html, predicted_confidence)
{
	struct tp_err err;
	char *html;

	cr_assert_eq(tp_db_exec(db, "INSERT INTO validations (campaign_id, withdrawn, chosen, "
	    "determined, answered, held, exposed_answered, exposed_held) VALUES "
	    "(1, 'CHC+SYD', 'cost', 4, 4, 3, 0, 0)", &err), 0, "%s", err.msg);
	html = page(NULL);
	cr_expect_neq(count(html, "title=\"AKL+CHC predicted: confidence 0.125000 ("), 0, "%s",
	    strstr(html, "class=\"pred\""));
	cr_expect_neq(count(html, "determined 0.166667, 1 validations\">(predicted, confidence "
	    "12.5%, "), 0);
	free(html);
}

/*
 * report's predicted sets: CHC's heaviest failover site is AKL, AKL's a tie
 * of CHC and SYD (5 each; the first by index, CHC): AKL+CHC once, not
 * measured, with its determined share 1/6 and, without validations, no
 * confidence; with one, 0.125 as in the page.
 */
Test(analyze_html, report_predictions)
{
	struct tp_err err;
	struct tp_table *t;
	size_t validations;
	json_t *j, *row;

	t = report_predictions(db, &m, &validations, &err);
	cr_assert_not_null(t, "%s", err.msg);
	j = tp_table_json(t);
	cr_assert_eq(json_array_size(j), 1);
	row = json_array_get(j, 0);
	cr_expect_str_eq(json_string_value(json_object_get(row, "set")), "AKL+CHC");
	cr_expect_float_eq(json_number_value(json_object_get(row, "determined")), 1.0 / 6, 1e-9);
	cr_expect(json_is_null(json_object_get(row, "confidence")));
	cr_expect_eq(validations, 0);
	json_decref(j);
	tp_table_free(t);
	cr_assert_eq(tp_db_exec(db, "INSERT INTO validations (campaign_id, withdrawn, chosen, "
	    "determined, answered, held, exposed_answered, exposed_held) VALUES "
	    "(1, 'CHC+SYD', 'cost', 4, 4, 3, 0, 0)", &err), 0, "%s", err.msg);
	t = report_predictions(db, &m, &validations, &err);
	cr_assert_not_null(t, "%s", err.msg);
	j = tp_table_json(t);
	cr_expect_float_eq(json_number_value(json_object_get(json_array_get(j, 0), "confidence")),
	    0.125, 1e-9);
	cr_expect_eq(validations, 1);
	json_decref(j);
	tp_table_free(t);
}

/* With an earlier campaign: the changes section with its arrows. */
Test(analyze_html, page_changes)
{
	struct failover_matrix then;
	struct html_input in = { db, NULL, &m, &then, 5 };
	struct tp_err err;
	char *html = NULL;
	size_t len;
	FILE *f;

	/* Campaign 2: CHC's targets all went to SYD this time. */
	cr_assert_eq(tp_db_exec(db, "INSERT INTO campaigns (id, started_us, status) VALUES "
	    "(2, 1, 'done'); INSERT INTO scenarios (id, campaign_id, withdrawn) VALUES "
	    "(3, 2, 'CHC'); INSERT INTO rounds (id, campaign_id, scenario_id, kind, status) "
	    "VALUES (4, 2, NULL, 'baseline', 'complete'), (5, 2, 3, 'scenario', 'complete');"
	    "INSERT INTO responses (round_id, target_id, site_id, received_us) VALUES"
	    " (4, 1, 2, 0), (4, 2, 2, 0), (4, 3, 2, 0), (4, 4, 2, 0),"
	    " (5, 1, 3, 0), (5, 2, 3, 0), (5, 3, 3, 0), (5, 4, 3, 0);", &err), 0, "%s", err.msg);
	cr_assert_eq(matrix_build(db, 2, NULL, &then, &err), 0, "%s", err.msg);
	f = open_memstream(&html, &len);
	html_section_changes(f, &in);
	fclose(f);
	cr_expect_neq(count(html, "Changes since campaign 2"), 0);
	cr_expect_neq(count(html, "&#9650; +75.0"), 0, "AKL went up 75 points");
	cr_expect_neq(count(html, "&#9660; -100.0"), 0, "SYD went down 100 points");
	free(html);
	matrix_free(&then);
}

/* The file is replaced whole, readable by a web server, and no temporary file stays. */
Test(analyze_html, file_atomic)
{
	const char *path = fixture_write("report.html", "old");
	struct tp_err err;
	struct stat st;
	char *html;
	char cmd[600];

	cr_assert_eq(html_report_file(path, db, NULL, 1, 0, 5, &err), 0, "%s", err.msg);
	html = fixture_read(path);
	cr_expect_eq(strncmp(html, "<!DOCTYPE html>", 15), 0);
	free(html);
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0644);
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s' | grep report.html.)\"", fixture_dir());
	cr_expect_eq(system(cmd), 0, "a temporary file is left");
	cr_expect_eq(html_report_file("/nonexistent/dir/r.html", db, NULL, 1, 0, 5, &err), -1);
	cr_expect_neq(strstr(err.msg, "/nonexistent/dir/r.html"), NULL, "%s", err.msg);
}

/* Escaping for HTML text and attributes. */
Test(analyze_html, escape)
{
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	html_esc(f, "a<b>&\"'c");
	fclose(f);
	cr_expect_str_eq(out, "a&lt;b&gt;&amp;&quot;&#39;c");
	free(out);
}

/* Past 30 sites the graph asks for neato (dot would take minutes), and still renders. */
Test(analyze_html, many_sites_neato)
{
	struct failover_matrix big;
	struct mx_site sites[31];
	struct tp_err err;
	char *out;
	size_t len, i;

	memset(&big, 0, sizeof(big));
	memset(sites, 0, sizeof(sites));
	for (i = 0; i < 31; i++) {
		snprintf(sites[i].name, sizeof(sites[i].name), "S%02zu", i);
		sites[i].catchment_weight = (double)i;
	}
	big.sites = sites;
	big.nsites = 31;
	cr_assert_eq(graph_render(&big, NULL, "dot", &out, &len, &err), 0, "%s", err.msg);
	cr_expect_neq(strstr(out, "layout=neato"), NULL, "%s", out);
	free(out);
	cr_assert_eq(graph_render(&big, NULL, "svg", &out, &len, &err), 0, "%s", err.msg);
	cr_expect_eq(count(out, "class=\"node\""), 31);
	free(out);
	big.nsites = 30;
	cr_assert_eq(graph_render(&big, NULL, "dot", &out, &len, &err), 0, "%s", err.msg);
	cr_expect_neq(strstr(out, "layout=dot"), NULL);
	free(out);
	cr_expect_eq(graph_render(&big, NULL, "png", &out, &len, &err), -1);
	cr_expect_neq(strstr(err.msg, "png"), NULL, "%s", err.msg);
}

/* tp.conf report_html: unset by default, a path when given, an empty value refused. */
Test(analyze_html, report_html_key)
{
	static const char *base = "[site akl]\nbird_socket = /run/a.ctl\n";
	struct tp_conf c;
	struct tp_err err = { "" };
	char text[256];

	snprintf(text, sizeof(text), "[campaign]\n%s", base);
	cr_assert_eq(tp_conf_load(fixture_write("a.conf", text), &c, &err), 0, "%s", err.msg);
	cr_expect_null(c.report_html);
	tp_conf_free(&c);
	snprintf(text, sizeof(text), "[campaign]\nreport_html = /var/www/f.html\n%s", base);
	cr_assert_eq(tp_conf_load(fixture_write("b.conf", text), &c, &err), 0, "%s", err.msg);
	cr_expect_str_eq(c.report_html, "/var/www/f.html");
	tp_conf_free(&c);
	snprintf(text, sizeof(text), "[campaign]\nreport_html =\n%s", base);
	cr_expect_eq(tp_conf_load(fixture_write("c.conf", text), &c, &err), -1);
	cr_expect_neq(strstr(err.msg, "report_html"), NULL, "%s", err.msg);
}
