/*
 * fields.h: a line of a line protocol cut into blank-separated words, and
 * its numbers read whole and range-checked, each error one line naming
 * the field. tp-probe's control and job lines and the campaign's reading
 * of tp-probe's answers ("done ROUND SENT ERRORS") share it.
 */
#ifndef TP_FIELDS_H
#define TP_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define TP_FIELDS_MAX 16		/* words kept; more only set `more` */
#define TP_FIELDS_LINE_MAX 1024	/* the longest line split */

struct tp_fields {
	char buf[TP_FIELDS_LINE_MAX + 1];	/* the words, cut in place */
	char *word[TP_FIELDS_MAX];
	size_t n;			/* words kept */
	int more;			/* the line had more than TP_FIELDS_MAX words */
};

/*
 * Cut line at spaces and tabs into f's words (the first TP_FIELDS_MAX;
 * f->more when there were more); -1 with a reason when the line is
 * longer than TP_FIELDS_LINE_MAX.
 */
int tp_fields_split(struct tp_fields *f, const char *line, struct tp_err *err);
/*
 * s as a whole unsigned decimal from min to max into *out; -1 with
 * "WHAT: "S" is not a number" or "WHAT: N is out of range (MIN to MAX)".
 */
int tp_u64_parse(const char *what, const char *s, uint64_t min, uint64_t max, uint64_t *out,
    struct tp_err *err);
/* Word i of f read as tp_u64_parse does; -1 also when f has no word i ("WHAT: missing"). */
int tp_fields_u64(const struct tp_fields *f, size_t i, const char *what, uint64_t min,
    uint64_t max, uint64_t *out, struct tp_err *err);

#endif
