/*
 * analyze.h: what every tp-analyze command handler receives: the parsed
 * command line, the open database and the configuration. Handlers return
 * 0 on success and -1 with err filled; main prints the one error line.
 */
#ifndef TP_ANALYZE_H
#define TP_ANALYZE_H

#include <stdio.h>

#include "config.h"
#include "db.h"
#include "error.h"
#include "output.h"

/* Options a command may accept (a command names its set in the command table). */
enum analyze_opt {
	AO_SITE = 1 << 0,
	AO_PER_PREFIX = 1 << 1,
	AO_MAX = 1 << 2,
	AO_EXCLUDE = 1 << 3,
	AO_NO_EXCLUDE = 1 << 4,
	AO_SKIP_BAD = 1 << 5,
	AO_CAMPAIGN = 1 << 6,
	AO_SCENARIO = 1 << 7,
	AO_COMPARE = 1 << 8,
	AO_THRESHOLD = 1 << 9,
	AO_KIND = 1 << 10,
	AO_WITHDRAWN = 1 << 11,
	AO_BY_COUNT = 1 << 12,
	AO_FORMAT = 1 << 13,
	AO_FIELD = 1 << 14,
	AO_WEIGHT_FIELD = 1 << 15,
	AO_COLUMN = 1 << 16,
	AO_SINCE = 1 << 17,
	AO_DAYS = 1 << 18,
	AO_OUTPUT = 1 << 19,
	AO_TIME_FIELD = 1 << 20,
	AO_TIME_COLUMN = 1 << 21,
};

struct analyze_ctx {
	struct tp_db *db;
	const struct tp_conf *conf;	/* NULL without -c */
	enum tp_format fmt;
	FILE *out;

	/* Command options; unset ones stay 0 / NULL. */
	const char *site;		/* --site */
	const char *per_prefix;		/* --per-prefix V4[/V6] */
	long long max;			/* --max N, 0 = none */
	const char *exclude;		/* --exclude FILE */
	int no_exclude;			/* --no-exclude */
	int skip_bad;			/* --skip-bad */
	long long campaign;		/* --campaign ID, 0 = default */
	const char *scenario;		/* --scenario A+B (or an id for round new) */
	long long compare;		/* --compare ID */
	double threshold;		/* --threshold POINTS, default 5 */
	const char *kind;		/* --kind */
	const char *withdrawn;		/* --withdrawn A+B, "" for the baseline */
	int by_count;			/* --by-count */
	const char *format;		/* --format: a log format (targets import), dot|svg (graph) */
	const char *field;		/* --field NAME (json) */
	const char *weight_field;	/* --weight-field NAME (json) */
	long long column;		/* --column N (csv), 0 = default */
	const char *since;		/* --since TIME */
	const char *time_field;		/* --time-field NAME (json with --since) */
	long long time_column;		/* --time-column N (csv with --since), 0 = none */
	long long days;			/* --days N (prune), 0 = retain_days */
	const char *output;		/* -o FILE */

	char **args;			/* operands after the command words */
	int nargs;
};

typedef int (*analyze_handler)(struct analyze_ctx *ctx, struct tp_err *err);

int cmd_targets_import(struct analyze_ctx *ctx, struct tp_err *err);
int cmd_targets_stats(struct analyze_ctx *ctx, struct tp_err *err);
int cmd_import(struct analyze_ctx *ctx, struct tp_err *err);
int cmd_matrix(struct analyze_ctx *ctx, struct tp_err *err);
int cmd_report(struct analyze_ctx *ctx, struct tp_err *err);
int cmd_predict(struct analyze_ctx *ctx, struct tp_err *err);
int cmd_evaluate(struct analyze_ctx *ctx, struct tp_err *err);
int cmd_policy(struct analyze_ctx *ctx, struct tp_err *err);
int cmd_graph(struct analyze_ctx *ctx, struct tp_err *err);
int cmd_html(struct analyze_ctx *ctx, struct tp_err *err);
int cmd_campaign_new(struct analyze_ctx *ctx, struct tp_err *err);
int cmd_scenario_new(struct analyze_ctx *ctx, struct tp_err *err);
int cmd_round_new(struct analyze_ctx *ctx, struct tp_err *err);
int cmd_prune(struct analyze_ctx *ctx, struct tp_err *err);

#endif
