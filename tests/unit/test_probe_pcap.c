/*
 * test_probe_pcap.c: replay the pcap fixtures (tests/fixtures/pcap, written
 * by make-fixtures) through tp-probe listen's code and check the exact
 * counts and the record stream.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <criterion/criterion.h>

#include "listen.h"
#include "fixture.h"
#include "db.h"
#include "records.h"

#define FIX_DIR TESTS_SRCDIR "/fixtures/pcap"
#define FIX_RTT_US 1500

/* The fixture key copied to a mode-0600 temp file (git keeps no modes). */
static const char *
fixture_key(void)
{
	char buf[256];
	const char *path;
	FILE *f;
	size_t n;

	f = fopen(FIX_DIR "/test.key", "r");
	cr_assert_not_null(f, "cannot read " FIX_DIR "/test.key");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	path = fixture_write("test.key", buf);
	cr_assert_eq(chmod(path, 0600), 0);
	return path;
}

/* What one replay must produce. */
struct replay {
	const char *file;
	uint32_t round;
	uint64_t accepted, rejected, duplicates, with_rtt, packets;
};

static const struct replay replays[] = {
	{ "replies-eth.pcap", 7, 17, 8, 3, 15, 28 },
	{ "replies-any.pcap", 7, 10, 2, 1, 10, 13 },
	{ "replies-sll2.pcap", 7, 2, 1, 0, 2, 3 },
	{ "replies-raw.pcap", 7, 2, 1, 0, 2, 3 },
	/* Another round: every reply is someone else's. */
	{ "replies-eth.pcap", 6, 0, 28, 0, 0, 28 },
};

/* Addresses that must never be recorded (the forged replies). */
static const char *const forged[] = {
	"198.18.3.", "2001:db8:3::", "198.18.10.99", "2001:db8:10::99", "198.18.20.2",
	"2001:db8:30::2",
};

/* Replay one fixture and check counts, lines and RTTs. */
static void
check_replay(const struct replay *rp)
{
	struct listen_opts o;
	struct listen_stats st;
	struct tp_record rec;
	struct tp_err err;
	char path[512], line[512], addr[TP_ADDR_STRLEN];
	uint64_t replies = 0, ends = 0;
	FILE *out;
	size_t i;

	listen_opts_defaults(&o);
	snprintf(path, sizeof(path), "%s/%s", FIX_DIR, rp->file);
	o.read_pcap = path;
	o.key_path = fixture_key();
	o.round = rp->round;
	o.have_round = 1;
	o.site = "akl";
	out = tmpfile();
	cr_assert_not_null(out);
	cr_assert_eq(listen_run(&o, out, &st, &err), 0, "%s: %s", rp->file, err.msg);
	cr_assert_eq(st.accepted, rp->accepted, "%s accepted %llu", rp->file,
	    (unsigned long long)st.accepted);
	cr_assert_eq(st.rejected, rp->rejected, "%s rejected %llu", rp->file,
	    (unsigned long long)st.rejected);
	cr_assert_eq(st.duplicates, rp->duplicates, "%s duplicates", rp->file);
	cr_assert_eq(st.with_rtt, rp->with_rtt, "%s with rtt", rp->file);
	cr_assert_eq(st.packets, rp->packets, "%s packets past the filter", rp->file);
	cr_assert_eq(st.ignored, 0, "%s ignored", rp->file);
	cr_assert_eq(st.drops, 0);
	rewind(out);
	cr_assert_not_null(fgets(line, sizeof(line), out));
	line[strcspn(line, "\n")] = '\0';
	cr_assert_eq(tp_record_parse(line, &rec, &err), 0, "%s", err.msg);
	cr_assert_eq(rec.kind, TP_REC_HEADER);
	while (fgets(line, sizeof(line), out) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		cr_assert_eq(tp_record_parse(line, &rec, &err), 0, "%s: %s", line, err.msg);
		cr_assert_eq(ends, 0, "nothing after the end line");
		if (rec.kind == TP_REC_END) {
			ends++;
			cr_assert_eq(rec.accepted, rp->accepted);
			cr_assert_eq(rec.rejected, rp->rejected);
			cr_assert_eq(rec.duplicates, rp->duplicates);
			cr_assert_eq(rec.drops, 0);
			continue;
		}
		cr_assert_eq(rec.kind, TP_REC_REPLY, "%s", line);
		replies++;
		cr_assert_eq(rec.round, rp->round);
		cr_assert_str_eq(rec.site, "akl");
		cr_assert_eq(rec.ttl, 57, "%s", line);
		cr_assert(rec.rtt_us == FIX_RTT_US || rec.rtt_us == -1, "%s", line);
		tp_addr_format(&rec.addr, addr, sizeof(addr));
		for (i = 0; i < sizeof(forged) / sizeof(forged[0]); i++)
			cr_assert_null(strstr(addr, forged[i]) == addr ? addr : NULL,
			    "forged %s recorded", addr);
		/* The cut replies are accepted without an RTT. */
		if (strcmp(addr, "198.18.2.1") == 0 || strcmp(addr, "2001:db8:2::1") == 0)
			cr_assert_eq(rec.rtt_us, -1, "%s", line);
		else
			cr_assert_eq(rec.rtt_us, FIX_RTT_US, "%s", line);
	}
	cr_assert_eq(replies, rp->accepted, "%s reply lines", rp->file);
	cr_assert_eq(ends, 1, "%s end line", rp->file);
	fclose(out);
}

