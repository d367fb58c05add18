/* records.c: write and parse the listener's record stream (format in records.h). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "records.h"

#define RECORD_MAX_FIELDS 11
/* Fields of a reply line in version 1 and in version 2. */
#define REPLY_FIELDS_V1 7
#define REPLY_FIELDS 10

/* Write "tp-records VERSION". */
void
tp_records_write_header(FILE *f)
{
	fprintf(f, "tp-records %d\n", TP_RECORDS_VERSION);
}

/* Write one accepted reply. */
void
tp_records_write_reply(FILE *f, const struct tp_record *r)
{
	char addr[TP_ADDR_STRLEN], local[TP_ADDR_STRLEN], rtt[24];

	tp_addr_format(&r->addr, addr, sizeof(addr));
	if (r->local.family == 0)
		strcpy(local, "-");
	else
		tp_addr_format(&r->local, local, sizeof(local));
	if (r->rtt_us < 0)
		strcpy(rtt, "-");
	else
		snprintf(rtt, sizeof(rtt), "%" PRId64, r->rtt_us);
	fprintf(f, "reply %" PRIu32 " %s %s %s %d %" PRId64 " %s %s %u\n", r->round, r->site,
	    addr, rtt, r->ttl, r->received_us, local, r->method[0] ? r->method : "icmp",
	    r->flow);
}

/* Write the closing counts of a listener's round. */
void
tp_records_write_end(FILE *f, uint32_t round, const char *site, uint64_t accepted,
    uint64_t rejected, uint64_t duplicates, uint64_t drops)
{
	fprintf(f, "end %" PRIu32 " %s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", round,
	    site, accepted, rejected, duplicates, drops);
}

/* Split line at single spaces into at most max fields; -1 on empty fields or too many. */
static int
split_fields(char *line, char **fields, int max)
{
	int n = 0;
	char *p = line;

	for (;;) {
		char *sp = strchr(p, ' ');

		if (n == max || *p == '\0' || *p == ' ')
			return -1;
		fields[n++] = p;
		if (sp == NULL)
			return n;
		*sp = '\0';
		p = sp + 1;
	}
}

