/*
 * main.c: tp-analyze's command table, option parsing and dispatch. Every
 * command is one row of `commands`: its words (unique prefixes accepted),
 * its handler, the options it takes, its operands, and its help line;
 * usage() prints from the same table.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "command.h"
#include "log.h"

/* Exit statuses: 1 for an error the user can fix, 2 for a bad command line. */
#define EXIT_USAGE 2

struct command {
	struct tp_command cmd;	/* "targets import", its synopsis and help */
	analyze_handler handler;
	unsigned opts;		/* enum analyze_opt bits it accepts */
	int min_args, max_args;	/* operands; max -1 = any */
	int writes;		/* creates the database when missing */
};

static const struct command commands[] = {
	{ { "targets import", "[--format plain|combined|common|json|csv] [--field NAME] "
	    "[--weight-field NAME] [--column N] [--since TIME] [--time-field NAME] "
	    "[--time-column N] [--site SITE] "
	    "[--per-prefix V4[/V6]] [--max N] [--exclude FILE | --no-exclude] [--skip-bad] "
	    "FILE|- ...",
	    "replace sites' target lists (from lists or request logs, gzip or zstd)" },
	  cmd_targets_import,
	  AO_SITE | AO_PER_PREFIX | AO_MAX | AO_EXCLUDE | AO_NO_EXCLUDE | AO_SKIP_BAD |
	  AO_FORMAT | AO_FIELD | AO_WEIGHT_FIELD | AO_COLUMN | AO_SINCE | AO_TIME_FIELD |
	  AO_TIME_COLUMN, 1, -1, 1 },
	{ { "targets stats", "", "targets and weight per site and family" },
	  cmd_targets_stats, 0, 0, 0, 0 },
	{ { "import", "FILE|- ...", "import listener record streams into responses" },
	  cmd_import, 0, 1, -1, 1 },
	{ { "matrix", "[--campaign ID] [--scenario A+B] [--by-count]", "the failover matrix" },
	  cmd_matrix, AO_CAMPAIGN | AO_SCENARIO | AO_BY_COUNT, 0, 0, 0 },
	{ { "predict", "--withdrawn A+B [--campaign ID] [--by-count]",
	    "the predicted failover matrix of a failure set" },
	  cmd_predict, AO_CAMPAIGN | AO_WITHDRAWN | AO_BY_COUNT, 0, 0, 0 },
	{ { "evaluate", "[--campaign ID] [--compare ID]",
	    "predict each measured set from the rest; accuracy" },
	  cmd_evaluate, AO_CAMPAIGN | AO_COMPARE, 0, 0, 0 },
	{ { "report", "[--campaign ID] [--compare ID] [--threshold POINTS]",
	    "catchments, capacity check, changes since an earlier campaign, lane independence" },
	  cmd_report, AO_CAMPAIGN | AO_COMPARE | AO_THRESHOLD, 0, 0, 0 },
	{ { "policy", "[--campaign ID] [--scenario A+B]", "Traffic Manager policy JSON" },
	  cmd_policy, AO_CAMPAIGN | AO_SCENARIO, 0, 0, 0 },
	{ { "graph", "[--campaign ID] [--format dot|svg]",
	    "the failover graph as Graphviz DOT or SVG" },
	  cmd_graph, AO_CAMPAIGN | AO_FORMAT, 0, 0, 0 },
	{ { "html", "[--campaign ID] [--compare ID] [--threshold POINTS] [-o FILE]",
	    "the whole report as one self-contained HTML page" },
	  cmd_html, AO_CAMPAIGN | AO_COMPARE | AO_THRESHOLD | AO_OUTPUT, 0, 0, 0 },
	{ { "campaign new", "", "create a campaign, print its id" },
	  cmd_campaign_new, 0, 0, 0, 1 },
	{ { "scenario new", "--campaign ID --withdrawn A+B", "create a scenario, print its id" },
	  cmd_scenario_new, AO_CAMPAIGN | AO_WITHDRAWN, 0, 0, 1 },
	{ { "round new", "--kind baseline|scenario|convergence [--campaign ID] "
	    "[--scenario ID|A+B]", "create a round, print its id" },
	  cmd_round_new, AO_KIND | AO_CAMPAIGN | AO_SCENARIO, 0, 0, 1 },
	{ { "prune", "[--days N]",
	    "forget targets and replies older than retain_days; keep the matrices" },
	  cmd_prune, AO_DAYS, 0, 0, 1 },
};

