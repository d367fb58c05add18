/* bird_client.c: talk to BIRD over its AF_UNIX control socket. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "bird_client.h"
#include "clock.h"
#include "output.h"
#include "xalloc.h"

/* Record the error kind and message; always -1. */
static int
conn_fail(struct bird_conn *c, enum bird_err_kind kind)
{
	c->errkind = kind;
	return -1;
}

/* Explain EACCES on the socket, naming the group that may use it. */
static int
fail_permission(struct bird_conn *c, const char *path, struct tp_err *err)
{
	struct stat st;
	struct group *gr;

	if (stat(path, &st) != 0) {
		tp_err_set(err, "permission denied on BIRD control socket %s: its folder is "
		    "not searchable for this user; run as the user BIRD runs as or root", path);
		return conn_fail(c, BIRD_ERR_PERM);
	}
	gr = getgrgid(st.st_gid);
	if (gr != NULL)
		tp_err_set(err, "permission denied on BIRD control socket %s: add your user "
		    "to group %s (the socket's group) or run as root", path, gr->gr_name);
	else
		tp_err_set(err, "permission denied on BIRD control socket %s: add your user "
		    "to group id %u (the socket's group) or run as root", path,
		    (unsigned)st.st_gid);
	return conn_fail(c, BIRD_ERR_PERM);
}

/* Connect to BIRD and read its hello. */
int
bird_open(struct bird_conn *c, const char *path, int timeout_ms, struct tp_err *err)
{
	struct sockaddr_un sun;
	struct bird_reply hello;
	int e;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->timeout_ms = timeout_ms;
	c->deadline_us = tp_mono_us() + (int64_t)timeout_ms * 1000;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (path == NULL || *path == '\0') {
		tp_err_set(err, "no BIRD control socket given (bird_socket in tp.conf)");
		return conn_fail(c, BIRD_ERR_USAGE);
	}
	if (strlen(path) >= sizeof(sun.sun_path) || strlen(path) >= sizeof(c->path)) {
		tp_err_set(err, "BIRD control socket path %s is longer than %zu bytes: "
		    "use a shorter bird_socket", path, sizeof(sun.sun_path) - 1);
		return conn_fail(c, BIRD_ERR_USAGE);
	}
	strcpy(sun.sun_path, path);
	strcpy(c->path, path);
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		tp_err_set(err, "socket: %s", strerror(errno));
		return conn_fail(c, BIRD_ERR_REFUSED);
	}
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		e = errno;
		close(c->fd);
		c->fd = -1;
		switch (e) {
		case ENOENT:
		case ENOTDIR:
			tp_err_set(err, "BIRD control socket %s is missing: is BIRD running "
			    "there, and is bird_socket right?", path);
			return conn_fail(c, BIRD_ERR_MISSING);
		case EACCES:
		case EPERM:
			return fail_permission(c, path, err);
		case ECONNREFUSED:
			tp_err_set(err, "nothing listens on BIRD control socket %s: BIRD is "
			    "not running (stale socket) or it is not a socket", path);
			return conn_fail(c, BIRD_ERR_REFUSED);
		default:
			tp_err_set(err, "BIRD control socket %s: connect: %s", path,
			    strerror(e));
			return conn_fail(c, BIRD_ERR_REFUSED);
		}
	}
	if (fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK) != 0) {
		tp_err_set(err, "fcntl: %s", strerror(errno));
		return conn_fail(c, BIRD_ERR_REFUSED);
	}
	if (bird_read_reply(c, &hello, err) != 0) {
		bird_reply_free(&hello);
		tp_err_prefix(err, "waiting for BIRD's hello: ");
		return -1;
	}
	if (hello.code != 1 || hello.nlines != 1 ||
	    sscanf(hello.lines[0].text, "BIRD %63s", c->version) != 1) {
		char sum[200];

		tp_err_set(err, "%s is not a BIRD control socket: it said \"%s\"", path,
		    bird_reply_summary(&hello, sum, sizeof(sum)));
		bird_reply_free(&hello);
		return conn_fail(c, BIRD_ERR_PROTOCOL);
	}
	bird_reply_free(&hello);
	return 0;
}

/* Fail with BIRD_ERR_HUNG: the exchange outlived its deadline. */
static int
conn_hung(struct bird_conn *c, struct tp_err *err)
{
	tp_err_set(err, "BIRD hung: the exchange on %s did not finish within %d.%03d s", c->path,
	    c->timeout_ms / 1000, c->timeout_ms % 1000);
	return conn_fail(c, BIRD_ERR_HUNG);
}

/*
 * Wait until fd is ready for events, at most until the connection's
 * deadline; 0 ready, -1 timed out or failed.
 */
