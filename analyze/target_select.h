/*
 * target_select.h: turn a raw client list into the targets worth probing:
 * drop excluded addresses, merge repeats, keep one address per prefix,
 * keep the heaviest N. Pure: no database, so it is tested on its own.
 */
#ifndef TP_TARGET_SELECT_H
#define TP_TARGET_SELECT_H

#include <stddef.h>

#include "error.h"
#include "exclude.h"
#include "targets.h"

struct target_select_opts {
	unsigned prefix4;	/* keep one address per IPv4 /prefix4; 0 = every address */
	unsigned prefix6;	/* the same for IPv6 */
	size_t max;		/* keep at most this many, the heaviest; 0 = no limit */
	const struct tp_exclude *exclude;	/* NULL = nothing excluded */
};

struct target_select_stats {
	size_t read;		/* targets given */
	size_t excluded;	/* inside the exclusion list */
	size_t duplicates;	/* repeats of an address (weights added up) */
	size_t merged;		/* dropped for a heavier address of the same prefix */
	size_t over_max;	/* dropped by --max */
	size_t kept;
};

/* Parse "--per-prefix V4[/V6]" (e.g. "24/48", "24", "/48"); -1 with a reason. */
int target_select_parse_prefix(const char *s, struct target_select_opts *o, struct tp_err *err);

/*
 * Select in place: v[0..*n) becomes the kept targets, sorted by address.
 * Repeats of an address become one target with the summed weight; the
 * address kept for a prefix is the heaviest (lowest address on a tie) and
 * carries the whole prefix's weight, since it stands for all of it.
 */
void target_select(struct tp_target *v, size_t *n, const struct target_select_opts *o,
    struct target_select_stats *st);

#endif
