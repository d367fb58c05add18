/*
 * records.h: the listener's record stream, which tp-probe listen writes and
 * tp-analyze import reads (documented in tp-probe(8)). Lines of
 * space-separated fields:
 *
 *   tp-records 2
 *   reply ROUND SITE ADDR RTT_US TTL RECEIVED_US LOCAL METHOD FLOW
 *   end ROUND SITE ACCEPTED REJECTED DUPLICATES PCAP_DROPS
 *
 * RTT_US is "-" when the payload did not come back intact. LOCAL is the
 * test address the reply was sent to (the probe's source), METHOD the
 * probe method ("icmp" or "tcp:PORT"), FLOW which flow variant of the
 * probe (0 to probes_per_target - 1) was answered. Version 1 streams
 * (reply lines without the last three fields) are still read: LOCAL is
 * then unknown ("-"), METHOD icmp and FLOW 0. A stream without its "end"
 * line was cut short. Lines starting with '#' are comments.
 */
#ifndef TP_RECORDS_H
#define TP_RECORDS_H

#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "error.h"

#define TP_RECORDS_VERSION 2
/* The oldest version still read. */
#define TP_RECORDS_VERSION_MIN 1
/* Room for a method name with its NUL ("tcp:65535"). */
#define TP_METHOD_MAX 16
/* The highest flow index a record may carry. */
#define TP_FLOW_MAX 255
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
	struct tp_addr local;	/* the test address replied to; family 0 = unknown */
	char method[TP_METHOD_MAX];	/* "icmp" or "tcp:PORT" */
	unsigned flow;		/* flow variant of the probe, 0..TP_FLOW_MAX */
	uint64_t accepted, rejected, duplicates, drops;	/* TP_REC_END */
};

/* Write the header line. */
void tp_records_write_header(FILE *f);
/* Write one accepted reply (r->kind TP_REC_REPLY; an empty method is "icmp"). */
void tp_records_write_reply(FILE *f, const struct tp_record *r);
void tp_records_write_end(FILE *f, uint32_t round, const char *site, uint64_t accepted,
    uint64_t rejected, uint64_t duplicates, uint64_t drops);
/*
 * Read one line of a stream into buf (TP_RECORD_LINE_MAX + 1 bytes), without
 * its newline: 1 a line, 0 the end of the stream, -1 with a reason for a
 * line longer than TP_RECORD_LINE_MAX (comments too: memory stays bounded
 * whatever a stream holds) or holding a NUL byte.
 */
int tp_record_line_read(FILE *f, char *buf, struct tp_err *err);
/* 1 when s names a probe method: "icmp" or "tcp:PORT" with PORT 1 to 65535. */
int tp_method_valid(const char *s);
/* Parse one line (without its newline); -1 with a reason when malformed. */
int tp_record_parse(const char *line, struct tp_record *r, struct tp_err *err);

#endif
