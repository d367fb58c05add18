/*
 * main.c: tp-probe, the measuring instrument. One table of commands,
 * matched by unique prefix (lib/command.c); each command parses its own options.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "log.h"
#include "probe_cmd.h"

static const struct command {
	struct tp_command cmd;
	int (*run)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ { "send", "[options] [file]", "send echo requests from the anycast source" },
	    cmd_send, send_usage },
	{ { "listen", "[options]", "capture and validate the replies at one site" },
	    cmd_listen, listen_usage },
	{ { "keygen", "[options]", "write a new probe key for every site to share" },
	    cmd_keygen, keygen_usage },
};

static const struct tp_command_table table = TP_COMMAND_TABLE(commands);

/* Print the command list, then every command's own usage, to f. */
static void
usage(FILE *f)
{
	size_t i;

	fputs("usage: tp-probe [-hqv] command [options]\n", f);
	tp_command_help(f, &table);
	for (i = 0; i < table.n; i++)
		fprintf(f, "\n%s", commands[i].usage);
}

/* Global flags, then the command with its own arguments. */
int
main(int argc, char **argv)
{
	enum tp_log_level level = TP_LOG_WARN;
	const struct command *c;
	struct tp_err err;
	int i, used;

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
	if ((c = tp_command_match(&table, 1, argv + i, &used, &err)) == NULL) {
		log_error("main", "%s", err.msg);
		return 2;
	}
	return c->run(argc - i, argv + i);
}
