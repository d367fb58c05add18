/*
 * test_probe_packet.c: echo packets built from the libnet templates:
 * header fields, checksums checked by an independent computation, and
 * encode -> decode -> validate round trips with the tampered cases.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <criterion/criterion.h>

#include "icmp_packet.h"
#include "reply_decode.h"
#include "cookie.h"
#include "fixture.h"

/* The sum of the IPv6 pseudo-header for an ICMPv6 packet of len bytes. */
static unsigned long
pseudo6(const uint8_t *ip6, size_t len)
{
	unsigned long acc = 0;
	uint8_t tail[8] = { 0, 0, (uint8_t)(len >> 8), (uint8_t)len, 0, 0, 0, 58 };

	acc = fixture_ones_sum(ip6 + 8, 32, 0);
	return fixture_ones_sum(tail, 8, acc);
}

/* Build a filled packet of kind for remote from local. */
static struct probe_packet
make(enum icmp_packet_kind kind, const char *local, const char *remote,
    const struct tp_key *k, uint32_t round, uint64_t send_us)
{
	struct probe_packet p;
	struct tp_addr l = fixture_addr_parse(local), r = fixture_addr_parse(remote);
	uint8_t payload[TP_PAYLOAD_LEN];
	struct tp_err err;
	uint16_t id, seq;

	cr_assert_eq(icmp_packet_init(&p, kind, &l, 64, &err), 0, "%s", err.msg);
	cookie_idseq(k, round, &r, &id, &seq);
	cookie_payload(k, round, &r, send_us, payload);
	icmp_packet_fill(&p, &r, id, seq, payload);
	return p;
}

Test(probe_packet, v4_request_fields_and_checksums)
{
	struct tp_key k = fixture_key_salted(0);
	struct probe_packet p = make(ICMP_PACKET_REQUEST, "192.0.2.1", "198.18.5.7", &k, 3, 99);
	struct tp_addr dst = fixture_addr_parse("198.18.5.7");
	uint16_t id, seq;

	cr_assert_eq(p.len, 20 + 8 + TP_PAYLOAD_LEN);
	cr_assert_eq(p.buf[0], 0x45);
	cr_assert_eq(p.buf[2] * 256 + p.buf[3], p.len, "total length");
	cr_assert_eq(p.buf[8], 64, "ttl");
	cr_assert_eq(p.buf[9], 1, "protocol");
	cr_assert_arr_eq(p.buf + 12, ((uint8_t[]){ 192, 0, 2, 1 }), 4);
	cr_assert_arr_eq(p.buf + 16, ((uint8_t[]){ 198, 18, 5, 7 }), 4);
	cr_assert_eq(p.buf[20], 8, "echo request");
	cr_assert_eq(p.buf[21], 0);
	cookie_idseq(&k, 3, &dst, &id, &seq);
	cr_assert_eq(p.buf[24] * 256 + p.buf[25], id);
	cr_assert_eq(p.buf[26] * 256 + p.buf[27], seq);
	cr_assert_arr_eq(p.buf + 28, TP_PAYLOAD_MAGIC, 4);
	cr_assert_eq(fixture_ones_sum(p.buf, 20, 0), 0xffff, "IPv4 header checksum");
	cr_assert_eq(fixture_ones_sum(p.buf + 20, p.len - 20, 0), 0xffff, "ICMP checksum");
}

Test(probe_packet, v6_request_fields_and_checksum)
{
	struct tp_key k = fixture_key_salted(0);
	struct probe_packet p = make(ICMP_PACKET_REQUEST, "2001:db8:ffff::1", "2001:db8:7::42",
	    &k, 3, 99);
	struct tp_addr src = fixture_addr_parse("2001:db8:ffff::1"), dst = fixture_addr_parse("2001:db8:7::42");

	cr_assert_eq(p.len, 40 + 8 + TP_PAYLOAD_LEN);
	cr_assert_eq(p.buf[0] >> 4, 6);
	cr_assert_eq(p.buf[4] * 256 + p.buf[5], 8 + TP_PAYLOAD_LEN, "payload length");
	cr_assert_eq(p.buf[6], 58, "next header");
	cr_assert_eq(p.buf[7], 64, "hop limit");
	cr_assert_arr_eq(p.buf + 8, src.bytes, 16);
	cr_assert_arr_eq(p.buf + 24, dst.bytes, 16);
	cr_assert_eq(p.buf[40], 128, "echo request");
	cr_assert_eq(fixture_ones_sum(p.buf + 40, p.len - 40, pseudo6(p.buf, p.len - 40)), 0xffff,
	    "ICMPv6 checksum with the pseudo-header");
}

