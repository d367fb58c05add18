/*
 * test_log_formats.c: one request from a line of each log format, the
 * reasons bad lines are given, the log times and --since, and the tally
 * (weights summed per address; one voted address per prefix).
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "log_formats.h"
#include "log_tally.h"
#include "log_time.h"

struct line_case {
	const char *line;
	enum log_line want;
	const char *addr;	/* for a request */
	double weight;
	enum log_bad why;	/* for a bad line */
};

/* Run each case through o and check what it gave. */
static void
run_cases(const struct log_format_opts *o, const struct line_case *c, size_t n)
{
	char buf[1024], text[TP_ADDR_STRLEN];
	struct tp_addr a;
	enum log_bad why;
	double w;
	size_t i;

	for (i = 0; i < n; i++) {
		enum log_line got;

		snprintf(buf, sizeof(buf), "%s", c[i].line);
		got = log_parse_line(o, buf, strlen(buf), &a, &w, &why);
		cr_expect_eq(got, c[i].want, "%s: line \"%s\" gave %d", log_format_name(o->format),
		    c[i].line, got);
		if (got == LOG_LINE_REQUEST && c[i].want == LOG_LINE_REQUEST) {
			cr_expect_str_eq(tp_addr_format(&a, text, sizeof(text)), c[i].addr, "\"%s\"",
			    c[i].line);
			cr_expect_float_eq(w, c[i].weight, 1e-12, "\"%s\"", c[i].line);
		}
		if (got == LOG_LINE_BAD && c[i].want == LOG_LINE_BAD)
			cr_expect_eq(why, c[i].why, "\"%s\": %s", c[i].line, log_bad_name(why));
	}
}

#define CLF_TAIL "[28/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 512"

