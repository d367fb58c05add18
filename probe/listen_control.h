/*
 * listen_control.h: the line protocol on a long-lived listener's standard
 * input (tp-probe listen --multi-round, documented in tp-probe(8)):
 *
 *   open ROUND [LOCAL...]    start accepting replies for ROUND; LOCAL is a
 *                            test address or prefix its probes are sent
 *                            from (none: any test range)
 *   close ROUND [GRACE]      keep accepting for GRACE seconds (default:
 *                            --grace), then write ROUND's end line
 *
 * End of input closes every round at once and ends the listener. The
 * listener answers each command on its record stream with a comment:
 * "# open ROUND", "# close ROUND" or "# refused: REASON".
 */
#ifndef TP_LISTEN_CONTROL_H
#define TP_LISTEN_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "error.h"
#include "listen_rounds.h"

#define LISTEN_CONTROL_LINE_MAX 1024

enum listen_command_kind {
	LISTEN_CMD_OPEN,
	LISTEN_CMD_CLOSE,
};

struct listen_command {
	enum listen_command_kind kind;
	uint32_t round;
	double grace;			/* close: seconds; < 0 = the listener's default */
	struct tp_prefix locals[ROUND_MAX_LOCALS];
	size_t nlocals;
};

/* Parse one line (without its newline); -1 with a reason when it is not a command. */
int listen_command_parse(const char *line, struct listen_command *c, struct tp_err *err);

/* Whole lines cut out of what a non-blocking descriptor delivers. */
struct line_reader {
	char buf[LISTEN_CONTROL_LINE_MAX + 1];
	size_t len;
	int overlong;			/* dropping the rest of a line that was too long */
	int eof;
};

/*
 * Read what fd has and call fn for each whole line (without its newline);
 * a line longer than LISTEN_CONTROL_LINE_MAX is passed as NULL, once.
 * Sets r->eof at the end of input (a last line without newline is passed).
 */
void line_reader_feed(struct line_reader *r, int fd, void (*fn)(void *arg, const char *line),
    void *arg);

#endif
