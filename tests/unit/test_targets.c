/* test_targets.c: target list lines, files, strict and skip modes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "fixture.h"
#include "log.h"
#include "targets.h"

/* One line and what tp_target_parse_line must make of it. */
struct line_case {
	const char *line;
	int rc;			/* 0 target, 1 blank/comment, -1 malformed */
	const char *addr;	/* expected address, formatted */
	double weight;
	const char *site;
	const char *why;	/* substring of the reason when rc == -1 */
};

static const struct line_case line_cases[] = {
	{ "192.0.2.1", 0, "192.0.2.1", 1, "", NULL },
	{ "2001:db8::1", 0, "2001:db8::1", 1, "", NULL },
	{ "192.0.2.1 2.5", 0, "192.0.2.1", 2.5, "", NULL },
	{ "192.0.2.1\t0", 0, "192.0.2.1", 0, "", NULL },
	{ "  198.51.100.7   3  ", 0, "198.51.100.7", 3, "", NULL },
	{ "192.0.2.1 2\r", 0, "192.0.2.1", 2, "", NULL },
	{ "192.0.2.1\r", 0, "192.0.2.1", 1, "", NULL },
	{ "192.0.2.1 # seen at akl", 0, "192.0.2.1", 1, "", NULL },
	{ "192.0.2.1,akl,4", 0, "192.0.2.1", 4, "akl", NULL },
	{ "2001:db8::5,syd-2,0.25", 0, "2001:db8::5", 0.25, "syd-2", NULL },
	{ "192.0.2.1,,4", 0, "192.0.2.1", 4, "", NULL },
	{ "192.0.2.1,akl,", 0, "192.0.2.1", 1, "akl", NULL },
	{ "192.0.2.1,,", 0, "192.0.2.1", 1, "", NULL },
	{ " 192.0.2.1 , akl , 2 \r", 0, "192.0.2.1", 2, "akl", NULL },
	{ "", 1, NULL, 0, NULL, NULL },
	{ "   \t", 1, NULL, 0, NULL, NULL },
	{ "\r", 1, NULL, 0, NULL, NULL },
	{ "# a comment", 1, NULL, 0, NULL, NULL },
	{ "   # indented comment, with a comma", 1, NULL, 0, NULL, NULL },
	{ "192.0.2", -1, NULL, 0, NULL, "bad address" },
	{ "300.1.1.1", -1, NULL, 0, NULL, "bad address" },
	{ "192.0.2.0/24", -1, NULL, 0, NULL, "bad address" },
	{ "2001:db8::g", -1, NULL, 0, NULL, "bad address" },
	{ "192.0.2.1 abc", -1, NULL, 0, NULL, "bad weight \"abc\": not a number" },
	{ "192.0.2.1 -1", -1, NULL, 0, NULL, "bad weight \"-1\": must be 0 or more" },
	{ "192.0.2.1 nan", -1, NULL, 0, NULL, "bad weight \"nan\": must be finite" },
	{ "192.0.2.1 inf", -1, NULL, 0, NULL, "bad weight \"inf\": must be finite" },
	{ "192.0.2.1 -inf", -1, NULL, 0, NULL, "must be finite" },
	{ "192.0.2.1 1e999", -1, NULL, 0, NULL, "must be finite" },
	{ "192.0.2.1 1.5x", -1, NULL, 0, NULL, "not a number" },
	{ "192.0.2.1 1 2", -1, NULL, 0, NULL, "too many fields" },
	{ "192.0.2.1,akl,1,2", -1, NULL, 0, NULL, "too many fields" },
	{ "192.0.2.1,akl", -1, NULL, 0, NULL, "2 fields where ADDR,SITE,WEIGHT" },
	{ "192.0.2.1,a kl,1", -1, NULL, 0, NULL, "bad site name \"a kl\"" },
	{ "192.0.2.1,\"akl\",1", -1, NULL, 0, NULL, "bad site name \"\"akl\"\"" },
	{ "192.0.2.1,-akl,1", -1, NULL, 0, NULL, "bad site name" },
	{ "192.0.2.1,"
	  "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd,1",
	  -1, NULL, 0, NULL, "bad site name" },
	{ "192.0.2.1,akl,abc", -1, NULL, 0, NULL, "bad weight \"abc\"" },
	{ "192.0.2.1,akl,-1", -1, NULL, 0, NULL, "must be 0 or more" },
	{ ",akl,1", -1, NULL, 0, NULL, "missing address" },
};

