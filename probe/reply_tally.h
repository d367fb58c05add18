/*
 * reply_tally.h: judge captured frames for one round at one site: decode,
 * check the destination is a test range, verify the cookie, drop repeats,
 * and count each outcome.
 */
#ifndef TP_REPLY_TALLY_H
#define TP_REPLY_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "addr_set.h"
#include "keyfile.h"
#include "probe_method.h"
#include "reply_decode.h"

/* Most methods one listener accepts at once. */
#define TALLY_METHODS_MAX 8

enum tally_result {
	TALLY_ACCEPTED,		/* ours, first from this target: record it */
	TALLY_REJECTED,		/* a reply of our methods to a test range that is not ours */
	TALLY_DUPLICATE,	/* ours, but this target already answered this method and flow */
	TALLY_IGNORED,		/* not a reply of our methods to a test range (or malformed) */
};

struct reply_tally {
	const struct tp_key *key;
	uint32_t round;
	const struct tp_prefix *ranges;	/* test ranges our replies go to */
	size_t nranges;
	const struct probe_method *methods;	/* whose replies count; ICMP alone by default */
	size_t nmethods;
	/* Targets heard from, one set per method and flow, made when first needed. */
	struct addr_set *seen[TALLY_METHODS_MAX][TP_FLOWS_MAX];
	uint64_t accepted, rejected, duplicates, ignored;
	uint64_t with_rtt;		/* accepted with an intact payload */
};

/* An accepted reply, as it is recorded. */
struct tally_reply {
	struct tp_addr addr;
	struct tp_addr local;	/* the test address the reply was sent to */
	int64_t rtt_us;		/* -1 unless the payload came back intact */
	int ttl;
	int64_t received_us;
	const struct probe_method *method;	/* whose reply it is */
	unsigned flow;				/* the probe's flow, 0 .. TP_FLOWS_MAX - 1 */
};

/* Start a tally for round with key, accepting ICMP echo replies to ranges. */
void reply_tally_init(struct reply_tally *t, const struct tp_key *key, uint32_t round,
    const struct tp_prefix *ranges, size_t nranges);
/* Accept the replies of these n methods (at most TALLY_METHODS_MAX; kept by pointer). */
void reply_tally_set_methods(struct reply_tally *t, const struct probe_method *m, size_t n);
/* Judge one frame of link type dlt captured at received_us; fill *out when accepted. */
enum tally_result reply_tally_frame(struct reply_tally *t, int dlt, const uint8_t *frame,
    size_t caplen, int64_t received_us, struct tally_reply *out);
/*
 * Judge a decoded reply whose destination is known to be a test range:
 * cookie for t's round, then the seen-set; fill *out when accepted.
 */
enum tally_result reply_tally_judge(struct reply_tally *t, const struct reply_info *r,
    int64_t received_us, struct tally_reply *out);
/* 1 when r carries the cookie of t's round for one of t's methods (counts nothing). */
int reply_tally_owns(const struct reply_tally *t, const struct reply_info *r);
/* 1 when a lies inside one of the prefixes. */
int reply_tally_in(const struct tp_prefix *ranges, size_t n, const struct tp_addr *a);
void reply_tally_free(struct reply_tally *t);

#endif
