/*
 * bird_session.h: one conversation with a site's BIRD: send an allowed
 * command and check that the reply carries the codes the command must
 * get. BIRD's reply codes (doc/reply_codes in BIRD's source) are named
 * here; nothing else in tp-bgpctl compares a code with a bare number.
 */
#ifndef TP_BIRD_SESSION_H
#define TP_BIRD_SESSION_H

#include <stddef.h>

#include "bird_client.h"
#include "bird_command.h"
#include "bird_reply.h"
#include "bird_status.h"
#include "error.h"

/* The reply codes the actions check. */
enum bird_code {
	BIRD_CODE_RECONFIGURED = 3,		/* "Reconfigured" */
	BIRD_CODE_RECONFIG_IN_PROGRESS = 4,	/* "Reconfiguration in progress" */
	BIRD_CODE_RECONFIG_QUEUED = 5,		/* "... already in progress, queueing" */
	BIRD_CODE_ALREADY_DISABLED = 8,
	BIRD_CODE_DISABLED = 9,
	BIRD_CODE_ALREADY_ENABLED = 10,
	BIRD_CODE_ENABLED = 11,
	BIRD_CODE_ACCESS_RESTRICTED = 16,
	BIRD_CODE_RECONFIG_CONFIRMED = 18,	/* the dead-man switch is disarmed */
	BIRD_CODE_NOTHING_TO_DO = 19,		/* confirm with nothing armed */
	BIRD_CODE_UNDO_SCHEDULED = 22,		/* the dead-man switch is armed */
};

/* What a command's reply must carry to count as done. */
struct bird_expect {
	const int *line_any;	/* some line carries one of these (NULL: no check) */
	size_t nline_any;
	const int *final_any;	/* the reply's overall code is one of these (NULL: no check) */
	size_t nfinal_any;
	const char *what;	/* for the message: "enable tp_anycast4" */
};

/*
 * Build command kind from words (nwords of them; seconds for configure
 * timeout) and send it; reply is initialised either way. A command the
 * builder refuses sets c->errkind to BIRD_ERR_USAGE.
 */
int bird_session_send(struct bird_conn *c, enum bird_command_kind kind,
    const char *const *words, size_t nwords, unsigned seconds, struct bird_reply *reply,
    struct tp_err *err);
/*
 * Send, then check the reply against ex. -1 when sending failed or the
 * reply does not carry what ex wants: then err says so, c->errkind is
 * never BIRD_ERR_NONE, and reply is freed. 0 with the reply to free.
 */
int bird_session_expect(struct bird_conn *c, enum bird_command_kind kind,
    const char *const *words, size_t nwords, unsigned seconds, const struct bird_expect *ex,
    struct bird_reply *reply, struct tp_err *err);
/* Read "show protocols" into p. */
int bird_session_protocols(struct bird_conn *c, struct bird_protocols *p, struct tp_err *err);

#endif
