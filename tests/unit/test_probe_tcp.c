/*
 * test_probe_tcp.c: the TCP probe method. SYN-ACK segments from the libnet
 * template with checksums checked by an independent computation (IPv4 and
 * IPv6 pseudo-headers); the cookie's round trip through the RST a stack
 * answers with (seq = our ack, or RST+ACK of our seq + 1) and every forged
 * variant; a pcap of RSTs replayed through tp-probe listen's code.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>

#include <criterion/criterion.h>
#include <pcap/pcap.h>

#include "cookie.h"
#include "fixture.h"
#include "probe_fixture.h"
#include "listen.h"
#include "probe_method.h"
#include "reply_decode.h"
#include "reply_tally.h"
#include "tcp_packet.h"

#define SPORT_BASE 61000

/* The TCP checksum over pseudo-header and segment of a whole packet: 0xffff when right. */
static unsigned
tcp_sum(const uint8_t *ip, size_t len)
{
	size_t hl = (ip[0] >> 4) == 4 ? 20 : 40, alen = hl == 20 ? 4 : 16;
	uint8_t tail[4] = { 0, 6, (uint8_t)((len - hl) >> 8), (uint8_t)(len - hl) };
	unsigned long acc;

	acc = fixture_ones_sum(ip + (hl == 20 ? 12 : 8), 2 * alen, 0);
	acc = fixture_ones_sum(tail, 4, acc);
	return fixture_ones_sum(ip + hl, len - hl, acc);
}

/* Read 16 and 32 bits big-endian. */
static unsigned
be16(const uint8_t *b)
{
	return (unsigned)(b[0] << 8 | b[1]);
}

static uint32_t
be32(const uint8_t *b)
{
	return (uint32_t)be16(b) << 16 | be16(b + 2);
}

Test(probe_tcp, synack_ipv4_fields_and_checksums)
{
	struct tp_key k = fixture_key_salted(1);
	struct probe_method m = fixture_method("tcp:80");
	struct probe_packet p = fixture_probe(&m, PROBE_OUT, "192.0.2.1", "198.18.5.7", &k, 3, 2);
	struct tp_addr dst = fixture_addr_parse("198.18.5.7");
	const uint8_t *tcp = p.buf + 20;
	uint32_t seq, ack;

	cr_assert_eq(p.len, 40);
	cr_assert_eq(p.buf[9], IPPROTO_TCP);
	cr_assert_eq(fixture_ones_sum(p.buf, 20, 0), 0xffff, "IPv4 header checksum");
	cr_assert_eq(tcp_sum(p.buf, p.len), 0xffff, "TCP checksum with the pseudo-header");
	cr_assert_eq(memcmp(p.buf + 16, dst.bytes, 4), 0);
	cr_assert_eq(be16(tcp), SPORT_BASE + 2, "flow 2's source port");
	cr_assert_eq(be16(tcp + 2), 80);
	cr_assert_eq(tcp[12] >> 4, 5, "20-byte header, no options");
	cr_assert_eq(tcp[13], TCP_FLAG_SYN | TCP_FLAG_ACK);
	cookie_tcp(&k, 3, &dst, 80, 2, &seq, &ack);
	cr_assert_eq(be32(tcp + 4), seq);
	cr_assert_eq(be32(tcp + 8), ack);
}

Test(probe_tcp, synack_ipv6_checksum_over_many_targets)
{
	struct tp_key k = fixture_key_salted(2);
	struct probe_method m = fixture_method("tcp:443");
	struct tp_addr l = fixture_addr_parse("2001:db8:ffff::1"), r;
	struct probe_packet p;
	char a[64];
	unsigned i;

	cr_assert_eq(m.ops->make_template(&p, PROBE_OUT, &l, 64, NULL), 0);
	cr_assert_eq(p.len, 60);
	cr_assert_eq(p.buf[6], IPPROTO_TCP);
	for (i = 0; i < 300; i++) {
		snprintf(a, sizeof(a), "2001:db8:%x::%x", i * 7919 % 65536, i * 104729 % 65536);
		r = fixture_addr_parse(a);
		m.ops->make_packet(&m, &p, &k, i, &r, i % TP_FLOWS_MAX, 0);
		cr_assert_eq(tcp_sum(p.buf, p.len), 0xffff, "%s", a);
		cr_assert_eq(memcmp(p.buf + 24, r.bytes, 16), 0);
		cr_assert_eq(be16(p.buf + 40), SPORT_BASE + i % TP_FLOWS_MAX);
	}
}

