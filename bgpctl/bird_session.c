/* bird_session.c: send a command to BIRD and check the codes of its reply. */
#include <stdio.h>
#include <string.h>

#include "bird_session.h"
#include "log.h"

/* Build one allowed command and send it. */
int
bird_session_send(struct bird_conn *c, enum bird_command_kind kind,
    const char *const *words, size_t nwords, unsigned seconds, struct bird_reply *reply,
    struct tp_err *err)
{
	struct bird_command cmd;

	bird_reply_init(reply);
	if (bird_command_build(&cmd, kind, words, nwords, seconds, err) != 0) {
		c->errkind = BIRD_ERR_USAGE;
		return -1;
	}
	log_debug("bird", "%s: %s", c->path, cmd.line);
	return bird_send(c, &cmd, reply, err);
}

/* 1 when code is one of v. */
static int
code_in(int code, const int *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == code)
			return 1;
	return 0;
}

/* 1 when the reply carries what ex wants. */
static int
reply_meets(const struct bird_reply *reply, const struct bird_expect *ex)
{
	size_t i;
	int line_ok = ex->line_any == NULL;

	for (i = 0; i < ex->nline_any && !line_ok; i++)
		line_ok = bird_reply_has_code(reply, ex->line_any[i]);
	return line_ok && (ex->final_any == NULL ||
	    code_in(reply->code, ex->final_any, ex->nfinal_any));
}

/* Send and check the reply; see bird_session.h. */
int
bird_session_expect(struct bird_conn *c, enum bird_command_kind kind,
    const char *const *words, size_t nwords, unsigned seconds, const struct bird_expect *ex,
    struct bird_reply *reply, struct tp_err *err)
{
	if (bird_session_send(c, kind, words, nwords, seconds, reply, err) == 0 &&
	    reply_meets(reply, ex))
		return 0;
	if (c->errkind == BIRD_ERR_NONE) {
		tp_err_set(err, "%s (reply code %04d)", ex->what, reply->code);
		c->errkind = BIRD_ERR_PROTOCOL;
	}
	bird_reply_free(reply);
	return -1;
}

/* Read "show protocols" into p. */
int
bird_session_protocols(struct bird_conn *c, struct bird_protocols *p, struct tp_err *err)
{
	static const char *const words[] = { "show", "protocols" };
	struct bird_reply reply;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = bird_session_send(c, BIRD_CMD_SHOW, words, 2, 0, &reply, err);
	if (rc == 0 && (rc = bird_parse_protocols(&reply, p, err)) != 0)
		c->errkind = BIRD_ERR_PROTOCOL;
	bird_reply_free(&reply);
	return rc;
}
