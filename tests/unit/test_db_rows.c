/* test_db_rows.c: what the store keeps: address blobs for both families, site ids. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <criterion/criterion.h>

#include "db.h"
#include "fixture.h"

TestSuite(db_rows, .fini = fixture_cleanup);

/* An address from text, without going through the addr module. */
static struct tp_addr
addr(const char *s)
{
	struct tp_addr a;

	memset(&a, 0, sizeof(a));
	a.family = strchr(s, ':') != NULL ? AF_INET6 : AF_INET;
	cr_assert_eq(inet_pton(a.family, s, a.bytes), 1, "%s", s);
	return a;
}

Test(db_rows, address_blobs_round_trip_for_v4_and_v6)
{
	static const struct {
		const char *text;
		int len;
		int family;
	} rows[] = {
		{ "198.18.0.1", 4, 4 },
		{ "0.0.0.0", 4, 4 },
		{ "255.255.255.255", 4, 4 },
		{ "2001:db8::1", 16, 6 },
		{ "::", 16, 6 },
		{ "::ffff:198.18.0.1", 16, 6 },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 16, 6 },
	};
	struct tp_db *db = fixture_db_open(fixture_path("t.db"), TP_DB_CREATE);
	struct tp_err err = { "" };
	sqlite3_stmt *ins, *sel;
	size_t i;

	cr_assert_eq(tp_db_prepare(db, "INSERT INTO targets (addr, family) VALUES (?, ?)",
	    &ins, &err), 0, "%s", err.msg);
	cr_assert_eq(tp_db_prepare(db, "SELECT addr, length(addr), family FROM targets "
	    "WHERE id = ?", &sel, &err), 0, "%s", err.msg);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tp_addr a = addr(rows[i].text), back;

		memset(&back, 0x55, sizeof(back));
		cr_assert_eq(tp_db_bind_addr(ins, 1, &a), 0);
		sqlite3_bind_int(ins, 2, rows[i].family);
		cr_assert_eq(sqlite3_step(ins), SQLITE_DONE, "%s: %s", rows[i].text,
		    sqlite3_errmsg(db->h));
		sqlite3_reset(ins);
		sqlite3_bind_int64(sel, 1, sqlite3_last_insert_rowid(db->h));
		cr_assert_eq(sqlite3_step(sel), SQLITE_ROW);
		cr_assert_eq(sqlite3_column_int(sel, 1), rows[i].len, "%s", rows[i].text);
		cr_assert_eq(tp_db_column_addr(sel, 0, &back), 0, "%s", rows[i].text);
		cr_assert_eq(memcmp(&a, &back, sizeof(a)), 0, "%s", rows[i].text);
		sqlite3_reset(sel);
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	tp_db_close(db);
}

Test(db_rows, bad_address_blobs_and_families_are_refused)
{
	static const char *const bad[] = {
		"SELECT x'0102030405'", "SELECT x''", "SELECT NULL", "SELECT '1.2.3.4'",
		"SELECT 16909060", "SELECT zeroblob(16) || x'00'",
	};
	struct tp_db *db = fixture_db_open(fixture_path("t.db"), TP_DB_CREATE);
	struct tp_err err = { "" };
	struct tp_addr a;
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(tp_db_prepare(db, bad[i], &st, &err), 0, "%s", err.msg);
		cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
		cr_assert_eq(tp_db_column_addr(st, 0, &a), -1, "%s accepted", bad[i]);
		sqlite3_finalize(st);
	}
	cr_assert_eq(tp_db_prepare(db, "SELECT ?", &st, &err), 0, "%s", err.msg);
	memset(&a, 0, sizeof(a));
	cr_assert_eq(tp_db_bind_addr(st, 1, &a), -1, "family 0 bound");
	a.family = AF_INET;
	cr_assert_eq(tp_db_bind_addr(st, 2, &a), -1, "bound past the last parameter");
	sqlite3_finalize(st);
	tp_db_close(db);
}

Test(db_rows, site_ids_are_created_once_and_looked_up)
{
	struct tp_db *db = fixture_db_open(fixture_path("t.db"), TP_DB_CREATE);
	struct tp_err err = { "" };
	long long akl, syd;

	akl = tp_db_site_id(db, "AKL", 1, &err);
	cr_assert_gt(akl, 0, "%s", err.msg);
	syd = tp_db_site_id(db, "SYD", 1, &err);
	cr_assert_gt(syd, 0, "%s", err.msg);
	cr_assert_neq(akl, syd);
	cr_assert_eq(tp_db_site_id(db, "AKL", 1, &err), akl);
	cr_assert_eq(tp_db_site_id(db, "AKL", 0, &err), akl);
	cr_assert_eq((long long)fixture_query(db->h, "SELECT count(*) FROM sites"), 2);

	cr_assert_eq(tp_db_site_id(db, "CHC", 0, &err), -1);
	cr_assert(strstr(err.msg, "no site \"CHC\"") != NULL, "got: %s", err.msg);
	cr_assert_eq((long long)fixture_query(db->h, "SELECT count(*) FROM sites"), 2);
	/* Names are bound, never pasted into SQL. */
	cr_assert_gt(tp_db_site_id(db, "x'); DROP TABLE sites; --", 1, &err), 0, "%s",
	    err.msg);
	cr_assert_eq((long long)fixture_query(db->h, "SELECT count(*) FROM sites"), 3);
	cr_assert_eq(tp_db_site_id(db, "", 1, &err), -1);
	cr_assert(strstr(err.msg, "empty site name") != NULL, "got: %s", err.msg);
	tp_db_close(db);
}

Test(db_rows, close_accepts_null)
{
	tp_db_close(NULL);
}
