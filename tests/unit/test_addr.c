/* test_addr.c: address and prefix parsing, formatting, ordering, containment. */
#include <arpa/inet.h>
#include <string.h>

#include <criterion/criterion.h>

#include "addr.h"

/* Parse s or fail the test naming it. */
static struct tp_addr
addr(const char *s)
{
	struct tp_addr a;
	struct tp_err err = { "" };

	cr_assert_eq(tp_addr_parse(s, &a, &err), 0, "parse %s: %s", s,
	    err.msg);
	return a;
}

/* Parse a prefix or fail the test naming it. */
static struct tp_prefix
prefix(const char *s)
{
	struct tp_prefix p;
	struct tp_err err = { "" };

	cr_assert_eq(tp_prefix_parse(s, &p, &err), 0, "parse %s: %s", s,
	    err.msg);
	return p;
}

/* Valid addresses: text in, family and canonical text out, first bytes. */
static const struct {
	const char *in;
	int family;
	const char *out;
	uint8_t b0, b3, b15;
} good_addrs[] = {
	{ "192.0.2.1", AF_INET, "192.0.2.1", 192, 1, 0 },
	{ "0.0.0.0", AF_INET, "0.0.0.0", 0, 0, 0 },
	{ "255.255.255.255", AF_INET, "255.255.255.255", 255, 255, 0 },
	{ "10.0.0.10", AF_INET, "10.0.0.10", 10, 10, 0 },
	{ "2001:db8::1", AF_INET6, "2001:db8::1", 0x20, 0xb8, 1 },
	{ "2001:DB8:0:0:0:0:0:1", AF_INET6, "2001:db8::1", 0x20, 0xb8, 1 },
	{ "::", AF_INET6, "::", 0, 0, 0 },
	{ "::1", AF_INET6, "::1", 0, 0, 1 },
	{ "::ffff:1.2.3.4", AF_INET6, "::ffff:1.2.3.4", 0, 0, 4 },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", AF_INET6,
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0xff, 0xff, 0xff },
	{ "fe80::1:2", AF_INET6, "fe80::1:2", 0xfe, 0, 2 },
};

Test(addr, parse_valid)
{
	char buf[TP_ADDR_STRLEN];
	size_t i;

	for (i = 0; i < sizeof(good_addrs) / sizeof(good_addrs[0]); i++) {
		struct tp_addr a = addr(good_addrs[i].in);

		cr_expect_eq(a.family, good_addrs[i].family, "%s family",
		    good_addrs[i].in);
		cr_expect_str_eq(tp_addr_format(&a, buf, sizeof(buf)),
		    good_addrs[i].out);
		cr_expect_eq(a.bytes[0], good_addrs[i].b0, "%s byte 0",
		    good_addrs[i].in);
		cr_expect_eq(a.bytes[3], good_addrs[i].b3, "%s byte 3",
		    good_addrs[i].in);
		cr_expect_eq(a.bytes[15], good_addrs[i].b15, "%s byte 15",
		    good_addrs[i].in);
		if (a.family == AF_INET) {
			static const uint8_t zero[12];

			cr_expect(memcmp(a.bytes + 4, zero, 12) == 0,
			    "%s: unused bytes not zero", good_addrs[i].in);
		}
	}
}

