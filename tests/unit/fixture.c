/* fixture.c: temporary files and databases for unit tests. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <criterion/criterion.h>
#include <sqlite3.h>

#include "db.h"
#include "fixture.h"
#include "predict.h"

static char fixture_root[64];

/* Create the folder on first use. */
const char *
fixture_dir(void)
{
	if (fixture_root[0] == '\0') {
		strcpy(fixture_root, "/tmp/tp-unit-XXXXXX");
		cr_assert_not_null(mkdtemp(fixture_root), "mkdtemp failed");
	}
	return fixture_root;
}

/* Join the folder and a name; rotates through 8 buffers so several paths can live at once. */
const char *
fixture_path(const char *name)
{
	static char bufs[8][256];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s/%s", fixture_dir(), name);
	return b;
}

/* Write a file and return its path. */
const char *
fixture_write(const char *name, const char *text)
{
	const char *path = fixture_path(name);
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Create a database in the folder and run sql in it. */
struct tp_db *
fixture_db(const char *name, const char *sql)
{
	struct tp_db *db;
	struct tp_err err;

	cr_assert_eq(tp_db_open(fixture_path(name), TP_DB_CREATE, &db, &err), 0, "%s", err.msg);
	cr_assert_eq(tp_db_exec(db, sql, &err), 0, "%s", err.msg);
	return db;
}

/* Load campaign 1's model from a fresh database holding sql. */
struct pd_model *
fixture_model(const char *name, const char *sql, struct tp_db **db)
{
	struct pd_model *md;
	struct tp_err err;

	*db = fixture_db(name, sql);
	cr_assert_eq(pd_model_load(*db, 1, &md, &err), 0, "%s", err.msg);
	return md;
}

/* Predict withdrawn, or fail the test. */
void
fixture_predict(struct pd_model *md, const char *withdrawn, struct pd_prediction *p)
{
	struct tp_err err;

	cr_assert_eq(pd_predict(md, withdrawn, p, &err), 0, "%s: %s", withdrawn, err.msg);
}

/* Free the model, close and remove the database. */
void
fixture_model_free(struct pd_model *md, struct tp_db *db)
{
	pd_model_free(md);
	tp_db_close(db);
	fixture_cleanup();
}

/* Remove the folder (rm -rf; only our own mkdtemp folder). */
void
fixture_cleanup(void)
{
	char cmd[128];

	if (fixture_root[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fixture_root);
	if (system(cmd) != 0)
		fprintf(stderr, "fixture: could not remove %s\n", fixture_root);
	fixture_root[0] = '\0';
}

/* Open a database, failing the test on error. */
struct tp_db *
fixture_db_open(const char *path, int flags)
{
	struct tp_err err = { "" };
	struct tp_db *db = NULL;

	cr_assert_eq(tp_db_open(path, flags, &db, &err), 0, "%s", err.msg);
	cr_assert_not_null(db);
	return db;
}

/*
 * CPU seconds this test process has used: a bound on work that holds
 * however busy the machine is (a wall clock does not).
 */
double
fixture_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The first column of sql's first row. */
double
fixture_query(void *h, const char *sql)
{
	sqlite3_stmt *st;
	double v;

	cr_assert_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
	    sqlite3_errmsg(h));
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
	v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Read a whole file into fresh memory. */
char *
fixture_read(const char *path)
{
	size_t len;

	return fixture_read_len(path, &len);
}

/* Read a whole file into fresh memory, NUL-terminated; its size in *len. */
char *
fixture_read_len(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	cr_assert_not_null(f, "cannot read %s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* A BIRD transcript of tests/fixtures/bird, read whole. */
char *
fixture_bird_transcript(const char *name, size_t *len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/fixtures/bird/%s", TESTS_SRCDIR, name);
	return fixture_read_len(path, len);
}

/* A probe key with bytes salt, salt + 1, ..., salt + 31. */
struct tp_key
fixture_key_salted(uint8_t salt)
{
	uint8_t raw[TP_KEY_BYTES];
	struct tp_key k;
	size_t i;

	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (uint8_t)(i + salt);
	tp_key_from_bytes(&k, raw);
	return k;
}

/* An address from text via inet_pton. */
struct tp_addr
fixture_addr_parse(const char *s)
{
	struct tp_addr a;

	memset(&a, 0, sizeof(a));
	a.family = strchr(s, ':') ? AF_INET6 : AF_INET;
	cr_assert_eq(inet_pton(a.family, s, a.bytes), 1, "%s", s);
	return a;
}

/* Independent RFC 1071 sum: 32-bit accumulate of 16-bit words, folded. */
unsigned
fixture_ones_sum(const uint8_t *d, size_t n, unsigned long acc)
{
	size_t i;

	for (i = 0; i < n; i += 2)
		acc += (unsigned long)(d[i] * 256 + (i + 1 < n ? d[i + 1] : 0));
	while (acc > 0xffff)
		acc = (acc & 0xffff) + (acc >> 16);
	return (unsigned)acc;
}

/* Load text as tp.conf (written into fixture_dir()). */
int
fixture_conf_load(const char *text, struct tp_conf *c, struct tp_err *err)
{
	return tp_conf_load(fixture_write("tp.conf", text), c, err);
}

/* An address as text, for comparisons. */
const char *
fixture_addr(const struct tp_addr *a)
{
	static char buf[TP_ADDR_STRLEN];

	return tp_addr_format(a, buf, sizeof(buf));
}

/* A prefix as text, for comparisons. */
const char *
fixture_prefix(const struct tp_prefix *p)
{
	static char buf[TP_PREFIX_STRLEN];

	return tp_prefix_format(p, buf, sizeof(buf));
}
