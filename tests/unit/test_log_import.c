/*
 * test_log_import.c: tp-analyze targets import --format ... end to end
 * into a real SQLite file: gzip and zstd logs together, weights summed
 * across files, bad lines skipped, --since, --per-prefix and --max, and
 * options that do not fit the format refused with nothing stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <zlib.h>
#include <zstd.h>

#include "analyze.h"
#include "db.h"
#include "fixture.h"

static struct tp_db *db;

/* An empty database. */
static void
setup(void)
{
	struct tp_err err;

	cr_assert_eq(tp_db_open(fixture_path("l.db"), TP_DB_CREATE, &db, &err), 0, "%s", err.msg);
}

/* Close and remove it. */
static void
teardown(void)
{
	tp_db_close(db);
	fixture_cleanup();
}

TestSuite(log_import, .init = setup, .fini = teardown);

/* One number from sql. */
static double
query(const char *sql)
{
	return (double)fixture_query(db->h, sql);
}

/* The weight of one address's target (-1 when it is not a target). */
static double
weight_of(const char *hex)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT coalesce((SELECT weight FROM targets WHERE "
	    "addr = X'%s'), -1)", hex);
	return query(sql);
}

/* text gzip-compressed into the fixture folder. */
static const char *
write_gz(const char *name, const char *text)
{
	const char *path = fixture_path(name);
	gzFile g = gzopen(path, "wb");

	cr_assert_not_null(g);
	gzwrite(g, text, (unsigned)strlen(text));
	gzclose(g);
	return path;
}

/* text zstd-compressed into the fixture folder. */
static const char *
write_zst(const char *name, const char *text)
{
	size_t cap = ZSTD_compressBound(strlen(text)), n;
	char *buf = malloc(cap);
	const char *path = fixture_path(name);
	FILE *f = fopen(path, "wb");

	n = ZSTD_compress(buf, cap, text, strlen(text), 3);
	cr_assert(!ZSTD_isError(n));
	cr_assert_not_null(f);
	fwrite(buf, 1, n, f);
	fclose(f);
	free(buf);
	return path;
}

/* A ctx for importing files into site with --no-exclude; the summary goes to out. */
static void
ctx_for(struct analyze_ctx *ctx, const char *format, char **files, int n)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->db = db;
	ctx->out = fopen(fixture_path("summary"), "w");
	cr_assert_not_null(ctx->out);
	ctx->site = "AKL";
	ctx->no_exclude = 1;
	ctx->format = format;
	ctx->args = files;
	ctx->nargs = n;
}

/* Run the import and return its status; the summary text goes to summary. */
static int
run(struct analyze_ctx *ctx, char *summary, size_t len, struct tp_err *err)
{
	int rc = cmd_targets_import(ctx, err);
	FILE *f;
	size_t n;

	fclose(ctx->out);
	f = fopen(fixture_path("summary"), "r");
	n = fread(summary, 1, len - 1, f);
	summary[n] = '\0';
	fclose(f);
	return rc;
}

#define T0 "[28/Nov/2026:10:00:00 +0000]"
#define T1 "[29/Nov/2026:10:00:00 +0000]"
#define REQ "\"GET / HTTP/1.1\" 200 10 \"-\" \"ua\"\n"

/* A gzip and a zstd log of one site: each line is one request, summed across files. */
Test(log_import, combined_gz_zst_summed)
{
	char *files[2], summary[1024];
	struct analyze_ctx ctx;
	struct tp_err err;

	files[0] = (char *)write_gz("access.log.1.gz",
	    "198.18.0.1 - - " T0 " " REQ
	    "198.18.0.1 - - " T0 " " REQ
	    "2001:db8::1 - - " T1 " " REQ
	    "not a log line\n"
	    "www.example - - " T0 " " REQ);
	files[1] = (char *)write_zst("access.log.zst",
	    "198.18.0.1 - - " T1 " " REQ
	    "198.18.0.2 - - " T1 " " REQ);
	ctx_for(&ctx, "combined", files, 2);
	cr_assert_eq(run(&ctx, summary, sizeof(summary), &err), 0, "%s", err.msg);
	cr_expect_eq(weight_of("C6120001"), 3, "three requests from 198.18.0.1 in two files");
	cr_expect_eq(weight_of("C6120002"), 1);
	cr_expect_eq(weight_of("20010DB8000000000000000000000001"), 1);
	cr_expect_eq(query("SELECT count(*) FROM targets"), 3);
	/* read 5 requests, 2 of them repeats, 3 kept; the 2 bad lines are not read. */
	cr_expect(strstr(summary, "AKL      5         0           2       0         0     3")
	    != NULL, "%s", summary);
}

