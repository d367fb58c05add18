/* error.c: fill and extend struct tp_err messages. */
#define TP_ERROR_IMPL	/* the real functions, not error.h's analyzer view */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "escape.h"

/*
 * Set err's message printf-style, control characters escaped (escape.h);
 * returns -1 so callers can `return tp_err_set(...)`.
 */
int
tp_err_set(struct tp_err *err, const char *fmt, ...)
{
	char raw[sizeof(err->msg)];
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	tp_escape(raw, 0, err->msg, sizeof(err->msg));
	return -1;
}

/*
 * Put more context in front of err's message: "<context>: <old message>"
 * (the context escaped as in tp_err_set; the old message already is).
 */
int
tp_err_prefix(struct tp_err *err, const char *fmt, ...)
{
	char old[sizeof(err->msg)], raw[sizeof(err->msg)], ctx[sizeof(err->msg)];
	size_t n;
	va_list ap;

	if (err == NULL)
		return -1;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	tp_escape(raw, 0, ctx, sizeof(ctx));
	n = strlen(ctx);
	if (n > sizeof(err->msg) - 3)
		n = sizeof(err->msg) - 3;
	memcpy(err->msg, ctx, n);
	memcpy(err->msg + n, ": ", 2);
	n += 2;
	old[sizeof(old) - n - 1] = '\0';	/* what fits after the context */
	memcpy(err->msg + n, old, strlen(old) + 1);
	return -1;
}
