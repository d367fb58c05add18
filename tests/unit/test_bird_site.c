/*
 * test_bird_site.c: tp-bgpctl's reading of one site (status, safety facts)
 * against a fake BIRD that answers each command with a recorded BIRD 2.0.12
 * transcript; plus the command table and exit statuses.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "bgpctl.h"
#include "fixture.h"
#include "xalloc.h"

/* One command the fake BIRD knows, and the transcript it answers with. */
struct script {
	const char *command;
	const char *file;
};

/* Send a fixture file to fd (child side). */
static void
send_file(int fd, const char *name)
{
	char path[512], buf[8192];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/fixtures/bird/%s", TESTS_SRCDIR, name);
	if ((f = fopen(path, "rb")) == NULL)
		_exit(2);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (write(fd, buf, n) != (ssize_t)n)
			_exit(3);
	fclose(f);
}

/* Serve connections forever, answering by script (child side). */
static void
serve(int lfd, const struct script *script)
{
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		char line[600];
		size_t o = 0;
		char c;

		if (fd < 0)
			_exit(1);
		send_file(fd, "hello.txt");
		while (read(fd, &c, 1) == 1) {
			const struct script *s;

			if (c != '\n') {
				if (o + 1 < sizeof(line))
					line[o++] = c;
				continue;
			}
			line[o] = '\0';
			o = 0;
			for (s = script; s->command != NULL; s++)
				if (strcmp(s->command, line) == 0)
					break;
			if (s->command != NULL)
				send_file(fd, s->file);
			else if (write(fd, "9001 syntax error\n", 18) != 18)
				_exit(3);
		}
		close(fd);
	}
}