static const struct tp_command_table table = TP_COMMAND_TABLE(commands);


/* getopt_long codes of the long-only options. */
enum {
	OPT_CSV = 256, OPT_SITE, OPT_PER_PREFIX, OPT_MAX, OPT_EXCLUDE, OPT_NO_EXCLUDE,
	OPT_SKIP_BAD, OPT_CAMPAIGN, OPT_SCENARIO, OPT_COMPARE, OPT_THRESHOLD, OPT_KIND,
	OPT_WITHDRAWN, OPT_BY_COUNT, OPT_FORMAT, OPT_FIELD, OPT_WEIGHT_FIELD, OPT_COLUMN,
	OPT_SINCE, OPT_DAYS, OPT_TIME_FIELD, OPT_TIME_COLUMN,
};

static const struct option long_options[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "config", required_argument, NULL, 'c' },
	{ "json", no_argument, NULL, 'j' },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "site", required_argument, NULL, OPT_SITE },
	{ "per-prefix", required_argument, NULL, OPT_PER_PREFIX },
	{ "max", required_argument, NULL, OPT_MAX },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "no-exclude", no_argument, NULL, OPT_NO_EXCLUDE },
	{ "skip-bad", no_argument, NULL, OPT_SKIP_BAD },
	{ "campaign", required_argument, NULL, OPT_CAMPAIGN },
	{ "scenario", required_argument, NULL, OPT_SCENARIO },
	{ "compare", required_argument, NULL, OPT_COMPARE },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "withdrawn", required_argument, NULL, OPT_WITHDRAWN },
	{ "by-count", no_argument, NULL, OPT_BY_COUNT },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "field", required_argument, NULL, OPT_FIELD },
	{ "weight-field", required_argument, NULL, OPT_WEIGHT_FIELD },
	{ "column", required_argument, NULL, OPT_COLUMN },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "time-field", required_argument, NULL, OPT_TIME_FIELD },
	{ "time-column", required_argument, NULL, OPT_TIME_COLUMN },
	{ "days", required_argument, NULL, OPT_DAYS },
	{ "output", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 },
};

/* What the command line said beyond the handler's context. */
struct cmdline {
	const char *db;
	const char *conf;
	int verbosity;
	unsigned given;		/* enum analyze_opt bits seen */
	const char *given_name[32];	/* the spelling of each, for messages */
};

/* Print the synopsis and the command list. */
static void
usage(FILE *f)
{
	fprintf(f, "usage: tp-analyze [-jqv] [--csv] [-c tp.conf] [-d DB] command [options]\n");
	tp_command_help(f, &table);
}

/* A positive id or count; exits with a usage error naming the option otherwise. */
static long long
parse_positive(const char *opt, const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v <= 0) {
		fprintf(stderr, "tp-analyze: %s \"%s\": want a positive whole number\n", opt, s);
		exit(EXIT_USAGE);
	}
	return v;
}

/* Remember that an option of this kind was given. */
static void
note(struct cmdline *cl, unsigned bit, const char *name)
{
	size_t i = (size_t)__builtin_ctz(bit);

	cl->given |= bit;
	if (i < sizeof(cl->given_name) / sizeof(cl->given_name[0]))
		cl->given_name[i] = name;
}

