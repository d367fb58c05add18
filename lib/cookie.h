/*
 * cookie.h: the keyed hash that marks our probes, so replies are checked
 * without state (see DESIGN.md, "Probes and their validation").
 *
 * ICMP id and seq carry 32 bits of a keyed hash over (round, destination).
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
#define TP_PAYLOAD_MAGIC "TPv1"

enum tp_verdict {
	TP_REPLY_FORGED = 0,	/* id/seq do not match: not ours, or tampered */
	TP_REPLY_IDSEQ = 1,	/* id/seq match; payload missing, cut or altered: no RTT */
	TP_REPLY_FULL = 2,	/* id/seq and payload MAC match: RTT is trustworthy */
};

/* The id and seq to put in a probe to dst in round. */
void cookie_idseq(const struct tp_key *key, uint32_t round, const struct tp_addr *dst,
    uint16_t *id, uint16_t *seq);
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

#endif
