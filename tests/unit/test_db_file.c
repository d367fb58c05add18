/*
 * test_db_file.c: the database and its -wal and -shm files are created
 * 0600 whatever the umask; a symlink owned by another user, a folder
 * everyone may write without the sticky bit, and a planted -wal symlink
 * are refused; the caller's own symlink is followed.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "db.h"
#include "fixture.h"

/* The permission bits of path (-1 when it does not exist). */
static int
mode_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) < 0 ? -1 : (int)(st.st_mode & 07777);
}

/* With a permissive umask, the database, -wal and -shm are 0600 while it is open. */
Test(db_file, created_private)
{
	char wal[300], shm[300];
	const char *path = fixture_path("m.db");
	struct tp_db *db;
	struct tp_err err;
	mode_t old = umask(0);

	cr_assert_eq(tp_db_open(path, TP_DB_CREATE, &db, &err), 0, "%s", err.msg);
	umask(old);
	cr_assert_eq(tp_db_exec(db, "INSERT INTO sites (name) VALUES ('AKL')", &err), 0, "%s",
	    err.msg);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	snprintf(shm, sizeof(shm), "%s-shm", path);
	cr_expect_eq(mode_of(path), 0600, "database mode %o", mode_of(path));
	cr_expect_eq(mode_of(wal), 0600, "-wal mode %o", mode_of(wal));
	cr_expect_eq(mode_of(shm), 0600, "-shm mode %o", mode_of(shm));
	tp_db_close(db);
	fixture_cleanup();
}

/* Our own symlink is followed; one owned by another user is refused. */
Test(db_file, symlinks)
{
	const char *path = fixture_path("real.db"), *link = fixture_path("link.db");
	const char *evil = fixture_path("evil.db");
	struct tp_db *db;
	struct tp_err err;

	cr_assert_eq(tp_db_open(path, TP_DB_CREATE, &db, &err), 0, "%s", err.msg);
	tp_db_close(db);
	cr_assert_eq(symlink(path, link), 0);
	cr_expect_eq(tp_db_open(link, 0, &db, &err), 0, "own symlink: %s", err.msg);
	tp_db_close(db);
	if (geteuid() != 0)
		cr_skip_test("changing a symlink's owner needs root");
	cr_assert_eq(symlink(path, evil), 0);
	cr_assert_eq(lchown(evil, 65534, 65534), 0);
	cr_expect_eq(tp_db_open(evil, TP_DB_CREATE, &db, &err), -1);
	cr_expect(strstr(err.msg, "symlink owned by uid 65534") != NULL, "%s", err.msg);
	fixture_cleanup();
}

/* A folder anyone may write is refused unless sticky; a planted -wal symlink is refused. */
Test(db_file, planted_paths)
{
	char dir[300], path[320], wal[330];
	struct tp_db *db;
	struct tp_err err;

	snprintf(dir, sizeof(dir), "%s/open", fixture_dir());
	snprintf(path, sizeof(path), "%s/x.db", dir);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	cr_assert_eq(mkdir(dir, 0777), 0);
	cr_assert_eq(chmod(dir, 0777), 0);
	cr_expect_eq(tp_db_open(path, TP_DB_CREATE, &db, &err), -1);
	cr_expect(strstr(err.msg, "writable by every user") != NULL, "%s", err.msg);
	cr_expect_eq(mode_of(path), -1, "nothing created");
	cr_assert_eq(chmod(dir, 01777), 0);
	cr_assert_eq(tp_db_open(path, TP_DB_CREATE, &db, &err), 0, "sticky: %s", err.msg);
	tp_db_close(db);
	cr_assert_eq(symlink("/etc/passwd", wal), 0);
	cr_expect_eq(tp_db_open(path, 0, &db, &err), -1);
	cr_expect(strstr(err.msg, "-wal is a symlink") != NULL, "%s", err.msg);
	cr_assert_eq(chmod(dir, 0700), 0);
	fixture_cleanup();
}
