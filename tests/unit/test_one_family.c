/*
 * test_one_family.c: IPv4-only and IPv6-only deployments. tp.conf loads
 * with test ranges of one family and no invented source of the other, and
 * tp-probe send (dry run) then probes only targets of the measured family.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <criterion/criterion.h>

#include "../../probe/send.h"
#include "config.h"
#include "fixture.h"

/* Load text as tp.conf into c; returns tp_conf_load's result. */
static int
load(const char *text, struct tp_conf *c, struct tp_err *err)
{
	return tp_conf_load(fixture_write("tp.conf", text), c, err);
}

/* The family a config measures, as "4", "6" or "46". */
static const char *
families(const struct tp_conf *c)
{
	static char buf[3];

	snprintf(buf, sizeof(buf), "%s%s", tp_conf_has_family(c, AF_INET) ? "4" : "",
	    tp_conf_has_family(c, AF_INET6) ? "6" : "");
	return buf;
}

/* A config, and the families it measures or the start of its error. */
struct family_case {
	const char *text;
	const char *families;
	const char *error;
};

static const struct family_case family_cases[] = {
	{ "[campaign]\n", "46", NULL },
	{ "[campaign]\ntest_ranges = 203.0.113.0/24\nsource4 = 203.0.113.1\n", "4", NULL },
	{ "[campaign]\ntest_ranges = 192.0.2.0/24\n", "4", NULL },
	{ "[campaign]\ntest_ranges = 2001:db8:ffff::/48\n", "6", NULL },
	{ "[campaign]\ntest_ranges = 2001:db8:aaaa::/48\nsource6 = 2001:db8:aaaa::1\n", "6", NULL },
	/* a source given for a family without test ranges is still an error */
	{ "[campaign]\ntest_ranges = 192.0.2.0/24\nsource6 = 2001:db8:ffff::1\n", NULL,
	  "3: source6: not inside test_ranges" },
	/* a family with test ranges still needs its source inside them */
	{ "[campaign]\ntest_ranges = 203.0.113.0/24\n", NULL, "2: source4: not inside test_ranges" },
	{ "[campaign]\ntest_ranges = 2001:db8:aaaa::/48\n", NULL,
	  "2: source6: not inside test_ranges" },
};

/* Each config measures the families it has test ranges for, or fails. */
Test(one_family, config, .fini = fixture_cleanup)
{
	size_t i;

	for (i = 0; i < sizeof(family_cases) / sizeof(family_cases[0]); i++) {
		const struct family_case *fc = &family_cases[i];
		struct tp_conf c;
		struct tp_err err = { "" };
		char want[512];
		int rc = load(fc->text, &c, &err);

		if (fc->error == NULL) {
			cr_assert_eq(rc, 0, "case %zu: %s", i, err.msg);
			cr_assert_str_eq(families(&c), fc->families, "case %zu", i);
		} else {
			cr_assert_eq(rc, -1, "case %zu loaded", i);
			snprintf(want, sizeof(want), "%s:%s", fixture_path("tp.conf"), fc->error);
			cr_assert_eq(strncmp(err.msg, want, strlen(want)), 0,
			    "case %zu: got \"%s\", want \"%s...\"", i, err.msg, want);
		}
		tp_conf_free(&c);
	}
}

/* The config's family-less source is empty, not a made-up address. */
Test(one_family, source_of_the_other_family_is_empty, .fini = fixture_cleanup)
{
	struct tp_conf c;
	struct tp_err err = { "" };

	cr_assert_eq(load("[campaign]\ntest_ranges = 192.0.2.0/24\n", &c, &err), 0, "%s",
	    err.msg);
	cr_assert_eq(c.source4.family, AF_INET);
	cr_assert_eq(c.source6.family, 0);
	tp_conf_free(&c);
}

/* Dry-run send with the sources of config text; returns the targets sent. */
static unsigned long long
sent_with(const char *conf_text)
{
	struct tp_conf c;
	struct send_opts o;
	struct send_stats st;
	struct tp_err err = { "" };
	const char *key = fixture_write("probe.key",
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");

	cr_assert_eq(chmod(key, 0600), 0);
	cr_assert_eq(load(conf_text, &c, &err), 0, "%s", err.msg);
	send_opts_defaults(&o);
	o.source4 = c.source4;
	o.source6 = c.source6;
	o.key_path = key;
	o.exclude_path = fixture_write("exclude.conf", "");
	o.targets_path = fixture_write("targets.txt",
	    "198.18.1.1\n198.18.1.2\n198.18.1.3\n2001:db8:1::1\n2001:db8:1::2\n");
	o.round = 1;
	o.have_round = 1;
	o.dry_run = 1;
	o.quiet = 1;
	o.rate = 0;
	cr_assert_eq(send_run(&o, &st, &err), 0, "%s", err.msg);
	tp_conf_free(&c);
	return (unsigned long long)st.sent;
}

/* tp-probe send probes only the families the config measures. */
Test(one_family, send_probes_only_measured_families, .fini = fixture_cleanup)
{
	cr_assert_eq(sent_with("[campaign]\n"), 5);
	cr_assert_eq(sent_with("[campaign]\ntest_ranges = 192.0.2.0/24\n"), 3);
	cr_assert_eq(sent_with("[campaign]\ntest_ranges = 2001:db8:ffff::/48\n"), 2);
}
