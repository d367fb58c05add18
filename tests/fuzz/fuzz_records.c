/*
 * fuzz_records.c: libFuzzer target for the listener's record stream: the
 * line parser (lib/records.c) and the stream importer (lib/import.c) run
 * against an SQLite database in memory. Every line the parser accepts must
 * come back the same after being written out and parsed again; an import
 * either keeps every reply it counted or, when it fails, nothing at all.
 * Build and run: make fuzz-records [FUZZ_SECONDS=300]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "import.h"
#include "log.h"
#include "records.h"

/* Sites AKL, CHC, a, b; targets 198.18.0.1-3 and 2001:db8::1; rounds 1, 7 and 8. */
static const char fuzz_db_setup[] =
    "INSERT INTO sites (id, name) VALUES (1, 'AKL'), (2, 'CHC'), (3, 'a'), (4, 'b');"
    "INSERT INTO targets (id, addr, family, weight) VALUES (1, X'C6120001', 4, 1),"
    " (2, X'C6120002', 4, 1), (3, X'C6120003', 4, 1),"
    " (4, X'20010DB8000000000000000000000001', 6, 1);"
    "INSERT INTO campaigns (id, started_us) VALUES (1, 0);"
    "INSERT INTO rounds (id, campaign_id, kind) VALUES (1, 1, 'baseline'),"
    " (7, 1, 'baseline'), (8, 1, 'scenario');";

/* The one integer a query returns; aborts when it cannot be read. */
static long long
query_int(struct tp_db *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		abort();
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Write r out as the listener would, into buf. */
static void
write_record(const struct tp_record *r, char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");

	if (f == NULL)
		abort();
	if (r->kind == TP_REC_HEADER)
		tp_records_write_header(f);
	else if (r->kind == TP_REC_REPLY)
		tp_records_write_reply(f, r);
	else
		tp_records_write_end(f, r->round, r->site, r->accepted, r->rejected,
		    r->duplicates, r->drops);
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

/* Parse one line; an accepted record must survive being written and parsed again. */
static void
check_line(const char *line)
{
	struct tp_record r, again;
	struct tp_err err;
	char buf[1024];

	err.msg[0] = '\0';
	if (tp_record_parse(line, &r, &err) < 0) {
		if (err.msg[0] == '\0')
			abort();	/* a rejection always says why */
		return;
	}
	if (r.kind == TP_REC_SKIP)
		return;
	if (r.kind == TP_REC_REPLY && r.addr.family != AF_INET && r.addr.family != AF_INET6)
		abort();
	/* The writer writes the current version, whichever version was read. */
	if (r.kind == TP_REC_HEADER)
		r.version = TP_RECORDS_VERSION;
	memset(buf, 0, sizeof(buf));
	write_record(&r, buf, sizeof(buf));
	if (tp_record_parse(buf, &again, &err) < 0 || memcmp(&r, &again, sizeof(r)) != 0)
		abort();
}

/* Import the whole input as one stream and check that it is all or nothing. */
static void
import_input(struct tp_db *db, const uint8_t *data, size_t size)
{
	struct tp_import_stats st;
	struct tp_err err;
	long long rows;
	FILE *f;
	int rc;

	if ((f = fmemopen((void *)data, size, "r")) == NULL)
		abort();
	memset(&st, 0, sizeof(st));
	rc = tp_import_stream(db, f, "fuzz", &st, &err);
	fclose(f);
	rows = query_int(db, "SELECT count(*) FROM responses");
	if (rc == 0 && (rows != (long long)st.inserted ||
	    st.inserted + st.duplicates + st.unknown + st.foreign != st.replies))
		abort();
	if (query_int(db, "SELECT count(*) FROM sites") != 4)
		abort();	/* a stream never creates a site */
	if (rc < 0 && (rows != 0 || strncmp(err.msg, "fuzz", 4) != 0))
		abort();	/* a failed stream keeps nothing and names itself */
	if (query_int(db, "PRAGMA foreign_keys") != 1 || !sqlite3_get_autocommit(db->h))
		abort();	/* the importer restores the connection */
	if (tp_db_exec(db, "DELETE FROM responses", &err) < 0)
		abort();
}

/* Parse every line of the input on its own, then import it as a stream. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tp_db *db;
	struct tp_err err;
	char *text, *line, *nl;

	if (db == NULL) {
		log_init("fuzz", TP_LOG_ERROR);
		if (tp_db_open(":memory:", TP_DB_CREATE, &db, &err) < 0 ||
		    tp_db_exec(db, fuzz_db_setup, &err) < 0) {
			fprintf(stderr, "fuzz_records: %s\n", err.msg);
			abort();
		}
	}
	if (size == 0)
		return 0;	/* fmemopen wants at least one byte */
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = text; line != NULL; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		check_line(line);
	}
	free(text);
	import_input(db, data, size);
	return 0;
}