/* Combined and common lines, with every way a line can fail. */
Test(log_formats, combined_and_common)
{
	static const struct line_case combined[] = {
		{ "192.0.2.1 - - " CLF_TAIL " \"-\" \"curl/8\"\n", LOG_LINE_REQUEST, "192.0.2.1", 1, 0 },
		{ "2001:db8::7 - alice " CLF_TAIL " \"http://x/\\\"q\\\"\" \"Mozilla 5\" extra\r\n",
		  LOG_LINE_REQUEST, "2001:db8::7", 1, 0 },
		{ "192.0.2.1 - - [28/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 304 - \"-\" \"a\"",
		  LOG_LINE_REQUEST, "192.0.2.1", 1, 0 },
		{ "", LOG_LINE_SKIP, NULL, 0, 0 },
		{ "host.example - - " CLF_TAIL " \"-\" \"a\"", LOG_LINE_BAD, NULL, 0, LOG_BAD_ADDRESS },
		{ "192.0.2.1 - - " CLF_TAIL, LOG_LINE_BAD, NULL, 0, LOG_BAD_SHAPE },
		{ "192.0.2.1 oops", LOG_LINE_BAD, NULL, 0, LOG_BAD_SHAPE },
		{ "192.0.2.1 - - [28/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1 200 512",
		  LOG_LINE_BAD, NULL, 0, LOG_BAD_SHAPE },
		{ "192.0.2.1 - - [31/Feb/2026:10:00:00 +0000] \"GET /\" 200 1 \"-\" \"a\"",
		  LOG_LINE_BAD, NULL, 0, LOG_BAD_TIME },
		{ "192.0.2.1 - - [28/Nov/2026:10:00:00 +0000] \"GET /\" 2x0 1 \"-\" \"a\"",
		  LOG_LINE_BAD, NULL, 0, LOG_BAD_SHAPE },
		/* a backslash run before a quote: even closes it, odd escapes it */
		{ "192.0.2.1 - - " CLF_TAIL " \"a\\\\\" \"b\\\\\\\" c\"", LOG_LINE_REQUEST,
		  "192.0.2.1", 1, 0 },
		{ "192.0.2.1 - - " CLF_TAIL " \"a\\\\\\\" \"b\"", LOG_LINE_BAD, NULL, 0,
		  LOG_BAD_SHAPE },
		/* what the quick IPv4 path leaves to tp_addr_parse */
		{ "255.255.255.255 - - " CLF_TAIL " \"-\" \"a\"", LOG_LINE_REQUEST,
		  "255.255.255.255", 1, 0 },
		{ "0.0.0.0 - - " CLF_TAIL " \"-\" \"a\"", LOG_LINE_REQUEST, "0.0.0.0", 1, 0 },
		{ "::ffff:192.0.2.1 - - " CLF_TAIL " \"-\" \"a\"", LOG_LINE_REQUEST,
		  "::ffff:192.0.2.1", 1, 0 },
		{ "192.0.2.01 - - " CLF_TAIL " \"-\" \"a\"", LOG_LINE_BAD, NULL, 0, LOG_BAD_ADDRESS },
		{ "192.0.2.256 - - " CLF_TAIL " \"-\" \"a\"", LOG_LINE_BAD, NULL, 0, LOG_BAD_ADDRESS },
		{ "192.0.2 - - " CLF_TAIL " \"-\" \"a\"", LOG_LINE_BAD, NULL, 0, LOG_BAD_ADDRESS },
		{ "192.0.2.1.5 - - " CLF_TAIL " \"-\" \"a\"", LOG_LINE_BAD, NULL, 0, LOG_BAD_ADDRESS },
		{ "1920.0.2.1 - - " CLF_TAIL " \"-\" \"a\"", LOG_LINE_BAD, NULL, 0, LOG_BAD_ADDRESS },
		{ "192.0.2.1x - - " CLF_TAIL " \"-\" \"a\"", LOG_LINE_BAD, NULL, 0, LOG_BAD_ADDRESS },
	};
	static const struct line_case common[] = {
		{ "198.18.0.9 - - " CLF_TAIL "\n", LOG_LINE_REQUEST, "198.18.0.9", 1, 0 },
		{ "198.18.0.9 - - " CLF_TAIL " \"-\" \"combined is common too\"",
		  LOG_LINE_REQUEST, "198.18.0.9", 1, 0 },
		{ "198.18.0.9 - - [28/Nov/2026:10:00:00 +0000] \"GET /\" 200", LOG_LINE_BAD, NULL,
		  0, LOG_BAD_SHAPE },
	};
	struct log_format_opts o = { .format = LOG_COMBINED };
	char nul[] = "192.0.2.1\0 - - x";
	struct tp_addr a;
	enum log_bad why;
	double w;

	run_cases(&o, combined, sizeof(combined) / sizeof(combined[0]));
	o.format = LOG_COMMON;
	run_cases(&o, common, sizeof(common) / sizeof(common[0]));
	cr_expect_eq(log_parse_line(&o, nul, sizeof(nul) - 1, &a, &w, &why), LOG_LINE_BAD);
	cr_expect_eq(why, LOG_BAD_NUL);
}

