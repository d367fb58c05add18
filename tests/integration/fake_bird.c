/*
 * fake_bird.c: a stand-in for BIRD's control socket, for
 * test-privilege.sh. It writes every line any client sends, byte for byte,
 * to LOG (one line per command, in arrival order), and answers the
 * commands tp-bgpctl uses the way BIRD 2.0.12 does (tests/fixtures/bird),
 * keeping each test protocol's up/down state, so status, withdraw,
 * announce and show run to the end. Anything else gets BIRD's 9001 syntax
 * error, after being logged.
 *
 *   fake-bird SOCKET LOG
 *
 * Serves clients one poll loop at a time until SIGTERM; removes SOCKET.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_CLIENTS 16
#define LINE_MAX_BYTES 8192

/* One protocol BIRD runs: the two test protocols and a production one. */
struct proto {
	const char *name;
	const char *table;
	const char *net;
	int up;
};

static struct proto protos[] = {
	{ "tp_anycast4", "master4", "192.0.2.0/24", 1 },
	{ "tp_anycast6", "master6", "2001:db8:ffff::/48", 1 },
	{ "prod4", "master4", "198.51.100.0/24", 1 },
};
#define NPROTOS (sizeof(protos) / sizeof(protos[0]))

/* A connected client and the part of a line it has sent so far. */
struct client {
	int fd;
	char buf[LINE_MAX_BYTES];
	size_t len;
};

static volatile sig_atomic_t stop;

/* Note SIGTERM or SIGINT; the loop ends at its next wake-up. */
static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Write all of s to fd (a reply); errors end the client later. */
static void
put(int fd, const char *s)
{
	size_t n = strlen(s);
	ssize_t w;

	while (n > 0 && (w = write(fd, s, n)) > 0) {
		s += w;
		n -= (size_t)w;
	}
}

/* The protocol called name, or NULL. */
static struct proto *
find_proto(const char *name)
{
	size_t i;

	for (i = 0; i < NPROTOS; i++)
		if (strcmp(protos[i].name, name) == 0)
			return &protos[i];
	return NULL;
}

/* Answer "show protocols" from the current states. */
static void
reply_protocols(int fd)
{
	char row[256];
	size_t i;

	put(fd, "2002-Name       Proto      Table      State  Since         Info\n"
	    "1002-device1    Device     ---        up     00:43:39.934  \n");
	for (i = 0; i < NPROTOS; i++) {
		snprintf(row, sizeof(row), " %-10s Static     %-10s %-6s 00:43:39.934  \n",
		    protos[i].name, protos[i].table, protos[i].up ? "up" : "down");
		put(fd, row);
	}
	put(fd, "0000 \n");
}

/* Answer "show route protocol NAME": its one route while it is up. */
static void
reply_routes(int fd, const char *name)
{
	struct proto *p = find_proto(name);
	char buf[256];

	if (p != NULL && p->up) {
		snprintf(buf, sizeof(buf), "1007-Table %s:\n %-20s unreachable [%s "
		    "00:43:39.934] * (200)\n", p->table, p->net, p->name);
		put(fd, buf);
	}
	put(fd, "0000 \n");
}

/* Answer "enable NAME" or "disable NAME ..." and change the state. */
static void
reply_switch(int fd, const char *name, int up)
{
	struct proto *p = find_proto(name);
	char buf[256];

	if (p == NULL) {
		snprintf(buf, sizeof(buf), "8003 %s: No such protocol\n", name);
		put(fd, buf);
		return;
	}
	snprintf(buf, sizeof(buf), "%04d-%s: %s%s\n0000 \n", up ? (p->up ? 10 : 11) :
	    (p->up ? 9 : 8), p->name, up == p->up ? "already " : "", up ? "enabled" : "disabled");
	p->up = up;
	put(fd, buf);
}

