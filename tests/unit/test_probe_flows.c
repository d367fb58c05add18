/*
 * test_probe_flows.c: flows and several methods: ICMP flows through the
 * cookie, one listener for ICMP and TCP with a seen-set per method and
 * flow, the multi-round listener finding a reply's round, method names,
 * and the capture filters (compiled by libpcap).
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <pcap/pcap.h>

#include "cookie.h"
#include "fixture.h"
#include "listen.h"
#include "listen_rounds.h"
#include "probe_fixture.h"

Test(probe_flows, icmp_flows_round_trip)
{
	struct tp_key k = fixture_key_salted(8);
	struct probe_method m = fixture_method("icmp");
	struct probe_packet p;
	struct tally_reply out;
	uint16_t id0, seq0, id, seq;
	struct tp_addr d = fixture_addr_parse("198.18.5.7");
	unsigned f;

	cookie_idseq(&k, 2, &d, &id0, &seq0);
	cookie_idseq_flow(&k, 2, &d, 0, &id, &seq);
	cr_assert(id == id0 && seq == seq0, "flow 0 is the cookie of one probe per target");
	for (f = 0; f < TP_FLOWS_MAX; f++) {
		p = fixture_probe(&m, PROBE_IN, "192.0.2.1", "198.18.5.7", &k, 2, f);
		cr_assert_eq(fixture_judge(&p, &k, 2, &m, 1, &out), TALLY_ACCEPTED, "flow %u", f);
		cr_assert_eq(out.flow, f);
		cr_assert_eq(out.rtt_us, 5000 - 1000, "the payload still gives the RTT");
		if (f > 0) {
			cookie_idseq_flow(&k, 2, &d, f, &id, &seq);
			cr_assert(id != id0 || seq != seq0, "flow %u varies id/seq", f);
		}
	}
	/* Another round's flow 3 is forged. */
	p = fixture_probe(&m, PROBE_IN, "192.0.2.1", "198.18.5.7", &k, 3, 3);
	cr_assert_eq(fixture_judge(&p, &k, 2, &m, 1, &out), TALLY_REJECTED);
}

Test(probe_flows, one_listener_several_methods_and_flows)
{
	struct tp_key k = fixture_key_salted(9);
	struct probe_method ms[2] = { fixture_method("icmp"), fixture_method("tcp:80") };
	static struct tp_prefix ranges[1];
	struct probe_packet p[5];
	struct reply_tally t;
	struct tally_reply out;

	cr_assert_eq(tp_prefix_parse("192.0.2.0/24", &ranges[0], NULL), 0);
	p[0] = fixture_probe(&ms[0], PROBE_IN, "192.0.2.1", "198.18.5.7", &k, 1, 0);
	p[1] = fixture_probe(&ms[0], PROBE_IN, "192.0.2.1", "198.18.5.7", &k, 1, 1);
	p[2] = fixture_probe(&ms[1], PROBE_IN, "192.0.2.1", "198.18.5.7", &k, 1, 0);
	p[3] = fixture_probe(&ms[1], PROBE_IN, "192.0.2.1", "198.18.5.7", &k, 1, 1);
	p[4] = p[3];
	reply_tally_init(&t, &k, 1, ranges, 1);
	reply_tally_set_methods(&t, ms, 2);
	cr_assert_eq(reply_tally_frame(&t, DLT_RAW, p[0].buf, p[0].len, 1, &out), TALLY_ACCEPTED);
	cr_assert_eq(reply_tally_frame(&t, DLT_RAW, p[1].buf, p[1].len, 1, &out), TALLY_ACCEPTED);
	cr_assert_eq(reply_tally_frame(&t, DLT_RAW, p[2].buf, p[2].len, 1, &out), TALLY_ACCEPTED);
	cr_assert_eq(out.method, &ms[1]);
	cr_assert_eq(reply_tally_frame(&t, DLT_RAW, p[3].buf, p[3].len, 1, &out), TALLY_ACCEPTED);
	cr_assert_eq(out.flow, 1);
	cr_assert_eq(reply_tally_frame(&t, DLT_RAW, p[4].buf, p[4].len, 1, &out),
	    TALLY_DUPLICATE, "same target, method and flow");
	cr_assert_eq(t.accepted, 4);
	cr_assert_eq(t.duplicates, 1);
	reply_tally_free(&t);
}

/* A method name and whether it parses (and how it is written back). */
struct name_case {
	const char *in;
	const char *out;	/* NULL: refused */
};

static const struct name_case name_cases[] = {
	{ "icmp", "icmp" }, { "tcp:80", "tcp:80" }, { "tcp:65535", "tcp:65535" },
	{ "tcp:1", "tcp:1" }, { "tcp", NULL }, { "tcp:", NULL }, { "tcp:0", NULL },
	{ "tcp:65536", NULL }, { "tcp:80x", NULL }, { "tcp:-1", NULL }, { "icmp:1", NULL },
	{ "udp:53", NULL }, { "", NULL }, { "ICMP", NULL },
};

