/* bird_command.c: build the few BIRD commands tp-bgpctl may send. */
#include <stdio.h>
#include <string.h>

#include "bird_command.h"
#include "config.h"

/* Whether every byte of s is in the show pass-through's alphabet. */
int
bird_show_word_valid(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("_.:/-", *s) != NULL))
			return 0;
	return 1;
}

/* Build "show ..." from validated words. */
static int
build_show(struct bird_command *cmd, const char *const *words, size_t nwords, struct tp_err *err)
{
	size_t i, o = 0;

	if (nwords == 0 || strcmp(words[0], "show") != 0)
		return tp_err_set(err, "only \"show\" commands can be passed through to BIRD");
	for (i = 0; i < nwords; i++) {
		size_t n = strlen(words[i]);

		if (!bird_show_word_valid(words[i]))
			return tp_err_set(err, "show: word %zu is not made of letters, digits "
			    "and _.:/- (filters and quotes are not passed through)", i + 1);
		if (o + n + 2 > sizeof(cmd->line))
			return tp_err_set(err, "show: command longer than %d bytes",
			    BIRD_COMMAND_MAX - 1);
		if (i > 0)
			cmd->line[o++] = ' ';
		memcpy(cmd->line + o, words[i], n);
		o += n;
	}
	cmd->line[o] = '\0';
	return 0;
}

/* Build one of the allowed commands. */
int
bird_command_build(struct bird_command *cmd, enum bird_command_kind kind,
    const char *const *words, size_t nwords, unsigned seconds, struct tp_err *err)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->kind = kind;
	switch (kind) {
	case BIRD_CMD_SHOW:
		return build_show(cmd, words, nwords, err);
	case BIRD_CMD_ENABLE:
	case BIRD_CMD_DISABLE:
		if (nwords != 1 || !tp_name_valid(words[0]))
			return tp_err_set(err, "%s: protocol name must be 1 to 63 characters "
			    "of [A-Za-z0-9_.-]", kind == BIRD_CMD_ENABLE ? "enable" : "disable");
		if (kind == BIRD_CMD_ENABLE)
			snprintf(cmd->line, sizeof(cmd->line), "enable %s", words[0]);
		else
			snprintf(cmd->line, sizeof(cmd->line), "disable %s \"%s\"", words[0],
			    BIRD_DISABLE_MESSAGE);
		return 0;
	case BIRD_CMD_CONFIGURE_TIMEOUT:
		if (nwords != 0 || seconds < 1 || seconds > 86400)
			return tp_err_set(err, "configure timeout: %u s is outside 1..86400",
			    seconds);
		snprintf(cmd->line, sizeof(cmd->line), "configure timeout %u", seconds);
		return 0;
	case BIRD_CMD_CONFIGURE_CONFIRM:
	case BIRD_CMD_RESTRICT:
		if (nwords != 0)
			return tp_err_set(err, "%s takes no arguments",
			    kind == BIRD_CMD_RESTRICT ? "restrict" : "configure confirm");
		strcpy(cmd->line, kind == BIRD_CMD_RESTRICT ? "restrict" : "configure confirm");
		return 0;
	}
	return tp_err_set(err, "unknown BIRD command kind %d", (int)kind);
}
