/*
 * import.c: load listener record streams into the responses table. A stream
 * is one transaction, so a malformed line leaves the database as it was;
 * (round, target) is the primary key, so a second import adds nothing.
 *
 * Speed: the importer checks every reference itself (the round exists, the
 * target id comes from targets, the site id from sites), so SQLite's
 * per-row foreign key checks are switched off for the import and restored
 * after it; the page cache is enlarged for the transaction; and once a
 * stream has looked up many addresses, the whole address -> target id map
 * is read into a hash table (in huge pages where the kernel allows) instead
 * of one index search per reply.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "import.h"
#include "xalloc.h"

/* Look-ups by index before the importer reads every target into a hash table. */
#define IMPORT_HASH_AFTER 20000
/* Page cache for the import transaction, in KiB (SQLite's negative cache_size). */
#define IMPORT_CACHE_KIB 65536

/* One slot of the address -> target id table; id 0 = empty. */
struct import_slot {
	long long id;
	uint8_t bytes[16];
	uint8_t family;
};

/* A site name seen in the stream and its row id. */
struct import_site {
	char name[64];
	long long id;
};

struct tp_importer {
	struct tp_db *db;
	sqlite3_stmt *find_round;
	sqlite3_stmt *find_target;
	sqlite3_stmt *insert;
	struct import_site *sites;
	size_t nsites;
	uint32_t *rounds;	/* rounds known to exist */
	size_t nrounds;
	struct import_slot *hash;	/* NULL until IMPORT_HASH_AFTER look-ups */
	size_t hash_mask;
	uint64_t lookups;
	int hash_tried;
	int foreign_keys;	/* PRAGMA foreign_keys before the import */
	long long cache_size;	/* PRAGMA cache_size before the import */
	struct tp_import_stats stats;
};

/* "what: sqlite message" for the importer's database. */
static int
import_fail(struct tp_importer *imp, const char *what, struct tp_err *err)
{
	return tp_err_set(err, "%s: %s: %s", imp->db->path, what, sqlite3_errmsg(imp->db->h));
}

/* The one integer a PRAGMA or query returns (0 when it cannot be read). */
static long long
query_int(struct tp_db *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v = 0;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Set the connection's foreign_keys and cache_size (outside a transaction). */
static void
pragma_set(struct tp_db *db, int foreign_keys, long long cache_size)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "PRAGMA foreign_keys = %d; PRAGMA cache_size = %lld",
	    foreign_keys, cache_size);
	sqlite3_exec(db->h, sql, NULL, NULL, NULL);
}

/* Free the statements and caches (not the transaction). */
static void
importer_free(struct tp_importer *imp)
{
	pragma_set(imp->db, imp->foreign_keys, imp->cache_size);
	if (imp->hash != NULL)
		munmap(imp->hash, (imp->hash_mask + 1) * sizeof(*imp->hash));
	sqlite3_finalize(imp->find_round);
	sqlite3_finalize(imp->find_target);
	sqlite3_finalize(imp->insert);
	free(imp->sites);
	free(imp->rounds);
	free(imp);
}