Test(probe_packet, checksums_stay_right_when_the_template_is_reused)
{
	struct tp_key k = fixture_key_salted(0);
	struct tp_addr l4 = fixture_addr_parse("192.0.2.1"), l6 = fixture_addr_parse("2001:db8:ffff::1"), r;
	struct probe_packet p4, p6;
	uint8_t payload[TP_PAYLOAD_LEN];
	uint16_t id, seq;
	char s[64];
	int i;

	cr_assert_eq(icmp_packet_init(&p4, ICMP_PACKET_REQUEST, &l4, 64, NULL), 0);
	cr_assert_eq(icmp_packet_init(&p6, ICMP_PACKET_REQUEST, &l6, 64, NULL), 0);
	for (i = 0; i < 500; i++) {
		snprintf(s, sizeof(s), "198.%d.%d.%d", 18 + i % 2, i % 256, (i * 7) % 256);
		r = fixture_addr_parse(s);
		cookie_idseq(&k, (uint32_t)i, &r, &id, &seq);
		cookie_payload(&k, (uint32_t)i, &r, (uint64_t)i * 1000003, payload);
		icmp_packet_fill(&p4, &r, id, seq, payload);
		cr_assert_eq(fixture_ones_sum(p4.buf, 20, 0), 0xffff, "%s", s);
		cr_assert_eq(fixture_ones_sum(p4.buf + 20, p4.len - 20, 0), 0xffff, "%s", s);
		snprintf(s, sizeof(s), "2001:db8:%x::%x", i, i * 31);
		r = fixture_addr_parse(s);
		icmp_packet_fill(&p6, &r, id, seq, payload);
		cr_assert_eq(fixture_ones_sum(p6.buf + 40, p6.len - 40, pseudo6(p6.buf, p6.len - 40)),
		    0xffff, "%s", s);
	}
}

Test(probe_packet, icmp_checksum_known_value)
{
	/* RFC 1071 section 3 example: words 0001 f203 f4f5 f6f7 sum to ddf2. */
	static const uint8_t d[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	cr_assert_eq(probe_checksum(d, sizeof(d), 0), (uint16_t)~0xddf2);
	cr_assert_eq(probe_checksum(d, 3, 0), (uint16_t)~(0x0001 + 0xf200));
}

Test(probe_packet, request_is_not_taken_for_a_reply)
{
	struct tp_key k = fixture_key_salted(0);
	struct probe_packet p = make(ICMP_PACKET_REQUEST, "192.0.2.1", "198.18.5.7", &k, 3, 99);
	struct reply_info r;

	cr_assert_eq(reply_decode_ip(p.buf, p.len, &r), -1);
	p = make(ICMP_PACKET_REQUEST, "2001:db8:ffff::1", "2001:db8::5", &k, 3, 99);
	cr_assert_eq(reply_decode_ip(p.buf, p.len, &r), -1);
}

/* One round-trip case: how the reply is damaged and what the verdict must be. */
struct trip {
	const char *name;
	int tamper_id, tamper_seq;
	size_t cut;		/* payload bytes cut off the end */
	uint32_t verify_round;	/* round the listener checks */
	uint8_t verify_salt;	/* key the listener holds */
	enum tp_verdict want;
};

static const struct trip trips[] = {
	{ "honest", 0, 0, 0, 7, 0, TP_REPLY_FULL },
	{ "payload cut by 1", 0, 0, 1, 7, 0, TP_REPLY_IDSEQ },
	{ "no payload", 0, 0, TP_PAYLOAD_LEN, 7, 0, TP_REPLY_IDSEQ },
	{ "id tampered", 1, 0, 0, 7, 0, TP_REPLY_FORGED },
	{ "seq tampered", 0, 1, 0, 7, 0, TP_REPLY_FORGED },
	{ "wrong round", 0, 0, 0, 8, 0, TP_REPLY_FORGED },
	{ "wrong key", 0, 0, 0, 7, 9, TP_REPLY_FORGED },
};

/* Build a reply from remote, damage it as t says, decode and verify it. */
static void
round_trip(const struct trip *t, const char *local, const char *remote)
{
	struct tp_key k = fixture_key_salted(0), kv = fixture_key_salted(t->verify_salt);
	struct probe_packet p = make(ICMP_PACKET_REPLY, local, remote, &k, 7, 123456789);
	struct tp_addr want_src = fixture_addr_parse(remote), want_dst = fixture_addr_parse(local);
	size_t icmp = p.family == AF_INET ? 20 : 40, len = p.len - t->cut;
	struct reply_info r;
	uint64_t send_us = 0;

	if (t->tamper_id)
		p.buf[icmp + 5] ^= 0x01;
	if (t->tamper_seq)
		p.buf[icmp + 7] ^= 0x80;
	cr_assert_eq(reply_decode_ip(p.buf, len, &r), 0, "%s %s", t->name, remote);
	cr_assert_eq(memcmp(&r.src, &want_src, sizeof(r.src)), 0, "%s: src", t->name);
	cr_assert_eq(memcmp(&r.dst, &want_dst, sizeof(r.dst)), 0, "%s: dst", t->name);
	cr_assert_eq(r.ttl, 64);
	cr_assert_eq(r.payload_len, TP_PAYLOAD_LEN - t->cut, "%s", t->name);
	cr_assert_eq(cookie_verify(&kv, t->verify_round, &r.src, r.id, r.seq, r.payload,
	    r.payload_len, &send_us), t->want, "%s %s", t->name, remote);
	if (t->want == TP_REPLY_FULL)
		cr_assert_eq(send_us, 123456789);
}

Test(probe_packet, round_trips_v4_and_v6)
{
	size_t i;

	for (i = 0; i < sizeof(trips) / sizeof(trips[0]); i++) {
		round_trip(&trips[i], "192.0.2.1", "198.18.200.3");
		round_trip(&trips[i], "2001:db8:ffff::1", "2001:db8:44::9");
	}
}

Test(probe_packet, init_refuses_unknown_family)
{
	struct probe_packet p;
	struct tp_addr a;
	struct tp_err err;

	memset(&a, 0, sizeof(a));
	cr_assert_eq(icmp_packet_init(&p, ICMP_PACKET_REQUEST, &a, 64, &err), -1);
	cr_assert_not_null(strstr(err.msg, "family"));
}
