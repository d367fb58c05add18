/*
 * test_db.c: opening the store (WAL, busy timeout, pragmas), migrations
 * (fresh, from an older version, newer refused, failed step rolled back),
 * non-database files, locking. Address blobs and site ids are in
 * test_db_rows.c.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "db.h"
#include "fixture.h"

TestSuite(db, .fini = fixture_cleanup);

static const char *const tables[] = {
	"sites", "targets", "campaigns", "scenarios", "scenario_sites", "rounds",
	"responses",
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

/* 1 when table exists in h. */
static int
has_table(sqlite3 *h, const char *table)
{
	char sql[200];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sqlite_master "
	    "WHERE type = 'table' AND name = '%s'", table);
	return (long long)fixture_query(h, sql) == 1;
}

/* Open a raw connection (creating the file), failing the test on error. */
static sqlite3 *
raw_open(const char *path)
{
	sqlite3 *h = NULL;

	cr_assert_eq(sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	    NULL), SQLITE_OK);
	return h;
}

/* Milliseconds on the monotonic clock. */
static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

Test(db, fresh_database_gets_newest_version_and_every_table)
{
	struct tp_db *db = fixture_db_open(fixture_path("t.db"), TP_DB_CREATE);
	size_t i;

	cr_assert_geq(tp_db_schema_version(), 1);
	cr_assert_eq(tp_db_user_version(db), tp_db_schema_version());
	for (i = 0; i < NTABLES; i++)
		cr_assert(has_table(db->h, tables[i]), "no table %s", tables[i]);
	cr_assert_str_eq(db->path, fixture_path("t.db"));
	tp_db_close(db);
}

