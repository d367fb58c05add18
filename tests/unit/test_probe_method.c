/*
 * test_probe_method.c: the probe method table and the ICMP method through
 * its callbacks: lookup by name, a filled probe validates, a wrong key or
 * round does not, and the forged template is an echo reply.
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include <criterion/criterion.h>

#include "../../probe/probe_method.h"
#include "../../probe/reply_decode.h"

/* A key with bytes salt, salt+1, ... */
static struct tp_key
method_key(uint8_t salt)
{
	uint8_t raw[TP_KEY_BYTES];
	struct tp_key k;
	size_t i;

	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (uint8_t)(i + salt);
	tp_key_from_bytes(&k, raw);
	return k;
}

/* The address s (IPv4 or IPv6). */
static struct tp_addr
method_addr(const char *s)
{
	struct tp_addr a;

	memset(&a, 0, sizeof(a));
	a.family = strchr(s, ':') ? AF_INET6 : AF_INET;
	cr_assert_eq(inet_pton(a.family, s, a.bytes), 1, "%s", s);
	return a;
}

Test(probe_method, table_lookup)
{
	cr_assert_eq(probe_methods[0], &probe_method_icmp, "icmp is the default");
	cr_assert_eq(probe_method_find("icmp"), &probe_method_icmp);
	cr_assert_null(probe_method_find("icmpx"));
	cr_assert_null(probe_method_find(""));
	cr_assert_str_eq(probe_method_icmp.filter4, "icmp[icmptype] == icmp-echoreply");
}

/* Forge a reply from remote to local with method m, decode it, validate it. */
static enum tp_verdict
forge_and_validate(const struct probe_method *m, const char *local, const char *remote,
    const struct tp_key *sign, const struct tp_key *check, uint32_t round_sent,
    uint32_t round_checked, uint64_t *send_us)
{
	struct tp_addr l = method_addr(local), r = method_addr(remote);
	struct icmp_packet p;
	struct reply_info info;
	struct tp_err err;

	cr_assert_eq(m->make_template(&p, 1, &l, 64, &err), 0, "%s", err.msg);
	m->make_packet(&p, sign, round_sent, &r, 1234567);
	cr_assert_eq(reply_decode_ip(p.buf, p.len, &info), 0, "forged reply decodes");
	cr_assert_eq(tp_addr_cmp(&info.src, &r), 0);
	cr_assert_eq(tp_addr_cmp(&info.dst, &l), 0);
	return m->validate(check, round_checked, &info, send_us);
}

Test(probe_method, icmp_round_trip_both_families)
{
	struct tp_key k = method_key(1), other = method_key(2);
	const char *fam[][2] = { { "192.0.2.1", "198.51.100.7" },
	    { "2001:db8:ffff::1", "2001:db8:1::7" } };
	uint64_t send_us = 0;
	size_t i;

	for (i = 0; i < 2; i++) {
		cr_assert_eq(forge_and_validate(&probe_method_icmp, fam[i][0], fam[i][1], &k, &k,
		    5, 5, &send_us), TP_REPLY_FULL);
		cr_assert_eq(send_us, 1234567);
		cr_assert_eq(forge_and_validate(&probe_method_icmp, fam[i][0], fam[i][1], &k,
		    &other, 5, 5, &send_us), TP_REPLY_FORGED, "wrong key");
		cr_assert_eq(forge_and_validate(&probe_method_icmp, fam[i][0], fam[i][1], &k, &k,
		    5, 6, &send_us), TP_REPLY_FORGED, "wrong round");
	}
}