/* Every row of line_cases parses as the row says. */
Test(targets, parse_line_table)
{
	size_t i;

	for (i = 0; i < sizeof(line_cases) / sizeof(line_cases[0]); i++) {
		const struct line_case *lc = &line_cases[i];
		struct tp_target t;
		struct tp_err err = { "" };
		char buf[TP_ADDR_STRLEN];
		int rc = tp_target_parse_line(lc->line, &t, &err);

		cr_assert_eq(rc, lc->rc, "\"%s\": rc %d, want %d (%s)", lc->line, rc,
		    lc->rc, err.msg);
		if (rc == 0) {
			tp_addr_format(&t.addr, buf, sizeof(buf));
			cr_assert_str_eq(buf, lc->addr, "\"%s\"", lc->line);
			cr_assert_float_eq(t.weight, lc->weight, 1e-12, "\"%s\"", lc->line);
			cr_assert_str_eq(t.site, lc->site, "\"%s\"", lc->line);
		} else if (rc == -1) {
			cr_assert_not_null(strstr(err.msg, lc->why),
			    "\"%s\": reason \"%s\" lacks \"%s\"", lc->line, err.msg,
			    lc->why);
		}
	}
}

/* A file mixing every form, comments, blank lines and CRLF endings. */
Test(targets, read_file_all_forms, .fini = fixture_cleanup)
{
	const char *path = fixture_write("t.txt",
	    "# targets\r\n"
	    "192.0.2.1\r\n"
	    "\r\n"
	    "192.0.2.2 7\r\n"
	    "2001:db8::1,akl,0.5\n"
	    "   \n"
	    "198.51.100.1,,\n");
	struct tp_target_list l = { 0 };
	struct tp_err err = { "" };
	char buf[TP_ADDR_STRLEN];

	cr_assert_eq(tp_targets_read_file(path, TP_TARGETS_STRICT, &l, &err), 0, "%s",
	    err.msg);
	cr_assert_eq(l.n, 4);
	cr_assert_eq(l.comments, 3);
	cr_assert_eq(l.skipped, 0);
	cr_assert_str_eq(tp_addr_format(&l.v[1].addr, buf, sizeof(buf)), "192.0.2.2");
	cr_assert_float_eq(l.v[1].weight, 7, 1e-12);
	cr_assert_str_eq(tp_addr_format(&l.v[2].addr, buf, sizeof(buf)), "2001:db8::1");
	cr_assert_str_eq(l.v[2].site, "akl");
	cr_assert_float_eq(l.v[2].weight, 0.5, 1e-12);
	cr_assert_float_eq(l.v[3].weight, 1, 1e-12);
	tp_target_list_free(&l);
	cr_assert_null(l.v);
	cr_assert_eq(l.n, 0);
}

/* Files with one bad line and the exact message strict mode gives. */
struct bad_file_case {
	const char *text;
	const char *msg;	/* after "PATH:" */
	size_t len;		/* bytes of text, when it holds a NUL; else 0 */
};