static int
conn_wait(struct bird_conn *c, short events, struct tp_err *err)
{
	struct pollfd pfd = { .fd = c->fd, .events = events };
	int64_t left_ms;
	int n;

	for (;;) {
		left_ms = (c->deadline_us - tp_mono_us() + 999) / 1000;
		if (left_ms <= 0)
			return conn_hung(c, err);
		n = poll(&pfd, 1, (int)left_ms);
		if (n > 0)
			return 0;
		if (n == 0)
			return conn_hung(c, err);
		if (errno != EINTR) {
			tp_err_set(err, "poll on %s: %s", c->path, strerror(errno));
			return conn_fail(c, BIRD_ERR_CLOSED);
		}
	}
}

/* Read one whole reply, keeping any bytes after it for the next one. */
int
bird_read_reply(struct bird_conn *c, struct bird_reply *reply, struct tp_err *err)
{
	struct bird_reader *r;
	size_t used;
	ssize_t n;
	int rc;

	bird_reply_init(reply);
	if (c->fd < 0) {
		tp_err_set(err, "BIRD connection is not open");
		return conn_fail(c, BIRD_ERR_CLOSED);
	}
	/* The reader is large (one line buffer); keep it off the stack. */
	r = xmalloc(sizeof(*r));
	bird_reader_init(r);
	for (;;) {
		if (c->bufpos < c->buflen) {
			rc = bird_reader_feed(r, c->buf + c->bufpos, c->buflen - c->bufpos,
			    &used, err);
			c->bufpos += used;
			if (rc != 0)
				break;
		}
		c->bufpos = c->buflen = 0;
		if (tp_mono_us() > c->deadline_us) {	/* a trickle ends here too */
			rc = conn_hung(c, err);
			break;
		}
		n = read(c->fd, c->buf, sizeof(c->buf));
		if (n > 0) {
			c->buflen = (size_t)n;
			continue;
		}
		if (n == 0) {
			if (r->reply.nlines > 0 || r->len > 0)
				tp_err_set(err, "BIRD closed the connection on %s mid-reply "
				    "(after %zu bytes)", c->path, r->reply.bytes);
			else
				tp_err_set(err, "BIRD closed the connection on %s without "
				    "replying", c->path);
			rc = conn_fail(c, BIRD_ERR_CLOSED);
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if ((rc = conn_wait(c, POLLIN, err)) != 0)
				break;
			continue;
		}
		tp_err_set(err, "reading from BIRD on %s: %s", c->path, strerror(errno));
		rc = conn_fail(c, BIRD_ERR_CLOSED);
		break;
	}
	if (rc < 0 && c->errkind == BIRD_ERR_NONE)
		c->errkind = BIRD_ERR_PROTOCOL;
	bird_reader_take(r, reply);
	bird_reader_free(r);
	free(r);
	return rc < 0 ? -1 : 0;
}

/* Write all of buf, waiting while the socket is full. */
static int
conn_write(struct bird_conn *c, const char *buf, size_t len, struct tp_err *err)
{
	ssize_t n;

	while (len > 0) {
		n = send(c->fd, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (conn_wait(c, POLLOUT, err) != 0)
				return -1;
			continue;
		}
		tp_err_set(err, "BIRD closed the connection on %s before taking the "
		    "command (%s)", c->path, n < 0 ? strerror(errno) : "short write");
		return conn_fail(c, BIRD_ERR_CLOSED);
	}
	return 0;
}

/* Send one allowed command and read its reply. */
int
bird_send(struct bird_conn *c, const struct bird_command *cmd, struct bird_reply *reply,
    struct tp_err *err)
{
	char line[BIRD_COMMAND_MAX + 1];
	size_t n = strnlen(cmd->line, sizeof(cmd->line));

	bird_reply_init(reply);
	c->errkind = BIRD_ERR_NONE;
	if (n == 0 || n >= sizeof(cmd->line) || strpbrk(cmd->line, "\n\r") != NULL) {
		tp_err_set(err, "refusing to send a malformed BIRD command");
		return conn_fail(c, BIRD_ERR_USAGE);
	}
	memcpy(line, cmd->line, n);
	line[n] = '\n';
	if (conn_write(c, line, n + 1, err) != 0)
		return -1;
	if (bird_read_reply(c, reply, err) != 0) {
		tp_err_prefix(err, "%s: ", cmd->line);
		return -1;
	}
	if (bird_code_is_error(reply->code)) {
		char sum[400];

		tp_err_set(err, "BIRD refused \"%s\": %s (code %04d)", cmd->line,
		    bird_reply_summary(reply, sum, sizeof(sum)), reply->code);
		return conn_fail(c, BIRD_ERR_REPLY);
	}
	return 0;
}

/* Close the connection. */
void
bird_close(struct bird_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
