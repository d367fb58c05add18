/*
 * targets_cmd.c: tp-analyze targets import and targets stats. An import
 * replaces each named site's list in one transaction: targets that leave a
 * list are deleted, unless past rounds hold replies from them; those are
 * kept (listed at no site) so that earlier campaigns keep their numbers.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "decompress.h"
#include "exclude.h"
#include "log.h"
#include "target_select.h"
#include "targets.h"
#include "targets_import.h"
#include "xalloc.h"

/* What one site's replacement changed, beside the selection counts. */
struct replace_counts {
	long long taken;	/* were listed at another site */
	long long removed;	/* left this site's list */
};

/* Targets by site name, then address. */
static int
by_site(const void *a, const void *b)
{
	const struct tp_target *x = a, *y = b;
	int c = strcmp(x->site, y->site);

	return c != 0 ? c : tp_addr_cmp(&x->addr, &y->addr);
}

/*
 * The statements that replace one site's list, prepared once per import:
 * with 50,000 sites in one file, preparing them per site cost most of the
 * time.
 */
enum replace_step {
	RS_ADD_SITE, RS_SITE_ID, RS_CLEAR_STAGE, RS_STAGE, RS_TAKEN, RS_BEFORE, RS_STAY,
	RS_UNASSIGN, RS_ASSIGN, RS_COUNT
};

static const char *const replace_sql[RS_COUNT] = {
	[RS_ADD_SITE] = "INSERT OR IGNORE INTO sites (name) VALUES (?)",
	[RS_SITE_ID] = "SELECT id FROM sites WHERE name = ?",
	[RS_CLEAR_STAGE] = "DELETE FROM temp.import_targets",
	[RS_STAGE] = "INSERT INTO temp.import_targets (addr, family, weight) VALUES (?, ?, ?)",
	/* CROSS JOIN keeps the staged list outermost: one index look-up per
	 * line, not a scan of every target per site. */
	[RS_TAKEN] = "SELECT count(*) FROM temp.import_targets i CROSS JOIN targets t "
	    "ON t.addr = i.addr WHERE t.site_id IS NOT NULL AND t.site_id != ?",
	[RS_BEFORE] = "SELECT count(*) FROM targets WHERE site_id = ?",
	[RS_STAY] = "SELECT count(*) FROM temp.import_targets i CROSS JOIN targets t "
	    "ON t.addr = i.addr WHERE t.site_id = ?",
	[RS_UNASSIGN] = "UPDATE targets SET site_id = NULL WHERE site_id = ?",
	[RS_ASSIGN] = "INSERT INTO targets (addr, family, site_id, weight, seen_us) "
	    "SELECT addr, family, ?1, weight, " TARGETS_NOW_US " FROM temp.import_targets "
	    "WHERE true ON CONFLICT (addr) DO UPDATE SET site_id = excluded.site_id, "
	    "weight = excluded.weight, family = excluded.family, seen_us = excluded.seen_us",
};

struct replace_stmts {
	struct tp_db *db;
	sqlite3_stmt *st[RS_COUNT];
};

/* Prepare every statement of replace_sql. */
static int
replace_prepare(struct replace_stmts *r, struct tp_db *db, struct tp_err *err)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->db = db;
	for (i = 0; i < RS_COUNT; i++)
		if (tp_db_prepare(db, replace_sql[i], &r->st[i], err) < 0)
			return -1;
	return 0;
}

/* Finalize them (also after a failed replace_prepare). */
static void
replace_finalize(struct replace_stmts *r)
{
	size_t i;

	for (i = 0; i < RS_COUNT; i++)
		sqlite3_finalize(r->st[i]);
	memset(r, 0, sizeof(*r));
}

/*
 * Run step with its first parameter bound to id (or to name when name is
 * set); the first column of its row, if any, goes to *out.
 */
static int
replace_run(struct replace_stmts *r, enum replace_step step, long long id, const char *name,
    long long *out, struct tp_err *err)
{
	sqlite3_stmt *st = r->st[step];
	int rc;

	sqlite3_reset(st);
	if (name != NULL)
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	else if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (out != NULL)
		*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return tp_err_set(err, "%s: replacing targets: %s", r->db->path,
		    sqlite3_errmsg(r->db->h));
	return 0;
}

/* Fill the temporary table import_targets with v[0..n). */
static int
stage_targets(struct replace_stmts *r, const struct tp_target *v, size_t n,
    struct tp_err *err)
{
	sqlite3_stmt *st = r->st[RS_STAGE];
	size_t i;

