/*
 * test_probe_lanes.c: the pure parts of probing for lanes: the
 * multi-round listener's stdin commands and round book, and the job
 * prober's interleaving and per-address spacing.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "dest_spacing.h"
#include "listen_control.h"
#include "listen_rounds.h"
#include "rate_limit.h"
#include "send_jobs.h"

#define NS 1000000000LL

/* A command line and what it must parse to (kind -1: refused). */
static const struct {
	const char *line;
	int kind;
	uint32_t round;
	double grace;
	size_t nlocals;
} commands[] = {
	{ "open 7", LISTEN_CMD_OPEN, 7, -1, 0 },
	{ "open 4294967295 192.0.2.16/28 2001:db8:ffff:1::/64", LISTEN_CMD_OPEN, 4294967295u,
	    -1, 2 },
	{ "open  9\t192.0.2.17", LISTEN_CMD_OPEN, 9, -1, 1 },
	{ "close 7", LISTEN_CMD_CLOSE, 7, -1, 0 },
	{ "close 7 2.5", LISTEN_CMD_CLOSE, 7, 2.5, 0 },
	{ "", -1, 0, 0, 0 },
	{ "opn 7", -1, 0, 0, 0 },
	{ "open", -1, 0, 0, 0 },
	{ "open x", -1, 0, 0, 0 },
	{ "open -1", -1, 0, 0, 0 },
	{ "open 4294967296", -1, 0, 0, 0 },
	{ "open 7 192.0.2.300", -1, 0, 0, 0 },
	{ "close 7 soon", -1, 0, 0, 0 },
	{ "close 7 1 2", -1, 0, 0, 0 },
	{ "open 1 a b c d e f g h i", -1, 0, 0, 0 },
	{ "OPEN 7", -1, 0, 0, 0 },
};

Test(listen_control, commands_parse_or_refuse)
{
	struct listen_command c;
	struct tp_err err;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		rc = listen_command_parse(commands[i].line, &c, &err);
		if (commands[i].kind < 0) {
			cr_assert_eq(rc, -1, "\"%s\" accepted", commands[i].line);
			cr_assert_neq(err.msg[0], '\0');
			continue;
		}
		cr_assert_eq(rc, 0, "\"%s\": %s", commands[i].line, err.msg);
		cr_assert_eq((int)c.kind, commands[i].kind, "%s", commands[i].line);
		cr_assert_eq(c.round, commands[i].round, "%s", commands[i].line);
		cr_assert_float_eq(c.grace, commands[i].grace, 1e-9, "%s", commands[i].line);
		cr_assert_eq(c.nlocals, commands[i].nlocals, "%s", commands[i].line);
	}
}

/* What the line reader passed on, joined with '|'; "<long>" for an overlong line. */
static char seen_lines[4096];

/* Collect one line. */
static void
collect(void *arg, const char *line)
{
	(void)arg;
	strcat(seen_lines, line != NULL ? line : "<long>");
	strcat(seen_lines, "|");
}

Test(listen_control, line_reader_cuts_lines_across_reads)
{
	struct line_reader lr;
	char big[LISTEN_CONTROL_LINE_MAX + 10];
	int fd[2];

	memset(&lr, 0, sizeof(lr));
	seen_lines[0] = '\0';
	cr_assert_eq(pipe(fd), 0);
	fcntl(fd[0], F_SETFL, O_NONBLOCK);
	cr_assert_eq(write(fd[1], "open 1\nclo", 10), 10);
	line_reader_feed(&lr, fd[0], collect, NULL);
	cr_assert_str_eq(seen_lines, "open 1|");
	line_reader_feed(&lr, fd[0], collect, NULL);	/* nothing there: EAGAIN */
	cr_assert_eq(lr.eof, 0);
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	cr_assert_eq(write(fd[1], "se 1\n", 5), 5);
	cr_assert_eq(write(fd[1], big, sizeof(big)), (ssize_t)sizeof(big));
	cr_assert_eq(write(fd[1], "open 2", 6), 6);
	close(fd[1]);
	while (!lr.eof)
		line_reader_feed(&lr, fd[0], collect, NULL);
	/* The overlong line is reported once, and the one after it is whole. */
	cr_assert_str_eq(seen_lines, "open 1|close 1|<long>|open 2|");
	close(fd[0]);
}

