/* main.c: tp-bgpctl, safe control of the anycast test ranges through BIRD. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "bgpctl.h"
#include "log.h"
#include "xalloc.h"

#define DEFAULT_CONF SYSCONFDIR "/traffic-predictor/tp.conf"
#define DEFAULT_TIMEOUT 30

/* Print the synopsis (and with long, the commands) and return status. */
static int
usage(FILE *f, int status, int full)
{
	fprintf(f, "usage: tp-bgpctl [-hjqv] [-c file] [-p protocol[,protocol...]] [-t seconds] "
	    "[--announcing count] command [argument ...]\n");
	if (full) {
		bgpctl_commands_help(f);
		fprintf(f, "options:\n"
		    "  -c file          tp.conf to read (default %s)\n"
		    "  -j               JSON output\n"
		    "  -p list          withdraw/announce only these of the sites' test\n"
		    "                   protocols (default: all of them)\n"
		    "  -q, -v           less or more logging on stderr\n"
		    "  -t seconds       longest wait for BIRD to answer (default %d)\n"
		    "  --announcing n   sites announcing now, counted by the caller\n"
		    "                   (withdraw; default: count the sites reachable here)\n",
		    DEFAULT_CONF, DEFAULT_TIMEOUT);
	}
	return status;
}

/* Parse a decimal number in [min, max]; -1 when it is not one. */
static long
parse_number(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	return v;
}

/* Split -p's comma-separated protocol names into b->only; -1 on a bad name. */
static int
parse_protocols(struct bgpctl *b, const char *list)
{
	char *copy = xstrdup(list), *name, *save = NULL;

	for (name = strtok_r(copy, ",", &save); name != NULL; name = strtok_r(NULL, ",", &save)) {
		if (!tp_name_valid(name)) {
			log_error("usage", "-p: bad protocol name \"%.64s\"", name);
			free(copy);
			return -1;
		}
		b->only = xreallocarray(b->only, b->nonly + 1, sizeof(char *));
		b->only[b->nonly++] = xstrdup(name);
	}
	free(copy);
	if (b->nonly == 0) {
		log_error("usage", "-p: no protocol named");
		return -1;
	}
	return 0;
}

/* Free what parse_protocols kept. */
static void
free_protocols(struct bgpctl *b)
{
	size_t i;

	for (i = 0; i < b->nonly; i++)
		free(b->only[i]);
	free(b->only);
}

/* Find the command, read tp.conf, run the command; returns the exit status. */
static int
run(struct bgpctl *b, const char *conf_path, int argc, char **argv)
{
	const struct bgpctl_command *cmd;
	struct tp_err err;
	int rc;

	if (argc < 1)
		return usage(stderr, EX_USAGE, 1);
	if ((cmd = bgpctl_command_find(argv[0], &err)) == NULL) {
		log_error("usage", "%s", err.msg);
		return usage(stderr, EX_USAGE, 0);
	}
	if (argc - 1 < cmd->min_args) {
		log_error("usage", "%s needs: %s", cmd->name, cmd->args);
		return usage(stderr, EX_USAGE, 0);
	}
	if (tp_conf_load(conf_path, &b->conf, &err) != 0) {
		log_error("config", "%s", err.msg);
		return EX_CONFIG;
	}
	if (b->conf.nsites == 0) {
		log_error("config", "%s has no [site NAME] sections", conf_path);
		tp_conf_free(&b->conf);
		return EX_CONFIG;
	}
	rc = cmd->handler(b, argc - 1, argv + 1);
	tp_conf_free(&b->conf);
	return rc;
}

/* Parse options, then run. */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "announcing", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf_path = DEFAULT_CONF;
	struct bgpctl b;
	int ch, level = TP_LOG_WARN, rc;
	long v;

	memset(&b, 0, sizeof(b));
	b.timeout_ms = DEFAULT_TIMEOUT * 1000;
	b.announcing = -1;
	log_init("tp-bgpctl", TP_LOG_WARN);
	/* "+": stop at the command, so "show" words are never taken as options. */
	while ((ch = getopt_long(argc, argv, "+c:hjp:qt:v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'A':
			if ((b.announcing = parse_number(optarg, 0, 100000)) < 0) {
				log_error("usage", "--announcing %s: not a count", optarg);
				free_protocols(&b);
				return usage(stderr, EX_USAGE, 0);
			}
			break;
		case 'c':
			conf_path = optarg;
			break;
		case 'p':
			if (parse_protocols(&b, optarg) != 0) {
				free_protocols(&b);
				return usage(stderr, EX_USAGE, 0);
			}
			break;
		case 'h':
			free_protocols(&b);
			return usage(stdout, 0, 1);
		case 'j':
			b.json = 1;
			break;
		case 'q':
			level--;
			break;
		case 't':
			if ((v = parse_number(optarg, 1, 3600)) < 0) {
				log_error("usage", "-t %s: not a number of seconds in 1..3600",
				    optarg);
				free_protocols(&b);
				return usage(stderr, EX_USAGE, 0);
			}
			b.timeout_ms = (int)v * 1000;
			break;
		case 'v':
			level++;
			break;
		default:
			free_protocols(&b);
			return usage(stderr, EX_USAGE, 0);
		}
	}
	log_set_level((enum tp_log_level)(level < TP_LOG_ERROR ? TP_LOG_ERROR : level));
	argc -= optind;
	argv += optind;
	rc = run(&b, conf_path, argc, argv);
	free_protocols(&b);
	return rc;
}
