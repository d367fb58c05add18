/* test_exclude.c: exclusion list loading and lookups at range edges. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "exclude.h"
#include "fixture.h"

/* Parse an address or fail the test. */
static struct tp_addr
addr(const char *s)
{
	struct tp_addr a;
	struct tp_err err = { "" };

	cr_assert_eq(tp_addr_parse(s, &a, &err), 0, "%s: %s", s, err.msg);
	return a;
}

/* Parse a prefix or fail the test. */
static struct tp_prefix
prefix(const char *s)
{
	struct tp_prefix p;
	struct tp_err err = { "" };

	cr_assert_eq(tp_prefix_parse(s, &p, &err), 0, "%s: %s", s, err.msg);
	return p;
}

/* Add d (+1 or -1) to an address, wrapping within its family's width. */
static void
addr_step(struct tp_addr *a, int d)
{
	int i = (int)tp_addr_size(a->family) - 1;

	for (; i >= 0; i--) {
		a->bytes[i] = (uint8_t)(a->bytes[i] + d);
		if ((d > 0 && a->bytes[i] != 0) || (d < 0 && a->bytes[i] != 0xff))
			break;
	}
}

/* The last address of a prefix. */
static struct tp_addr
prefix_last(const struct tp_prefix *p)
{
	struct tp_addr a = p->addr;
	unsigned bits = (unsigned)tp_addr_size(a.family) * 8, i;

	for (i = p->len; i < bits; i++)
		a.bytes[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	return a;
}

/* Is a in any of the prefixes (the obviously right, slow way)? */
static int
linear_contains(const struct tp_prefix *ps, size_t n, const struct tp_addr *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tp_prefix_contains(&ps[i], a))
			return 1;
	return 0;
}

Test(exclude, default_path)
{
	const char *p = tp_exclude_default_path();

	cr_expect_str_eq(p, PKGDATADIR "/exclude.conf");
	cr_expect(p[0] == '/', "default path %s is not absolute", p);
}

Test(exclude, empty_list)
{
	struct tp_exclude *x = tp_exclude_new();
	struct tp_addr a = addr("0.0.0.0"), b = addr("::");

	cr_expect_eq(tp_exclude_count(x), 0);
	cr_expect_eq(tp_exclude_contains(x, &a), 0);
	cr_expect_eq(tp_exclude_contains(x, &b), 0);
	tp_exclude_free(x);
	tp_exclude_free(NULL);
}

/* Lookups around the edges of a hand-built list with nested, adjacent ranges. */
static const char *edge_list[] = {
	"10.0.0.0/8", "10.1.0.0/16",		/* nested */
	"192.168.0.0/24", "192.168.1.0/24",	/* adjacent: one range */
	"192.168.3.0/24",			/* gap at .2.0/24 */
	"255.255.255.255/32",			/* top of the space */
	"0.0.0.0/32",				/* bottom */
	"2001:db8::/32", "2001:db8:1::/48",
	"2001:db9::/32",			/* adjacent to db8 */
	"fe80::/10",
	"::1/128",
	"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
	"2001:db8:ffff:ffff::/64",		/* inside db8, at its end */
};

/* edge_list merged: 10/8, 192.168.0-1, 192.168.3, top, bottom; db8-db9, fe80, ::1, top. */
#define EDGE_RANGES 9