	if (replace_run(r, RS_CLEAR_STAGE, 0, NULL, NULL, err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		sqlite3_reset(st);
		tp_db_bind_addr(st, 1, &v[i].addr);
		sqlite3_bind_int(st, 2, tp_addr_size(v[i].addr.family) == 4 ? 4 : 6);
		sqlite3_bind_double(st, 3, v[i].weight);
		if (sqlite3_step(st) != SQLITE_DONE) {
			tp_err_set(err, "%s: staging targets: %s", r->db->path,
			    sqlite3_errmsg(r->db->h));
			sqlite3_reset(st);
			return -1;
		}
	}
	sqlite3_reset(st);
	return 0;
}

/* Make v[0..n) the whole list of site (inside the caller's transaction). */
static int
replace_site(struct replace_stmts *r, const char *site, const struct tp_target *v, size_t n,
    struct replace_counts *c, struct tp_err *err)
{
	long long id, before, stay;

	if (replace_run(r, RS_ADD_SITE, 0, site, NULL, err) < 0 ||
	    replace_run(r, RS_SITE_ID, 0, site, &id, err) < 0 ||
	    stage_targets(r, v, n, err) < 0 ||
	    replace_run(r, RS_TAKEN, id, NULL, &c->taken, err) < 0 ||
	    replace_run(r, RS_BEFORE, id, NULL, &before, err) < 0 ||
	    replace_run(r, RS_STAY, id, NULL, &stay, err) < 0)
		return -1;
	c->removed = before - stay;
	if (replace_run(r, RS_UNASSIGN, id, NULL, NULL, err) < 0 ||
	    replace_run(r, RS_ASSIGN, id, NULL, NULL, err) < 0)
		return -1;
	return 0;
}

/* Check or assign every target's site; -1 when a line names another (or no) site. */
static int
assign_sites(struct analyze_ctx *ctx, struct tp_target_list *l, const char *path,
    struct tp_err *err)
{
	size_t i, other = 0, none = 0;

	if (ctx->site != NULL && !tp_name_valid(ctx->site))
		return tp_err_set(err, "--site \"%s\": not a site name (letters, digits, "
		    "'_', '.', '-')", ctx->site);
	for (i = 0; i < l->n; i++) {
		struct tp_target *t = &l->v[i];

		if (ctx->site != NULL) {
			if (t->site[0] != '\0' && strcmp(t->site, ctx->site) != 0)
				other++;
			snprintf(t->site, sizeof(t->site), "%s", ctx->site);
		} else if (t->site[0] == '\0')
			none++;
		else if (!tp_name_valid(t->site))
			return tp_err_set(err, "%s: site \"%s\" is not a site name", path, t->site);
	}
	if (other > 0)
		return tp_err_set(err, "%s: %zu lines name a site other than --site %s", path,
		    other, ctx->site);
	if (none > 0)
		return tp_err_set(err, "%s: %zu targets name no site; give --site SITE", path, none);
	return 0;
}

/* Build the selection options from the command line (and load the exclusion list). */
int
targets_select_options(struct analyze_ctx *ctx, struct target_select_opts *o, struct tp_err *err)
{
	const char *path;

	memset(o, 0, sizeof(*o));
	if (ctx->per_prefix != NULL && target_select_parse_prefix(ctx->per_prefix, o, err) < 0)
		return -1;
	if (ctx->max < 0)
		return tp_err_set(err, "--max: want a positive number of targets");
	o->max = (size_t)ctx->max;
	if (ctx->no_exclude) {
		if (ctx->exclude != NULL)
			return tp_err_set(err, "give --exclude FILE or --no-exclude, not both");
		log_warn("targets", "no exclusion list: every address given may be probed");
		return 0;
	}
	path = ctx->exclude;
	if (path == NULL && ctx->conf != NULL && ctx->conf->exclude != NULL)
		path = ctx->conf->exclude;
	if (path == NULL)
		path = tp_exclude_default_path();
	if ((o->exclude = tp_exclude_load(path, err)) == NULL) {
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err->msg);
		return tp_err_set(err, "%.400s (give --exclude FILE, or --no-exclude on a "
		    "testbed)", why);
	}
	return 0;
}

