/* error.c: fill and extend struct tp_err messages. */
#define TP_ERROR_IMPL	/* the real functions, not error.h's analyzer view */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

/* Set err's message printf-style; returns -1 so callers can `return tp_err_set(...)`. */
int
tp_err_set(struct tp_err *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Put more context in front of err's message: "<context>: <old message>". */
int
tp_err_prefix(struct tp_err *err, const char *fmt, ...)
{
	char old[sizeof(err->msg)], ctx[sizeof(err->msg)];
	size_t n;
	va_list ap;

	if (err == NULL)
		return -1;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
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
