/* command.c: unique-prefix matching of command words, and the help text. */
#include <string.h>

#include "command.h"

/* Row i of the table. */
const struct tp_command *
tp_command_at(const struct tp_command_table *t, size_t i)
{
	return (const struct tp_command *)((const char *)t->rows + i * t->stride);
}

/* Number of words in a command name. */
static int
word_count(const char *words)
{
	int n = 1;

	for (; *words; words++)
		n += *words == ' ';
	return n;
}

/* 1 when word is a non-empty prefix of the k-th word of words; clears *exact if shorter. */
static int
word_matches(const char *words, int k, const char *word, int *exact)
{
	const char *p = words;
	size_t len, wlen = strlen(word);

	while (k-- > 0) {
		if ((p = strchr(p, ' ')) == NULL)
			return 0;
		p++;
	}
	len = strcspn(p, " ");
	if (wlen == 0 || wlen > len || strncmp(p, word, wlen) != 0)
		return 0;
	if (wlen != len)
		*exact = 0;
	return 1;
}

/* Append name to a ", "-separated list in buf. */
static void
list_add(char *buf, size_t len, const char *name)
{
	if (buf[0] != '\0')
		strncat(buf, ", ", len - strlen(buf) - 1);
	strncat(buf, name, len - strlen(buf) - 1);
}

/* Find the row the words name; see command.h. */
const void *
tp_command_match(const struct tp_command_table *t, int nops, char **ops, int *used,
    struct tp_err *err)
{
	char cand[256] = "", all[256] = "";
	size_t i, ncand = 0, hit = 0;

	for (i = 0; i < t->n; i++) {
		const struct tp_command *c = tp_command_at(t, i);
		int k, n = word_count(c->words), exact = 1;

		list_add(all, sizeof(all), c->words);
		for (k = 0; k < n && k < nops; k++)
			if (!word_matches(c->words, k, ops[k], &exact))
				break;
		if (nops == 0 || k < (n < nops ? n : nops))
			continue;
		if (exact && n <= nops) {
			*used = n;
			return c;
		}
		list_add(cand, sizeof(cand), c->words);
		hit = i;
		ncand++;
	}
	if (ncand == 1 && word_count(tp_command_at(t, hit)->words) <= nops) {
		*used = word_count(tp_command_at(t, hit)->words);
		return tp_command_at(t, hit);
	}
	if (ncand == 0)
		tp_err_set(err, "unknown command \"%.60s\": try %s", nops > 0 ? ops[0] : "", all);
	else
		tp_err_set(err, "ambiguous command \"%.60s\": could be %s", ops[0], cand);
	return NULL;
}

/* The list of commands with their operands and help, aligned in columns. */
void
tp_command_help(FILE *f, const struct tp_command_table *t)
{
	size_t i, width = 0;

	for (i = 0; i < t->n; i++) {
		const struct tp_command *c = tp_command_at(t, i);
		size_t w = strlen(c->words) + 1 + strlen(c->args);

		if (w > width && w <= 32)
			width = w;
	}
	fprintf(f, "commands (any unique prefix will do):\n");
	for (i = 0; i < t->n; i++) {
		const struct tp_command *c = tp_command_at(t, i);
		char head[512];

		snprintf(head, sizeof(head), "%s %s", c->words, c->args);
		if (strlen(head) <= width)
			fprintf(f, "  %-*s  %s\n", (int)width, head, c->help);
		else
			fprintf(f, "  %s\n  %-*s  %s\n", head, (int)width, "", c->help);
	}
}
