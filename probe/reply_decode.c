/*
 * reply_decode.c: peel the link layer off a captured frame, then the IP
 * header, and keep the frame only when it is an echo reply or a TCP RST. Every length is
 * checked against what was captured before a byte is read.
 */
#include <arpa/inet.h>
#include <string.h>

#include <pcap/pcap.h>

#include "reply_decode.h"

#define ETHERTYPE_IP4	0x0800
#define ETHERTYPE_IP6	0x86dd
#define ETHERTYPE_VLAN	0x8100
#define ETHERTYPE_QINQ	0x88a8
#define SLL_HDR_LEN	16
#define SLL2_HDR_LEN	20
#define ETH_HDR_LEN	14
#define ICMP_HDR_LEN	8
#define TCP_HDR_LEN	20
#define TCP_RST		0x04

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4	228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6	229
#endif

/* Read a 16-bit big-endian value. */
static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Read a 32-bit big-endian value. */
static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* Fill ports, numbers and flags from a TCP header of len bytes; RSTs only. */
static int
decode_rst(const uint8_t *tcp, size_t len, struct reply_info *r)
{
	if (len < TCP_HDR_LEN || (size_t)(tcp[12] >> 4) * 4 < TCP_HDR_LEN ||
	    (size_t)(tcp[12] >> 4) * 4 > len || (tcp[13] & TCP_RST) == 0)
		return -1;
	r->proto = IPPROTO_TCP;
	r->sport = get16(tcp);
	r->dport = get16(tcp + 2);
	r->tcp_seq = get32(tcp + 4);
	r->tcp_ack = get32(tcp + 8);
	r->tcp_flags = tcp[13];
	return 0;
}

/* Fill id, seq and payload from an ICMP echo header of len bytes. */
static int
decode_echo(const uint8_t *icmp, size_t len, struct reply_info *r)
{
	if (len < ICMP_HDR_LEN)
		return -1;
	r->proto = IPPROTO_ICMP;
	r->id = get16(icmp + 4);
	r->seq = get16(icmp + 6);
	r->payload = icmp + ICMP_HDR_LEN;
	r->payload_len = len - ICMP_HDR_LEN;
	return 0;
}

/* Decode an IPv4 packet carrying an ICMP echo reply or a TCP RST. */
static int
decode_ip4(const uint8_t *p, size_t len, struct reply_info *r)
{
	size_t ihl, total;

	if (len < 20 || (p[0] >> 4) != 4)
		return -1;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	total = get16(p + 2);
	if (ihl < 20 || total < ihl || ihl > len)
		return -1;
	if ((get16(p + 6) & 0x3fff) != 0)	/* MF set or a fragment offset */
		return -1;
	if (p[9] != IPPROTO_ICMP && p[9] != IPPROTO_TCP)
		return -1;
	if (total < len)
		len = total;		/* drop link-layer padding */
	if (len < ihl)
		return -1;
	tp_addr_from_bytes(&r->src, p + 12, 4);
	tp_addr_from_bytes(&r->dst, p + 16, 4);
	r->ttl = p[8];
	if (p[9] == IPPROTO_TCP)
		return decode_rst(p + ihl, len - ihl, r);
	if (len - ihl < ICMP_HDR_LEN || p[ihl] != 0 || p[ihl + 1] != 0)
		return -1;
	return decode_echo(p + ihl, len - ihl, r);
}

/* Decode an IPv6 packet carrying an ICMPv6 echo reply or a TCP RST (skipping options). */
static int
decode_ip6(const uint8_t *p, size_t len, struct reply_info *r)
{
	size_t off = 40, total, ext;
	uint8_t nh;

	if (len < 40 || (p[0] >> 4) != 6)
		return -1;
	total = 40 + (size_t)get16(p + 4);
	if (total < len)
		len = total;
	nh = p[6];
	/* Hop-by-hop, routing and destination options may precede ICMPv6 or TCP. */
	while (nh == 0 || nh == 43 || nh == 60) {
		if (off + 8 > len)
			return -1;
		ext = ((size_t)p[off + 1] + 1) * 8;
		nh = p[off];
		off += ext;
		if (off > len)
			return -1;
	}
	if (nh != IPPROTO_ICMPV6 && nh != IPPROTO_TCP)
		return -1;		/* fragments (44) and everything else */
	tp_addr_from_bytes(&r->src, p + 8, 16);
	tp_addr_from_bytes(&r->dst, p + 24, 16);
	r->ttl = p[7];
	if (nh == IPPROTO_TCP)
		return decode_rst(p + off, len - off, r);
	if (len - off < ICMP_HDR_LEN || p[off] != 129 || p[off + 1] != 0)
		return -1;
	return decode_echo(p + off, len - off, r);
}

/* Decode a bare IPv4 or IPv6 packet by its version nibble. */
int
reply_decode_ip(const uint8_t *pkt, size_t len, struct reply_info *r)
{
	memset(r, 0, sizeof(*r));
	if (len < 1)
		return -1;
	switch (pkt[0] >> 4) {
	case 4:
		return decode_ip4(pkt, len, r);
	case 6:
		return decode_ip6(pkt, len, r);
	default:
		return -1;
	}
}

/* Decode the packet after a link header, when its ethertype is IP. */
static int
decode_ethertype(uint16_t type, const uint8_t *pkt, size_t len, struct reply_info *r)
{
	if (type == ETHERTYPE_IP4 && len > 0 && pkt[0] >> 4 == 4)
		return reply_decode_ip(pkt, len, r);
	if (type == ETHERTYPE_IP6 && len > 0 && pkt[0] >> 4 == 6)
		return reply_decode_ip(pkt, len, r);
	return -1;
}

/* Decode an Ethernet frame, stepping over up to two VLAN tags. */
static int
decode_ether(const uint8_t *f, size_t len, struct reply_info *r)
{
	size_t off = 12;
	uint16_t type;
	int tags;

	for (tags = 0; ; tags++) {
		if (off + 2 > len)
			return -1;
		type = get16(f + off);
		off += 2;
		if (type != ETHERTYPE_VLAN && type != ETHERTYPE_QINQ)
			break;
		if (tags == 2)
			return -1;
		off += 2;	/* the tag control information */
	}
	return decode_ethertype(type, f + off, len - off, r);
}

/* 1 when the link type is one reply_decode reads. */
int
reply_decode_supported(int dlt)
{
	return dlt == DLT_EN10MB || dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2 ||
	    dlt == DLT_RAW || dlt == DLT_IPV4 || dlt == DLT_IPV6;
}

/* Decode a captured frame of link type dlt. */
int
reply_decode(int dlt, const uint8_t *frame, size_t caplen, struct reply_info *r)
{
	memset(r, 0, sizeof(*r));
	if (frame == NULL)
		return -1;
	switch (dlt) {
	case DLT_EN10MB:
		return decode_ether(frame, caplen, r);
	case DLT_LINUX_SLL:
		if (caplen < SLL_HDR_LEN)
			return -1;
		return decode_ethertype(get16(frame + 14), frame + SLL_HDR_LEN,
		    caplen - SLL_HDR_LEN, r);
	case DLT_LINUX_SLL2:
		if (caplen < SLL2_HDR_LEN)
			return -1;
		return decode_ethertype(get16(frame), frame + SLL2_HDR_LEN,
		    caplen - SLL2_HDR_LEN, r);
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return reply_decode_ip(frame, caplen, r);
	default:
		return -1;
	}
}