/* Malformed addresses and a word the reason must contain. */
static const struct {
	const char *in;
	const char *reason;
} bad_addrs[] = {
	{ "", "empty" },
	{ "1.2.3", "only 3 of 4" },
	{ "1.2.3.4.5", "more than 4" },
	{ "256.1.1.1", "above 255" },
	{ "1.2.3.1000", "above 255" },
	{ "01.2.3.4", "leading zero" },
	{ "1.2.3.00", "leading zero" },
	{ "1..3.4", "empty octet" },
	{ "1.2.3.4.", "empty octet" },
	{ ".1.2.3", "empty octet" },
	{ "1.2.3.x", "unexpected character" },
	{ "1.2.3.-4", "unexpected character" },
	{ " 1.2.3.4", "space" },
	{ "1.2.3.4 ", "space" },
	{ "1.2.3.4\n", "space" },
	{ "1.2.3.4/32", "unexpected character" },
	{ "junk", "neither IPv4 nor IPv6" },
	{ "12345", "above 255" },
	{ "::1::2", "only once" },
	{ "2001:db8::g", "unexpected character" },
	{ "1:2:3:4:5:6:7:8:9", "not a valid IPv6" },
	{ "2001:db8::12345", "not a valid IPv6" },
	{ "fe80::1%eth0", "zone" },
	{ ":", "not a valid IPv6" },
	{ "::ffff:1.2.3", "not a valid IPv6" },
	{ "::ffff:01.2.3.4", "not a valid IPv6" },
	{ "2001:db8::1 ", "space" },
	{ "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25.26",
	    "too long" },
};

Test(addr, parse_malformed)
{
	size_t i;

	for (i = 0; i < sizeof(bad_addrs) / sizeof(bad_addrs[0]); i++) {
		struct tp_addr a;
		struct tp_err err = { "" };

		cr_expect_eq(tp_addr_parse(bad_addrs[i].in, &a, &err), -1,
		    "\"%s\" accepted", bad_addrs[i].in);
		cr_expect(strstr(err.msg, bad_addrs[i].reason) != NULL,
		    "\"%s\": reason \"%s\" lacks \"%s\"", bad_addrs[i].in,
		    err.msg, bad_addrs[i].reason);
	}
}

Test(addr, parse_null_and_no_err)
{
	struct tp_addr a;

	cr_expect_eq(tp_addr_parse(NULL, &a, NULL), -1);
	cr_expect_eq(tp_addr_parse("1.2.3", &a, NULL), -1);
}

Test(addr, format_round_trip)
{
	static const char *texts[] = {
		"1.2.3.4", "198.18.255.255", "2001:db8:ffff::", "::ffff:1.2.3.4",
		"fd00:1:2:3:4:5:6:7", "64:ff9b::c000:201",
	};
	char buf[TP_ADDR_STRLEN], buf2[TP_ADDR_STRLEN];
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct tp_addr a = addr(texts[i]), b;

		tp_addr_format(&a, buf, sizeof(buf));
		cr_expect_str_eq(buf, texts[i]);
		b = addr(buf);
		cr_expect_eq(tp_addr_cmp(&a, &b), 0, "%s", texts[i]);
		cr_expect_str_eq(tp_addr_format(&b, buf2, sizeof(buf2)), buf);
	}
}