/* JSON: the default and a named (nested) field, X-Forwarded-For only when asked, weights. */
Test(log_formats, json)
{
	static const struct line_case plain[] = {
		{ "{\"remote_addr\":\"192.0.2.3\",\"http_x_forwarded_for\":\"198.51.100.1\"}",
		  LOG_LINE_REQUEST, "192.0.2.3", 1, 0 },
		{ "{\"remote_addr\":\"nope\"}", LOG_LINE_BAD, NULL, 0, LOG_BAD_ADDRESS },
		{ "{\"client\":\"192.0.2.3\"}", LOG_LINE_BAD, NULL, 0, LOG_BAD_FIELD },
		{ "{\"remote_addr\":12}", LOG_LINE_BAD, NULL, 0, LOG_BAD_FIELD },
		{ "[\"192.0.2.3\"]", LOG_LINE_BAD, NULL, 0, LOG_BAD_JSON },
		{ "{\"remote_addr\":\"192.0.2.3\"", LOG_LINE_BAD, NULL, 0, LOG_BAD_JSON },
	};
	static const struct line_case xff[] = {
		{ "{\"remote_addr\":\"192.0.2.3\",\"http_x_forwarded_for\":\"198.51.100.1, 10.0.0.1\","
		  "\"n\":3}", LOG_LINE_REQUEST, "198.51.100.1", 3, 0 },
		{ "{\"http_x_forwarded_for\":\"2001:db8::9\",\"n\":\"2.5\"}", LOG_LINE_REQUEST,
		  "2001:db8::9", 2.5, 0 },
		{ "{\"http_x_forwarded_for\":\"2001:db8::9\",\"n\":-1}", LOG_LINE_BAD, NULL, 0,
		  LOG_BAD_WEIGHT },
		{ "{\"http_x_forwarded_for\":\"2001:db8::9\"}", LOG_LINE_BAD, NULL, 0,
		  LOG_BAD_WEIGHT },
	};
	static const struct line_case nested[] = {
		{ "{\"client\":{\"ip\":\"192.0.2.77\"}}", LOG_LINE_REQUEST, "192.0.2.77", 1, 0 },
		{ "{\"client.ip\":\"192.0.2.78\"}", LOG_LINE_REQUEST, "192.0.2.78", 1, 0 },
	};
	struct log_format_opts o = { .format = LOG_JSON, .field = "remote_addr" };

	run_cases(&o, plain, sizeof(plain) / sizeof(plain[0]));
	o.field = "http_x_forwarded_for";
	o.weight_field = "n";
	run_cases(&o, xff, sizeof(xff) / sizeof(xff[0]));
	o.field = "client.ip";
	o.weight_field = NULL;
	run_cases(&o, nested, sizeof(nested) / sizeof(nested[0]));
}

/* CSV: the address column, quoted or not. */
Test(log_formats, csv)
{
	static const struct line_case col3[] = {
		{ "2026-11-28,AKL,192.0.2.5,x", LOG_LINE_REQUEST, "192.0.2.5", 1, 0 },
		{ "\"a,b\",\"x\"\"y\",\" 2001:db8::5 \"", LOG_LINE_REQUEST, "2001:db8::5", 1, 0 },
		{ "a,b", LOG_LINE_BAD, NULL, 0, LOG_BAD_FIELD },
		{ "a,b,c", LOG_LINE_BAD, NULL, 0, LOG_BAD_ADDRESS },
	};
	struct log_format_opts o = { .format = LOG_CSV, .column = 3 };

	run_cases(&o, col3, sizeof(col3) / sizeof(col3[0]));
}

/* Log times, --since forms, and lines older than --since skipped. */
Test(log_formats, since)
{
	static const struct line_case lines[] = {
		{ "192.0.2.1 - - [28/Nov/2026:09:59:59 +0000] \"GET /\" 200 1", LOG_LINE_SKIP, NULL,
		  0, 0 },
		{ "192.0.2.1 - - [28/Nov/2026:10:59:59 +0100] \"GET /\" 200 1", LOG_LINE_SKIP, NULL,
		  0, 0 },
		{ "192.0.2.1 - - [28/Nov/2026:10:00:00 +0000] \"GET /\" 200 1", LOG_LINE_REQUEST,
		  "192.0.2.1", 1, 0 },
		{ "192.0.2.1 - - [28/Nov/2026:05:00:00 -0500] \"GET /\" 200 1", LOG_LINE_REQUEST,
		  "192.0.2.1", 1, 0 },
	};
	struct log_format_opts o = { .format = LOG_COMMON };
	struct tp_err err;
	int64_t t;

	cr_assert_eq(log_time_parse_clf("10/Oct/2000:13:55:36 -0700", 26, &t), 0);
	cr_expect_eq(t, 971211336);
	cr_expect_eq(log_time_parse_clf("10/Foo/2000:13:55:36 -0700", 26, &t), -1);
	cr_assert_eq(log_time_parse_since("2026-11-28T10:00:00Z", 0, &o.since, &err), 0);
	cr_expect_eq(o.since, 1795860000);
	run_cases(&o, lines, sizeof(lines) / sizeof(lines[0]));
	cr_assert_eq(log_time_parse_since("2026-11-28", 0, &t, &err), 0);
	cr_expect_eq(t, 1795824000);
	cr_assert_eq(log_time_parse_since("2026-11-28T12:00+02:00", 0, &t, &err), 0);
	cr_expect_eq(t, 1795860000);
	cr_assert_eq(log_time_parse_since("36h", 1000000, &t, &err), 0);
	cr_expect_eq(t, 1000000 - 36 * 3600);
	cr_assert_eq(log_time_parse_since("@1795860000", 0, &t, &err), 0);
	cr_expect_eq(t, 1795860000);
	cr_expect_eq(log_time_parse_since("yesterday", 0, &t, &err), -1);
	cr_expect(strstr(err.msg, "--since") != NULL, "%s", err.msg);
	cr_expect_eq(log_time_parse_since("2026-13-01", 0, &t, &err), -1);
	cr_expect_eq(log_time_parse_since("7w", 0, &t, &err), -1);
}

