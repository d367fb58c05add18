/*
 * db.c: open the SQLite store (WAL, busy timeout, foreign keys), bring its
 * schema up to date from db_migrations.c, and small helpers every program
 * uses: exec, transactions, prepared statements (address blobs and site
 * ids are db_rows.c).
 */
#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "db.h"
#include "db_file.h"
#include "db_migrations.h"
#include "db_readonly.h"
#include "xalloc.h"

/* How much of a statement's SQL an error message quotes. */
#define DB_SQL_QUOTE 60

/*
 * Fill err with "PATH: what: sqlite message", with a hint for the errors
 * a user can fix (a locked database, a file that is not a database).
 */
static int
db_fail(sqlite3 *h, const char *path, const char *what, struct tp_err *err)
{
	int code = sqlite3_errcode(h) & 0xff;

	if (code == SQLITE_NOTADB)
		return tp_err_set(err, "%s: not an SQLite database (%s)", path,
		    sqlite3_errmsg(h));
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return tp_err_set(err, "%s: %s: %s (another process is writing; "
		    "try again when it is done)", path, what, sqlite3_errmsg(h));
	if (code == SQLITE_CANTOPEN || code == SQLITE_READONLY)
		return tp_err_set(err, "%s: %s: %s (the database, its folder or the "
		    "file system is not writable: WAL needs the folder too)", path, what,
		    sqlite3_errmsg(h));
	return tp_err_set(err, "%s: %s: %s", path, what, sqlite3_errmsg(h));
}

/* Run sql without results on a raw handle; -1 naming the statement. */
static int
db_exec_raw(sqlite3 *h, const char *path, const char *sql, struct tp_err *err)
{
	char what[DB_SQL_QUOTE + 16];

	if (sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	snprintf(what, sizeof(what), "\"%.*s%s\"", DB_SQL_QUOTE, sql,
	    strlen(sql) > DB_SQL_QUOTE ? "..." : "");
	return db_fail(h, path, what, err);
}

/* Read a PRAGMA that returns one integer; -1 with a message on failure. */
static int
db_pragma_int(sqlite3 *h, const char *path, const char *sql, long long *out,
    struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail(h, path, sql, err);
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		db_fail(h, path, sql, err);
		sqlite3_finalize(st);
		return -1;
	}
	*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* Run "PRAGMA journal_mode=WAL" once; the mode it reports goes to mode. */
static int
db_try_wal(sqlite3 *h, char *mode, size_t len)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = sqlite3_prepare_v2(h, "PRAGMA journal_mode=WAL", -1, &st, NULL)) != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *m = sqlite3_column_text(st, 0);

		snprintf(mode, len, "%s", m != NULL ? (const char *)m : "?");
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

static int db_busy_ms = TP_DB_BUSY_MS;

/* Set the busy timeout of connections opened from now on. */
void
tp_db_set_busy_timeout(int ms)
{
	db_busy_ms = ms > 0 ? ms : TP_DB_BUSY_MS;
}

/*
 * Switch to WAL and check that it took (memory databases cannot: they
 * stay). Programs opening a fresh file at once (cron jobs) see it locked,
 * or half made, for a moment: those tries are repeated within the busy
 * timeout.
 */
static int
db_set_wal(sqlite3 *h, const char *path, struct tp_err *err)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	char mode[16];
	const char *file;
	int rc, waited_ms = 0;

	for (;;) {
		rc = db_try_wal(h, mode, sizeof(mode));
		if (rc == SQLITE_OK)
			break;
		rc &= 0xff;
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED && rc != SQLITE_IOERR) ||
		    waited_ms >= db_busy_ms)
			return db_fail(h, path, "setting WAL mode", err);
		nanosleep(&pause, NULL);
		waited_ms += 20;
	}
	file = sqlite3_db_filename(h, "main");
	if (strcmp(mode, "wal") != 0 && file != NULL && file[0] != '\0')
		return tp_err_set(err, "%s: cannot switch to WAL mode (journal mode "
		    "stays \"%s\"); is the file on a network file system?", path, mode);
	return 0;
}

/* The newest schema version this program knows. */
int
tp_db_schema_version(void)
{
	return tp_migrations_count == 0 ? 0 :
	    tp_migrations[tp_migrations_count - 1].version;
}

/* Check that migration i brings the schema to version i+1 (a programming invariant). */
static void
db_check_migrations(void)
{
	size_t i;

	for (i = 0; i < tp_migrations_count; i++)
		assert(tp_migrations[i].version == (int)i + 1);
}

/* The "newer than this program" refusal. */
static int
db_too_new(const char *path, long long version, struct tp_err *err)
{
	return tp_err_set(err, "%s: schema version %lld is newer than this "
	    "program's %d; upgrade traffic-predictor", path, version,
	    tp_db_schema_version());
}

