/*
 * test_probe_send.c: tp-probe send without sending (--dry-run): option
 * parsing, exclusion, duplicates, repeats, and targets from the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <criterion/criterion.h>

#include "send.h"
#include "db.h"
#include "fixture.h"

/* A mode-0600 key file in the fixture folder. */
static const char *
key_file(void)
{
	const char *p = fixture_write("probe.key",
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");

	cr_assert_eq(chmod(p, 0600), 0);
	return p;
}

/* A send command line and whether it parses. */
struct send_case {
	const char *args[12];
	int ok;
	const char *msg;
};

static const struct send_case send_cases[] = {
	{ { "send", "-r", "1", NULL }, 1, NULL },
	{ { "send", "-r", "1", "-R", "0", "--repeat", "3", "--gap", "0.5", "t.txt", NULL }, 1, NULL },
	{ { "send", "-r", "1", "--db", "x.db", "--site", "akl", NULL }, 1, NULL },
	{ { "send", NULL }, 0, "--round" },
	{ { "send", "-r", "4294967296", NULL }, 0, "out of range" },
	{ { "send", "-r", "1", "-R", "fast", NULL }, 0, "--rate" },
	{ { "send", "-r", "1", "--repeat", "0", NULL }, 0, "--repeat" },
	{ { "send", "-r", "1", "--source4", "2001:db8::1", NULL }, 0, "not an IPv4" },
	{ { "send", "-r", "1", "--source6", "192.0.2.1", NULL }, 0, "not an IPv6" },
	{ { "send", "-r", "1", "--site", "akl", NULL }, 0, "--db" },
	{ { "send", "-r", "1", "--db", "x.db", "t.txt", NULL }, 0, "not both" },
	{ { "send", "-r", "1", "a", "b", NULL }, 0, "too many" },
	{ { "send", "-r", "1", "--nope", NULL }, 0, "unknown option" },
	{ { "send", "-r", NULL }, 0, "needs a value" },
	{ { "send", "-r", "1", "--method", "tcp:443", "--flows", "16", NULL }, 1, NULL },
	{ { "send", "-r", "1", "--method", "icmp", "--flows", "1", NULL }, 1, NULL },
	{ { "send", "-r", "1", "--method", "tcp", NULL }, 0, "give the port" },
	{ { "send", "-r", "1", "--method", "udp:53", NULL }, 0, "unknown probe method" },
	{ { "send", "-r", "1", "--flows", "0", NULL }, 0, "--flows" },
	{ { "send", "-r", "1", "--flows", "17", NULL }, 0, "--flows" },
	{ { "send", "--jobs", "--method", "tcp:80", NULL }, 1, NULL },
	{ { "send", "--jobs", "--flows", "2", NULL }, 0, "drop --flows" },
};

Test(probe_send, command_lines)
{
	struct send_opts o;
	struct tp_err err;
	size_t i;
	int argc, rc;

	for (i = 0; i < sizeof(send_cases) / sizeof(send_cases[0]); i++) {
		for (argc = 0; send_cases[i].args[argc] != NULL; argc++)
			;
		rc = send_parse(argc, (char **)send_cases[i].args, &o, &err);
		if (send_cases[i].ok) {
			cr_assert_eq(rc, 0, "case %zu: %s", i, err.msg);
		} else {
			cr_assert_eq(rc, -1, "case %zu parsed", i);
			cr_assert_not_null(strstr(err.msg, send_cases[i].msg), "case %zu: %s", i,
			    err.msg);
		}
	}
	rc = send_parse(7, (char *[]){ "send", "-r", "5", "-R", "250000", "-n", "list", NULL },
	    &o, &err);
	cr_assert_eq(rc, 0, "%s", err.msg);
	cr_assert_eq(o.round, 5);
	cr_assert_eq(o.rate, 250000);
	cr_assert(o.dry_run);
	cr_assert_str_eq(o.targets_path, "list");
}

Test(probe_send, dry_run_counts, .fini = fixture_cleanup)
{
	struct send_opts o;
	struct send_stats st;
	struct tp_err err;

	send_opts_defaults(&o);
	o.key_path = key_file();
	o.exclude_path = fixture_write("exclude.conf", "198.18.9.0/24\n2001:db8:9::/48\n");
	o.targets_path = fixture_write("targets.txt",
	    "198.18.1.1\n198.18.1.2\n198.18.9.5\n2001:db8:1::1\n2001:db8:9::1\n"
	    "# a comment\n198.18.1.1\n");
	o.round = 1;
	o.have_round = 1;
	o.dry_run = 1;
	o.quiet = 1;
	o.rate = 0;
	o.repeat = 3;
	o.gap = 0;
	cr_assert_eq(send_run(&o, &st, &err), 0, "%s", err.msg);
	cr_assert_eq(st.targets, 5, "distinct targets");
	cr_assert_eq(st.excluded, 2);
	cr_assert_eq(st.sent, 9, "3 targets x 3 passes");
	cr_assert_eq(st.errors, 0);
	/* TCP with 4 flows: each target gets one SYN-ACK per flow and pass. */
	cr_assert_eq(probe_method_parse("tcp:443", &o.method, &err), 0);
	o.flows = 4;
	cr_assert_eq(send_run(&o, &st, &err), 0, "%s", err.msg);
	cr_assert_eq(st.sent, 36, "3 targets x 4 flows x 3 passes");
}

Test(probe_send, dry_run_paced, .fini = fixture_cleanup)
{
	struct send_opts o;
	struct send_stats st;
	struct tp_err err;
	char *text = NULL;
	size_t len = 0, i;
	FILE *m = open_memstream(&text, &len);

	for (i = 0; i < 2000; i++)
		fprintf(m, "198.18.%zu.%zu\n", i / 200, i % 200 + 1);
	fclose(m);
	send_opts_defaults(&o);
	o.key_path = key_file();
	o.exclude_path = fixture_write("empty.conf", "");
	o.targets_path = fixture_write("targets.txt", text);
	free(text);
	o.round = 1;
	o.have_round = 1;
	o.dry_run = 1;
	o.quiet = 1;
	o.rate = 20000;
	cr_assert_eq(send_run(&o, &st, &err), 0, "%s", err.msg);
	cr_assert_eq(st.sent, 2000);
	/* 2000 at 20000/s: 0.1 s. */
	cr_assert(st.seconds > 0.095 && st.seconds < 2, "%f s", st.seconds);
}

Test(probe_send, errors_name_the_file, .fini = fixture_cleanup)
{
	struct send_opts o;
	struct send_stats st;
	struct tp_err err;

	send_opts_defaults(&o);
	o.key_path = key_file();
	o.exclude_path = fixture_write("empty.conf", "");
	o.targets_path = fixture_write("targets.txt", "198.18.1.1\nnot-an-address\n");
	o.round = 1;
	o.have_round = 1;
	o.dry_run = 1;
	o.quiet = 1;
	cr_assert_eq(send_run(&o, &st, &err), -1);
	cr_assert_not_null(strstr(err.msg, "targets.txt:2"), "%s", err.msg);
	o.targets_path = fixture_path("missing.txt");
	cr_assert_eq(send_run(&o, &st, &err), -1);
	o.key_path = fixture_path("missing.key");
	cr_assert_eq(send_run(&o, &st, &err), -1);
	cr_assert_not_null(strstr(err.msg, "missing.key"), "%s", err.msg);
}

Test(probe_send, targets_from_the_database, .fini = fixture_cleanup)
{
	struct send_opts o;
	struct send_stats st;
	struct tp_err err;
	struct tp_db *db;
	const char *path = fixture_path("tp.db");

	cr_assert_eq(tp_db_open(path, TP_DB_CREATE, &db, &err), 0, "%s", err.msg);
	cr_assert_eq(tp_db_exec(db,
	    "INSERT INTO sites(id, name) VALUES (1, 'akl'), (2, 'syd');"
	    "INSERT INTO targets(addr, family, site_id) VALUES"
	    " (x'c6120101', 4, 1), (x'c6120102', 4, 1), (x'c6120103', 4, 2),"
	    " (x'20010db8000100000000000000000001', 6, 1);", &err), 0, "%s", err.msg);
	tp_db_close(db);
	send_opts_defaults(&o);
	o.key_path = key_file();
	o.exclude_path = fixture_write("empty.conf", "");
	o.db_path = path;
	o.round = 1;
	o.have_round = 1;
	o.dry_run = 1;
	o.quiet = 1;
	o.rate = 0;
	cr_assert_eq(send_run(&o, &st, &err), 0, "%s", err.msg);
	cr_assert_eq(st.sent, 4, "all targets");
	o.site = "akl";
	cr_assert_eq(send_run(&o, &st, &err), 0, "%s", err.msg);
	cr_assert_eq(st.sent, 3, "akl's targets");
	o.site = "nowhere";
	cr_assert_eq(send_run(&o, &st, &err), -1);
	cr_assert_not_null(strstr(err.msg, "nowhere"), "%s", err.msg);
}