/* Parse every option (anywhere on the line) into ctx and cl. */
static void
parse_options(int argc, char **argv, struct analyze_ctx *ctx, struct cmdline *cl)
{
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "c:d:hjo:qv", long_options, NULL)) != -1) {
		switch (c) {
		case 'c': cl->conf = optarg; break;
		case 'd': cl->db = optarg; break;
		case 'j': ctx->fmt = TP_FMT_JSON; break;
		case OPT_CSV: ctx->fmt = TP_FMT_CSV; break;
		case 'v': cl->verbosity++; break;
		case 'q': cl->verbosity--; break;
		case 'h': usage(stdout); exit(0);
		case OPT_SITE: ctx->site = optarg; note(cl, AO_SITE, "--site"); break;
		case OPT_PER_PREFIX:
			ctx->per_prefix = optarg;
			note(cl, AO_PER_PREFIX, "--per-prefix");
			break;
		case OPT_MAX:
			ctx->max = parse_positive("--max", optarg);
			note(cl, AO_MAX, "--max");
			break;
		case OPT_EXCLUDE: ctx->exclude = optarg; note(cl, AO_EXCLUDE, "--exclude"); break;
		case OPT_NO_EXCLUDE: ctx->no_exclude = 1; note(cl, AO_NO_EXCLUDE, "--no-exclude"); break;
		case OPT_SKIP_BAD: ctx->skip_bad = 1; note(cl, AO_SKIP_BAD, "--skip-bad"); break;
		case OPT_CAMPAIGN:
			ctx->campaign = parse_positive("--campaign", optarg);
			note(cl, AO_CAMPAIGN, "--campaign");
			break;
		case OPT_SCENARIO: ctx->scenario = optarg; note(cl, AO_SCENARIO, "--scenario"); break;
		case OPT_COMPARE:
			ctx->compare = parse_positive("--compare", optarg);
			note(cl, AO_COMPARE, "--compare");
			break;
		case OPT_THRESHOLD:
			errno = 0;
			ctx->threshold = strtod(optarg, &end);
			if (errno != 0 || *end != '\0' || end == optarg || !(ctx->threshold >= 0) ||
			    ctx->threshold > 100) {
				fprintf(stderr, "tp-analyze: --threshold \"%s\": want percentage "
				    "points from 0 to 100\n", optarg);
				exit(EXIT_USAGE);
			}
			note(cl, AO_THRESHOLD, "--threshold");
			break;
		case OPT_KIND: ctx->kind = optarg; note(cl, AO_KIND, "--kind"); break;
		case OPT_WITHDRAWN:
			ctx->withdrawn = optarg;
			note(cl, AO_WITHDRAWN, "--withdrawn");
			break;
		case OPT_BY_COUNT: ctx->by_count = 1; note(cl, AO_BY_COUNT, "--by-count"); break;
		case OPT_FORMAT: ctx->format = optarg; note(cl, AO_FORMAT, "--format"); break;
		case OPT_FIELD: ctx->field = optarg; note(cl, AO_FIELD, "--field"); break;
		case OPT_WEIGHT_FIELD:
			ctx->weight_field = optarg;
			note(cl, AO_WEIGHT_FIELD, "--weight-field");
			break;
		case OPT_COLUMN:
			ctx->column = parse_positive("--column", optarg);
			note(cl, AO_COLUMN, "--column");
			break;
		case OPT_SINCE: ctx->since = optarg; note(cl, AO_SINCE, "--since"); break;
		case OPT_TIME_FIELD:
			ctx->time_field = optarg;
			note(cl, AO_TIME_FIELD, "--time-field");
			break;
		case OPT_TIME_COLUMN:
			ctx->time_column = parse_positive("--time-column", optarg);
			note(cl, AO_TIME_COLUMN, "--time-column");
			break;
		case OPT_DAYS:
			ctx->days = parse_positive("--days", optarg);
			note(cl, AO_DAYS, "--days");
			break;
		case 'o': ctx->output = optarg; note(cl, AO_OUTPUT, "-o"); break;
		default:
			usage(stderr);
			exit(EXIT_USAGE);
		}
	}
}