/* One summary row for a site. */
static void
summary_row(struct tp_table *t, const char *site, const struct target_select_stats *s,
    const struct replace_counts *c)
{
	tp_table_row(t);
	tp_table_str(t, 0, site);
	tp_table_int(t, 1, (long long)s->read);
	tp_table_int(t, 2, (long long)s->excluded);
	tp_table_int(t, 3, (long long)s->duplicates);
	tp_table_int(t, 4, (long long)s->merged);
	tp_table_int(t, 5, (long long)s->over_max);
	tp_table_int(t, 6, (long long)s->kept);
	tp_table_int(t, 7, c->taken);
	tp_table_int(t, 8, c->removed);
}

/*
 * Select one site's targets v[0..n) and make them its list; pre, when
 * given, holds what was counted before v was made (requests of a log).
 */
static int
store_group(struct replace_stmts *r, const char *site, struct tp_target *v, size_t n,
    const struct target_select_opts *o, const struct target_select_stats *pre,
    struct tp_table *summary, struct tp_err *err)
{
	struct target_select_stats s;
	struct replace_counts c = { 0, 0 };

	target_select(v, &n, o, &s);
	if (pre != NULL) {
		s.read = pre->read;
		s.excluded += pre->excluded;
		s.duplicates += pre->duplicates;
		s.merged += pre->merged;
	}
	if (replace_site(r, site, v, n, &c, err) < 0)
		return -1;
	summary_row(summary, site, &s, &c);
	return 0;
}

/*
 * Refuse an import after which the weights of every target together would
 * pass TP_WEIGHT_TOTAL_MAX (inside the caller's transaction).
 */
