/*
 * icmp_method.c: the ICMP echo probe method. The cookie sits in the echo
 * id/seq (keyed over round, destination and flow) and in the payload,
 * which the target echoes back, so replies carry an RTT.
 */
#include <netinet/in.h>
#include <stdio.h>

#include "icmp_packet.h"
#include "probe_method.h"

/* Build an echo request template (or, forging, an echo reply template). */
static int
icmp_make_template(struct probe_packet *p, enum probe_direction dir,
    const struct tp_addr *local, uint8_t ttl, struct tp_err *err)
{
	return icmp_packet_init(p, (enum icmp_packet_kind)dir, local, ttl, err);
}

/* Fill the echo for remote: id/seq and payload carry the cookie. */
static void
icmp_make_packet(const struct probe_method *m, struct probe_packet *p,
    const struct tp_key *key, uint32_t round, const struct tp_addr *remote, unsigned flow,
    uint64_t now_us)
{
	uint8_t payload[TP_PAYLOAD_LEN];
	uint16_t id, seq;

	(void)m;
	cookie_idseq_flow(key, round, remote, flow, &id, &seq);
	cookie_payload(key, round, remote, now_us, payload);
	icmp_packet_fill(p, remote, id, seq, payload);
}

/* An echo reply is ICMP's. */
static int
icmp_matches(const struct probe_method *m, const struct reply_info *r)
{
	(void)m;
	return r->proto == IPPROTO_ICMP;
}

/* Check the echo reply's id/seq against each flow and, for the RTT, its payload. */
static enum tp_verdict
icmp_validate(const struct probe_method *m, const struct tp_key *key, uint32_t round,
    const struct reply_info *r, unsigned nflows, unsigned *flow, uint64_t *send_us)
{
	(void)m;
	return cookie_verify_flows(key, round, &r->src, r->id, r->seq, r->payload,
	    r->payload_len, nflows, send_us, flow);
}

/* Echo replies; icmp6 with ip6[40] assumes no extension header, as echo replies have. */
static int
icmp_filter(const struct probe_method *m, int family, char *buf, size_t len)
{
	(void)m;
	return snprintf(buf, len, "%s", family == AF_INET ?
	    "icmp[icmptype] == icmp-echoreply" : "icmp6 and ip6[40] == 129");
}

const struct probe_method_ops probe_method_icmp_ops = {
	.name = "icmp",
	.takes_port = 0,
	.make_template = icmp_make_template,
	.make_packet = icmp_make_packet,
	.matches = icmp_matches,
	.validate = icmp_validate,
	.filter = icmp_filter,
};
