/* test_site_exec.c: running programs at a site through its exec prefix. */
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "clock.h"
#include "fixture.h"
#include "site_exec.h"

static const struct {
	const char *arg;
	int safe;
} args[] = {
	{ "tp-probe", 1 }, { "/usr/local/sbin/tp-probe", 1 }, { "198.18.0.1", 1 },
	{ "2001:db8::1", 1 }, { "akl+wlg", 1 }, { "--rate=100", 1 }, { "", 0 },
	{ "a b", 0 }, { "a;b", 0 }, { "$(reboot)", 0 }, { "it's", 0 }, { "a\nb", 0 },
	{ "`x`", 0 }, { "a|b", 0 }, { "*", 0 },
};

TestSuite(site_exec, .fini = fixture_cleanup);

Test(site_exec, only_plain_tokens_are_safe)
{
	size_t i;

	for (i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		cr_expect_eq(site_arg_safe(args[i].arg), args[i].safe, "\"%s\"", args[i].arg);
}

/* A config whose one site runs things through `env` (a harmless prefix). */
static void
setup(struct tp_conf *c, struct tp_site_conf *s, const char *exec, const char *bindir)
{
	memset(c, 0, sizeof(*c));
	memset(s, 0, sizeof(*s));
	s->name = "akl";
	s->exec = (char *)exec;
	c->sites = s;
	c->nsites = 1;
	c->bindir = (char *)bindir;
}

Test(site_exec, prefix_words_then_program_from_bindir)
{
	struct tp_conf c;
	struct tp_site_conf s;
	struct tp_err err;
	const char *a[] = { "hello", "198.18.0.1", NULL };
	char *out;

	setup(&c, &s, "env LC_ALL=C", "/bin");
	cr_assert_eq(site_run(&c, &s, "echo", a, &out, &err), 0, "%s", err.msg);
	cr_assert_str_eq(out, "hello 198.18.0.1\n");
	free(out);
}

Test(site_exec, exit_status_is_returned)
{
	struct tp_conf c;
	struct tp_site_conf s;
	struct tp_err err;
	const char *a[] = { "-c", "exit 7", NULL };
	char *out;

	setup(&c, &s, "", NULL);
	/* "exit 7" has a space: refused before anything runs */
	cr_assert_eq(site_run(&c, &s, "sh", a, &out, &err), -1);
	cr_assert_not_null(strstr(err.msg, "quoting"), "%s", err.msg);
	a[1] = "exit";
	cr_assert_eq(site_run(&c, &s, "false", a + 2, &out, &err), 1);
	free(out);
}

Test(site_exec, missing_program_exits_127)
{
	struct tp_conf c;
	struct tp_site_conf s;
	struct tp_err err;
	const char *a[] = { NULL };
	char *out;

	setup(&c, &s, "", "/nonexistent");
	cr_assert_eq(site_run(&c, &s, "tp-probe", a, &out, &err), 127);
	free(out);
}

/* 1 when fd reaches end of file within ms milliseconds (draining what it has). */
static int
eof_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[256];

	while (poll(&p, 1, ms) > 0)
		if (read(fd, buf, sizeof(buf)) <= 0)
			return 1;
	return 0;
}

Test(site_exec, a_later_child_holds_no_pipe_of_an_earlier_one)
{
	struct tp_conf c;
	struct tp_site_conf s;
	struct tp_err err;
	struct site_proc first, later;
	const char *none[] = { NULL }, *nap[] = { "5", NULL };

	setup(&c, &s, "", "/bin");
	cr_assert_eq(site_spawn(&c, &s, "cat", none, 1, 1, &first, &err), 0, "%s", err.msg);
	cr_assert_eq(site_spawn(&c, &s, "sleep", nap, 1, 0, &later, &err), 0, "%s", err.msg);
	/* EOF on cat's stdin must reach it although sleep still runs */
	fclose(first.in);
	first.in = NULL;
	cr_expect(eof_within(fileno(first.out), 2000), "cat saw no EOF: the later child "
	    "holds its pipe");
	cr_expect_eq(site_wait(&first), 0);
	site_stop(&later);
	site_wait(&later);
}

/* Milliseconds since t0 (a tp_mono_us() stamp). */
static long long
ms_since(int64_t t0)
{
	return (long long)(tp_mono_us() - t0) / 1000;
}

/*
 * site_run of "sleep 30" with site_timeout secs (and site_interrupt set
 * when stop) must fail within max_ms with an error holding want.
 */
static void
hung_run_ends(unsigned secs, int stop, const char *want, long long max_ms)
{
	struct tp_conf c;
	struct tp_site_conf s;
	struct tp_err err;
	const char *nap[] = { "30", NULL };
	char *out;
	int64_t t0 = tp_mono_us();
	int rc;

	setup(&c, &s, "", "/bin");
	c.site_timeout = secs;
	site_interrupt = stop;
	rc = site_run(&c, &s, "sleep", nap, &out, &err);
	site_interrupt = 0;
	cr_expect_eq(rc, -1);
	cr_expect_null(out);
	cr_expect_not_null(strstr(err.msg, want), "%s", err.msg);
	cr_expect(ms_since(t0) < max_ms, "took %lld ms", ms_since(t0));
}

Test(site_exec, a_hung_command_meets_the_site_timeout)
{
	hung_run_ends(1, 0, "sleep did not finish within 1 s", 3000);
}

Test(site_exec, a_stop_ends_a_hung_command_after_the_grace)
{
	hung_run_ends(60, 1, "stopping", 5000);
}

Test(site_exec, a_stop_kills_a_child_that_ignores_sigterm)
{
	struct tp_conf c;
	struct tp_site_conf s;
	struct tp_err err;
	struct site_proc p;
	const char *none[] = { NULL };
	char dir[512];
	int64_t t0;
	int status;

	fixture_write("stubborn", "#!/bin/sh\ntrap '' TERM\nwhile :; do sleep 1; done\n");
	cr_assert_eq(chmod(fixture_path("stubborn"), 0755), 0);
	snprintf(dir, sizeof(dir), "%s", fixture_dir());
	setup(&c, &s, "", dir);
	cr_assert_eq(site_spawn(&c, &s, "stubborn", none, 0, 0, &p, &err), 0, "%s", err.msg);
	t0 = tp_mono_us();
	site_interrupt = 1;
	status = site_wait(&p);
	site_interrupt = 0;
	cr_expect_eq(status, 128 + SIGKILL);
	cr_expect(ms_since(t0) < 9000, "took %lld ms", ms_since(t0));
}
