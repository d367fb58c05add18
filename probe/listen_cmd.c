/*
 * listen_cmd.c: tp-probe listen's command line: the options, their
 * defaults and those taken from tp.conf, and the summary printed at the
 * end. The capture itself is listen.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "config.h"
#include "defaults.h"
#include "fields.h"
#include "listen.h"
#include "log.h"
#include "opt_parse.h"
#include "output.h"
#include "probe_cmd.h"

const char listen_usage[] =
    "usage: tp-probe listen [-hjq] [-c config] [-k keyfile] [-i interface] -r round\n"
    "                       -s site [-t range] [--duration seconds]\n"
    "                       [--until-idle seconds] [--user name] [--db database]\n"
    "                       [--read-pcap file] [--stop-on-eof] [--method method]\n"
    "                       [--buffer-size MiB]\n"
    "       tp-probe listen --multi-round [-hjq] [-c config] [-k keyfile]\n"
    "                       [-i interface] -s site [-t range] [--grace seconds]\n"
    "                       [--duration seconds] [--user name] [--read-pcap file]\n"
    "                       [--buffer-size MiB]\n";

/* Defaults: interface "any", the default key, the default test ranges. */
void
listen_opts_defaults(struct listen_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->interface = "any";
	o->control_fd = STDIN_FILENO;
	o->buffer_mb = TP_DEFAULT_LISTEN_BUFFER_MB;
	o->key_path = opt_default_key_path();
	o->format = TP_FMT_TEXT;
	tp_prefix_parse(TP_DEFAULT_RANGE4, &o->ranges[0], NULL);
	tp_prefix_parse(TP_DEFAULT_RANGE6, &o->ranges[1], NULL);
	o->nranges = 2;
	probe_method_default(&o->methods[0]);
	o->nmethods = 1;
}

/* Take the key file and test ranges from a tp.conf. */
static int
listen_apply_config(struct listen_opts *o, const char *path, struct tp_err *err)
{
	static struct tp_conf conf;	/* its strings outlive the options */
	size_t i;

	if (tp_conf_load(path, &conf, err) < 0)
		return -1;
	o->key_path = conf.key_file;
	o->user = conf.probe_user;
	if (conf.ntest_ranges > LISTEN_MAX_RANGES)
		return tp_err_set(err, "%s: more than %d test ranges", path, LISTEN_MAX_RANGES);
	for (i = 0; i < conf.ntest_ranges; i++)
		o->ranges[i] = conf.test_ranges[i];
	o->nranges = conf.ntest_ranges;
	return 0;
}

enum {
	OPT_DURATION = 256, OPT_IDLE, OPT_USER, OPT_DB, OPT_READ_PCAP, OPT_STOP_ON_EOF,
	OPT_METHOD, OPT_MULTI, OPT_GRACE, OPT_BUFFER,
};

static const struct option listen_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "config", required_argument, NULL, 'c' },
	{ "key", required_argument, NULL, 'k' },
	{ "interface", required_argument, NULL, 'i' },
	{ "round", required_argument, NULL, 'r' },
	{ "site", required_argument, NULL, 's' },
	{ "test-range", required_argument, NULL, 't' },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "until-idle", required_argument, NULL, OPT_IDLE },
	{ "user", required_argument, NULL, OPT_USER },
	{ "db", required_argument, NULL, OPT_DB },
	{ "read-pcap", required_argument, NULL, OPT_READ_PCAP },
	{ "stop-on-eof", no_argument, NULL, OPT_STOP_ON_EOF },
	{ "method", required_argument, NULL, OPT_METHOD },
	{ "multi-round", no_argument, NULL, OPT_MULTI },
	{ "grace", required_argument, NULL, OPT_GRACE },
	{ "buffer-size", required_argument, NULL, OPT_BUFFER },
	{ NULL, 0, NULL, 0 },
};

/* The options --multi-round takes: rounds come from stdin, records go to stdout. */
static int
listen_check_multi(const struct listen_opts *o, struct tp_err *err)
{
	if (o->have_round)
		return tp_err_set(err, "--multi-round takes its rounds from stdin: drop --round");
	if (o->db_path != NULL || o->until_idle > 0 || o->stop_on_eof)
		return tp_err_set(err, "--multi-round cannot take --db, --until-idle or "
		    "--stop-on-eof (end of input ends it)");
	if (o->site == NULL)
		return tp_err_set(err, "--site is required: the site this listener runs at");
	return 0;
}