static int
check_weight_total(struct tp_db *db, struct tp_err *err)
{
	sqlite3_stmt *st;
	double total;
	int rc;

	if (tp_db_prepare(db, "SELECT total(weight) FROM targets", &st, err) < 0)
		return -1;
	rc = sqlite3_step(st);
	total = rc == SQLITE_ROW ? sqlite3_column_double(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return tp_err_set(err, "%s: adding up weights: %s", db->path,
		    sqlite3_errmsg(db->h));
	if (!isfinite(total) || total > TP_WEIGHT_TOTAL_MAX)
		return tp_err_set(err, "%s: the weights of all targets would add up to %g, "
		    "more than %g; scale the weights down (nothing imported)", db->path,
		    total, TP_WEIGHT_TOTAL_MAX);
	return 0;
}

/*
 * Store each site's group of l in one transaction; an empty list with
 * --site empties that site's list.
 */
static int
import_groups(struct analyze_ctx *ctx, struct tp_target_list *l,
    const struct target_select_opts *o, const struct target_select_stats *pre,
    struct tp_table *summary, struct tp_err *err)
{
	struct replace_stmts r;
	size_t start, end;
	char site[sizeof(l->v[0].site)];
	/* Every site's list lands all over the address index: keep it in memory. */
	struct tp_db_bulk was;

	memset(&r, 0, sizeof(r));
	tp_db_bulk_begin(ctx->db, &was);
	if (tp_db_begin(ctx->db, err) < 0) {
		tp_db_bulk_end(ctx->db, &was);
		return -1;
	}
	if (tp_db_exec(ctx->db, "CREATE TEMP TABLE IF NOT EXISTS import_targets ("
	    "addr BLOB PRIMARY KEY, family INTEGER, weight REAL) WITHOUT ROWID", err) < 0 ||
	    replace_prepare(&r, ctx->db, err) < 0)
		goto fail;
	if (l->n == 0 && store_group(&r, ctx->site, l->v, 0, o, pre, summary, err) < 0)
		goto fail;
	if (l->n > 0)
		qsort(l->v, l->n, sizeof(*l->v), by_site);
	for (start = 0; start < l->n; start = end) {
		for (end = start; end < l->n && strcmp(l->v[end].site, l->v[start].site) == 0; end++)
			;
		snprintf(site, sizeof(site), "%s", l->v[start].site);
		if (store_group(&r, site, l->v + start, end - start, o, pre, summary, err) < 0)
			goto fail;
	}
	replace_finalize(&r);
	if (tp_db_exec(ctx->db, "DELETE FROM targets WHERE site_id IS NULL AND "
	    "id NOT IN (SELECT target_id FROM responses)", err) < 0 ||
	    check_weight_total(ctx->db, err) < 0 ||
	    tp_db_exec(ctx->db, "DROP TABLE temp.import_targets", err) < 0 ||
	    tp_db_commit(ctx->db, err) < 0)
		goto fail;
	tp_db_bulk_end(ctx->db, &was);
	return 0;
fail:
	replace_finalize(&r);
	tp_db_rollback(ctx->db);
	tp_db_bulk_end(ctx->db, &was);
	return -1;
}

/* Store l, each site's group replacing its list, and print the summary table. */
int
targets_store(struct analyze_ctx *ctx, struct tp_target_list *l,
    const struct target_select_opts *o, const struct target_select_stats *pre,
    struct tp_err *err)
{
	static const char *cols[] = { "site", "read", "excluded", "duplicates", "merged",
	    "over_max", "kept", "taken", "removed" };
	struct tp_table *summary = tp_table_new(9, cols);
	int rc = import_groups(ctx, l, o, pre, summary, err);

	if (rc == 0)
		tp_table_print(summary, ctx->out, ctx->fmt);
	tp_table_free(summary);
	return rc;
}

/* Read one plain target list (plain, gzip or zstd) into l. */
static int
read_plain(struct analyze_ctx *ctx, const char *path, struct tp_target_list *l,
    struct tp_err *err)
{
	struct tp_input *in;
	size_t skipped = l->skipped;
	int rc;

	if (tp_input_open(path, &in, err) < 0)
		return -1;
	rc = tp_targets_read(tp_input_file(in), path, ctx->skip_bad ? TP_TARGETS_SKIP_BAD :
	    TP_TARGETS_STRICT, l, err);
	if (tp_input_close(in, rc < 0 ? NULL : err) < 0)
		rc = -1;
	if (rc == 0 && l->skipped > skipped)
		log_warn("targets", "%s: %zu malformed lines skipped", path, l->skipped - skipped);
	return rc;
}

/*
 * tp-analyze targets import [--format F ...] [--site SITE] [--per-prefix
 * V4[/V6]] [--max N] [--exclude FILE | --no-exclude] FILE|- ...
 */
int
cmd_targets_import(struct analyze_ctx *ctx, struct tp_err *err)
{
	const char *path = ctx->args[0];
	struct target_select_opts o;
	struct tp_target_list l;
	int i, rc = -1;

	if (ctx->format != NULL && strcmp(ctx->format, "plain") != 0)
		return targets_import_log(ctx, err);
	if (targets_import_log_options_unused(ctx, err) < 0)
		return -1;
	memset(&l, 0, sizeof(l));
	if (targets_select_options(ctx, &o, err) < 0)
		return -1;
	for (i = 0; i < ctx->nargs; i++)
		if (read_plain(ctx, ctx->args[i], &l, err) < 0)
			goto done;
	if (ctx->nargs > 1)
		path = "the input";
	if (assign_sites(ctx, &l, path, err) < 0)
		goto done;
	if (l.n == 0 && ctx->site == NULL) {
		tp_err_set(err, "%s: no targets, and no --site whose list it would empty", path);
		goto done;
	}
	rc = targets_store(ctx, &l, &o, NULL, err);
done:
	tp_target_list_free(&l);
	tp_exclude_free((struct tp_exclude *)o.exclude);
	return rc;
}

/* tp-analyze targets stats: per site and family, how many targets and their weight. */
int
cmd_targets_stats(struct analyze_ctx *ctx, struct tp_err *err)
{
	static const char *cols[] = { "site", "family", "targets", "weight" };
	struct tp_table *t;
	sqlite3_stmt *st;
	int rc;

	if (tp_db_prepare(ctx->db, "SELECT s.name, t.family, count(*), total(t.weight) "
	    "FROM targets t JOIN sites s ON s.id = t.site_id "
	    "GROUP BY s.name, t.family ORDER BY s.name, t.family", &st, err) < 0)
		return -1;
	t = tp_table_new(4, cols);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		tp_table_row(t);
		tp_table_str(t, 0, (const char *)sqlite3_column_text(st, 0));
		tp_table_str(t, 1, sqlite3_column_int(st, 1) == 4 ? "ipv4" : "ipv6");
		tp_table_int(t, 2, sqlite3_column_int64(st, 2));
		tp_table_real(t, 3, sqlite3_column_double(st, 3), 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		tp_table_free(t);
		return tp_err_set(err, "%s: reading targets: %s", ctx->db->path,
		    sqlite3_errmsg(ctx->db->h));
	}
	tp_table_print(t, ctx->out, ctx->fmt);
	tp_table_free(t);
	return 0;
}