Test(probe_pcap, fixture_replays, .fini = fixture_cleanup)
{
	size_t i;

	for (i = 0; i < sizeof(replays) / sizeof(replays[0]); i++)
		check_replay(&replays[i]);
}

Test(probe_pcap, wrong_key_rejects_everything, .fini = fixture_cleanup)
{
	struct listen_opts o;
	struct listen_stats st;
	struct tp_err err;
	const char *key;
	FILE *out = tmpfile();

	key = fixture_write("other.key",
	    "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100\n");
	cr_assert_eq(chmod(key, 0600), 0);
	listen_opts_defaults(&o);
	o.read_pcap = FIX_DIR "/replies-any.pcap";
	o.key_path = key;
	o.round = 7;
	o.have_round = 1;
	o.site = "syd";
	cr_assert_eq(listen_run(&o, out, &st, &err), 0, "%s", err.msg);
	cr_assert_eq(st.accepted, 0);
	cr_assert_eq(st.rejected, 13);
	fclose(out);
}

Test(probe_pcap, test_ranges_limit_what_counts, .fini = fixture_cleanup)
{
	struct listen_opts o;
	struct listen_stats st;
	struct tp_err err;
	FILE *out = tmpfile();

	/* Only the IPv6 test range: the IPv4 replies never pass the filter. */
	listen_opts_defaults(&o);
	o.nranges = 0;
	cr_assert_eq(tp_prefix_parse("2001:db8:ffff::/48", &o.ranges[o.nranges++], NULL), 0);
	o.read_pcap = FIX_DIR "/replies-any.pcap";
	o.key_path = fixture_key();
	o.round = 7;
	o.have_round = 1;
	o.site = "akl";
	cr_assert_eq(listen_run(&o, out, &st, &err), 0, "%s", err.msg);
	cr_assert_eq(st.packets, 5);
	cr_assert_eq(st.accepted, 4);
	cr_assert_eq(st.rejected, 1);
	fclose(out);
}

Test(probe_pcap, filter_text)
{
	struct listen_opts o;
	struct tp_err err;
	char buf[1024];

	listen_opts_defaults(&o);
	cr_assert_eq(listen_filter(&o, buf, sizeof(buf), &err), 0);
	cr_assert_str_eq(buf, "(icmp[icmptype] == icmp-echoreply and (dst net 192.0.2.0/24))"
	    " or (icmp6 and ip6[40] == 129 and (dst net 2001:db8:ffff::/48))");
	o.nranges = 0;
	cr_assert_eq(listen_filter(&o, buf, sizeof(buf), &err), -1);
	cr_assert_eq(listen_filter(&(struct listen_opts){ .nranges = 0 }, buf, 8, &err), -1);
}

/* A listen command line and whether it parses. */
struct listen_case {
	const char *args[12];
	int ok;
	const char *msg;	/* part of the error */
};

static const struct listen_case listen_cases[] = {
	{ { "listen", "-r", "3", "-s", "akl", NULL }, 1, NULL },
	{ { "listen", "-r", "3", "-s", "akl", "-t", "10.0.0.0/8", "--until-idle", "2.5", NULL },
	  1, NULL },
	{ { "listen", "-s", "akl", NULL }, 0, "--round" },
	{ { "listen", "-r", "3", NULL }, 0, "--site" },
	{ { "listen", "-r", "x", "-s", "akl", NULL }, 0, "not a number" },
	{ { "listen", "-r", "3", "-s", "bad site", NULL }, 0, "site name" },
	{ { "listen", "-r", "3", "-s", "akl", "-t", "10.0.0.1/8", NULL }, 0, "--test-range" },
	{ { "listen", "-r", "3", "-s", "akl", "--duration", "-1", NULL }, 0, "seconds" },
	{ { "listen", "-r", "3", "-s", "akl", "--bogus", NULL }, 0, "unknown option" },
	{ { "listen", "-r", "3", "-s", "akl", "extra", NULL }, 0, "unexpected" },
	{ { "listen", "-r", "3", "-s", "akl", "--method", "icmp", "--method", "tcp:80", NULL }, 1,
		NULL },
	{ { "listen", "-r", "3", "-s", "akl", "--method", "tcp:80", "--method", "tcp:80", NULL }, 0,
		"given twice" },
	{ { "listen", "-r", "3", "-s", "akl", "--method", "tcp:0", NULL }, 0, "--method" },
};

