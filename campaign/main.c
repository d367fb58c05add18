/* main.c: tp-campaign's command table and options. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "defaults.h"
#include "log.h"
#include "metrics.h"
#include "prune.h"
#include "run.h"
#include "xalloc.h"


struct options {
	const char *conf_path;
	const char *db_path;
	int json;
	int dry_run;
	int level;
	int use_syslog;
};

typedef int (*command_fn)(const struct options *o, int argc, char **argv);

static int cmd_run(const struct options *o, int argc, char **argv);
static int cmd_resume(const struct options *o, int argc, char **argv);
static int cmd_list(const struct options *o, int argc, char **argv);
static int cmd_status(const struct options *o, int argc, char **argv);

/* The commands; any unique prefix selects one. */
static const struct command {
	struct tp_command cmd;
	command_fn fn;
	int nargs;
} commands[] = {
	{ { "run", "", "run a whole campaign from the config" }, cmd_run, 0 },
	{ { "resume", "id", "finish a campaign that stopped, skipping done scenarios" },
	    cmd_resume, 1 },
	{ { "list", "", "list the campaigns in the database" }, cmd_list, 0 },
	{ { "status", "id", "show a campaign's scenarios and how far it got" }, cmd_status, 1 },
};

static const struct tp_command_table table = TP_COMMAND_TABLE(commands);

/* Print usage and return status. */
static int
usage(FILE *f, int status)
{
	fprintf(f, "usage: tp-campaign [-hjnqv] [-c file] [-d database] [--syslog] command [id]\n");
	tp_command_help(f, &table);
	return status;
}

/* Load the config; -1 after printing its error. */
static int
load_conf(const struct options *o, struct tp_conf *conf)
{
	struct tp_err err;

	if (tp_conf_load(o->conf_path, conf, &err) < 0) {
		log_error("config", "%s", err.msg);
		return -1;
	}
	return 0;
}

/* Open the database named by -d or the config. */
static struct tp_db *
open_db(const struct options *o, const struct tp_conf *conf, int flags)
{
	struct tp_db *db;
	struct tp_err err;
	const char *path = o->db_path ? o->db_path : conf ? conf->database : NULL;

	if (path == NULL) {
		log_error("db", "no database: give -d FILE or -c tp.conf");
		return NULL;
	}
	if (tp_db_open(path, flags, &db, &err) < 0) {
		log_error("db", "%s", err.msg);
		return NULL;
	}
	return db;
}

/* A campaign id operand. */
static long long
parse_id(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v <= 0) {
		log_error("usage", "\"%s\" is not a campaign id", s);
		return -1;
	}
	return v;
}

/* run and resume share everything but the campaign they start from. */
static int
run_or_resume(const struct options *o, long long resume_id)
{
	struct campaign c;
	struct tp_conf conf;
	char abs[PATH_MAX];
	int lock = -1, status;
	struct tp_err err;

	if (load_conf(o, &conf) < 0)
		return EX_CONFIG;
	memset(&c, 0, sizeof(c));
	c.conf = &conf;
	c.dry_run = o->dry_run;
	c.json = o->json;
	if (realpath(o->conf_path, abs) == NULL) {
		log_error("config", "%s: cannot resolve its path", o->conf_path);
		tp_conf_free(&conf);
		return EX_CONFIG;
	}
	c.conf_path = abs;
	/* a campaign outwaits any import or report writing beside it */
	tp_db_set_busy_timeout((int)(conf.busy_timeout ? conf.busy_timeout :
	    CAMPAIGN_BUSY_TIMEOUT_S) * 1000);
	if (!o->dry_run &&
	    (status = campaign_lock(o->db_path ? o->db_path : conf.database, &lock, &err)) != 0) {
		log_error("lock", "%s", err.msg);
		tp_conf_free(&conf);
		return status > 0 ? CAMPAIGN_EXIT_LOCKED : EX_CANTCREAT;
	}
	/* -n reads only: it creates and changes nothing */
	if ((c.db = open_db(o, &conf, o->dry_run ? TP_DB_READONLY : TP_DB_CREATE)) == NULL) {
		tp_conf_free(&conf);
		return EX_UNAVAILABLE;
	}
	status = campaign_run(&c, resume_id);
	campaign_metrics(&c, status);
	retention_after_campaign(o->dry_run ? NULL : c.db, &conf);	/* retain_days */
	tp_import_cache_free(c.import_cache);
	tp_db_close(c.db);
	free(c.site_ids);
	free(c.withdrawn);
	free(c.targets);
	tp_conf_free(&conf);
	if (lock >= 0)
		close(lock);
	return status;
}

