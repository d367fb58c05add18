/*
 * test_bird_client.c: the BIRD socket client against a fake BIRD: a
 * forked child listening on an AF_UNIX socket that replays recorded
 * transcripts, dribbles them one byte at a time, sends megabytes, hangs
 * up mid-reply or never answers.
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "bird_client.h"
#include "clock.h"
#include "fixture.h"

enum fake_mode {
	FAKE_REPLAY,		/* hello, then the transcript after the command */
	FAKE_DRIBBLE,		/* the same, one byte per write */
	FAKE_BIG,		/* a reply of over 1 MiB */
	FAKE_CLOSE_MID,		/* half of the transcript, then close */
	FAKE_SILENT_REPLY,	/* hello, then never answer the command */
	FAKE_SILENT_HELLO,	/* accept and never say hello */
	FAKE_NOT_BIRD,		/* a hello that is not BIRD's */
	FAKE_TWO,		/* two commands on one connection: restrict, then show */
	FAKE_TRICKLE,		/* hello, then a reply of one byte every 50 ms, forever */
	FAKE_ENDLESS_HELLO,	/* a hello of one byte every 50 ms that never ends */
};

struct fake {
	pid_t pid;
	char path[108];
};

/* Write all bytes (child side). */
static void
put(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, s, len);

		if (n <= 0)
			_exit(3);
		s += n;
		len -= (size_t)n;
	}
}

/* Read one command line (child side); 0 at EOF. */
static int
get_line(int fd, char *buf, size_t len)
{
	size_t o = 0;
	char c;

	while (o + 1 < len && read(fd, &c, 1) == 1) {
		if (c == '\n') {
			buf[o] = '\0';
			return 1;
		}
		buf[o++] = c;
	}
	return 0;
}

/* Write one byte every 50 ms, forever (child side). */
static void
trickle(int fd, char byte)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	for (;;) {
		put(fd, &byte, 1);
		nanosleep(&ts, NULL);
	}
}

/* The child: serve one connection in the given mode, then exit. */
static void
fake_serve(int lfd, enum fake_mode mode, const char *transcript)
{
	char cmd[600], *body = NULL;
	size_t len = 0, i;
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		_exit(2);
	if (transcript != NULL)
		body = fixture_bird_transcript(transcript, &len);
	if (mode == FAKE_SILENT_HELLO) {
		pause();
		_exit(0);
	}
	if (mode == FAKE_ENDLESS_HELLO) {
		put(fd, "0001 BIRD 2.0.12 ", 17);
		trickle(fd, 'r');
	}
	if (mode == FAKE_NOT_BIRD) {
		put(fd, "220 smtp.example ESMTP\r\n", 25);
		_exit(0);
	}
	put(fd, "0001 BIRD 2.0.12 ready.\n", 24);
	if (!get_line(fd, cmd, sizeof(cmd)))
		_exit(0);
	switch (mode) {
	case FAKE_REPLAY:
		put(fd, body, len);
		break;
	case FAKE_DRIBBLE:
		for (i = 0; i < len; i++) {
			struct timespec ts = { 0, 200000 };

			put(fd, body + i, 1);
			nanosleep(&ts, NULL);
		}
		break;
	case FAKE_BIG: {
		char line[80];

		put(fd, "1007-Table master4:\n", 20);
		for (i = 0; i < 30000; i++) {
			int n = snprintf(line, sizeof(line),
			    " 10.%zu.%zu.0/24      unreachable [tp_anycast4 00:43:39.934] * (200)\n",
			    i / 256, i % 256);
			put(fd, line, (size_t)n);
		}
		put(fd, "0000 \n", 6);
		break;
	}
	case FAKE_CLOSE_MID:
		put(fd, body, len / 2);
		break;
	case FAKE_SILENT_REPLY:
		pause();
		break;
	case FAKE_TRICKLE:
		put(fd, "1002-", 5);
		trickle(fd, 'x');
		break;
	case FAKE_TWO:
		put(fd, strcmp(cmd, "restrict") == 0 ? "0016 Access restricted\n" : "9001 no\n",
		    strcmp(cmd, "restrict") == 0 ? 23 : 8);
		if (!get_line(fd, cmd, sizeof(cmd)))
			_exit(0);
		/* Echo the command back so the test sees what arrived. */
		put(fd, "1000-", 5);
		put(fd, cmd, strlen(cmd));
		put(fd, "\n0000 \n", 7);
		break;
	default:
		break;
	}
	/* Wait for the client to hang up before closing, except mid-reply. */
	if (mode != FAKE_CLOSE_MID)
		while (read(fd, cmd, sizeof(cmd)) > 0)
			;
	_exit(0);
}

