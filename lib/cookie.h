/*
 * cookie.h: the keyed hash that marks our probes, so replies are checked
 * without state (see DESIGN.md, "Probes and their validation").
 *
 * ICMP id and seq carry 32 bits of a keyed hash over (round, destination)
 * and, for flows other than 0, the flow.
 * The payload carries TP_PAYLOAD_LEN bytes: magic "TPv1", round (32 bits,
 * network order), send time in microseconds since the epoch (64 bits,
 * network order), and a 64-bit keyed MAC over (round, destination, send time).
 */
#ifndef TP_COOKIE_H
#define TP_COOKIE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "keyfile.h"

#define TP_PAYLOAD_LEN 24
/* Most flows (probes per target, each varying the flow) a round may use. */
#define TP_FLOWS_MAX 16
#define TP_PAYLOAD_MAGIC "TPv1"

enum tp_verdict {
	TP_REPLY_FORGED = 0,	/* id/seq do not match: not ours, or tampered */
	TP_REPLY_IDSEQ = 1,	/* id/seq match; payload missing, cut or altered: no RTT */
	TP_REPLY_FULL = 2,	/* id/seq and payload MAC match: RTT is trustworthy */
};

/* The id and seq to put in a probe to dst in round. */
void cookie_idseq(const struct tp_key *key, uint32_t round, const struct tp_addr *dst,
    uint16_t *id, uint16_t *seq);
/* The id and seq of flow flow's probe (0 .. TP_FLOWS_MAX - 1) to dst in round. */
void cookie_idseq_flow(const struct tp_key *key, uint32_t round, const struct tp_addr *dst,
    unsigned flow, uint16_t *id, uint16_t *seq);
/*
 * A TCP probe's cookie: 64 bits of the keyed hash over (round, dst, port,
 * flow), as the SYN-ACK's sequence and acknowledgment numbers.
 */
void cookie_tcp(const struct tp_key *key, uint32_t round, const struct tp_addr *dst,
    uint16_t port, unsigned flow, uint32_t *seq, uint32_t *ack);
/* Fill out[TP_PAYLOAD_LEN] for a probe to dst sent at send_us. */
void cookie_payload(const struct tp_key *key, uint32_t round, const struct tp_addr *dst,
    uint64_t send_us, uint8_t out[TP_PAYLOAD_LEN]);
/*
 * The round a reply's payload names (len bytes, may be 0): 1 with *round
 * set when it starts with the magic, else 0. Not verified: cookie_verify
 * with that round says whether it is ours.
 */
int cookie_payload_round(const uint8_t *payload, size_t len, uint32_t *round);
/*
 * Check a reply from src (the probe's destination) for round: its id, seq
 * and payload (len bytes, may be 0). On TP_REPLY_FULL *send_us is the
 * probe's send time.
 */
enum tp_verdict cookie_verify(const struct tp_key *key, uint32_t round,
    const struct tp_addr *src, uint16_t id, uint16_t seq,
    const uint8_t *payload, size_t len, uint64_t *send_us);
/*
 * cookie_verify for a reply to any of flows 0 .. nflows - 1 (at most
 * TP_FLOWS_MAX); unless forged, *flow (when not NULL) is the flow.
 */
enum tp_verdict cookie_verify_flows(const struct tp_key *key, uint32_t round,
    const struct tp_addr *src, uint16_t id, uint16_t seq,
    const uint8_t *payload, size_t len, unsigned nflows, uint64_t *send_us, unsigned *flow);

#endif