Test(probe_flows, method_names)
{
	struct probe_method m;
	char buf[PROBE_METHOD_NAME_MAX];
	struct tp_err err;
	size_t i;

	for (i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
		if (name_cases[i].out == NULL) {
			cr_assert_eq(probe_method_parse(name_cases[i].in, &m, &err), -1, "%s",
			    name_cases[i].in);
			cr_assert(strstr(err.msg, "probe method") != NULL, "%s", err.msg);
			continue;
		}
		cr_assert_eq(probe_method_parse(name_cases[i].in, &m, &err), 0, "%s", err.msg);
		probe_method_format(&m, buf);
		cr_assert_str_eq(buf, name_cases[i].out);
	}
}

/* 1 when libpcap compiles filter for link type dlt. */
static int
compiles(const char *filter, int dlt)
{
	pcap_t *p = pcap_open_dead(dlt, 256);
	struct bpf_program prog;
	int ok;

	ok = pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == 0;
	if (ok)
		pcap_freecode(&prog);
	else
		cr_log_error("%s: %s", filter, pcap_geterr(p));
	pcap_close(p);
	return ok;
}

Test(probe_flows, capture_filters)
{
	struct listen_opts o;
	struct tp_err err;
	char buf[4096];

	listen_opts_defaults(&o);
	o.methods[0] = fixture_method("tcp:80");
	cr_assert_eq(listen_filter(&o, buf, sizeof(buf), &err), 0, "%s", err.msg);
	cr_assert_str_eq(buf, "(tcp[tcpflags] & tcp-rst != 0 and tcp src port 80 and tcp dst "
	    "portrange 61000-61015 and (dst net 192.0.2.0/24)) or (ip6[6] == 6 and ip6[53] & 4 "
	    "!= 0 and tcp src port 80 and tcp dst portrange 61000-61015 and (dst net "
	    "2001:db8:ffff::/48))");
	cr_assert(compiles(buf, DLT_LINUX_SLL));
	cr_assert(compiles(buf, DLT_EN10MB));
	o.methods[1] = o.methods[0];
	o.methods[0] = fixture_method("icmp");
	o.nmethods = 2;
	cr_assert_eq(listen_filter(&o, buf, sizeof(buf), &err), 0, "%s", err.msg);
	cr_assert_str_eq(buf, "(((icmp[icmptype] == icmp-echoreply) or (tcp[tcpflags] & tcp-rst "
	    "!= 0 and tcp src port 80 and tcp dst portrange 61000-61015)) and (dst net "
	    "192.0.2.0/24)) or (((icmp6 and ip6[40] == 129) or (ip6[6] == 6 and ip6[53] & 4 != 0 "
	    "and tcp src port 80 and tcp dst portrange 61000-61015)) and (dst net "
	    "2001:db8:ffff::/48))");
	cr_assert(compiles(buf, DLT_LINUX_SLL));
	cr_assert_eq(listen_filter(&o, buf, 64, &err), -1, "too long for the buffer");
}

Test(probe_flows, multi_round_listener_finds_a_rsts_round)
{
	struct tp_key k = fixture_key_salted(11);
	struct probe_method ms[2] = { fixture_method("icmp"), fixture_method("tcp:80") };
	static struct tp_prefix ranges[1];
	struct probe_packet p;
	struct round_book b;
	struct tally_reply out;
	struct tp_err err;
	uint32_t round = 0;

	cr_assert_eq(tp_prefix_parse("192.0.2.0/24", &ranges[0], NULL), 0);
	round_book_init(&b, &k, ranges, 1);
	b.methods = ms;
	b.nmethods = 2;
	cr_assert_eq(round_book_open(&b, 5, ranges, 0, 0, &err), 0, "%s", err.msg);
	cr_assert_eq(round_book_open(&b, 6, ranges, 0, 0, &err), 0, "%s", err.msg);
	/* No payload names the round: the RST's cookie and the id/seq of flow 2 do. */
	p = fixture_probe(&ms[1], PROBE_IN, "192.0.2.1", "198.18.5.7", &k, 6, 1);
	cr_assert_eq(round_book_frame(&b, DLT_RAW, p.buf, p.len, 1, &out, &round), TALLY_ACCEPTED);
	cr_assert_eq(round, 6);
	cr_assert_eq(out.flow, 1);
	p = fixture_probe(&ms[0], PROBE_IN, "192.0.2.1", "198.18.5.7", &k, 5, 2);
	memset(p.buf + 28, 0, TP_PAYLOAD_LEN);	/* a reply without our payload */
	cr_assert_eq(round_book_frame(&b, DLT_RAW, p.buf, p.len, 1, &out, &round), TALLY_ACCEPTED);
	cr_assert_eq(round, 5);
	cr_assert_eq(out.flow, 2);
	/* A round that is not open. */
	p = fixture_probe(&ms[1], PROBE_IN, "192.0.2.1", "198.18.5.7", &k, 7, 0);
	cr_assert_eq(round_book_frame(&b, DLT_RAW, p.buf, p.len, 1, &out, &round),
	    TALLY_REJECTED);
	round_book_free(&b);
}
