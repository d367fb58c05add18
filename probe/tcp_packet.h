/*
 * tcp_packet.h: TCP segments without payload or options (IPv4 and IPv6,
 * IP header included), built once with libnet as a template
 * (probe_packet.h). Per packet the remote address, ports, sequence and
 * acknowledgment numbers, flags and the checksums are rewritten. A probe
 * (SYN-ACK) goes local -> remote; a reply (RST, built by tests and the
 * forging helper) goes remote -> local.
 */
#ifndef TP_TCP_PACKET_H
#define TP_TCP_PACKET_H

#include <stdint.h>

#include "addr.h"
#include "error.h"
#include "probe_packet.h"

#define TCP_HDR_LEN	20
#define TCP_FLAG_FIN	0x01
#define TCP_FLAG_SYN	0x02
#define TCP_FLAG_RST	0x04
#define TCP_FLAG_ACK	0x10

/* The header fields a segment varies by. */
struct tcp_fields {
	uint16_t local_port, remote_port;
	uint32_t seq, ack;
	uint8_t flags;
};

/* Build the template for local's family with libnet: direction dir, hop limit ttl. */
int tcp_packet_init(struct probe_packet *p, enum probe_direction dir,
    const struct tp_addr *local, uint8_t ttl, struct tp_err *err);
/* Make the segment for remote: address, ports, numbers, flags, then the checksums. */
void tcp_packet_fill(struct probe_packet *p, const struct tp_addr *remote,
    const struct tcp_fields *f);

#endif
