/* withdrawn.c: parse and print failure sets ("A+B"). */
#include <stdlib.h>
#include <string.h>

#include "../lib/config.h"	/* not the autoconf config.h in the build folder */
#include "withdrawn.h"
#include "xalloc.h"

/* qsort comparison of two strings. */
static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Split s at any of the separators, trimming blanks; empty pieces are kept as "". */
static size_t
split_names(const char *s, const char *seps, char ***out)
{
	char **v = NULL;
	size_t n = 0;
	const char *p = s;

	for (;;) {
		size_t len = strcspn(p, seps);
		const char *a = p, *b = p + len;

		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n] = xmalloc((size_t)(b - a) + 1);
		memcpy(v[n], a, (size_t)(b - a));
		v[n++][b - a] = '\0';
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	*out = v;
	return n;
}

/* Canonical "A+B" from any order and separator; "" (or blanks) is the baseline. */
int
withdrawn_canonical(const char *in, char *out, size_t len, struct tp_err *err)
{
	char **v;
	size_t n, i, used = 0;
	int rc = -1;

	if (strspn(in, " \t") == strlen(in)) {
		if (len > 0)
			out[0] = '\0';
		return 0;
	}
	n = split_names(in, "+,", &v);
	for (i = 0; i < n; i++)
		if (!tp_name_valid(v[i])) {
			tp_err_set(err, "failure set \"%s\": \"%s\" is not a site name", in, v[i]);
			goto done;
		}
	qsort(v, n, sizeof(*v), name_cmp);
	for (i = 0; i < n; i++) {
		size_t l = strlen(v[i]);

		if (i > 0 && strcmp(v[i], v[i - 1]) == 0)
			continue;
		if (used + l + 2 > len) {
			tp_err_set(err, "failure set \"%.40s...\" is too long", in);
			goto done;
		}
		if (used > 0)
			out[used++] = '+';
		memcpy(out + used, v[i], l);
		used += l;
	}
	out[used] = '\0';
	rc = 0;
done:
	withdrawn_free(v, n);
	return rc;
}

/* Names of a canonical set, in order. */
size_t
withdrawn_split(const char *set, char ***names)
{
	if (set == NULL || set[0] == '\0') {
		*names = NULL;
		return 0;
	}
	return split_names(set, "+", names);
}

/* Free what withdrawn_split returned. */
void
withdrawn_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
