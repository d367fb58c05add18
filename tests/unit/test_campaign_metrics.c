/*
 * test_campaign_metrics.c: tp-campaign's Prometheus textfile, on a small
 * database whose figures are worked out by hand below; the exposition
 * format's rules (HELP, TYPE, one block per family, escaped labels); and
 * the atomic replacement of the file.
 */
#include <dirent.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <criterion/criterion.h>

#include "metrics.h"
#include "clock.h"
#include "db.h"
#include "fixture.h"
#include "output.h"

/*
 * Sites: akl 1 (capacity 10), chc 2 (no capacity), syd 3 (capacity 60).
 * Targets (id: list site, weight): 1-3 chc 1 2 7; 4 akl 4; 5 syd 50.
 * Campaign 1: done, ended at 1700000000 s (older). Campaign 2: done, ended
 * at 1800000000.5 s: the results. Campaign 3: failed: the last run.
 * Campaign 2, baseline round 10: 1 2 3 -> chc, 4 -> akl, 5 -> syd, so
 * responsive: akl 1, chc 3, syd 1.
 *   chc (converged in 2.5 s), round 11: 1 2 -> akl, 3 -> syd.
 *     shares: akl 3/10 = 0.3, syd 7/10 = 0.7, lost 0.
 *     load 10: akl 4 + 3 = 7 of 10 = 0.7; syd 50 + 7 = 57 of 60 = 0.95.
 *   akl+chc (4 s), round 12: 1 3 4 -> syd, 2 silent.
 *     weight 14: syd 12/14, lost 2/14; load 14 all to syd: 64 of 60 (over).
 *   syd (unconverged: no convergence figure), round 13: 5 -> akl.
 *     akl 1; load 50: akl 4 + 50 = 54 of 10 = 5.4 (over).
 *   Two overloaded sets.
 * Campaign 3: akl done, chc aborted, syd pending, and its baseline row "".
 */
static const char *fixture_sql =
    "INSERT INTO sites (id, name, capacity) VALUES (1, 'akl', 10), (2, 'chc', NULL),"
    " (3, 'syd', 60);"
    "INSERT INTO targets (id, addr, family, site_id, weight) VALUES"
    " (1, X'C6120001', 4, 2, 1), (2, X'C6120002', 4, 2, 2), (3, X'C6120003', 4, 2, 7),"
    " (4, X'C6120004', 4, 1, 4), (5, X'C6120005', 4, 3, 50);"
    "INSERT INTO campaigns (id, started_us, finished_us, status) VALUES"
    " (1, 1, 1700000000000000, 'done'), (2, 2, 1800000000500000, 'done'), (3, 3, 4, 'failed');"
    "INSERT INTO scenarios (id, campaign_id, withdrawn, status, converge_ms) VALUES"
    " (20, 2, 'chc', 'done', 2500), (21, 2, 'akl+chc', 'done', 4000),"
    " (22, 2, 'syd', 'unconverged', NULL),"
    " (30, 3, 'akl', 'done', 100), (31, 3, 'chc', 'aborted', NULL), (32, 3, 'syd', 'pending', NULL),"
    " (33, 3, '', 'done', NULL);"
    "INSERT INTO scenario_sites (scenario_id, site_id) VALUES (20, 2), (21, 1), (21, 2), (22, 3);"
    "INSERT INTO rounds (id, campaign_id, scenario_id, kind, status) VALUES"
    " (10, 2, NULL, 'baseline', 'complete'), (11, 2, 20, 'scenario', 'complete'),"
    " (12, 2, 21, 'scenario', 'complete'), (13, 2, 22, 'scenario', 'complete');"
    "INSERT INTO responses (round_id, target_id, site_id, received_us) VALUES"
    " (10, 1, 2, 0), (10, 2, 2, 0), (10, 3, 2, 0), (10, 4, 1, 0), (10, 5, 3, 0),"
    " (11, 1, 1, 0), (11, 2, 1, 0), (11, 3, 3, 0),"
    " (12, 1, 3, 0), (12, 3, 3, 0), (12, 4, 3, 0),"
    " (13, 5, 1, 0);";

static struct tp_db *db;

/* The last run of the fixture: campaign 3, failed with exit status 1. */
static const struct metrics_run failed_run = { 3, "failed", 1, 1900000000250000, 1900000100000000 };

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

/* metrics_print's text for run (caller frees). */
static char *
render(const struct metrics_run *run)
{
	struct tp_err err;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	cr_assert_eq(metrics_print(f, db, NULL, run, &err), 0, "%s", err.msg);
	fclose(f);
	return text;
}

