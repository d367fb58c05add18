/*
 * targets.c: read target lists, one target per line, in three forms:
 * "ADDR", "ADDR WEIGHT" and CSV "ADDR,SITE,WEIGHT". Lines may be of any
 * length (getline); the list grows by doubling, so a million lines cost a
 * million parses and about twenty reallocations.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "log.h"
#include "targets.h"
#include "xalloc.h"

/* How many skipped lines are warned about one by one before only counting. */
#define TARGETS_WARN_MAX 10
/* How much of a bad field a message quotes. */
#define TARGETS_QUOTE_MAX 40

/* Skip leading blanks. */
static char *
skip_space(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Cut trailing blanks, carriage returns and newlines. */
static void
trim_end(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
}

/* Trim both ends of s in place; returns the start. */
static char *
trim(char *s)
{
	s = skip_space(s);
	trim_end(s);
	return s;
}

/* Parse a weight: a decimal number from 0 to TP_WEIGHT_MAX. */
static int
parse_weight(const char *s, double *w, struct tp_err *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0')
		return tp_err_set(err, "bad weight \"%.*s\": not a number",
		    TARGETS_QUOTE_MAX, s);
	if (!isfinite(v) || errno == ERANGE)
		return tp_err_set(err, "bad weight \"%.*s\": must be finite",
		    TARGETS_QUOTE_MAX, s);
	if (v < 0)
		return tp_err_set(err, "bad weight \"%.*s\": must be 0 or more",
		    TARGETS_QUOTE_MAX, s);
	if (v > TP_WEIGHT_MAX)
		return tp_err_set(err, "bad weight \"%.*s\": more than %g",
		    TARGETS_QUOTE_MAX, s, TP_WEIGHT_MAX);
	*w = v == 0 ? 0 : v;	/* no -0 */
	return 0;
}

/* Parse the address field into t. */
static int
parse_address(const char *s, struct tp_target *t, struct tp_err *err)
{
	if (*s == '\0')
		return tp_err_set(err, "missing address");
	return tp_addr_parse(s, &t->addr, err);	/* says "bad address ..." */
}

/* Parse the CSV form "ADDR,SITE,WEIGHT" (line holds at least one comma). */
static int
parse_csv(char *line, struct tp_target *t, struct tp_err *err)
{
	char *field[3], *p = line;
	int n = 0;

	for (;;) {
		char *comma = strchr(p, ',');

		if (n == 3)
			return tp_err_set(err,
			    "too many fields (expected ADDR,SITE,WEIGHT)");
		field[n++] = p;
		if (comma == NULL)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	if (n != 3)
		return tp_err_set(err,
		    "%d fields where ADDR,SITE,WEIGHT expected", n);
	for (n = 0; n < 3; n++)
		field[n] = trim(field[n]);
	if (parse_address(field[0], t, err) < 0)
		return -1;
	if (field[1][0] != '\0') {
		if (!tp_name_valid(field[1]))
			return tp_err_set(err, "bad site name \"%.*s\": use 1 to 63 "
			    "characters of A-Z a-z 0-9 _ . -", TARGETS_QUOTE_MAX,
			    field[1]);
		strcpy(t->site, field[1]);	/* tp_name_valid: at most 63 */
	}
	if (field[2][0] != '\0' && parse_weight(field[2], &t->weight, err) < 0)
		return -1;
	return 0;
}

/* Parse the whitespace form "ADDR" or "ADDR WEIGHT". */
static int
parse_plain(char *line, struct tp_target *t, struct tp_err *err)
{
	char *addr = line, *weight, *rest;

	weight = addr + strcspn(addr, " \t");
	if (*weight != '\0')
		*weight++ = '\0';
	weight = skip_space(weight);
	if (parse_address(addr, t, err) < 0)
		return -1;
	if (*weight == '\0')
		return 0;
	rest = weight + strcspn(weight, " \t");
	if (*rest != '\0') {
		*rest++ = '\0';
		if (*skip_space(rest) != '\0')
			return tp_err_set(err,
			    "too many fields (expected ADDR or ADDR WEIGHT)");
	}
	return parse_weight(weight, &t->weight, err);
}

/* Parse one line: 0 a target, 1 blank or comment, -1 malformed (reason in err). */
int
tp_target_parse_line(const char *line, struct tp_target *t, struct tp_err *err)
{
	char *copy, *s, *hash;
	int rc;

	memset(t, 0, sizeof(*t));
	t->weight = 1;
	copy = xstrdup(line);
	if ((hash = strchr(copy, '#')) != NULL)
		*hash = '\0';
	s = trim(copy);
	if (*s == '\0')
		rc = 1;
	else if (strchr(s, ',') != NULL)
		rc = parse_csv(s, t, err);
	else
		rc = parse_plain(s, t, err);
	free(copy);
	return rc;
}

/* 1 when line is the usual CSV header row "addr,site,weight". */
static int
is_csv_header(const char *line)
{
	char buf[32];
	size_t n = strlen(line);

	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, line, n + 1);
	return strcasecmp(trim(buf), "addr,site,weight") == 0;
}

/* Append t to l, doubling the storage when full. */
void
tp_target_list_push(struct tp_target_list *l, const struct tp_target *t)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = *t;
}

/*
 * Read every target line of f and append it to out. On failure out keeps
 * the targets read so far; free it with tp_target_list_free either way.
 * An optional first line "addr,site,weight" is taken as a CSV header.
 */
int
tp_targets_read(FILE *f, const char *name, int flags, struct tp_target_list *out,
    struct tp_err *err)
{
	struct tp_target t;
	struct tp_err why;
	char *line = NULL;
	size_t size = 0, lineno = 0, skipped = 0;
	ssize_t len;
	int rc = 0;

	if (strcmp(name, "-") == 0)
		name = "stdin";
	while ((len = getline(&line, &size, f)) != -1) {
		lineno++;
		if (strlen(line) != (size_t)len) {
			tp_err_set(&why, "NUL byte in line");
			rc = -1;
		} else if (lineno == 1 && is_csv_header(line)) {
			rc = 1;
		} else {
			why.msg[0] = '\0';
			rc = tp_target_parse_line(line, &t, &why);
		}
		if (rc == 0)
			tp_target_list_push(out, &t);
		else if (rc == 1)
			out->comments++;
		else if (flags & TP_TARGETS_SKIP_BAD) {
			if (++skipped <= TARGETS_WARN_MAX)
				log_warn("targets", "%s:%zu: %s (line skipped)",
				    name, lineno, why.msg);
			out->skipped++;
		} else {
			free(line);
			return tp_err_set(err, "%s:%zu: %s", name, lineno, why.msg);
		}
	}
	free(line);
	if (ferror(f))
		return tp_err_set(err, "%s: read error: %s", name, strerror(errno));
	if (skipped > TARGETS_WARN_MAX)
		log_warn("targets", "%s: %zu more malformed lines skipped (%zu in all)",
		    name, skipped - TARGETS_WARN_MAX, skipped);
	return 0;
}

/* Open path ("-" for standard input) and read its targets into out. */
int
tp_targets_read_file(const char *path, int flags, struct tp_target_list *out,
    struct tp_err *err)
{
	FILE *f;
	int rc;

	if (strcmp(path, "-") == 0)
		return tp_targets_read(stdin, path, flags, out, err);
	if ((f = fopen(path, "r")) == NULL)
		return tp_err_set(err, "%s: cannot open target list: %s", path,
		    strerror(errno));
	rc = tp_targets_read(f, path, flags, out, err);
	fclose(f);
	return rc;
}

/* Free the targets and zero the list. */
void
tp_target_list_free(struct tp_target_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}
