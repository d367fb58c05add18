/*
 * tcp_method.c: the TCP probe method. A SYN-ACK from source port
 * TCP_PROBE_PORT_BASE + flow to the probed port; the target, which has no
 * connection for it, answers with a RST (RFC 9293, 3.10.7.1: a segment
 * with ACK in state LISTEN or CLOSED draws <SEQ=SEG.ACK><CTL=RST>). The
 * SYN-ACK's acknowledgment and sequence numbers are 64 bits of a keyed
 * hash over (round, destination, port, flow), so the RST checks without
 * state: its sequence number is our acknowledgment number (or, from some
 * stacks, one more), or it acknowledges our sequence number plus one.
 * The flow comes back as the RST's destination port. A RST has no
 * payload, so no send time returns and the RTT stays unknown.
 */
#include <netinet/in.h>
#include <stdio.h>

#include "probe_method.h"
#include "tcp_packet.h"

/* Source port of flow 0; flow f uses TCP_PROBE_PORT_BASE + f (above Linux's ephemeral ports). */
#define TCP_PROBE_PORT_BASE 61000u

/* Build a SYN-ACK template (or, forging, a RST template). */
static int
tcp_make_template(struct probe_packet *p, enum probe_direction dir,
    const struct tp_addr *local, uint8_t ttl, struct tp_err *err)
{
	return tcp_packet_init(p, dir, local, ttl, err);
}

/* Fill the SYN-ACK to remote for flow (or the RST a target would answer it with). */
static void
tcp_make_packet(const struct probe_method *m, struct probe_packet *p,
    const struct tp_key *key, uint32_t round, const struct tp_addr *remote, unsigned flow,
    uint64_t now_us)
{
	struct tcp_fields f;
	uint32_t seq, ack;

	(void)now_us;
	cookie_tcp(key, round, remote, m->port, flow, &seq, &ack);
	f.local_port = (uint16_t)(TCP_PROBE_PORT_BASE + flow);
	f.remote_port = m->port;
	if (p->dir == PROBE_OUT) {
		f.seq = seq;
		f.ack = ack;
		f.flags = TCP_FLAG_SYN | TCP_FLAG_ACK;
	} else {
		f.seq = ack;
		f.ack = 0;
		f.flags = TCP_FLAG_RST;
	}
	tcp_packet_fill(p, remote, &f);
}

/* A RST from the probed port to one of the flows' ports is ours to judge. */
static int
tcp_matches(const struct probe_method *m, const struct reply_info *r)
{
	return r->proto == IPPROTO_TCP && r->sport == m->port &&
	    r->dport >= TCP_PROBE_PORT_BASE && r->dport < TCP_PROBE_PORT_BASE + TP_FLOWS_MAX;
}

/* Check the RST's numbers against the cookie of its flow (its destination port). */
static enum tp_verdict
tcp_validate(const struct probe_method *m, const struct tp_key *key, uint32_t round,
    const struct reply_info *r, unsigned nflows, unsigned *flow, uint64_t *send_us)
{
	unsigned f = (unsigned)(r->dport - TCP_PROBE_PORT_BASE);
	uint32_t seq, ack;

	(void)send_us;
	if (r->src.family != AF_INET && r->src.family != AF_INET6)
		return TP_REPLY_FORGED;
	if (r->dport < TCP_PROBE_PORT_BASE || f >= nflows)
		return TP_REPLY_FORGED;
	cookie_tcp(key, round, &r->src, m->port, f, &seq, &ack);
	if (r->tcp_seq != ack && r->tcp_seq != ack + 1 &&
	    !((r->tcp_flags & TCP_FLAG_ACK) && r->tcp_ack == seq + 1))
		return TP_REPLY_FORGED;
	*flow = f;
	return TP_REPLY_IDSEQ;	/* no payload: no send time, no RTT */
}

/*
 * RSTs from the port to the flows' ports. libpcap reads no tcp[] on IPv6,
 * so the flags byte is ip6[53]: right after a 40-byte header, as a RST
 * without extension headers has it.
 */
static int
tcp_filter(const struct probe_method *m, int family, char *buf, size_t len)
{
	return snprintf(buf, len, "%s and tcp src port %u and tcp dst portrange %u-%u",
	    family == AF_INET ? "tcp[tcpflags] & tcp-rst != 0" : "ip6[6] == 6 and ip6[53] & 4 != 0",
	    m->port, TCP_PROBE_PORT_BASE, TCP_PROBE_PORT_BASE + TP_FLOWS_MAX - 1);
}

const struct probe_method_ops probe_method_tcp_ops = {
	.name = "tcp",
	.takes_port = 1,
	.make_template = tcp_make_template,
	.make_packet = tcp_make_packet,
	.matches = tcp_matches,
	.validate = tcp_validate,
	.filter = tcp_filter,
};