/* Log one command line and answer it. */
static void
serve_line(int fd, const char *line, FILE *log)
{
	char name[LINE_MAX_BYTES];
	unsigned n;

	fprintf(log, "%s\n", line);
	fflush(log);
	if (strcmp(line, "show status") == 0)
		put(fd, "1000-BIRD 2.0.12\n1011-Router ID is 10.255.0.1\n"
		    " Hostname is fake\n0013 Daemon is up and running\n");
	else if (strcmp(line, "show protocols") == 0)
		reply_protocols(fd);
	else if (sscanf(line, "show route protocol %8191s", name) == 1)
		reply_routes(fd, name);
	else if (strncmp(line, "show ", 5) == 0)
		put(fd, "0000 \n");
	else if (sscanf(line, "configure timeout %u", &n) == 1)
		put(fd, "0002-Reading configuration from /etc/bird/bird.conf\n"
		    "0022-Undo scheduled in 900 s\n0003 Reconfigured\n");
	else if (strcmp(line, "configure confirm") == 0)
		put(fd, "0018 Reconfiguration confirmed\n");
	else if (strcmp(line, "restrict") == 0)
		put(fd, "0016 Access restricted\n");
	else if (sscanf(line, "enable %8191s", name) == 1)
		reply_switch(fd, name, 1);
	else if (sscanf(line, "disable %8191s", name) == 1)
		reply_switch(fd, name, 0);
	else
		put(fd, "9001 syntax error, unexpected CF_SYM_UNDEFINED\n");
}

/* Read what a client sent; serve each whole line. 0 when it has gone. */
static int
serve_client(struct client *c, FILE *log)
{
	ssize_t got;
	char *nl;

	got = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	if (got <= 0)
		return 0;
	c->len += (size_t)got;
	c->buf[c->len] = '\0';
	while ((nl = memchr(c->buf, '\n', c->len)) != NULL) {
		*nl = '\0';
		serve_line(c->fd, c->buf, log);
		c->len -= (size_t)(nl + 1 - c->buf);
		memmove(c->buf, nl + 1, c->len);
	}
	if (c->len == sizeof(c->buf) - 1) {	/* a line too long for BIRD too */
		c->buf[c->len] = '\0';
		serve_line(c->fd, c->buf, log);
		c->len = 0;
	}
	return 1;
}

/* Listen on the socket and serve clients until told to stop. */
int
main(int argc, char **argv)
{
	struct client clients[MAX_CLIENTS];
	struct pollfd pfd[MAX_CLIENTS + 1];
	struct sockaddr_un sun;
	size_t i, n;
	FILE *log;
	int lfd;

	if (argc != 3) {
		fprintf(stderr, "usage: fake-bird SOCKET LOG\n");
		return 2;
	}
	if ((log = fopen(argv[2], "a")) == NULL) {
		fprintf(stderr, "fake-bird: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "fake-bird: %s: path too long\n", argv[1]);
		return 1;
	}
	memcpy(sun.sun_path, argv[1], strlen(argv[1]) + 1);
	unlink(argv[1]);
	if ((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(lfd, 8) < 0) {
		fprintf(stderr, "fake-bird: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	n = 0;
	while (!stop) {
		pfd[0].fd = lfd;
		pfd[0].events = POLLIN;
		for (i = 0; i < n; i++) {
			pfd[i + 1].fd = clients[i].fd;
			pfd[i + 1].events = POLLIN;
		}
		if (poll(pfd, n + 1, 500) <= 0)
			continue;
		for (i = n; i-- > 0;)
			if (pfd[i + 1].revents && !serve_client(&clients[i], log)) {
				close(clients[i].fd);
				clients[i] = clients[--n];
			}
		if ((pfd[0].revents & POLLIN) && n < MAX_CLIENTS) {
			int fd = accept(lfd, NULL, NULL);

			if (fd >= 0) {
				clients[n].fd = fd;
				clients[n++].len = 0;
				put(fd, "0001 BIRD 2.0.12 ready.\n");
			}
		}
	}
	unlink(argv[1]);
	fclose(log);
	return 0;
}
