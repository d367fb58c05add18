/*
 * import_cache.c: address -> target id and site name -> site id for the
 * importer, shared by every stream of one import call or one campaign.
 *
 * Why shared: a profile (perf record -g) of 110 streams over 1,000,000
 * targets showed 59% of the import in reading every target into a fresh
 * hash table for each stream, and most of the rest in index searches and
 * in re-reading pages the shrunken page cache had dropped between streams.
 * Built once, the table makes a stream cost its own records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "import_cache.h"
#include "xalloc.h"

/* Build the table once this many look-ups went to the index... */
#define CACHE_TABLE_AFTER 20000
/* ...or, in a large database, this share of the targets (1/16): reading them all costs less. */
#define CACHE_TABLE_SHARE 16
/*
 * Rows after which an open batch commits and begins again: bounds the
 * dirty pages (they stay in the page cache) and the WAL of one commit.
 */
#define BATCH_ROWS 2000000

/* One slot of the address table; id 0 = empty. 24 bytes. */
struct cache_slot {
	uint8_t bytes[16];
	uint32_t id;
	uint8_t family;
};

/* A site name already looked up (id 0: not a site). */
struct cache_site {
	char name[64];
	long long id;
};

struct tp_import_cache {
	struct tp_db *db;
	sqlite3_stmt *find_target;
	sqlite3_stmt *find_site;
	struct cache_slot *table;	/* NULL until built */
	size_t mask;
	uint64_t lookups;
	uint64_t build_after;
	int table_tried;
	unsigned table_reads;
	struct cache_site *sites;
	size_t nsites, last_site;
	struct tp_db_bulk bulk;	/* the connection's settings before */
	int batch;		/* a batch transaction is open (see tp_import_cache_batch_begin) */
	int batch_fk;		/* PRAGMA foreign_keys before the batch */
	uint64_t batch_rows;	/* rows stored since the batch last committed */
};

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

/* A cache over db; nothing is read until the first look-up. */
struct tp_import_cache *
tp_import_cache_new(struct tp_db *db)
{
	struct tp_import_cache *c = xcalloc(1, sizeof(*c));
	uint64_t share;

	c->db = db;
	tp_db_bulk_begin(db, &c->bulk);
	/* max(id) is one index step; count(*) would read every target. */
	share = (uint64_t)query_int(db, "SELECT max(id) FROM targets") / CACHE_TABLE_SHARE;
	c->build_after = share > CACHE_TABLE_AFTER ? share : CACHE_TABLE_AFTER;
	return c;
}

/* Free the table and statements; restore the connection's settings. */
void
tp_import_cache_free(struct tp_import_cache *c)
{
	if (c == NULL)
		return;
	tp_import_cache_batch_end(c, NULL);
	tp_db_bulk_end(c->db, &c->bulk);
	if (c->table != NULL)
		munmap(c->table, (c->mask + 1) * sizeof(*c->table));
	sqlite3_finalize(c->find_target);
	sqlite3_finalize(c->find_site);
	free(c->sites);
	free(c);
}

/* The connection the cache reads. */
struct tp_db *
tp_import_cache_db(const struct tp_import_cache *c)
{
	return c->db;
}

