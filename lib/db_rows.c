/* db_rows.c: what every program stores alike: addresses as blobs, sites by name. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "db.h"

/* Bytes of an address's blob: 4 or 16, 0 for an unknown family. */
static size_t
db_addr_len(const struct tp_addr *a)
{
	if (a->family == AF_INET)
		return 4;
	if (a->family == AF_INET6)
		return 16;
	return 0;
}

/* Bind an address as its 4- or 16-byte blob; 0, or -1 on a bad family or bind error. */
int
tp_db_bind_addr(sqlite3_stmt *st, int col, const struct tp_addr *a)
{
	size_t n = db_addr_len(a);

	if (n == 0)
		return -1;
	if (sqlite3_bind_blob(st, col, a->bytes, (int)n, SQLITE_TRANSIENT) != SQLITE_OK)
		return -1;
	return 0;
}

/* Read a 4- or 16-byte blob column into an address; -1 if it is neither. */
int
tp_db_column_addr(sqlite3_stmt *st, int col, struct tp_addr *a)
{
	const void *p;
	int n;

	if (sqlite3_column_type(st, col) != SQLITE_BLOB)
		return -1;
	p = sqlite3_column_blob(st, col);
	n = sqlite3_column_bytes(st, col);
	if (p == NULL || (n != 4 && n != 16))
		return -1;
	memset(a, 0, sizeof(*a));
	a->family = n == 4 ? AF_INET : AF_INET6;
	memcpy(a->bytes, p, (size_t)n);
	return 0;
}

/* Run a statement with name as its parameter; its first column as an id, 0 if no row. */
static long long
db_site_step(struct tp_db *db, const char *sql, const char *name, struct tp_err *err)
{
	sqlite3_stmt *st;
	long long id = 0;
	int rc;

	if (tp_db_prepare(db, sql, &st, err) < 0)
		return -1;
	if (sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK) {
		tp_db_fail(db, "binding a site name", err);
		sqlite3_finalize(st);
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE) {
		tp_db_fail(db, "looking up site", err);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return id;
}

/* The id of site name, creating the row when create is set; -1 on error or absent. */
long long
tp_db_site_id(struct tp_db *db, const char *name, int create, struct tp_err *err)
{
	long long id;

	if (name == NULL || name[0] == '\0')
		return tp_err_set(err, "%s: empty site name", db->path);
	if (create && db_site_step(db, "INSERT OR IGNORE INTO sites (name) VALUES (?)",
	    name, err) < 0)
		return -1;
	id = db_site_step(db, "SELECT id FROM sites WHERE name = ?", name, err);
	if (id == 0)
		return tp_err_set(err, "%s: no site \"%s\" in the database", db->path,
		    name);
	return id;
}
