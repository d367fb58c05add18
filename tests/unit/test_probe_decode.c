/*
 * test_probe_decode.c: reply_decode on every link type, on damaged and
 * garbage frames; the address set, the permutation and the rate limiter.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <criterion/criterion.h>
#include <pcap/pcap.h>

#include "addr_set.h"
#include "fixture.h"
#include "icmp_packet.h"
#include "permute.h"
#include "rate_limit.h"
#include "reply_decode.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

/* An echo reply from remote to the anycast address, as an IP packet in buf. */
static size_t
reply_ip(const char *remote, uint8_t *buf)
{
	struct tp_addr r = fixture_addr_parse(remote), l;
	uint8_t payload[TP_PAYLOAD_LEN];
	struct probe_packet p;
	size_t i;

	l = fixture_addr_parse(r.family == AF_INET ? "192.0.2.1" : "2001:db8:ffff::1");
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	cr_assert_eq(icmp_packet_init(&p, ICMP_PACKET_REPLY, &l, 50, NULL), 0);
	icmp_packet_fill(&p, &r, 0x1234, 0x5678, payload);
	memcpy(buf, p.buf, p.len);
	return p.len;
}

/* Put a link header of dlt (ethertype type) before len bytes of ip. */
static size_t
frame_of(int dlt, uint16_t type, const uint8_t *ip, size_t len, uint8_t *f)
{
	size_t h = 0;

	memset(f, 0xee, 20);
	if (dlt == DLT_EN10MB) {
		f[12] = (uint8_t)(type >> 8);
		f[13] = (uint8_t)type;
		h = 14;
	} else if (dlt == DLT_LINUX_SLL) {
		f[14] = (uint8_t)(type >> 8);
		f[15] = (uint8_t)type;
		h = 16;
	} else if (dlt == DLT_LINUX_SLL2) {
		f[0] = (uint8_t)(type >> 8);
		f[1] = (uint8_t)type;
		h = 20;
	}
	memcpy(f + h, ip, len);
	return h + len;
}

/* Check r holds the reply reply_ip built from remote. */
static void
assert_reply(const struct reply_info *r, const char *remote)
{
	struct tp_addr want = fixture_addr_parse(remote);

	cr_assert_eq(memcmp(&r->src, &want, sizeof(want)), 0, "%s", remote);
	cr_assert_eq(r->id, 0x1234);
	cr_assert_eq(r->seq, 0x5678);
	cr_assert_eq(r->ttl, 50);
	cr_assert_eq(r->payload_len, TP_PAYLOAD_LEN);
	cr_assert_eq(r->payload[5], 5);
}

Test(probe_decode, every_link_type)
{
	static const int dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW };
	static const char *const remotes[] = { "198.18.9.9", "2001:db8:9::9" };
	uint8_t ip[128], f[256];
	struct reply_info r;
	size_t i, j, len, flen;

	for (i = 0; i < 4; i++) {
		cr_assert(reply_decode_supported(dlts[i]));
		for (j = 0; j < 2; j++) {
			len = reply_ip(remotes[j], ip);
			flen = frame_of(dlts[i], j == 0 ? 0x0800 : 0x86dd, ip, len, f);
			cr_assert_eq(reply_decode(dlts[i], f, flen, &r), 0, "dlt %d %s", dlts[i],
			    remotes[j]);
			assert_reply(&r, remotes[j]);
		}
	}
	cr_assert_not(reply_decode_supported(DLT_NULL));
	cr_assert_eq(reply_decode(DLT_NULL, f, flen, &r), -1);
}

Test(probe_decode, every_truncation_is_safe)
{
	uint8_t ip[128], f[256], *copy;
	struct reply_info r;
	size_t len, flen, cut, need;
	int fam;

	for (fam = 0; fam < 2; fam++) {
		len = reply_ip(fam ? "2001:db8::77" : "198.18.0.77", ip);
		flen = frame_of(DLT_EN10MB, fam ? 0x86dd : 0x0800, ip, len, f);
		need = 14 + (fam ? 40 : 20) + 8;
		for (cut = 0; cut <= flen; cut++) {
			/* A heap copy of exactly cut bytes, so ASan sees any overread. */
			copy = malloc(cut ? cut : 1);
			memcpy(copy, f, cut);
			if (cut < need) {
				cr_assert_eq(reply_decode(DLT_EN10MB, copy, cut, &r), -1, "cut %zu", cut);
			} else {
				cr_assert_eq(reply_decode(DLT_EN10MB, copy, cut, &r), 0, "cut %zu", cut);
				cr_assert_eq(r.payload_len, cut - need);
			}
			free(copy);
		}
	}
}

