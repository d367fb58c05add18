/*
 * bird_client.h: one connection to BIRD's control socket, no birdc.
 *
 * bird_open connects and reads the "0001 BIRD x.y.z ready." hello;
 * bird_send writes one command built by bird_command_build and reads its
 * whole reply. Waits are bounded: timeout_ms is a deadline for the whole
 * exchange on the connection, from connect to the last reply, so a BIRD
 * that trickles bytes or a hello that never ends fails with BIRD_ERR_HUNG.
 */
#ifndef TP_BIRD_CLIENT_H
#define TP_BIRD_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "bird_command.h"
#include "bird_reply.h"
#include "error.h"

/* What went wrong, so callers can pick an exit status. */
enum bird_err_kind {
	BIRD_ERR_NONE,
	BIRD_ERR_MISSING,	/* socket file not there */
	BIRD_ERR_PERM,		/* permission denied */
	BIRD_ERR_REFUSED,	/* nothing listening (stale socket) or other connect error */
	BIRD_ERR_HUNG,		/* no answer within the timeout */
	BIRD_ERR_CLOSED,	/* connection closed (mid-reply or before) */
	BIRD_ERR_PROTOCOL,	/* malformed reply or unexpected hello */
	BIRD_ERR_REPLY,		/* BIRD answered with an 8xxx/9xxx error */
	BIRD_ERR_USAGE,		/* bad argument, e.g. socket path too long */
};

struct bird_conn {
	int fd;
	char path[108];
	int timeout_ms;
	int64_t deadline_us;	/* tp_mono_us() by which the exchange must be over */
	char version[64];	/* from the hello, e.g. "2.0.12" */
	char buf[65536];	/* bytes read but not yet parsed */
	size_t buflen, bufpos;
	enum bird_err_kind errkind;	/* set by a failing call */
};

/*
 * Connect to the socket at path and read the hello. -1 with err and
 * c->errkind set: socket missing, permission denied (naming the socket's
 * group to join), nothing listening, BIRD hung, connection closed.
 */
int bird_open(struct bird_conn *c, const char *path, int timeout_ms, struct tp_err *err);
/*
 * Send cmd and read its whole reply into *reply (initialised here; free
 * with bird_reply_free even on failure). An 8xxx/9xxx reply is returned as
 * -1 with BIRD's text in err and errkind BIRD_ERR_REPLY, the reply kept.
 */
int bird_send(struct bird_conn *c, const struct bird_command *cmd, struct bird_reply *reply,
    struct tp_err *err);
/* Read one whole reply (also used for the hello). */
int bird_read_reply(struct bird_conn *c, struct bird_reply *reply, struct tp_err *err);
void bird_close(struct bird_conn *c);

#endif
