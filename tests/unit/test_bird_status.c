/* test_bird_status.c: reading show status / protocols / route from recorded BIRD replies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "bird_status.h"
#include "xalloc.h"

/* Parse a fixture transcript into a reply. */
static void
load(const char *name, struct bird_reply *reply)
{
	char path[512], buf[65536];
	struct bird_reader *r = xmalloc(sizeof(*r));
	struct tp_err err;
	size_t len, used;
	FILE *f;

	snprintf(path, sizeof(path), "%s/fixtures/bird/%s", TESTS_SRCDIR, name);
	cr_assert_not_null(f = fopen(path, "rb"), "%s", path);
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	bird_reader_init(r);
	cr_assert_eq(bird_reader_feed(r, buf, len, &used, &err), 1, "%s: %s", name, err.msg);
	bird_reader_take(r, reply);
	bird_reader_free(r);
	free(r);
}

/* Parse a reply given as text. */
static void
load_text(const char *text, struct bird_reply *reply)
{
	struct bird_reader *r = xmalloc(sizeof(*r));
	struct tp_err err;
	size_t used;

	bird_reader_init(r);
	cr_assert_eq(bird_reader_feed(r, text, strlen(text), &used, &err), 1, "%s", err.msg);
	bird_reader_take(r, reply);
	bird_reader_free(r);
	free(r);
}

Test(bird_status, show_status)
{
	struct bird_reply reply;
	struct tp_err err;
	char version[32], rid[32];

	load("show-status.txt", &reply);
	cr_assert_eq(bird_parse_status(&reply, version, sizeof(version), rid, sizeof(rid),
	    &err), 0);
	cr_assert_str_eq(version, "2.0.12");
	cr_assert_str_eq(rid, "10.255.0.1");
	bird_reply_free(&reply);
	load("show-protocols.txt", &reply);
	cr_assert_eq(bird_parse_status(&reply, version, sizeof(version), rid, sizeof(rid),
	    &err), -1);
	bird_reply_free(&reply);
}

Test(bird_status, show_protocols)
{
	static const struct {
		const char *file;
		const char *name;
		const char *proto;
		const char *state;
	} cases[] = {
		{ "show-protocols.txt", "tp_anycast4", "Static", "up" },
		{ "show-protocols.txt", "tp_anycast6", "Static", "up" },
		{ "show-protocols.txt", "device1", "Device", "up" },
		{ "show-protocols.txt", "upstream", "BGP", "down" },
		{ "show-protocols-withdrawn.txt", "tp_anycast4", "Static", "down" },
		{ "show-protocols-withdrawn.txt", "tp_anycast6", "Static", "up" },
		{ "testbed-show-protocols.txt", "n4_r1", "BGP", "up" },
		{ "testbed-show-protocols.txt", "tp_anycast6", "Static", "up" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bird_reply reply;
		struct bird_protocols p;
		const struct bird_proto_row *row;
		struct tp_err err;

		load(cases[i].file, &reply);
		cr_assert_eq(bird_parse_protocols(&reply, &p, &err), 0);
		cr_assert_eq(p.n, strncmp(cases[i].file, "testbed", 7) == 0 ? 7 : 5, "%s",
		    cases[i].file);
		cr_assert_not_null(row = bird_protocols_find(&p, cases[i].name), "%s",
		    cases[i].name);
		cr_assert_str_eq(row->proto, cases[i].proto);
		cr_assert_str_eq(row->state, cases[i].state, "%s %s", cases[i].file,
		    cases[i].name);
		cr_assert_null(bird_protocols_find(&p, "tp_anycast"));
		bird_protocols_free(&p);
		bird_reply_free(&reply);
	}
}

Test(bird_status, show_protocols_short_row)
{
	struct bird_reply reply;
	struct bird_protocols p;
	struct tp_err err;

	load_text("2002-Name Proto Table State\n1002-p1 Static master4\n0000 \n", &reply);
	cr_assert_eq(bird_parse_protocols(&reply, &p, &err), -1);
	cr_assert_not_null(strstr(err.msg, "four columns"), "%s", err.msg);
	bird_reply_free(&reply);
}

Test(bird_status, show_route_protocol)
{
	static const struct {
		const char *file;
		size_t n;
		const char *first;
	} cases[] = {
		{ "show-route-protocol-tp_anycast4.txt", 1, "192.0.2.0/24" },
		{ "show-route-protocol-tp_anycast4-withdrawn.txt", 0, NULL },
		{ "show-route-protocol-prod4.txt", 2, "198.51.100.0/24" },
		{ "show-route-all.txt", 4, "198.51.100.0/24" },
		{ "testbed-show-route-protocol-tp_anycast4.txt", 1, "192.0.2.0/24" },
		{ "testbed-show-route-protocol-tp_anycast6.txt", 1, "2001:db8:ffff::/48" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bird_reply reply;
		struct bird_routes r;
		struct tp_err err;
		char buf[TP_PREFIX_STRLEN];

		load(cases[i].file, &reply);
		cr_assert_eq(bird_parse_routes(&reply, &r, &err), 0);
		cr_assert_eq(r.n, cases[i].n, "%s: %zu", cases[i].file, r.n);
		cr_assert_eq(r.nunparsed, 0);
		if (cases[i].first != NULL)
			cr_assert_str_eq(tp_prefix_format(&r.prefixes[0], buf, sizeof(buf)),
			    cases[i].first);
		bird_routes_free(&r);
		bird_reply_free(&reply);
	}
}

Test(bird_status, alternatives_and_odd_networks)
{
	struct bird_reply reply;
	struct bird_routes r;
	struct tp_err err;
	char buf[TP_PREFIX_STRLEN];

	/* A second route for the same network starts with blanks; a next hop with
	 * a tab; a network that is not an IP prefix must not vanish. */
	load_text("1007-Table master4:\n"
	    " 192.0.2.0/24         unicast [tp_anycast4 00:00:01] * (200)\n"
	    " \tvia 10.0.0.1 on eth0\n"
	    "                      unicast [other 00:00:02] (100)\n"
	    " 192.0.2.128/25       blackhole [tp_anycast4 00:00:01] * (200)\n"
	    " 65000:1 192.0.2.0/24 unreachable [tp_anycast4 00:00:01] * (200)\n"
	    "0000 \n", &reply);
	cr_assert_eq(bird_parse_routes(&reply, &r, &err), 0);
	cr_assert_eq(r.n, 2);
	cr_assert_str_eq(tp_prefix_format(&r.prefixes[1], buf, sizeof(buf)), "192.0.2.128/25");
	cr_assert_eq(r.nunparsed, 1);
	cr_assert_str_eq(r.unparsed[0], "65000:1");
	bird_routes_free(&r);
	bird_reply_free(&reply);
}