/* tp-campaign run. */
static int
cmd_run(const struct options *o, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return run_or_resume(o, 0);
}

/* tp-campaign resume ID. */
static int
cmd_resume(const struct options *o, int argc, char **argv)
{
	long long id = parse_id(argv[0]);

	(void)argc;
	return id < 0 ? EX_USAGE : run_or_resume(o, id);
}

/* Open the database for list and status: -d, else the config's. */
static struct tp_db *
open_for_reading(const struct options *o)
{
	struct tp_conf conf;
	struct tp_db *db;

	if (o->db_path != NULL)
		return open_db(o, NULL, 0);
	if (load_conf(o, &conf) < 0)
		return NULL;
	db = open_db(o, &conf, 0);
	tp_conf_free(&conf);
	return db;
}

/* tp-campaign list. */
static int
cmd_list(const struct options *o, int argc, char **argv)
{
	struct tp_db *db = open_for_reading(o);
	int rc;

	(void)argc;
	(void)argv;
	if (db == NULL)
		return EX_UNAVAILABLE;
	rc = campaign_print_list(db, o->json);
	tp_db_close(db);
	return rc;
}

/* tp-campaign status ID. */
static int
cmd_status(const struct options *o, int argc, char **argv)
{
	long long id = parse_id(argv[0]);
	struct tp_db *db;
	struct tp_err err;
	int rc = 0;

	(void)argc;
	if (id < 0)
		return EX_USAGE;
	if ((db = open_for_reading(o)) == NULL)
		return EX_UNAVAILABLE;
	if (campaign_print_status(db, id, o->json, &err) < 0) {
		log_error("status", "%s", err.msg);
		rc = EX_DATAERR;
	}
	tp_db_close(db);
	return rc;
}

/* Parse the options, pick the command, run it. */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "config", required_argument, NULL, 'c' },
		{ "database", required_argument, NULL, 'd' },
		{ "syslog", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { TP_DEFAULT_CONF, NULL, 0, 0, TP_LOG_WARN, 0 };
	const struct command *cmd;
	struct tp_err err;
	int ch, used;

	while ((ch = getopt_long(argc, argv, "+c:d:hjnqv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o.conf_path = optarg;
			break;
		case 'd':
			o.db_path = optarg;
			break;
		case 'h':
			return usage(stdout, 0);
		case 'j':
			o.json = 1;
			break;
		case 'n':
			o.dry_run = 1;
			break;
		case 'q':
			o.level--;
			break;
		case 'v':
			o.level++;
			break;
		case 'S':
			o.use_syslog = 1;
			break;
		default:
			return usage(stderr, EX_USAGE);
		}
	}
	log_init("tp-campaign", TP_LOG_WARN);
	log_set_level((enum tp_log_level)o.level);
	log_use_syslog(o.use_syslog);
	if (optind >= argc)
		return usage(stderr, EX_USAGE);
	if ((cmd = tp_command_match(&table, 1, argv + optind, &used, &err)) == NULL) {
		log_error("usage", "%s", err.msg);
		return EX_USAGE;
	}
	if (argc - optind - 1 != cmd->nargs) {
		log_error("usage", "%s takes %s", cmd->cmd.words, cmd->nargs ? cmd->cmd.args :
		    "no operand");
		return EX_USAGE;
	}
	return cmd->fn(&o, argc - optind - 1, argv + optind + 1);
}
