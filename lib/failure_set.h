/*
 * failure_set.h: a failure set, the sites withdrawn together in a
 * scenario. Its notation is "A+B": site names sorted (strcmp order), no
 * repeats, joined by '+'; the empty set "" is the baseline. The database
 * stores sets so (scenarios.withdrawn), tp.conf lists them (`sets`), the
 * command line takes them (--withdrawn, --scenario).
 *
 * It lives in lib/ beside the other shared vocabulary (addresses,
 * prefixes) because tp.conf, which lib/ reads, must refuse a bad set with
 * its line; model/ and the programs build on it. failure_set_parse is the
 * one parser of the notation and failure_set_print its one printer.
 */
#ifndef TP_FAILURE_SET_H
#define TP_FAILURE_SET_H

#include <stddef.h>

#include "error.h"

struct failure_set {
	char **names;		/* sorted, no repeats */
	size_t n;		/* 0: the baseline */
	const char *repeated;	/* a name the text gave twice (one of names), or NULL */
};

#define FAILURE_SET_COMMAS 1	/* ',' separates sites as '+' does ("A,B" on a command line) */

/*
 * Parse "B+A", " A + B " (or with FAILURE_SET_COMMAS "A,B") into set:
 * blanks around names are dropped, repeats are merged (set->repeated tells),
 * and a text of blanks is the empty set. On a piece that is not a site
 * name (tp_name_valid; "" for "A++B") returns -1 with the piece in bad
 * (badlen bytes, truncated) and set empty.
 */
int failure_set_parse(const char *text, unsigned flags, struct failure_set *set, char *bad,
    size_t badlen);
/* The canonical text of n names already in canonical order: "A+B", "" for none. Fresh. */
char *failure_set_print(const char *const *names, size_t n);
/* The canonical text of set. Fresh. */
char *failure_set_text(const struct failure_set *set);
/*
 * Canonical text of a set a person typed (commas allowed) into *out
 * (fresh); -1 with err naming the piece that is not a site name.
 */
int failure_set_canonical(const char *text, char **out, struct tp_err *err);
/* 1 when name is in set. */
int failure_set_has(const struct failure_set *set, const char *name);
/* Free the names; the set is empty again. */
void failure_set_free(struct failure_set *set);

#endif