static const struct {
	const char *addr;
	int in;
} edge_cases[] = {
	{ "9.255.255.255", 0 }, { "10.0.0.0", 1 }, { "10.1.255.255", 1 },
	{ "10.255.255.255", 1 }, { "11.0.0.0", 0 },
	{ "192.167.255.255", 0 }, { "192.168.0.0", 1 }, { "192.168.0.255", 1 },
	{ "192.168.1.0", 1 }, { "192.168.1.255", 1 }, { "192.168.2.0", 0 },
	{ "192.168.2.255", 0 }, { "192.168.3.0", 1 }, { "192.168.3.255", 1 },
	{ "192.168.4.0", 0 },
	{ "255.255.255.254", 0 }, { "255.255.255.255", 1 },
	{ "0.0.0.0", 1 }, { "0.0.0.1", 0 },
	{ "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", 0 }, { "2001:db8::", 1 },
	{ "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", 1 }, { "2001:db9::", 1 },
	{ "2001:db9:ffff:ffff:ffff:ffff:ffff:ffff", 1 }, { "2001:dba::", 0 },
	{ "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0 }, { "fe80::", 1 },
	{ "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 }, { "fec0::", 0 },
	{ "::", 0 }, { "::1", 1 }, { "::2", 0 },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 0 },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
	{ "::ffff:10.0.0.1", 0 },		/* mapped is IPv6, not IPv4 */
	{ "::a00:1", 0 },
};

Test(exclude, edges_after_add)
{
	struct tp_exclude *x = tp_exclude_new();
	size_t i, n = sizeof(edge_list) / sizeof(edge_list[0]);

	for (i = 0; i < n; i++) {
		struct tp_prefix p = prefix(edge_list[i]);

		tp_exclude_add(x, &p);
	}
	cr_expect_eq(tp_exclude_count(x), n);
	cr_expect_eq(tp_exclude_ranges(x), EDGE_RANGES);
	for (i = 0; i < sizeof(edge_cases) / sizeof(edge_cases[0]); i++) {
		struct tp_addr a = addr(edge_cases[i].addr);

		cr_expect_eq(tp_exclude_contains(x, &a), edge_cases[i].in,
		    "%s should be %s", edge_cases[i].addr,
		    edge_cases[i].in ? "excluded" : "allowed");
	}
	tp_exclude_free(x);
}

Test(exclude, edges_after_load_match_add)
{
	struct tp_exclude *x;
	struct tp_err err = { "" };
	char text[2048] = "# hand-built list\n\n";
	size_t i, n = sizeof(edge_list) / sizeof(edge_list[0]);

	for (i = 0; i < n; i++) {
		strcat(text, i % 2 ? "  " : "");
		strcat(text, edge_list[i]);
		strcat(text, i % 3 ? "\t# note\n" : "\r\n");
	}
	x = tp_exclude_load(fixture_write("edges.conf", text), &err);
	cr_assert_not_null(x, "%s", err.msg);
	cr_expect_eq(tp_exclude_count(x), n);
	cr_expect_eq(tp_exclude_ranges(x), EDGE_RANGES);
	for (i = 0; i < sizeof(edge_cases) / sizeof(edge_cases[0]); i++) {
		struct tp_addr a = addr(edge_cases[i].addr);

		cr_expect_eq(tp_exclude_contains(x, &a), edge_cases[i].in,
		    "%s should be %s", edge_cases[i].addr,
		    edge_cases[i].in ? "excluded" : "allowed");
	}
	tp_exclude_free(x);
	fixture_cleanup();
}

/* Touching prefixes, in several orders, must become one range. */
static const char *touching[][4] = {
	{ "2001:db8::/64", "2001:db8:0:1::/64", "2001:db8:0:2::/63", "2001:db8:0:4::/62" },
	{ "2001:db8:0:4::/62", "2001:db8:0:2::/63", "2001:db8:0:1::/64", "2001:db8::/64" },
	{ "2001:db8:0:1::/64", "2001:db8:0:4::/62", "2001:db8::/64", "2001:db8:0:2::/63" },
	{ "10.0.0.0/9", "10.128.0.0/9", "11.0.0.0/8", "9.255.255.255/32" },
	{ "11.0.0.0/8", "9.255.255.255/32", "10.128.0.0/9", "10.0.0.0/9" },
	{ "10.128.0.0/9", "11.0.0.0/8", "10.0.0.0/9", "9.255.255.255/32" },
};

Test(exclude, touching_prefixes_merge)
{
	size_t i, j;

	for (i = 0; i < sizeof(touching) / sizeof(touching[0]); i++) {
		struct tp_exclude *x = tp_exclude_new();

		for (j = 0; j < 4; j++) {
			struct tp_prefix p = prefix(touching[i][j]);

			tp_exclude_add(x, &p);
		}
		cr_expect_eq(tp_exclude_ranges(x), 1, "order %zu: %zu ranges",
		    i, tp_exclude_ranges(x));
		tp_exclude_free(x);
	}
}

Test(exclude, whole_space)
{
	struct tp_exclude *x = tp_exclude_new();
	struct tp_prefix all4 = prefix("0.0.0.0/0"), all6 = prefix("::/0");
	struct tp_addr a = addr("0.0.0.0"), b = addr("255.255.255.255");
	struct tp_addr c = addr("::"), d = addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");

	tp_exclude_add(x, &all4);
	cr_expect(tp_exclude_contains(x, &a));
	cr_expect(tp_exclude_contains(x, &b));
	cr_expect(!tp_exclude_contains(x, &c), "IPv4 /0 must not cover IPv6");
	tp_exclude_add(x, &all6);
	cr_expect(tp_exclude_contains(x, &c));
	cr_expect(tp_exclude_contains(x, &d));
	tp_exclude_free(x);
}

/* A small deterministic generator (splitmix64). */
static uint64_t
rng_next(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/*
 * A random prefix packed into a small corner of its family's space (so
 * prefixes overlap, nest and touch often), with lengths that cross the
 * 64-bit boundary for IPv6.
 */
static struct tp_prefix
random_prefix(uint64_t *st)
{
	struct tp_prefix p;
	uint64_t r = rng_next(st);
	size_t i;

	memset(&p, 0, sizeof(p));
	if (r & 1) {
		p.addr.family = AF_INET;
		p.addr.bytes[0] = 10;
		p.addr.bytes[1] = (uint8_t)(rng_next(st) % 4);
		for (i = 2; i < 4; i++)
			p.addr.bytes[i] = (uint8_t)rng_next(st);
		p.len = (uint8_t)(14 + rng_next(st) % 19);
	} else {
		p.addr.family = AF_INET6;
		p.addr.bytes[0] = 0x20;
		p.addr.bytes[1] = 0x01;
		p.addr.bytes[7] = (uint8_t)(rng_next(st) % 4);
		for (i = 8; i < 16; i++)
			p.addr.bytes[i] = (uint8_t)rng_next(st);
		if (rng_next(st) % 4 == 0)
			p.addr.bytes[8] = p.addr.bytes[9] = 0xff;
		p.len = (uint8_t)(60 + rng_next(st) % 69);
	}
	tp_addr_mask(&p.addr, p.len);
	return p;
}

/* Compare the list with a linear scan at every prefix's edges and beside them. */
static void
check_against_linear(const struct tp_exclude *x, const struct tp_prefix *ps,
    size_t n)
{
	char buf[TP_ADDR_STRLEN];
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		struct tp_addr probe[4];

		probe[0] = probe[1] = ps[i].addr;
		addr_step(&probe[1], -1);
		probe[2] = probe[3] = prefix_last(&ps[i]);
		addr_step(&probe[3], +1);
		for (k = 0; k < 4; k++)
			cr_assert_eq(tp_exclude_contains(x, &probe[k]),
			    linear_contains(ps, n, &probe[k]),
			    "lookup of %s disagrees with a linear scan",
			    tp_addr_format(&probe[k], buf, sizeof(buf)));
	}
}

Test(exclude, random_lists_match_linear_scan)
{
	enum { ROUNDS = 20, MAXN = 200 };
	static struct tp_prefix ps[MAXN];
	uint64_t st = 12345;
	int round;

	for (round = 0; round < ROUNDS; round++) {
		struct tp_exclude *x = tp_exclude_new(), *y;
		struct tp_err err = { "" };
		char buf[TP_PREFIX_STRLEN];
		size_t n = 1 + rng_next(&st) % MAXN, i;
		FILE *f;

		f = fopen(fixture_path("random.conf"), "w");
		cr_assert_not_null(f);
		for (i = 0; i < n; i++) {
			ps[i] = random_prefix(&st);
			tp_exclude_add(x, &ps[i]);
			fprintf(f, "%s\n", tp_prefix_format(&ps[i], buf,
			    sizeof(buf)));
			/* Check the incremental merge as it grows, too. */
			if (i % 37 == 0)
				check_against_linear(x, ps, i + 1);
		}
		fclose(f);
		check_against_linear(x, ps, n);
		y = tp_exclude_load(fixture_path("random.conf"), &err);
		cr_assert_not_null(y, "%s", err.msg);
		cr_expect_eq(tp_exclude_count(y), n);
		cr_expect_eq(tp_exclude_ranges(y), tp_exclude_ranges(x),
		    "adding one by one and loading merge differently");
		check_against_linear(y, ps, n);
		tp_exclude_free(x);
		tp_exclude_free(y);
	}
	fixture_cleanup();
}

/* Addresses and whether the shipped list must exclude them. */
static const struct {
	const char *addr;
	int in;
} shipped_cases[] = {
	{ "0.0.0.0", 1 }, { "0.255.255.255", 1 }, { "1.0.0.0", 0 },
	{ "9.255.255.255", 0 }, { "10.0.0.0", 1 }, { "10.255.255.255", 1 },
	{ "11.0.0.0", 0 },
	{ "100.63.255.255", 0 }, { "100.64.0.0", 1 }, { "100.127.255.255", 1 },
	{ "100.128.0.0", 0 },
	{ "127.0.0.1", 1 }, { "169.254.1.1", 1 }, { "169.255.0.0", 0 },
	{ "172.15.255.255", 0 }, { "172.16.0.0", 1 }, { "172.31.255.255", 1 },
	{ "172.32.0.0", 0 },
	{ "192.0.0.0", 1 }, { "192.0.0.171", 1 }, { "192.0.1.0", 0 },
	{ "192.0.2.0", 1 }, { "192.0.2.255", 1 }, { "192.0.3.0", 0 },
	{ "192.31.196.1", 1 }, { "192.52.193.1", 1 }, { "192.88.99.1", 1 },
	{ "192.167.255.255", 0 }, { "192.168.0.0", 1 }, { "192.169.0.0", 0 },
	{ "192.175.48.1", 1 },
	{ "198.17.255.255", 0 }, { "198.18.0.0", 1 }, { "198.19.255.255", 1 },
	{ "198.20.0.0", 0 },
	{ "198.51.100.7", 1 }, { "203.0.113.7", 1 }, { "203.0.114.0", 0 },
	{ "8.8.8.8", 0 }, { "1.1.1.1", 0 },
	{ "223.255.255.255", 0 }, { "224.0.0.0", 1 }, { "239.255.255.255", 1 },
	{ "240.0.0.0", 1 }, { "255.255.255.254", 1 }, { "255.255.255.255", 1 },
	{ "::", 1 }, { "::1", 1 }, { "::2", 0 },
	{ "::ffff:1.2.3.4", 1 }, { "::fffe:ffff:ffff", 0 },
	{ "64:ff9b::1.2.3.4", 1 }, { "64:ff9b:1::1", 1 },
	{ "100::1", 1 }, { "100:0:0:1::1", 1 }, { "100:0:0:2::", 0 },
	{ "2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0 }, { "2001::", 1 },
	{ "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", 1 }, { "2001:200::", 0 },
	{ "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", 0 }, { "2001:db8::", 1 },
	{ "2001:db8:ffff::1", 1 }, { "2001:db9::", 0 },
	{ "2001:4860:4860::8888", 0 },
	{ "2002::", 1 }, { "2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
	{ "2003::", 0 }, { "2620:4f:8000::1", 1 },
	{ "3fff::1", 1 }, { "3fff:fff::", 1 }, { "3fff:1000::", 0 },
	{ "5f00::1", 1 },
	{ "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0 }, { "fc00::", 1 },
	{ "fd12:3456::1", 1 }, { "fe80::1", 1 }, { "fec0::", 0 },
	{ "ff02::1", 1 }, { "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 },
};

Test(exclude, shipped_list)
{
	struct tp_err err = { "" };
	struct tp_exclude *x = tp_exclude_load(DATA_SRCDIR "/exclude.conf", &err);
	size_t i;

	cr_assert_not_null(x, "%s", err.msg);
	cr_expect_geq(tp_exclude_count(x), 40, "only %zu prefixes",
	    tp_exclude_count(x));
	for (i = 0; i < sizeof(shipped_cases) / sizeof(shipped_cases[0]); i++) {
		struct tp_addr a = addr(shipped_cases[i].addr);

		cr_expect_eq(tp_exclude_contains(x, &a), shipped_cases[i].in,
		    "%s should be %s", shipped_cases[i].addr,
		    shipped_cases[i].in ? "excluded" : "allowed");
	}
	tp_exclude_free(x);
}

/* Bad files: content, the line reported, and a word the reason must hold. */
static const struct {
	const char *text;
	const char *where;
	const char *reason;
} bad_files[] = {
	{ "10.0.0.0/8\n# ok\n1.2.3.4/33\n", ":3: ", "above 32" },
	{ "1.2.3.4/24\n", ":1: ", "host bits set" },
	{ "\n\n\n\nnonsense\n", ":5: ", "neither IPv4 nor IPv6" },
	{ "::/0\n2001:db8::/abc\n", ":2: ", "not a number" },
	{ "10.0.0.0/8 172.16.0.0/12\n", ":1: ", "one prefix per line" },
	{ "10.0.0.0 /8\n", ":1: ", "one prefix per line" },
	{ "10.0.0.0/8\n::1::2\n", ":2: ", "only once" },
	{ "/\n", ":1: ", "address missing" },
	{ "10.0.0.0/8\n01.2.3.0/24", ":2: ", "leading zero" },
};

Test(exclude, malformed_file_names_line)
{
	size_t i;

	for (i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		struct tp_err err = { "" };
		const char *path = fixture_write("bad.conf", bad_files[i].text);
		char want[300];

		cr_expect_null(tp_exclude_load(path, &err), "case %zu loaded", i);
		snprintf(want, sizeof(want), "%s%s", path, bad_files[i].where);
		cr_expect(strncmp(err.msg, want, strlen(want)) == 0,
		    "case %zu: \"%s\" does not start with \"%s\"", i, err.msg,
		    want);
		cr_expect(strstr(err.msg, bad_files[i].reason) != NULL,
		    "case %zu: \"%s\" lacks \"%s\"", i, err.msg,
		    bad_files[i].reason);
	}
	fixture_cleanup();
}

Test(exclude, missing_file)
{
	struct tp_err err = { "" };

	cr_expect_null(tp_exclude_load("/nonexistent/tp-exclude.conf", &err));
	cr_expect(strstr(err.msg, "/nonexistent/tp-exclude.conf") != NULL,
	    "%s", err.msg);
	cr_expect(strstr(err.msg, "No such file") != NULL, "%s", err.msg);
}

Test(exclude, comments_only_file_is_empty_list)
{
	struct tp_err err = { "" };
	struct tp_exclude *x;
	struct tp_addr a = addr("10.0.0.1");

	x = tp_exclude_load(fixture_write("c.conf", "# nothing\n\n   \n\t# x\n"),
	    &err);
	cr_assert_not_null(x, "%s", err.msg);
	cr_expect_eq(tp_exclude_count(x), 0);
	cr_expect_eq(tp_exclude_contains(x, &a), 0);
	tp_exclude_free(x);
	fixture_cleanup();
}
