/* fixture.h: small helpers the unit tests share (temporary files and folders, databases). */
#ifndef TP_TEST_FIXTURE_H
#define TP_TEST_FIXTURE_H

#include <stddef.h>

#include <sqlite3.h>

#include "db.h"

/* A fresh temporary folder for this test (removed by fixture_cleanup). */
const char *fixture_dir(void);
/* Path of name inside fixture_dir(); a static buffer per call slot (8 slots). */
const char *fixture_path(const char *name);
/* Write text to name inside fixture_dir(); returns its path. */
const char *fixture_write(const char *name, const char *text);
/* Open name inside fixture_dir() with tp_db_open flags, failing the test on error. */
struct tp_db *fixture_db_open(const char *path, int flags);
/* The one integer a query on h returns, failing the test otherwise. */
long long fixture_query_int(sqlite3 *h, const char *sql);
/* Remove fixture_dir() and everything in it. */
void fixture_cleanup(void);

#endif
