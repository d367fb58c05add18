/*
 * send_cmd.c: tp-probe send's command line: the options, their defaults
 * and those taken from tp.conf, and the summary printed at the end. The
 * sending itself is send.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "defaults.h"
#include "exclude.h"
#include "fields.h"
#include "log.h"
#include "opt_parse.h"
#include "output.h"
#include "probe_cmd.h"
#include "send.h"
#include "send_jobs.h"

const char send_usage[] =
    "usage: tp-probe send [-hjqn] [-c config] [-k keyfile] [-x exclude] -r round\n"
    "                     [-R pps] [--repeat n] [--gap seconds] [--seed n] [--ttl n]\n"
    "                     [--method method] [--flows n]\n"
    "                     [--source4 addr] [--source6 addr] [--db database [--site name]]\n"
    "                     [--user name] [file]\n"
    "       tp-probe send --jobs [-hjqn] [-c config] [-k keyfile] [-x exclude]\n"
    "                     [-R pps] [--min-gap seconds] [--seed n] [--ttl n]\n"
    "                     [--method method] [--user name]\n";

/* Defaults: rate 10000, one pass, gap 1 s, TTL 64, the documented sources and paths. */
void
send_opts_defaults(struct send_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->key_path = opt_default_key_path();
	o->exclude_path = tp_exclude_default_path();
	o->rate = TP_DEFAULT_RATE;
	o->repeat = 1;
	o->gap = 1;
	o->ttl = 64;
	probe_method_default(&o->method);
	o->flows = 1;
	o->min_gap = TP_DEFAULT_PROBE_MIN_GAP;
	o->format = TP_FMT_TEXT;
	tp_addr_parse(TP_DEFAULT_SOURCE4, &o->source4, NULL);
	tp_addr_parse(TP_DEFAULT_SOURCE6, &o->source6, NULL);
}

/* Take key file, exclusion list, sources and rate from a tp.conf. */
static int
send_apply_config(struct send_opts *o, const char *path, struct tp_err *err)
{
	static struct tp_conf conf;	/* its strings outlive the options */

	if (tp_conf_load(path, &conf, err) < 0)
		return -1;
	o->key_path = conf.key_file;
	o->exclude_path = conf.exclude;
	o->source4 = conf.source4;
	o->source6 = conf.source6;
	o->rate = conf.rate;
	o->user = conf.probe_user;
	return 0;
}

enum {
	OPT_REPEAT = 256, OPT_GAP, OPT_SEED, OPT_TTL, OPT_SOURCE4, OPT_SOURCE6, OPT_DB,
	OPT_SITE, OPT_DRY_RUN, OPT_FORGE, OPT_USER, OPT_METHOD, OPT_FLOWS, OPT_JOBS,
	OPT_MIN_GAP,
};

static const struct option send_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "config", required_argument, NULL, 'c' },
	{ "key", required_argument, NULL, 'k' },
	{ "exclude", required_argument, NULL, 'x' },
	{ "round", required_argument, NULL, 'r' },
	{ "rate", required_argument, NULL, 'R' },
	{ "repeat", required_argument, NULL, OPT_REPEAT },
	{ "gap", required_argument, NULL, OPT_GAP },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "source4", required_argument, NULL, OPT_SOURCE4 },
	{ "source6", required_argument, NULL, OPT_SOURCE6 },
	{ "db", required_argument, NULL, OPT_DB },
	{ "site", required_argument, NULL, OPT_SITE },
	{ "user", required_argument, NULL, OPT_USER },
	{ "method", required_argument, NULL, OPT_METHOD },
	{ "flows", required_argument, NULL, OPT_FLOWS },
	{ "jobs", no_argument, NULL, OPT_JOBS },
	{ "min-gap", required_argument, NULL, OPT_MIN_GAP },
	/* Testing only (not in the man page): forge the method's replies from the targets. */
	{ "forge-replies", no_argument, NULL, OPT_FORGE },
	{ NULL, 0, NULL, 0 },
};

/* What --jobs does not take: rounds, targets and sources come with each job. */
static int
send_check_jobs(int argc, const struct send_opts *o, struct tp_err *err)
{
	if (o->have_round || optind != argc || o->db_path != NULL || o->forge_replies ||
	    o->repeat != 1)
		return tp_err_set(err, "--jobs reads rounds, sources and targets from stdin: "
		    "drop --round, --db, --repeat, --forge-replies and the target file");
	if (o->flows != 1)
		return tp_err_set(err, "--jobs sends one probe per target: drop --flows");
	return 0;
}