Test(probe_pcap, listen_command_lines)
{
	struct listen_opts o;
	struct tp_err err;
	size_t i;
	int argc, rc;

	for (i = 0; i < sizeof(listen_cases) / sizeof(listen_cases[0]); i++) {
		for (argc = 0; listen_cases[i].args[argc] != NULL; argc++)
			;
		rc = listen_parse(argc, (char **)listen_cases[i].args, &o, &err);
		if (listen_cases[i].ok) {
			cr_assert_eq(rc, 0, "case %zu: %s", i, err.msg);
		} else {
			cr_assert_eq(rc, -1, "case %zu parsed", i);
			cr_assert_not_null(strstr(err.msg, listen_cases[i].msg), "case %zu: %s", i,
			    err.msg);
		}
	}
	rc = listen_parse(13, (char *[]){ "listen", "-r", "9", "-s", "x", "-t", "10.0.0.0/8",
	    "-t", "2001:db8::/32", "--until-idle", "2.5", "-i", "eth0", NULL }, &o, &err);
	cr_assert_eq(rc, 0, "%s", err.msg);
	cr_assert_eq(o.nranges, 2, "given ranges replace the defaults");
	cr_assert_eq(o.round, 9);
	cr_assert_str_eq(o.interface, "eth0");
	cr_assert_float_eq(o.until_idle, 2.5, 1e-9);
}