/* A decimal integer in [min, max], the whole field. */
static int
parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (*s == '\0' || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* An unsigned 64-bit count, the whole field. */
static int
parse_count(const char *s, uint64_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

/* Fill the round and site fields shared by reply and end lines. */
static int
parse_round_site(char **f, struct tp_record *r, struct tp_err *err)
{
	int64_t v;

	if (parse_int(f[1], 0, UINT32_MAX, &v) < 0)
		return tp_err_set(err, "bad round \"%s\"", f[1]);
	r->round = (uint32_t)v;
	if (!tp_name_valid(f[2]))
		return tp_err_set(err, "bad site name \"%s\"", f[2]);
	strcpy(r->site, f[2]);
	return 0;
}

/* 1 when s names a probe method (see records.h). */
int
tp_method_valid(const char *s)
{
	int64_t port;

	if (strcmp(s, "icmp") == 0)
		return 1;
	return strncmp(s, "tcp:", 4) == 0 && parse_int(s + 4, 1, 65535, &port) == 0 &&
	    s[4] != '-' && s[4] != '0';
}

/* Parse the LOCAL METHOD FLOW fields of a version 2 reply line. */
static int
parse_reply_v2(char **f, struct tp_record *r, struct tp_err *err)
{
	int64_t v;

	if (strcmp(f[7], "-") != 0 && tp_addr_parse(f[7], &r->local, err) < 0)
		return tp_err_prefix(err, "bad local address");
	if (strlen(f[8]) >= sizeof(r->method) || !tp_method_valid(f[8]))
		return tp_err_set(err, "bad method \"%.32s\"", f[8]);
	strcpy(r->method, f[8]);
	if (parse_int(f[9], 0, TP_FLOW_MAX, &v) < 0)
		return tp_err_set(err, "bad flow \"%.32s\"", f[9]);
	r->flow = (unsigned)v;
	return 0;
}

/* Parse a reply line's fields (already split): version 2, or version 1 without the last three. */
static int
parse_reply(char **f, int n, struct tp_record *r, struct tp_err *err)
{
	int64_t v;

	if (n != REPLY_FIELDS && n != REPLY_FIELDS_V1)
		return tp_err_set(err, "reply line has %d fields, want %d", n, REPLY_FIELDS);
	if (parse_round_site(f, r, err) < 0)
		return -1;
	if (tp_addr_parse(f[3], &r->addr, err) < 0)
		return tp_err_prefix(err, "bad address");
	if (strcmp(f[4], "-") == 0)
		r->rtt_us = -1;
	else if (parse_int(f[4], 0, INT64_MAX, &r->rtt_us) < 0)
		return tp_err_set(err, "bad RTT \"%s\"", f[4]);
	if (parse_int(f[5], 0, 255, &v) < 0)
		return tp_err_set(err, "bad TTL \"%s\"", f[5]);
	r->ttl = (int)v;
	if (parse_int(f[6], 0, INT64_MAX, &r->received_us) < 0)
		return tp_err_set(err, "bad receive time \"%s\"", f[6]);
	strcpy(r->method, "icmp");
	if (n == REPLY_FIELDS && parse_reply_v2(f, r, err) < 0)
		return -1;
	r->kind = TP_REC_REPLY;
	return 0;
}

/* Parse an end line's fields (already split). */
static int
parse_end(char **f, int n, struct tp_record *r, struct tp_err *err)
{
	uint64_t *counts[] = { &r->accepted, &r->rejected, &r->duplicates, &r->drops };
	size_t i;

	if (n != 7)
		return tp_err_set(err, "end line has %d fields, want 7", n);
	if (parse_round_site(f, r, err) < 0)
		return -1;
	for (i = 0; i < 4; i++)
		if (parse_count(f[3 + i], counts[i]) < 0)
			return tp_err_set(err, "bad count \"%s\"", f[3 + i]);
	r->kind = TP_REC_END;
	return 0;
}

/* Read one bounded line of a stream (see records.h). */
int
tp_record_line_read(FILE *f, char *buf, struct tp_err *err)
{
	size_t n = 0;
	int c, nul = 0;

	while ((c = getc_unlocked(f)) != EOF && c != '\n') {
		if (c == '\0')
			nul = 1;
		if (n == TP_RECORD_LINE_MAX) {
			buf[n] = '\0';
			return tp_err_set(err, "line longer than %d bytes", TP_RECORD_LINE_MAX);
		}
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	if (c == EOF && n == 0)
		return 0;
	if (nul)
		return tp_err_set(err, "NUL byte in line");
	return 1;
}

/* Parse one line of a record stream. */
int
tp_record_parse(const char *line, struct tp_record *r, struct tp_err *err)
{
	char buf[TP_RECORD_LINE_MAX + 1], *f[RECORD_MAX_FIELDS];
	size_t len = strlen(line);
	int n;

	memset(r, 0, sizeof(*r));
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0 || line[0] == '#') {
		r->kind = TP_REC_SKIP;
		return 0;
	}
	if (len >= sizeof(buf))
		return tp_err_set(err, "line too long (%zu bytes)", len);
	memcpy(buf, line, len);
	buf[len] = '\0';
	if ((n = split_fields(buf, f, RECORD_MAX_FIELDS)) < 0)
		return tp_err_set(err, "malformed line (fields must be separated by one space)");
	if (strcmp(f[0], "reply") == 0)
		return parse_reply(f, n, r, err);
	if (strcmp(f[0], "end") == 0)
		return parse_end(f, n, r, err);
	if (strcmp(f[0], "tp-records") == 0) {
		int64_t v;

		if (n != 2 || parse_int(f[1], 0, INT32_MAX, &v) < 0)
			return tp_err_set(err, "malformed header");
		if (v < TP_RECORDS_VERSION_MIN || v > TP_RECORDS_VERSION)
			return tp_err_set(err, "record stream version %" PRId64 " is not supported "
			    "(this program reads versions %d to %d)", v, TP_RECORDS_VERSION_MIN,
			    TP_RECORDS_VERSION);
		r->kind = TP_REC_HEADER;
		r->version = (int)v;
		return 0;
	}
	return tp_err_set(err, "unknown record \"%.32s\"", f[0]);
}
