/* test_config.c: tp.conf parsing, defaults, checks and error lines. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

/* lib/config.h by path: never the autoconf config.h of the build folder. */
#include "config.h"
#include "fixture.h"

static const char full_conf[] =
    "# a full file\n"
    "[campaign]\n"
    "database = /srv/tp/tp.db\n"
    "key_file = /srv/tp/probe.key\n"
    "exclude = /srv/tp/exclude.conf\n"
    "bindir = /opt/tp/bin\n"
    "test_ranges = 192.0.2.0/24 2001:db8:ffff::/48 198.51.100.0/24\n"
    "source4 = 198.51.100.9\n"
    "source6 = 2001:db8:ffff::53\n"
    "prober = wlg\n"
    "rate = 25000\n"
    "min_announcing = 1\n"
    "deadman = 1200\n"
    "settle = 20\n"
    "sample_interval = 3\n"
    "sample_size = 800\n"
    "converge_timeout = 600\n"
    "tolerance = 0.02\n"
    "control_share = 0.1 ; inline comment\n"
    "listen_grace = 4\n"
    "site_timeout = 45\n"
    "busy_timeout = 900\n"
    "single = akl,wlg\n"
    "sets = akl+wlg\n"
    "chains = 2\n"
    "probe_min_gap = 2.5\n"
    "listen_buffer_size = 8\n"
    "\n"
    "[site akl]\n"
    "    exec = ip netns exec tb-akl\n"
    "    bird_socket = /run/tb/akl/bird.ctl\n"
    "    protocols = anycast_v4\n"
    "    interface = veth-akl\n"
    "    capacity = 1500.5\n"
    "[site wlg]\r\n"
    "exec = ssh tp@wlg.example.net\r\n"
    "bird_socket = /run/bird/bird.ctl\r\n";

