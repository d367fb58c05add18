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

/*
 * For the static analyzer only (make lint): it reads one file at a time and
 * cannot see that both functions always return -1, so it would follow paths
 * where `return tp_err_set(...)` succeeds. This tells it.
 */
#if defined(__clang_analyzer__) && !defined(TP_ERROR_IMPL)
static inline int tp_err_always_fails(int rc) { (void)rc; return -1; }
#define tp_err_set(err, ...) tp_err_always_fails(tp_err_set(err, __VA_ARGS__))
#define tp_err_prefix(err, ...) tp_err_always_fails(tp_err_prefix(err, __VA_ARGS__))
#endif

#endif
