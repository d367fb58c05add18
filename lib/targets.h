/* targets.h: read target lists (ADDR, ADDR WEIGHT, or CSV ADDR,SITE,WEIGHT). */
#ifndef TP_TARGETS_H
#define TP_TARGETS_H

#include <stddef.h>
#include <stdio.h>

#include "addr.h"
#include "error.h"

/*
 * The largest weight of one target line, and of all targets of a database
 * together: sums of weights (repeats merged, a site's load, a matrix row)
 * then stay far from overflowing a double.
 */
#define TP_WEIGHT_MAX 1e12
#define TP_WEIGHT_TOTAL_MAX 1e15

struct tp_target {
	struct tp_addr addr;
	double weight;		/* default 1 */
	char site[64];		/* "" unless the CSV form named one */
};

struct tp_target_list {
	struct tp_target *v;
	size_t n, cap;
	size_t skipped;		/* malformed lines skipped (TP_TARGETS_SKIP_BAD) */
	size_t comments;	/* blank and comment lines */
};

enum tp_targets_flags {
	TP_TARGETS_STRICT = 0,		/* the first malformed line is an error */
	TP_TARGETS_SKIP_BAD = 1 << 0,	/* skip and count malformed lines (warned) */
};

/*
 * Read every target from f; name is used in messages ("FILE:LINE: reason",
 * "-" reads as "stdin"). Lines: "ADDR", "ADDR WEIGHT" (whitespace), or
 * "ADDR,SITE,WEIGHT" (SITE and WEIGHT may be empty); '#' starts a comment.
 * Weight: a number from 0 to TP_WEIGHT_MAX.
 */
int tp_targets_read(FILE *f, const char *name, int flags, struct tp_target_list *out,
    struct tp_err *err);
/* Open path ("-" = stdin) and read it as above. */
int tp_targets_read_file(const char *path, int flags, struct tp_target_list *out,
    struct tp_err *err);
/* Parse one line (no newline); 0 ok, 1 blank/comment, -1 malformed with reason. */
int tp_target_parse_line(const char *line, struct tp_target *t, struct tp_err *err);
/* Append t to l, growing it as needed. */
void tp_target_list_push(struct tp_target_list *l, const struct tp_target *t);
void tp_target_list_free(struct tp_target_list *l);

#endif