/* The times of JSON and CSV logs: each form, every zone spelling, and what is refused. */
Test(log_formats, time_values)
{
	static const struct {
		const char *text;
		int64_t want;	/* -1: refused */
	} cases[] = {
		{ "2026-11-28T10:00:00Z", 1795860000 },
		{ "2026-11-28T10:00:00.123456Z", 1795860000 },
		{ "2026-11-28 11:00:00,5+01:00", 1795860000 },
		{ "2026-11-28T05:00:00-0500", 1795860000 },
		{ "2026-11-28T12:00:00+02", 1795860000 },
		{ "2026-11-28T10:00:00", 1795860000 },
		{ "1795860000", 1795860000 },
		{ "1795860000.999", 1795860000 },
		{ "28/Nov/2026:10:00:00 +0000", 1795860000 },
		{ "[28/Nov/2026:11:00:00 +0100]", 1795860000 },
		{ "", -1 },
		{ "-5", -1 },
		{ "1795860000.", 1795860000 },
		{ "1795860000x", -1 },
		{ "2026-11-28T10:00:00+2", -1 },
		{ "2026-11-28T10:00:00.Z", -1 },
		{ "2026-02-30T10:00:00Z", -1 },
		{ "99999999999999999999", -1 },
		{ "[28/Nov/2026:10:00:00 +0000", -1 },
	};
	size_t i;
	int64_t t;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = log_time_parse_value(cases[i].text, strlen(cases[i].text), &t);

		cr_expect_eq(rc, cases[i].want < 0 ? -1 : 0, "\"%s\" gave %d", cases[i].text, rc);
		if (rc == 0 && cases[i].want >= 0)
			cr_expect_eq(t, cases[i].want, "\"%s\" gave %lld", cases[i].text,
			    (long long)t);
	}
}

struct seen {
	char addr[4096][TP_ADDR_STRLEN];
	double weight[4096];
	uint64_t requests[4096];
	size_t n;
};

/* Collect what the tally holds. */
static void
collect(const struct tp_addr *a, double w, uint64_t requests, void *arg)
{
	struct seen *s = arg;

	cr_assert_lt(s->n, 4096);
	tp_addr_format(a, s->addr[s->n], sizeof(s->addr[0]));
	s->weight[s->n] = w;
	s->requests[s->n++] = requests;
}

/* Parse and add one address. */
static void
add(struct log_tally *t, const char *text, double w)
{
	struct tp_addr a;

	cr_assert_eq(tp_addr_parse(text, &a, NULL), 0, "%s", text);
	log_tally_add(t, &a, w);
}

