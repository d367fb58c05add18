/* bird_reply.c: split BIRD control-socket bytes into coded reply lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bird_reply.h"
#include "escape.h"
#include "xalloc.h"

/* The class a reply code belongs to, from its first digit. */
enum bird_class
bird_code_class(int code)
{
	switch (code / 1000) {
	case 0:
		return BIRD_CLASS_OK;
	case 1:
		return BIRD_CLASS_ROW;
	case 2:
		return BIRD_CLASS_HEADING;
	case 8:
		return BIRD_CLASS_RUNTIME_ERR;
	case 9:
		return BIRD_CLASS_PARSE_ERR;
	default:
		return BIRD_CLASS_UNKNOWN;
	}
}

/* Whether a code reports an error (8xxx or 9xxx). */
int
bird_code_is_error(int code)
{
	enum bird_class c = bird_code_class(code);

	return c == BIRD_CLASS_RUNTIME_ERR || c == BIRD_CLASS_PARSE_ERR;
}

/* Make an empty reply. */
void
bird_reply_init(struct bird_reply *reply)
{
	memset(reply, 0, sizeof(*reply));
	reply->code = -1;
}

/* Free a reply's lines and leave it empty. */
void
bird_reply_free(struct bird_reply *reply)
{
	size_t i;

	for (i = 0; i < reply->nlines; i++)
		free(reply->lines[i].text);
	free(reply->lines);
	bird_reply_init(reply);
}

/* Make a reader ready for one reply. */
void
bird_reader_init(struct bird_reader *r)
{
	r->len = 0;
	r->last_code = -1;
	r->done = 0;
	r->failed = 0;
	bird_reply_init(&r->reply);
}

/* Free what the reader holds. */
void
bird_reader_free(struct bird_reader *r)
{
	bird_reply_free(&r->reply);
	bird_reader_init(r);
}

/* Hand the reply over to the caller. */
void
bird_reader_take(struct bird_reader *r, struct bird_reply *reply)
{
	*reply = r->reply;
	bird_reply_init(&r->reply);
}

/* Append one parsed line to the reply. */
static void
reply_add(struct bird_reply *reply, int code, enum bird_line_kind kind, const char *text)
{
	struct bird_line *l;

	if (reply->nlines == reply->cap) {
		reply->cap = reply->cap ? reply->cap * 2 : 16;
		reply->lines = xreallocarray(reply->lines, reply->cap, sizeof(*reply->lines));
	}
	l = &reply->lines[reply->nlines++];
	l->code = code;
	l->kind = kind;
	l->text = xstrdup(text);
}

/* Parse the complete line in r->line; 1 when it ended the reply, -1 when malformed. */
static int
reader_line(struct bird_reader *r, struct tp_err *err)
{
	char *s = r->line;
	char q[80];
	int code;

	s[r->len] = '\0';
	if (r->len > 0 && s[0] == '+') {
		reply_add(&r->reply, -1, BIRD_LINE_ASYNC, s + 1);
		return 0;
	}
	if (r->len > 0 && s[0] == ' ') {
		if (r->last_code < 0)
			return tp_err_set(err, "BIRD sent a continuation line before any reply code");
		reply_add(&r->reply, r->last_code, BIRD_LINE_CONT, s + 1);
		return 0;
	}
	if (r->len >= 5 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
	    s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9' &&
	    (s[4] == '-' || s[4] == ' ')) {
		code = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		if (s[4] == '-') {
			reply_add(&r->reply, code, BIRD_LINE_MORE, s + 5);
			r->last_code = code;
			return 0;
		}
		reply_add(&r->reply, code, BIRD_LINE_LAST, s + 5);
		r->reply.code = code;
		return 1;
	}
	return tp_err_set(err, "BIRD sent a malformed reply line \"%s\"",
	    tp_escape_n(s, r->len, TP_ESC_QUOTES, q, sizeof(q)));
}

/* Take bytes until the reply is complete or they run out. */
int
bird_reader_feed(struct bird_reader *r, const char *buf, size_t len, size_t *used,
    struct tp_err *err)
{
	size_t i;
	int rc;

	*used = 0;
	if (r->done)
		return 1;
	if (r->failed)
		return tp_err_set(err, "BIRD reply reader used after an error");
	for (i = 0; i < len; i++) {
		char c = buf[i];

		if (r->reply.bytes >= BIRD_REPLY_MAX) {
			r->failed = 1;
			*used = i;
			return tp_err_set(err, "BIRD reply longer than %zu MiB; refusing the "
			    "rest (use birdc for replies that large)", BIRD_REPLY_MAX >> 20);
		}
		r->reply.bytes++;
		if (c == '\n') {
			rc = reader_line(r, err);
			r->len = 0;
			if (rc != 0) {
				*used = i + 1;
				if (rc < 0)
					r->failed = 1;
				else
					r->done = 1;
				return rc;
			}
			continue;
		}
		if (c == '\0') {
			r->failed = 1;
			*used = i + 1;
			return tp_err_set(err, "BIRD sent a NUL byte in a reply line");
		}
		if (r->len == BIRD_LINE_MAX) {
			r->failed = 1;
			*used = i + 1;
			return tp_err_set(err, "BIRD sent a reply line longer than %d bytes",
			    BIRD_LINE_MAX);
		}
		r->line[r->len++] = c;
	}
	*used = len;
	return 0;
}

/* Join the reply's text for a one-line message. */
char *
bird_reply_summary(const struct bird_reply *reply, char *buf, size_t len)
{
	size_t i, o = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < reply->nlines && o + 1 < len; i++) {
		const struct bird_line *l = &reply->lines[i];
		int n;

		if (l->kind == BIRD_LINE_ASYNC || l->text[0] == '\0')
			continue;
		n = snprintf(buf + o, len - o, "%s%s", o ? "; " : "", l->text);
		if (n < 0)
			break;
		o += (size_t)n;
	}
	if (o >= len)
		buf[len - 1] = '\0';
	return buf;
}

/* Whether a line of the reply has this code. */
int
bird_reply_has_code(const struct bird_reply *reply, int code)
{
	size_t i;

	for (i = 0; i < reply->nlines; i++)
		if (reply->lines[i].kind != BIRD_LINE_ASYNC && reply->lines[i].code == code)
			return 1;
	return 0;
}