/* The RST a stack answers a SYN-ACK with: seq = its ack, or RST+ACK acknowledging seq + 1. */
static struct probe_packet
rst_for(const struct probe_packet *synack, int ack_style, uint32_t tweak)
{
	struct tp_addr local, remote;
	const uint8_t *tcp = synack->buf + synack->ip_len;
	struct probe_packet p;
	struct tcp_fields f;

	memset(&local, 0, sizeof(local));
	memset(&remote, 0, sizeof(remote));
	local.family = remote.family = (uint8_t)synack->family;
	memcpy(local.bytes, synack->buf + (synack->family == AF_INET ? 12 : 8), synack->addr_len);
	memcpy(remote.bytes, synack->buf + synack->remote_off, synack->addr_len);
	cr_assert_eq(tcp_packet_init(&p, PROBE_IN, &local, 50, NULL), 0);
	f.local_port = (uint16_t)be16(tcp);
	f.remote_port = (uint16_t)be16(tcp + 2);
	if (ack_style) {
		f.seq = 0;
		f.ack = be32(tcp + 4) + 1 + tweak;
		f.flags = TCP_FLAG_RST | TCP_FLAG_ACK;
	} else {
		f.seq = be32(tcp + 8) + tweak;
		f.ack = 0;
		f.flags = TCP_FLAG_RST;
	}
	tcp_packet_fill(&p, &remote, &f);
	return p;
}

/* One forged or genuine RST and what the listener must make of it. */
struct rst_case {
	const char *name;
	const char *remote;	/* the SYN-ACK's target */
	uint32_t probe_round;	/* the round the SYN-ACK was for */
	int ack_style;		/* answer with RST+ACK */
	uint32_t tweak;		/* added to the echoed number */
	const char *method;	/* what the listener accepts */
	enum tally_result want;
};

static const struct rst_case rst_cases[] = {
	{ "rst seq = our ack", "198.18.5.7", 9, 0, 0, "tcp:80", TALLY_ACCEPTED },
	{ "rst seq = our ack + 1", "198.18.5.7", 9, 0, 1, "tcp:80", TALLY_ACCEPTED },
	{ "rst+ack of our seq + 1", "198.18.5.7", 9, 1, 0, "tcp:80", TALLY_ACCEPTED },
	{ "ipv6 rst", "2001:db8:7::42", 9, 0, 0, "tcp:80", TALLY_ACCEPTED },
	{ "wrong ack", "198.18.5.7", 9, 0, 2, "tcp:80", TALLY_REJECTED },
	{ "wrong ack, ipv6", "2001:db8:7::42", 9, 0, 0x10000, "tcp:80", TALLY_REJECTED },
	{ "rst+ack of another seq", "198.18.5.7", 9, 1, 5, "tcp:80", TALLY_REJECTED },
	{ "right ack for another round", "198.18.5.7", 8, 0, 0, "tcp:80", TALLY_REJECTED },
	{ "right ack for another round, ipv6", "2001:db8:7::42", 10, 1, 0, "tcp:80",
		TALLY_REJECTED },
	{ "from another port", "198.18.5.7", 9, 0, 0, "tcp:443", TALLY_IGNORED },
	{ "rst to an icmp listener", "198.18.5.7", 9, 0, 0, "icmp", TALLY_IGNORED },
};