/*
 * Bring the schema of h up to version upto, one step per transaction. The
 * version is re-read inside each BEGIN IMMEDIATE, so two programs opening
 * a fresh file at once do not both apply a step.
 */
int
tp_db_migrate(sqlite3 *h, int upto, const char *path, struct tp_err *err)
{
	const struct tp_migration *m;
	char bump[64];
	long long v;

	db_check_migrations();
	if (upto < 0 || upto > tp_db_schema_version())
		return tp_err_set(err, "%s: cannot migrate to schema version %d "
		    "(this program knows 0 to %d)", path, upto, tp_db_schema_version());
	if (db_pragma_int(h, path, "PRAGMA user_version", &v, err) < 0)
		return -1;
	if (v > tp_db_schema_version())
		return db_too_new(path, v, err);
	while (v < upto) {
		if (db_exec_raw(h, path, "BEGIN IMMEDIATE", err) < 0)
			return -1;
		if (db_pragma_int(h, path, "PRAGMA user_version", &v, err) < 0)
			goto fail;
		if (v > tp_db_schema_version()) {
			db_too_new(path, v, err);
			goto fail;
		}
		if (v >= upto) {
			sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
			break;
		}
		if (v < 0) {
			tp_err_set(err, "%s: schema version %lld is negative; not a "
			    "traffic-predictor database", path, v);
			goto fail;
		}
		m = &tp_migrations[v];
		snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", m->version);
		if (sqlite3_exec(h, m->sql, NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(bump, sizeof(bump), "schema migration to version %d",
			    m->version);
			db_fail(h, path, bump, err);
			goto fail;
		}
		if (db_exec_raw(h, path, bump, err) < 0 ||
		    db_exec_raw(h, path, "COMMIT", err) < 0)
			goto fail;
		v = m->version;
	}
	return 0;
fail:
	if (!sqlite3_get_autocommit(h))
		sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Check a read-only database's schema is exactly ours. */
static int
db_check_readonly_version(sqlite3 *h, const char *path, struct tp_err *err)
{
	long long v;

	if (db_pragma_int(h, path, "PRAGMA user_version", &v, err) < 0)
		return -1;
	if (v > tp_db_schema_version())
		return db_too_new(path, v, err);
	if (v < tp_db_schema_version())
		return tp_err_set(err, "%s: schema version %lld is older than this "
		    "program's %d; run a command that writes to it once (tp-analyze "
		    "import or targets import, or tp-campaign run) to upgrade it", path,
		    v, tp_db_schema_version());
	return 0;
}

/* Open path, set WAL, busy timeout, foreign keys and synchronous, then migrate. */
int
tp_db_open(const char *path, int flags, struct tp_db **out, struct tp_err *err)
{
	struct tp_db *db;
	sqlite3 *h = NULL;
	char real[PATH_MAX];
	int oflags, rc, readonly = (flags & TP_DB_READONLY) != 0;

	*out = NULL;
	if (readonly)
		oflags = SQLITE_OPEN_READONLY;
	else
		oflags = SQLITE_OPEN_READWRITE |
		    ((flags & TP_DB_CREATE) ? SQLITE_OPEN_CREATE : 0);
	if (tp_db_file_prepare(path, !readonly && (flags & TP_DB_CREATE), real, sizeof(real),
	    err) < 0)
		return -1;
	/*
	 * A connection is only ever used by the thread that opened it, so it
	 * needs no mutex: SQLite's per-call locking was a tenth of reading a
	 * large campaign's responses (perf, tp-analyze matrix).
	 */
	rc = sqlite3_open_v2(real, &h, oflags | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		if (h == NULL)
			return tp_err_set(err, "%s: cannot open database: %s", path,
			    sqlite3_errstr(rc));
		if (sqlite3_system_errno(h) != 0)
			tp_err_set(err, "%s: cannot open database: %s", path,
			    strerror(sqlite3_system_errno(h)));
		else
			db_fail(h, path, "cannot open database", err);
		sqlite3_close(h);
		return -1;
	}
	sqlite3_extended_result_codes(h, 1);
	if (sqlite3_busy_timeout(h, db_busy_ms) != SQLITE_OK) {
		db_fail(h, path, "setting the busy timeout", err);
		goto fail;
	}
	if (!readonly && db_set_wal(h, path, err) < 0)
		goto fail;
	/* A reader sets nothing that writes: SQLite answers "attempt to write
	 * a readonly database" to PRAGMA synchronous when it cannot write. */
	if (db_exec_raw(h, path, "PRAGMA foreign_keys=ON", err) < 0 ||
	    (!readonly && db_exec_raw(h, path, "PRAGMA synchronous=NORMAL", err) < 0))
		goto fail;
	if (readonly) {
		rc = db_check_readonly_version(h, path, err);
		if (rc < 0 && tp_db_wal_index_missing(h, real)) {
			sqlite3_close(h);
			h = NULL;
			if (tp_db_open_immutable(path, real, &h, err) < 0)
				goto fail;
			rc = db_check_readonly_version(h, path, err);
		}
	} else
		rc = tp_db_migrate(h, tp_db_schema_version(), path, err);
	if (rc < 0)
		goto fail;
	db = xmalloc(sizeof(*db));
	db->h = h;
	db->path = xstrdup(path);
	*out = db;
	return 0;
fail:
	sqlite3_close(h);
	return -1;
}

/* Close the connection and free db (NULL is fine). */
void
tp_db_close(struct tp_db *db)
{
	if (db == NULL)
		return;
	sqlite3_close_v2(db->h);
	free(db->path);
	free(db);
}

/* The database's PRAGMA user_version, or -1. */
int
tp_db_user_version(struct tp_db *db)
{
	long long v;

	if (db_pragma_int(db->h, db->path, "PRAGMA user_version", &v, NULL) < 0)
		return -1;
	return (int)v;
}

/* Run SQL without results. */
int
tp_db_exec(struct tp_db *db, const char *sql, struct tp_err *err)
{
	return db_exec_raw(db->h, db->path, sql, err);
}

/* Start a write transaction now (waits up to the busy timeout for the lock). */
int
tp_db_begin(struct tp_db *db, struct tp_err *err)
{
	return db_exec_raw(db->h, db->path, "BEGIN IMMEDIATE", err);
}

/* Commit the open transaction. */
int
tp_db_commit(struct tp_db *db, struct tp_err *err)
{
	return db_exec_raw(db->h, db->path, "COMMIT", err);
}

/* Roll back the open transaction, if any. */
void
tp_db_rollback(struct tp_db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

/*
 * Settings for a bulk load; what the connection had goes to was, for
 * tp_db_bulk_end. Call it outside a transaction and before creating
 * temporary tables (changing temp_store drops them).
 *
 * The page cache (TP_DB_BULK_CACHE_KIB; SQLite only allocates the pages
 * it reads, so a small database costs no more): a bulk load inserts at
 * random points of an index or of one round's part of responses (at
 * 10,000,000 targets, 340 MB for the baseline round); a smaller cache
 * spilled dirty pages and read them back every few rows.
 *
 * temp_store = MEMORY: a statement that writes many rows (targets import's
 * INSERT ... SELECT per site) first copies every page it modifies into a
 * statement journal, which SQLite spills to a temporary file beyond
 * 64 KiB. With 300 sites each touching most of the address index, that was
 * tens of GB written to temporary files (perf: kernel write paths).
 */
void
tp_db_bulk_begin(struct tp_db *db, struct tp_db_bulk *was)
{
	char sql[64];

	was->cache_size = -2000;
	was->temp_store = 0;
	(void)db_pragma_int(db->h, db->path, "PRAGMA cache_size", &was->cache_size, NULL);
	(void)db_pragma_int(db->h, db->path, "PRAGMA temp_store", &was->temp_store, NULL);
	snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d", TP_DB_BULK_CACHE_KIB);
	sqlite3_exec(db->h, sql, NULL, NULL, NULL);
	sqlite3_exec(db->h, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
}

/* Restore what tp_db_bulk_begin changed. */
void
tp_db_bulk_end(struct tp_db *db, const struct tp_db_bulk *was)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "PRAGMA cache_size = %lld; PRAGMA temp_store = %lld",
	    was->cache_size, was->temp_store);
	sqlite3_exec(db->h, sql, NULL, NULL, NULL);
}

/*
 * Turn SQLite's foreign key checks on or off (a no-op inside a
 * transaction) and return whether they were on. Bulk loads that check
 * every reference themselves turn them off.
 */
int
tp_db_foreign_keys(struct tp_db *db, int on)
{
	long long was = 0;

	(void)db_pragma_int(db->h, db->path, "PRAGMA foreign_keys", &was, NULL);
	sqlite3_exec(db->h, on ? "PRAGMA foreign_keys = 1" : "PRAGMA foreign_keys = 0", NULL,
	    NULL, NULL);
	return was != 0;
}

/* Prepare sql, or fail naming it and sqlite's message. */
int
tp_db_prepare(struct tp_db *db, const char *sql, sqlite3_stmt **st, struct tp_err *err)
{
	char what[DB_SQL_QUOTE + 32];

	if (sqlite3_prepare_v2(db->h, sql, -1, st, NULL) == SQLITE_OK)
		return 0;
	*st = NULL;
	snprintf(what, sizeof(what), "preparing \"%.*s%s\"", DB_SQL_QUOTE, sql,
	    strlen(sql) > DB_SQL_QUOTE ? "..." : "");
	return db_fail(db->h, db->path, what, err);
}

/* Fill err with "PATH: what: sqlite message" for db's last error. */
int
tp_db_fail(struct tp_db *db, const char *what, struct tp_err *err)
{
	return db_fail(db->h, db->path, what, err);
}