/* Every key of a full file lands in its field. */
Test(config, full_file, .fini = fixture_cleanup)
{
	struct tp_conf c;
	struct tp_err err = { "" };
	const struct tp_site_conf *s;

	cr_assert_eq(fixture_conf_load(full_conf, &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.path, fixture_path("tp.conf"));
	cr_assert_str_eq(c.database, "/srv/tp/tp.db");
	cr_assert_str_eq(c.key_file, "/srv/tp/probe.key");
	cr_assert_str_eq(c.exclude, "/srv/tp/exclude.conf");
	cr_assert_str_eq(c.bindir, "/opt/tp/bin");
	cr_assert_eq(c.ntest_ranges, 3);
	cr_assert_str_eq(fixture_prefix(&c.test_ranges[2]), "198.51.100.0/24");
	cr_assert_str_eq(fixture_addr(&c.source4), "198.51.100.9");
	cr_assert_str_eq(fixture_addr(&c.source6), "2001:db8:ffff::53");
	cr_assert_str_eq(c.prober, "wlg");
	cr_assert_eq(c.rate, 25000);
	cr_assert_float_eq(c.probe_min_gap, 2.5, 1e-12);
	cr_assert_eq(c.listen_buffer_size, 8);
	cr_assert_eq(c.min_announcing, 1);
	cr_assert_eq(c.deadman, 1200);
	cr_assert_eq(c.settle, 20);
	cr_assert_eq(c.sample_interval, 3);
	cr_assert_eq(c.sample_size, 800);
	cr_assert_eq(c.converge_timeout, 600);
	cr_assert_float_eq(c.tolerance, 0.02, 1e-12);
	cr_assert_float_eq(c.control_share, 0.1, 1e-12);
	cr_assert_eq(c.listen_grace, 4);
	cr_assert_eq(c.site_timeout, 45);
	cr_assert_eq(c.busy_timeout, 900);
	cr_assert_str_eq(c.single, "akl,wlg");
	cr_assert_str_eq(c.sets, "akl+wlg");
	cr_assert_eq(c.chains, 2);
	cr_assert_eq(c.nsites, 2);

	s = tp_conf_site(&c, "akl");
	cr_assert_not_null(s);
	cr_assert_str_eq(s->exec, "ip netns exec tb-akl");
	cr_assert_str_eq(s->bird_socket, "/run/tb/akl/bird.ctl");
	cr_assert_eq(s->nprotocols, 1);
	cr_assert_str_eq(s->protocols[0], "anycast_v4");
	cr_assert_str_eq(s->interface, "veth-akl");
	cr_assert_float_eq(s->capacity, 1500.5, 1e-9);
	cr_assert_eq(s->line, 29);

	s = tp_conf_site(&c, "wlg");
	cr_assert_not_null(s);
	cr_assert_eq(s->line, 35);
	cr_assert_str_eq(s->exec, "ssh tp@wlg.example.net");
	cr_assert_str_eq(s->bird_socket, "/run/bird/bird.ctl");
	cr_assert_eq(s->nprotocols, 2);
	cr_assert_str_eq(s->protocols[0], "tp_anycast4");
	cr_assert_str_eq(s->protocols[1], "tp_anycast6");
	cr_assert_str_eq(s->interface, "any");
	cr_assert_float_eq(s->capacity, 0, 1e-12);
	cr_assert_null(tp_conf_site(&c, "chc"));

	tp_conf_free(&c);
	cr_assert_null(c.sites);
	tp_conf_free(&c);	/* twice is safe */
}

/* Check the documented defaults on c (no keys set in [campaign]). */
static void
assert_defaults(const struct tp_conf *c)
{
	cr_assert_str_eq(c->database, LOCALSTATEDIR "/lib/traffic-predictor/tp.db");
	cr_assert_str_eq(c->key_file, SYSCONFDIR "/traffic-predictor/probe.key");
	cr_assert_str_eq(c->exclude, PKGDATADIR "/exclude.conf");
	cr_assert_str_eq(c->bindir, "");
	cr_assert_null(c->metrics_file);
	cr_assert_eq(c->ntest_ranges, 2);
	cr_assert_str_eq(fixture_prefix(&c->test_ranges[0]), "192.0.2.0/24");
	cr_assert_str_eq(fixture_prefix(&c->test_ranges[1]), "2001:db8:ffff::/48");
	cr_assert_str_eq(fixture_addr(&c->source4), "192.0.2.1");
	cr_assert_str_eq(fixture_addr(&c->source6), "2001:db8:ffff::1");
	cr_assert_eq(c->rate, 10000);
	cr_assert_float_eq(c->probe_min_gap, 1.0, 1e-12, "tp-probe send --min-gap's default");
	cr_assert_eq(c->listen_buffer_size, 64, "tp-probe listen --buffer-size's default");
	cr_assert_eq(c->min_announcing, 2);
	cr_assert_eq(c->deadman, 900);
	cr_assert_eq(c->settle, 10);
	cr_assert_eq(c->sample_interval, 5);
	cr_assert_eq(c->sample_size, 500);
	cr_assert_eq(c->converge_timeout, 300);
	cr_assert_float_eq(c->tolerance, 0.01, 1e-12);
	cr_assert_float_eq(c->control_share, 0.05, 1e-12);
	cr_assert_eq(c->listen_grace, 2);
	cr_assert_eq(c->site_timeout, 120);
	cr_assert_eq(c->busy_timeout, 0);
	cr_assert_str_eq(c->single, "all");
	cr_assert_str_eq(c->sets, "");
	cr_assert_eq(c->chains, 0);
}

/* tp_conf_defaults alone: every default, no sites, no prober. */
Test(config, defaults)
{
	struct tp_conf c;

	tp_conf_defaults(&c);
	assert_defaults(&c);
	cr_assert_null(c.prober);
	cr_assert_eq(c.nsites, 0);
	tp_conf_free(&c);
}

/* A file with only sites gets every default, and the first site probes. */
Test(config, defaults_applied, .fini = fixture_cleanup)
{
	struct tp_conf c;
	struct tp_err err = { "" };

	cr_assert_eq(fixture_conf_load("[campaign]\n[site syd]\nbird_socket = /b\n"
	    "[site mel]\nbird_socket = /c\n", &c, &err), 0, "%s", err.msg);
	assert_defaults(&c);
	cr_assert_eq(c.nsites, 2);
	cr_assert_str_eq(c.prober, "syd");
	tp_conf_free(&c);
}

/* A bad file and the exact start of its error after "PATH:". */
struct bad_conf {
	const char *text;
	const char *msg;
};

#define SITES "[site akl]\nbird_socket = /a\n[site wlg]\nbird_socket = /w\n"

/* A line past the reader's 4096 characters. */
#define X64 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define X1K X64 X64 X64 X64 X64 X64 X64 X64 X64 X64 X64 X64 X64 X64 X64 X64
#define LONG_LINE "[campaign]\nbindir = /" X1K X1K X1K X1K "\n"

static const struct bad_conf bad_confs[] = {
	{ "[campaign]\nrate = 5\nratee = 5\n", "3: ratee: unknown key in [campaign]" },
	{ "[campaign]\n[campain]\nrate = 5\n", "2: [campain]: unknown section" },
	{ "[site akl]\nbird_socket = /a\nfoo = 1\n", "3: foo: unknown key in [site NAME]" },
	{ "[site akl]\ndatabase = /x\n", "2: database: unknown key in [site NAME]" },
	{ "[campaign]\nexec = ssh x\n", "2: exec: unknown key in [campaign]" },
	{ "rate = 5\n", "1: rate: key outside any section" },
	{ SITES "[site akl]\nbird_socket = /b\n", "5: [site akl]: duplicate site (first on line 1)" },
	{ "[campaign]\nrate = 5\n\nrate = 6\n", "4: rate: set twice (first on line 2)" },
	{ "[campaign]\nrate = 5\n[campaign]\nrate = 6\n", "4: rate: set twice (first on line 2)" },
	{ "[site akl]\nexec = a\nexec = b\n", "3: exec: set twice (first on line 2)" },
	{ "[campaign]\nrate = abc\n", "2: rate: \"abc\" is not a whole number" },
	{ "[campaign]\nrate = -5\n", "2: rate: \"-5\" is not a whole number" },
	{ "[campaign]\nrate = 5x\n", "2: rate: \"5x\" is not a whole number" },
	{ "[campaign]\nrate = 0\n", "2: rate: 0 is out of range (1 to 10000000)" },
	{ "[campaign]\nrate = 99999999999999999999999\n", "2: rate: 99999999999999999999999 is out of range" },
	{ "[campaign]\nrate =\n", "2: rate: \"\" is not a whole number" },
	{ "[campaign]\nprobe_min_gap = -1\n", "2: probe_min_gap: -1 is out of range (0 to 600)" },
	{ "[campaign]\nprobe_min_gap = 1s\n", "2: probe_min_gap: \"1s\" is not a number" },
	{ "[campaign]\nprobe_min_gap = 601\n", "2: probe_min_gap: 601 is out of range (0 to 600)" },
	{ "[campaign]\nlisten_buffer_size = 0\n", "2: listen_buffer_size: 0 is out of range (1 to 1024)" },
	{ "[campaign]\nlisten_buffer_size = 2048\n",
	  "2: listen_buffer_size: 2048 is out of range (1 to 1024)" },
	{ "[campaign]\nlisten_buffer_size = 4.5\n",
	  "2: listen_buffer_size: \"4.5\" is not a whole number" },
	{ "[campaign]\nmin_announcing = 0\n", "2: min_announcing: 0 is out of range (1 to 1000)" },
	{ "[campaign]\n\n\ntolerance = 2\n", "4: tolerance: 2 is out of range (0 to 1)" },
	{ "[campaign]\ntolerance = nan\n", "2: tolerance: \"nan\" is not a number" },
	{ "[campaign]\ncontrol_share = -0.1\n", "2: control_share: -0.1 is out of range" },
	{ "[campaign]\nsource4 = 2001:db8:ffff::1\n", "2: source4: 2001:db8:ffff::1 is not an IPv4 address" },
	{ "[campaign]\nsource6 = 192.0.2.1\n", "2: source6: 192.0.2.1 is not an IPv6 address" },
	{ "[campaign]\nsource4 = 192.0.2.256\n", "2: source4: bad address \"192.0.2.256\"" },
	{ "[campaign]\nsource4 = 198.51.100.1\n", "2: source4: not inside test_ranges" },
	{ "[campaign]\nsource6 = 2001:db8::1\n", "2: source6: not inside test_ranges" },
	{ "[campaign]\ntest_ranges = 198.51.100.0/24 2001:db8:ffff::/48\n",
	  "2: source4: not inside test_ranges" },
	{ "[campaign]\ntest_ranges = 192.0.2.0/33\n", "2: test_ranges: bad prefix \"192.0.2.0/33\"" },
	{ "[campaign]\ntest_ranges = 192.0.2.1/24\n", "2: test_ranges: bad prefix \"192.0.2.1/24\"" },
	{ "[campaign]\ntest_ranges =\n", "2: test_ranges: needs at least one prefix" },
	{ SITES "[campaign]\nprober = syd\n", "6: prober: no [site syd] in this file" },
	{ "[campaign]\nprober = a b\n", "2: prober: bad name \"a b\"" },
	{ "[campaign]\nsingle = akl,syd\n" SITES, "2: single: no [site syd] in this file" },
	{ "[campaign]\nsingle = akl+wlg\n" SITES, "2: single: \"akl+wlg\" is a set" },
	{ "[campaign]\nsets = akl+akl\n" SITES, "2: sets: site akl twice in one set" },
	{ "[campaign]\nsets = akl+syd\n" SITES, "2: sets: no [site syd] in this file" },
	{ "[campaign]\nsets = akl+\"wlg\"\n" SITES, "2: sets: bad site name \"\"wlg\"\"" },
	{ "[campaign]\ndeadman = 100\n", "2: deadman: 100 s is not longer than min_change_interval (600 s)" },
	{ "[campaign]\ndeadman = 300\nmin_change_interval = 10\n", "2: deadman: 300 s is not longer than settle + converge_timeout (310 s)" },
	{ "[campaign]\nmin_change_interval = 5\ndamping_ceiling = 1500\n", "3: damping_ceiling 1500: one withdrawal and announcement" },
	{ "[campaign]\ndamping_reuse = 7000\n", "2: damping_reuse 7000: must be above 0 and below damping_suppress" },
	{ "[campaign]\nconverge_timeout = 2000\n", "2: deadman: 900 s is not longer" },
	{ "[campaign]\nchains = 65\n", "2: chains: 65 is out of range (0 to 64)" },
	{ "[campaign]\ndatabase =\n", "2: database: empty; give a path" },
	{ "[campaign]\nmetrics_file =\n", "2: metrics_file: empty; give a path" },
	{ "[site a b]\nbird_socket = /a\n", "1: [site a b]: bad site name" },
	{ "[site \"akl\"]\nbird_socket = /a\n", "1: [site \"akl\"]: bad site name" },
	{ "[site]\nbird_socket = /a\n", "1: [site]: the section needs a name" },
	{ "[site akl]\nexec = x\n", "1: bird_socket: missing in [site akl]" },
	{ SITES "[site chc]\n", "5: bird_socket: missing in [site chc]" },
	{ "[site akl]\nbird_socket = /a\nprotocols = tp\"4\n", "3: protocols: bad name \"tp\"4\"" },
	{ "[site akl]\nbird_socket = /a\nprotocols = p1 p1\n", "3: protocols: p1 listed twice" },
	{ "[site akl]\nbird_socket = /a\nprotocols =\n", "3: protocols: needs at least one name" },
	{ "[site akl]\nbird_socket = /a\ninterface = a-very-long-ifname\n",
	  "3: interface: \"a-very-long-ifname\" is longer than 15 characters" },
	{ "[site akl]\nbird_socket = /a\ninterface = eth 0\n", "3: interface: bad interface name" },
	{ "[site akl]\nbird_socket = /a\ncapacity = -1\n", "3: capacity: -1 is out of range" },
	{ "[site akl]\nbird_socket = /a\ncapacity = inf\n", "3: capacity: \"inf\" is not a number" },
	{ "[campaign]\nrate = 5\njust some words\n", "3: syntax error" },
	{ "[campaign\nrate = 5\n", "1: syntax error" },
	{ LONG_LINE, "2: line longer than 4096 characters" },
	/* an error in a line comes before checks made after the whole file */
	{ "[site akl]\n[campaign]\nrate = 0\n", "3: rate: 0 is out of range" },
	{ "[campaign]\nrate = 0\nrate = 1\n", "2: rate: 0 is out of range" },
};

/* Each bad file fails with its exact FILE:LINE: key: reason. */
Test(config, errors_name_line_and_key, .fini = fixture_cleanup)
{
	size_t i;

	for (i = 0; i < sizeof(bad_confs) / sizeof(bad_confs[0]); i++) {
		struct tp_conf c;
		struct tp_err err = { "" };
		char want[512];
		int rc = fixture_conf_load(bad_confs[i].text, &c, &err);

		cr_assert_eq(rc, -1, "case %zu (%s) loaded", i, bad_confs[i].msg);
		snprintf(want, sizeof(want), "%s:%s", fixture_path("tp.conf"),
		    bad_confs[i].msg);
		cr_assert_eq(strncmp(err.msg, want, strlen(want)), 0,
		    "case %zu: got \"%s\"\nwant \"%s...\"", i, err.msg, want);
		cr_assert_null(c.sites, "case %zu: not freed", i);
		tp_conf_free(&c);
	}
}

/* Indented keys are keys, not continuation lines; ';' and '#' comment lines. */
Test(config, indentation_and_comments, .fini = fixture_cleanup)
{
	struct tp_conf c;
	struct tp_err err = { "" };

	cr_assert_eq(fixture_conf_load("; top\n[campaign]\n  rate = 7\n\t# note\n"
	    "\tsettle = 3\n", &c, &err), 0, "%s", err.msg);
	cr_assert_eq(c.rate, 7);
	cr_assert_eq(c.settle, 3);
	tp_conf_free(&c);
}

/* A missing file names the path. */
Test(config, missing_file)
{
	struct tp_conf c;
	struct tp_err err = { "" };

	cr_assert_eq(tp_conf_load("/nonexistent/tp.conf", &c, &err), -1);
	cr_assert_not_null(strstr(err.msg, "/nonexistent/tp.conf: cannot open"),
	    "%s", err.msg);
}

/* metrics_file is taken as given. */
Test(config, metrics_file, .fini = fixture_cleanup)
{
	struct tp_conf c;
	struct tp_err err = { "" };

	cr_assert_eq(fixture_conf_load("[campaign]\nmetrics_file = /var/lib/node/tp.prom\n", &c, &err), 0,
	    "%s", err.msg);
	cr_expect_str_eq(c.metrics_file, "/var/lib/node/tp.prom");
	tp_conf_free(&c);
}

/* The shipped example loads as it is, so it never rots. */
Test(config, example_loads)
{
	struct tp_conf c;
	struct tp_err err = { "" };

	cr_assert_eq(tp_conf_load(DATA_SRCDIR "/tp.conf.example", &c, &err), 0, "%s",
	    err.msg);
	cr_assert_eq(c.nsites, 3);
	cr_assert_str_eq(c.prober, "akl");
	cr_assert_not_null(tp_conf_site(&c, "chc"));
	cr_assert_str_eq(tp_conf_site(&c, "wlg")->bird_socket, "/run/bird/bird.ctl");
	tp_conf_free(&c);
}

/* Names and whether tp_name_valid takes them. */
static const struct {
	const char *name;
	int ok;
} names[] = {
	{ "akl", 1 }, { "AKL-1", 1 }, { "tp_anycast4", 1 }, { "a.b", 1 }, { "9", 1 },
	{ "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc", 1 },
	{ "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd", 0 },
	{ "", 0 }, { "-akl", 0 }, { "_akl", 0 }, { ".akl", 0 }, { "a kl", 0 },
	{ "akl ", 0 }, { "\"akl\"", 0 }, { "a'b", 0 }, { "a\nb", 0 }, { "akl\n", 0 },
	{ "a/b", 0 }, { "a;b", 0 }, { "a$b", 0 }, { "\xc3\xa9t\xc3\xa9", 0 }, { "a\tb", 0 },
};

/* tp_name_valid takes exactly the safe identifiers. */
Test(config, name_valid)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		cr_assert_eq(tp_name_valid(names[i].name), names[i].ok, "\"%s\"",
		    names[i].name);
	cr_assert_eq(tp_name_valid(NULL), 0);
}