Test(probe_tcp, rst_cookie_round_trip_and_forgeries)
{
	struct tp_key k = fixture_key_salted(3);
	struct probe_method synack_m = fixture_method("tcp:80"), m;
	struct probe_packet syn, rst;
	struct tally_reply out;
	size_t i;

	for (i = 0; i < sizeof(rst_cases) / sizeof(rst_cases[0]); i++) {
		const struct rst_case *c = &rst_cases[i];

		syn = fixture_probe(&synack_m, PROBE_OUT, strchr(c->remote, ':') ? "2001:db8:ffff::1" :
		    "192.0.2.1", c->remote, &k, c->probe_round, 3);
		rst = rst_for(&syn, c->ack_style, c->tweak);
		m = fixture_method(c->method);
		cr_assert_eq(fixture_judge(&rst, &k, 9, &m, 1, &out), c->want, "%s", c->name);
		if (c->want != TALLY_ACCEPTED)
			continue;
		cr_assert_eq(out.flow, 3, "%s: the flow comes back in the port", c->name);
		cr_assert_eq(out.rtt_us, -1, "%s: a RST carries no send time", c->name);
		cr_assert_eq(out.ttl, 50);
		cr_assert(probe_method_same(out.method, &m));
	}
}

Test(probe_tcp, rst_from_another_address_is_rejected)
{
	struct tp_key k = fixture_key_salted(4);
	struct probe_method m = fixture_method("tcp:80");
	struct probe_packet syn = fixture_probe(&m, PROBE_OUT, "192.0.2.1", "198.18.5.7", &k, 9, 0);
	struct probe_packet rst = rst_for(&syn, 0, 0);
	struct tally_reply out;

	cr_assert_eq(fixture_judge(&rst, &k, 9, &m, 1, &out), TALLY_ACCEPTED);
	/* The same numbers from a neighbour: the cookie is keyed over the address. */
	rst.buf[15] ^= 1;
	rst.buf[10] = rst.buf[11] = 0;
	cr_assert_eq(fixture_judge(&rst, &k, 9, &m, 1, &out), TALLY_REJECTED);
	/* And a flow the SYN-ACK did not use (its port says flow 1). */
	rst = rst_for(&syn, 0, 0);
	rst.buf[23] = (uint8_t)(SPORT_BASE + 1);
	cr_assert_eq(fixture_judge(&rst, &k, 9, &m, 1, &out), TALLY_REJECTED);
	/* Another key. */
	k = fixture_key_salted(5);
	rst = rst_for(&syn, 0, 0);
	cr_assert_eq(fixture_judge(&rst, &k, 9, &m, 1, &out), TALLY_REJECTED);
}

Test(probe_tcp, forged_rst_template_is_what_a_stack_sends)
{
	struct tp_key k = fixture_key_salted(6);
	struct probe_method m = fixture_method("tcp:22");
	struct probe_packet fake = fixture_probe(&m, PROBE_IN, "2001:db8:ffff::1", "2001:db8:9::9", &k,
	    4, 5);
	struct tally_reply out;
	struct reply_info r;

	cr_assert_eq(tcp_sum(fake.buf, fake.len), 0xffff);
	cr_assert_eq(reply_decode_ip(fake.buf, fake.len, &r), 0);
	cr_assert_eq(r.proto, IPPROTO_TCP);
	cr_assert_eq(r.sport, 22);
	cr_assert_eq(r.dport, SPORT_BASE + 5);
	cr_assert_eq(r.tcp_flags, TCP_FLAG_RST);
	cr_assert_eq(fixture_judge(&fake, &k, 4, &m, 1, &out), TALLY_ACCEPTED);
	cr_assert_eq(out.flow, 5);
}

Test(probe_tcp, decoder_keeps_only_rsts)
{
	struct tp_key k = fixture_key_salted(7);
	struct probe_method m = fixture_method("tcp:80");
	struct probe_packet syn = fixture_probe(&m, PROBE_OUT, "192.0.2.1", "198.18.5.7", &k, 1, 0);
	struct reply_info r;

	/* A SYN-ACK (no RST) is not a reply. */
	cr_assert_eq(reply_decode_ip(syn.buf, syn.len, &r), -1);
	syn.buf[33] |= TCP_FLAG_RST;
	cr_assert_eq(reply_decode_ip(syn.buf, syn.len, &r), 0);
	/* A data offset beyond the segment, or under 5 words, is malformed. */
	syn.buf[32] = 0x60;
	cr_assert_eq(reply_decode_ip(syn.buf, syn.len, &r), -1);
	syn.buf[32] = 0x40;
	cr_assert_eq(reply_decode_ip(syn.buf, syn.len, &r), -1);
	syn.buf[32] = 0x50;
	cr_assert_eq(reply_decode_ip(syn.buf, syn.len - 1, &r), -1, "truncated header");
}

