/*
 * db_file.h: the database file holds client addresses, so it is created
 * private (0600, or 0640 when its folder belongs to the group "tp"), and
 * a path another user could have planted is refused before SQLite opens
 * it: a symlink owned by someone else, a folder every user may write to
 * without the sticky bit, a -wal/-shm/-journal beside it that is a
 * symlink or someone else's.
 */
#ifndef TP_DB_FILE_H
#define TP_DB_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* The group whose members may read the database when its folder belongs to it. */
#define TP_DB_GROUP "tp"

/*
 * Check path and, when create is set and it is missing, create it empty
 * with the private mode. real (len bytes) gets the path with the caller's
 * own symlinks resolved, to open with SQLITE_OPEN_NOFOLLOW. Paths SQLite
 * handles itself (":memory:", "", "file:" URIs) are copied unchecked.
 */
int tp_db_file_prepare(const char *path, int create, char *real, size_t len,
    struct tp_err *err);
/* The mode a new database in a folder of group gid gets: 0640 for the tp group, else 0600. */
mode_t tp_db_file_mode(gid_t folder_gid);

#endif
