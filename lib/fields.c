/* fields.c: lines cut into words, and whole range-checked numbers (fields.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"

/* Cut line into f's words. */
int
tp_fields_split(struct tp_fields *f, const char *line, struct tp_err *err)
{
	size_t len = strlen(line);
	char *p, *save = NULL;

	f->n = 0;
	f->more = 0;
	if (len > TP_FIELDS_LINE_MAX)
		return tp_err_set(err, "line longer than %d bytes", TP_FIELDS_LINE_MAX);
	memcpy(f->buf, line, len + 1);
	for (p = strtok_r(f->buf, " \t", &save); p != NULL; p = strtok_r(NULL, " \t", &save)) {
		if (f->n == TP_FIELDS_MAX) {
			f->more = 1;
			break;
		}
		f->word[f->n++] = p;
	}
	return 0;
}

/* A whole unsigned decimal in [min, max]. */
int
tp_u64_parse(const char *what, const char *s, uint64_t min, uint64_t max, uint64_t *out,
    struct tp_err *err)
{
	unsigned long long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return tp_err_set(err, "%s: \"%.40s\" is not a number", what, s);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return tp_err_set(err, "%s: \"%.40s\" is not a number", what, s);
	if (v < min || v > max)
		return tp_err_set(err, "%s: %llu is out of range (%llu to %llu)", what, v,
		    (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

/* Word i of f as a number in [min, max]. */
int
tp_fields_u64(const struct tp_fields *f, size_t i, const char *what, uint64_t min,
    uint64_t max, uint64_t *out, struct tp_err *err)
{
	if (i >= f->n)
		return tp_err_set(err, "%s: missing", what);
	return tp_u64_parse(what, f->word[i], min, max, out, err);
}
