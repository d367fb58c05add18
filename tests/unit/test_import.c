/*
 * test_import.c: record streams into responses: counts, idempotency, and a
 * bad line that names its line and keeps nothing of its stream.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "db.h"
#include "fixture.h"
#include "import.h"

static struct tp_db *db;

/* Sites AKL, CHC, SYD; targets 198.18.0.1-3 and 2001:db8::1, rounds 7 and 8. */
static void
setup(void)
{
	struct tp_err err;

	cr_assert_eq(tp_db_open(fixture_path("i.db"), TP_DB_CREATE, &db, &err), 0, "%s", err.msg);
	cr_assert_eq(tp_db_exec(db,
	    "INSERT INTO sites (id, name) VALUES (1, 'AKL'), (2, 'CHC'), (3, 'SYD');"
	    "INSERT INTO targets (id, addr, family, weight) VALUES (1, X'C6120001', 4, 1),"
	    " (2, X'C6120002', 4, 1), (3, X'C6120003', 4, 1),"
	    " (4, X'20010DB8000000000000000000000001', 6, 1);"
	    "INSERT INTO campaigns (id, started_us) VALUES (1, 0);"
	    "INSERT INTO rounds (id, campaign_id, kind) VALUES (7, 1, 'baseline'), (8, 1, 'baseline');",
	    &err), 0, "%s", err.msg);
}

/* Close and remove the database. */
static void
teardown(void)
{
	tp_db_close(db);
	fixture_cleanup();
}

TestSuite(import, .init = setup, .fini = teardown);

