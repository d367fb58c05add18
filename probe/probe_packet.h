/*
 * probe_packet.h: a packet built once as a template (IP header included)
 * and patched per probe. icmp_packet.c and tcp_packet.c build and fill
 * it; this file holds what both need: the Internet checksum, the IPv6
 * pseudo-header sum, and taking the bytes out of libnet.
 *
 * A template has a fixed local address (the anycast source of our probes)
 * and a changing remote one. A probe goes local -> remote; a reply (built
 * by tests and the forging helper) goes remote -> local.
 */
#ifndef TP_PROBE_PACKET_H
#define TP_PROBE_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "error.h"

/* IPv6 header (40) + ICMP echo header (8) + payload (24), with room to spare. */
#define PROBE_PACKET_MAX 96
#define PROBE_IP4_HDR_LEN 20
#define PROBE_IP6_HDR_LEN 40

enum probe_direction {
	PROBE_OUT,		/* a probe from local to remote */
	PROBE_IN,		/* a reply from remote to local */
};

struct probe_packet {
	int family;		/* AF_INET or AF_INET6 */
	enum probe_direction dir;
	size_t len;		/* bytes of buf in use: IP header and what follows */
	size_t ip_len;		/* IP header bytes (20 or 40) */
	size_t remote_off;	/* where the remote address sits in buf */
	size_t addr_len;	/* 4 or 16 */
	int pseudo;		/* the upper layer's checksum covers a pseudo-header */
	uint32_t fixed_sum;	/* pseudo-header sum without the remote address */
	uint8_t buf[PROBE_PACKET_MAX];
};

struct libnet_context;

/* Add len bytes to a running one's-complement sum (not folded). */
uint32_t probe_sum_add(uint32_t sum, const uint8_t *data, size_t len);
/* The Internet checksum (RFC 1071) of len bytes, starting from sum. */
uint16_t probe_checksum(const uint8_t *data, size_t len, uint32_t sum);
/*
 * Take the packet libnet built in l (which it then destroys) into p:
 * its bytes must be exactly want long. Sets the address offsets from
 * p->family and p->dir and, for IPv6 and for TCP, the pseudo-header sum
 * of local, the upper-layer length and next header nh.
 */
int probe_packet_take(struct libnet_context *l, struct probe_packet *p, size_t want,
    const struct tp_addr *local, uint8_t nh, struct tp_err *err);
/*
 * Write remote into the packet, set the IPv4 header checksum, and return
 * the start of the upper-layer checksum sum (the pseudo-header, or 0).
 */
uint32_t probe_packet_set_remote(struct probe_packet *p, const struct tp_addr *remote);

#endif
