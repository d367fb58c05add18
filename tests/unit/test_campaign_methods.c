/*
 * test_campaign_methods.c: the campaign's probe methods (campaign/methods.c):
 * tp-probe's extra arguments, which targets each method probes in the
 * baseline's fallback and in later rounds, the reply addresses read from
 * a listener's stream, and the method stored and loaded per target.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "config.h"
#include "fixture.h"
#include "methods.h"

TestSuite(campaign_methods, .fini = fixture_cleanup);

/* A campaign over conf text (its sites and keys); conf freed by the caller. */
static void
campaign_of(const char *text, struct tp_conf *conf, struct campaign *c)
{
	struct tp_err err;

	cr_assert_eq(fixture_conf_load(text, conf, &err), 0, "%s", err.msg);
	memset(c, 0, sizeof(*c));
	c->conf = conf;
}

/* The arguments joined by spaces. */
static void
joined(const char **args, size_t n, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		strncat(buf, args[i], len - strlen(buf) - 1);
		if (i + 1 < n)
			strncat(buf, " ", len - strlen(buf) - 1);
	}
}

Test(campaign_methods, probe_arguments)
{
	struct tp_conf conf;
	struct campaign c;
	struct tp_methods m;
	const char *args[2 * TP_METHODS_MAX];
	char fields[64], buf[256];
	size_t n;

	campaign_of("[site akl]\nbird_socket = /a\n", &conf, &c);
	methods_of(&c, &m);
	cr_expect_eq(methods_listen_args(&c, &m, args), 0, "plain ICMP needs no option");
	methods_job_fields(&c, &m, 0, fields, sizeof(fields));
	cr_expect_str_eq(fields, "", "plain ICMP: the job line of any prober");
	tp_conf_free(&conf);

	campaign_of("[campaign]\nprobe_methods = icmp tcp:80\nprobes_per_target = 3\n"
	    "[site akl]\nbird_socket = /a\n", &conf, &c);
	methods_of(&c, &m);
	n = methods_listen_args(&c, &m, args);
	joined(args, n, buf, sizeof(buf));
	cr_expect_str_eq(buf, "--method icmp --method tcp:80");
	methods_job_fields(&c, &m, 1, fields, sizeof(fields));
	cr_expect_str_eq(fields, " tcp:80 3");
	methods_job_fields(&c, &m, 0, fields, sizeof(fields));
	cr_expect_str_eq(fields, " icmp 3");
	tp_conf_free(&conf);
}

/* Three targets; a listener's stream saw .1 answer (and a line cut short for .2). */
Test(campaign_methods, fallback_picks_the_silent_and_rounds_the_stored_method)
{
	static const char stream[] =
	    "tp-records 2\n"
	    "reply 5 akl 198.18.0.1 100 61 1000 192.0.2.1 icmp 0\n"
	    "# a comment\n"
	    "reply 5 akl 198.18.0.2 100 61 1000 192.0.2.1 icmp 0";
	struct round_target t[3], sel[3];
	struct methods_answered a = { 0 };
	struct tp_err err;
	size_t i;

	memset(t, 0, sizeof(t));
	for (i = 0; i < 3; i++) {
		char s[32];

		snprintf(s, sizeof(s), "198.18.0.%zu", i + 1);
		cr_assert_eq(tp_addr_parse(s, &t[i].addr, &err), 0, "%s", err.msg);
		t[i].id = (long long)i + 1;
	}
	cr_expect_eq(methods_pick(t, 3, 0, 1, &a, sel), 3, "the first method probes all");
	methods_answered_scan(&a, stream, sizeof(stream) - 1);
	cr_expect_eq(a.n, 1);
	cr_assert_eq(methods_pick(t, 3, 1, 1, &a, sel), 2);
	cr_expect_eq(sel[0].id, 2);
	cr_expect_eq(sel[1].id, 3);
	methods_answered_free(&a);
	t[2].method = 1;
	cr_assert_eq(methods_pick(t, 3, 1, 0, NULL, sel), 1, "later rounds: by stored method");
	cr_expect_eq(sel[0].id, 3);
	cr_expect_eq(methods_pick(t, 3, 0, 0, NULL, sel), 2);
}

/* The baseline's replies give each target its method; loading maps it to the list. */
Test(campaign_methods, store_and_load)
{
	struct tp_db *db = fixture_db("c.db",
	    "INSERT INTO sites (id, name) VALUES (1, 'akl');"
	    "INSERT INTO targets (id, addr, family) VALUES (1, X'C6120001', 4),"
	    " (2, X'C6120002', 4), (3, X'C6120003', 4);"
	    "INSERT INTO rounds (id, kind) VALUES (1, 'baseline');"
	    "INSERT INTO responses (round_id, target_id, site_id, received_us, method, flow)"
	    " VALUES (1, 1, 1, 0, 'icmp', 0), (1, 2, 1, 0, 'tcp:80', 1),"
	    " (1, 2, 1, 0, 'tcp:80', 0);");
	struct tp_conf conf;
	struct campaign c;
	struct round_target t[3];
	struct tp_err err;

	campaign_of("[campaign]\nprobe_methods = icmp tcp:80\n[site akl]\nbird_socket = /a\n",
	    &conf, &c);
	c.db = db;
	memset(t, 0, sizeof(t));
	t[0].id = 1, t[1].id = 2, t[2].id = 3;
	c.targets = t;
	c.ntargets = 3;
	cr_assert_eq(methods_store(&c, 1, &err), 0, "%s", err.msg);
	cr_expect_eq((long long)fixture_query(db->h, "SELECT count(*) FROM targets WHERE "
	    "method IS NULL"), 1);
	cr_assert_eq(methods_load(&c, &err), 0, "%s", err.msg);
	cr_expect_eq(t[0].method, 0);
	cr_expect_eq(t[1].method, 1);
	cr_expect_eq(t[2].method, 0, "silent: the first method");
	tp_conf_free(&conf);
	tp_db_close(db);
}
