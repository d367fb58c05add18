/* db_readonly.h: reading a WAL database where its -shm cannot be made (see db_readonly.c). */
#ifndef TP_DB_READONLY_H
#define TP_DB_READONLY_H

#include <sqlite3.h>

#include "error.h"

/*
 * 1 when the last call on h failed only because SQLite could not create
 * the WAL index beside real, and no real-wal exists whose content a reader
 * would miss.
 */
int tp_db_wal_index_missing(sqlite3 *h, const char *real);
/* Open real read-only and immutable into *h (path names it in messages). */
int tp_db_open_immutable(const char *path, const char *real, sqlite3 **h,
    struct tp_err *err);

#endif
