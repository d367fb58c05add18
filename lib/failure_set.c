/* failure_set.c: the one parser and printer of failure sets ("A+B"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "failure_set.h"
#include "xalloc.h"

/* qsort comparison of two strings. */
static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Parse text into a sorted set without repeats; see failure_set.h. */
int
failure_set_parse(const char *text, unsigned flags, struct failure_set *set, char *bad,
    size_t badlen)
{
	const char *seps = flags & FAILURE_SET_COMMAS ? "+," : "+";
	const char *p = text;
	size_t i, kept;

	memset(set, 0, sizeof(*set));
	if (strspn(text, " \t") == strlen(text))
		return 0;
	for (;;) {
		size_t len = strcspn(p, seps);
		const char *a = p, *b = p + len;
		char *name;

		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		name = xmalloc((size_t)(b - a) + 1);
		memcpy(name, a, (size_t)(b - a));
		name[b - a] = '\0';
		if (!tp_name_valid(name)) {
			if (badlen > 0)
				snprintf(bad, badlen, "%s", name);
			free(name);
			failure_set_free(set);
			return -1;
		}
		set->names = xreallocarray(set->names, set->n + 1, sizeof(*set->names));
		set->names[set->n++] = name;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	qsort(set->names, set->n, sizeof(*set->names), name_cmp);
	for (i = 1, kept = 1; i < set->n; i++) {
		if (strcmp(set->names[i], set->names[kept - 1]) == 0) {
			free(set->names[i]);
			set->repeated = set->names[kept - 1];
			continue;
		}
		set->names[kept++] = set->names[i];
	}
	set->n = kept;
	return 0;
}

/* Join names with '+'. */
char *
failure_set_print(const char *const *names, size_t n)
{
	size_t i, len = 1, used = 0;
	char *out;

	for (i = 0; i < n; i++)
		len += strlen(names[i]) + 1;
	out = xmalloc(len);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		size_t l = strlen(names[i]);

		if (i > 0)
			out[used++] = '+';
		memcpy(out + used, names[i], l + 1);
		used += l;
	}
	return out;
}

/* The set's canonical text. */
char *
failure_set_text(const struct failure_set *set)
{
	return failure_set_print((const char *const *)set->names, set->n);
}

/* Canonical text of a typed set, or an error naming the bad piece. */
int
failure_set_canonical(const char *text, char **out, struct tp_err *err)
{
	struct failure_set set;
	char bad[256];

	*out = NULL;
	if (failure_set_parse(text, FAILURE_SET_COMMAS, &set, bad, sizeof(bad)) < 0)
		return tp_err_set(err, "failure set \"%.60s\": \"%s\" is not a site name", text,
		    bad);
	*out = failure_set_text(&set);
	failure_set_free(&set);
	return 0;
}

/* Whether name is one of the set's sites. */
int
failure_set_has(const struct failure_set *set, const char *name)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (strcmp(set->names[i], name) == 0)
			return 1;
	return 0;
}

/* Free the set's names. */
void
failure_set_free(struct failure_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		free(set->names[i]);
	free(set->names);
	memset(set, 0, sizeof(*set));
}