/* Parse the listen command line into o; 1 when help was printed, -1 on error. */
int
listen_parse(int argc, char **argv, struct listen_opts *o, struct tp_err *err)
{
	int c, i, ranges_given = 0, methods_given = 0;
	uint64_t v;

	listen_opts_defaults(o);
	for (i = 1; i < argc - 1; i++)
		if (strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0)
			if (listen_apply_config(o, argv[i + 1], err) < 0)
				return -1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hjqc:k:i:r:s:t:", listen_longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(listen_usage, stdout);
			return 1;
		case 'j':
			o->format = TP_FMT_JSON;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'c':
			break;
		case 'k':
			o->key_path = optarg;
			break;
		case 'i':
			o->interface = optarg;
			break;
		case 'r':
			if (tp_u64_parse("--round", optarg, 0, UINT32_MAX, &v, err) < 0)
				return -1;
			o->round = (uint32_t)v;
			o->have_round = 1;
			break;
		case 's':
			if (!tp_name_valid(optarg))
				return tp_err_set(err, "--site: \"%s\" is not a valid site name "
				    "(letters, digits, '_', '.', '-')", optarg);
			o->site = optarg;
			break;
		case 't':
			if (!ranges_given)
				o->nranges = 0;
			ranges_given = 1;
			if (o->nranges == LISTEN_MAX_RANGES)
				return tp_err_set(err, "--test-range: at most %d ranges",
				    LISTEN_MAX_RANGES);
			if (tp_prefix_parse(optarg, &o->ranges[o->nranges], err) < 0)
				return tp_err_prefix(err, "--test-range");
			o->nranges++;
			break;
		case OPT_DURATION:
			if (opt_seconds("--duration", optarg, &o->duration, err) < 0)
				return -1;
			break;
		case OPT_IDLE:
			if (opt_seconds("--until-idle", optarg, &o->until_idle, err) < 0)
				return -1;
			break;
		case OPT_USER:
			o->user = optarg;
			break;
		case OPT_DB:
			o->db_path = optarg;
			break;
		case OPT_READ_PCAP:
			o->read_pcap = optarg;
			break;
		case OPT_STOP_ON_EOF:
			o->stop_on_eof = 1;
			break;
		case OPT_METHOD:
			if (!methods_given)
				o->nmethods = 0;
			methods_given = 1;
			if (o->nmethods == TALLY_METHODS_MAX)
				return tp_err_set(err, "--method: at most %d methods",
				    TALLY_METHODS_MAX);
			if (probe_method_parse(optarg, &o->methods[o->nmethods], err) < 0)
				return tp_err_prefix(err, "--method");
			for (i = 0; i < (int)o->nmethods; i++)
				if (probe_method_same(&o->methods[i], &o->methods[o->nmethods]))
					return tp_err_set(err, "--method %s given twice", optarg);
			o->nmethods++;
			break;
		case OPT_MULTI:
			o->multi_round = 1;
			break;
		case OPT_BUFFER:
			if (tp_u64_parse("--buffer-size", optarg, 1, 1024, &v, err) < 0)
				return -1;
			o->buffer_mb = (unsigned)v;
			break;
		case OPT_GRACE:
			if (opt_seconds("--grace", optarg, &o->grace, err) < 0)
				return -1;
			break;
		case ':':
			return tp_err_set(err, "option %s needs a value", argv[optind - 1]);
		default:
			return tp_err_set(err, "unknown option %s (see tp-probe listen -h)",
			    argv[optind - 1]);
		}
	}
	if (optind != argc)
		return tp_err_set(err, "unexpected argument \"%s\"", argv[optind]);
	if (o->multi_round)
		return listen_check_multi(o, err);
	if (o->grace > 0)
		return tp_err_set(err, "--grace needs --multi-round");
	if (!o->have_round)
		return tp_err_set(err, "--round is required: the round whose replies to accept");
	if (o->site == NULL)
		return tp_err_set(err, "--site is required: the site this listener runs at");
	return 0;
}

/* Print the counts on stderr as a one-row table, or JSON with -j. */
static void
listen_print_summary(const struct listen_opts *o, const struct listen_stats *st)
{
	static const char *const cols[] = {
		"site", "round", "accepted", "rejected", "duplicates", "ignored", "with_rtt",
		"pcap_drops", "seconds",
	};
	static const char *const multi_cols[] = {
		"site", "rounds", "accepted", "rejected", "duplicates", "ignored", "with_rtt",
		"pcap_drops", "seconds", "stale",
	};
	struct tp_table *t;

	if (o->multi_round)
		t = tp_table_new(sizeof(multi_cols) / sizeof(multi_cols[0]), multi_cols);
	else
		t = tp_table_new(sizeof(cols) / sizeof(cols[0]), cols);
	tp_table_row(t);
	tp_table_str(t, 0, o->site);
	tp_table_int(t, 1, o->multi_round ? (long long)st->rounds : o->round);
	if (o->multi_round)
		tp_table_int(t, 9, (long long)st->stale);
	tp_table_int(t, 2, (long long)st->accepted);
	tp_table_int(t, 3, (long long)st->rejected);
	tp_table_int(t, 4, (long long)st->duplicates);
	tp_table_int(t, 5, (long long)st->ignored);
	tp_table_int(t, 6, (long long)st->with_rtt);
	tp_table_int(t, 7, (long long)st->drops);
	tp_table_real(t, 8, st->seconds, 3);
	tp_table_print(t, stderr, o->format);
	tp_table_free(t);
}

/* tp-probe listen: parse, capture, summarise. */
int
cmd_listen(int argc, char **argv)
{
	struct listen_opts o;
	struct listen_stats st;
	struct tp_err err;
	int rc;

	rc = listen_parse(argc, argv, &o, &err);
	if (rc == 1)
		return 0;
	if (rc < 0) {
		log_error("listen", "%s", err.msg);
		return 2;
	}
	o.drop_privileges = 1;
	if (listen_run(&o, stdout, &st, &err) < 0) {
		log_error("listen", "%s", err.msg);
		return 1;
	}
	if (!o.quiet || o.format == TP_FMT_JSON)
		listen_print_summary(&o, &st);
	return 0;
}