/* --since keeps only newer lines; --per-prefix keeps one address per /24 with its weight. */
Test(log_import, since_and_per_prefix)
{
	char *files[1], summary[1024];
	struct analyze_ctx ctx;
	struct tp_err err;

	files[0] = (char *)write_gz("a.gz",
	    "198.18.0.1 - - " T0 " " REQ
	    "198.18.0.1 - - " T0 " " REQ
	    "198.18.0.1 - - " T0 " " REQ
	    "198.18.0.5 - - " T1 " " REQ
	    "198.18.0.6 - - " T1 " " REQ
	    "198.18.0.5 - - " T1 " " REQ
	    "198.18.1.9 - - " T1 " " REQ);
	ctx_for(&ctx, "common", files, 1);
	ctx.since = "2026-11-29";
	ctx.per_prefix = "24";
	cr_assert_eq(run(&ctx, summary, sizeof(summary), &err), 0, "%s", err.msg);
	cr_expect_eq(weight_of("C6120001"), -1, "only seen before --since");
	cr_expect_eq(weight_of("C6120005"), 3, ".5 stands for its /24: .5, .6, .5");
	cr_expect_eq(weight_of("C6120109"), 1);
	cr_expect_eq(query("SELECT count(*) FROM targets"), 2);

	ctx_for(&ctx, "common", files, 1);
	ctx.max = 1;
	cr_assert_eq(run(&ctx, summary, sizeof(summary), &err), 0, "%s", err.msg);
	cr_expect_eq(query("SELECT count(*) FROM targets"), 1, "--max 1 keeps the heaviest");
	cr_expect_eq(weight_of("C6120001"), 3);
}

/* JSON lines with a weight field, and CSV with a header row, several files and "-" style names. */
Test(log_import, json_weights_and_csv)
{
	char *files[2], summary[1024];
	struct analyze_ctx ctx;
	struct tp_err err;

	files[0] = (char *)fixture_write("a.json",
	    "{\"remote_addr\":\"198.18.0.1\",\"requests\":5}\n"
	    "{\"remote_addr\":\"198.18.0.1\",\"requests\":2.5,\"http_x_forwarded_for\":\"10.9.9.9\"}\n"
	    "{\"remote_addr\":\"198.18.0.2\",\"requests\":\"x\"}\n"
	    "{broken\n");
	ctx_for(&ctx, "json", files, 1);
	ctx.weight_field = "requests";
	cr_assert_eq(run(&ctx, summary, sizeof(summary), &err), 0, "%s", err.msg);
	cr_expect_eq(weight_of("C6120001"), 7.5);
	cr_expect_eq(weight_of("0A090909"), -1, "X-Forwarded-For unused unless asked");
	cr_expect_eq(query("SELECT count(*) FROM targets"), 1);

	files[0] = (char *)fixture_write("a.csv", "time,client\n1,198.18.0.3\n2,\"198.18.0.3\"\n");
	files[1] = (char *)write_gz("b.csv.gz", "3,198.18.0.4\n");
	ctx_for(&ctx, "csv", files, 2);
	ctx.column = 2;
	cr_assert_eq(run(&ctx, summary, sizeof(summary), &err), 0, "%s", err.msg);
	cr_expect_eq(weight_of("C6120003"), 2);
	cr_expect_eq(weight_of("C6120004"), 1);
	cr_expect_eq(weight_of("C6120001"), -1, "the list was replaced");
}

