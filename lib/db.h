/*
 * db.h: the SQLite store (WAL, busy timeout, migrations by PRAGMA
 * user_version). The schema lives in db_migrations.c; its tables:
 *
 *   sites(id, name UNIQUE, capacity)
 *   targets(id, addr BLOB UNIQUE (4 or 16 bytes), family 4|6, site_id, weight)
 *   campaigns(id, started_us, finished_us, status, config_path)
 *   scenarios(id, campaign_id, withdrawn "A+B" sorted, "" = baseline, status,
 *             converge_ms, started_us, finished_us)
 *   scenario_sites(scenario_id, site_id)
 *   rounds(id, campaign_id, scenario_id, kind baseline|scenario|convergence,
 *          status, started_us, finished_us)
 *   responses(round_id, target_id, site_id, rtt_us, ttl, received_us),
 *          primary key (round_id, target_id): importing twice adds nothing.
 *   targets.seen_us: when an import last listed the target (retain_days)
 *   campaign_aggregates(campaign_id, pruned_us, matrix JSON): the failover
 *          matrix of a campaign whose replies were pruned
 */
#ifndef TP_DB_H
#define TP_DB_H

#include <sqlite3.h>

#include "addr.h"
#include "error.h"

struct tp_db {
	sqlite3 *h;
	char *path;
};

enum tp_db_flags {
	TP_DB_CREATE = 1 << 0,		/* create the file if missing */
	TP_DB_READONLY = 1 << 1,	/* open read-only (no migrations run) */
};

/* Busy timeout in milliseconds for every connection, unless set below. */
#define TP_DB_BUSY_MS 5000

/*
 * Set the busy timeout of the connections opened from now on (tp.conf's
 * busy_timeout; tp-campaign's own default is longer): how long a write
 * waits for another program's write to end before "database is locked".
 */
void tp_db_set_busy_timeout(int ms);

/*
 * Open path: WAL, busy timeout, foreign keys on, then bring the schema up to
 * date in transactions. A database newer than this program is refused:
 * "FILE: schema version N is newer than this program's M; upgrade
 * traffic-predictor". *out is set on success.
 */
int tp_db_open(const char *path, int flags, struct tp_db **out, struct tp_err *err);
void tp_db_close(struct tp_db *db);
/* The schema version this program writes. */
int tp_db_schema_version(void);
/* The database's PRAGMA user_version, or -1. */
int tp_db_user_version(struct tp_db *db);

/* Run SQL without results; -1 with "what: sqlite message". */
int tp_db_exec(struct tp_db *db, const char *sql, struct tp_err *err);
int tp_db_begin(struct tp_db *db, struct tp_err *err);	/* BEGIN IMMEDIATE */
int tp_db_commit(struct tp_db *db, struct tp_err *err);
void tp_db_rollback(struct tp_db *db);
/* Fill err with "PATH: what: sqlite message" (and a hint when the user can fix it); -1. */
int tp_db_fail(struct tp_db *db, const char *what, struct tp_err *err);
/* Prepare sql or fail naming it and sqlite's message. */
int tp_db_prepare(struct tp_db *db, const char *sql, sqlite3_stmt **st, struct tp_err *err);

/* Page cache of a bulk load, in KiB (pages are allocated only when read). */
#define TP_DB_BULK_CACHE_KIB (1024 * 1024)
/* What tp_db_bulk_begin changed. */
struct tp_db_bulk {
	long long cache_size, temp_store;
};
/* Bulk-load settings (large page cache, journals in memory); the old ones go to was. */
void tp_db_bulk_begin(struct tp_db *db, struct tp_db_bulk *was);
/* Restore them. */
void tp_db_bulk_end(struct tp_db *db, const struct tp_db_bulk *was);

/* Foreign key checks on or off (outside a transaction); returns whether they were on. */
int tp_db_foreign_keys(struct tp_db *db, int on);

/* Bind an address as its 4- or 16-byte blob. */
int tp_db_bind_addr(sqlite3_stmt *st, int col, const struct tp_addr *a);
/* Read a 4- or 16-byte blob column into an address; -1 if it is neither. */
int tp_db_column_addr(sqlite3_stmt *st, int col, struct tp_addr *a);

/* The id of site name, creating the row when create is set; -1 on error or absent. */
long long tp_db_site_id(struct tp_db *db, const char *name, int create, struct tp_err *err);

/* Apply migrations to a raw handle up to `upto` (tests use this for old versions). */
int tp_db_migrate(sqlite3 *h, int upto, const char *path, struct tp_err *err);

#endif
