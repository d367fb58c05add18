/*
 * log_formats.c: the client address (and time, and weight) of one log
 * line. The Common Log Format is read field by field so that a line that
 * merely starts with an address (a stray message, a cut line) is not
 * counted; fields after the last one a format needs are allowed, since
 * nginx and Apache users often append their own.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "log_formats.h"
#include "log_time.h"

/* Longest address field accepted (an IPv6 address with an IPv4 tail is 45). */
#define LOG_ADDR_MAX 64

static const char *const format_names[] = { "plain", "combined", "common", "json", "csv" };

/* The format called name. */
int
log_format_parse(const char *name, enum log_format *out, struct tp_err *err)
{
	size_t i;

	for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (strcmp(name, format_names[i]) == 0) {
			*out = (enum log_format)i;
			return 0;
		}
	return tp_err_set(err, "--format \"%.40s\": want plain, combined, common, json or csv",
	    name);
}

/* The name of a format. */
const char *
log_format_name(enum log_format f)
{
	return format_names[f];
}

/* A short phrase for a reason. */
const char *
log_bad_name(enum log_bad why)
{
	static const char *const names[] = { "not an address", "not a line of this format",
	    "bad timestamp", "not a JSON object", "no address field", "bad weight",
	    "NUL byte", "no timestamp field" };

	return why < LOG_BAD_COUNT ? names[why] : "?";
}

/*
 * The common case of parse_addr_field, without a copy: a dotted quad of
 * one to three digits a part, no leading zeros, as tp_addr_parse reads
 * it. -1 for anything else, which tp_addr_parse then decides on.
 */
static int
parse_ipv4_quick(const char *s, size_t len, struct tp_addr *a)
{
	const char *end = s + len, *start;
	uint8_t out[4];
	unsigned v;
	int i;

	for (i = 0; i < 4; i++) {
		if (i > 0 && (s >= end || *s++ != '.'))
			return -1;
		for (start = s, v = 0; s < end && s - start < 3 && *s >= '0' && *s <= '9'; s++)
			v = v * 10 + (unsigned)(*s - '0');
		if (s == start || v > 255 || (s - start > 1 && *start == '0'))
			return -1;
		out[i] = (uint8_t)v;
	}
	if (s != end)
		return -1;
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	memcpy(a->bytes, out, 4);
	return 0;
}

/* Parse len bytes at s as an address (copied, so s need not end there). */
static int
parse_addr_field(const char *s, size_t len, struct tp_addr *a)
{
	char buf[LOG_ADDR_MAX];

	if (parse_ipv4_quick(s, len, a) == 0)
		return 0;
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return tp_addr_parse(buf, a, NULL);
}

/* The end of a space-free field at p (the first ' ' or end). */
static const char *
field_end(const char *p, const char *end)
{
	const char *q = memchr(p, ' ', (size_t)(end - p));

	return q != NULL ? q : end;
}

/*
 * Past a "quoted" field at p (backslash escapes inside), or NULL. Quotes
 * are found with memchr; one after an odd run of backslashes is escaped.
 */
static const char *
skip_quoted(const char *p, const char *end)
{
	const char *q, *b;

	if (p >= end || *p != '"')
		return NULL;
	for (p++; (q = memchr(p, '"', (size_t)(end - p))) != NULL; p = q + 1) {
		for (b = q; b > p && b[-1] == '\\'; b--)
			;
		if ((q - b) % 2 == 0)
			return q + 1;
	}
	return NULL;
}

/* Past a run of digits (or a lone '-' when dash_ok) ending at a space or the end, or NULL. */
static const char *
skip_number(const char *p, const char *end, int dash_ok)
{
	const char *start = p;

	if (dash_ok && p < end && *p == '-')
		p++;
	else
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	if (p == start || (p < end && *p != ' '))
		return NULL;
	return p;
}

/*
 * HOST IDENT USER [TIME] "REQUEST" STATUS BYTES, and for combined
 * "REFERER" "USER-AGENT"; anything may follow.
 */
static enum log_line
parse_clf(const struct log_format_opts *o, const char *line, size_t len,
    struct tp_addr *addr, enum log_bad *why)
{
	const char *end = line + len, *host_end, *p, *t;
	int64_t when;
	int i;

