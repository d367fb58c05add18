/* db_file.c: checks and private creation of the database file (see db_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db_file.h"

/* The mode of a new database: group-readable only for the tp group's folders. */
mode_t
tp_db_file_mode(gid_t folder_gid)
{
	struct group *g = getgrnam(TP_DB_GROUP);

	return g != NULL && g->gr_gid == folder_gid ? 0640 : 0600;
}

/* The folder of path into dir (dirname without changing path). */
static void
folder_of(const char *path, char *dir, size_t len)
{
	char copy[PATH_MAX];

	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(dir, len, "%s", dirname(copy));
}

/* Refuse a folder anyone may write to without the sticky bit. */
static int
check_folder(const char *path, const char *dir, struct stat *st, struct tp_err *err)
{
	if (stat(dir, st) < 0)
		return tp_err_set(err, "%s: cannot use the folder %s: %s", path, dir,
		    strerror(errno));
	if ((st->st_mode & S_IWOTH) && !(st->st_mode & S_ISVTX))
		return tp_err_set(err, "%s: the folder %s is writable by every user and not "
		    "sticky, so anyone could replace the database; use a private folder",
		    path, dir);
	return 0;
}

/* Refuse a -wal, -shm or -journal beside the database that is a symlink or another owner's. */
static int
check_companions(const char *path, uid_t owner, struct tp_err *err)
{
	static const char *const suffixes[] = { "-wal", "-shm", "-journal" };
	char name[PATH_MAX + 16];
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
		if (lstat(name, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode) || st.st_uid != owner)
			return tp_err_set(err, "%s: %s is %s; refusing to open the database "
			    "(remove it if no program has the database open)", path, name,
			    S_ISLNK(st.st_mode) ? "a symlink" : "owned by another user");
	}
	return 0;
}

/* Create path empty with the private mode (it did not exist a moment ago). */
static int
create_private(const char *path, const struct stat *folder, struct tp_err *err)
{
	mode_t mode = tp_db_file_mode(folder->st_gid);
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0 && errno == EEXIST)
		return 0;	/* another program made it first: checked by the caller */
	if (fd < 0)
		return tp_err_set(err, "%s: cannot create the database: %s", path,
		    strerror(errno));
	if ((mode & 0040) && fchown(fd, (uid_t)-1, folder->st_gid) < 0)
		mode = 0600;	/* not a member of the tp group: stay private */
	if (fchmod(fd, mode) < 0) {
		close(fd);
		return tp_err_set(err, "%s: cannot set mode %o: %s", path, (unsigned)mode,
		    strerror(errno));
	}
	close(fd);
	return 0;
}

/* Resolve the folder of path with realpath and append the file's name. */
static int
resolve(const char *path, const char *dir, char *real, size_t len, struct tp_err *err)
{
	char rdir[PATH_MAX], copy[PATH_MAX];

	if (realpath(dir, rdir) == NULL)
		return tp_err_set(err, "%s: cannot resolve the folder %s: %s", path, dir,
		    strerror(errno));
	snprintf(copy, sizeof(copy), "%s", path);
	if ((size_t)snprintf(real, len, "%s/%s", strcmp(rdir, "/") == 0 ? "" : rdir,
	    basename(copy)) >= len)
		return tp_err_set(err, "%s: path too long", path);
	return 0;
}

/* Check path, resolve the caller's own symlinks, create it privately when asked. */
int
tp_db_file_prepare(const char *path, int create, char *real, size_t len, struct tp_err *err)
{
	char dir[PATH_MAX], target[PATH_MAX];
	struct stat st, folder;

	if (path[0] == '\0' || strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0) {
		snprintf(real, len, "%s", path);
		return 0;
	}
	if (strlen(path) >= PATH_MAX)
		return tp_err_set(err, "%.60s...: path too long", path);
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		if (st.st_uid != geteuid())
			return tp_err_set(err, "%s: a symlink owned by uid %u, another user; "
			    "refusing to follow it", path, (unsigned)st.st_uid);
		if (realpath(path, target) == NULL)
			return tp_err_set(err, "%s: cannot resolve the symlink: %s", path,
			    errno == ENOENT ? "it points to a missing file" : strerror(errno));
		path = target;	/* our own link: check and open what it points to */
	}
	folder_of(path, dir, sizeof(dir));
	if (check_folder(path, dir, &folder, err) < 0)
		return -1;
	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			return tp_err_set(err, "%s: %s", path, strerror(errno));
		if (!create)
			return tp_err_set(err, "%s: cannot open database: %s", path,
			    strerror(ENOENT));
		if (create_private(path, &folder, err) < 0)
			return -1;
		if (lstat(path, &st) < 0)
			return tp_err_set(err, "%s: cannot create the database: %s", path,
			    strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return tp_err_set(err, "%s: not a regular file", path);
	if (check_companions(path, st.st_uid, err) < 0)
		return -1;
	return resolve(path, dir, real, len, err);
}