/* The one integer a query returns. */
static long long
count_of(const char *sql)
{
	sqlite3_stmt *st;
	long long n;

	cr_assert_eq(sqlite3_prepare_v2(db->h, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Rows in responses. */
static long long
responses(void)
{
	return count_of("SELECT count(*) FROM responses");
}

/* Add n targets 10.0.x.y (x.y = 0.0 upwards), and the given SQL, in one transaction. */
static void
add_targets(int n, const char *more_sql)
{
	struct tp_err err;
	sqlite3_stmt *st;
	int i;

	cr_assert_eq(tp_db_begin(db, &err), 0, "%s", err.msg);
	cr_assert_eq(sqlite3_prepare_v2(db->h, "INSERT INTO targets (addr, family) VALUES (?, 4)",
	    -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		unsigned char a[4] = { 10, 0, (unsigned char)(i >> 8), (unsigned char)i };

		sqlite3_reset(st);
		sqlite3_bind_blob(st, 1, a, 4, SQLITE_STATIC);
		cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
	}
	sqlite3_finalize(st);
	if (more_sql != NULL)
		cr_assert_eq(tp_db_exec(db, more_sql, &err), 0, "%s", err.msg);
	cr_assert_eq(tp_db_commit(db, &err), 0, "%s", err.msg);
}

/* Import text as a stream called "s"; returns the result, err and stats filled. */
static int
import_text(const char *text, struct tp_import_stats *s, struct tp_err *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	cr_assert_not_null(f);
	memset(s, 0, sizeof(*s));
	rc = tp_import_stream(db, f, "s", s, err);
	fclose(f);
	return rc;
}

static const char *good =
    "tp-records 1\n"
    "# a comment\n"
    "reply 7 AKL 198.18.0.1 1200 61 1000\n"
    "reply 7 AKL 198.18.0.2 - 61 1001\n"
    "reply 7 CHC 2001:db8::1 900 60 1002\n"
    "reply 7 CHC 198.18.0.1 800 60 1003\n"
    "reply 7 AKL 203.0.113.9 100 60 1004\n"
    "end 7 AKL 4 1 0 0\n";

/*
 * 5 replies: 3 new, the second 198.18.0.1 of round 7 a duplicate,
 * 203.0.113.9 not a target. Twice: nothing more is added.
 */
Test(import, counts_and_idempotency)
{
	struct tp_import_stats s;
	struct tp_err err;

	cr_assert_eq(import_text(good, &s, &err), 0, "%s", err.msg);
	cr_expect_eq(s.lines, 8);
	cr_expect_eq(s.replies, 5);
	cr_expect_eq(s.inserted, 3);
	cr_expect_eq(s.duplicates, 1);
	cr_expect_eq(s.unknown, 1);
	cr_expect_eq(s.streams_ended, 1);
	cr_expect_eq(responses(), 3);
	cr_assert_eq(import_text(good, &s, &err), 0, "%s", err.msg);
	cr_expect_eq(s.inserted, 0);
	cr_expect_eq(s.duplicates, 4);
	cr_expect_eq(responses(), 3);
}

/* The stored row: site, RTT (NULL for "-"), TTL and time. */
Test(import, stored_values)
{
	struct tp_import_stats s;
	struct tp_err err;
	sqlite3_stmt *st;

	cr_assert_eq(import_text(good, &s, &err), 0, "%s", err.msg);
	cr_assert_eq(sqlite3_prepare_v2(db->h, "SELECT s.name, r.rtt_us IS NULL, r.ttl, "
	    "r.received_us FROM responses r JOIN sites s ON s.id = r.site_id "
	    "WHERE r.round_id = 7 AND r.target_id = 2", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 0), "AKL");
	cr_expect_eq(sqlite3_column_int(st, 1), 1);
	cr_expect_eq(sqlite3_column_int(st, 2), 61);
	cr_expect_eq(sqlite3_column_int64(st, 3), 1001);
	sqlite3_finalize(st);
}

/* Bad streams: the message names the line, and nothing of the stream is kept. */
Test(import, corruption_keeps_nothing)
{
	static const struct {
		const char *text;
		const char *want;	/* in the message */
	} cases[] = {
		{ "tp-records 1\nreply 7 AKL 198.18.0.1 1 60 1\nreply 7 AKL 198.18.0.2 1 60 1\n"
		  "reply 7 AKL 198.18.0.300 1 60 1\n", "s:4:" },
		{ "tp-records 1\nreply 7 AKL 198.18.0.1 1 60 1\nreply 9 AKL 198.18.0.2 1 60 1\n",
		  "s:3: unknown round 9" },
		{ "tp-records 1\nreply 7 AKL 198.18.0.1 1 60\n", "s:2:" },
		{ "tp-records 1\nreply 7 AKL 198.18.0.1 1 999 1\n", "s:2: bad TTL" },
		{ "tp-records 1\nreply 7 AKL 198.18.0.1 1 60 1\ngarbage\n", "s:3:" },
		{ "reply 7 AKL 198.18.0.1 1 60 1\n", "s:1: not a record stream" },
		{ "tp-records 3\n", "s:1: record stream version 3" },
		{ "# only a comment\n", "empty stream" },
	};
	struct tp_import_stats s;
	struct tp_err err;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err.msg[0] = '\0';
		cr_expect_eq(import_text(cases[i].text, &s, &err), -1, "case %zu imported", i);
		cr_expect(strstr(err.msg, cases[i].want) != NULL, "case %zu: \"%s\" lacks \"%s\"",
		    i, err.msg, cases[i].want);
		cr_expect_eq(responses(), 0, "case %zu kept rows", i);
	}
	/* The database is still usable afterwards. */
	cr_assert_eq(import_text(good, &s, &err), 0, "%s", err.msg);
	cr_expect_eq(responses(), 3);
}

/* The record-at-a-time API (tp-probe listen --db): abort keeps nothing, commit keeps all. */
Test(import, importer_api)
{
	struct tp_importer *imp;
	struct tp_import_stats s;
	struct tp_record r;
	struct tp_err err;

	cr_assert_eq(tp_record_parse("reply 8 SYD 198.18.0.3 5 60 9", &r, &err), 0, "%s", err.msg);
	imp = tp_importer_begin(db, &err);
	cr_assert_not_null(imp, "%s", err.msg);
	cr_assert_eq(tp_importer_add(imp, &r, &err), 0, "%s", err.msg);
	tp_importer_abort(imp);
	cr_expect_eq(responses(), 0);
	imp = tp_importer_begin(db, &err);
	cr_assert_not_null(imp, "%s", err.msg);
	cr_assert_eq(tp_importer_add(imp, &r, &err), 0, "%s", err.msg);
	r.round = 99;
	cr_expect_eq(tp_importer_add(imp, &r, &err), -1);
	cr_expect(strstr(err.msg, "unknown round 99") != NULL, "%s", err.msg);
	cr_assert_eq(tp_importer_commit(imp, &s, &err), 0, "%s", err.msg);
	cr_expect_eq(s.inserted, 1);
	cr_expect_eq(responses(), 1);
}

/*
 * A long stream switches from index look-ups to the in-memory table after
 * 20000 replies: 30000 targets 10.0.x.y all answer, plus, after the switch,
 * one repeat, one non-target, and c612:1:: (whose 16 bytes equal those of
 * the target 198.18.0.1 stored as IPv4), which must not match it.
 */
Test(import, long_stream)
{
	struct tp_import_stats s;
	struct tp_err err;
	sqlite3_stmt *st;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int i;

	add_targets(30000, NULL);

	f = open_memstream(&text, &len);
	fprintf(f, "tp-records 1\n");
	for (i = 0; i < 30000; i++)
		fprintf(f, "reply 8 AKL 10.0.%d.%d - 60 %d\n", (i >> 8) & 0xff, i & 0xff, i);
	fprintf(f, "reply 8 AKL 10.0.0.5 - 60 1\nreply 8 AKL 10.1.0.5 - 60 1\n"
	    "reply 8 AKL c612:1:: - 60 1\nend 8 AKL 30003 0 0 0\n");
	fclose(f);
	cr_assert_eq(import_text(text, &s, &err), 0, "%s", err.msg);
	free(text);
	cr_expect_eq(s.replies, 30003);
	cr_expect_eq(s.inserted, 30000);
	cr_expect_eq(s.duplicates, 1);
	cr_expect_eq(s.unknown, 2);
	cr_expect_eq(responses(), 30000);
	cr_assert_eq(sqlite3_prepare_v2(db->h, "PRAGMA foreign_keys", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_int(st, 0), 1, "foreign keys are checked again after the import");
	sqlite3_finalize(st);
}

/*
 * A stream bound to the listener at AKL in round 8 (issue 19, item 4):
 * its records for round 7 (an earlier round, where CHC's reply from
 * 198.18.0.3 is already stored), for site CHC, for an unknown site WLG,
 * and an "end" line of CHC are foreign: counted, not stored, no site is
 * created, and round 7's CHC row keeps its site.
 */
Test(import, bound_stream_rejects_foreign_records)
{
	static const char *earlier = "tp-records 1\nreply 7 CHC 198.18.0.3 5 60 1\nend 7 CHC 1 0 0 0\n";
	static const char *forged =
	    "tp-records 1\n"
	    "reply 8 AKL 198.18.0.1 5 60 1\n"
	    "reply 7 AKL 198.18.0.3 5 60 2\n"
	    "reply 8 CHC 198.18.0.2 5 60 3\n"
	    "reply 8 WLG 198.18.0.3 5 60 4\n"
	    "end 8 CHC 1 0 0 0\n"
	    "end 8 AKL 1 0 0 0\n";
	struct tp_import_bind bind = { .round = 8, .site = "AKL" };
	struct tp_import_cache *cache;
	struct tp_import_stats s;
	struct tp_err err;
	FILE *f;

	cr_assert_eq(import_text(earlier, &s, &err), 0, "%s", err.msg);
	cache = tp_import_cache_new(db);
	f = fmemopen((void *)forged, strlen(forged), "r");
	cr_assert_eq(tp_import_stream_cached(cache, f, "listener at AKL", &bind, &s, &err), 0,
	    "%s", err.msg);
	fclose(f);
	tp_import_cache_free(cache);
	cr_expect_eq(s.replies, 4);
	cr_expect_eq(s.inserted, 1);
	cr_expect_eq(s.foreign, 4, "foreign %llu", (unsigned long long)s.foreign);
	cr_expect_eq(s.streams_ended, 1, "only AKL's own end line counts");
	cr_expect_eq(count_of("SELECT count(*) FROM responses WHERE round_id = 8"), 1);
	cr_expect_eq(count_of("SELECT site_id FROM responses WHERE round_id = 7 AND target_id = 3"),
	    2, "round 7's reply still lands at CHC");
	cr_expect_eq(count_of("SELECT count(*) FROM sites"), 3, "no phantom site");
}

/* Unbound (tp-analyze import): a reply at a site the database does not hold creates nothing. */
Test(import, unknown_site_not_created)
{
	struct tp_import_stats s;
	struct tp_err err;

	cr_assert_eq(import_text("tp-records 1\nreply 7 WLG 198.18.0.1 5 60 1\n"
	    "reply 7 AKL 198.18.0.2 5 60 1\n", &s, &err), 0, "%s", err.msg);
	cr_expect_eq(s.inserted, 1);
	cr_expect_eq(s.foreign, 1);
	cr_expect_eq(count_of("SELECT count(*) FROM sites WHERE name = 'WLG'"), 0);
}

/*
 * One cache serves many streams: the targets are read into the table once,
 * not once per stream (a profile showed that re-reading as most of the
 * import's time). Five streams of 25,000 replies over 30,000 targets.
 */
Test(import, cache_reads_targets_once)
{
	struct tp_import_cache *cache;
	struct tp_import_stats s;
	struct tp_err err;
	int i, k;

	add_targets(30000, "INSERT INTO rounds (id, campaign_id, kind) VALUES "
	    "(10, 1, 'scenario'), (11, 1, 'scenario'), (12, 1, 'scenario'), (13, 1, 'scenario'), "
	    "(14, 1, 'scenario')");
	cache = tp_import_cache_new(db);
	for (k = 0; k < 5; k++) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);

		fprintf(f, "tp-records 1\n");
		for (i = 0; i < 25000; i++)
			fprintf(f, "reply %d AKL 10.0.%d.%d - 60 %d\n", 10 + k, (i >> 8) & 0xff,
			    i & 0xff, i);
		fclose(f);
		f = fmemopen(text, len, "r");
		cr_assert_eq(tp_import_stream_cached(cache, f, "s", NULL, &s, &err), 0, "%s",
		    err.msg);
		fclose(f);
		free(text);
		cr_expect_eq(s.inserted, 25000);
	}
	cr_expect_eq(tp_import_cache_table_reads(cache), 1, "targets read %u times",
	    tp_import_cache_table_reads(cache));
	tp_import_cache_free(cache);
	cr_expect_eq(responses(), 125000);
}

/* Import text through cache as a stream called name. */
static int
import_cached_text(struct tp_import_cache *cache, const char *text, const char *name,
    struct tp_import_stats *s, struct tp_err *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	cr_assert_not_null(f);
	rc = tp_import_stream_cached(cache, f, name, NULL, s, err);
	fclose(f);
	return rc;
}

/*
 * In a batch (one transaction, each stream a savepoint), a bad stream
 * leaves nothing of itself, the streams before and after it are stored
 * once the batch commits, and foreign_keys is on again afterwards.
 */
Test(import, batch_undoes_only_the_bad_stream)
{
	struct tp_import_cache *cache = tp_import_cache_new(db);
	struct tp_import_stats s;
	struct tp_err err;

	cr_assert_eq(tp_import_cache_batch_begin(cache, &err), 0, "%s", err.msg);
	cr_assert(tp_import_cache_in_batch(cache));
	cr_assert_eq(import_cached_text(cache, good, "first", &s, &err), 0, "%s", err.msg);
	cr_expect_eq(s.inserted, 3);
	cr_expect_eq(import_cached_text(cache, "tp-records 1\n"
	    "reply 8 AKL 198.18.0.3 1 60 1\nreply 8 AKL not-an-address 1 60 2\n", "second",
	    &s, &err), -1);
	cr_expect(strstr(err.msg, "second:3") != NULL, "%s", err.msg);
	cr_assert_eq(import_cached_text(cache, "tp-records 1\nreply 8 CHC 198.18.0.2 1 60 3\n",
	    "third", &s, &err), 0, "%s", err.msg);
	cr_assert_eq(tp_import_cache_batch_end(cache, &err), 0, "%s", err.msg);
	cr_expect_not(tp_import_cache_in_batch(cache));
	tp_import_cache_free(cache);
	cr_expect_eq(count_of("SELECT count(*) FROM responses WHERE round_id = 7"), 3);
	cr_expect_eq(count_of("SELECT count(*) FROM responses WHERE round_id = 8"), 1);
	cr_expect_eq(count_of("SELECT count(*) FROM responses WHERE target_id = 3"), 0);
	cr_expect_eq(count_of("PRAGMA foreign_keys"), 1);
	cr_expect(sqlite3_get_autocommit(db->h), "a transaction was left open");
}

/*
 * A stream in a batch too large to hold (here more than 2 rows) opens a
 * savepoint and stores directly: a good one is stored in full, a bad one
 * leaves nothing, and the batch goes on.
 */
Test(import, batch_large_stream_savepoint)
{
	struct tp_import_cache *cache = tp_import_cache_new(db);
	struct tp_import_stats s;
	struct tp_err err;
	size_t was = tp_import_hold_max;

	tp_import_hold_max = 2;
	cr_assert_eq(tp_import_cache_batch_begin(cache, &err), 0, "%s", err.msg);
	cr_expect_eq(import_cached_text(cache, "tp-records 1\nreply 8 AKL 198.18.0.1 1 60 1\n"
	    "reply 8 AKL 198.18.0.2 1 60 2\nreply 8 AKL 198.18.0.3 1 60 3\n"
	    "reply 8 AKL 198.18.0.4 1 60 4\nreply 8 AKL nowhere 1 60 5\n", "bad", &s, &err), -1);
	cr_expect(tp_import_cache_in_batch(cache));
	cr_assert_eq(import_cached_text(cache, good, "good", &s, &err), 0, "%s", err.msg);
	cr_expect_eq(s.inserted, 3);
	cr_expect_eq(s.duplicates, 1);
	cr_assert_eq(tp_import_cache_batch_end(cache, &err), 0, "%s", err.msg);
	tp_import_hold_max = was;
	tp_import_cache_free(cache);
	cr_expect_eq(count_of("SELECT count(*) FROM responses WHERE round_id = 8"), 0);
	cr_expect_eq(count_of("SELECT count(*) FROM responses WHERE round_id = 7"), 3);
	/* The first of two replies of one target in a stream is the one stored. */
	cr_expect_eq(count_of("SELECT site_id FROM responses WHERE round_id = 7 AND "
	    "target_id = 1"), 1);
}

/*
 * A NUL byte in a record line fails the stream (it was silently cut there),
 * and a comment line is bounded like a data line.
 */
Test(import, nul_and_long_comment_refused)
{
	static const char nul_text[] = "tp-records 1\nreply 7 AKL 198.18.0.1 1 60 1\0 junk\n";
	struct tp_import_stats s;
	struct tp_err err;
	char *text;
	size_t n = 5 * 1024 * 1024;
	FILE *f;

	f = fmemopen((void *)nul_text, sizeof(nul_text) - 1, "r");
	cr_assert_not_null(f);
	cr_expect_eq(tp_import_stream(db, f, "s", &s, &err), -1);
	fclose(f);
	cr_expect(strstr(err.msg, "s:2: NUL byte in line") != NULL, "%s", err.msg);
	cr_expect_eq(responses(), 0);

	text = malloc(n + 64);
	cr_assert_not_null(text);
	strcpy(text, "tp-records 1\n#");
	memset(text + 14, 'x', n);
	strcpy(text + 14 + n, "\nreply 7 AKL 198.18.0.1 1 60 1\n");
	cr_expect_eq(import_text(text, &s, &err), -1);
	cr_expect(strstr(err.msg, "s:2: line longer than 511 bytes") != NULL, "%s", err.msg);
	cr_expect_eq(responses(), 0);
	free(text);
}

/* A stream quoting an escape sequence is quoted back escaped. */
Test(import, hostile_text_escaped)
{
	struct tp_import_stats s;
	struct tp_err err;

	cr_expect_eq(import_text("tp-records 1\nreply 7 \x1b]0;x\x07 198.18.0.1 1 60 1\n", &s,
	    &err), -1);
	cr_expect(strstr(err.msg, "bad site name \"\\x1b]0;x\\x07\"") != NULL, "%s", err.msg);
	cr_expect(strchr(err.msg, '\x1b') == NULL);
}
