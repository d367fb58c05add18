/* xalloc.c: allocation wrappers that exit cleanly when memory runs out. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xalloc.h"

/* Exit with a clear message: nothing sensible can continue without memory. */
static void __attribute__((noreturn))
xalloc_die(size_t size)
{
	log_fatal(70, "memory", "out of memory allocating %zu bytes", size);
}

/* malloc or die. */
void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		xalloc_die(size);
	return p;
}

/* calloc or die. */
void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		xalloc_die(n * size);
	return p;
}

/* reallocarray or die. */
void *
xreallocarray(void *p, size_t n, size_t size)
{
	void *q;

	if (size != 0 && n > SIZE_MAX / size)
		xalloc_die(SIZE_MAX);
	q = realloc(p, n != 0 && size != 0 ? n * size : 1);
	if (q == NULL)
		xalloc_die(n * size);
	return q;
}

/* strdup or die. */
char *
xstrdup(const char *s)
{
	size_t len = strlen(s) + 1;
	char *p = xmalloc(len);

	memcpy(p, s, len);
	return p;
}

/* vasprintf or die. */
char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		xalloc_die(strlen(fmt));
	return p;
}
