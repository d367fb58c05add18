/* exclude.h: the ranges never to probe (IANA special-purpose, by default). */
#ifndef TP_EXCLUDE_H
#define TP_EXCLUDE_H

#include <stddef.h>

#include "addr.h"
#include "error.h"

struct tp_exclude;

/* Path of the installed default list (PKGDATADIR/exclude.conf). */
const char *tp_exclude_default_path(void);
/*
 * Load a list: one prefix per line, '#' starts a comment, blank lines
 * ignored. A bad line fails with "FILE:LINE: reason".
 */
struct tp_exclude *tp_exclude_load(const char *path, struct tp_err *err);
/* An empty list, to which prefixes may be added. */
struct tp_exclude *tp_exclude_new(void);
void tp_exclude_add(struct tp_exclude *x, const struct tp_prefix *p);
/* 1 when a falls inside any listed prefix. Fast: millions per second. */
int tp_exclude_contains(const struct tp_exclude *x, const struct tp_addr *a);
/* Number of prefixes listed. */
size_t tp_exclude_count(const struct tp_exclude *x);
/* Number of merged ranges (both families) that lookups search. */
size_t tp_exclude_ranges(const struct tp_exclude *x);
void tp_exclude_free(struct tp_exclude *x);

#endif
