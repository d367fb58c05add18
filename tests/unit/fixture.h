/* fixture.h: small helpers the unit tests share (temporary files and folders, databases). */
#ifndef TP_TEST_FIXTURE_H
#define TP_TEST_FIXTURE_H

#include <stddef.h>
#include <stdint.h>


#include "addr.h"
#include "config.h"
#include "db.h"
#include "keyfile.h"

/* A fresh temporary folder for this test (removed by fixture_cleanup). */
const char *fixture_dir(void);
/* Path of name inside fixture_dir(); a static buffer per call slot (8 slots). */
const char *fixture_path(const char *name);
/* Write text to name inside fixture_dir(); returns its path. */
const char *fixture_write(const char *name, const char *text);
/* Open path with tp_db_open flags, failing the test on error. */
struct tp_db *fixture_db_open(const char *path, int flags);
/* CPU seconds of this test process, for tests that bound how much work is done. */
double fixture_seconds(void);
/* The first column of sql's first row on the open database h (the test fails without one). */
double fixture_query(void *h, const char *sql);
/* The whole of file path, NUL-terminated (fails the test when it cannot be read). */
char *fixture_read(const char *path);
/* The same, its size (without the NUL) in *len. */
char *fixture_read_len(const char *path, size_t *len);
/* The BIRD transcript tests/fixtures/bird/name, as fixture_read_len. */
char *fixture_bird_transcript(const char *name, size_t *len);
struct tp_db;
/* A new database called name inside fixture_dir(), holding the rows of sql. */
struct tp_db *fixture_db(const char *name, const char *sql);
/* A probe key with bytes salt, salt + 1, ..., salt + 31. */
struct tp_key fixture_key_salted(uint8_t salt);
/* An address from text via inet_pton, not the addr module (fails the test when bad). */
struct tp_addr fixture_addr_parse(const char *s);
/* Independent RFC 1071 sum of n bytes added to acc, folded (0xffff = a valid checksum). */
unsigned fixture_ones_sum(const uint8_t *d, size_t n, unsigned long acc);
/* Load text as tp.conf (written into fixture_dir()); returns tp_conf_load's result. */
int fixture_conf_load(const char *text, struct tp_conf *c, struct tp_err *err);
/* An address or prefix as text, in a static buffer, for comparisons. */
const char *fixture_addr(const struct tp_addr *a);
const char *fixture_prefix(const struct tp_prefix *p);
struct pd_model;
struct pd_prediction;
/* Campaign 1's prediction model from a new database name (see fixture_db); the database in *db. */
struct pd_model *fixture_model(const char *name, const char *sql, struct tp_db **db);
/* Predict the set withdrawn with md (fails the test on error). */
void fixture_predict(struct pd_model *md, const char *withdrawn, struct pd_prediction *p);
/* Free md, close db and remove fixture_dir(). */
void fixture_model_free(struct pd_model *md, struct tp_db *db);
/* Remove fixture_dir() and everything in it. */
void fixture_cleanup(void);

#endif
