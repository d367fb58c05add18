/*
 * import.c: load listener record streams into the responses table. A stream
 * is one transaction, so a malformed line leaves the database as it was;
 * (round, target) is the primary key, so a second import adds nothing.
 *
 * Speed: the importer checks every reference itself (the round exists, the
 * target id comes from targets, the site id from sites), so SQLite's
 * per-row foreign key checks are switched off for the import and restored
 * after it. Addresses and site names are resolved through a cache
 * (import_cache.c) that the caller may share across streams, so a stream
 * costs its own records.
 *
 * Binding: a campaign imports each listener's stream bound to that
 * listener's round and site; a record naming anything else is counted as
 * foreign, logged once, and not stored. No stream ever creates a site.
 */
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "log.h"
#include "xalloc.h"

struct tp_importer {
	struct tp_db *db;
	struct tp_import_cache *cache;
	int own_cache;		/* made for this importer alone */
	struct tp_import_bind bind;
	int bound;
	char name[96];		/* for the one warning about foreign records */
	sqlite3_stmt *find_round;
	sqlite3_stmt *insert;
	uint32_t *rounds;	/* rounds known to exist */
	size_t nrounds;
	int foreign_keys;	/* PRAGMA foreign_keys before the import */
	struct tp_import_stats stats;
};

/* "what: sqlite message" for the importer's database. */
static int
import_fail(struct tp_importer *imp, const char *what, struct tp_err *err)
{
	return tp_err_set(err, "%s: %s: %s", imp->db->path, what, sqlite3_errmsg(imp->db->h));
}

