/* bgpctl_cmd.c: tp-bgpctl's command table, matched by unique prefix. */
#include <sysexits.h>

#include "bgpctl.h"

static const struct bgpctl_command commands[] = {
	{ { "status", "[site ...]",
	    "each site's BIRD, test protocols, their routes and the test-range check" },
	    bgpctl_status, 0 },
	{ { "withdraw", "site ...",
	    "safety checks, arm the dead-man switch, disable the test protocols" },
	    bgpctl_withdraw, 1 },
	{ { "announce", "site ... | all",
	    "enable the test protocols, check they are up, confirm the configuration" },
	    bgpctl_announce, 1 },
	{ { "show", "site show ...",
	    "read-only pass-through of a BIRD show command (restricted session)" },
	    bgpctl_show, 2 },
};

static const struct tp_command_table table = TP_COMMAND_TABLE(commands);

/* Look a command up by its name or a unique prefix of it. */
const struct bgpctl_command *
bgpctl_command_find(const char *word, struct tp_err *err)
{
	int used;

	return tp_command_match(&table, 1, (char **)&word, &used, err);
}

/* List the commands for -h. */
void
bgpctl_commands_help(FILE *f)
{
	tp_command_help(f, &table);
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
