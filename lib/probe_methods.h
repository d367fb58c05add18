/*
 * probe_methods.h: tp.conf's probe_methods, the ordered list of probe
 * methods a campaign tries ("icmp tcp:80": every target with the first,
 * the ones that stayed silent with the next, and so on).
 */
#ifndef TP_PROBE_METHODS_H
#define TP_PROBE_METHODS_H

#include <stddef.h>

#include "records.h"

/* The most methods one list may name. */
#define TP_METHODS_MAX 8

struct tp_methods {
	char name[TP_METHODS_MAX][TP_METHOD_MAX];
	size_t n;
};

/*
 * Parse s (NULL: the default "icmp"), methods separated by blanks or
 * commas, into m; -1 with the reason in why (len bytes) for a bad or
 * repeated method, too many, or none.
 */
int tp_methods_parse(const char *s, struct tp_methods *m, char *why, size_t len);
/* The index of method name in m, or -1. */
int tp_methods_index(const struct tp_methods *m, const char *name);

#endif