	host_end = field_end(line, end);
	for (p = host_end, i = 0; i < 2; i++) {	/* ident, user */
		if (p >= end || *p != ' ')
			goto shape;
		p = field_end(p + 1, end);
	}
	if (end - p < 29 || p[1] != '[' || p[28] != ']')
		goto shape;
	t = p + 2;
	p += 29;
	if (p >= end || *p++ != ' ' || (p = skip_quoted(p, end)) == NULL ||
	    p >= end || *p++ != ' ' || (p = skip_number(p, end, 0)) == NULL ||
	    p >= end || *p++ != ' ' || (p = skip_number(p, end, 1)) == NULL)
		goto shape;
	if (o->format == LOG_COMBINED)
		for (i = 0; i < 2; i++)
			if (p >= end || *p++ != ' ' || (p = skip_quoted(p, end)) == NULL)
				goto shape;
	if (log_time_parse_clf(t, 26, &when) < 0) {	/* checked with or without --since */
		*why = LOG_BAD_TIME;
		return LOG_LINE_BAD;
	}
	if (o->since != 0 && when < o->since)
		return LOG_LINE_SKIP;
	if (parse_addr_field(line, (size_t)(host_end - line), addr) < 0) {
		*why = LOG_BAD_ADDRESS;
		return LOG_LINE_BAD;
	}
	return LOG_LINE_REQUEST;
shape:
	*why = LOG_BAD_SHAPE;
	return LOG_LINE_BAD;
}

/* The member name of o, or, for "a.b", o's member a's member b. */
static json_t *
json_field(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);
	const char *dot;
	char part[128];

	while (v == NULL && json_is_object(o) && (dot = strchr(name, '.')) != NULL) {
		if ((size_t)(dot - name) >= sizeof(part))
			return NULL;
		memcpy(part, name, (size_t)(dot - name));
		part[dot - name] = '\0';
		o = json_object_get(o, part);
		name = dot + 1;
		v = json_object_get(o, name);
	}
	return v;
}

/* The first entry of an address list "A, B, C" (X-Forwarded-For), trimmed. */
static int
parse_first_addr(const char *s, size_t len, struct tp_addr *a)
{
	const char *end = s + len, *p;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	for (p = s; p < end && *p != ',' && *p != ' ' && *p != '\t'; p++)
		;
	return parse_addr_field(s, (size_t)(p - s), a);
}

/* A weight from a JSON number or numeric string: finite and >= 0. */
static int
json_weight(json_t *v, double *w)
{
	char *end;

	if (json_is_number(v))
		*w = json_number_value(v);
	else if (json_is_string(v)) {
		*w = strtod(json_string_value(v), &end);
		if (end == json_string_value(v) || *end != '\0')
			return -1;
	} else
		return -1;
	if (!isfinite(*w) || *w < 0)
		return -1;
	if (*w == 0)
		*w = 0;	/* no -0 */
	return 0;
}

/* The time of a JSON line: o->time_field, or the first of LOG_TIME_FIELDS it has. */
static enum log_line
json_time(const struct log_format_opts *o, json_t *root, int64_t *when, enum log_bad *why)
{
	static const char *const defaults[] = { LOG_TIME_FIELDS };
	json_t *v = NULL;
	size_t i;

	if (o->time_field != NULL)
		v = json_field(root, o->time_field);
	for (i = 0; v == NULL && o->time_field == NULL && i < sizeof(defaults) /
	    sizeof(defaults[0]); i++)
		v = json_object_get(root, defaults[i]);
	if (v == NULL) {
		*why = LOG_BAD_NO_TIME;
		return LOG_LINE_BAD;
	}
	if (json_is_number(v) && isfinite(json_number_value(v)) && json_number_value(v) >= 0 &&
	    json_number_value(v) < 1e15)
		*when = (int64_t)json_number_value(v);
	else if (!json_is_string(v) ||
	    log_time_parse_value(json_string_value(v), json_string_length(v), when) < 0) {
		*why = LOG_BAD_TIME;
		return LOG_LINE_BAD;
	}
	return LOG_LINE_REQUEST;
}

