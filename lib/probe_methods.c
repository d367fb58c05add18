/* probe_methods.c: tp.conf's ordered list of probe methods. */
#include <stdio.h>
#include <string.h>

#include "probe_methods.h"

/* Parse the list; see probe_methods.h. */
int
tp_methods_parse(const char *s, struct tp_methods *m, char *why, size_t len)
{
	const char *p = s != NULL ? s : "icmp";
	char word[TP_METHOD_MAX];

	memset(m, 0, sizeof(*m));
	while (*p != '\0') {
		size_t n = strcspn(p, " \t,");

		if (n == 0) {
			p++;
			continue;
		}
		if (n >= sizeof(word)) {
			snprintf(why, len, "\"%.*s\" is not a probe method: use icmp or tcp:PORT",
			    20, p);
			return -1;
		}
		memcpy(word, p, n);
		word[n] = '\0';
		p += n;
		if (!tp_method_valid(word)) {
			snprintf(why, len, "\"%s\" is not a probe method: use icmp or tcp:PORT "
			    "(PORT 1 to 65535)", word);
			return -1;
		}
		if (tp_methods_index(m, word) >= 0) {
			snprintf(why, len, "%s is listed twice", word);
			return -1;
		}
		if (m->n == TP_METHODS_MAX) {
			snprintf(why, len, "more than %d methods", TP_METHODS_MAX);
			return -1;
		}
		memcpy(m->name[m->n++], word, n + 1);
	}
	if (m->n == 0) {
		snprintf(why, len, "no method: give e.g. icmp tcp:80");
		return -1;
	}
	return 0;
}

/* Linear: lists are a few names long. */
int
tp_methods_index(const struct tp_methods *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->name[i], name) == 0)
			return (int)i;
	return -1;
}
