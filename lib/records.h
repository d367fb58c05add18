/*
 * records.h: the listener's record stream, which tp-probe listen writes and
 * tp-analyze import reads (documented in tp-probe(8)). Lines of
 * space-separated fields:
 *
 *   tp-records 1
 *   reply ROUND SITE ADDR RTT_US TTL RECEIVED_US
 *   end ROUND SITE ACCEPTED REJECTED DUPLICATES PCAP_DROPS
 *
 * RTT_US is "-" when the payload did not come back intact. A stream without
 * its "end" line was cut short. Lines starting with '#' are comments.
 */
#ifndef TP_RECORDS_H
#define TP_RECORDS_H

#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "error.h"

#define TP_RECORDS_VERSION 1
/* The longest line of a stream, comments included, without its newline. */
#define TP_RECORD_LINE_MAX 511

enum tp_record_kind {
	TP_REC_HEADER,
	TP_REC_REPLY,
	TP_REC_END,
	TP_REC_SKIP,		/* blank or comment */
};

struct tp_record {
	enum tp_record_kind kind;
	int version;		/* TP_REC_HEADER */
	uint32_t round;
	char site[64];
	struct tp_addr addr;	/* TP_REC_REPLY */
	int64_t rtt_us;		/* -1 when unknown */
	int ttl;
	int64_t received_us;
	uint64_t accepted, rejected, duplicates, drops;	/* TP_REC_END */
};

/* Write the header line. */
void tp_records_write_header(FILE *f);
void tp_records_write_reply(FILE *f, uint32_t round, const char *site,
    const struct tp_addr *a, int64_t rtt_us, int ttl, int64_t received_us);
void tp_records_write_end(FILE *f, uint32_t round, const char *site, uint64_t accepted,
    uint64_t rejected, uint64_t duplicates, uint64_t drops);
/*
 * Read one line of a stream into buf (TP_RECORD_LINE_MAX + 1 bytes), without
 * its newline: 1 a line, 0 the end of the stream, -1 with a reason for a
 * line longer than TP_RECORD_LINE_MAX (comments too: memory stays bounded
 * whatever a stream holds) or holding a NUL byte.
 */
int tp_record_line_read(FILE *f, char *buf, struct tp_err *err);
/* Parse one line (without its newline); -1 with a reason when malformed. */
int tp_record_parse(const char *line, struct tp_record *r, struct tp_err *err);

#endif
