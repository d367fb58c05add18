/*
 * import_cache.h: what the importer looks up for every reply (the target
 * id of an address, the id of a site name), kept for the life of one
 * `tp-analyze import` call or one campaign, so that each record stream
 * costs its own records and nothing that grows with the targets already
 * stored. The address table is read from the database once, when the
 * look-ups so far make that cheaper than searching the index; until then
 * (and without memory for it) each address is one index search.
 *
 * While a cache lives, its connection runs with the page cache of a bulk
 * load (tp_db_bulk_begin: kept across streams, so pages are not read
 * again); it is restored when the cache is freed.
 *
 * A batch (tp_import_cache_batch_begin .. _end) makes the streams imported
 * through the cache share one transaction: see import_cache.c and
 * import.c for why and how a bad stream still leaves nothing.
 */
#ifndef TP_IMPORT_CACHE_H
#define TP_IMPORT_CACHE_H

#include "addr.h"
#include "db.h"
#include "error.h"

struct tp_import_cache;

struct tp_import_cache *tp_import_cache_new(struct tp_db *db);
void tp_import_cache_free(struct tp_import_cache *c);
/* The connection the cache reads. */
struct tp_db *tp_import_cache_db(const struct tp_import_cache *c);
/* Target id of an address: 0 when it is not a target, -1 on a database error. */
long long tp_import_cache_target(struct tp_import_cache *c, const struct tp_addr *a,
    struct tp_err *err);
/* Start fetching the table slot of an address (nothing before the table exists). */
void tp_import_cache_prefetch(const struct tp_import_cache *c, const struct tp_addr *a);
/* Id of a site name: 0 when no such site (never created here), -1 on a database error. */
long long tp_import_cache_site(struct tp_import_cache *c, const char *name, struct tp_err *err);

/* Open a batch: one transaction for the streams that follow. */
int tp_import_cache_batch_begin(struct tp_import_cache *c, struct tp_err *err);
/* 1 while a batch is open. */
int tp_import_cache_in_batch(const struct tp_import_cache *c);
/* Count the rows a stream stored in the batch. */
void tp_import_cache_batch_rows(struct tp_import_cache *c, uint64_t rows);
/* 1 when the batch holds enough rows to be committed (end it, begin another). */
int tp_import_cache_batch_due(const struct tp_import_cache *c);
/* Roll the batch back (storing failed half-way); in_batch is 0 afterwards. */
void tp_import_cache_batch_abort(struct tp_import_cache *c);
/* Commit the batch (0 when none is open); the cache's free does it too, ignoring errors. */
int tp_import_cache_batch_end(struct tp_import_cache *c, struct tp_err *err);

/* How many times every target was read into the table (0 or 1 per cache). */
unsigned tp_import_cache_table_reads(const struct tp_import_cache *c);

#endif