/* Start a fake BIRD; returns its pid, socket path in path. */
static pid_t
fake_bird(const struct script *script, char *path, size_t len)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	pid_t pid;

	snprintf(path, len, "%s", fixture_path("site.ctl"));
	unlink(path);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	cr_assert_eq(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	cr_assert_eq(listen(lfd, 4), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		serve(lfd, script);
	close(lfd);
	return pid;
}

/* Load a one-site tp.conf pointing at socket. */
static void
load_conf(struct bgpctl *b, const char *socket, const char *protocols)
{
	char text[1024];
	struct tp_err err;

	memset(b, 0, sizeof(*b));
	b->timeout_ms = 2000;
	b->announcing = -1;
	snprintf(text, sizeof(text), "[site akl]\nbird_socket = %s\n%s%s\n", socket,
	    protocols != NULL ? "protocols = " : "", protocols != NULL ? protocols : "");
	cr_assert_eq(tp_conf_load(fixture_write("tp.conf", text), &b->conf, &err), 0, "%s",
	    err.msg);
}

TestSuite(bird_site, .fini = fixture_cleanup);

Test(bird_site, status_table)
{
	static const struct script up[] = {
		{ "show status", "testbed-show-status.txt" },
		{ "show protocols", "testbed-show-protocols.txt" },
		{ "show route protocol tp_anycast4", "testbed-show-route-protocol-tp_anycast4.txt" },
		{ "show route protocol tp_anycast6", "testbed-show-route-protocol-tp_anycast6.txt" },
		{ NULL, NULL },
	};
	static const struct script withdrawn[] = {
		{ "show status", "show-status.txt" },
		{ "show protocols", "show-protocols-withdrawn.txt" },
		{ "show route protocol tp_anycast4", "show-route-protocol-tp_anycast4-withdrawn.txt" },
		{ "show route protocol tp_anycast6", "testbed-show-route-protocol-tp_anycast6.txt" },
		{ NULL, NULL },
	};
	static const struct script production[] = {
		{ "show status", "show-status.txt" },
		{ "show protocols", "show-protocols.txt" },
		{ "show route protocol tp_anycast4", "show-route-protocol-prod4.txt" },
		{ "show route protocol tp_anycast6", "testbed-show-route-protocol-tp_anycast6.txt" },
		{ NULL, NULL },
	};
	static const struct script no_status[] = {
		{ "show protocols", "show-protocols.txt" },
		{ NULL, NULL },
	};
	static const struct {
		const struct script *script;
		const char *protocols;
		int reachable, announcing, in_ranges;
		const char *state4;
		size_t nroutes4, noutside4, nother_down;
		const char *router_id;
	} cases[] = {
		{ up, NULL, 1, 1, 1, "up", 1, 0, 0, "198.19.128.7" },
		{ withdrawn, NULL, 1, 0, 1, "down", 0, 0, 1, "10.255.0.1" },
		{ production, NULL, 1, 1, 0, "up", 2, 2, 1, "10.255.0.1" },
		{ up, "tp_anycast4 tp_missing", 1, 0, 0, "up", 1, 0, 0, "198.19.128.7" },
		{ no_status, NULL, 0, 0, 0, "", 0, 0, 0, "" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[108];
		pid_t pid = fake_bird(cases[i].script, path, sizeof(path));
		struct bgpctl b;
		struct site_status st;

		load_conf(&b, path, cases[i].protocols);
		site_status_read(&b, &b.conf.sites[0], &st);
		cr_assert_eq(st.reachable, cases[i].reachable, "case %zu: %s", i, st.error);
		cr_assert_eq(st.announcing, cases[i].announcing, "case %zu", i);
		cr_assert_eq(st.in_ranges, cases[i].in_ranges, "case %zu", i);
		cr_assert_str_eq(st.router_id, cases[i].router_id, "case %zu", i);
		if (st.reachable) {
			cr_assert_str_eq(st.version, "2.0.12");
			cr_assert_str_eq(st.protos[0].state, cases[i].state4, "case %zu", i);
			cr_assert_eq(st.protos[0].nroutes, cases[i].nroutes4, "case %zu", i);
			cr_assert_eq(st.protos[0].noutside, cases[i].noutside4, "case %zu", i);
			cr_assert_eq(st.nother_down, cases[i].nother_down, "case %zu", i);
			if (cases[i].noutside4 > 0)
				cr_assert_str_eq(st.protos[0].outside[0], "198.51.100.0/24");
			if (cases[i].protocols != NULL)
				cr_assert_not(st.protos[1].found);
		} else {
			cr_assert_eq(st.errkind, BIRD_ERR_REPLY, "case %zu", i);
			cr_assert_not_null(strstr(st.error, "show status"), "%s", st.error);
		}
		site_status_free(&st);
		tp_conf_free(&b.conf);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

Test(bird_site, command_table_prefixes)
{
	static const struct {
		const char *word;
		const char *name;	/* NULL: no match */
		const char *msg;
	} cases[] = {
		{ "status", "status", NULL }, { "st", "status", NULL },
		{ "w", "withdraw", NULL }, { "withdraw", "withdraw", NULL },
		{ "a", "announce", NULL }, { "sh", "show", NULL }, { "show", "show", NULL },
		{ "s", NULL, "ambiguous" }, { "", NULL, "unknown" },
		{ "withdrawx", NULL, "unknown" }, { "disable", NULL, "unknown" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tp_err err;
		const struct bgpctl_command *c = bgpctl_command_find(cases[i].word, &err);

		if (cases[i].name != NULL) {
			cr_assert_not_null(c, "%s", cases[i].word);
			cr_assert_str_eq(c->cmd.words, cases[i].name);
		} else {
			cr_assert_null(c, "%s", cases[i].word);
			cr_assert_not_null(strstr(err.msg, cases[i].msg), "%s", err.msg);
		}
	}
}

Test(bird_site, exit_statuses)
{
	cr_assert_eq(bgpctl_exit_status(BIRD_ERR_NONE), 0);
	cr_assert_eq(bgpctl_exit_status(BIRD_ERR_MISSING), EX_UNAVAILABLE);
	cr_assert_eq(bgpctl_exit_status(BIRD_ERR_REFUSED), EX_UNAVAILABLE);
	cr_assert_eq(bgpctl_exit_status(BIRD_ERR_CLOSED), EX_UNAVAILABLE);
	cr_assert_eq(bgpctl_exit_status(BIRD_ERR_PERM), EX_NOPERM);
	cr_assert_eq(bgpctl_exit_status(BIRD_ERR_HUNG), EX_TEMPFAIL);
	cr_assert_eq(bgpctl_exit_status(BIRD_ERR_PROTOCOL), EX_PROTOCOL);
	cr_assert_eq(bgpctl_exit_status(BIRD_ERR_REPLY), EX_PROTOCOL);
	cr_assert_eq(bgpctl_exit_status(BIRD_ERR_USAGE), EX_CONFIG);
	cr_assert_neq(BGPCTL_EXIT_REFUSED, BGPCTL_EXIT_FAILED);
}