Test(db, pragmas_are_set_wal_busy_timeout_foreign_keys_synchronous)
{
	struct tp_db *db = fixture_db_open(fixture_path("t.db"), TP_DB_CREATE);
	sqlite3_stmt *st;

	cr_assert_eq(sqlite3_prepare_v2(db->h, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	cr_assert_eq((long long)fixture_query(db->h, "PRAGMA busy_timeout"), TP_DB_BUSY_MS);
	cr_assert_eq((long long)fixture_query(db->h, "PRAGMA foreign_keys"), 1);
	cr_assert_eq((long long)fixture_query(db->h, "PRAGMA synchronous"), 1);	/* NORMAL */
	tp_db_close(db);
	cr_assert_eq(access(fixture_path("t.db"), F_OK), 0);
}

Test(db, the_busy_timeout_is_configurable)
{
	struct tp_db *db;

	tp_db_set_busy_timeout(600 * 1000);
	db = fixture_db_open(fixture_path("t.db"), TP_DB_CREATE);
	tp_db_set_busy_timeout(0);	/* back to the default for the tests after */
	cr_expect_eq((long long)fixture_query(db->h, "PRAGMA busy_timeout"), 600 * 1000);
	tp_db_close(db);
	db = fixture_db_open(fixture_path("t.db"), 0);
	cr_expect_eq((long long)fixture_query(db->h, "PRAGMA busy_timeout"), TP_DB_BUSY_MS);
	tp_db_close(db);
}

Test(db, missing_file_without_create_is_refused_and_not_made)
{
	const char *path = fixture_path("absent.db");
	struct tp_err err = { "" };
	struct tp_db *db = (struct tp_db *)1;

	cr_assert_eq(tp_db_open(path, 0, &db, &err), -1);
	cr_assert_null(db);
	cr_assert(strstr(err.msg, path) == err.msg, "got: %s", err.msg);
	cr_assert(strstr(err.msg, "No such file") != NULL, "got: %s", err.msg);
	cr_assert_eq(access(path, F_OK), -1, "file was created");
	cr_assert_eq(tp_db_open(path, TP_DB_READONLY, &db, &err), -1);
}

Test(db, version_0_to_newest_then_reopen_is_a_no_op)
{
	const char *path = fixture_path("old.db");
	struct tp_err err = { "" };
	struct tp_db *db;
	sqlite3 *h = raw_open(path);
	long long objects;
	size_t i;

	/* Migrating "up to 0" leaves an empty file alone. */
	cr_assert_eq(tp_db_migrate(h, 0, path, &err), 0, "%s", err.msg);
	cr_assert_eq((long long)fixture_query(h, "PRAGMA user_version"), 0);
	cr_assert_eq((long long)fixture_query(h, "SELECT count(*) FROM sqlite_master"), 0);
	cr_assert_eq(sqlite3_close(h), SQLITE_OK);

	/* tp_db_open brings version 0 to the newest. */
	db = fixture_db_open(path, 0);
	cr_assert_eq(tp_db_user_version(db), tp_db_schema_version());
	for (i = 0; i < NTABLES; i++)
		cr_assert(has_table(db->h, tables[i]), "no table %s", tables[i]);
	objects = (long long)fixture_query(db->h, "SELECT count(*) FROM sqlite_master");
	cr_assert_eq(tp_db_exec(db, "INSERT INTO sites (name) VALUES ('AKL')", &err), 0,
	    "%s", err.msg);
	tp_db_close(db);

	/* Opening again changes nothing and keeps the data. */
	db = fixture_db_open(path, 0);
	cr_assert_eq(tp_db_user_version(db), tp_db_schema_version());
	cr_assert_eq((long long)fixture_query(db->h, "SELECT count(*) FROM sqlite_master"), objects);
	cr_assert_eq((long long)fixture_query(db->h, "SELECT count(*) FROM sites WHERE name = 'AKL'"), 1);
	tp_db_close(db);

	/* Read-only opens of a current database work and see the data. */
	db = fixture_db_open(path, TP_DB_READONLY);
	cr_assert_eq((long long)fixture_query(db->h, "SELECT count(*) FROM sites"), 1);
	cr_assert_eq(tp_db_exec(db, "INSERT INTO sites (name) VALUES ('SYD')", &err), -1);
	cr_assert(strstr(err.msg, "readonly") != NULL, "got: %s", err.msg);
	tp_db_close(db);
}

Test(db, migrate_on_a_raw_handle_step_by_step)
{
	const char *path = fixture_path("steps.db");
	struct tp_err err = { "" };
	sqlite3 *h = raw_open(path);
	int v;

	for (v = 1; v <= tp_db_schema_version(); v++) {
		cr_assert_eq(tp_db_migrate(h, v, path, &err), 0, "to %d: %s", v, err.msg);
		cr_assert_eq((long long)fixture_query(h, "PRAGMA user_version"), v);
	}
	/* Asking for an older version than the file has is a no-op, not a downgrade. */
	cr_assert_eq(tp_db_migrate(h, 0, path, &err), 0, "%s", err.msg);
	cr_assert_eq((long long)fixture_query(h, "PRAGMA user_version"), tp_db_schema_version());
	/* A target the program does not know is refused. */
	cr_assert_eq(tp_db_migrate(h, tp_db_schema_version() + 1, path, &err), -1);
	cr_assert(strstr(err.msg, "cannot migrate") != NULL, "got: %s", err.msg);
	cr_assert_eq(tp_db_migrate(h, -1, path, &err), -1);
	sqlite3_close(h);
}

/*
 * Several programs opening the same fresh file at once (cron jobs starting
 * together) must all succeed: each step re-reads the version under the lock.
 */
Test(db, concurrent_first_opens_all_succeed)
{
	enum { NCHILD = 8, NTRY = 5 };
	int t, i, status;

	for (t = 0; t < NTRY; t++) {
		char name[32];
		const char *path;
		pid_t kids[NCHILD];
		struct tp_db *db;

		snprintf(name, sizeof(name), "race%d.db", t);
		path = fixture_path(name);
		for (i = 0; i < NCHILD; i++) {
			kids[i] = fork();
			cr_assert_geq(kids[i], 0);
			if (kids[i] == 0) {
				struct tp_err err = { "" };
				struct tp_db *child = NULL;
				int rc = tp_db_open(path, TP_DB_CREATE, &child, &err);

				if (rc < 0)
					fprintf(stderr, "child: %s\n", err.msg);
				tp_db_close(child);
				_exit(rc < 0);
			}
		}
		for (i = 0; i < NCHILD; i++) {
			cr_assert_eq(waitpid(kids[i], &status, 0), kids[i]);
			cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			    "try %d child %d failed", t, i);
		}
		db = fixture_db_open(path, 0);
		cr_assert_eq(tp_db_user_version(db), tp_db_schema_version());
		tp_db_close(db);
	}
}

Test(db, newer_database_is_refused_and_left_untouched)
{
	const char *path = fixture_path("new.db");
	int newer = tp_db_schema_version() + 3;
	struct tp_err err = { "" };
	struct tp_db *db = NULL;
	char sql[64], want[600];
	sqlite3 *h = raw_open(path);

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", newer);
	cr_assert_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_close(h), SQLITE_OK);
	snprintf(want, sizeof(want), "%s: schema version %d is newer than this "
	    "program's %d; upgrade traffic-predictor", path, newer, tp_db_schema_version());

	cr_assert_eq(tp_db_open(path, 0, &db, &err), -1);
	cr_assert_null(db);
	cr_assert_str_eq(err.msg, want);
	err.msg[0] = '\0';
	cr_assert_eq(tp_db_open(path, TP_DB_READONLY, &db, &err), -1);
	cr_assert_str_eq(err.msg, want);

	h = raw_open(path);
	err.msg[0] = '\0';
	cr_assert_eq(tp_db_migrate(h, tp_db_schema_version(), path, &err), -1);
	cr_assert_str_eq(err.msg, want);
	cr_assert_eq((long long)fixture_query(h, "PRAGMA user_version"), newer);
	cr_assert_eq((long long)fixture_query(h, "SELECT count(*) FROM sqlite_master"), 0);
	sqlite3_close(h);
}

