/* fixture.h: small helpers the unit tests share (temporary files and folders). */
#ifndef TP_TEST_FIXTURE_H
#define TP_TEST_FIXTURE_H

#include <stddef.h>

/* A fresh temporary folder for this test (removed by fixture_cleanup). */
const char *fixture_dir(void);
/* Path of name inside fixture_dir(); a static buffer per call slot (8 slots). */
const char *fixture_path(const char *name);
/* Write text to name inside fixture_dir(); returns its path. */
const char *fixture_write(const char *name, const char *text);
/* CPU seconds of this test process, for tests that bound how much work is done. */
double fixture_seconds(void);
/* The first column of sql's first row on the open database h (the test fails without one). */
double fixture_query(void *h, const char *sql);
/* The whole of file path, NUL-terminated (fails the test when it cannot be read). */
char *fixture_read(const char *path);
/* Remove fixture_dir() and everything in it. */
void fixture_cleanup(void);

#endif
