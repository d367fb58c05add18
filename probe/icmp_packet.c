/*
 * icmp_packet.c: echo request/reply templates built once with libnet, then
 * patched per packet (remote address, id, seq, payload, checksums). The
 * checksums are recomputed in full: 20 + 32 bytes cost less than the
 * bookkeeping of an incremental update.
 */
#include <arpa/inet.h>
#include <string.h>

#include <libnet.h>

#include "icmp_packet.h"

#define ICMP4_ECHO_REPLY	0
#define ICMP4_ECHO_REQUEST	8
#define ICMP6_ECHO_REQ		128
#define ICMP6_ECHO_REP		129
#define ICMP_HDR_LEN		8

/* Let libnet build the IPv4 echo packet. */
static int
build4(libnet_t *l, const struct probe_packet *p, const struct tp_addr *local, uint8_t ttl,
    const uint8_t *payload)
{
	uint32_t src = 0, dst = 0;
	uint8_t type;

	if (p->dir == PROBE_OUT) {
		memcpy(&src, local->bytes, 4);
		type = ICMP4_ECHO_REQUEST;
	} else {
		memcpy(&dst, local->bytes, 4);
		type = ICMP4_ECHO_REPLY;
	}
	if (libnet_build_icmpv4_echo(type, 0, 0, 0, 0, payload, TP_PAYLOAD_LEN, l, 0) < 0 ||
	    libnet_build_ipv4(PROBE_IP4_HDR_LEN + ICMP_HDR_LEN + TP_PAYLOAD_LEN, 0, 0, 0, ttl,
	    IPPROTO_ICMP, 0, src, dst, NULL, 0, l, 0) < 0)
		return -1;
	return 0;
}

/* Let libnet build the IPv6 echo packet. */
static int
build6(libnet_t *l, const struct probe_packet *p, const struct tp_addr *local, uint8_t ttl,
    const uint8_t *payload)
{
	struct libnet_in6_addr src, dst;
	uint8_t type;

	memset(&src, 0, sizeof(src));
	memset(&dst, 0, sizeof(dst));
	if (p->dir == PROBE_OUT) {
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
		return -1;
	return 0;
}

/* Build the template for local's family with libnet. */
int
icmp_packet_init(struct probe_packet *p, enum icmp_packet_kind kind,
    const struct tp_addr *local, uint8_t ttl, struct tp_err *err)
{
	char ebuf[LIBNET_ERRBUF_SIZE];
	uint8_t payload[TP_PAYLOAD_LEN];
	size_t ip_len;
	libnet_t *l;
	int rc;

	memset(p, 0, sizeof(*p));
	memset(payload, 0, sizeof(payload));
	p->family = local->family;
	p->dir = (enum probe_direction)kind;
	if (local->family != AF_INET && local->family != AF_INET6)
		return tp_err_set(err, "icmp packet: unknown address family %d", local->family);
	l = libnet_init(LIBNET_NONE, NULL, ebuf);
	if (l == NULL)
		return tp_err_set(err, "libnet: %s", ebuf);
	if (local->family == AF_INET)
		rc = build4(l, p, local, ttl, payload);
	else
		rc = build6(l, p, local, ttl, payload);
	if (rc < 0) {
		tp_err_set(err, "libnet: %s", libnet_geterror(l));
		libnet_destroy(l);
		return -1;
	}
	ip_len = local->family == AF_INET ? PROBE_IP4_HDR_LEN : PROBE_IP6_HDR_LEN;
	return probe_packet_take(l, p, ip_len + ICMP_HDR_LEN + TP_PAYLOAD_LEN, local,
	    local->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6, err);
}

/* Write remote, id, seq and payload into the packet and set its checksums. */
void
icmp_packet_fill(struct probe_packet *p, const struct tp_addr *remote, uint16_t id,
    uint16_t seq, const uint8_t payload[TP_PAYLOAD_LEN])
{
	uint8_t *icmp = p->buf + p->ip_len;
	uint16_t sum;
	uint32_t s;

	s = probe_packet_set_remote(p, remote);
	icmp[2] = 0;
	icmp[3] = 0;
	icmp[4] = (uint8_t)(id >> 8);
	icmp[5] = (uint8_t)id;
	icmp[6] = (uint8_t)(seq >> 8);
	icmp[7] = (uint8_t)seq;
	memcpy(icmp + ICMP_HDR_LEN, payload, TP_PAYLOAD_LEN);
	sum = probe_checksum(icmp, ICMP_HDR_LEN + TP_PAYLOAD_LEN, s);
	icmp[2] = (uint8_t)(sum >> 8);
	icmp[3] = (uint8_t)sum;
}
