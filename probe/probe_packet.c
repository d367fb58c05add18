/*
 * probe_packet.c: what the ICMP and TCP templates share: the Internet
 * checksum, the IPv6 pseudo-header, and copying libnet's packet out.
 */
#include <stdlib.h>
#include <string.h>

#include <libnet.h>

#include "probe_packet.h"

/* Add len bytes to a running one's-complement sum (not folded). */
uint32_t
probe_sum_add(uint32_t sum, const uint8_t *data, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)data[i] << 8 | data[i + 1];
	if (len & 1)
		sum += (uint32_t)data[len - 1] << 8;
	return sum;
}

/* The Internet checksum (RFC 1071) of len bytes, starting from sum. */
uint16_t
probe_checksum(const uint8_t *data, size_t len, uint32_t sum)
{
	sum = probe_sum_add(sum, data, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Take libnet's packet into p, check its length, set the offsets and sums. */
int
probe_packet_take(struct libnet_context *l, struct probe_packet *p, size_t want,
    const struct tp_addr *local, uint8_t nh, struct tp_err *err)
{
	uint8_t *pkt = NULL, word[4];
	uint32_t pkt_len = 0;
	int rc = 0;

	/* libnet 1.1.6 culls only in link mode; coalescing is what culling does. */
	if (libnet_pblock_coalesce(l, &pkt, &pkt_len) < 0)
		rc = tp_err_set(err, "libnet: %s", libnet_geterror(l));
	else if (pkt_len != want || pkt_len > sizeof(p->buf))
		rc = tp_err_set(err, "libnet: built a packet of %u bytes, expected %zu",
		    pkt_len, want);
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
	p->ip_len = p->family == AF_INET ? PROBE_IP4_HDR_LEN : PROBE_IP6_HDR_LEN;
	p->addr_len = p->family == AF_INET ? 4 : 16;
	if (p->family == AF_INET)
		p->remote_off = p->dir == PROBE_OUT ? 16 : 12;
	else
		p->remote_off = p->dir == PROBE_OUT ? 24 : 8;
	/* ICMPv4 alone has no pseudo-header: local, remote, length, protocol. */
	p->pseudo = p->family == AF_INET6 || nh != IPPROTO_ICMP;
	if (!p->pseudo)
		return 0;
	p->fixed_sum = probe_sum_add(0, local->bytes, p->addr_len);
	word[0] = 0;
	word[1] = 0;
	word[2] = (uint8_t)((want - p->ip_len) >> 8);
	word[3] = (uint8_t)(want - p->ip_len);
	p->fixed_sum = probe_sum_add(p->fixed_sum, word, 4);
	word[2] = 0;
	word[3] = nh;
	p->fixed_sum = probe_sum_add(p->fixed_sum, word, 4);
	return 0;
}

/* Write remote, fix the IPv4 header checksum; the upper layer's starting sum. */
uint32_t
probe_packet_set_remote(struct probe_packet *p, const struct tp_addr *remote)
{
	uint16_t sum;

	memcpy(p->buf + p->remote_off, remote->bytes, p->addr_len);
	if (p->family == AF_INET) {
		p->buf[10] = 0;
		p->buf[11] = 0;
		sum = probe_checksum(p->buf, PROBE_IP4_HDR_LEN, 0);
		p->buf[10] = (uint8_t)(sum >> 8);
		p->buf[11] = (uint8_t)sum;
	}
	return p->pseudo ? probe_sum_add(p->fixed_sum, remote->bytes, p->addr_len) : 0;
}