/* Weights summed per address; per prefix the majority address stands for its prefix. */
Test(log_formats, tally)
{
	struct log_tally *t = log_tally_new(0, 0);
	static struct seen s;
	int i;

	for (i = 0; i < 5000; i++) {	/* past several doublings of the table */
		char a[32];

		snprintf(a, sizeof(a), "198.18.%d.%d", i / 250, i % 250 + 1);
		add(t, a, 1);
		add(t, a, 0.5);
	}
	cr_expect_eq(log_tally_size(t), 5000);
	cr_expect_eq(log_tally_requests(t), 10000);
	log_tally_free(t);

	t = log_tally_new(24, 48);
	add(t, "198.18.0.1", 1);
	add(t, "198.18.0.7", 1);
	add(t, "198.18.0.7", 1);
	add(t, "198.18.0.2", 1);
	add(t, "198.18.0.7", 1);
	add(t, "2001:db8:1:2::1", 4);
	add(t, "2001:db8:1:3::1", 1);
	memset(&s, 0, sizeof(s));
	log_tally_each(t, collect, &s);
	log_tally_free(t);
	cr_assert_eq(s.n, 2);
	for (i = 0; i < 2; i++) {
		if (strchr(s.addr[i], ':') == NULL) {
			cr_expect_str_eq(s.addr[i], "198.18.0.7", "the majority of its /24");
			cr_expect_float_eq(s.weight[i], 5, 1e-12);
			cr_expect_eq(s.requests[i], 5);
		} else {
			cr_expect_str_eq(s.addr[i], "2001:db8:1:2::1", "the weighted majority");
			cr_expect_float_eq(s.weight[i], 5, 1e-12);
		}
	}
}

/*
 * Batches give what one request at a time gives: the same entries in the
 * same order, sums and votes, with repeats inside a batch, both families,
 * and the indexes growing mid-batch.
 */
Test(log_formats, tally_batch_same_as_one_by_one)
{
	static struct seen one, many;
	struct tp_addr a[3000];
	double w[3000];
	unsigned prefix[][2] = { { 0, 0 }, { 24, 48 } };
	size_t i, k, p;
	uint64_t x = 7;

	for (i = 0; i < 3000; i++) {
		char text[64];

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		if (x >> 60 == 0)
			snprintf(text, sizeof(text), "2001:db8:%x::%x", (unsigned)(x >> 40 & 0x3f),
			    (unsigned)(x >> 32 & 0xf) + 1);
		else
			snprintf(text, sizeof(text), "198.18.%u.%u", (unsigned)(x >> 40 & 7),
			    (unsigned)(x >> 32 & 0xff));
		cr_assert_eq(tp_addr_parse(text, &a[i], NULL), 0, "%s", text);
		w[i] = (double)(x >> 20 & 3);
	}
	for (p = 0; p < 2; p++) {
		struct log_tally *t1 = log_tally_new(prefix[p][0], prefix[p][1]);
		struct log_tally *t2 = log_tally_new(prefix[p][0], prefix[p][1]);

		for (i = 0; i < 3000; i++)
			log_tally_add(t1, &a[i], w[i]);
		for (i = 0; i < 3000; i += k) {
			k = 3000 - i < LOG_TALLY_BATCH ? 3000 - i : LOG_TALLY_BATCH - i % 5;
			log_tally_add_batch(t2, &a[i], &w[i], k);
		}
		memset(&one, 0, sizeof(one));
		memset(&many, 0, sizeof(many));
		log_tally_each(t1, collect, &one);
		log_tally_each(t2, collect, &many);
		cr_assert_gt(one.n, prefix[p][0] ? 8 : 1000, "enough keys to grow the index");
		cr_assert_eq(one.n, many.n);
		cr_expect_eq(log_tally_requests(t2), 3000);
		for (i = 0; i < one.n; i++) {
			cr_expect_str_eq(one.addr[i], many.addr[i], "entry %zu", i);
			cr_expect_float_eq(one.weight[i], many.weight[i], 1e-9);
			cr_expect_eq(one.requests[i], many.requests[i]);
		}
		log_tally_free(t1);
		log_tally_free(t2);
	}
}
