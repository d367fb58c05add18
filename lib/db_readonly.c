/*
 * db_readonly.c: what a reader does when SQLite cannot make the WAL index
 * of a WAL database in a folder the reader may not write (an auditor's
 * account, a read-only mount): read the file as immutable, which is safe
 * only when no -wal file exists, since no writer can then be at work.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db_readonly.h"
#include "error.h"
#include "xalloc.h"

/*
 * 1 when a read-only open failed only because SQLite could not create the
 * WAL index (-shm) beside a WAL database in a folder the reader cannot
 * write, and there is no -wal file whose content it would miss.
 */
int
tp_db_wal_index_missing(sqlite3 *h, const char *path)
{
	int code = sqlite3_errcode(h) & 0xff;
	char *wal;
	int missing;

	if (code != SQLITE_READONLY && code != SQLITE_CANTOPEN)
		return 0;
	wal = xasprintf("%s-wal", path);
	missing = access(wal, F_OK) < 0 && errno == ENOENT;
	free(wal);
	return missing;
}

/*
 * Open real (path as checked by tp_db_file_prepare) read-only as immutable
 * (SQLite then needs no -shm and takes no locks): for a cleanly closed WAL
 * database in a read-only folder, where nothing can be writing it (a
 * writer would have made a -wal file there).
 */
int
tp_db_open_immutable(const char *path, const char *real, sqlite3 **h, struct tp_err *err)
{
	char *uri = xmalloc(strlen(real) * 3 + 32);
	size_t o = 0;
	const char *p;
	int rc;

	o += (size_t)sprintf(uri, "file:");
	for (p = real; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '/' || c == '.' || c == '-' || c == '_' || (c < 0x80 && isalnum(c)))
			uri[o++] = (char)c;
		else
			o += (size_t)sprintf(uri + o, "%%%02x", c);
	}
	strcpy(uri + o, "?immutable=1");
	rc = sqlite3_open_v2(uri, h, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
	    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX, NULL);
	free(uri);
	if (rc != SQLITE_OK)
		return tp_err_set(err, "%s: cannot open database read-only: %s", path,
		    *h != NULL ? sqlite3_errmsg(*h) : sqlite3_errstr(rc));
	sqlite3_extended_result_codes(*h, 1);
	if (sqlite3_exec(*h, "PRAGMA foreign_keys=ON", NULL, NULL, NULL) != SQLITE_OK)
		return tp_err_set(err, "%s: PRAGMA foreign_keys: %s", path, sqlite3_errmsg(*h));
	return 0;
}