/* "what: sqlite message". */
static int
cache_fail(struct tp_import_cache *c, const char *what, struct tp_err *err)
{
	return tp_err_set(err, "%s: %s: %s", c->db->path, what, sqlite3_errmsg(c->db->h));
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
static struct cache_slot *
table_slot(const struct tp_import_cache *c, uint8_t family, const uint8_t *bytes)
{
	size_t i = addr_hash(family, bytes) & c->mask;

	while (c->table[i].id != 0 && (c->table[i].family != family ||
	    memcmp(c->table[i].bytes, bytes, 16) != 0))
		i = (i + 1) & c->mask;
	return &c->table[i];
}

/*
 * Read every target into the table (load factor at most 2/3). Without
 * memory for it, or with ids beyond 32 bits, the cache keeps searching
 * the index.
 */
static int
table_build(struct tp_import_cache *c, struct tp_err *err)
{
	sqlite3_stmt *st;
	size_t size = 1024, bytes;
	long long n, max_id;
	int rc;

	n = query_int(c->db, "SELECT count(*) FROM targets");
	max_id = query_int(c->db, "SELECT max(id) FROM targets");
	if (max_id > (long long)UINT32_MAX)
		return 0;
	while (size < (size_t)n + (size_t)n / 2)
		size *= 2;
	bytes = size * sizeof(*c->table);
	/* Anonymous memory is zeroed; huge pages spare the TLB on random probes. */
	c->table = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->table == MAP_FAILED) {
		c->table = NULL;
		return 0;
	}
	madvise(c->table, bytes, MADV_HUGEPAGE);
	c->mask = size - 1;
	c->table_reads++;
	if (tp_db_prepare(c->db, "SELECT id, addr FROM targets", &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cache_slot *s;
		struct tp_addr a;

		if (tp_db_column_addr(st, 1, &a) < 0)
			continue;
		s = table_slot(c, a.family, a.bytes);
		s->id = (uint32_t)sqlite3_column_int64(st, 0);
		s->family = a.family;
		memcpy(s->bytes, a.bytes, 16);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return cache_fail(c, "reading targets", err);
	return 0;
}

/* Target id of an address through the index. */
static long long
index_target(struct tp_import_cache *c, const struct tp_addr *a, struct tp_err *err)
{
	long long id = 0;
	int rc;

	if (c->find_target == NULL && tp_db_prepare(c->db, "SELECT id FROM targets WHERE addr = ?",
	    &c->find_target, err) < 0)
		return -1;
	sqlite3_reset(c->find_target);
	if (tp_db_bind_addr(c->find_target, 1, a) < 0)
		return tp_err_set(err, "reply address of unknown family");
	rc = sqlite3_step(c->find_target);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(c->find_target, 0);
	else if (rc != SQLITE_DONE)
		return cache_fail(c, "looking up a target", err);
	sqlite3_reset(c->find_target);
	return id;
}

/* Target id of an address: 0 when it is not a target, -1 on a database error. */
long long
tp_import_cache_target(struct tp_import_cache *c, const struct tp_addr *a, struct tp_err *err)
{
	if (c->table != NULL)
		return table_slot(c, a->family, a->bytes)->id;
	if (!c->table_tried && ++c->lookups > c->build_after) {
		c->table_tried = 1;
		if (table_build(c, err) < 0)
			return -1;
		if (c->table != NULL)
			return table_slot(c, a->family, a->bytes)->id;
	}
	return index_target(c, a, err);
}

/* Start fetching the table slot of an address (nothing before the table exists). */
void
tp_import_cache_prefetch(const struct tp_import_cache *c, const struct tp_addr *a)
{
	if (c->table != NULL)
		__builtin_prefetch(&c->table[addr_hash(a->family, a->bytes) & c->mask]);
}

/* Id of a site name: 0 when no such site (never created here), -1 on a database error. */
long long
tp_import_cache_site(struct tp_import_cache *c, const char *name, struct tp_err *err)
{
	long long id = 0;
	size_t i;
	int rc;

	/* A stream names one site again and again: try the last one first. */
	if (c->nsites > 0 && strcmp(c->sites[c->last_site].name, name) == 0)
		return c->sites[c->last_site].id;
	for (i = 0; i < c->nsites; i++)
		if (strcmp(c->sites[i].name, name) == 0) {
			c->last_site = i;
			return c->sites[i].id;
		}
	if (c->find_site == NULL && tp_db_prepare(c->db, "SELECT id FROM sites WHERE name = ?",
	    &c->find_site, err) < 0)
		return -1;
	sqlite3_reset(c->find_site);
	sqlite3_bind_text(c->find_site, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(c->find_site);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(c->find_site, 0);
	else if (rc != SQLITE_DONE)
		return cache_fail(c, "looking up a site", err);
	sqlite3_reset(c->find_site);
	c->sites = xreallocarray(c->sites, c->nsites + 1, sizeof(*c->sites));
	snprintf(c->sites[c->nsites].name, sizeof(c->sites[0].name), "%s", name);
	c->sites[c->nsites].id = id;
	c->last_site = c->nsites++;
	return id;
}

/* How many times every target was read into the table. */
unsigned
tp_import_cache_table_reads(const struct tp_import_cache *c)
{
	return c->table_reads;
}

/*
 * Batches. A campaign of S sites writes S streams per round, each one
 * touching pages all over its round's part of responses; committed one by
 * one, every stream wrote those pages to the WAL again (at 300 sites and
 * 10,000,000 targets, hundreds of GB for one campaign). In a batch the
 * streams share one transaction, which the caller commits when it is due
 * (BATCH_ROWS rows) and at the end; import.c holds a stream's rows until
 * the stream proved good, so a bad stream still leaves nothing of itself
 * and the streams before it stay.
 */

/*
 * Open a batch: one write transaction for the streams that follow, with
 * SQLite's foreign key checks off (the importer checks every reference).
 */
int
tp_import_cache_batch_begin(struct tp_import_cache *c, struct tp_err *err)
{
	c->batch_fk = tp_db_foreign_keys(c->db, 0);
	if (tp_db_begin(c->db, err) < 0) {
		tp_db_foreign_keys(c->db, c->batch_fk);
		return -1;
	}
	c->batch = 1;
	c->batch_rows = 0;
	return 0;
}

/* 1 while a batch is open. */
int
tp_import_cache_in_batch(const struct tp_import_cache *c)
{
	return c->batch;
}

/* Count rows a stream stored in the batch. */
void
tp_import_cache_batch_rows(struct tp_import_cache *c, uint64_t rows)
{
	c->batch_rows += rows;
}

/* 1 when the open batch has stored BATCH_ROWS rows: time to commit it. */
int
tp_import_cache_batch_due(const struct tp_import_cache *c)
{
	return c->batch && c->batch_rows >= BATCH_ROWS;
}

/* Roll the open batch back (a stream failed half-stored) and restore foreign_keys. */
void
tp_import_cache_batch_abort(struct tp_import_cache *c)
{
	if (!c->batch)
		return;
	c->batch = 0;
	tp_db_rollback(c->db);
	tp_db_foreign_keys(c->db, c->batch_fk);
}

/* Commit the open batch (nothing when none is open) and restore foreign_keys. */
int
tp_import_cache_batch_end(struct tp_import_cache *c, struct tp_err *err)
{
	int rc = 0;

	if (!c->batch)
		return 0;
	c->batch = 0;
	if (tp_db_commit(c->db, err) < 0) {
		tp_db_rollback(c->db);
		rc = -1;
	}
	tp_db_foreign_keys(c->db, c->batch_fk);
	return rc;
}