static struct tp_key book_key;
static struct tp_prefix book_ranges[2];

/* A book over 192.0.2.0/24 and 2001:db8:ffff::/48. */
static void
book_start(struct round_book *b)
{
	memset(&book_key, 7, sizeof(book_key));
	tp_prefix_parse("192.0.2.0/24", &book_ranges[0], NULL);
	tp_prefix_parse("2001:db8:ffff::/48", &book_ranges[1], NULL);
	round_book_init(b, &book_key, book_ranges, 2);
}

Test(listen_rounds, open_close_and_due)
{
	struct round_book b;
	struct tp_prefix local;
	struct open_round *r;
	struct tp_err err;

	book_start(&b);
	cr_assert_eq(round_book_open(&b, 5, NULL, 0, 0, &err), 0);
	cr_assert_eq(round_book_open(&b, 5, NULL, 0, 0, &err), -1, "opened twice");
	tp_prefix_parse("198.51.100.1", &local, NULL);
	cr_assert_eq(round_book_open(&b, 6, &local, 1, 0, &err), -1,
	    "a test address outside the ranges");
	tp_prefix_parse("192.0.2.17", &local, NULL);
	cr_assert_eq(round_book_open(&b, 6, &local, 1, 3, &err), 0, "%s", err.msg);
	cr_assert_eq(b.nopen, 2);
	cr_assert_eq(round_book_close(&b, 9, 0, 0, &err), -1, "closing a round never opened");
	cr_assert_eq(round_book_next_close(&b), -1);
	cr_assert_null(round_book_due(&b, 1000 * NS));
	cr_assert_eq(round_book_close(&b, 6, 100, 50, &err), 0);
	cr_assert_eq(round_book_close(&b, 5, 100, 20, &err), 0);
	/* A second close never puts the end later. */
	cr_assert_eq(round_book_close(&b, 5, 110, 100, &err), 0);
	cr_assert_eq(round_book_next_close(&b), 120);
	cr_assert_null(round_book_due(&b, 119));
	r = round_book_due(&b, 120);
	cr_assert_not_null(r);
	cr_assert_eq(r->tally.round, 5);
	round_book_forget(&b, r);
	cr_assert_null(round_book_due(&b, 149));
	r = round_book_due(&b, 150);
	cr_assert_not_null(r);
	cr_assert_eq(r->tally.round, 6);
	cr_assert_eq(r->drops_at_open, 3);
	round_book_forget(&b, r);
	cr_assert_eq(b.nopen, 0);
	cr_assert_eq(b.served, 2);
	/* A closed round may not be closed again, and replies for it are no one's. */
	cr_assert_eq(round_book_close(&b, 6, 200, 0, &err), -1);
	cr_assert_null(round_book_find(&b, 6));
	round_book_free(&b);
}

Test(listen_rounds, book_is_bounded)
{
	struct round_book b;
	struct tp_err err;
	uint32_t i;

	book_start(&b);
	for (i = 0; i < ROUNDS_MAX_OPEN; i++)
		cr_assert_eq(round_book_open(&b, i, NULL, 0, 0, &err), 0);
	cr_assert_eq(round_book_open(&b, 999, NULL, 0, 0, &err), -1, "more than the maximum");
	/* An end for all (as at a signal) empties it. */
	while (round_book_due(&b, -1) != NULL)
		round_book_forget(&b, round_book_due(&b, -1));
	cr_assert_eq(b.nopen, 0);
	cr_assert_eq(round_book_open(&b, 999, NULL, 0, 0, &err), 0);
	round_book_free(&b);
}

/* Two jobs' targets: n addresses 198.18.0.1 upwards, the same for both when shared. */
static struct tp_addr *
job_targets(size_t n, int base)
{
	struct tp_addr *v = calloc(n, sizeof(*v));
	char s[32];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(s, sizeof(s), "198.18.%d.%zu", base, i + 1);
		cr_assert_eq(tp_addr_parse(s, &v[i], NULL), 0);
	}
	return v;
}

