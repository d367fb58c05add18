/*
 * icmp_packet.h: ICMP echo packets (IPv4 and IPv6, IP header included),
 * built once with libnet as a template (probe_packet.h). Per packet only
 * the remote address, id, seq, payload and the checksums are rewritten.
 * An echo request goes local -> remote; an echo reply (used by tests and
 * the forging helper) goes remote -> local.
 */
#ifndef TP_ICMP_PACKET_H
#define TP_ICMP_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "cookie.h"
#include "error.h"
#include "probe_packet.h"

enum icmp_packet_kind {
	ICMP_PACKET_REQUEST = PROBE_OUT,	/* echo request from local to remote */
	ICMP_PACKET_REPLY = PROBE_IN,		/* echo reply from remote to local */
};

/*
 * Build the template for local's family with libnet: kind, hop limit ttl,
 * TP_PAYLOAD_LEN bytes of payload. -1 with a reason when libnet fails.
 */
int icmp_packet_init(struct probe_packet *p, enum icmp_packet_kind kind,
    const struct tp_addr *local, uint8_t ttl, struct tp_err *err);
/*
 * Make the packet for remote (same family as the template): write the
 * address, id, seq and payload, then the checksums.
 */
void icmp_packet_fill(struct probe_packet *p, const struct tp_addr *remote, uint16_t id,
    uint16_t seq, const uint8_t payload[TP_PAYLOAD_LEN]);

#endif
