/*
 * icmp_packet.h: ICMP echo packets (IPv4 and IPv6, IP header included),
 * built once with libnet as a template. Per packet only the remote address,
 * id, seq, payload and the checksums are rewritten.
 *
 * A template has a fixed local address (the anycast source of our probes)
 * and a changing remote one. An echo request goes local -> remote; an echo
 * reply (used by tests and the forging helper) goes remote -> local.
 */
#ifndef TP_ICMP_PACKET_H
#define TP_ICMP_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "cookie.h"
#include "error.h"

/* IPv6 header (40) + ICMP echo header (8) + payload, with room to spare. */
#define ICMP_PACKET_MAX 96

enum icmp_packet_kind {
	ICMP_PACKET_REQUEST,	/* echo request from local to remote */
	ICMP_PACKET_REPLY,	/* echo reply from remote to local */
};

struct icmp_packet {
	int family;		/* AF_INET or AF_INET6 */
	enum icmp_packet_kind kind;
	size_t len;		/* bytes of buf in use: IP + ICMP + payload */
	size_t ip_len;		/* IP header bytes (20 or 40) */
	size_t remote_off;	/* where the remote address sits in buf */
	size_t addr_len;	/* 4 or 16 */
	uint32_t fixed_sum;	/* v6: pseudo-header sum without the remote address */
	uint8_t buf[ICMP_PACKET_MAX];
};

/*
 * Build the template for local's family with libnet: kind, hop limit ttl,
 * TP_PAYLOAD_LEN bytes of payload. -1 with a reason when libnet fails.
 */
int icmp_packet_init(struct icmp_packet *p, enum icmp_packet_kind kind,
    const struct tp_addr *local, uint8_t ttl, struct tp_err *err);
/*
 * Make the packet for remote (same family as the template): write the
 * address, id, seq and payload, then the checksums.
 */
void icmp_packet_fill(struct icmp_packet *p, const struct tp_addr *remote, uint16_t id,
    uint16_t seq, const uint8_t payload[TP_PAYLOAD_LEN]);
/* The Internet checksum (RFC 1071) of len bytes, starting from sum. */
uint16_t icmp_checksum(const uint8_t *data, size_t len, uint32_t sum);

#endif
