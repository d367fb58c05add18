/*
 * listen_control.c: the commands on a long-lived listener's standard
 * input, parsed, and the line reader that cuts them out of the pipe.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fields.h"
#include "listen_control.h"
#include "opt_parse.h"

#define CONTROL_MAX_WORDS (2 + ROUND_MAX_LOCALS)

static const struct {
	const char *word;
	enum listen_command_kind kind;
	int min_args, max_args;		/* after the command word */
} control_commands[] = {
	{ "open", LISTEN_CMD_OPEN, 1, 1 + ROUND_MAX_LOCALS },
	{ "close", LISTEN_CMD_CLOSE, 1, 2 },
};

/* Parse one command line. */
int
listen_command_parse(const char *line, struct listen_command *c, struct tp_err *err)
{
	struct tp_fields f;
	char **w = f.word;
	uint64_t v;
	size_t i, k;
	int n;

	memset(c, 0, sizeof(*c));
	c->grace = -1;
	if (tp_fields_split(&f, line, err) < 0)
		return -1;
	n = (int)f.n;
	if (f.more || n > CONTROL_MAX_WORDS)
		return tp_err_set(err, "too many words in \"%.40s\" (see tp-probe(8))", line);
	if (n == 0)
		return tp_err_set(err, "empty command (want open ROUND or close ROUND)");
	for (k = 0; k < sizeof(control_commands) / sizeof(control_commands[0]); k++)
		if (strcmp(w[0], control_commands[k].word) == 0)
			break;
	if (k == sizeof(control_commands) / sizeof(control_commands[0]))
		return tp_err_set(err, "unknown command \"%.40s\" (want open ROUND or close ROUND)",
		    line);
	if (n - 1 < control_commands[k].min_args || n - 1 > control_commands[k].max_args)
		return tp_err_set(err, "%s: wrong number of arguments (see tp-probe(8))",
		    control_commands[k].word);
	c->kind = control_commands[k].kind;
	if (tp_fields_u64(&f, 1, control_commands[k].word, 0, UINT32_MAX, &v, err) < 0)
		return -1;
	c->round = (uint32_t)v;
	if (c->kind == LISTEN_CMD_CLOSE)
		return n == 3 ? opt_seconds("close", w[2], &c->grace, err) : 0;
	for (i = 2; i < (size_t)n; i++)
		if (tp_prefix_parse(w[i], &c->locals[c->nlocals++], err) < 0)
			return tp_err_prefix(err, "open %u", c->round);
	return 0;
}

/* Pass the buffered line to fn (NULL when it was too long) and empty the buffer. */
static void
line_emit(struct line_reader *r, void (*fn)(void *arg, const char *line), void *arg)
{
	r->buf[r->len] = '\0';
	if (!r->overlong)
		fn(arg, r->buf);
	r->len = 0;
	r->overlong = 0;
}

/* Read what fd has and pass each whole line to fn. */
void
line_reader_feed(struct line_reader *r, int fd, void (*fn)(void *arg, const char *line),
    void *arg)
{
	char chunk[4096];
	ssize_t got, i;

	if (r->eof)
		return;
	got = read(fd, chunk, sizeof(chunk));
	if (got < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (got <= 0) {
		if (r->len > 0 || r->overlong)
			line_emit(r, fn, arg);
		r->eof = 1;
		return;
	}
	for (i = 0; i < got; i++) {
		if (chunk[i] == '\n') {
			line_emit(r, fn, arg);
			continue;
		}
		if (r->len == LISTEN_CONTROL_LINE_MAX) {
			if (!r->overlong)
				fn(arg, NULL);
			r->overlong = 1;
			r->len = 0;
		}
		if (!r->overlong)
			r->buf[r->len++] = chunk[i];
	}
}