/* Start a fake BIRD on a fresh socket. */
static void
fake_start(struct fake *f, enum fake_mode mode, const char *transcript)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int lfd;

	snprintf(f->path, sizeof(f->path), "%s", fixture_path("bird.ctl"));
	unlink(f->path);
	strcpy(sun.sun_path, f->path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_geq(lfd, 0);
	cr_assert_eq(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0, "bind: %s",
	    strerror(errno));
	cr_assert_eq(listen(lfd, 4), 0);
	f->pid = fork();
	cr_assert_geq(f->pid, 0);
	if (f->pid == 0)
		fake_serve(lfd, mode, transcript);
	close(lfd);
}

/* Stop the fake BIRD. */
static void
fake_stop(struct fake *f)
{
	kill(f->pid, SIGKILL);
	waitpid(f->pid, NULL, 0);
	unlink(f->path);
}

/* Connect to the fake and send one show command. */
static int
fake_query(struct fake *f, int timeout_ms, struct bird_conn *c, struct bird_reply *reply,
    struct tp_err *err)
{
	static const char *const words[] = { "show", "protocols" };
	struct bird_command cmd;

	bird_reply_init(reply);
	cr_assert_eq(bird_command_build(&cmd, BIRD_CMD_SHOW, words, 2, 0, err), 0);
	if (bird_open(c, f->path, timeout_ms, err) != 0)
		return -1;
	return bird_send(c, &cmd, reply, err);
}

TestSuite(bird_client, .fini = fixture_cleanup);

Test(bird_client, replays_every_transcript)
{
	static const struct {
		const char *file;
		int rc;
		int code;
		size_t nlines;
		enum bird_err_kind kind;
	} cases[] = {
		{ "show-protocols.txt", 0, 0, 7, BIRD_ERR_NONE },
		{ "show-status.txt", 0, 13, 7, BIRD_ERR_NONE },
		{ "show-route-protocol-tp_anycast4.txt", 0, 0, 3, BIRD_ERR_NONE },
		{ "show-route-all.txt", 0, 0, 12, BIRD_ERR_NONE },
		{ "configure-timeout.txt", 0, 3, 3, BIRD_ERR_NONE },
		{ "restrict.txt", 0, 16, 1, BIRD_ERR_NONE },
		{ "parse-error.txt", -1, 9001, 1, BIRD_ERR_REPLY },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake f;
		struct bird_conn c;
		struct bird_reply reply;
		struct tp_err err;
		int rc;

		fake_start(&f, FAKE_REPLAY, cases[i].file);
		rc = fake_query(&f, 2000, &c, &reply, &err);
		cr_assert_eq(rc, cases[i].rc, "%s: %s", cases[i].file, err.msg);
		cr_assert_str_eq(c.version, "2.0.12");
		cr_assert_eq(reply.code, cases[i].code, "%s", cases[i].file);
		cr_assert_eq(reply.nlines, cases[i].nlines, "%s", cases[i].file);
		cr_assert_eq(c.errkind, cases[i].kind, "%s", cases[i].file);
		if (rc != 0)
			cr_assert_not_null(strstr(err.msg, "syntax error"), "%s", err.msg);
		bird_reply_free(&reply);
		bird_close(&c);
		fake_stop(&f);
	}
}

