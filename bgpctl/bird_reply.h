/*
 * bird_reply.h: BIRD's control-socket reply format, parsed incrementally.
 *
 * Every line starts with a 4-digit code and '-' (more lines follow) or ' '
 * (the last line of the reply); a line starting with a space continues the
 * previous code; a line starting with '+' is a spontaneous message that is
 * not part of the reply. The reply ends at the first "DDDD " line. Codes:
 * 0xxx done, 1xxx table rows, 2xxx headings, 8xxx run-time errors, 9xxx
 * parse errors (BIRD's doc/reply_codes). The reader takes bytes in any
 * chunking, one byte at a time or megabytes at once, and never reads past
 * the end of the reply it is working on.
 */
#ifndef TP_BIRD_REPLY_H
#define TP_BIRD_REPLY_H

#include <stddef.h>

#include "error.h"

/* Longest line accepted; BIRD itself writes at most 512 bytes a line. */
#define BIRD_LINE_MAX 4096
/*
 * Largest whole reply accepted: the replies tp-bgpctl needs are a few KiB,
 * and a parsed reply takes up to some 16 times its size in memory. A full
 * routing table (some 100 MiB) is for birdc, not for tp-bgpctl show.
 */
#define BIRD_REPLY_MAX ((size_t)32 << 20)

enum bird_line_kind {
	BIRD_LINE_MORE,		/* "DDDD-text": more lines follow */
	BIRD_LINE_LAST,		/* "DDDD text": the reply's last line */
	BIRD_LINE_CONT,		/* " text": continues the previous code */
	BIRD_LINE_ASYNC,	/* "+text": spontaneous, not part of the reply */
};

/* One line: its code (inherited by continuations, -1 for async) and text. */
struct bird_line {
	int code;
	enum bird_line_kind kind;
	char *text;		/* after the code and separator; NUL-terminated */
};

/* A whole reply. */
struct bird_reply {
	struct bird_line *lines;
	size_t nlines, cap;
	int code;		/* code of the last line: what the reply says overall */
	size_t bytes;		/* bytes the reply took on the wire */
};

/* What a code's class says. */
enum bird_class {
	BIRD_CLASS_OK,		/* 0xxx */
	BIRD_CLASS_ROW,		/* 1xxx */
	BIRD_CLASS_HEADING,	/* 2xxx */
	BIRD_CLASS_RUNTIME_ERR,	/* 8xxx */
	BIRD_CLASS_PARSE_ERR,	/* 9xxx */
	BIRD_CLASS_UNKNOWN,	/* 3xxx-7xxx: not defined by BIRD */
};

enum bird_class bird_code_class(int code);
/* 1 when the code is an 8xxx or 9xxx error. */
int bird_code_is_error(int code);

/* Incremental reader state; init before use, free after. */
struct bird_reader {
	char line[BIRD_LINE_MAX + 1];
	size_t len;		/* bytes of the current line so far */
	int last_code;		/* code continuations inherit; -1 before any */
	int done;		/* the reply is complete */
	int failed;		/* a malformed line was seen: reader is dead */
	struct bird_reply reply;
};

void bird_reader_init(struct bird_reader *r);
/*
 * Feed len bytes. Returns 1 when the reply became complete (*used tells how
 * many bytes were taken; the rest belong to whatever comes next), 0 when all
 * bytes were taken and more are needed, -1 with err set on a malformed line
 * (no code, bad separator, NUL byte, line or reply too long, continuation
 * with nothing before it). After 1 or -1 the reader takes nothing more.
 */
int bird_reader_feed(struct bird_reader *r, const char *buf, size_t len, size_t *used,
    struct tp_err *err);
/* Move the finished reply out to *reply (the reader is left empty). */
void bird_reader_take(struct bird_reader *r, struct bird_reply *reply);
void bird_reader_free(struct bird_reader *r);

void bird_reply_init(struct bird_reply *reply);
void bird_reply_free(struct bird_reply *reply);
/*
 * The reply's non-async lines joined with "; " (for error messages), at most
 * len-1 bytes, into buf; returns buf.
 */
char *bird_reply_summary(const struct bird_reply *reply, char *buf, size_t len);
/* 1 when some non-async line carries this code. */
int bird_reply_has_code(const struct bird_reply *reply, int code);

#endif
