/*
 * bgpctl_cmd.c: tp-bgpctl's command table (matched by lib/command.c), the
 * site operands, and the exit status of a BIRD failure.
 */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "bgpctl.h"
#include "log.h"
#include "xalloc.h"

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

/*
 * Turn site names into configured sites: each must be a valid name, in
 * tp.conf, and named once. Returns 0 or an exit status.
 */
/*
 * Turn site names into configured sites: each must be a valid name, in
 * tp.conf, and named once. Returns 0 or an exit status.
 */
int
bgpctl_resolve_sites(const struct bgpctl *b, int argc, char **argv,
    const struct tp_site_conf ***out)
{
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	const struct tp_site_conf **sites = xcalloc((size_t)argc + 1, sizeof(*sites));
	int i, j;

	for (i = 0; i < argc; i++) {
		if (!tp_name_valid(argv[i])) {
			log_error("usage", "bad site name \"%.64s\": use 1 to 63 characters of "
			    "[A-Za-z0-9_.-]", argv[i]);
			free(sites);
			return EX_USAGE;
		}
		if ((sites[i] = tp_conf_site(&b->conf, argv[i])) == NULL) {
			log_error("usage", "unknown site %s: %s has no [site %s]", argv[i],
			    b->conf.path != NULL ? b->conf.path : "tp.conf", argv[i]);
			free(sites);
			return EX_USAGE;
		}
		for (j = 0; j < i; j++)
			if (sites[j] == sites[i]) {
				log_error("usage", "site %s is named twice", argv[i]);
				free(sites);
				return EX_USAGE;
			}
	}
	*out = sites;
	return 0;
}

/* 1 when -p selects the protocol (every protocol when -p was not given). */
int
bgpctl_selected(const struct bgpctl *b, const char *protocol)
{
	size_t i;

	for (i = 0; i < b->nonly; i++)
		if (strcmp(b->only[i], protocol) == 0)
			return 1;
	return b->nonly == 0;
}

/* Every configured site, in configuration order. */
const struct tp_site_conf **
bgpctl_all_sites(const struct bgpctl *b, size_t *n)
{
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	const struct tp_site_conf **sites = xcalloc(b->conf.nsites + 1, sizeof(*sites));
	size_t i;

	for (i = 0; i < b->conf.nsites; i++)
		sites[i] = &b->conf.sites[i];
	*n = b->conf.nsites;
	return sites;
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
