/* test_records.c: the listener record stream, written and read back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "records.h"

Test(records, round_trip)
{
	struct tp_addr a4, a6;
	struct tp_record r;
	struct tp_err err;
	char *buf = NULL, *line, *save;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_eq(tp_addr_parse("198.18.1.7", &a4, &err), 0, "%s", err.msg);
	cr_assert_eq(tp_addr_parse("2001:db8:1::7", &a6, &err), 0, "%s", err.msg);
	tp_records_write_header(f);
	tp_records_write_reply(f, 42, "akl", &a4, 1234, 61, 1700000000123456LL);
	tp_records_write_reply(f, 42, "akl", &a6, -1, 62, 1700000000123999LL);
	tp_records_write_end(f, 42, "akl", 2, 5, 1, 0);
	fclose(f);
	cr_assert_str_eq(buf,
	    "tp-records 1\n"
	    "reply 42 akl 198.18.1.7 1234 61 1700000000123456\n"
	    "reply 42 akl 2001:db8:1::7 - 62 1700000000123999\n"
	    "end 42 akl 2 5 1 0\n");

	line = strtok_r(buf, "\n", &save);
	cr_assert_eq(tp_record_parse(line, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.kind, TP_REC_HEADER);
	cr_assert_eq(r.version, 1);
	line = strtok_r(NULL, "\n", &save);
	cr_assert_eq(tp_record_parse(line, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.kind, TP_REC_REPLY);
	cr_assert_eq(r.round, 42);
	cr_assert_str_eq(r.site, "akl");
	cr_assert_eq(tp_addr_cmp(&r.addr, &a4), 0);
	cr_assert_eq(r.rtt_us, 1234);
	cr_assert_eq(r.ttl, 61);
	cr_assert_eq(r.received_us, 1700000000123456LL);
	line = strtok_r(NULL, "\n", &save);
	cr_assert_eq(tp_record_parse(line, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.rtt_us, -1);
	cr_assert_eq(tp_addr_cmp(&r.addr, &a6), 0);
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

/* Malformed lines, each with a word its reason must contain. */
static const struct {
	const char *line;
	const char *reason;
} bad_lines[] = {
	{ "tp-records 2", "version 2" },
	{ "tp-records", "header" },
	{ "reply 1 akl 198.18.0.1 10 64", "fields" },
	{ "reply 1 akl 198.18.0.1 10 64 5 9", "fields" },
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