/* Import one file as format with --since, a time field or column, and an address column. */
static void
import_since(const char *format, const char *file, const char *since, const char *time_field,
    long long time_column, long long column)
{
	char *files[1] = { (char *)file }, summary[1024];
	struct analyze_ctx ctx;
	struct tp_err err;

	ctx_for(&ctx, format, files, 1);
	ctx.since = since;
	ctx.time_field = time_field;
	ctx.time_column = time_column;
	ctx.column = column;
	cr_assert_eq(run(&ctx, summary, sizeof(summary), &err), 0, "%s", err.msg);
}

/*
 * --since with JSON (the default time fields, then --time-field, nested)
 * and CSV (--time-column): ISO 8601 with zones and fractions, epoch
 * seconds as numbers and strings, the Common Log Format's time; lines
 * without a readable time are bad, not kept.
 */
Test(log_import, since_json_and_csv)
{
	const char *json = write_gz("t.json.gz",
	    "{\"remote_addr\":\"198.18.0.1\",\"time\":\"2026-11-28T23:59:59Z\"}\n"
	    "{\"remote_addr\":\"198.18.0.2\",\"time\":\"2026-11-29T01:00:00+02:00\"}\n"
	    "{\"remote_addr\":\"198.18.0.3\",\"timestamp\":1795910400}\n"
	    "{\"remote_addr\":\"198.18.0.4\",\"@timestamp\":\"2026-11-29T00:00:00.500Z\"}\n"
	    "{\"remote_addr\":\"198.18.0.5\"}\n"
	    "{\"remote_addr\":\"198.18.0.6\",\"time\":\"yesterday\"}\n"
	    "{\"remote_addr\":\"198.18.0.7\",\"time\":\"29/Nov/2026:08:00:00 +0000\"}\n"
	    "{\"remote_addr\":\"198.18.0.8\",\"ts\":{\"epoch\":\"1795910400.25\"}}\n");

	import_since("json", json, "2026-11-29", NULL, 0, 0);
	cr_expect_eq(weight_of("C6120001"), -1, "a second before --since");
	cr_expect_eq(weight_of("C6120002"), -1, "23:00 UTC written with +02:00");
	cr_expect_eq(weight_of("C6120003"), 1, "epoch seconds in \"timestamp\"");
	cr_expect_eq(weight_of("C6120004"), 1, "ISO 8601 with a fraction in \"@timestamp\"");
	cr_expect_eq(weight_of("C6120005"), -1, "no time field: a bad line");
	cr_expect_eq(weight_of("C6120006"), -1, "an unreadable time: a bad line");
	cr_expect_eq(weight_of("C6120007"), 1, "the Common Log Format's time");
	cr_expect_eq(weight_of("C6120008"), -1, "ts.epoch is not a default field");
	cr_expect_eq(query("SELECT count(*) FROM targets"), 3);

	import_since("json", json, "@1795910400", "ts.epoch", 0, 0);
	cr_expect_eq(weight_of("C6120008"), 1, "--time-field names a nested field");
	cr_expect_eq(query("SELECT count(*) FROM targets"), 1, "the others lack ts.epoch");

	import_since("csv", fixture_write("t.csv", "time,client\n"
	    "2026-11-28 23:00:00,198.18.0.9\n"
	    "1795910401,198.18.0.10\n"
	    "\"2026-11-29T10:00:00+0100\",198.18.0.11\n"
	    ",198.18.0.12\n"
	    "2026-11-30T00:00:00Z\n"), "2026-11-29T00:00:00Z", NULL, 1, 2);
	cr_expect_eq(weight_of("C6120009"), -1, "before --since");
	cr_expect_eq(weight_of("C612000A"), 1);
	cr_expect_eq(weight_of("C612000B"), 1, "quoted, 09:00 UTC");
	cr_expect_eq(weight_of("C612000C"), -1, "an empty time: a bad line");
	cr_expect_eq(query("SELECT count(*) FROM targets"), 2);
}