Test(bird_client, one_byte_per_read)
{
	struct fake f;
	struct bird_conn c;
	struct bird_reply reply;
	struct tp_err err;

	fake_start(&f, FAKE_DRIBBLE, "show-protocols.txt");
	cr_assert_eq(fake_query(&f, 2000, &c, &reply, &err), 0, "%s", err.msg);
	cr_assert_eq(reply.nlines, 7);
	cr_assert_str_eq(reply.lines[5].text, "upstream   BGP        ---        down   "
	    "00:43:39.935  Error: Invalid next hop");
	bird_reply_free(&reply);
	bird_close(&c);
	fake_stop(&f);
}

Test(bird_client, reply_over_one_mebibyte)
{
	struct fake f;
	struct bird_conn c;
	struct bird_reply reply;
	struct tp_err err;

	fake_start(&f, FAKE_BIG, NULL);
	cr_assert_eq(fake_query(&f, 5000, &c, &reply, &err), 0, "%s", err.msg);
	cr_assert_gt(reply.bytes, (size_t)1 << 20);
	cr_assert_eq(reply.nlines, 30002);
	cr_assert_eq(reply.code, 0);
	bird_reply_free(&reply);
	bird_close(&c);
	fake_stop(&f);
}

Test(bird_client, closed_mid_reply)
{
	struct fake f;
	struct bird_conn c;
	struct bird_reply reply;
	struct tp_err err;

	fake_start(&f, FAKE_CLOSE_MID, "show-protocols.txt");
	cr_assert_eq(fake_query(&f, 2000, &c, &reply, &err), -1);
	cr_assert_eq(c.errkind, BIRD_ERR_CLOSED);
	cr_assert_not_null(strstr(err.msg, "mid-reply"), "%s", err.msg);
	bird_reply_free(&reply);
	bird_close(&c);
	fake_stop(&f);
}