Test(send_jobs, header_lines)
{
	struct tp_addr s4, s6;
	struct tp_err err;
	uint32_t round;

	cr_assert_eq(send_job_parse_header("job 12 192.0.2.17 2001:db8:ffff:1::1", &round, &s4,
	    &s6, &err), 0, "%s", err.msg);
	cr_assert_eq(round, 12);
	cr_assert_eq(s4.family, AF_INET);
	cr_assert_eq(s6.family, AF_INET6);
	cr_assert_eq(send_job_parse_header("job 13 - 2001:db8:ffff:1::1", &round, &s4, &s6,
	    &err), 0);
	cr_assert_eq(s4.family, 0);
	cr_assert_eq(send_job_parse_header("job 13 - -", &round, &s4, &s6, &err), -1);
	cr_assert_eq(send_job_parse_header("job 13 2001:db8::1 -", &round, &s4, &s6, &err), -1);
	cr_assert_eq(send_job_parse_header("job x 192.0.2.17 -", &round, &s4, &s6, &err), -1);
	cr_assert_eq(send_job_parse_header("job 1 192.0.2.17 - extra", &round, &s4, &s6,
	    &err), -1);
	cr_assert_eq(send_job_parse_header("198.18.0.1", &round, &s4, &s6, &err), -1);
}

Test(send_jobs, jobs_take_turns)
{
	struct job_queue q;
	struct send_job *j, *a, *b;
	struct tp_addr src4, none, dst, *spare;
	struct tp_err err;
	int64_t wait;
	int i;

	memset(&none, 0, sizeof(none));
	tp_addr_parse("192.0.2.17", &src4, NULL);
	job_queue_init(&q, NS);
	cr_assert_eq(job_queue_add(&q, 1, &src4, &none, job_targets(3, 1), 3, &a, &err), 0);
	cr_assert_eq(job_queue_add(&q, 2, &src4, &none, job_targets(5, 2), 5, &b, &err), 0);
	spare = job_targets(1, 3);
	cr_assert_eq(job_queue_add(&q, 2, &src4, &none, spare, 1, &j, &err), -1,
	    "a second job for round 2");
	free(spare);
	/* Disjoint targets: strictly one each in turn while both have some. */
	for (i = 0; i < 6; i++) {
		cr_assert_eq(job_queue_next(&q, i, &j, &dst, &wait), 1);
		cr_assert_eq(j, i % 2 == 0 ? a : b, "probe %d", i);
		cr_assert_eq(dst.bytes[2], i % 2 == 0 ? 1 : 2);
	}
	cr_assert_eq(job_queue_finished(&q), a);
	job_queue_remove(&q, a);
	cr_assert_eq(job_queue_next(&q, 10, &j, &dst, &wait), 1);
	cr_assert_eq(job_queue_next(&q, 11, &j, &dst, &wait), 1);
	cr_assert_eq(j, b);
	cr_assert_eq(job_queue_next(&q, 12, &j, &dst, &wait), -1, "nothing left");
	cr_assert_eq(job_queue_finished(&q), b);
	job_queue_free(&q);
}

