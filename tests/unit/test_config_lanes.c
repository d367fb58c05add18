/* test_config_lanes.c: tp.conf's [lane NAME] sections, pacing keys, long lines. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <criterion/criterion.h>

/* lib/config.h by path: never the autoconf config.h of the build folder. */
#include "config.h"
#include "defaults.h"
#include "fixture.h"

#define SITES "[site akl]\nbird_socket = /a\n[site wlg]\nbird_socket = /w\n"

#define LANES \
	"[lane one]\n" \
	"test_ranges = 192.0.2.16/28 2001:db8:ffff:1::/64\n" \
	"source4 = 192.0.2.17\n" \
	"source6 = 2001:db8:ffff:1::1\n" \
	"protocols = tp_lane1_4 tp_lane1_6\n" \
	"protocols.wlg = w1_4 w1_6\n" \
	"[lane two]\n" \
	"test_ranges = 192.0.2.32/28\n" \
	"source4 = 192.0.2.33\n" \
	"protocols = tp_lane2_4\n"

/* Without lane sections the [campaign] keys make lane "default". */
Test(config_lanes, default_lane, .fini = fixture_cleanup)
{
	struct tp_conf c;
	struct tp_err err = { "" };
	const struct tp_lane_conf *l;

	cr_assert_eq(fixture_conf_load("[campaign]\nrate = 5\n" SITES, &c, &err), 0, "%s", err.msg);
	cr_assert_eq(c.nlanes, 1);
	l = &c.lanes[0];
	cr_assert_str_eq(l->name, "default");
	cr_assert_eq(l->ntest_ranges, 2);
	cr_assert_str_eq(fixture_prefix(&l->test_ranges[0]), TP_DEFAULT_RANGE4);
	cr_assert_str_eq(fixture_addr(&l->source4), TP_DEFAULT_SOURCE4);
	cr_assert_str_eq(fixture_addr(&l->source6), TP_DEFAULT_SOURCE6);
	cr_assert_eq(l->site_nprotocols[1], 2);
	cr_assert_str_eq(l->site_protocols[1][0], "tp_anycast4");
	cr_assert_eq(c.pacing.min_change_interval, TP_DEFAULT_MIN_CHANGE_INTERVAL);
	cr_assert_eq(c.pacing.ceiling, TP_DEFAULT_DAMPING_CEILING);
	cr_assert_eq(c.pacing.half_life, TP_DEFAULT_DAMPING_HALF_LIFE);
	tp_conf_free(&c);
}

/* Lanes: their ranges, sources, protocols per site; the sites and [campaign] follow. */
Test(config_lanes, lanes_read, .fini = fixture_cleanup)
{
	struct tp_conf c;
	struct tp_err err = { "" };
	const struct tp_lane_conf *one, *two;

	cr_assert_eq(fixture_conf_load("[campaign]\ndeadman = 1200\n" SITES LANES, &c, &err), 0, "%s",
	    err.msg);
	cr_assert_eq(c.nlanes, 2);
	one = tp_conf_lane(&c, "one");
	two = tp_conf_lane(&c, "two");
	cr_assert(one != NULL && two != NULL);
	cr_assert_null(tp_conf_lane(&c, "default"));
	cr_assert_str_eq(fixture_prefix(&one->test_ranges[1]), "2001:db8:ffff:1::/64");
	cr_assert_str_eq(fixture_addr(&one->source6), "2001:db8:ffff:1::1");
	/* akl: the lane's protocols; wlg: its override */
	cr_assert_str_eq(one->site_protocols[0][0], "tp_lane1_4");
	cr_assert_str_eq(one->site_protocols[1][1], "w1_6");
	/* lane two is IPv4 only */
	cr_assert(tp_lane_has_family(two, AF_INET));
	cr_assert(!tp_lane_has_family(two, AF_INET6));
	cr_assert_eq(two->site_nprotocols[1], 1);
	/* a site's test protocols are its lanes' (no default tp_anycast4/6) */
	cr_assert_eq(c.sites[1].nprotocols, 3);
	cr_assert_str_eq(c.sites[1].protocols[0], "w1_4");
	cr_assert_str_eq(c.sites[1].protocols[2], "tp_lane2_4");
	/* [campaign] test_ranges: the lanes'; sources: the first lane's */
	cr_assert_eq(c.ntest_ranges, 3);
	cr_assert_str_eq(fixture_prefix(&c.test_ranges[2]), "192.0.2.32/28");
	cr_assert_str_eq(fixture_addr(&c.source4), "192.0.2.17");
	tp_conf_free(&c);
}

/* The pacing keys land in c.pacing. */
Test(config_lanes, pacing_keys, .fini = fixture_cleanup)
{
	struct tp_conf c;
	struct tp_err err = { "" };

	cr_assert_eq(fixture_conf_load("[campaign]\nmin_change_interval = 5\ndamping_penalty = 500\n"
	    "damping_announce_penalty = 0\ndamping_half_life = 60\ndamping_suppress = 4000\n"
	    "damping_reuse = 500\ndamping_ceiling = 2000\ndeadman = 400\n", &c, &err), 0, "%s",
	    err.msg);
	cr_assert_eq(c.pacing.min_change_interval, 5);
	cr_assert_eq(c.pacing.penalty_withdraw, 500);
	cr_assert_eq(c.pacing.penalty_announce, 0);
	cr_assert_eq(c.pacing.half_life, 60);
	cr_assert_eq(c.pacing.suppress, 4000);
	cr_assert_eq(c.pacing.reuse, 500);
	cr_assert_eq(c.pacing.ceiling, 2000);
	tp_conf_free(&c);
}