/* Wrong format, bad options and a corrupt file fail with one line and store nothing. */
Test(log_import, refused_keep_old_list)
{
	char *files[2], summary[1024];
	struct analyze_ctx ctx;
	struct tp_err err;

	files[0] = (char *)fixture_write("old.txt", "198.18.0.1 4\n");
	ctx_for(&ctx, NULL, files, 1);
	cr_assert_eq(run(&ctx, summary, sizeof(summary), &err), 0, "%s", err.msg);

	files[0] = (char *)fixture_write("x.json", "{\"remote_addr\":\"198.18.0.9\"}\n");
	ctx_for(&ctx, "combined", files, 1);
	cr_expect_eq(run(&ctx, summary, sizeof(summary), &err), -1);
	cr_expect(strstr(err.msg, "right format") != NULL, "%s", err.msg);

	ctx_for(&ctx, "csv", files, 1);
	ctx.since = "1d";
	cr_expect_eq(run(&ctx, summary, sizeof(summary), &err), -1);
	cr_expect(strstr(err.msg, "--time-column") != NULL, "%s", err.msg);

	ctx_for(&ctx, "json", files, 1);
	ctx.time_field = "ts";
	cr_expect_eq(run(&ctx, summary, sizeof(summary), &err), -1);
	cr_expect(strstr(err.msg, "--since") != NULL, "%s", err.msg);

	ctx_for(&ctx, "combined", files, 1);
	ctx.since = "1d";
	ctx.time_column = 1;
	cr_expect_eq(run(&ctx, summary, sizeof(summary), &err), -1);
	cr_expect(strstr(err.msg, "--time-column") != NULL, "%s", err.msg);

	ctx_for(&ctx, "csv", files, 1);
	ctx.field = "ip";
	cr_expect_eq(run(&ctx, summary, sizeof(summary), &err), -1);
	cr_expect(strstr(err.msg, "--field") != NULL, "%s", err.msg);

	ctx_for(&ctx, "plain", files, 1);
	ctx.column = 2;
	cr_expect_eq(run(&ctx, summary, sizeof(summary), &err), -1);
	cr_expect(strstr(err.msg, "--column") != NULL, "%s", err.msg);

	ctx_for(&ctx, "json", files, 1);
	ctx.skip_bad = 1;
	cr_expect_eq(run(&ctx, summary, sizeof(summary), &err), -1);
	cr_expect(strstr(err.msg, "--skip-bad") != NULL, "%s", err.msg);

	ctx_for(&ctx, "yaml", files, 1);
	cr_expect_eq(run(&ctx, summary, sizeof(summary), &err), -1);
	cr_expect(strstr(err.msg, "--format") != NULL, "%s", err.msg);

	files[1] = (char *)fixture_write("cut.gz", "\x1f\x8b\x08\x00\x00\x00");
	ctx_for(&ctx, "json", files, 2);
	cr_expect_eq(run(&ctx, summary, sizeof(summary), &err), -1);
	cr_expect(strstr(err.msg, "cut.gz") != NULL, "%s", err.msg);

	cr_expect_eq(weight_of("C6120001"), 4, "the old list is as it was");
	cr_expect_eq(query("SELECT count(*) FROM targets"), 1);
}

/* The plain format reads compressed lists and several files too. */
Test(log_import, plain_compressed)
{
	char *files[2], summary[1024];
	struct analyze_ctx ctx;
	struct tp_err err;

	files[0] = (char *)write_zst("l.zst", "198.18.0.1 2\n198.18.0.2\n");
	files[1] = (char *)write_gz("l.gz", "198.18.0.1 3\n");
	ctx_for(&ctx, NULL, files, 2);
	cr_assert_eq(run(&ctx, summary, sizeof(summary), &err), 0, "%s", err.msg);
	cr_expect_eq(weight_of("C6120001"), 5);
	cr_expect_eq(weight_of("C6120002"), 1);
}
