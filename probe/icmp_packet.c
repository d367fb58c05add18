/*
 * icmp_packet.c: echo request/reply templates built once with libnet, then
 * patched per packet (remote address, id, seq, payload, checksums). The
 * checksums are recomputed in full: 20 + 32 bytes cost less than the
 * bookkeeping of an incremental update.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <libnet.h>

#include "icmp_packet.h"

#define ICMP4_ECHO_REPLY	0
#define ICMP4_ECHO_REQUEST	8
#define ICMP6_ECHO_REQ		128
#define ICMP6_ECHO_REP		129
#define ICMP_HDR_LEN		8
#define IP4_HDR_LEN		20
#define IP6_HDR_LEN		40

/* Add len bytes to a running one's-complement sum (not folded). */
static uint32_t
sum_add(uint32_t sum, const uint8_t *data, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)data[i] << 8 | data[i + 1];
	if (len & 1)
		sum += (uint32_t)data[len - 1] << 8;
	return sum;
}

/* Fold a running sum and complement it: the Internet checksum, host order. */
static uint16_t
sum_finish(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The Internet checksum (RFC 1071) of len bytes, starting from sum. */
uint16_t
icmp_checksum(const uint8_t *data, size_t len, uint32_t sum)
{
	return sum_finish(sum_add(sum, data, len));
}

/* Let libnet build the IPv4 echo packet into p->buf. */
static int
build4(libnet_t *l, struct icmp_packet *p, const struct tp_addr *local, uint8_t ttl,
    const uint8_t *payload, struct tp_err *err)
{
	uint32_t src = 0, dst = 0;
	uint8_t type;

	if (p->kind == ICMP_PACKET_REQUEST) {
		memcpy(&src, local->bytes, 4);
		type = ICMP4_ECHO_REQUEST;
	} else {
		memcpy(&dst, local->bytes, 4);
		type = ICMP4_ECHO_REPLY;
	}
	if (libnet_build_icmpv4_echo(type, 0, 0, 0, 0, payload, TP_PAYLOAD_LEN, l, 0) < 0 ||
	    libnet_build_ipv4(IP4_HDR_LEN + ICMP_HDR_LEN + TP_PAYLOAD_LEN, 0, 0, 0, ttl,
	    IPPROTO_ICMP, 0, src, dst, NULL, 0, l, 0) < 0)
		return tp_err_set(err, "libnet: %s", libnet_geterror(l));
	p->ip_len = IP4_HDR_LEN;
	p->addr_len = 4;
	p->remote_off = p->kind == ICMP_PACKET_REQUEST ? 16 : 12;
	return 0;
}

/* Let libnet build the IPv6 echo packet into p->buf. */
static int
build6(libnet_t *l, struct icmp_packet *p, const struct tp_addr *local, uint8_t ttl,
    const uint8_t *payload, struct tp_err *err)
{
	struct libnet_in6_addr src, dst;
	uint8_t type;

	memset(&src, 0, sizeof(src));
	memset(&dst, 0, sizeof(dst));
	if (p->kind == ICMP_PACKET_REQUEST) {
		memcpy(&src, local->bytes, 16);
		type = ICMP6_ECHO_REQ;
	} else {
		memcpy(&dst, local->bytes, 16);
		type = ICMP6_ECHO_REP;
	}
	if (libnet_build_icmpv6_echo(type, 0, 0, 0, 0, (uint8_t *)payload, TP_PAYLOAD_LEN,
	    l, 0) < 0 ||
	    libnet_build_ipv6(0, 0, ICMP_HDR_LEN + TP_PAYLOAD_LEN, IPPROTO_ICMPV6, ttl,
	    src, dst, NULL, 0, l, 0) < 0)
		return tp_err_set(err, "libnet: %s", libnet_geterror(l));
	p->ip_len = IP6_HDR_LEN;
	p->addr_len = 16;
	p->remote_off = p->kind == ICMP_PACKET_REQUEST ? 24 : 8;
	return 0;
}

/* Build the template for local's family with libnet. */
int
icmp_packet_init(struct icmp_packet *p, enum icmp_packet_kind kind,
    const struct tp_addr *local, uint8_t ttl, struct tp_err *err)
{
	char ebuf[LIBNET_ERRBUF_SIZE];
	uint8_t payload[TP_PAYLOAD_LEN], *pkt = NULL;
	uint32_t pkt_len = 0;
	uint8_t word[4];
	libnet_t *l;
	int rc;

	memset(p, 0, sizeof(*p));
	memset(payload, 0, sizeof(payload));
	p->family = local->family;
	p->kind = kind;
	if (local->family != AF_INET && local->family != AF_INET6)
		return tp_err_set(err, "icmp packet: unknown address family %d", local->family);
	l = libnet_init(LIBNET_NONE, NULL, ebuf);
	if (l == NULL)
		return tp_err_set(err, "libnet: %s", ebuf);
	if (local->family == AF_INET)
		rc = build4(l, p, local, ttl, payload, err);
	else
		rc = build6(l, p, local, ttl, payload, err);
	/* libnet 1.1.6 culls only in link mode; coalescing is what culling does. */
	if (rc == 0 && libnet_pblock_coalesce(l, &pkt, &pkt_len) < 0)
		rc = tp_err_set(err, "libnet: %s", libnet_geterror(l));
	if (rc == 0 && (pkt_len != p->ip_len + ICMP_HDR_LEN + TP_PAYLOAD_LEN ||
	    pkt_len > sizeof(p->buf)))
		rc = tp_err_set(err, "libnet: built a packet of %u bytes, expected %zu",
		    pkt_len, p->ip_len + ICMP_HDR_LEN + TP_PAYLOAD_LEN);
	if (rc == 0) {
		memcpy(p->buf, pkt, pkt_len);
		p->len = pkt_len;
	}
	/* What libnet_adv_free_packet does, outside advanced link mode. */
	if (pkt != NULL)
		free(pkt - l->aligner);
	libnet_destroy(l);
	if (rc < 0)
		return -1;
	if (p->family == AF_INET6) {
		/* Pseudo-header: local address, upper-layer length, next header. */
		p->fixed_sum = sum_add(0, local->bytes, 16);
		word[0] = 0;
		word[1] = 0;
		word[2] = 0;
		word[3] = ICMP_HDR_LEN + TP_PAYLOAD_LEN;
		p->fixed_sum = sum_add(p->fixed_sum, word, 4);
		word[3] = IPPROTO_ICMPV6;
		p->fixed_sum = sum_add(p->fixed_sum, word, 4);
	}
	return 0;
}

/* Write remote, id, seq and payload into the packet and set its checksums. */
void
icmp_packet_fill(struct icmp_packet *p, const struct tp_addr *remote, uint16_t id,
    uint16_t seq, const uint8_t payload[TP_PAYLOAD_LEN])
{
	uint8_t *icmp = p->buf + p->ip_len;
	uint16_t sum;
	uint32_t s;

	memcpy(p->buf + p->remote_off, remote->bytes, p->addr_len);
	icmp[2] = 0;
	icmp[3] = 0;
	icmp[4] = (uint8_t)(id >> 8);
	icmp[5] = (uint8_t)id;
	icmp[6] = (uint8_t)(seq >> 8);
	icmp[7] = (uint8_t)seq;
	memcpy(icmp + ICMP_HDR_LEN, payload, TP_PAYLOAD_LEN);
	if (p->family == AF_INET) {
		p->buf[10] = 0;
		p->buf[11] = 0;
		sum = icmp_checksum(p->buf, IP4_HDR_LEN, 0);
		p->buf[10] = (uint8_t)(sum >> 8);
		p->buf[11] = (uint8_t)sum;
		s = 0;
	} else {
		s = sum_add(p->fixed_sum, remote->bytes, 16);
	}
	sum = icmp_checksum(icmp, ICMP_HDR_LEN + TP_PAYLOAD_LEN, s);
	icmp[2] = (uint8_t)(sum >> 8);
	icmp[3] = (uint8_t)sum;
}
