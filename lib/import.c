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
 * Batches: when the cache has a batch open (import_cache.c), a stream is
 * part of the batch's transaction, and foreign keys were switched off by
 * the batch. Its replies are checked and resolved as they are read but
 * held in memory, sorted, and stored only when the whole stream was good,
 * so a bad stream writes nothing and needs no savepoint. Why not a
 * savepoint per stream: SQLite copies every page a savepoint modifies into
 * its journal, and a 200-reply control stream modifies ~150 pages of its
 * round (at 300 sites and 10 M targets, ~160 GB of copies per campaign).
 * A stream too large to hold (tp_import_hold_max rows) does open a savepoint, stores
 * what it held and the rest directly. If storing fails in a batch, the
 * whole batch is rolled back (tp_import_cache_batch_abort).
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

/* Rows a stream in a batch holds before it opens a savepoint and stores them (tests lower it). */
size_t tp_import_hold_max = 1000000;

/* A checked and resolved reply, held until its stream is known to be good. */
struct held_row {
	long long target, site;
	int64_t rtt_us, received_us;
	uint32_t round;
	int ttl;
	unsigned flow;		/* flow variant (record stream v2) */
	size_t seq;		/* place in the stream: of two equal keys the first is stored */
	char method[TP_METHOD_MAX];	/* icmp or tcp:PORT */
};

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
	int in_batch;		/* part of the cache's batch */
	int savepoint;		/* in a batch, a savepoint is open (the stream was too large) */
	struct held_row *held;	/* in a batch, the rows not stored yet */
	size_t nheld, held_cap;
	struct tp_import_stats stats;
};

/* "what: sqlite message" for the importer's database. */
static int
import_fail(struct tp_importer *imp, const char *what, struct tp_err *err)
{
	return tp_err_set(err, "%s: %s: %s", imp->db->path, what, sqlite3_errmsg(imp->db->h));
}