/* Append packet p to the dump d at second t. */
static void
dump(pcap_dumper_t *d, const struct probe_packet *p, long t)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = t;
	h.caplen = h.len = (bpf_u_int32)p->len;
	pcap_dump((u_char *)d, &h, p->buf);
}

Test(probe_tcp, pcap_replay_of_rsts, .fini = fixture_cleanup)
{
	static const char *const targets[] = { "198.18.1.1", "198.18.1.2", "2001:db8:1::1" };
	struct tp_key k = fixture_key_salted(0), other = fixture_key_salted(40);
	struct probe_method tcp = fixture_method("tcp:80"), icmp = fixture_method("icmp");
	const char *pcap_path = fixture_path("rst.pcap"), *key_path;
	struct listen_opts o;
	struct listen_stats st;
	struct probe_packet p;
	pcap_dumper_t *d;
	pcap_t *dead;
	struct tp_err err;
	char *text, line[128];
	FILE *out;
	size_t i;
	unsigned f;

	dead = pcap_open_dead(DLT_RAW, 256);
	d = pcap_dump_open(dead, pcap_path);
	cr_assert_not_null(d);
	for (i = 0; i < 3; i++)
		for (f = 0; f < 2; f++) {
			p = fixture_probe(&tcp, PROBE_IN, strchr(targets[i], ':') ? "2001:db8:ffff::1" :
			    "192.0.2.1", targets[i], &k, 7, f);
			dump(d, &p, 100);
			if (i == 0 && f == 0)
				dump(d, &p, 101);	/* a second RST: a duplicate */
		}
	/* Forged: another key; another round; an echo reply (not asked for). */
	p = fixture_probe(&tcp, PROBE_IN, "192.0.2.1", "198.18.9.9", &other, 7, 0);
	dump(d, &p, 102);
	p = fixture_probe(&tcp, PROBE_IN, "192.0.2.1", "198.18.9.8", &k, 6, 0);
	dump(d, &p, 102);
	p = fixture_probe(&icmp, PROBE_IN, "192.0.2.1", "198.18.9.7", &k, 7, 0);
	dump(d, &p, 102);
	pcap_dump_close(d);
	pcap_close(dead);

	key_path = fixture_write("k.key",
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
	cr_assert_eq(chmod(key_path, 0600), 0);
	listen_opts_defaults(&o);
	o.methods[0] = tcp;
	o.read_pcap = pcap_path;
	o.key_path = key_path;
	o.round = 7;
	o.have_round = 1;
	o.site = "akl";
	out = fopen(fixture_path("rec.txt"), "w");
	cr_assert_not_null(out);
	cr_assert_eq(listen_run(&o, out, &st, &err), 0, "%s", err.msg);
	fclose(out);
	cr_assert_eq(st.packets, 9, "the echo reply does not pass the filter");
	cr_assert_eq(st.accepted, 6);
	cr_assert_eq(st.duplicates, 1);
	cr_assert_eq(st.rejected, 2);
	cr_assert_eq(st.with_rtt, 0);
	text = fixture_read(fixture_path("rec.txt"));
	/* Version 2 lines: ... RTT TTL RECEIVED LOCAL METHOD FLOW, each flow once. */
	for (i = 0; i < 3; i++)
		for (f = 0; f < 2; f++) {
			snprintf(line, sizeof(line), "reply 7 akl %s - 64 100000000 %s tcp:80 %u\n",
			    targets[i], strchr(targets[i], ':') ? "2001:db8:ffff::1" : "192.0.2.1",
			    f);
			cr_assert(strstr(text, line) != NULL, "%s in\n%s", line, text);
		}
	cr_assert(strstr(text, "198.18.9.") == NULL, "a forged reply was recorded:\n%s", text);
	cr_assert(strstr(text, "end 7 akl 6 2 1 0") != NULL, "%s", text);
	free(text);
}