/* {"remote_addr": "192.0.2.1", ...}: the address (and weight, and time) fields. */
static enum log_line
parse_json(const struct log_format_opts *o, const char *line, size_t len,
    struct tp_addr *addr, double *weight, enum log_bad *why)
{
	json_t *root, *v;
	enum log_line rc = LOG_LINE_BAD;
	int64_t when;

	root = json_loadb(line, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (!json_is_object(root))
		*why = LOG_BAD_JSON;
	else if ((v = json_field(root, o->field)) == NULL || !json_is_string(v))
		*why = LOG_BAD_FIELD;
	else if (parse_first_addr(json_string_value(v), json_string_length(v), addr) < 0)
		*why = LOG_BAD_ADDRESS;
	else if (o->weight_field != NULL &&
	    ((v = json_field(root, o->weight_field)) == NULL || json_weight(v, weight) < 0))
		*why = LOG_BAD_WEIGHT;
	else if (o->since == 0 || (rc = json_time(o, root, &when, why)) == LOG_LINE_REQUEST)
		rc = o->since != 0 && when < o->since ? LOG_LINE_SKIP : LOG_LINE_REQUEST;
	json_decref(root);
	return rc;
}

/*
 * Column col (from 1) of a CSV line ("quoted, with "" inside" fields
 * allowed) into buf, unquoted and trimmed of blanks; its length, or -1
 * when the line has fewer columns.
 */
static int
csv_column(const char *line, size_t len, unsigned col, char *buf, size_t cap)
{
	const char *p = line, *end = line + len;
	size_t n = 0;
	unsigned at = 1;

	while (at < col) {	/* skip to the wanted column */
		int quoted = 0;

		for (; p < end && (quoted || *p != ','); p++)
			if (*p == '"')
				quoted = !quoted;
		if (p == end)
			return -1;
		p++;
		at++;
	}
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && *p == '"') {
		for (p++; p < end && n < cap - 1; p++) {
			if (*p == '"' && (p + 1 == end || p[1] != '"'))
				break;
			buf[n++] = *p;
			if (*p == '"')
				p++;
		}
	} else
		for (; p < end && *p != ',' && n < cap - 1; p++)
			buf[n++] = *p;
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\r'))
		n--;
	return (int)n;
}

/* Column o->column of a CSV line, and with since, column o->time_column's time. */
static enum log_line
parse_csv(const struct log_format_opts *o, const char *line, size_t len,
    struct tp_addr *addr, enum log_bad *why)
{
	char buf[LOG_ADDR_MAX];
	int n = csv_column(line, len, o->column, buf, sizeof(buf));
	int64_t when;

	if (n < 0) {
		*why = LOG_BAD_FIELD;
		return LOG_LINE_BAD;
	}
	if (parse_first_addr(buf, (size_t)n, addr) < 0) {
		*why = LOG_BAD_ADDRESS;
		return LOG_LINE_BAD;
	}
	if (o->since == 0)
		return LOG_LINE_REQUEST;
	if ((n = csv_column(line, len, o->time_column, buf, sizeof(buf))) < 0) {
		*why = LOG_BAD_NO_TIME;
		return LOG_LINE_BAD;
	}
	if (log_time_parse_value(buf, (size_t)n, &when) < 0) {
		*why = LOG_BAD_TIME;
		return LOG_LINE_BAD;
	}
	return when < o->since ? LOG_LINE_SKIP : LOG_LINE_REQUEST;
}

/* One line of the format: a request, a line to skip, or a bad line with a reason. */
enum log_line
log_parse_line(const struct log_format_opts *o, char *line, size_t len,
    struct tp_addr *addr, double *weight, enum log_bad *why)
{
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len == 0)
		return LOG_LINE_SKIP;
	if (memchr(line, '\0', len) != NULL) {
		*why = LOG_BAD_NUL;
		return LOG_LINE_BAD;
	}
	*weight = 1;
	switch (o->format) {
	case LOG_COMBINED:
	case LOG_COMMON:
		return parse_clf(o, line, len, addr, why);
	case LOG_JSON:
		return parse_json(o, line, len, addr, weight, why);
	case LOG_CSV:
		return parse_csv(o, line, len, addr, why);
	case LOG_PLAIN:
		break;
	}
	abort();	/* plain lists are read by tp_targets_read */
}