Test(send_jobs, shared_target_is_spaced_by_the_gap)
{
	struct job_queue q;
	struct send_job *j;
	struct tp_addr src4, src4b, none, dst;
	struct tp_err err;
	int64_t now = 0, wait = 0, last[5] = { -1, -1, -1, -1, -1 };
	int sent = 0, k;

	memset(&none, 0, sizeof(none));
	tp_addr_parse("192.0.2.17", &src4, NULL);
	tp_addr_parse("192.0.2.33", &src4b, NULL);
	job_queue_init(&q, NS);
	/* Two lanes probe the same 5 targets in the same order at once. */
	cr_assert_eq(job_queue_add(&q, 1, &src4, &none, job_targets(5, 9), 5, &j, &err), 0);
	cr_assert_eq(job_queue_add(&q, 2, &src4b, &none, job_targets(5, 9), 5, &j, &err), 0);
	while (sent < 10) {
		k = job_queue_next(&q, now, &j, &dst, &wait);
		cr_assert_neq(k, -1, "finished with %d of 10 probes", sent);
		if (k == 0) {
			cr_assert_gt(wait, now, "a wait must lie ahead");
			now = wait;
			continue;
		}
		k = dst.bytes[3] - 1;
		if (last[k] >= 0)
			cr_assert_geq(now - last[k], NS, "198.18.9.%d probed twice within %lld ns",
			    k + 1, (long long)(now - last[k]));
		last[k] = now;
		sent++;
		now += NS / 100;	/* 100 probes a second */
	}
	cr_assert_eq(job_queue_next(&q, now, &j, &dst, &wait), -1);
	/* Every target's second probe was set aside and sent a gap later. */
	cr_assert_geq(q.jobs[0]->deferrals + q.jobs[1]->deferrals, 5);
	cr_assert_lt(now, 2 * NS, "the spacing cost more than one gap: %lld ns", (long long)now);
	job_queue_free(&q);
}

Test(dest_spacing, forgets_what_is_older_than_the_gap)
{
	struct dest_spacing t;
	struct tp_addr a;
	char s[32];
	int i;

	dest_spacing_init(&t, NS);
	tp_addr_parse("198.18.0.1", &a, NULL);
	cr_assert_eq(dest_spacing_ready_at(&t, &a, 5), 5, "never probed: now");
	dest_spacing_note(&t, &a, 10);
	cr_assert_eq(dest_spacing_ready_at(&t, &a, 20), 10 + NS);
	cr_assert_eq(dest_spacing_ready_at(&t, &a, 10 + NS), 10 + NS);
	/* 100000 addresses at 10000 a second: at most about 10000 are live at once. */
	for (i = 0; i < 100000; i++) {
		snprintf(s, sizeof(s), "198.%d.%d.%d", 18 + i / 65536, i / 256 % 256, i % 256);
		tp_addr_parse(s, &a, NULL);
		dest_spacing_note(&t, &a, 2 * NS + (int64_t)i * (NS / 10000));
	}
	cr_assert_leq(t.cap, 65536, "the table grew to %zu slots", t.cap);
	cr_assert_leq(t.n, t.cap / 2);
	/* A recent one is still known, an old one forgotten. */
	cr_assert_gt(dest_spacing_ready_at(&t, &a, 12 * NS - 1), 12 * NS - 1);
	tp_addr_parse("198.18.0.0", &a, NULL);
	cr_assert_eq(dest_spacing_ready_at(&t, &a, 12 * NS), 12 * NS);
	dest_spacing_free(&t);
}

Test(dest_spacing, gap_zero_spaces_nothing)
{
	struct dest_spacing t;
	struct tp_addr a;

	dest_spacing_init(&t, 0);
	tp_addr_parse("2001:db8::1", &a, NULL);
	dest_spacing_note(&t, &a, 10);
	cr_assert_eq(dest_spacing_ready_at(&t, &a, 11), 11);
	cr_assert_eq(t.n, 0);
	dest_spacing_free(&t);
}

Test(send_jobs, resumed_limiter_makes_up_for_nothing)
{
	struct rate_limit rl;
	int64_t t0, t1;

	/* 100 a second: the second packet is due 10 ms after the first. */
	rate_limit_start(&rl, 100);
	cr_assert_eq(rate_limit_wait(&rl, 1), 1);
	t0 = rate_limit_now_ns();
	rate_limit_resume(&rl);
	cr_assert_eq(rate_limit_wait(&rl, 1), 1);
	t1 = rate_limit_now_ns();
	cr_assert_geq(t1 - t0, 9 * 1000000LL, "resumed after %lld ns: a burst",
	    (long long)(t1 - t0));
	/* After a real pause the schedule starts at once, and paces from there. */
	usleep(30000);
	rate_limit_resume(&rl);
	t0 = rate_limit_now_ns();
	cr_assert_eq(rate_limit_wait(&rl, 8), 1, "one packet now, not the three the pause lost");
	cr_assert_lt(rate_limit_now_ns() - t0, 5 * 1000000LL);
}
