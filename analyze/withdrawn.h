/*
 * withdrawn.h: failure sets as the database stores them, "A+B": site names
 * sorted (strcmp order), no repeats, joined by '+'. The empty set "" is the
 * baseline scenario.
 */
#ifndef TP_WITHDRAWN_H
#define TP_WITHDRAWN_H

#include <stddef.h>

#include "error.h"

/* Longest canonical set this program handles, with the NUL. */
#define WITHDRAWN_MAX 1024

/*
 * Bring "B+A", "A,B" or "A + B" to the canonical "A+B" in out (len bytes);
 * -1 naming a bad site name or a set that does not fit.
 */
int withdrawn_canonical(const char *in, char *out, size_t len, struct tp_err *err);
/* Split a canonical set into fresh names; returns how many (0 for ""). */
size_t withdrawn_split(const char *set, char ***names);
void withdrawn_free(char **names, size_t n);

#endif
