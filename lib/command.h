/*
 * command.h: the one matcher of the programs' command tables, after
 * OpenBGPD's match_token. A table is an array of a program's own rows,
 * each beginning with a struct tp_command; a command is named by one or
 * more words ("targets import"), each of which may be given as a unique
 * prefix. The usage text is printed from the same rows.
 */
#ifndef TP_COMMAND_H
#define TP_COMMAND_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

struct tp_command {
	const char *words;	/* "status", or "targets import" */
	const char *args;	/* operands and options, for usage */
	const char *help;	/* one line */
};

/* A program's table: rows of stride bytes, each starting with a struct tp_command. */
struct tp_command_table {
	const void *rows;
	size_t n, stride;
};

#define TP_COMMAND_TABLE(a) { (a), sizeof(a) / sizeof((a)[0]), sizeof((a)[0]) }

/*
 * The row named by the first words of ops (nops of them): an exact name
 * wins over a longer one it starts. Returns the row and sets *used to its
 * word count, or NULL with err saying "unknown command" or "ambiguous
 * command" and listing what would do.
 */
const void *tp_command_match(const struct tp_command_table *t, int nops, char **ops,
    int *used, struct tp_err *err);
/* The row's struct tp_command. */
const struct tp_command *tp_command_at(const struct tp_command_table *t, size_t i);
/* Print "commands (any unique prefix will do):" and a line per row. */
void tp_command_help(FILE *f, const struct tp_command_table *t);

#endif
