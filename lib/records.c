/* records.c: write and parse the listener's record stream (format in records.h). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "records.h"

#define RECORD_MAX_FIELDS 8

/* Write "tp-records 1". */
void
tp_records_write_header(FILE *f)
{
	fprintf(f, "tp-records %d\n", TP_RECORDS_VERSION);
}

/* Write one accepted reply. */
void
tp_records_write_reply(FILE *f, uint32_t round, const char *site, const struct tp_addr *a,
    int64_t rtt_us, int ttl, int64_t received_us)
{
	char addr[TP_ADDR_STRLEN];

	tp_addr_format(a, addr, sizeof(addr));
	if (rtt_us < 0)
		fprintf(f, "reply %" PRIu32 " %s %s - %d %" PRId64 "\n", round, site, addr, ttl,
		    received_us);
	else
		fprintf(f, "reply %" PRIu32 " %s %s %" PRId64 " %d %" PRId64 "\n", round, site, addr,
		    rtt_us, ttl, received_us);
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

/* Parse a reply line's fields (already split). */
static int
parse_reply(char **f, int n, struct tp_record *r, struct tp_err *err)
{
	int64_t v;

	if (n != 7)
		return tp_err_set(err, "reply line has %d fields, want 7", n);
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
		if (v != TP_RECORDS_VERSION)
			return tp_err_set(err, "record stream version %" PRId64
			    " is not supported (this program reads version %d)", v, TP_RECORDS_VERSION);
		r->kind = TP_REC_HEADER;
		r->version = (int)v;
		return 0;
	}
	return tp_err_set(err, "unknown record \"%.32s\"", f[0]);
}