/* A line longer than inih's 200 characters is read, its ';' comment dropped. */
Test(config_lanes, long_line, .fini = fixture_cleanup)
{
	char text[1024], exec[400];
	struct tp_conf c;
	struct tp_err err = { "" };

	memset(exec, 'o', 300);
	memcpy(exec, "ssh -o ", 7);
	exec[300] = '\0';
	snprintf(text, sizeof(text), "[site akl]\nbird_socket = /a\nexec = %s  ; a comment\n"
	    "[site wlg]\nbird_socket = /w\n", exec);
	cr_assert_eq(fixture_conf_load(text, &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.sites[0].exec, exec);
	tp_conf_free(&c);
	snprintf(text, sizeof(text), "[site akl]\nbird_socket = /a\n%s\n", exec);
	cr_assert_eq(fixture_conf_load(text, &c, &err), -1);
	cr_assert(strstr(err.msg, "tp.conf:3: syntax error") != NULL, "%s", err.msg);
	tp_conf_free(&c);
}

struct bad_lanes {
	const char *text;
	const char *msg;
};

static const struct bad_lanes bad[] = {
	{ SITES "[lane a]\ntest_ranges = 192.0.2.16/28\nsource4 = 192.0.2.17\nprotocols = p\n"
	  "[lane b]\ntest_ranges = 192.0.2.0/24\nsource4 = 192.0.2.1\nprotocols = q\n",
	  "10: test_ranges: 192.0.2.0/24 overlaps [lane a]'s 192.0.2.16/28 (line 6)" },
	{ SITES "[lane a]\ntest_ranges = 192.0.2.16/28\nsource4 = 192.0.2.33\nprotocols = p\n",
	  "7: source4: 192.0.2.33 is not inside [lane a]'s test_ranges" },
	{ SITES "[lane a]\ntest_ranges = 192.0.2.16/28\nsource4 = 192.0.2.17\nprotocols = p\n"
	  "protocols.syd = q\n", "9: protocols.syd: no [site syd] in this file" },
	{ SITES "[lane a]\ntest_ranges = 192.0.2.16/28\nsource4 = 192.0.2.17\n"
	  "protocols.akl = q\n", "5: [lane a]: no protocols for site wlg" },
	{ SITES "[lane a]\ntest_ranges = 192.0.2.16/28\nprotocols = p\n",
	  "5: [lane a]: neither source4 nor source6" },
	{ SITES "[lane a]\nsource4 = 192.0.2.17\nprotocols = p\n",
	  "5: [lane a]: test_ranges missing" },
	{ SITES "[lane a]\ntest_ranges = 192.0.2.16/28\nsource4 = 192.0.2.17\nprotocols = p\n"
	  "[lane a]\n", "9: [lane a]: duplicate lane (first on line 5)" },
	{ SITES "[lane a]\ntest_ranges = 192.0.2.16/28\nsource4 = 192.0.2.17\nprotocols = p\n"
	  "[lane b]\ntest_ranges = 192.0.2.32/28\nsource4 = 192.0.2.33\nprotocols = p\n",
	  "9: [lane b]: protocol p at site akl is also [lane a]'s" },
	{ "[campaign]\ntest_ranges = 192.0.2.0/25\n" SITES "[lane a]\n"
	  "test_ranges = 192.0.2.128/28\nsource4 = 192.0.2.129\nprotocols = p\n",
	  "8: test_ranges: 192.0.2.128/28 is not inside [campaign] test_ranges (line 2)" },
	{ SITES "[lane a]\nrate = 5\n", "6: rate: unknown key in [lane NAME]" },
	{ SITES "[lane a]\nprotocols.akl = p\nprotocols.akl = q\n",
	  "7: protocols.akl: set twice (first on line 6)" },
	{ SITES "[lane]\n", "5: [lane]: the section needs a name" },
	{ SITES "[lane a b]\n", "5: [lane a b]: bad lane name" },
	{ SITES "[lane a]\ntest_ranges = 192.0.2.16/28\nsource6 = 2001:db8::1\nprotocols = p\n",
	  "7: source6: 2001:db8::1 is not inside [lane a]'s test_ranges" },
};

/* Each bad lane file fails with its exact FILE:LINE: key: reason. */
Test(config_lanes, errors_name_line, .fini = fixture_cleanup)
{
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tp_conf c;
		struct tp_err err = { "" };
		char want[512];

		cr_assert_eq(fixture_conf_load(bad[i].text, &c, &err), -1, "case %zu loaded", i);
		snprintf(want, sizeof(want), "%s:%s", fixture_path("tp.conf"), bad[i].msg);
		cr_assert_eq(strncmp(err.msg, want, strlen(want)), 0,
		    "case %zu: got \"%s\"\nwant \"%s...\"", i, err.msg, want);
		tp_conf_free(&c);
	}
}