Test(probe_decode, malformed_packets_are_refused)
{
	uint8_t ip[128], f[256], bad[128];
	struct reply_info r;
	size_t len, flen;

	len = reply_ip("198.18.0.5", ip);
	/* Fragments: MF set, or an offset. */
	memcpy(bad, ip, len);
	bad[6] = 0x20;
	cr_assert_eq(reply_decode_ip(bad, len, &r), -1, "MF");
	memcpy(bad, ip, len);
	bad[7] = 0x01;
	cr_assert_eq(reply_decode_ip(bad, len, &r), -1, "offset");
	/* Header length below 20, or past the end. */
	memcpy(bad, ip, len);
	bad[0] = 0x44;
	cr_assert_eq(reply_decode_ip(bad, len, &r), -1, "ihl 4");
	memcpy(bad, ip, len);
	bad[0] = 0x4f;
	cr_assert_eq(reply_decode_ip(bad, 40, &r), -1, "ihl past the end");
	/* Total length shorter than the header. */
	memcpy(bad, ip, len);
	bad[2] = 0;
	bad[3] = 10;
	cr_assert_eq(reply_decode_ip(bad, len, &r), -1, "total < ihl");
	/* Not ICMP, not an echo reply, a nonzero code. */
	memcpy(bad, ip, len);
	bad[9] = 17;
	cr_assert_eq(reply_decode_ip(bad, len, &r), -1, "udp");
	memcpy(bad, ip, len);
	bad[20] = 3;
	cr_assert_eq(reply_decode_ip(bad, len, &r), -1, "unreachable");
	memcpy(bad, ip, len);
	bad[21] = 1;
	cr_assert_eq(reply_decode_ip(bad, len, &r), -1, "code 1");
	/* Wrong version nibble for the ethertype. */
	flen = frame_of(DLT_EN10MB, 0x86dd, ip, len, f);
	cr_assert_eq(reply_decode(DLT_EN10MB, f, flen, &r), -1, "v4 inside 86dd");
	flen = frame_of(DLT_EN10MB, 0x0806, ip, len, f);
	cr_assert_eq(reply_decode(DLT_EN10MB, f, flen, &r), -1, "ARP");
	cr_assert_eq(reply_decode(DLT_EN10MB, NULL, 0, &r), -1, "NULL");
}

Test(probe_decode, ip_options_and_padding)
{
	uint8_t ip[128], opt[160], f[256];
	struct reply_info r;
	size_t len, flen;

	len = reply_ip("198.18.0.6", ip);
	/* Four bytes of options (NOPs): ihl 6. */
	memcpy(opt, ip, 20);
	memset(opt + 20, 1, 4);
	memcpy(opt + 24, ip + 20, len - 20);
	opt[0] = 0x46;
	opt[3] = (uint8_t)(len + 4);
	cr_assert_eq(reply_decode_ip(opt, len + 4, &r), 0);
	assert_reply(&r, "198.18.0.6");
	/* Ethernet padding after the packet is not payload. */
	flen = frame_of(DLT_EN10MB, 0x0800, ip, len, f);
	memset(f + flen, 0, 10);
	cr_assert_eq(reply_decode(DLT_EN10MB, f, flen + 10, &r), 0);
	assert_reply(&r, "198.18.0.6");
}

Test(probe_decode, vlan_tags)
{
	uint8_t ip[128], f[256];
	struct reply_info r;
	size_t len;

	len = reply_ip("198.18.0.8", ip);
	memset(f, 0, 12);
	f[12] = 0x81; f[13] = 0x00; f[14] = 0; f[15] = 7;
	f[16] = 0x08; f[17] = 0x00;
	memcpy(f + 18, ip, len);
	cr_assert_eq(reply_decode(DLT_EN10MB, f, 18 + len, &r), 0, "one tag");
	assert_reply(&r, "198.18.0.8");
	/* Three tags are more than the decoder follows. */
	f[12] = 0x88; f[13] = 0xa8; f[16] = 0x81; f[17] = 0x00; f[20] = 0x81; f[21] = 0x00;
	f[24] = 0x08; f[25] = 0x00;
	memcpy(f + 26, ip, len);
	cr_assert_eq(reply_decode(DLT_EN10MB, f, 26 + len, &r), -1, "three tags");
}

Test(probe_decode, ipv6_extension_headers)
{
	uint8_t ip[128], ext[200];
	struct reply_info r;
	size_t len;

	len = reply_ip("2001:db8::8", ip);
	/* A hop-by-hop header (8 bytes) before ICMPv6. */
	memcpy(ext, ip, 40);
	ext[6] = 0;
	ext[40] = 58;
	ext[41] = 0;
	memset(ext + 42, 0, 6);
	memcpy(ext + 48, ip + 40, len - 40);
	ext[5] = (uint8_t)(len - 40 + 8);
	cr_assert_eq(reply_decode_ip(ext, len + 8, &r), 0, "hop-by-hop");
	assert_reply(&r, "2001:db8::8");
	/* A fragment header is refused. */
	ext[6] = 44;
	cr_assert_eq(reply_decode_ip(ext, len + 8, &r), -1, "fragment");
	/* An extension header claiming more than was captured. */
	ext[6] = 60;
	ext[41] = 200;
	cr_assert_eq(reply_decode_ip(ext, len + 8, &r), -1, "long option");
}

