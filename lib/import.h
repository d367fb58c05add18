/*
 * import.h: load listener record streams (records.h) into the responses
 * table. One stream is one transaction: a malformed line rolls the whole
 * stream back, and importing the same stream twice adds nothing.
 */
#ifndef TP_IMPORT_H
#define TP_IMPORT_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "error.h"
#include "import_cache.h"
#include "records.h"

struct tp_import_stats {
	uint64_t lines;
	uint64_t replies;	/* reply lines read */
	uint64_t inserted;	/* new responses stored */
	uint64_t duplicates;	/* already stored (same round and target) */
	uint64_t unknown;	/* reply from an address that is not a target: counted, not stored */
	uint64_t foreign;	/* another round or site than the listener's, or a site the
				   database does not hold: counted, not stored */
	uint64_t streams_ended;	/* "end" lines seen */
};

struct tp_importer;

/* The listener a stream comes from: the only round and site it may name. */
struct tp_import_bind {
	uint32_t round;
	char site[64];
};

/*
 * Begin a stream import (opens the transaction, prepares the statements).
 * Until commit or abort, the connection runs with foreign key checks off
 * (the importer checks rounds, targets and sites itself); they are
 * restored afterwards. Do not write other tables through
 * the same connection in between.
 */
struct tp_importer *tp_importer_begin(struct tp_db *db, struct tp_err *err);
/*
 * The same, resolving through a shared cache (NULL: one of its own) over
 * db; bind (may be NULL) names the stream's listener; name is for
 * messages (may be NULL).
 */
struct tp_importer *tp_importer_begin_cached(struct tp_import_cache *cache, struct tp_db *db,
    const struct tp_import_bind *bind, const char *name, struct tp_err *err);
/* Add one parsed record; an unknown round is an error naming it. */
int tp_importer_add(struct tp_importer *imp, const struct tp_record *r, struct tp_err *err);
/* Rows a stream in a batch holds before it opens a savepoint (tests lower it). */
extern size_t tp_import_hold_max;
/* Commit and free; stats (may be NULL) receive the counts. */
int tp_importer_commit(struct tp_importer *imp, struct tp_import_stats *stats, struct tp_err *err);
/* Roll back and free. */
void tp_importer_abort(struct tp_importer *imp);

/*
 * Read a whole stream from f (name for messages: "FILE:LINE: reason") and
 * import it in one transaction.
 */
int tp_import_stream(struct tp_db *db, FILE *f, const char *name,
    struct tp_import_stats *stats, struct tp_err *err);
/* The same through a shared cache, bound to a listener when bind is not NULL. */
int tp_import_stream_cached(struct tp_import_cache *cache, FILE *f, const char *name,
    const struct tp_import_bind *bind, struct tp_import_stats *stats, struct tp_err *err);

#endif