/* Prefixes inside and outside the default test ranges. */
Test(config, in_test_ranges)
{
	static const struct {
		const char *prefix;
		int in;
	} cases[] = {
		{ "192.0.2.0/24", 1 }, { "192.0.2.128/25", 1 }, { "192.0.2.7", 1 },
		{ "192.0.2.0/23", 0 }, { "192.0.3.0/24", 0 }, { "0.0.0.0/0", 0 },
		{ "2001:db8:ffff::/48", 1 }, { "2001:db8:ffff:1::/64", 1 },
		{ "2001:db8::/32", 0 }, { "2001:db8:fffe::/48", 0 },
	};
	struct tp_conf c;
	struct tp_prefix p;
	struct tp_err err;
	size_t i;

	tp_conf_defaults(&c);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(tp_prefix_parse(cases[i].prefix, &p, &err), 0, "%s", err.msg);
		cr_assert_eq(tp_conf_in_test_ranges(&c, &p), cases[i].in, "%s",
		    cases[i].prefix);
	}
	tp_conf_free(&c);
}

Test(config, sets_over_several_lines_add_up, .fini = fixture_cleanup)
{
	struct tp_conf c;
	struct tp_err err;

	cr_assert_eq(fixture_conf_load("[campaign]\nsets = akl+chc, chc+syd\nrate = 7\nsets = akl+syd\n"
	    "sets =\n[site akl]\nbird_socket = /a\n[site chc]\nbird_socket = /c\n"
	    "[site syd]\nbird_socket = /s\n", &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.sets, "akl+chc, chc+syd, akl+syd");
	tp_conf_free(&c);
	cr_assert_eq(fixture_conf_load("[campaign]\nsets = akl+chc\nsets = akl+nowhere\n"
	    "[site akl]\nbird_socket = /a\n[site chc]\nbird_socket = /c\n", &c, &err), -1);
	cr_assert_not_null(strstr(err.msg, "nowhere"), "%s", err.msg);
}