static const struct bad_file_case bad_files[] = {
	{ "192.0.2.1\n192.0.2.2 abc\n", "2: bad weight \"abc\": not a number", 0 },
	{ "# c\n\n192.0.2.1\n192.0.2.1 -1\n", "4: bad weight \"-1\": must be 0 or more", 0 },
	{ "192.0.2.1,akl,1\r\n192.0.2.1,a\"b,1\r\n", "2: bad site name \"a\"b\"", 0 },
	{ "192.0.2.1\n192.0.2.1\n192.0.2.1\n192.0.2.1 1 1\n", "4: too many fields", 0 },
	{ "1.2.3\n", "1: bad address \"1.2.3\"", 0 },
	{ "192.0.2.1\n192.0\0.2.1\n", "2: NUL byte in line", 21 },
};

/* Strict mode stops at the first bad line and names FILE:LINE. */
Test(targets, strict_names_file_and_line, .fini = fixture_cleanup)
{
	size_t i;

	for (i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		const char *path = fixture_path("bad.txt");
		struct tp_target_list l = { 0 };
		struct tp_err err = { "" };
		char want[512];
		FILE *f = fopen(path, "w");
		size_t len = bad_files[i].len ? bad_files[i].len :
		    strlen(bad_files[i].text);

		cr_assert_not_null(f);
		fwrite(bad_files[i].text, 1, len, f);
		fclose(f);
		cr_assert_eq(tp_targets_read_file(path, TP_TARGETS_STRICT, &l, &err), -1,
		    "case %zu read without error", i);
		snprintf(want, sizeof(want), "%s:%s", path, bad_files[i].msg);
		cr_assert_eq(strncmp(err.msg, want, strlen(want)), 0,
		    "case %zu: \"%s\", want \"%s...\"", i, err.msg, want);
		tp_target_list_free(&l);
	}
}

/* Skip mode reads on past bad lines, counts them, and warns at most ten times. */
Test(targets, skip_bad_counts_and_warns, .fini = fixture_cleanup)
{
	const char *errpath = fixture_path("stderr.txt");
	char *text = NULL, line[512];
	size_t size = 0, i, warned = 0, summary = 0;
	FILE *f = open_memstream(&text, &size), *e;
	struct tp_target_list l = { 0 };
	struct tp_err err = { "" };

	for (i = 0; i < 100; i++)
		fprintf(f, i % 4 == 3 ? "192.0.2.%zu nan\n" : "192.0.2.%zu\n", i);
	fclose(f);
	f = fmemopen(text, size, "r");
	cr_assert_not_null(freopen(errpath, "w", stderr));
	log_init("tp-unit", TP_LOG_WARN);
	cr_assert_eq(tp_targets_read(f, "list.txt", TP_TARGETS_SKIP_BAD, &l, &err), 0,
	    "%s", err.msg);
	fclose(f);
	fflush(stderr);
	cr_assert_eq(l.n, 75);
	cr_assert_eq(l.skipped, 25);
	e = fopen(errpath, "r");
	cr_assert_not_null(e);
	while (fgets(line, sizeof(line), e) != NULL) {
		if (strstr(line, "(line skipped)") != NULL)
			warned++;
		if (strstr(line, "15 more malformed lines skipped (25 in all)") != NULL)
			summary++;
	}
	fclose(e);
	cr_assert_eq(warned, 10);
	cr_assert_eq(summary, 1);
	free(text);
	tp_target_list_free(&l);
}

/* Strict mode with the same input fails at line 4 and reads nothing further. */
Test(targets, strict_stops_at_first)
{
	const char *text = "192.0.2.1\n192.0.2.2\n192.0.2.3\n192.0.2.4 nan\n192.0.2.5\n";
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct tp_target_list l = { 0 };
	struct tp_err err = { "" };

	cr_assert_eq(tp_targets_read(f, "list.txt", TP_TARGETS_STRICT, &l, &err), -1);
	fclose(f);
	cr_assert_str_eq(err.msg, "list.txt:4: bad weight \"nan\": must be finite");
	cr_assert_eq(l.n, 3);
	tp_target_list_free(&l);
}