/* Free the statements and caches (not the transaction). */
static void
importer_free(struct tp_importer *imp)
{
	if (!imp->in_batch)
		tp_db_foreign_keys(imp->db, imp->foreign_keys);
	sqlite3_finalize(imp->find_round);
	sqlite3_finalize(imp->insert);
	if (imp->own_cache)
		tp_import_cache_free(imp->cache);
	free(imp->held);
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
	imp->in_batch = tp_import_cache_in_batch(imp->cache);
	if (!imp->in_batch)
		imp->foreign_keys = tp_db_foreign_keys(db, 0);
	if (tp_db_prepare(db, "SELECT 1 FROM rounds WHERE id = ?", &imp->find_round, err) < 0 ||
	    tp_db_prepare(db, "INSERT OR IGNORE INTO responses (round_id, target_id, site_id, "
	    "rtt_us, ttl, received_us, method, flow) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	    &imp->insert, err) < 0) {
		importer_free(imp);
		return NULL;
	}
	if (!imp->in_batch && tp_db_begin(db, err) < 0) {
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

/* Store one row; a repeat (same round, target and flow) is counted, not stored. */
static int
importer_store(struct tp_importer *imp, const struct held_row *row, struct tp_err *err)
{
	sqlite3_stmt *st = imp->insert;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, row->round);
	sqlite3_bind_int64(st, 2, row->target);
	sqlite3_bind_int64(st, 3, row->site);
	if (row->rtt_us < 0)
		sqlite3_bind_null(st, 4);
	else
		sqlite3_bind_int64(st, 4, row->rtt_us);
	sqlite3_bind_int(st, 5, row->ttl);
	sqlite3_bind_int64(st, 6, row->received_us);
	sqlite3_bind_text(st, 7, row->method, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, (int)row->flow);
	if (sqlite3_step(st) != SQLITE_DONE)
		return import_fail(imp, "storing a response", err);
	if (sqlite3_changes(imp->db->h) > 0)
		imp->stats.inserted++;
	else
		imp->stats.duplicates++;
	return 0;
}

/* Held rows by round, target, then flow: the order of the responses key. */
static int
held_cmp(const void *a, const void *b)
{
	const struct held_row *x = a, *y = b;

	if (x->round != y->round)
		return x->round < y->round ? -1 : 1;
	if (x->target != y->target)
		return x->target < y->target ? -1 : 1;
	if (x->flow != y->flow)
		return x->flow < y->flow ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Store the held rows in key order (each B-tree page is visited once) and drop them. */
static int
importer_store_held(struct tp_importer *imp, struct tp_err *err)
{
	size_t i;

	if (imp->nheld == 0)
		return 0;	/* nothing held (and no array to sort) */
	qsort(imp->held, imp->nheld, sizeof(*imp->held), held_cmp);
	for (i = 0; i < imp->nheld; i++)
		if (importer_store(imp, &imp->held[i], err) < 0)
			return -1;
	imp->nheld = 0;
	return 0;
}

/* Check and resolve one reply, then store or hold it; unknown addresses are counted. */
static int
importer_reply(struct tp_importer *imp, const struct tp_record *r, struct tp_err *err)
{
	struct held_row row;
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
	row = (struct held_row){ target, site, r->rtt_us, r->received_us, r->round, r->ttl,
	    r->flow, imp->nheld, "" };
	snprintf(row.method, sizeof(row.method), "%s", r->method[0] != '\0' ? r->method : "icmp");
	if (!imp->in_batch || imp->savepoint)
		return importer_store(imp, &row, err);
	if (imp->nheld == imp->held_cap) {
		imp->held_cap = imp->held_cap ? imp->held_cap * 2 : 1024;
		imp->held = xreallocarray(imp->held, imp->held_cap, sizeof(*imp->held));
	}
	imp->held[imp->nheld++] = row;
	if (imp->nheld < tp_import_hold_max)
		return 0;
	/* Too large to hold: from now on the stream is a savepoint. */
	if (tp_db_exec(imp->db, "SAVEPOINT tp_stream", err) < 0)
		return -1;
	imp->savepoint = 1;
	return importer_store_held(imp, err);
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

/*
 * Undo the stream: its transaction; in a batch its savepoint if it opened
 * one (held rows were never written). When SQLite already ended the
 * batch's transaction (an I/O error), the batch is over.
 */
static void
importer_rollback(struct tp_importer *imp)
{
	if (!imp->in_batch)
		tp_db_rollback(imp->db);
	else if (imp->savepoint && (sqlite3_exec(imp->db->h, "ROLLBACK TO tp_stream; "
	    "RELEASE tp_stream", NULL, NULL, NULL) != SQLITE_OK || sqlite3_get_autocommit(imp->db->h)))
		tp_import_cache_batch_abort(imp->cache);
}

/*
 * In a batch: store the held rows (release the savepoint, if any); a
 * failure leaves part of the stream written, so the whole batch is rolled
 * back.
 */
static int
importer_finish_batched(struct tp_importer *imp, struct tp_err *err)
{
	if (importer_store_held(imp, err) < 0 ||
	    (imp->savepoint && tp_db_exec(imp->db, "RELEASE tp_stream", err) < 0)) {
		tp_import_cache_batch_abort(imp->cache);
		return -1;
	}
	tp_import_cache_batch_rows(imp->cache, imp->stats.inserted);
	return 0;
}

/* Commit the stream and free the importer (also when the commit fails). */
int
tp_importer_commit(struct tp_importer *imp, struct tp_import_stats *stats, struct tp_err *err)
{
	int rc;

	if (imp->in_batch)
		rc = importer_finish_batched(imp, err);
	else if ((rc = tp_db_commit(imp->db, err)) < 0)
		tp_db_rollback(imp->db);
	sqlite3_reset(imp->insert);
	if (rc == 0 && stats != NULL)
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
	importer_rollback(imp);
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