/*
 * The command named by the first operands (see lib/command.h). An unknown,
 * ambiguous or unfinished name exits with a usage error.
 */
static const struct command *
find_command(int nops, char **ops, int *used)
{
	const struct command *cmd;
	struct tp_err err;

	if (nops == 0) {
		usage(stderr);
		exit(EXIT_USAGE);
	}
	if ((cmd = tp_command_match(&table, nops, ops, used, &err)) == NULL) {
		fprintf(stderr, "tp-analyze: %s\n", err.msg);
		exit(EXIT_USAGE);
	}
	return cmd;
}

/* Refuse options and operand counts the command does not take. */
static void
check_command_line(const struct command *cmd, const struct cmdline *cl, int nargs)
{
	unsigned extra = cl->given & ~cmd->opts;
	size_t i;

	if (extra != 0) {
		i = (size_t)__builtin_ctz(extra);
		fprintf(stderr, "tp-analyze: %s does not take %s\n", cmd->cmd.words, cl->given_name[i]);
		exit(EXIT_USAGE);
	}
	if (nargs < cmd->min_args || (cmd->max_args >= 0 && nargs > cmd->max_args)) {
		fprintf(stderr, "usage: tp-analyze %s %s\n", cmd->cmd.words, cmd->cmd.args);
		exit(EXIT_USAGE);
	}
}

/* Parse, open the configuration and database, run the command. */
int
main(int argc, char **argv)
{
	struct analyze_ctx ctx;
	struct cmdline cl;
	struct tp_conf conf;
	const struct command *cmd;
	struct tp_err err;
	const char *db_path;
	int used, rc, level;

	memset(&ctx, 0, sizeof(ctx));
	memset(&cl, 0, sizeof(cl));
	memset(&err, 0, sizeof(err));
	ctx.fmt = TP_FMT_TEXT;
	ctx.out = stdout;
	ctx.threshold = 5;
	log_init("tp-analyze", TP_LOG_WARN);
	parse_options(argc, argv, &ctx, &cl);
	level = TP_LOG_WARN + cl.verbosity;
	log_set_level(level < TP_LOG_ERROR ? TP_LOG_ERROR :
	    level > TP_LOG_DEBUG ? TP_LOG_DEBUG : (enum tp_log_level)level);
	cmd = find_command(argc - optind, argv + optind, &used);
	ctx.args = argv + optind + used;
	ctx.nargs = argc - optind - used;
	check_command_line(cmd, &cl, ctx.nargs);

	if (cl.conf != NULL) {
		if (tp_conf_load(cl.conf, &conf, &err) < 0)
			log_fatal(1, "config", "%s", err.msg);
		ctx.conf = &conf;
		tp_db_set_busy_timeout((int)conf.busy_timeout * 1000);
	}
	db_path = cl.db != NULL ? cl.db : ctx.conf != NULL && ctx.conf->database != NULL ?
	    ctx.conf->database : "tp.db";
	/* Commands that only read open read-only: no WAL switch, no migration,
	 * so an auditor can run them on a database they cannot write. */
	if (tp_db_open(db_path, cmd->writes ? TP_DB_CREATE : TP_DB_READONLY, &ctx.db, &err) < 0)
		log_fatal(1, "db", "%s", err.msg);
	rc = cmd->handler(&ctx, &err);
	if (rc < 0)
		log_error(cmd->cmd.words, "%s", err.msg);
	if (fflush(stdout) != 0 && rc == 0) {
		log_error("output", "writing standard output: %s", strerror(errno));
		rc = -1;
	}
	tp_db_close(ctx.db);
	if (ctx.conf != NULL)
		tp_conf_free(&conf);
	return rc < 0 ? 1 : 0;
}