/* "-" reads standard input and calls it "stdin" in messages. */
Test(targets, stdin_is_named_stdin, .fini = fixture_cleanup)
{
	const char *path = fixture_write("in.txt", "192.0.2.1\n\n192.0.2.1 x\n");
	struct tp_target_list l = { 0 };
	struct tp_err err = { "" };

	cr_assert_not_null(freopen(path, "r", stdin));
	cr_assert_eq(tp_targets_read_file("-", TP_TARGETS_STRICT, &l, &err), -1);
	cr_assert_str_eq(err.msg, "stdin:3: bad weight \"x\": not a number");
	tp_target_list_free(&l);
}

/* A missing file is an error naming the path. */
Test(targets, missing_file)
{
	struct tp_target_list l = { 0 };
	struct tp_err err = { "" };

	cr_assert_eq(tp_targets_read_file("/nonexistent/targets.txt", 0, &l, &err), -1);
	cr_assert_not_null(strstr(err.msg, "/nonexistent/targets.txt: cannot open"),
	    "%s", err.msg);
}

/* A CSV header row on line 1 is taken as a comment; elsewhere it is an error. */
Test(targets, csv_header)
{
	const char *ok = "Addr,Site,Weight\r\n192.0.2.1,akl,2\n";
	const char *bad = "192.0.2.1,akl,2\naddr,site,weight\n";
	struct tp_target_list l = { 0 };
	struct tp_err err = { "" };
	FILE *f = fmemopen((void *)ok, strlen(ok), "r");

	cr_assert_eq(tp_targets_read(f, "h.csv", 0, &l, &err), 0, "%s", err.msg);
	fclose(f);
	cr_assert_eq(l.n, 1);
	cr_assert_eq(l.comments, 1);
	f = fmemopen((void *)bad, strlen(bad), "r");
	cr_assert_eq(tp_targets_read(f, "h.csv", 0, &l, &err), -1);
	fclose(f);
	cr_assert_eq(strncmp(err.msg, "h.csv:2: bad address", 20), 0, "%s", err.msg);
	tp_target_list_free(&l);
}

/* A line of several megabytes is rejected cleanly, and reading goes on after it. */
Test(targets, huge_line)
{
	size_t n = 4 << 20;
	char *text = malloc(n + 32);
	struct tp_target_list l = { 0 };
	struct tp_err err = { "" };
	FILE *f;

	cr_assert_not_null(text);
	memset(text, '1', n);
	strcpy(text + n, "\n192.0.2.1 5\n");
	f = fmemopen(text, strlen(text), "r");
	cr_assert_eq(tp_targets_read(f, "big", TP_TARGETS_SKIP_BAD, &l, &err), 0);
	fclose(f);
	cr_assert_eq(l.skipped, 1);
	cr_assert_eq(l.n, 1);
	cr_assert_float_eq(l.v[0].weight, 5, 1e-12);
	free(text);
	tp_target_list_free(&l);
}

/* A million lines read in linear time (a few seconds at most, even sanitized). */
Test(targets, million_lines, .timeout = 60)
{
	char *text = NULL;
	size_t size = 0, i;
	FILE *f = open_memstream(&text, &size);
	struct tp_target_list l = { 0 };
	struct tp_err err = { "" };
	struct timespec t0, t1;
	double secs;

	for (i = 0; i < 1000000; i++)
		fprintf(f, "10.%zu.%zu.%zu,site%zu,%zu\n", i >> 16, (i >> 8) & 255,
		    i & 255, i % 7, i % 100);
	fclose(f);
	f = fmemopen(text, size, "r");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(tp_targets_read(f, "m.csv", 0, &l, &err), 0, "%s", err.msg);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fclose(f);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_log_info("1000000 target lines in %.3f s", secs);
	cr_assert_eq(l.n, 1000000);
	cr_assert_str_eq(l.v[999999].site, "site0");	/* 999999 = 7 * 142857 */
	cr_assert_float_eq(l.v[999999].weight, 99, 1e-12);
	cr_assert_lt(secs, 30.0);
	free(text);
	tp_target_list_free(&l);
}
