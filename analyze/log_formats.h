/*
 * log_formats.h: one request from one line of a web or DNS server's log.
 * Each format knows where the client address is (and the time, for
 * --since); every line counts as one request, unless a JSON
 * weight field says how many. Lines that do not fit are bad, with a
 * reason from a small fixed set so they can be counted by reason.
 */
#ifndef TP_LOG_FORMATS_H
#define TP_LOG_FORMATS_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "error.h"

enum log_format {
	LOG_PLAIN,		/* today's target list: ADDR [WEIGHT] or ADDR,SITE,WEIGHT */
	LOG_COMBINED,		/* Apache/nginx combined */
	LOG_COMMON,		/* Common Log Format */
	LOG_JSON,		/* one JSON object a line */
	LOG_CSV,		/* comma-separated, the address in a column */
};

/* Why a line was not counted. */
enum log_bad {
	LOG_BAD_ADDRESS,	/* the address field is not an IPv4 or IPv6 address */
	LOG_BAD_SHAPE,		/* not a line of this format */
	LOG_BAD_TIME,		/* the timestamp cannot be read */
	LOG_BAD_JSON,		/* not a JSON object */
	LOG_BAD_FIELD,		/* the address field (or column) is missing */
	LOG_BAD_WEIGHT,		/* the weight field is missing or not a finite number >= 0 */
	LOG_BAD_NUL,		/* a NUL byte in the line */
	LOG_BAD_NO_TIME,	/* --since, but the time field (or column) is missing */
	LOG_BAD_COUNT
};

struct log_format_opts {
	enum log_format format;
	const char *field;	/* JSON: the address field; default remote_addr */
	const char *weight_field;	/* JSON: the weight field; NULL = 1 a line */
	unsigned column;	/* CSV: the address column, from 1 */
	int64_t since;		/* keep lines at or after this time (seconds); 0 = all */
	const char *time_field;	/* JSON with since: the time field; NULL = the first of
				   LOG_TIME_FIELDS that the line has */
	unsigned time_column;	/* CSV with since: the time column, from 1 */
};

/* The time fields a JSON line is searched for, in order, without --time-field. */
#define LOG_TIME_FIELDS "time", "timestamp", "@timestamp"

/* What a line gave. */
enum log_line {
	LOG_LINE_REQUEST,	/* addr and weight are set */
	LOG_LINE_SKIP,		/* blank, or older than since */
	LOG_LINE_BAD,		/* why is set */
};

/* The format called name; -1 with the list of names. */
int log_format_parse(const char *name, enum log_format *out, struct tp_err *err);
/* The name of a format. */
const char *log_format_name(enum log_format f);
/* A short phrase for a reason ("not an address"). */
const char *log_bad_name(enum log_bad why);
/*
 * Read one line (len bytes, newline cut, may be changed in place). The
 * address comes out in *addr and the request's weight in *weight.
 */
enum log_line log_parse_line(const struct log_format_opts *o, char *line, size_t len,
    struct tp_addr *addr, double *weight, enum log_bad *why);

#endif
