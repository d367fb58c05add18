/* test_records.c: the listener record stream, written and read back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "records.h"

Test(records, round_trip)
{
	struct tp_addr a4, a6, l4;
	struct tp_record r, w4, w6;
	struct tp_err err;
	char *buf = NULL, *line, *save;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_eq(tp_addr_parse("198.18.1.7", &a4, &err), 0, "%s", err.msg);
	cr_assert_eq(tp_addr_parse("2001:db8:1::7", &a6, &err), 0, "%s", err.msg);
	cr_assert_eq(tp_addr_parse("192.0.2.17", &l4, &err), 0, "%s", err.msg);
	memset(&w4, 0, sizeof(w4));
	w4.round = 42;
	strcpy(w4.site, "akl");
	w4.addr = a4;
	w4.local = l4;
	w4.rtt_us = 1234;
	w4.ttl = 61;
	w4.received_us = 1700000000123456LL;
	strcpy(w4.method, "tcp:80");
	w4.flow = 2;
	w6 = w4;
	w6.addr = a6;
	memset(&w6.local, 0, sizeof(w6.local));
	w6.rtt_us = -1;
	w6.ttl = 62;
	w6.received_us = 1700000000123999LL;
	w6.method[0] = '\0';
	w6.flow = 0;
	tp_records_write_header(f);
	tp_records_write_reply(f, &w4);
	tp_records_write_reply(f, &w6);
	tp_records_write_end(f, 42, "akl", 2, 5, 1, 0);
	fclose(f);
	cr_assert_str_eq(buf,
	    "tp-records 2\n"
	    "reply 42 akl 198.18.1.7 1234 61 1700000000123456 192.0.2.17 tcp:80 2\n"
	    "reply 42 akl 2001:db8:1::7 - 62 1700000000123999 - icmp 0\n"
	    "end 42 akl 2 5 1 0\n");

	line = strtok_r(buf, "\n", &save);
	cr_assert_eq(tp_record_parse(line, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.kind, TP_REC_HEADER);
	cr_assert_eq(r.version, 2);
	line = strtok_r(NULL, "\n", &save);
	cr_assert_eq(tp_record_parse(line, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.kind, TP_REC_REPLY);
	cr_assert_eq(r.round, 42);
	cr_assert_str_eq(r.site, "akl");
	cr_assert_eq(tp_addr_cmp(&r.addr, &a4), 0);
	cr_assert_eq(r.rtt_us, 1234);
	cr_assert_eq(r.ttl, 61);
	cr_assert_eq(r.received_us, 1700000000123456LL);
	cr_assert_eq(tp_addr_cmp(&r.local, &l4), 0);
	cr_assert_str_eq(r.method, "tcp:80");
	cr_assert_eq(r.flow, 2);
	line = strtok_r(NULL, "\n", &save);
	cr_assert_eq(tp_record_parse(line, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.rtt_us, -1);
	cr_assert_eq(tp_addr_cmp(&r.addr, &a6), 0);
	cr_assert_eq(r.local.family, 0);
	cr_assert_str_eq(r.method, "icmp");
	line = strtok_r(NULL, "\n", &save);
	cr_assert_eq(tp_record_parse(line, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.kind, TP_REC_END);
	cr_assert_eq(r.accepted, 2);
	cr_assert_eq(r.rejected, 5);
	cr_assert_eq(r.duplicates, 1);
	cr_assert_eq(r.drops, 0);
	free(buf);
}

Test(records, comments_and_blank_lines_skip)
{
	struct tp_record r;
	struct tp_err err;

	cr_assert_eq(tp_record_parse("", &r, &err), 0);
	cr_assert_eq(r.kind, TP_REC_SKIP);
	cr_assert_eq(tp_record_parse("# listener started", &r, &err), 0);
	cr_assert_eq(r.kind, TP_REC_SKIP);
	cr_assert_eq(tp_record_parse("reply 1 akl 198.18.0.1 10 64 5\r", &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.kind, TP_REC_REPLY);
}

/* Version 1 streams are still read: no local address, ICMP, flow 0. */
Test(records, version_1_still_read)
{
	struct tp_record r;
	struct tp_err err;

	cr_assert_eq(tp_record_parse("tp-records 1", &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.version, 1);
	cr_assert_eq(tp_record_parse("reply 1 akl 198.18.0.1 10 64 5", &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.local.family, 0);
	cr_assert_str_eq(r.method, "icmp");
	cr_assert_eq(r.flow, 0);
}

/* Method names: icmp and tcp:PORT only. */
Test(records, method_names)
{
	cr_assert(tp_method_valid("icmp"));
	cr_assert(tp_method_valid("tcp:80"));
	cr_assert(tp_method_valid("tcp:65535"));
	cr_assert_not(tp_method_valid("tcp:0"));
	cr_assert_not(tp_method_valid("tcp:080"));
	cr_assert_not(tp_method_valid("tcp:65536"));
	cr_assert_not(tp_method_valid("tcp:"));
	cr_assert_not(tp_method_valid("udp:53"));
	cr_assert_not(tp_method_valid("ICMP"));
}

/* Malformed lines, each with a word its reason must contain. */
static const struct {
	const char *line;
	const char *reason;
} bad_lines[] = {
	{ "tp-records 3", "version 3" },
	{ "tp-records 0", "version 0" },
	{ "tp-records", "header" },
	{ "reply 1 akl 198.18.0.1 10 64", "fields" },
	{ "reply 1 akl 198.18.0.1 10 64 5 9", "fields" },
	{ "reply 1 akl 198.18.0.1 10 64 5 192.0.2.1 icmp", "fields" },
	{ "reply 1 akl 198.18.0.1 10 64 5 192.0.2.1 icmp 0 1", "fields" },
	{ "reply 1 akl 198.18.0.1 10 64 5 192.0.2.300 icmp 0", "local" },
	{ "reply 1 akl 198.18.0.1 10 64 5 192.0.2.1 udp:53 0", "method" },
	{ "reply 1 akl 198.18.0.1 10 64 5 192.0.2.1 tcp:99999 0", "method" },
	{ "reply 1 akl 198.18.0.1 10 64 5 192.0.2.1 icmp 256", "flow" },
	{ "reply 1 akl 198.18.0.1 10 64 5 192.0.2.1 icmp x", "flow" },
	{ "reply x akl 198.18.0.1 10 64 5", "round" },
	{ "reply 4294967296 akl 198.18.0.1 10 64 5", "round" },
	{ "reply -1 akl 198.18.0.1 10 64 5", "round" },
	{ "reply 1 a'kl 198.18.0.1 10 64 5", "site" },
	{ "reply 1 akl 198.18.0.256 10 64 5", "address" },
	{ "reply 1 akl 198.18.0.1 -5 64 5", "RTT" },
	{ "reply 1 akl 198.18.0.1 1e3 64 5", "RTT" },
	{ "reply 1 akl 198.18.0.1 10 256 5", "TTL" },
	{ "reply 1 akl 198.18.0.1 10 64 now", "receive" },
	{ "reply  1 akl 198.18.0.1 10 64 5", "malformed" },
	{ "reply 1 akl 198.18.0.1 10 64 5 ", "malformed" },
	{ "end 1 akl 1 2 3", "fields" },
	{ "end 1 akl 1 2 3 x", "count" },
	{ "bogus 1 2", "unknown" },
};

Test(records, malformed_lines_rejected_with_reason)
{
	struct tp_record r;
	struct tp_err err;
	size_t i;

	for (i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		err.msg[0] = '\0';
		cr_assert_eq(tp_record_parse(bad_lines[i].line, &r, &err), -1, "accepted: %s",
		    bad_lines[i].line);
		cr_assert_not_null(strstr(err.msg, bad_lines[i].reason), "\"%s\": reason \"%s\" lacks \"%s\"",
		    bad_lines[i].line, err.msg, bad_lines[i].reason);
	}
}

Test(records, long_line_rejected)
{
	char line[2048];
	struct tp_record r;
	struct tp_err err;

	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	cr_assert_eq(tp_record_parse(line, &r, &err), -1);
	cr_assert_not_null(strstr(err.msg, "too long"));
}
