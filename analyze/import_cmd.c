/*
 * import_cmd.c: tp-analyze import FILE|- ...: each file is one record
 * stream, imported in its own transaction (lib/import.c); the first bad
 * stream stops the command, the streams before it stay imported. One
 * look-up cache serves every stream of the call.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "analyze.h"
#include "import.h"
#include "log.h"

/* A stream's name in messages. */
static const char *
stream_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "stdin" : path;
}

/* Import one file ("-" = standard input) and add its summary row. */
static int
import_one(struct tp_import_cache *cache, const char *path, struct tp_table *t,
    struct tp_err *err)
{
	struct tp_import_stats s;
	const char *name = stream_name(path);
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	int rc;

	if (f == NULL)
		return tp_err_set(err, "%s: %s", path, strerror(errno));
	rc = tp_import_stream_cached(cache, f, name, NULL, &s, err);
	if (f != stdin)
		fclose(f);
	if (rc < 0) {
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err->msg);
		return tp_err_set(err, "%.440s (nothing of %.40s was imported)", why, name);
	}
	if (s.streams_ended == 0)
		log_warn("import", "%s: no \"end\" line: the listener's stream was cut short",
		    name);
	if (s.unknown > 0)
		log_info("import", "%s: %llu replies from addresses that are not targets "
		    "(not stored)", name, (unsigned long long)s.unknown);
	tp_table_row(t);
	tp_table_str(t, 0, name);
	tp_table_int(t, 1, (long long)s.lines);
	tp_table_int(t, 2, (long long)s.replies);
	tp_table_int(t, 3, (long long)s.inserted);
	tp_table_int(t, 4, (long long)s.duplicates);
	tp_table_int(t, 5, (long long)s.unknown);
	tp_table_int(t, 6, (long long)s.foreign);
	tp_table_int(t, 7, (long long)s.streams_ended);
	return 0;
}

/*
 * Commit the open batch, which holds the streams args[first..last]; when
 * that fails, err says that none of them was imported.
 */
static int
batch_commit(struct tp_import_cache *cache, char **args, int first, int last,
    struct tp_err *err)
{
	char why[sizeof(err->msg)];

	if (tp_import_cache_batch_end(cache, err) == 0)
		return 0;
	snprintf(why, sizeof(why), "%s", err->msg);
	if (first == last)
		return tp_err_set(err, "%.440s (nothing of %.40s was imported)", why,
		    stream_name(args[first]));
	return tp_err_set(err, "%.400s (nothing of the %d streams %.30s to %.30s was imported)",
	    why, last - first + 1, stream_name(args[first]), stream_name(args[last]));
}

/*
 * tp-analyze import FILE|- ...: the streams go into batches (one
 * transaction each, committed when due and at the end); a batch begins
 * with the stream that needs it, so a database that cannot be written
 * fails naming that stream.
 */
int
cmd_import(struct analyze_ctx *ctx, struct tp_err *err)
{
	static const char *cols[] = { "stream", "lines", "replies", "inserted", "duplicates",
	    "unknown", "foreign", "ended" };
	struct tp_table *t = tp_table_new(8, cols);
	struct tp_import_cache *cache = tp_import_cache_new(ctx->db);
	struct tp_err end_err = { { 0 } };
	int i, first = 0, rc = 0;

	for (i = 0; i < ctx->nargs && rc == 0; i++) {
		if (!tp_import_cache_in_batch(cache)) {
			first = i;
			if (tp_import_cache_batch_begin(cache, err) < 0) {
				char why[sizeof(err->msg)];

				snprintf(why, sizeof(why), "%s", err->msg);
				rc = tp_err_set(err, "%.440s (nothing of %.40s was imported)", why,
				    stream_name(ctx->args[i]));
				break;
			}
		}
		rc = import_one(cache, ctx->args[i], t, err);
		if (rc < 0 && i > first && !tp_import_cache_in_batch(cache)) {
			/* Storing failed half-way: the batch was rolled back. */
			char why[sizeof(err->msg)];

			snprintf(why, sizeof(why), "%s", err->msg);
			tp_err_set(err, "%.400s; the streams %.30s to %.30s before it were rolled "
			    "back too", why, stream_name(ctx->args[first]),
			    stream_name(ctx->args[i - 1]));
		}
		if (rc == 0 && tp_import_cache_batch_due(cache))
			rc = batch_commit(cache, ctx->args, first, i, err);
	}
	/* The streams before a bad one stay: commit them either way. */
	if (tp_import_cache_in_batch(cache) &&
	    batch_commit(cache, ctx->args, first, i - 1, &end_err) < 0) {
		*err = end_err;
		rc = -1;
	}
	tp_import_cache_free(cache);
	if (rc == 0 && !(ctx->fmt == TP_FMT_TEXT && log_get_level() < TP_LOG_WARN))
		tp_table_print(t, ctx->out, ctx->fmt);
	tp_table_free(t);
	return rc;
}
