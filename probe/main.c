/*
 * main.c: tp-probe, the measuring instrument. One table of commands,
 * matched by unique prefix; each command parses its own options.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "probe_cmd.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
	const char *what;
} commands[] = {
	{ "send", cmd_send, send_usage, "send echo requests from the anycast source" },
	{ "listen", cmd_listen, listen_usage, "capture and validate the replies at one site" },
	{ "keygen", cmd_keygen, keygen_usage, "write a new probe key for every site to share" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* Print every command's usage to f. */
static void
usage(FILE *f)
{
	size_t i;

	fputs("usage: tp-probe [-hqv] command [options]\n", f);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "\n%s: %s\n%s", commands[i].name, commands[i].what, commands[i].usage);
}

/* The command name unambiguously starts, or NULL (with a message). */
static const struct command *
command_find(const char *name)
{
	const struct command *found = NULL;
	size_t i, len = strlen(name);

	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
		if (len > 0 && strncmp(commands[i].name, name, len) == 0) {
			if (found != NULL) {
				log_error("main", "\"%s\" is ambiguous: say send, listen or keygen", name);
				return NULL;
			}
			found = &commands[i];
		}
	}
	if (found == NULL)
		log_error("main", "unknown command \"%s\" (commands: send, listen, keygen)", name);
	return found;
}

/* Global flags, then the command with its own arguments. */
int
main(int argc, char **argv)
{
	enum tp_log_level level = TP_LOG_WARN;
	const struct command *c;
	int i;

	log_init("tp-probe", level);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "-v") == 0) {
			if (level < TP_LOG_DEBUG)
				level++;
		} else if (strcmp(argv[i], "-q") == 0) {
			level = TP_LOG_ERROR;
		} else {
			log_error("main", "unknown option %s", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	log_set_level(level);
	if (i == argc) {
		usage(stderr);
		return 2;
	}
	c = command_find(argv[i]);
	if (c == NULL)
		return 2;
	return c->run(argc - i, argv + i);
}
