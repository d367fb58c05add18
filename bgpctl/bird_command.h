/*
 * bird_command.h: the only commands tp-bgpctl can ever send to BIRD.
 *
 * A struct bird_command is filled only by bird_command_build, which puts
 * each command together from a fixed keyword and validated parts, so no
 * user input can add a second command, a filter or a quote to the line.
 */
#ifndef TP_BIRD_COMMAND_H
#define TP_BIRD_COMMAND_H

#include <stddef.h>

#include "error.h"

/* Longest command line (BIRD's own input buffer is 4 KiB). */
#define BIRD_COMMAND_MAX 512
/* The message BIRD shows for a protocol tp-bgpctl disabled. */
#define BIRD_DISABLE_MESSAGE "tp-bgpctl withdraw"

enum bird_command_kind {
	BIRD_CMD_SHOW,			/* "show WORD...": words as given, validated */
	BIRD_CMD_ENABLE,		/* "enable NAME" */
	BIRD_CMD_DISABLE,		/* "disable NAME \"tp-bgpctl withdraw\"" */
	BIRD_CMD_CONFIGURE_TIMEOUT,	/* "configure timeout N" */
	BIRD_CMD_CONFIGURE_CONFIRM,	/* "configure confirm" */
	BIRD_CMD_RESTRICT,		/* "restrict" */
};

struct bird_command {
	enum bird_command_kind kind;
	char line[BIRD_COMMAND_MAX];	/* without the newline */
};

/*
 * Build one command. SHOW takes words[0..nwords) (the first must be
 * "show", each one of [A-Za-z0-9_.:/-]+); ENABLE and DISABLE take one
 * protocol name that tp_name_valid accepts; CONFIGURE_TIMEOUT takes
 * seconds (1..86400); the rest take nothing. -1 with a reason otherwise.
 */
int bird_command_build(struct bird_command *cmd, enum bird_command_kind kind,
    const char *const *words, size_t nwords, unsigned seconds, struct tp_err *err);

/* 1 when s is a word the show pass-through accepts. */
int bird_show_word_valid(const char *s);

#endif