Test(db, older_database_opened_read_only_is_refused)
{
	const char *path = fixture_path("empty.db");
	struct tp_err err = { "" };
	struct tp_db *db = NULL;

	sqlite3_close(raw_open(path));
	cr_assert_eq(tp_db_open(path, TP_DB_READONLY, &db, &err), -1);
	cr_assert(strstr(err.msg, "schema version 0 is older") != NULL, "got: %s", err.msg);
	cr_assert(strstr(err.msg, "run a command that writes to it once") != NULL, "got: %s",
	    err.msg);
}

Test(db, failed_migration_step_is_rolled_back)
{
	const char *path = fixture_path("clash.db");
	struct tp_err err = { "" };
	struct tp_db *db = NULL;
	sqlite3 *h = raw_open(path);

	/* A stray table with a schema name makes step 1 fail half-way. */
	cr_assert_eq(sqlite3_exec(h, "CREATE TABLE rounds (x)", NULL, NULL, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_close(h), SQLITE_OK);

	cr_assert_eq(tp_db_open(path, 0, &db, &err), -1);
	cr_assert(strstr(err.msg, path) == err.msg, "got: %s", err.msg);
	cr_assert(strstr(err.msg, "migration to version 1") != NULL, "got: %s", err.msg);
	cr_assert(strstr(err.msg, "rounds already exists") != NULL, "got: %s", err.msg);

	/* The same on a raw handle: the transaction is closed, not left open. */
	h = raw_open(path);
	cr_assert_eq(tp_db_migrate(h, tp_db_schema_version(), path, &err), -1);
	cr_assert_eq(sqlite3_get_autocommit(h), 1, "transaction left open");
	cr_assert_eq((long long)fixture_query(h, "PRAGMA user_version"), 0);
	cr_assert_not(has_table(h, "sites"), "step was not rolled back");
	cr_assert_not(has_table(h, "targets"), "step was not rolled back");
	sqlite3_close(h);
}

Test(db, non_database_files_are_refused_naming_the_file)
{
	static const char *const junk[] = {
		"this is a text file, not a database\n",
		"SQLite format 3 -- but only the start of a header, the rest is wrong "
		    "and long enough to be read as one: "
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
	};
	char big[8192];
	size_t i;

	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (i = 0; i < 3; i++) {
		const char *path = fixture_write("junk.db", i < 2 ? junk[i] : big);
		struct tp_err err = { "" };
		struct tp_db *db = NULL;
		char want[400];

		snprintf(want, sizeof(want), "%s: not an SQLite database (file is not a "
		    "database)", path);
		cr_assert_eq(tp_db_open(path, 0, &db, &err), -1, "row %zu opened", i);
		cr_assert_null(db);
		cr_assert_str_eq(err.msg, want, "row %zu", i);
		cr_assert_null(strchr(err.msg, '\n'));
		cr_assert_eq(tp_db_open(path, TP_DB_READONLY, &db, &err), -1);
		cr_assert_str_eq(err.msg, want, "row %zu read-only", i);
	}
}

Test(db, a_held_write_lock_fails_after_the_busy_timeout_with_a_clear_error)
{
	const char *path = fixture_path("busy.db");
	struct tp_err err = { "" };
	struct tp_db *db = fixture_db_open(path, TP_DB_CREATE);
	sqlite3 *other = raw_open(path);
	double t0, waited;

	cr_assert_eq(sqlite3_exec(other, "BEGIN EXCLUSIVE; "
	    "INSERT INTO sites (name) VALUES ('holder')", NULL, NULL, NULL), SQLITE_OK);
	/* A short timeout instead of the 5 s default keeps the test quick. */
	cr_assert_eq(sqlite3_busy_timeout(db->h, 300), SQLITE_OK);

	t0 = now_ms();
	cr_assert_eq(tp_db_exec(db, "INSERT INTO sites (name) VALUES ('AKL')", &err), -1);
	waited = now_ms() - t0;
	cr_assert(waited >= 250 && waited < 3000, "waited %.0f ms", waited);
	cr_assert(strstr(err.msg, path) == err.msg, "got: %s", err.msg);
	cr_assert(strstr(err.msg, "database is locked") != NULL, "got: %s", err.msg);
	cr_assert(strstr(err.msg, "INSERT INTO sites") != NULL, "got: %s", err.msg);

	t0 = now_ms();
	cr_assert_eq(tp_db_begin(db, &err), -1);
	waited = now_ms() - t0;
	cr_assert(waited >= 250 && waited < 3000, "waited %.0f ms", waited);
	cr_assert(strstr(err.msg, "database is locked") != NULL, "got: %s", err.msg);

	/* Readers are not blocked in WAL mode; writers go on once the lock is gone. */
	cr_assert_eq((long long)fixture_query(db->h, "SELECT count(*) FROM sites"), 0);
	cr_assert_eq(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	cr_assert_eq(tp_db_begin(db, &err), 0, "%s", err.msg);
	cr_assert_eq(tp_db_exec(db, "INSERT INTO sites (name) VALUES ('AKL')", &err), 0,
	    "%s", err.msg);
	cr_assert_eq(tp_db_commit(db, &err), 0, "%s", err.msg);
	cr_assert_eq((long long)fixture_query(db->h, "SELECT count(*) FROM sites"), 2);
	sqlite3_close(other);
	tp_db_close(db);
}

Test(db, rollback_discards_the_transaction)
{
	struct tp_db *db = fixture_db_open(fixture_path("t.db"), TP_DB_CREATE);
	struct tp_err err = { "" };

	cr_assert_eq(tp_db_begin(db, &err), 0, "%s", err.msg);
	cr_assert_eq(tp_db_exec(db, "INSERT INTO sites (name) VALUES ('AKL')", &err), 0);
	tp_db_rollback(db);
	tp_db_rollback(db);	/* no transaction: harmless */
	cr_assert_eq((long long)fixture_query(db->h, "SELECT count(*) FROM sites"), 0);
	cr_assert_eq(tp_db_commit(db, &err), -1);
	cr_assert(strstr(err.msg, "no transaction is active") != NULL, "got: %s", err.msg);
	tp_db_close(db);
}

Test(db, foreign_keys_are_enforced)
{
	struct tp_db *db = fixture_db_open(fixture_path("t.db"), TP_DB_CREATE);
	struct tp_err err = { "" };

	cr_assert_eq(tp_db_exec(db, "INSERT INTO responses (round_id, target_id, site_id, "
	    "received_us) VALUES (1, 1, 1, 0)", &err), -1);
	cr_assert(strstr(err.msg, "FOREIGN KEY constraint failed") != NULL, "got: %s",
	    err.msg);
	tp_db_close(db);
}

Test(db, prepare_errors_name_the_sql_and_sqlite_message)
{
	struct tp_db *db = fixture_db_open(fixture_path("t.db"), TP_DB_CREATE);
	struct tp_err err = { "" };
	sqlite3_stmt *st = (sqlite3_stmt *)1;

	cr_assert_eq(tp_db_prepare(db, "SELECT x FROM nowhere", &st, &err), -1);
	cr_assert_null(st);
	cr_assert(strstr(err.msg, "SELECT x FROM nowhere") != NULL, "got: %s", err.msg);
	cr_assert(strstr(err.msg, "no such table: nowhere") != NULL, "got: %s", err.msg);
	cr_assert_eq(tp_db_prepare(db, "SELECT 1", &st, &err), 0, "%s", err.msg);
	sqlite3_finalize(st);
	tp_db_close(db);
}

/* Bulk-load settings (page cache, journals in memory) apply and are restored. */
Test(db, bulk_settings_apply_and_are_restored)
{
	struct tp_db *db = fixture_db_open(fixture_path("t.db"), TP_DB_CREATE);
	struct tp_db_bulk was;

	sqlite3_exec(db->h, "PRAGMA cache_size = -1234; PRAGMA temp_store = FILE", NULL, NULL,
	    NULL);
	tp_db_bulk_begin(db, &was);
	cr_expect_eq((long long)fixture_query(db->h, "PRAGMA cache_size"),
	    -(long long)TP_DB_BULK_CACHE_KIB);
	cr_expect_eq((long long)fixture_query(db->h, "PRAGMA temp_store"), 2);
	tp_db_bulk_end(db, &was);
	cr_expect_eq((long long)fixture_query(db->h, "PRAGMA cache_size"), -1234);
	cr_expect_eq((long long)fixture_query(db->h, "PRAGMA temp_store"), 1);
	cr_expect_eq(tp_db_foreign_keys(db, 0), 1, "foreign keys are on after open");
	cr_expect_eq(tp_db_foreign_keys(db, 1), 0);
	cr_expect_eq((long long)fixture_query(db->h, "PRAGMA foreign_keys"), 1);
	tp_db_close(db);
}