/* Parse the send command line into o; 1 when help was printed, -1 on error. */
int
send_parse(int argc, char **argv, struct send_opts *o, struct tp_err *err)
{
	uint64_t v;
	int c, i;

	send_opts_defaults(o);
	/* A config file sets defaults that the other options override. */
	for (i = 1; i < argc - 1; i++)
		if (strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0)
			if (send_apply_config(o, argv[i + 1], err) < 0)
				return -1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hjqnc:k:x:r:R:", send_longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(send_usage, stdout);
			return 1;
		case 'j':
			o->format = TP_FMT_JSON;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'n':
			o->dry_run = 1;
			break;
		case 'c':
			break;
		case 'k':
			o->key_path = optarg;
			break;
		case 'x':
			o->exclude_path = optarg;
			break;
		case 'r':
			if (tp_u64_parse("--round", optarg, 0, UINT32_MAX, &v, err) < 0)
				return -1;
			o->round = (uint32_t)v;
			o->have_round = 1;
			break;
		case 'R':
			if (tp_u64_parse("--rate", optarg, 0, 100000000, &o->rate, err) < 0)
				return -1;
			break;
		case OPT_REPEAT:
			if (tp_u64_parse("--repeat", optarg, 1, 1000000, &o->repeat, err) < 0)
				return -1;
			break;
		case OPT_GAP:
			if (opt_seconds("--gap", optarg, &o->gap, err) < 0)
				return -1;
			break;
		case OPT_SEED:
			if (tp_u64_parse("--seed", optarg, 0, UINT64_MAX, &o->seed, err) < 0)
				return -1;
			o->have_seed = 1;
			break;
		case OPT_TTL:
			if (tp_u64_parse("--ttl", optarg, 1, 255, &v, err) < 0)
				return -1;
			o->ttl = (unsigned)v;
			break;
		case OPT_SOURCE4:
			if (opt_addr("--source4", optarg, AF_INET, &o->source4, err) < 0)
				return -1;
			break;
		case OPT_SOURCE6:
			if (opt_addr("--source6", optarg, AF_INET6, &o->source6, err) < 0)
				return -1;
			break;
		case OPT_DB:
			o->db_path = optarg;
			break;
		case OPT_SITE:
			o->site = optarg;
			break;
		case OPT_FORGE:
			o->forge_replies = 1;
			break;
		case OPT_USER:
			o->user = optarg;
			break;
		case OPT_METHOD:
			if (probe_method_parse(optarg, &o->method, err) < 0)
				return tp_err_prefix(err, "--method");
			break;
		case OPT_FLOWS:
			if (tp_u64_parse("--flows", optarg, 1, TP_FLOWS_MAX, &v, err) < 0)
				return -1;
			o->flows = (unsigned)v;
			break;
		case OPT_JOBS:
			o->jobs = 1;
			break;
		case OPT_MIN_GAP:
			if (opt_seconds("--min-gap", optarg, &o->min_gap, err) < 0)
				return -1;
			break;
		case ':':
			return tp_err_set(err, "option %s needs a value", argv[optind - 1]);
		default:
			return tp_err_set(err, "unknown option %s (see tp-probe send -h)",
			    argv[optind - 1]);
		}
	}
	if (o->jobs)
		return send_check_jobs(argc, o, err);
	if (!o->have_round)
		return tp_err_set(err, "--round is required: the round id the cookies carry");
	if (optind < argc - 1)
		return tp_err_set(err, "too many arguments: give one target file");
	if (optind == argc - 1)
		o->targets_path = argv[optind];
	if (o->targets_path != NULL && o->db_path != NULL)
		return tp_err_set(err, "give either a target file or --db, not both");
	if (o->site != NULL && o->db_path == NULL)
		return tp_err_set(err, "--site selects targets in the database: give --db too");
	return 0;
}

/* Print the summary as a one-row table, or a JSON object with -j. */
static void
send_print_summary(const struct send_opts *o, const struct send_stats *st)
{
	static const char *const cols[] = {
		"targets", "excluded", "sent", "errors", "seconds", "rate_pps", "dry_run",
		"method", "flows",
	};
	double pps = st->seconds > 0 ? (double)st->sent / st->seconds : 0;
	char method[PROBE_METHOD_NAME_MAX];
	struct tp_table *t;
	json_t *j;

	probe_method_format(&o->method, method);
	if (o->format == TP_FMT_JSON) {
		j = json_pack("{s:I, s:I, s:I, s:I, s:f, s:f, s:b, s:s, s:i}",
		    "targets", (json_int_t)st->targets, "excluded", (json_int_t)st->excluded,
		    "sent", (json_int_t)st->sent, "errors", (json_int_t)st->errors,
		    "seconds", st->seconds, "rate_pps", pps, "dry_run", o->dry_run,
		    "method", method, "flows", (int)o->flows);
		tp_json_print(stdout, j);
		json_decref(j);
		return;
	}
	t = tp_table_new(sizeof(cols) / sizeof(cols[0]), cols);
	tp_table_row(t);
	tp_table_int(t, 0, (long long)st->targets);
	tp_table_int(t, 1, (long long)st->excluded);
	tp_table_int(t, 2, (long long)st->sent);
	tp_table_int(t, 3, (long long)st->errors);
	tp_table_real(t, 4, st->seconds, 3);
	tp_table_real(t, 5, pps, 0);
	tp_table_bool(t, 6, o->dry_run);
	tp_table_str(t, 7, method);
	tp_table_int(t, 8, o->flows);
	tp_table_print(t, stdout, o->format);
	tp_table_free(t);
}

/* tp-probe send: parse, run, summarise. */
int
cmd_send(int argc, char **argv)
{
	struct send_opts o;
	struct send_stats st;
	struct tp_err err;
	int rc;

	rc = send_parse(argc, argv, &o, &err);
	if (rc == 1)
		return 0;
	if (rc < 0) {
		log_error("send", "%s", err.msg);
		return 2;
	}
	o.drop_privileges = 1;
	if (o.jobs) {
		if (send_jobs_run(&o, &err) < 0) {
			log_error("send", "%s", err.msg);
			return 1;
		}
		return 0;
	}
	if (send_run(&o, &st, &err) < 0) {
		log_error("send", "%s", err.msg);
		return 1;
	}
	send_print_summary(&o, &st);
	if (st.errors > 0 && st.sent == 0)
		return 1;
	return st.errors > 0 ? 3 : 0;	/* done, but the kernel refused some probes */
}