/* The value of the sample "series" (name and labels exactly) in text; NAN when absent. */
static double
value_of(const char *text, const char *series)
{
	size_t n = strlen(series);
	const char *p = text;

	while ((p = strstr(p, series)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		p += n;
	}
	return NAN;
}

/* Expect series to be value (to 1e-9). */
static void
expect_value(const char *text, const char *series, double value)
{
	double got = value_of(text, series);

	cr_expect(fabs(got - value) < 1e-9, "%s: got %.12g, want %.12g", series, got, value);
}

TestSuite(campaign_metrics, .init = setup, .fini = teardown);

/* The run's start, end, status and exit code, and its campaign's scenarios. */
Test(campaign_metrics, last_run)
{
	char *t = render(&failed_run);

	expect_value(t, "tp_campaign_last_run_start_timestamp_seconds", 1900000000.25);
	expect_value(t, "tp_campaign_last_run_end_timestamp_seconds", 1900000100);
	expect_value(t, "tp_campaign_last_run_status{status=\"failed\"}", 1);
	expect_value(t, "tp_campaign_last_run_status{status=\"done\"}", 0);
	expect_value(t, "tp_campaign_last_run_status{status=\"aborted\"}", 0);
	expect_value(t, "tp_campaign_last_run_status{status=\"refused\"}", 0);
	expect_value(t, "tp_campaign_last_run_exit_code", 1);
	expect_value(t, "tp_campaign_last_run_campaign_id", 3);
	expect_value(t, "tp_campaign_last_run_scenarios{status=\"done\"}", 1);
	expect_value(t, "tp_campaign_last_run_scenarios{status=\"aborted\"}", 1);
	expect_value(t, "tp_campaign_last_run_scenarios{status=\"pending\"}", 1);
	expect_value(t, "tp_campaign_last_run_scenarios{status=\"unconverged\"}", 0);
	free(t);
}

/* The newest done campaign's end (not the failed run's), and the count of done campaigns. */
Test(campaign_metrics, last_success)
{
	char *t = render(&failed_run);

	expect_value(t, "tp_campaign_last_success_timestamp_seconds", 1800000000.5);
	expect_value(t, "tp_campaign_last_success_campaign_id", 2);
	expect_value(t, "tp_campaigns_done_total", 2);
	cr_expect(strstr(t, "# TYPE tp_campaigns_done_total counter\n") != NULL);
	free(t);
}

/* Convergence, responsive targets, shares and load ratios of campaign 2. */
Test(campaign_metrics, results)
{
	char *t = render(&failed_run);

	expect_value(t, "tp_scenario_convergence_seconds{set=\"chc\"}", 2.5);
	expect_value(t, "tp_scenario_convergence_seconds{set=\"akl+chc\"}", 4);
	cr_expect(strstr(t, "tp_scenario_convergence_seconds{set=\"syd\"}") == NULL,
	    "an unconverged set has no convergence time");
	cr_expect(strstr(t, "tp_scenario_convergence_seconds{set=\"akl\"}") == NULL,
	    "the failed run's scenarios are not results");
	expect_value(t, "tp_site_targets_responsive{site=\"akl\"}", 1);
	expect_value(t, "tp_site_targets_responsive{site=\"chc\"}", 3);
	expect_value(t, "tp_site_targets_responsive{site=\"syd\"}", 1);
	expect_value(t, "tp_failover_share{set=\"chc\",site=\"akl\"}", 0.3);
	expect_value(t, "tp_failover_share{set=\"chc\",site=\"syd\"}", 0.7);
	expect_value(t, "tp_failover_share{set=\"akl+chc\",site=\"syd\"}", 12.0 / 14);
	expect_value(t, "tp_failover_share{set=\"syd\",site=\"akl\"}", 1);
	expect_value(t, "tp_failover_lost_share{set=\"chc\"}", 0);
	expect_value(t, "tp_failover_lost_share{set=\"akl+chc\"}", 2.0 / 14);
	expect_value(t, "tp_failover_load_ratio{set=\"chc\",site=\"akl\"}", 0.7);
	expect_value(t, "tp_failover_load_ratio{set=\"chc\",site=\"syd\"}", 0.95);
	expect_value(t, "tp_failover_load_ratio{set=\"akl+chc\",site=\"syd\"}", 64.0 / 60);
	expect_value(t, "tp_failover_load_ratio{set=\"syd\",site=\"akl\"}", 5.4);
	expect_value(t, "tp_failover_overloaded_scenarios", 2);
	free(t);
}

/* A database without a done campaign: run metrics and a zero counter, no results. */
Test(campaign_metrics, no_success_yet)
{
	struct tp_err err;
	struct metrics_run refused = { 0, "refused", 3, 1000000, 2000000 };
	char *t;

	cr_assert_eq(tp_db_exec(db, "UPDATE campaigns SET status = 'failed'", &err), 0, "%s",
	    err.msg);
	t = render(&refused);
	expect_value(t, "tp_campaign_last_run_status{status=\"refused\"}", 1);
	expect_value(t, "tp_campaign_last_run_scenarios{status=\"done\"}", 0);
	expect_value(t, "tp_campaigns_done_total", 0);
	cr_expect(strstr(t, "tp_campaign_last_run_campaign_id") == NULL);
	cr_expect(strstr(t, "tp_campaign_last_success_timestamp_seconds") == NULL);
	cr_expect(strstr(t, "tp_failover_share") == NULL);
	free(t);
}

/* Exit statuses map to the four run statuses. */
Test(campaign_metrics, status_of_exit)
{
	cr_expect_str_eq(metrics_status_of_exit(0), "done");
	cr_expect_str_eq(metrics_status_of_exit(CAMPAIGN_EXIT_FAILED), "failed");
	cr_expect_str_eq(metrics_status_of_exit(CAMPAIGN_EXIT_INCOMPLETE), "failed");
	cr_expect_str_eq(metrics_status_of_exit(CAMPAIGN_EXIT_RESTORE), "failed");
	cr_expect_str_eq(metrics_status_of_exit(CAMPAIGN_EXIT_PREFLIGHT), "refused");
	cr_expect_str_eq(metrics_status_of_exit(CAMPAIGN_EXIT_ABORTED), "aborted");
}

/*
 * The text format's rules, line by line: every family has HELP then TYPE
 * (gauge or counter) before its samples, appears once, and is the family of
 * the samples under it; names match the metric name grammar, carry the tp_
 * prefix, and only counters end in _total; label values are quoted; values
 * parse as numbers.
 */
Test(campaign_metrics, exposition_format)
{
	char *t = render(&failed_run), *save, *line, family[128] = "", seen[4096] = " ";
	regex_t help, type, smp;
	regmatch_t mt[4];
	int expect_type = 0, nsamples = 0;

	cr_assert_eq(regcomp(&help, "^# HELP (tp_[a-z_]+) [^ ].*$", REG_EXTENDED), 0);
	cr_assert_eq(regcomp(&type, "^# TYPE (tp_[a-z_]+) (gauge|counter)$", REG_EXTENDED), 0);
	cr_assert_eq(regcomp(&smp, "^(tp_[a-z_]+)(\\{[a-z_]+=\"[^\"\\\\]*\"(,[a-z_]+=\"[^\"\\\\]*\")*\\})? "
	    "(-?[0-9.e+-]+|NaN)$", REG_EXTENDED), 0);
	for (line = strtok_r(t, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char key[140];

		if (regexec(&help, line, 2, mt, 0) == 0) {
			cr_assert(!expect_type, "HELP without TYPE before: %s", line);
			snprintf(family, sizeof(family), "%.*s", (int)(mt[1].rm_eo - mt[1].rm_so),
			    line + mt[1].rm_so);
			snprintf(key, sizeof(key), " %s ", family);
			cr_expect(strstr(seen, key) == NULL, "family %s appears twice", family);
			strncat(seen, key + 1, sizeof(seen) - strlen(seen) - 1);
			expect_type = 1;
		} else if (regexec(&type, line, 3, mt, 0) == 0) {
			cr_assert(expect_type, "TYPE without HELP: %s", line);
			cr_expect(strncmp(line + 7, family, strlen(family)) == 0 &&
			    line[7 + strlen(family)] == ' ', "TYPE of another family: %s", line);
			cr_expect((strstr(line, " counter") != NULL) ==
			    (strlen(family) > 6 && strcmp(family + strlen(family) - 6, "_total") == 0),
			    "only counters end in _total: %s", line);
			expect_type = 0;
		} else if (regexec(&smp, line, 2, mt, 0) == 0) {
			cr_assert(!expect_type, "sample before TYPE: %s", line);
			cr_expect((size_t)(mt[1].rm_eo - mt[1].rm_so) == strlen(family) &&
			    strncmp(line, family, strlen(family)) == 0, "sample outside its family "
			    "%s: %s", family, line);
			nsamples++;
		} else
			cr_assert_fail("not a metrics line: \"%s\"", line);
	}
	cr_expect_gt(nsamples, 30);
	regfree(&help);
	regfree(&type);
	regfree(&smp);
	free(t);
}

/* Label values with a quote, a backslash and a newline are escaped. */
Test(campaign_metrics, label_escaping)
{
	struct tp_err err;
	char *t;

	cr_assert_eq(tp_db_exec(db, "INSERT INTO sites (id, name) VALUES "
	    "(4, 'a\"b\\c' || char(10) || 'd')", &err), 0, "%s", err.msg);
	t = render(&failed_run);
	cr_expect(strstr(t, "tp_site_targets_responsive{site=\"a\\\"b\\\\c\\nd\"} 0\n") != NULL,
	    "%s", t);
	free(t);
}

/* How many entries folder holds (besides . and ..). */
static int
entries(const char *folder)
{
	DIR *d = opendir(folder);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* The file is replaced whole, readable by all, and no temporary file stays behind. */
Test(campaign_metrics, write_file_atomic)
{
	const char *folder = fixture_path("textfile");
	char path[512], *want = render(&failed_run), got[65536];
	struct tp_err err;
	struct stat sb;
	FILE *f;
	size_t n;

	cr_assert_eq(mkdir(folder, 0755), 0);
	snprintf(path, sizeof(path), "%s/traffic-predictor.prom", folder);
	f = fopen(path, "w");
	fputs("old\n", f);
	fclose(f);
	cr_assert_eq(metrics_write_file(path, db, NULL, &failed_run, &err), 0, "%s", err.msg);
	f = fopen(path, "r");
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	cr_expect_str_eq(got, want);
	cr_assert_eq(stat(path, &sb), 0);
	cr_expect_eq(sb.st_mode & 0777, 0644);
	cr_expect_eq(entries(folder), 1, "a temporary file was left behind");
	free(want);
}

/* A folder that does not exist: one error naming the file; nothing is created. */
Test(campaign_metrics, write_file_error)
{
	struct tp_err err;
	char path[512];

	snprintf(path, sizeof(path), "%s/no/such/folder/tp.prom", fixture_dir());
	cr_assert_eq(metrics_write_file(path, db, NULL, &failed_run, &err), -1);
	cr_expect(strstr(err.msg, "metrics_file") != NULL && strstr(err.msg, path) != NULL, "%s",
	    err.msg);
	cr_expect(strstr(err.msg, "No such file or directory") != NULL, "%s", err.msg);
}

/*
 * The hook: nothing without metrics_file or on a dry run; else the file,
 * with the run's start (from the monotonic clock) before its end, and the
 * exit status's word.
 */
Test(campaign_metrics, hook)
{
	struct tp_conf conf;
	struct campaign c;
	char path[512];
	struct stat sb;
	FILE *f;
	char text[65536];
	size_t n;
	double start, end;

	tp_conf_defaults(&conf);
	memset(&c, 0, sizeof(c));
	c.conf = &conf;
	c.db = db;
	c.id = 3;
	c.started_us = tp_mono_us() - 2000000;	/* two seconds ago */
	campaign_metrics(&c, 0);	/* no metrics_file: nothing to write */
	snprintf(path, sizeof(path), "%s/tp.prom", fixture_dir());
	conf.metrics_file = strdup(path);
	c.dry_run = 1;
	campaign_metrics(&c, 0);
	cr_expect_neq(stat(path, &sb), 0, "a dry run wrote %s", path);
	c.dry_run = 0;
	campaign_metrics(&c, CAMPAIGN_EXIT_ABORTED);
	f = fopen(path, "r");
	cr_assert_not_null(f, "no %s after a run", path);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	expect_value(text, "tp_campaign_last_run_status{status=\"aborted\"}", 1);
	expect_value(text, "tp_campaign_last_run_exit_code", CAMPAIGN_EXIT_ABORTED);
	expect_value(text, "tp_campaign_last_run_campaign_id", 3);
	start = value_of(text, "tp_campaign_last_run_start_timestamp_seconds");
	end = value_of(text, "tp_campaign_last_run_end_timestamp_seconds");
	cr_expect(end - start > 1.9 && end - start < 10, "start %.3f, end %.3f", start, end);
	cr_expect(fabs(end - tp_now_us() / 1e6) < 10, "end %.3f is not now", end);
	tp_conf_free(&conf);
}