Test(probe_decode, random_garbage_never_crashes)
{
	static const int dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW };
	struct reply_info r;
	uint8_t *buf;
	size_t len;
	int i, d, ok = 0;

	srand(12345);
	for (i = 0; i < 20000; i++) {
		len = (size_t)(rand() % 120);
		buf = malloc(len ? len : 1);
		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t)rand();
		/* Sometimes make it look like IP to get deeper. */
		if (len > 20 && i % 2)
			buf[0] = i % 4 == 1 ? 0x45 : 0x60;
		d = dlts[i % 4];
		if (reply_decode(d, buf, len, &r) == 0) {
			ok++;
			cr_assert(r.payload_len <= len);
		}
		free(buf);
	}
	cr_assert_lt(ok, 200, "garbage decoded as replies too often: %d", ok);
}

Test(probe_decode, addr_set_adds_once_and_grows)
{
	struct addr_set s;
	struct tp_addr a;
	int i;

	addr_set_init(&s);
	for (i = 0; i < 20000; i++) {
		memset(&a, 0, sizeof(a));
		a.family = i % 2 ? AF_INET6 : AF_INET;
		a.bytes[0] = (uint8_t)(i >> 8);
		a.bytes[3] = (uint8_t)i;
		cr_assert_eq(addr_set_add(&s, &a), 1, "%d", i);
	}
	for (i = 0; i < 20000; i += 7) {
		memset(&a, 0, sizeof(a));
		a.family = i % 2 ? AF_INET6 : AF_INET;
		a.bytes[0] = (uint8_t)(i >> 8);
		a.bytes[3] = (uint8_t)i;
		cr_assert_eq(addr_set_add(&s, &a), 0, "%d again", i);
	}
	/* Same bytes, other family: a different address. */
	memset(&a, 0, sizeof(a));
	a.family = AF_INET6;
	cr_assert_eq(addr_set_add(&s, &a), 1);
	cr_assert_eq(s.n, 20001);
	addr_set_free(&s);
}

Test(probe_decode, permutation_is_seeded_and_complete)
{
	enum { N = 1000 };
	unsigned a[N], b[N], c[N], seen[N];
	int i, moved = 0, diff = 0;

	for (i = 0; i < N; i++)
		a[i] = b[i] = c[i] = (unsigned)i;
	permute_shuffle(a, N, sizeof(a[0]), 42);
	permute_shuffle(b, N, sizeof(b[0]), 42);
	permute_shuffle(c, N, sizeof(c[0]), 43);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < N; i++) {
		cr_assert_eq(a[i], b[i], "same seed, same order");
		cr_assert_lt(a[i], N);
		seen[a[i]]++;
		moved += a[i] != (unsigned)i;
		diff += a[i] != c[i];
	}
	for (i = 0; i < N; i++)
		cr_assert_eq(seen[i], 1, "%d appears once", i);
	cr_assert_gt(moved, N * 9 / 10);
	cr_assert_gt(diff, N * 9 / 10);
	permute_shuffle(a, 0, sizeof(a[0]), 1);
	permute_shuffle(a, 1, sizeof(a[0]), 1);
}

Test(probe_decode, rate_limit_batches)
{
	cr_assert_eq(rate_limit_batch(0, 64), 64);
	cr_assert_eq(rate_limit_batch(100, 64), 1);
	cr_assert_eq(rate_limit_batch(200000, 64), 20);
	cr_assert_eq(rate_limit_batch(10000000, 64), 64);
}

Test(probe_decode, rate_limit_paces)
{
	struct rate_limit rl;
	uint64_t total = 0;
	int64_t t0, ns;

	rate_limit_start(&rl, 50000);
	t0 = rate_limit_now_ns();
	while (total < 10000)
		total += rate_limit_wait(&rl, 5);
	ns = rate_limit_now_ns() - t0;
	/* 10000 packets at 50000/s: 0.2 s (the first is due at once). */
	cr_assert_geq(ns, 195000000, "too fast: %lld ns", (long long)ns);
	/* Only a loaded machine makes it slower; the bound is loose on purpose. */
	cr_assert_lt(ns, 2000000000, "too slow: %lld ns", (long long)ns);
	rate_limit_start(&rl, 0);
	cr_assert_eq(rate_limit_wait(&rl, 64), 64);
	cr_assert_eq(rate_limit_wait(&rl, 0), 0);
}
