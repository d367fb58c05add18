/*
 * log_import.c: tp-analyze targets import --format combined|common|json|csv.
 * Every file is read as a stream (decompressed in-process when it is gzip
 * or zstd) into a tally of requests per address or prefix; the tally,
 * not the lines, then becomes the site's target list. Bad lines are
 * skipped and counted by reason; the first few are shown as FILE:LINE.
 * Nothing is stored unless every file was read to its end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decompress.h"
#include "log.h"
#include "log_formats.h"
#include "log_tally.h"
#include "log_time.h"
#include "targets_import.h"

/* How many bad lines are shown one by one. */
#define LOG_SHOW_BAD 5

/* What reading the logs counted beside the tally. */
struct log_counts {
	uint64_t lines;
	uint64_t skipped;	/* blank, or older than --since */
	uint64_t excluded;	/* requests from excluded addresses */
	uint64_t bad[LOG_BAD_COUNT];
	uint64_t nbad;
	char shown[LOG_SHOW_BAD][160];	/* "FILE:LINE: reason" of the first bad lines */
};

/* -1 naming a log-only option given with plain target lists. */
int
targets_import_log_options_unused(const struct analyze_ctx *ctx, struct tp_err *err)
{
	const char *opt = ctx->field != NULL ? "--field" : ctx->weight_field != NULL ?
	    "--weight-field" : ctx->column != 0 ? "--column" : ctx->since != NULL ?
	    "--since" : ctx->time_field != NULL ? "--time-field" : ctx->time_column != 0 ?
	    "--time-column" : NULL;

	if (opt != NULL)
		return tp_err_set(err, "%s applies to --format combined, common, json or csv, "
		    "not to plain target lists", opt);
	return 0;
}

/* The format options from the command line; -1 for options that do not fit the format. */
static int
format_options(const struct analyze_ctx *ctx, struct log_format_opts *o, struct tp_err *err)
{
	memset(o, 0, sizeof(*o));
	if (log_format_parse(ctx->format, &o->format, err) < 0)
		return -1;
	if (ctx->site == NULL)
		return tp_err_set(err, "--format %s: give --site SITE (a log names no site)",
		    ctx->format);
	if ((ctx->field != NULL || ctx->weight_field != NULL) && o->format != LOG_JSON)
		return tp_err_set(err, "%s applies to --format json only",
		    ctx->field != NULL ? "--field" : "--weight-field");
	if (ctx->column != 0 && o->format != LOG_CSV)
		return tp_err_set(err, "--column applies to --format csv only");
	if (ctx->skip_bad)
		return tp_err_set(err, "--skip-bad applies to plain lists; --format %s always "
		    "skips and counts bad lines", ctx->format);
	if (ctx->time_field != NULL && o->format != LOG_JSON)
		return tp_err_set(err, "--time-field applies to --format json only");
	if (ctx->time_column != 0 && o->format != LOG_CSV)
		return tp_err_set(err, "--time-column applies to --format csv only");
	if ((ctx->time_field != NULL || ctx->time_column != 0) && ctx->since == NULL)
		return tp_err_set(err, "%s is read only with --since TIME",
		    ctx->time_field != NULL ? "--time-field" : "--time-column");
	if (ctx->since != NULL && o->format == LOG_CSV && ctx->time_column == 0)
		return tp_err_set(err, "--since with --format csv: give --time-column N, the "
		    "column of each line's time");
	if (ctx->since != NULL && log_time_parse_since(ctx->since, time(NULL), &o->since,
	    err) < 0)
		return -1;
	if (ctx->since != NULL && o->since == 0)
		o->since = 1;	/* 0 means "no --since" */
	o->field = ctx->field != NULL ? ctx->field : "remote_addr";
	o->weight_field = ctx->weight_field;
	o->column = ctx->column != 0 ? (unsigned)ctx->column : 1;
	o->time_field = ctx->time_field;
	o->time_column = (unsigned)ctx->time_column;
	return 0;
}

/* Count a bad line by reason, keeping where the first few were. */
static void
note_bad(struct log_counts *c, const char *name, uint64_t lineno, enum log_bad why)
{
	c->bad[why]++;
	if (c->nbad < LOG_SHOW_BAD)
		snprintf(c->shown[c->nbad], sizeof(c->shown[0]), "%.100s:%llu: %s", name,
		    (unsigned long long)lineno, log_bad_name(why));
	c->nbad++;
}

/* Read one log file into the tally, LOG_TALLY_BATCH requests at a time. */
static int
read_log(const char *path, const struct log_format_opts *o, const struct target_select_opts *sel,
    struct log_tally *tally, struct log_counts *c, struct tp_err *err)
{
	const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
	struct tp_input *in;
	struct tp_addr addr[LOG_TALLY_BATCH];
	double weight[LOG_TALLY_BATCH];
	size_t n = 0, len;
	enum log_bad why;
	char *line;
	uint64_t lineno = 0;
	int per_line_exclude = sel->exclude != NULL && (sel->prefix4 != 0 || sel->prefix6 != 0);

