/* bgpctl_cmd.c: tp-bgpctl's command table, matched by unique prefix. */
#include <string.h>
#include <sysexits.h>

#include "bgpctl.h"

static const struct bgpctl_command commands[] = {
	{ "status", bgpctl_status, 0, "[site ...]",
	    "each site's BIRD, test protocols, their routes and the test-range check" },
	{ "withdraw", bgpctl_withdraw, 1, "site ...",
	    "safety checks, arm the dead-man switch, disable the test protocols" },
	{ "announce", bgpctl_announce, 1, "site ... | all",
	    "enable the test protocols, check they are up, confirm the configuration" },
	{ "show", bgpctl_show, 2, "site show ...",
	    "read-only pass-through of a BIRD show command (restricted session)" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* Look a command up by its name or a unique prefix of it. */
const struct bgpctl_command *
bgpctl_command_find(const char *word, struct tp_err *err)
{
	const struct bgpctl_command *match = NULL;
	char names[128] = "";
	size_t i, len = strlen(word), nmatch = 0;

	if (len == 0)
		goto unknown;
	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].name, word) == 0)
			return &commands[i];
		if (strncmp(commands[i].name, word, len) == 0) {
			match = &commands[i];
			nmatch++;
			strncat(names, nmatch > 1 ? ", " : "", sizeof(names) - strlen(names) - 1);
			strncat(names, commands[i].name, sizeof(names) - strlen(names) - 1);
		}
	}
	if (nmatch == 1)
		return match;
	if (nmatch > 1) {
		tp_err_set(err, "ambiguous command \"%s\": could be %s", word, names);
		return NULL;
	}
unknown:
	tp_err_set(err, "unknown command \"%.60s\": try status, withdraw, announce or show",
	    word);
	return NULL;
}

/* List the commands for -h. */
void
bgpctl_commands_help(FILE *f)
{
	size_t i;

	fprintf(f, "commands (any unique prefix will do):\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s %-15s %s\n", commands[i].name, commands[i].args,
		    commands[i].help);
}

/* Map a BIRD connection failure to an exit status. */
int
bgpctl_exit_status(enum bird_err_kind kind)
{
	switch (kind) {
	case BIRD_ERR_NONE:
		return 0;
	case BIRD_ERR_MISSING:
	case BIRD_ERR_REFUSED:
	case BIRD_ERR_CLOSED:
		return EX_UNAVAILABLE;
	case BIRD_ERR_PERM:
		return EX_NOPERM;
	case BIRD_ERR_HUNG:
		return EX_TEMPFAIL;
	case BIRD_ERR_PROTOCOL:
	case BIRD_ERR_REPLY:
		return EX_PROTOCOL;
	case BIRD_ERR_USAGE:
		return EX_CONFIG;
	}
	return EX_SOFTWARE;
}