/* PRAGMA foreign_keys of the connection (0 when it cannot be read). */
static int
foreign_keys_get(struct tp_db *db)
{
	sqlite3_stmt *st;
	int v = 0;

	if (sqlite3_prepare_v2(db->h, "PRAGMA foreign_keys", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Set PRAGMA foreign_keys (outside a transaction). */
static void
foreign_keys_set(struct tp_db *db, int on)
{
	sqlite3_exec(db->h, on ? "PRAGMA foreign_keys = 1" : "PRAGMA foreign_keys = 0", NULL,
	    NULL, NULL);
}

/* Free the statements and caches (not the transaction). */
static void
importer_free(struct tp_importer *imp)
{
	foreign_keys_set(imp->db, imp->foreign_keys);
	sqlite3_finalize(imp->find_round);
	sqlite3_finalize(imp->insert);
	if (imp->own_cache)
		tp_import_cache_free(imp->cache);
	free(imp->rounds);
	free(imp);
}

/*
 * Open the transaction and prepare the statements the import loop runs;
 * look-ups go through cache (a private one when NULL); bind, when not
 * NULL, names the only round and site the stream may speak of.
 */
struct tp_importer *
tp_importer_begin_cached(struct tp_import_cache *cache, struct tp_db *db,
    const struct tp_import_bind *bind, const char *name, struct tp_err *err)
{
	struct tp_importer *imp = xcalloc(1, sizeof(*imp));

	imp->db = db;
	imp->own_cache = cache == NULL;
	imp->cache = cache != NULL ? cache : tp_import_cache_new(db);
	if (bind != NULL) {
		imp->bind = *bind;
		imp->bound = 1;
	}
	snprintf(imp->name, sizeof(imp->name), "%s", name != NULL ? name : "stream");
	imp->foreign_keys = foreign_keys_get(db);
	foreign_keys_set(db, 0);
	if (tp_db_prepare(db, "SELECT 1 FROM rounds WHERE id = ?", &imp->find_round, err) < 0 ||
	    tp_db_prepare(db, "INSERT OR IGNORE INTO responses (round_id, target_id, site_id, "
	    "rtt_us, ttl, received_us, method, flow) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	    &imp->insert, err) < 0) {
		importer_free(imp);
		return NULL;
	}
	if (tp_db_begin(db, err) < 0) {
		importer_free(imp);
		return NULL;
	}
	return imp;
}

/* Begin a stream import with a cache of its own and no binding. */
struct tp_importer *
tp_importer_begin(struct tp_db *db, struct tp_err *err)
{
	return tp_importer_begin_cached(NULL, db, NULL, NULL, err);
}

/* Check that round exists (once per round); -1 naming it when it does not. */
static int
importer_check_round(struct tp_importer *imp, uint32_t round, struct tp_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < imp->nrounds; i++)
		if (imp->rounds[i] == round)
			return 0;
	sqlite3_reset(imp->find_round);
	sqlite3_bind_int64(imp->find_round, 1, round);
	rc = sqlite3_step(imp->find_round);
	sqlite3_reset(imp->find_round);
	if (rc == SQLITE_DONE)
		return tp_err_set(err, "unknown round %u (create it with tp-analyze round new, "
		    "or import into the database that holds it)", round);
	if (rc != SQLITE_ROW)
		return import_fail(imp, "looking up a round", err);
	imp->rounds = xreallocarray(imp->rounds, imp->nrounds + 1, sizeof(*imp->rounds));
	imp->rounds[imp->nrounds++] = round;
	return 0;
}

/*
 * Count a record the stream had no business writing (another round or
 * site than its listener's, or a site that is not in the database); the
 * first one of a stream is logged.
 */
static void
importer_foreign(struct tp_importer *imp, const struct tp_record *r, const char *why)
{
	if (imp->stats.foreign++ == 0)
		log_warn("import", "%s: a record for round %u at site %s %s; such records are "
		    "counted as foreign and not stored", imp->name, r->round, r->site, why);
}

/* 1 when a bound stream's record names another round or site than its listener's. */
static int
importer_unbound(struct tp_importer *imp, const struct tp_record *r)
{
	if (!imp->bound)
		return 0;
	if (r->round != imp->bind.round) {
		importer_foreign(imp, r, "is not this listener's round");
		return 1;
	}
	if (strcmp(r->site, imp->bind.site) != 0) {
		importer_foreign(imp, r, "is not this listener's site");
		return 1;
	}
	return 0;
}

/* Store one reply: unknown addresses are counted, a repeat is counted, not stored. */
static int
importer_reply(struct tp_importer *imp, const struct tp_record *r, struct tp_err *err)
{
	sqlite3_stmt *st = imp->insert;
	long long site, target;

	imp->stats.replies++;
	if (importer_unbound(imp, r))
		return 0;
	if (importer_check_round(imp, r->round, err) < 0)
		return -1;
	if ((site = tp_import_cache_site(imp->cache, r->site, err)) < 0)
		return -1;
	if (site == 0) {
		importer_foreign(imp, r, "names a site the database does not hold");
		return 0;
	}
	if ((target = tp_import_cache_target(imp->cache, &r->addr, err)) < 0)
		return -1;
	if (target == 0) {
		imp->stats.unknown++;
		return 0;
	}
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, r->round);
	sqlite3_bind_int64(st, 2, target);
	sqlite3_bind_int64(st, 3, site);
	if (r->rtt_us < 0)
		sqlite3_bind_null(st, 4);
	else
		sqlite3_bind_int64(st, 4, r->rtt_us);
	sqlite3_bind_int(st, 5, r->ttl);
	sqlite3_bind_int64(st, 6, r->received_us);
	sqlite3_bind_text(st, 7, r->method[0] != '\0' ? r->method : "icmp", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, (int)r->flow);
	if (sqlite3_step(st) != SQLITE_DONE)
		return import_fail(imp, "storing a response", err);
	if (sqlite3_changes(imp->db->h) > 0)
		imp->stats.inserted++;
	else
		imp->stats.duplicates++;
	return 0;
}

/* Add one parsed record to the open import. */
int
tp_importer_add(struct tp_importer *imp, const struct tp_record *r, struct tp_err *err)
{
	switch (r->kind) {
	case TP_REC_REPLY:
		return importer_reply(imp, r, err);
	case TP_REC_END:
		if (importer_unbound(imp, r))
			return 0;
		imp->stats.streams_ended++;
		return importer_check_round(imp, r->round, err);
	case TP_REC_HEADER:
	case TP_REC_SKIP:
		break;
	}
	return 0;
}

/* Commit the stream and free the importer (also when the commit fails). */
int
tp_importer_commit(struct tp_importer *imp, struct tp_import_stats *stats, struct tp_err *err)
{
	int rc;

	sqlite3_reset(imp->insert);
	rc = tp_db_commit(imp->db, err);
	if (rc < 0)
		tp_db_rollback(imp->db);
	else if (stats != NULL)
		*stats = imp->stats;
	importer_free(imp);
	return rc;
}

/* Roll back everything this importer added, and free it. */
void
tp_importer_abort(struct tp_importer *imp)
{
	if (imp == NULL)
		return;
	sqlite3_reset(imp->insert);
	tp_db_rollback(imp->db);
	importer_free(imp);
}

/*
 * Read and import a whole stream: the first record must be the "tp-records"
 * header; any malformed line aborts with "NAME:LINE: reason" and nothing of
 * the stream is kept. Each record is parsed one line ahead of being stored,
 * so its table slot can be fetched from memory meanwhile; errors still name
 * the first bad line.
 */
int
tp_import_stream_cached(struct tp_import_cache *cache, FILE *f, const char *name,
    const struct tp_import_bind *bind, struct tp_import_stats *stats, struct tp_err *err)
{
	struct tp_importer *imp;
	struct tp_record r[2];
	char line[TP_RECORD_LINE_MAX + 1];
	uint64_t lineno = 0, held_line = 0;
	int header = 0, held = 0, cur = 0, rc;

	if ((imp = tp_importer_begin_cached(cache, tp_import_cache_db(cache), bind, name,
	    err)) == NULL)
		return -1;
	while ((rc = tp_record_line_read(f, line, err)) != 0) {
		lineno++;
		if (rc > 0)
			rc = tp_record_parse(line, &r[!cur], err);
		if (rc == 0 && r[!cur].kind == TP_REC_SKIP)
			continue;
		if (rc == 0 && r[!cur].kind == TP_REC_HEADER)
			header = 1;
		else if (rc == 0 && !header)
			rc = tp_err_set(err, "not a record stream (the first record must be "
			    "\"tp-records %d\")", TP_RECORDS_VERSION);
		if (rc < 0) {
			/* The held record comes first: its error, if any, wins. */
			struct tp_err later = *err;

			if (held && tp_importer_add(imp, &r[cur], err) < 0) {
				lineno = held_line;
				goto bad;
			}
			*err = later;
			goto bad;
		}
		/* Fetch the next reply's slot while the held one is stored. */
		if (r[!cur].kind == TP_REC_REPLY)
			tp_import_cache_prefetch(imp->cache, &r[!cur].addr);
		if (held && tp_importer_add(imp, &r[cur], err) < 0) {
			lineno = held_line;
			goto bad;
		}
		cur = !cur;
		held = 1;
		held_line = lineno;
	}
	if (held && tp_importer_add(imp, &r[cur], err) < 0) {
		lineno = held_line;
		goto bad;
	}
	if (ferror(f)) {
		tp_err_set(err, "%s: read error after line %llu", name, (unsigned long long)lineno);
		goto fail;
	}
	imp->stats.lines = lineno;
	if (!header) {
		tp_importer_abort(imp);
		return tp_err_set(err, "%s: empty stream (no \"tp-records\" header)", name);
	}
	return tp_importer_commit(imp, stats, err);
bad:
	tp_err_prefix(err, "%s:%llu", name, (unsigned long long)lineno);
fail:
	tp_importer_abort(imp);
	return -1;
}

/* Import one stream with a cache of its own and no binding. */
int
tp_import_stream(struct tp_db *db, FILE *f, const char *name, struct tp_import_stats *stats,
    struct tp_err *err)
{
	struct tp_import_cache *cache = tp_import_cache_new(db);
	int rc = tp_import_stream_cached(cache, f, name, NULL, stats, err);

	tp_import_cache_free(cache);
	return rc;
}