	if (tp_input_open(path, &in, err) < 0)
		return -1;
	while (tp_input_line(in, &line, &len) > 0) {
		lineno++;
		switch (log_parse_line(o, line, len, &addr[n], &weight[n], &why)) {
		case LOG_LINE_REQUEST:
			if (per_line_exclude && tp_exclude_contains(sel->exclude, &addr[n]))
				c->excluded++;
			else if (++n == LOG_TALLY_BATCH) {
				log_tally_add_batch(tally, addr, weight, n);
				n = 0;
			}
			break;
		case LOG_LINE_SKIP:
			c->skipped++;
			break;
		case LOG_LINE_BAD:
			if (o->format == LOG_CSV && lineno == 1 && why == LOG_BAD_ADDRESS)
				c->skipped++;	/* a header row */
			else
				note_bad(c, name, lineno, why);
			break;
		}
	}
	log_tally_add_batch(tally, addr, weight, n);
	c->lines += lineno;
	return tp_input_close(in, err);
}

/* Turning the tally into targets. */
struct tally_sink {
	struct tp_target_list *list;
	const char *site;
	const struct tp_exclude *exclude;	/* checked here when not per line */
	uint64_t excluded;
};

/* Append one tallied address as a target (unless excluded). */
static void
sink_add(const struct tp_addr *a, double weight, uint64_t requests, void *arg)
{
	struct tally_sink *s = arg;
	struct tp_target t;

	if (s->exclude != NULL && tp_exclude_contains(s->exclude, a)) {
		s->excluded += requests;
		return;
	}
	memset(&t, 0, sizeof(t));
	t.addr = *a;
	t.weight = weight;
	snprintf(t.site, sizeof(t.site), "%s", s->site);
	tp_target_list_push(s->list, &t);
}

/* The first bad lines, then one line of how many were bad, by reason. */
static void
warn_bad_summary(const struct log_counts *c)
{
	char buf[512];
	size_t off = 0;
	int i;

	if (c->nbad == 0)
		return;
	for (i = 0; i < LOG_SHOW_BAD && (uint64_t)i < c->nbad; i++)
		log_warn("targets", "%s (line skipped)", c->shown[i]);
	buf[0] = '\0';
	for (i = 0; i < LOG_BAD_COUNT && off < sizeof(buf); i++)
		if (c->bad[i] > 0)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%llu %s",
			    off ? ", " : "", (unsigned long long)c->bad[i],
			    log_bad_name((enum log_bad)i));
	log_warn("targets", "%llu of %llu lines skipped as bad: %s",
	    (unsigned long long)c->nbad, (unsigned long long)c->lines, buf);
}

/* targets import --format combined|common|json|csv --site SITE FILE|- ... */
int
targets_import_log(struct analyze_ctx *ctx, struct tp_err *err)
{
	struct log_format_opts fo;
	struct target_select_opts sel, store;
	struct target_select_stats pre;
	struct log_counts c;
	struct log_tally *tally = NULL;
	struct tp_target_list l;
	struct tally_sink sink;
	uint64_t requests;
	int i, grouped, rc = -1;

	memset(&c, 0, sizeof(c));
	memset(&l, 0, sizeof(l));
	memset(&sel, 0, sizeof(sel));
	if (format_options(ctx, &fo, err) < 0)
		return -1;
	if (!tp_name_valid(ctx->site))
		return tp_err_set(err, "--site \"%s\": not a site name (letters, digits, "
		    "'_', '.', '-')", ctx->site);
	if (targets_select_options(ctx, &sel, err) < 0)
		goto done;
	grouped = sel.prefix4 != 0 || sel.prefix6 != 0;
	tally = log_tally_new(sel.prefix4, sel.prefix6);
	for (i = 0; i < ctx->nargs; i++)
		if (read_log(ctx->args[i], &fo, &sel, tally, &c, err) < 0)
			goto done;
	requests = log_tally_requests(tally);
	if (requests == 0 && c.nbad > 0) {
		tp_err_set(err, "no line read as --format %s (%llu bad, the first %s); is it "
		    "the right format?", log_format_name(fo.format), (unsigned long long)c.nbad,
		    c.shown[0]);
		goto done;
	}
	warn_bad_summary(&c);
	sink = (struct tally_sink){ &l, ctx->site, grouped ? NULL : sel.exclude, 0 };
	log_tally_each(tally, sink_add, &sink);
	memset(&pre, 0, sizeof(pre));
	pre.read = requests + c.excluded;
	pre.excluded = c.excluded + sink.excluded;
	if (grouped)
		pre.merged = requests - log_tally_size(tally);
	else
		pre.duplicates = requests - log_tally_size(tally);
	log_tally_free(tally);
	tally = NULL;
	store = (struct target_select_opts){ .max = sel.max };
	rc = targets_store(ctx, &l, &store, &pre, err);
done:
	log_tally_free(tally);
	tp_target_list_free(&l);
	tp_exclude_free((struct tp_exclude *)sel.exclude);
	return rc;
}
