/* test_bird_reply.c: the incremental BIRD reply parser, fed from strings and transcripts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "bird_reply.h"
#include "fixture.h"
#include "xalloc.h"

/*
 * Feed s in chunks of chunk bytes (0 = all at once). Returns the feed
 * result; *used_total counts the bytes taken.
 */
static int
parse(const char *s, size_t len, size_t chunk, struct bird_reply *reply, size_t *used_total,
    struct tp_err *err)
{
	struct bird_reader *r = xmalloc(sizeof(*r));
	size_t off = 0, used;
	int rc = 0;

	bird_reader_init(r);
	*used_total = 0;
	while (off < len) {
		size_t n = chunk == 0 || len - off < chunk ? len - off : chunk;

		rc = bird_reader_feed(r, s + off, n, &used, err);
		cr_assert_leq(used, n);
		off += used;
		*used_total += used;
		if (rc != 0)
			break;
	}
	bird_reader_take(r, reply);
	bird_reader_free(r);
	free(r);
	return rc;
}

Test(bird_reply, code_classes)
{
	static const struct {
		int code;
		enum bird_class cls;
		int error;
	} cases[] = {
		{ 0, BIRD_CLASS_OK, 0 }, { 1, BIRD_CLASS_OK, 0 }, { 22, BIRD_CLASS_OK, 0 },
		{ 1002, BIRD_CLASS_ROW, 0 }, { 1999, BIRD_CLASS_ROW, 0 },
		{ 2002, BIRD_CLASS_HEADING, 0 }, { 3000, BIRD_CLASS_UNKNOWN, 0 },
		{ 7999, BIRD_CLASS_UNKNOWN, 0 }, { 8000, BIRD_CLASS_RUNTIME_ERR, 1 },
		{ 8007, BIRD_CLASS_RUNTIME_ERR, 1 }, { 9001, BIRD_CLASS_PARSE_ERR, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(bird_code_class(cases[i].code), cases[i].cls, "code %d", cases[i].code);
		cr_assert_eq(bird_code_is_error(cases[i].code), cases[i].error, "code %d",
		    cases[i].code);
	}
}

/* Well-formed replies: how many lines, final code, and one line to check. */
Test(bird_reply, well_formed_table)
{
	static const struct {
		const char *text;
		size_t nlines;
		int code;
		size_t check;		/* index of the line to check */
		int check_code;
		enum bird_line_kind check_kind;
		const char *check_text;
	} cases[] = {
		{ "0001 BIRD 2.0.12 ready.\n", 1, 1, 0, 1, BIRD_LINE_LAST, "BIRD 2.0.12 ready." },
		{ "0000 \n", 1, 0, 0, 0, BIRD_LINE_LAST, "" },
		{ "0018 Reconfiguration confirmed\n", 1, 18, 0, 18, BIRD_LINE_LAST,
		    "Reconfiguration confirmed" },
		{ "1000-BIRD 2.0.12\n1011-Router ID is 1.2.3.4\n Hostname is x\n0013 up\n", 4, 13,
		    2, 1011, BIRD_LINE_CONT, "Hostname is x" },
		{ "2002-Name Proto\n1002-a B\n b C\n0000 \n", 4, 0, 1, 1002, BIRD_LINE_MORE, "a B" },
		{ "+spontaneous\n0000 \n", 2, 0, 0, -1, BIRD_LINE_ASYNC, "spontaneous" },
		{ "1007-x\n+async in the middle\n y\n0000 \n", 4, 0, 2, 1007, BIRD_LINE_CONT, "y" },
		{ "8001 Route not found\n", 1, 8001, 0, 8001, BIRD_LINE_LAST, "Route not found" },
		{ "9001 syntax error\n", 1, 9001, 0, 9001, BIRD_LINE_LAST, "syntax error" },
		{ "0002-Reading\n0022-Undo scheduled in 9 s\n0003 Reconfigured\n", 3, 3, 1, 22,
		    BIRD_LINE_MORE, "Undo scheduled in 9 s" },
		{ "1007-a\n1008-\ttab\n \tmore\n0000 \n", 4, 0, 2, 1008, BIRD_LINE_CONT, "\tmore" },
	};
	size_t i, chunk;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (chunk = 0; chunk <= 3; chunk++) {	/* all at once, 1, 2, 3 bytes */
			struct bird_reply reply;
			struct tp_err err;
			size_t used;
			int rc = parse(cases[i].text, strlen(cases[i].text), chunk, &reply, &used,
			    &err);

			cr_assert_eq(rc, 1, "case %zu chunk %zu: rc %d", i, chunk, rc);
			cr_assert_eq(used, strlen(cases[i].text), "case %zu", i);
			cr_assert_eq(reply.nlines, cases[i].nlines, "case %zu: %zu lines", i,
			    reply.nlines);
			cr_assert_eq(reply.code, cases[i].code, "case %zu", i);
			cr_assert_eq(reply.bytes, strlen(cases[i].text));
			cr_assert_eq(reply.lines[cases[i].check].code, cases[i].check_code,
			    "case %zu", i);
			cr_assert_eq(reply.lines[cases[i].check].kind, cases[i].check_kind,
			    "case %zu", i);
			cr_assert_str_eq(reply.lines[cases[i].check].text, cases[i].check_text);
			bird_reply_free(&reply);
		}
}

Test(bird_reply, malformed_lines_fail)
{
	static const struct {
		const char *text;
		size_t len;
		const char *msg;
	} cases[] = {
		{ "\n", 1, "malformed" },
		{ " continuation first\n", 20, "continuation" },
		{ "001 short code\n", 15, "malformed" },
		{ "0001\n", 5, "malformed" },
		{ "00a1 letter\n", 12, "malformed" },
		{ "0001:bad separator\n", 19, "malformed" },
		{ "hello world\n", 12, "malformed" },
		{ "1002-row\nnot a line\n", 20, "malformed" },
		{ "0001 nul\0byte\n", 14, "NUL" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bird_reply reply;
		struct tp_err err;
		size_t used;

		cr_assert_eq(parse(cases[i].text, cases[i].len, 0, &reply, &used, &err), -1,
		    "case %zu", i);
		cr_assert_not_null(strstr(err.msg, cases[i].msg), "case %zu: %s", i, err.msg);
		bird_reply_free(&reply);
	}
}

Test(bird_reply, line_too_long_fails)
{
	size_t len = BIRD_LINE_MAX + 10;
	char *s = xmalloc(len + 1);
	struct bird_reply reply;
	struct tp_err err;
	size_t used;

	memset(s, 'x', len);
	memcpy(s, "1007-", 5);
	s[len - 1] = '\n';
	cr_assert_eq(parse(s, len, 0, &reply, &used, &err), -1);
	cr_assert_not_null(strstr(err.msg, "longer than"), "%s", err.msg);
	bird_reply_free(&reply);
	free(s);
}

Test(bird_reply, stops_at_end_of_reply)
{
	const char *two = "0009-p: disabled\n0000 \n0011-p: enabled\n0000 \n";
	struct bird_reader r;
	struct bird_reply reply;
	struct tp_err err;
	size_t used;

	bird_reader_init(&r);
	cr_assert_eq(bird_reader_feed(&r, two, strlen(two), &used, &err), 1);
	cr_assert_eq(used, strlen("0009-p: disabled\n0000 \n"));
	/* A finished reader takes nothing more. */
	cr_assert_eq(bird_reader_feed(&r, two + used, strlen(two) - used, &used, &err), 1);
	cr_assert_eq(used, 0);
	bird_reader_take(&r, &reply);
	cr_assert_eq(reply.nlines, 2);
	cr_assert(bird_reply_has_code(&reply, 9));
	cr_assert_not(bird_reply_has_code(&reply, 11));
	bird_reply_free(&reply);
	bird_reader_free(&r);
}

Test(bird_reply, incomplete_needs_more)
{
	struct bird_reply reply;
	struct tp_err err;
	size_t used;
	const char *s = "1002-a\n b\n0000";

	cr_assert_eq(parse(s, strlen(s), 0, &reply, &used, &err), 0);
	cr_assert_eq(used, strlen(s));
	cr_assert_eq(reply.nlines, 2);
	cr_assert_eq(reply.code, -1);
	bird_reply_free(&reply);
}

Test(bird_reply, summary_joins_text)
{
	const char *s = "+async\n0002-Reading configuration\n0022-Undo scheduled in 5 s\n"
	    "0003 Reconfigured\n";
	struct bird_reply reply;
	struct tp_err err;
	char buf[64], tiny[10];
	size_t used;

	cr_assert_eq(parse(s, strlen(s), 0, &reply, &used, &err), 1);
	cr_assert_str_eq(bird_reply_summary(&reply, buf, sizeof(buf)),
	    "Reading configuration; Undo scheduled in 5 s; Reconfigured");
	cr_assert_eq(strlen(bird_reply_summary(&reply, tiny, sizeof(tiny))), sizeof(tiny) - 1);
	bird_reply_free(&reply);
}

/* Every recorded BIRD 2.0.12 transcript parses, in one piece and one byte at a time. */
Test(bird_reply, recorded_transcripts)
{
	static const struct {
		const char *file;
		size_t nlines;
		int code;
	} cases[] = {
		{ "hello.txt", 1, 1 },
		{ "show-status.txt", 7, 13 },
		{ "show-protocols.txt", 7, 0 },
		{ "show-protocols-withdrawn.txt", 7, 0 },
		{ "show-route-protocol-tp_anycast4.txt", 3, 0 },
		{ "show-route-protocol-tp_anycast4-withdrawn.txt", 1, 0 },
		{ "show-route-protocol-prod4.txt", 4, 0 },
		{ "show-route-all.txt", 12, 0 },
		{ "configure-timeout.txt", 3, 3 },
		{ "disable.txt", 2, 0 },
		{ "disable-again.txt", 2, 0 },
		{ "enable.txt", 2, 0 },
		{ "enable-again.txt", 2, 0 },
		{ "configure-confirm.txt", 1, 18 },
		{ "configure-confirm-nothing.txt", 1, 19 },
		{ "restrict.txt", 1, 16 },
		{ "parse-error.txt", 1, 9001 },
		{ "no-such-command.txt", 1, 9001 },
		{ "testbed-show-status.txt", 7, 13 },
		{ "testbed-show-protocols.txt", 9, 0 },
		{ "testbed-show-route-protocol-tp_anycast4.txt", 3, 0 },
		{ "testbed-show-route-protocol-tp_anycast6.txt", 3, 0 },
	};
	size_t i, chunk;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len;
		char *s = fixture_bird_transcript(cases[i].file, &len);

		for (chunk = 0; chunk <= 1; chunk++) {
			struct bird_reply reply;
			struct tp_err err;
			size_t used;

			cr_assert_eq(parse(s, len, chunk, &reply, &used, &err), 1, "%s: %s",
			    cases[i].file, err.msg);
			cr_assert_eq(used, len, "%s", cases[i].file);
			cr_assert_eq(reply.nlines, cases[i].nlines, "%s: %zu lines",
			    cases[i].file, reply.nlines);
			cr_assert_eq(reply.code, cases[i].code, "%s", cases[i].file);
			bird_reply_free(&reply);
		}
		free(s);
	}
}

Test(bird_reply, over_one_mebibyte)
{
	size_t n = 40000, i, cap = n * 64 + 64, o = 0;
	char *s = xmalloc(cap);
	struct bird_reply reply;
	struct tp_err err;
	size_t used;

	o += (size_t)snprintf(s + o, cap - o, "1007-Table master4:\n");
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(s + o, cap - o, " 10.%zu.%zu.0/24 unreachable [p 00:00] * (200)\n",
		    i / 256, i % 256);
	o += (size_t)snprintf(s + o, cap - o, "0000 \n");
	cr_assert_gt(o, (size_t)1 << 20);
	cr_assert_eq(parse(s, o, 4096, &reply, &used, &err), 1, "%s", err.msg);
	cr_assert_eq(reply.nlines, n + 2);
	cr_assert_eq(reply.bytes, o);
	cr_assert_str_eq(reply.lines[n].text, "10.156.63.0/24 unreachable [p 00:00] * (200)");
	bird_reply_free(&reply);
	free(s);
}

/*
 * A reply that never ends is cut off at BIRD_REPLY_MAX (tens of MiB, not
 * the 1 GiB it was) with a clear error, however its lines are shaped.
 */
Test(bird_reply, total_size_capped)
{
	static const char row[] = "1007-a routing table row that goes on and on\n";
	size_t rowlen = sizeof(row) - 1, n = 0, used, total = 0;
	struct bird_reader *r = xmalloc(sizeof(*r));
	char *chunk = xmalloc(64 * 1024);
	struct tp_err err;
	int rc = 0;

	cr_assert_leq(BIRD_REPLY_MAX, (size_t)64 << 20);
	while (n + rowlen <= 64 * 1024) {
		memcpy(chunk + n, row, rowlen);
		n += rowlen;
	}
	bird_reader_init(r);
	while (rc == 0 && total < ((size_t)2 << 30)) {
		rc = bird_reader_feed(r, chunk, n, &used, &err);
		total += used;
	}
	cr_expect_eq(rc, -1);
	cr_expect_leq(total, BIRD_REPLY_MAX);
	cr_expect(strstr(err.msg, "BIRD reply longer than 32 MiB") != NULL, "%s", err.msg);
	bird_reader_free(r);
	free(r);
	free(chunk);
}

/* A malformed line is quoted with its control bytes escaped. */
Test(bird_reply, malformed_line_escaped)
{
	static const char s[] = "\x1b]0;owned\x07\n";
	struct bird_reply reply;
	struct tp_err err;
	size_t used;

	cr_assert_eq(parse(s, sizeof(s) - 1, 0, &reply, &used, &err), -1);
	cr_expect(strstr(err.msg, "\"\\x1b]0;owned\\x07\"") != NULL, "%s", err.msg);
	cr_expect(strchr(err.msg, '\x1b') == NULL);
	bird_reply_free(&reply);
}
