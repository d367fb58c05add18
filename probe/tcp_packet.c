/*
 * tcp_packet.c: TCP segment templates built once with libnet, then patched
 * per packet. The TCP checksum covers a pseudo-header with both addresses
 * (probe_packet_set_remote adds the remote one).
 */
#include <arpa/inet.h>
#include <string.h>

#include <libnet.h>

#include "tcp_packet.h"

#define TCP_WINDOW 65535

/* Build the template for local's family with libnet. */
int
tcp_packet_init(struct probe_packet *p, enum probe_direction dir,
    const struct tp_addr *local, uint8_t ttl, struct tp_err *err)
{
	char ebuf[LIBNET_ERRBUF_SIZE];
	struct libnet_in6_addr src6, dst6;
	uint32_t src4 = 0, dst4 = 0;
	size_t ip_len;
	libnet_t *l;
	int rc;

	memset(p, 0, sizeof(*p));
	p->family = local->family;
	p->dir = dir;
	if (local->family != AF_INET && local->family != AF_INET6)
		return tp_err_set(err, "tcp packet: unknown address family %d", local->family);
	l = libnet_init(LIBNET_NONE, NULL, ebuf);
	if (l == NULL)
		return tp_err_set(err, "libnet: %s", ebuf);
	rc = libnet_build_tcp(0, 0, 0, 0, TCP_FLAG_SYN | TCP_FLAG_ACK, TCP_WINDOW, 0, 0,
	    TCP_HDR_LEN, NULL, 0, l, 0) < 0 ? -1 : 0;
	memset(&src6, 0, sizeof(src6));
	memset(&dst6, 0, sizeof(dst6));
	if (local->family == AF_INET) {
		memcpy(dir == PROBE_OUT ? &src4 : &dst4, local->bytes, 4);
		ip_len = PROBE_IP4_HDR_LEN;
		if (rc == 0 && libnet_build_ipv4(PROBE_IP4_HDR_LEN + TCP_HDR_LEN, 0, 0, 0, ttl,
		    IPPROTO_TCP, 0, src4, dst4, NULL, 0, l, 0) < 0)
			rc = -1;
	} else {
		memcpy(dir == PROBE_OUT ? &src6 : &dst6, local->bytes, 16);
		ip_len = PROBE_IP6_HDR_LEN;
		if (rc == 0 && libnet_build_ipv6(0, 0, TCP_HDR_LEN, IPPROTO_TCP, ttl, src6, dst6,
		    NULL, 0, l, 0) < 0)
			rc = -1;
	}
	if (rc < 0) {
		tp_err_set(err, "libnet: %s", libnet_geterror(l));
		libnet_destroy(l);
		return -1;
	}
	return probe_packet_take(l, p, ip_len + TCP_HDR_LEN, local, IPPROTO_TCP, err);
}

/* Store v big-endian in 2 bytes. */
static void
put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

/* Store v big-endian in 4 bytes. */
static void
put32(uint8_t *b, uint32_t v)
{
	put16(b, (uint16_t)(v >> 16));
	put16(b + 2, (uint16_t)v);
}

/* Write remote and the varying header fields, then the checksums. */
void
tcp_packet_fill(struct probe_packet *p, const struct tp_addr *remote,
    const struct tcp_fields *f)
{
	uint8_t *tcp = p->buf + p->ip_len;
	uint32_t s;

	s = probe_packet_set_remote(p, remote);
	put16(tcp, p->dir == PROBE_OUT ? f->local_port : f->remote_port);
	put16(tcp + 2, p->dir == PROBE_OUT ? f->remote_port : f->local_port);
	put32(tcp + 4, f->seq);
	put32(tcp + 8, f->ack);
	tcp[13] = f->flags;
	put16(tcp + 16, 0);
	put16(tcp + 16, probe_checksum(tcp, TCP_HDR_LEN, s));
}