/* Count the rows a query returns as its single integer. */
static long long
db_count(struct tp_db *db, const char *sql)
{
	sqlite3_stmt *st;
	long long n;

	cr_assert_eq(sqlite3_prepare_v2(db->h, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

Test(probe_pcap, replay_into_the_database, .fini = fixture_cleanup)
{
	struct listen_opts o;
	struct listen_stats st;
	struct tp_err err;
	struct tp_db *db;
	const char *path = fixture_path("tp.db");

	cr_assert_eq(tp_db_open(path, TP_DB_CREATE, &db, &err), 0, "%s", err.msg);
	/* Targets: the ten honest IPv4 repliers of the Ethernet fixture. */
	cr_assert_eq(tp_db_exec(db,
	    "INSERT INTO rounds(id, kind) VALUES (7, 'baseline');"
	    "INSERT INTO targets(addr, family) VALUES"
	    " (x'c6120101', 4), (x'c6120102', 4), (x'c6120103', 4), (x'c6120104', 4),"
	    " (x'c6120105', 4), (x'c6120106', 4), (x'c6120107', 4), (x'c6120108', 4),"
	    " (x'c6120109', 4), (x'c612010a', 4);", &err), 0, "%s", err.msg);
	tp_db_close(db);
	listen_opts_defaults(&o);
	o.read_pcap = FIX_DIR "/replies-eth.pcap";
	o.key_path = fixture_key();
	o.round = 7;
	o.have_round = 1;
	o.site = "akl";
	o.db_path = path;
	cr_assert_eq(listen_run(&o, NULL, &st, &err), 0, "%s", err.msg);
	cr_assert_eq(st.accepted, 17);
	cr_assert_eq(tp_db_open(path, 0, &db, &err), 0, "%s", err.msg);
	cr_assert_eq(db_count(db, "SELECT count(*) FROM responses WHERE round_id = 7"), 10);
	cr_assert_eq(db_count(db, "SELECT count(*) FROM responses r JOIN sites s"
	    " ON s.id = r.site_id WHERE s.name = 'akl' AND r.rtt_us = 1500 AND r.ttl = 57"), 10);
	tp_db_close(db);
}

/* What a multi-round replay of replies-lanes.pcap must give per round. */
struct lane_round {
	uint32_t round;
	const char *local4, *local6;	/* the lane's test addresses */
	uint64_t accepted, rejected, duplicates, with_rtt;
};

/*
 * Replay replies-lanes.pcap through tp-probe listen --multi-round with
 * commands from a file; check the end lines against want (nwant rounds),
 * that every reply carries its round's test address as LOCAL, and the
 * stale count.
 */
static void
check_lanes_replay(const char *commands, const struct lane_round *want, size_t nwant,
    uint64_t stale, uint64_t rejected)
{
	struct listen_opts o;
	struct listen_stats st;
	struct tp_record rec;
	struct tp_err err;
	char line[512], local[TP_ADDR_STRLEN], addr[TP_ADDR_STRLEN];
	uint64_t replies[8] = { 0 }, ends = 0;
	FILE *out = tmpfile(), *cmd;
	size_t i;

	listen_opts_defaults(&o);
	o.multi_round = 1;
	o.read_pcap = FIX_DIR "/replies-lanes.pcap";
	o.key_path = fixture_key();
	o.site = "ams";
	cmd = fopen(fixture_write("commands", commands), "r");
	cr_assert_not_null(cmd);
	o.control_fd = fileno(cmd);
	cr_assert_eq(listen_run(&o, out, &st, &err), 0, "%s", err.msg);
	fclose(cmd);
	cr_assert_eq(st.stale, stale, "stale %llu", (unsigned long long)st.stale);
	cr_assert_eq(st.rejected, rejected, "rejected %llu", (unsigned long long)st.rejected);
	rewind(out);
	while (fgets(line, sizeof(line), out) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		cr_assert_eq(tp_record_parse(line, &rec, &err), 0, "%s: %s", line, err.msg);
		if (rec.kind != TP_REC_REPLY && rec.kind != TP_REC_END)
			continue;
		for (i = 0; i < nwant && want[i].round != rec.round; i++)
			;
		cr_assert_lt(i, nwant, "a record of round %u: %s", rec.round, line);
		cr_assert_str_eq(rec.site, "ams");
		if (rec.kind == TP_REC_END) {
			ends++;
			cr_assert_eq(rec.accepted, want[i].accepted, "%s", line);
			cr_assert_eq(rec.rejected, want[i].rejected, "%s", line);
			cr_assert_eq(rec.duplicates, want[i].duplicates, "%s", line);
			cr_assert_eq(replies[i], want[i].accepted, "round %u: replies before its end",
			    rec.round);
			continue;
		}
		replies[i]++;
		tp_addr_format(&rec.local, local, sizeof(local));
		tp_addr_format(&rec.addr, addr, sizeof(addr));
		/* 198.18.42.1 answered round 21's probe at lane 2's address. */
		cr_assert_str_eq(local, strcmp(addr, "198.18.42.1") == 0 ? "192.0.2.33" :
		    rec.addr.family == AF_INET ? want[i].local4 : want[i].local6, "%s", line);
		cr_assert(strncmp(addr, "198.18.43.", 10) != 0, "closed round recorded: %s", line);
		cr_assert(strcmp(addr, "198.18.44.1") != 0, "forged reply recorded: %s", line);
		cr_assert_eq(rec.rtt_us, strcmp(addr, "198.18.41.1") == 0 ? -1 : FIX_RTT_US,
		    "%s", line);
	}
	cr_assert_eq(ends, nwant, "one end line per round");
	fclose(out);
}

Test(probe_pcap, two_rounds_two_lanes_one_capture, .fini = fixture_cleanup)
{
	/* Each round bound to its lane's ranges: round 21's reply at lane 2 is rejected. */
	static const struct lane_round bound[] = {
		{ 21, "192.0.2.17", "2001:db8:ffff:1::1", 6, 2, 1, 6 },
		{ 22, "192.0.2.33", "2001:db8:ffff:2::1", 5, 0, 0, 4 },
		{ 23, "-", "-", 0, 0, 0, 0 },
	};

	/*
	 * 23 opened and closed (its end line written, empty) before the
	 * capture: its 2 replies are stale, its cut one matches no open round.
	 */
	check_lanes_replay("open 21 192.0.2.16/28 2001:db8:ffff:1::/64\n"
	    "open 22 192.0.2.32/28 2001:db8:ffff:2::/64\n"
	    "open 23\nclose 23\n", bound, 3, 2, 2 + 2 + 1);
}

Test(probe_pcap, rounds_without_locals_take_any_test_address, .fini = fixture_cleanup)
{
	static const struct lane_round loose[] = {
		{ 21, "192.0.2.17", "2001:db8:ffff:1::1", 7, 1, 1, 7 },
		{ 22, "192.0.2.33", "2001:db8:ffff:2::1", 5, 0, 0, 4 },
	};

	/* Round 21's reply at lane 2's address is then accepted: LOCAL tells it apart. */
	check_lanes_replay("open 21\nopen 22\n", loose, 2, 2, 1 + 2 + 1);
}
