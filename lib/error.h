/* error.h: one error message carried from where it happened to the caller. */
#ifndef TP_ERROR_H
#define TP_ERROR_H

#include <stddef.h>

/* A human-readable reason, e.g. "targets.txt:12: bad address \"1.2.3\"". */
struct tp_err {
	char msg[512];
};

/* Set err's message printf-style (err may be NULL); always returns -1. */
int tp_err_set(struct tp_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefix err's existing message with more context, e.g. a file name. */
int tp_err_prefix(struct tp_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