Test(addr, format_longest_fits)
{
	struct tp_addr a = addr("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255");
	struct tp_prefix p = prefix("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128");
	char buf[TP_ADDR_STRLEN], pbuf[TP_PREFIX_STRLEN];

	tp_addr_format(&a, buf, sizeof(buf));
	cr_expect_str_eq(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	tp_prefix_format(&p, pbuf, sizeof(pbuf));
	cr_expect_str_eq(pbuf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
}

Test(addr, size_and_from_bytes)
{
	static const uint8_t v4[4] = { 198, 18, 0, 1 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct tp_addr a, want;

	cr_expect_eq(tp_addr_size(AF_INET), 4);
	cr_expect_eq(tp_addr_size(AF_INET6), 16);
	cr_expect_eq(tp_addr_size(AF_UNIX), 0);

	memset(&a, 0xaa, sizeof(a));
	cr_assert_eq(tp_addr_from_bytes(&a, v4, 4), 0);
	want = addr("198.18.0.1");
	cr_expect_eq(a.family, AF_INET);
	cr_expect(memcmp(&a, &want, sizeof(a)) == 0, "unused bytes not zeroed");
	cr_assert_eq(tp_addr_from_bytes(&a, v6, 16), 0);
	want = addr("2001:db8::1");
	cr_expect_eq(tp_addr_cmp(&a, &want), 0);
	cr_expect_eq(tp_addr_from_bytes(&a, v6, 8), -1);
	cr_expect_eq(tp_addr_from_bytes(&a, v6, 0), -1);
}

/* Addresses in strictly increasing order under tp_addr_cmp. */
static const char *ordered[] = {
	"0.0.0.0", "0.0.0.1", "1.2.3.4", "9.255.255.255", "10.0.0.0",
	"192.0.2.1", "255.255.255.255",
	"::", "::1", "::ffff:0.0.0.0", "::ffff:1.2.3.4", "2001:db8::",
	"2001:db8::1", "fe80::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
};

Test(addr, cmp_orders_family_then_value)
{
	size_t n = sizeof(ordered) / sizeof(ordered[0]), i, j;

	for (i = 0; i < n; i++) {
		struct tp_addr a = addr(ordered[i]);

		for (j = 0; j < n; j++) {
			struct tp_addr b = addr(ordered[j]);
			int c = tp_addr_cmp(&a, &b);

			if (i < j)
				cr_expect(c < 0, "%s < %s", ordered[i], ordered[j]);
			else if (i > j)
				cr_expect(c > 0, "%s > %s", ordered[i], ordered[j]);
			else
				cr_expect_eq(c, 0, "%s == itself", ordered[i]);
		}
	}
}

/* Valid prefixes: text in, canonical text out, family, length. */
static const struct {
	const char *in;
	const char *out;
	int family;
	unsigned len;
} good_prefixes[] = {
	{ "0.0.0.0/0", "0.0.0.0/0", AF_INET, 0 },
	{ "::/0", "::/0", AF_INET6, 0 },
	{ "198.18.0.0/15", "198.18.0.0/15", AF_INET, 15 },
	{ "10.0.0.0/8", "10.0.0.0/8", AF_INET, 8 },
	{ "192.0.2.1/32", "192.0.2.1/32", AF_INET, 32 },
	{ "192.0.2.1", "192.0.2.1/32", AF_INET, 32 },
	{ "2001:db8::/32", "2001:db8::/32", AF_INET6, 32 },
	{ "2001:DB8:FFFF::/48", "2001:db8:ffff::/48", AF_INET6, 48 },
	{ "::1/128", "::1/128", AF_INET6, 128 },
	{ "::1", "::1/128", AF_INET6, 128 },
	{ "::ffff:0:0/96", "::ffff:0.0.0.0/96", AF_INET6, 96 },
	{ "fc00::/7", "fc00::/7", AF_INET6, 7 },
	{ "128.0.0.0/1", "128.0.0.0/1", AF_INET, 1 },
};

Test(prefix, parse_valid)
{
	char buf[TP_PREFIX_STRLEN];
	size_t i;

	for (i = 0; i < sizeof(good_prefixes) / sizeof(good_prefixes[0]); i++) {
		struct tp_prefix p = prefix(good_prefixes[i].in), q;

		cr_expect_eq(p.addr.family, good_prefixes[i].family, "%s",
		    good_prefixes[i].in);
		cr_expect_eq(p.len, good_prefixes[i].len, "%s",
		    good_prefixes[i].in);
		tp_prefix_format(&p, buf, sizeof(buf));
		cr_expect_str_eq(buf, good_prefixes[i].out);
		q = prefix(buf);
		cr_expect_eq(q.len, p.len);
		cr_expect_eq(tp_addr_cmp(&q.addr, &p.addr), 0, "round trip %s",
		    buf);
	}
}

/* Malformed prefixes and a word the reason must contain. */
static const struct {
	const char *in;
	const char *reason;
} bad_prefixes[] = {
	{ "", "empty" },
	{ "/", "address missing" },
	{ "/24", "address missing" },
	{ "1.2.3.0/", "length missing" },
	{ "1.2.3.4/33", "above 32" },
	{ "::/129", "above 128" },
	{ "2001:db8::/abc", "not a number" },
	{ "1.2.3.0/-1", "not a number" },
	{ "1.2.3.0/+24", "not a number" },
	{ "1.2.3.0/24/", "not a number" },
	{ "1.2.3.0/24x", "not a number" },
	{ "1.2.3.0/024", "leading zero" },
	{ "1.2.3.0/1000", "above 32" },
	{ "::/99999999999999999999", "above 128" },
	{ "1.2.3.4/24", "host bits set" },
	{ "1.2.3.4/24", "1.2.3.0/24" },
	{ "2001:db8::1/64", "host bits set" },
	{ "0.0.0.1/0", "host bits set" },
	{ "::1/127", "host bits set" },
	{ "1.2.3/24", "only 3 of 4" },
	{ "256.0.0.0/8", "above 255" },
	{ "::1::2/64", "only once" },
	{ " 10.0.0.0/8", "space" },
	{ "10.0.0.0/8 ", "space" },
	{ "10.0.0.0 /8", "space" },
	{ "junk/8", "neither" },
};

Test(prefix, parse_malformed)
{
	size_t i;

	for (i = 0; i < sizeof(bad_prefixes) / sizeof(bad_prefixes[0]); i++) {
		struct tp_prefix p;
		struct tp_err err = { "" };

		cr_expect_eq(tp_prefix_parse(bad_prefixes[i].in, &p, &err), -1,
		    "\"%s\" accepted", bad_prefixes[i].in);
		cr_expect(strstr(err.msg, bad_prefixes[i].reason) != NULL,
		    "\"%s\": reason \"%s\" lacks \"%s\"", bad_prefixes[i].in,
		    err.msg, bad_prefixes[i].reason);
	}
}

/* Containment: prefix, address, expected. */
static const struct {
	const char *prefix;
	const char *addr;
	int in;
} contains_cases[] = {
	{ "198.18.0.0/15", "198.18.0.0", 1 },		/* first */
	{ "198.18.0.0/15", "198.19.255.255", 1 },	/* last */
	{ "198.18.0.0/15", "198.17.255.255", 0 },	/* one before */
	{ "198.18.0.0/15", "198.20.0.0", 0 },		/* one after */
	{ "192.0.2.0/24", "192.0.2.128", 1 },
	{ "192.0.2.0/24", "192.0.3.0", 0 },
	{ "10.0.0.0/8", "10.255.255.255", 1 },
	{ "10.0.0.0/8", "11.0.0.0", 0 },
	{ "10.0.0.0/8", "9.255.255.255", 0 },
	{ "0.0.0.0/0", "255.255.255.255", 1 },
	{ "0.0.0.0/0", "0.0.0.0", 1 },
	{ "0.0.0.0/0", "::", 0 },			/* other family */
	{ "::/0", "1.2.3.4", 0 },
	{ "::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
	{ "192.0.2.1/32", "192.0.2.1", 1 },
	{ "192.0.2.1/32", "192.0.2.0", 0 },
	{ "192.0.2.1/32", "192.0.2.2", 0 },
	{ "2001:db8::/32", "2001:db8::", 1 },
	{ "2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
	{ "2001:db8::/32", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", 0 },
	{ "2001:db8::/32", "2001:db9::", 0 },
	{ "fc00::/7", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
	{ "fc00::/7", "fe00::", 0 },
	{ "fc00::/7", "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0 },
	{ "::1/128", "::1", 1 },
	{ "::1/128", "::2", 0 },
	{ "::ffff:0:0/96", "::ffff:1.2.3.4", 1 },
	{ "::ffff:0:0/96", "1.2.3.4", 0 },		/* mapped is not IPv4 */
	{ "2001:db8:1::/63", "2001:db8:1:1:ffff:ffff:ffff:ffff", 1 },
	{ "2001:db8:1::/63", "2001:db8:1:2::", 0 },
};

Test(prefix, contains_edges)
{
	size_t i;

	for (i = 0; i < sizeof(contains_cases) / sizeof(contains_cases[0]); i++) {
		struct tp_prefix p = prefix(contains_cases[i].prefix);
		struct tp_addr a = addr(contains_cases[i].addr);

		cr_expect_eq(tp_prefix_contains(&p, &a), contains_cases[i].in,
		    "%s in %s should be %d", contains_cases[i].addr,
		    contains_cases[i].prefix, contains_cases[i].in);
	}
}

/* Coverage: outer, inner, expected. */
static const struct {
	const char *outer, *inner;
	int covers;
} covers_cases[] = {
	{ "10.0.0.0/8", "10.1.0.0/16", 1 },
	{ "10.0.0.0/8", "10.0.0.0/8", 1 },
	{ "10.0.0.0/8", "10.0.0.0/7", 0 },		/* wider, same start */
	{ "10.0.0.0/8", "11.0.0.0/16", 0 },
	{ "0.0.0.0/0", "255.255.255.255/32", 1 },
	{ "0.0.0.0/0", "::/0", 0 },
	{ "2001::/23", "2001:db8::/32", 0 },
	{ "2001::/23", "2001:1ff::/32", 1 },
	{ "2001::/23", "2001:200::/32", 0 },
	{ "::/0", "2001:db8::1/128", 1 },
	{ "2001:db8::/32", "2001:db8::/31", 0 },
};

Test(prefix, covers)
{
	size_t i;

	for (i = 0; i < sizeof(covers_cases) / sizeof(covers_cases[0]); i++) {
		struct tp_prefix o = prefix(covers_cases[i].outer);
		struct tp_prefix in = prefix(covers_cases[i].inner);

		cr_expect_eq(tp_prefix_covers(&o, &in), covers_cases[i].covers,
		    "%s covers %s should be %d", covers_cases[i].outer,
		    covers_cases[i].inner, covers_cases[i].covers);
	}
}

/* Masking: address, length, expected result. */
static const struct {
	const char *in;
	unsigned len;
	const char *out;
} mask_cases[] = {
	{ "198.18.37.201", 24, "198.18.37.0" },
	{ "198.18.37.201", 15, "198.18.0.0" },
	{ "198.19.37.201", 15, "198.18.0.0" },
	{ "255.255.255.255", 0, "0.0.0.0" },
	{ "255.255.255.255", 1, "128.0.0.0" },
	{ "255.255.255.255", 31, "255.255.255.254" },
	{ "255.255.255.255", 32, "255.255.255.255" },
	{ "255.255.255.255", 40, "255.255.255.255" },	/* past the width */
	{ "2001:db8:1:2:3:4:5:6", 48, "2001:db8:1::" },
	{ "2001:db8:1:2:3:4:5:6", 64, "2001:db8:1:2::" },
	{ "2001:db8:1:2:3:4:5:6", 63, "2001:db8:1:2::" },
	{ "2001:db8:1:3:3:4:5:6", 63, "2001:db8:1:2::" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 127,
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0, "::" },
	{ "::1", 128, "::1" },
};

Test(addr, mask)
{
	char buf[TP_ADDR_STRLEN];
	size_t i;

	for (i = 0; i < sizeof(mask_cases) / sizeof(mask_cases[0]); i++) {
		struct tp_addr a = addr(mask_cases[i].in);

		tp_addr_mask(&a, mask_cases[i].len);
		cr_expect_str_eq(tp_addr_format(&a, buf, sizeof(buf)),
		    mask_cases[i].out, "%s/%u", mask_cases[i].in,
		    mask_cases[i].len);
	}
}

Test(prefix, format_truncates_safely)
{
	struct tp_prefix p = prefix("198.18.0.0/15");
	char buf[8];

	tp_prefix_format(&p, buf, sizeof(buf));
	cr_expect_str_eq(buf, "198.18.");
}