Test(bird_client, never_answers_times_out)
{
	struct fake f;
	struct bird_conn c;
	struct bird_reply reply;
	struct tp_err err;
	struct timespec t0, t1;
	double secs;

	fake_start(&f, FAKE_SILENT_REPLY, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(fake_query(&f, 300, &c, &reply, &err), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_assert_eq(c.errkind, BIRD_ERR_HUNG);
	cr_assert_not_null(strstr(err.msg, "BIRD hung"), "%s", err.msg);
	cr_assert(secs >= 0.29 && secs < 2.0, "waited %.3f s", secs);
	bird_reply_free(&reply);
	bird_close(&c);
	fake_stop(&f);
}

/* A query against a fake in mode, with a 500 ms -t, must fail as hung within 2 s. */
static void
deadline_holds(enum fake_mode mode)
{
	struct fake f;
	struct bird_conn c;
	struct bird_reply reply;
	struct tp_err err;
	int64_t t0 = tp_mono_us();

	fake_start(&f, mode, NULL);
	cr_assert_eq(fake_query(&f, 500, &c, &reply, &err), -1);
	cr_assert_eq(c.errkind, BIRD_ERR_HUNG, "%s", err.msg);
	cr_assert_not_null(strstr(err.msg, "within 0.500 s"), "%s", err.msg);
	cr_assert(tp_mono_us() - t0 < 2000000, "took %lld ms", (tp_mono_us() - t0) / 1000);
	bird_reply_free(&reply);
	bird_close(&c);
	fake_stop(&f);
}

Test(bird_client, trickling_reply_meets_the_deadline)
{
	deadline_holds(FAKE_TRICKLE);
}

Test(bird_client, endless_hello_meets_the_deadline)
{
	deadline_holds(FAKE_ENDLESS_HELLO);
}

Test(bird_client, no_hello_times_out)
{
	struct fake f;
	struct bird_conn c;
	struct bird_reply reply;
	struct tp_err err;

	fake_start(&f, FAKE_SILENT_HELLO, NULL);
	cr_assert_eq(fake_query(&f, 200, &c, &reply, &err), -1);
	cr_assert_eq(c.errkind, BIRD_ERR_HUNG);
	cr_assert_not_null(strstr(err.msg, "hello"), "%s", err.msg);
	bird_close(&c);
	fake_stop(&f);
}

Test(bird_client, not_bird_refused)
{
	struct fake f;
	struct bird_conn c;
	struct bird_reply reply;
	struct tp_err err;

	fake_start(&f, FAKE_NOT_BIRD, NULL);
	cr_assert_eq(fake_query(&f, 1000, &c, &reply, &err), -1);
	cr_assert_eq(c.errkind, BIRD_ERR_PROTOCOL, "%d: %s", c.errkind, err.msg);
	bird_close(&c);
	fake_stop(&f);
}

Test(bird_client, two_commands_on_one_connection)
{
	static const char *const words[] = { "show", "route", "for", "192.0.2.1" };
	struct fake f;
	struct bird_conn c;
	struct bird_command cmd;
	struct bird_reply reply;
	struct tp_err err;

	fake_start(&f, FAKE_TWO, NULL);
	cr_assert_eq(bird_open(&c, f.path, 2000, &err), 0, "%s", err.msg);
	cr_assert_eq(bird_command_build(&cmd, BIRD_CMD_RESTRICT, NULL, 0, 0, &err), 0);
	cr_assert_eq(bird_send(&c, &cmd, &reply, &err), 0, "%s", err.msg);
	cr_assert_eq(reply.code, 16);
	bird_reply_free(&reply);
	cr_assert_eq(bird_command_build(&cmd, BIRD_CMD_SHOW, words, 4, 0, &err), 0);
	cr_assert_eq(bird_send(&c, &cmd, &reply, &err), 0, "%s", err.msg);
	cr_assert_str_eq(reply.lines[0].text, "show route for 192.0.2.1");
	bird_reply_free(&reply);
	bird_close(&c);
	fake_stop(&f);
}

Test(bird_client, socket_missing)
{
	struct bird_conn c;
	struct tp_err err;

	cr_assert_eq(bird_open(&c, fixture_path("no-such.ctl"), 500, &err), -1);
	cr_assert_eq(c.errkind, BIRD_ERR_MISSING);
	cr_assert_not_null(strstr(err.msg, "missing"), "%s", err.msg);
}

Test(bird_client, stale_socket_refused)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct bird_conn c;
	struct tp_err err;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", fixture_path("stale.ctl"));
	cr_assert_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);	/* bound, never listened: connect is refused */
	cr_assert_eq(bird_open(&c, sun.sun_path, 500, &err), -1);
	cr_assert_eq(c.errkind, BIRD_ERR_REFUSED);
	cr_assert_not_null(strstr(err.msg, "not running"), "%s", err.msg);
}

Test(bird_client, path_too_long)
{
	char path[200];
	struct bird_conn c;
	struct tp_err err;

	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	cr_assert_eq(bird_open(&c, path, 500, &err), -1);
	cr_assert_eq(c.errkind, BIRD_ERR_USAGE);
	cr_assert_not_null(strstr(err.msg, "longer than 107"), "%s", err.msg);
}

Test(bird_client, permission_denied_names_group)
{
	struct fake f;
	struct bird_conn c;
	struct tp_err err;
	pid_t pid;
	int status;

	if (geteuid() != 0)
		cr_skip_test("needs root to drop to another user");
	fake_start(&f, FAKE_REPLAY, "hello.txt");
	cr_assert_eq(chmod(f.path, 0660), 0);
	cr_assert_eq(chown(f.path, 0, 0), 0);
	cr_assert_eq(chmod(fixture_dir(), 0755), 0);
	pid = fork();
	if (pid == 0) {
		/* As nobody the socket is off limits: expect a message naming group root. */
		if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
			_exit(10);
		if (bird_open(&c, f.path, 500, &err) == 0)
			_exit(11);
		if (c.errkind != BIRD_ERR_PERM)
			_exit(12);
		_exit(strstr(err.msg, "add your user to group root") != NULL ? 0 : 13);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d",
	    WEXITSTATUS(status));
	fake_stop(&f);
}