/* Open the transaction and prepare the three statements the import loop runs. */
struct tp_importer *
tp_importer_begin(struct tp_db *db, struct tp_err *err)
{
	struct tp_importer *imp = xcalloc(1, sizeof(*imp));

	imp->db = db;
	imp->foreign_keys = (int)query_int(db, "PRAGMA foreign_keys");
	imp->cache_size = query_int(db, "PRAGMA cache_size");
	pragma_set(db, 0, -IMPORT_CACHE_KIB);
	if (tp_db_prepare(db, "SELECT 1 FROM rounds WHERE id = ?", &imp->find_round, err) < 0 ||
	    tp_db_prepare(db, "SELECT id FROM targets WHERE addr = ?", &imp->find_target, err) < 0 ||
	    tp_db_prepare(db, "INSERT OR IGNORE INTO responses (round_id, target_id, site_id, "
	    "rtt_us, ttl, received_us) VALUES (?, ?, ?, ?, ?, ?)", &imp->insert, err) < 0) {
		importer_free(imp);
		return NULL;
	}
	if (tp_db_begin(db, err) < 0) {
		importer_free(imp);
		return NULL;
	}
	return imp;
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

/* The row id of the site a reply landed at, creating the site on first sight. */
static long long
importer_site(struct tp_importer *imp, const char *name, struct tp_err *err)
{
	long long id;
	size_t i;

	for (i = 0; i < imp->nsites; i++)
		if (strcmp(imp->sites[i].name, name) == 0)
			return imp->sites[i].id;
	if ((id = tp_db_site_id(imp->db, name, 1, err)) < 0)
		return -1;
	imp->sites = xreallocarray(imp->sites, imp->nsites + 1, sizeof(*imp->sites));
	snprintf(imp->sites[imp->nsites].name, sizeof(imp->sites[0].name), "%s", name);
	imp->sites[imp->nsites++].id = id;
	return id;
}

/* Mix an address's family and 16 bytes into a table index. */
static size_t
addr_hash(uint8_t family, const uint8_t *bytes)
{
	uint64_t a, b, h;

	memcpy(&a, bytes, 8);
	memcpy(&b, bytes + 8, 8);
	h = (a ^ family) * 0x9e3779b97f4a7c15ULL;
	h ^= (b + (h >> 31)) * 0xc2b2ae3d27d4eb4fULL;
	return (size_t)(h ^ (h >> 32));
}

/* The slot holding (or to hold) this address. */
static struct import_slot *
hash_slot(struct tp_importer *imp, uint8_t family, const uint8_t *bytes)
{
	size_t i = addr_hash(family, bytes) & imp->hash_mask;

	while (imp->hash[i].id != 0 && (imp->hash[i].family != family ||
	    memcmp(imp->hash[i].bytes, bytes, 16) != 0))
		i = (i + 1) & imp->hash_mask;
	return &imp->hash[i];
}

/*
 * Read every target into the hash table (load factor at most one half);
 * without memory for it the importer goes on searching the index.
 */
static int
hash_build(struct tp_importer *imp, struct tp_err *err)
{
	sqlite3_stmt *st;
	size_t size = 1024;
	long long n;
	int rc;

	n = query_int(imp->db, "SELECT count(*) FROM targets");
	while (size < (size_t)n * 2)
		size *= 2;
	/* Anonymous memory is zeroed; huge pages spare the TLB on random probes. */
	imp->hash = mmap(NULL, size * sizeof(*imp->hash), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (imp->hash == MAP_FAILED) {
		imp->hash = NULL;	/* no room: keep searching the index */
		return 0;
	}
	madvise(imp->hash, size * sizeof(*imp->hash), MADV_HUGEPAGE);
	imp->hash_mask = size - 1;
	if (tp_db_prepare(imp->db, "SELECT id, addr FROM targets", &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tp_addr a;
		struct import_slot *s;

		if (tp_db_column_addr(st, 1, &a) < 0)
			continue;
		s = hash_slot(imp, a.family, a.bytes);
		s->id = sqlite3_column_int64(st, 0);
		s->family = a.family;
		memcpy(s->bytes, a.bytes, 16);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return import_fail(imp, "reading targets", err);
	return 0;
}

/* The target id of an address: 0 when it is not a target, -1 on a database error. */
static long long
importer_target(struct tp_importer *imp, const struct tp_addr *a, struct tp_err *err)
{
	long long id = 0;
	int rc;

	if (!imp->hash_tried && ++imp->lookups > IMPORT_HASH_AFTER) {
		imp->hash_tried = 1;
		if (hash_build(imp, err) < 0)
			return -1;
	}
	if (imp->hash != NULL)
		return hash_slot(imp, a->family, a->bytes)->id;

	sqlite3_reset(imp->find_target);
	if (tp_db_bind_addr(imp->find_target, 1, a) < 0)
		return tp_err_set(err, "reply address of unknown family");
	rc = sqlite3_step(imp->find_target);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(imp->find_target, 0);
	else if (rc != SQLITE_DONE)
		return import_fail(imp, "looking up a target", err);
	sqlite3_reset(imp->find_target);
	return id;
}

/* Store one reply: unknown addresses are counted, a repeat is counted, not stored. */
static int
importer_reply(struct tp_importer *imp, const struct tp_record *r, struct tp_err *err)
{
	sqlite3_stmt *st = imp->insert;
	long long site, target;

	imp->stats.replies++;
	if (importer_check_round(imp, r->round, err) < 0)
		return -1;
	if ((site = importer_site(imp, r->site, err)) < 0)
		return -1;
	if ((target = importer_target(imp, &r->addr, err)) < 0)
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
	sqlite3_reset(imp->find_target);
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
	sqlite3_reset(imp->find_target);
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
tp_import_stream(struct tp_db *db, FILE *f, const char *name, struct tp_import_stats *stats,
    struct tp_err *err)
{
	struct tp_importer *imp;
	struct tp_record r[2];
	char line[TP_RECORD_LINE_MAX + 1];
	uint64_t lineno = 0, held_line = 0;
	int header = 0, held = 0, cur = 0, rc;

	if ((imp = tp_importer_begin(db, err)) == NULL)
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
		/*
		 * Fetch the next reply's slot while the held one is stored
		 * (written out here: GCC drops a prefetch-only helper as pure).
		 */
		if (imp->hash != NULL && r[!cur].kind == TP_REC_REPLY)
			__builtin_prefetch(&imp->hash[addr_hash(r[!cur].addr.family,
			    r[!cur].addr.bytes) & imp->hash_mask]);
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
