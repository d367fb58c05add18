/* xalloc.h: allocation that never returns NULL; out of memory ends the program. */
#ifndef TP_XALLOC_H
#define TP_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size) __attribute__((returns_nonnull));
void *xcalloc(size_t n, size_t size) __attribute__((returns_nonnull));
/* Resize to n * size bytes, checking the multiplication for overflow. */
void *xreallocarray(void *p, size_t n, size_t size) __attribute__((returns_nonnull));
char *xstrdup(const char *s) __attribute__((returns_nonnull));
/* printf into a fresh string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2), returns_nonnull));

#endif
