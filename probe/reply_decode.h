/*
 * reply_decode.h: find an ICMP or ICMPv6 echo reply, or a TCP RST, in a
 * captured frame.
 * Link types: DLT_EN10MB (with up to two VLAN tags), DLT_LINUX_SLL (the
 * "any" interface), DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4, DLT_IPV6. Anything
 * truncated, fragmented or malformed is refused; nothing is read past caplen.
 */
#ifndef TP_REPLY_DECODE_H
#define TP_REPLY_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct reply_info {
	int proto;		/* IPPROTO_ICMP (for ICMPv6 too) or IPPROTO_TCP */
	struct tp_addr src;	/* the replying target */
	struct tp_addr dst;	/* our anycast address */
	int ttl;		/* TTL or hop limit as received */
	uint16_t id, seq;	/* echo reply */
	const uint8_t *payload;	/* echo data as captured (points into the frame) */
	size_t payload_len;
	uint16_t sport, dport;	/* RST: its ports (sport is the probed port) */
	uint32_t tcp_seq, tcp_ack;
	uint8_t tcp_flags;
};

/* 1 when the link type is one reply_decode reads. */
int reply_decode_supported(int dlt);
/*
 * Decode frame (caplen bytes captured, link type dlt). 0 with *r filled for
 * an echo reply or a TCP segment with RST set, -1 for anything else.
 */
int reply_decode(int dlt, const uint8_t *frame, size_t caplen, struct reply_info *r);
/* The same for a bare IPv4 or IPv6 packet. */
int reply_decode_ip(const uint8_t *pkt, size_t len, struct reply_info *r);

#endif
