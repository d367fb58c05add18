/* report.c: catchments, capacity check and changes since an earlier campaign. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "campaign_pick.h"
#include "independence.h"
#include "load_model.h"
#include "report.h"
#include "xalloc.h"

/* The row of the single-site scenario that withdraws only site i, or NULL. */
static const struct mx_row *
single_site_row(const struct failover_matrix *m, size_t i)
{
	size_t k;

	for (k = 0; k < m->nscenarios; k++)
		if (m->scenarios[k].nsites == 1 && m->scenarios[k].sites[0] == i)
			return &m->rows[m->scenarios[k].first_row];
	return NULL;
}

/* "AKL 99.8%, SYD 0.2%": the row's REPORT_TOP heaviest destinations. */
void
report_top_destinations(const struct failover_matrix *m, const struct mx_row *r, char *buf,
    size_t len)
{
	int *used = xcalloc(m->nsites ? m->nsites : 1, sizeof(int));
	size_t n = 0, k, i, off = 0;

	buf[0] = '\0';
	for (n = 0; n < REPORT_TOP; n++) {
		long best = -1;

		for (i = 0; i < m->nsites; i++)
			if (!used[i] && r->to[i] > 0 &&
			    (best < 0 || r->to_weight[i] > r->to_weight[best]))
				best = (long)i;
		if (best < 0 || r->responsive_weight <= 0)
			break;
		used[best] = 1;
		k = (size_t)snprintf(buf + off, len - off, "%s%s %.1f%%", n ? ", " : "",
		    m->sites[best].name, 100.0 * r->to_weight[best] / r->responsive_weight);
		if (k >= len - off)
			break;
		off += k;
	}
	free(used);
}

/* Per site: catchment, silent targets, capacity, top destinations and lost share. */
static struct tp_table *
catchment_table(const struct failover_matrix *m, const struct tp_conf *conf)
{
	static const char *cols[] = { "site", "targets", "load", "silent", "capacity",
	    "fails_to", "lost" };
	struct tp_table *t = tp_table_new(7, cols);
	char top[256];
	size_t i;

	for (i = 0; i < m->nsites; i++) {
		const struct mx_site *s = &m->sites[i];
		const struct mx_row *r = single_site_row(m, i);
		double cap = lm_capacity(conf, s);

		if (s->catchment == 0 && s->silent == 0 && r == NULL)
			continue;
		tp_table_row(t);
		tp_table_str(t, 0, s->name);
		tp_table_int(t, 1, (long long)s->catchment);
		tp_table_real(t, 2, s->catchment_weight, 1);
		tp_table_int(t, 3, (long long)s->silent);
		if (cap > 0)
			tp_table_real(t, 4, cap, 1);
		if (r != NULL) {
			report_top_destinations(m, r, top, sizeof(top));
			tp_table_str(t, 5, top);
			if (r->responsive_weight > 0)
				tp_table_share(t, 6, (r->responsive_weight - r->answered_weight) /
				    r->responsive_weight);
		}
	}
	return t;
}

/* Per scenario and destination: expected load against capacity. */
static struct tp_table *
capacity_table(const struct failover_matrix *m, const struct tp_conf *conf)
{
	static const char *cols[] = { "failed", "destination", "share", "baseline_load",
	    "incoming_load", "expected_load", "capacity", "fits" };
	struct tp_table *t = tp_table_new(8, cols);
	struct lm_scenario *lm;
	size_t n, i, k;

	lm = load_model_build(m, conf, &n);
	for (i = 0; i < n; i++)
		for (k = 0; k < lm[i].ndests; k++) {
			const struct lm_dest *d = &lm[i].dests[k];

			if (d->share <= 0)
				continue;
			tp_table_row(t);
			tp_table_str(t, 0, m->scenarios[lm[i].scenario].withdrawn);
			tp_table_str(t, 1, m->sites[d->site].name);
			tp_table_share(t, 2, d->share);
			tp_table_real(t, 3, d->baseline, 1);
			tp_table_real(t, 4, d->incoming, 1);
			tp_table_real(t, 5, d->baseline + d->incoming, 1);
			if (d->capacity > 0) {
				tp_table_real(t, 6, d->capacity, 1);
				tp_table_bool(t, 7, d->baseline + d->incoming <= d->capacity);
			}
		}
	load_model_free(lm, n);
	return t;
}

/* The row of `then` for the same failure set and origin as r of `now`, or NULL. */
static const struct mx_row *
matching_row(const struct failover_matrix *now, const struct mx_row *r,
    const struct failover_matrix *then)
{
	const char *wd = now->scenarios[r->scenario].withdrawn;
	size_t i;

	for (i = 0; i < then->nrows; i++)
		if (strcmp(then->rows[i].from, r->from) == 0 &&
		    strcmp(then->scenarios[then->rows[i].scenario].withdrawn, wd) == 0)
			return &then->rows[i];
	return NULL;
}

/* Weighted share of a row at the site called name ("lost" for the lost share); NAN when none. */
static double
row_share(const struct failover_matrix *m, const struct mx_row *r, const char *name)
{
	long i;

	if (r->responsive_weight <= 0)
		return NAN;
	if (strcmp(name, "lost") == 0)
		return (r->responsive_weight - r->answered_weight) / r->responsive_weight;
	if ((i = mx_site_index(m, name)) < 0)
		return 0;
	return r->to_weight[i] / r->responsive_weight;
}

/* Add a change row when the share moved by more than threshold points. */
static void
change_row(struct tp_table *t, const struct failover_matrix *now, const struct mx_row *r,
    const struct failover_matrix *then, const struct mx_row *old, const char *to,
    double threshold)
{
	double a = row_share(then, old, to), b = row_share(now, r, to);

	if (!isfinite(a) || !isfinite(b) || fabs(b - a) * 100.0 <= threshold)
		return;
	tp_table_row(t);
	tp_table_str(t, 0, now->scenarios[r->scenario].withdrawn);
	tp_table_str(t, 1, r->from);
	tp_table_str(t, 2, to);
	tp_table_share(t, 3, a);
	tp_table_share(t, 4, b);
	tp_table_real(t, 5, (b - a) * 100.0, 1);
}

/* Shares (weighted) that moved by more than threshold points between the campaigns. */
static struct tp_table *
changes_table(const struct failover_matrix *now, const struct failover_matrix *then,
    double threshold)
{
	static const char *cols[] = { "failed", "from", "to", "then", "now", "points" };
	struct tp_table *t = tp_table_new(6, cols);
	size_t i, k;

	for (i = 0; i < now->nrows; i++) {
		const struct mx_row *r = &now->rows[i], *old = matching_row(now, r, then);

		if (old == NULL)
			continue;
		for (k = 0; k < now->nsites; k++) {
			long j = mx_site_index(then, now->sites[k].name);

			if (r->to[k] > 0 || (j >= 0 && old->to[j] > 0))
				change_row(t, now, r, then, old, now->sites[k].name, threshold);
		}
		for (k = 0; k < then->nsites; k++)
			if (old->to[k] > 0 && mx_site_index(now, then->sites[k].name) < 0)
				change_row(t, now, r, then, old, then->sites[k].name, threshold);
		change_row(t, now, r, then, old, "lost", threshold);
	}
	return t;
}

/* Build every table of the report. */
void
report_build(const struct failover_matrix *now, const struct failover_matrix *then,
    const struct tp_conf *conf, double threshold, struct report *r)
{
	r->catchments = catchment_table(now, conf);
	r->capacity = capacity_table(now, conf);
	r->changes = then != NULL ? changes_table(now, then, threshold) : NULL;
	r->predictions = NULL;
	r->independence = NULL;
}

/* Free the tables. */
void
report_free(struct report *r)
{
	tp_table_free(r->catchments);
	tp_table_free(r->capacity);
	tp_table_free(r->changes);
	tp_table_free(r->predictions);
	tp_table_free(r->independence);
	memset(r, 0, sizeof(*r));
}

/* The report as one versioned JSON document. */
json_t *
report_json(const struct report *r, const struct failover_matrix *now,
    const struct failover_matrix *then)
{
	json_t *o = json_object();

	json_object_set_new(o, "version", json_integer(REPORT_JSON_VERSION));
	json_object_set_new(o, "campaign", json_integer(now->campaign));
	json_object_set_new(o, "baseline_round", json_integer(now->baseline_round));
	json_object_set_new(o, "compare", then ? json_integer(then->campaign) : json_null());
	json_object_set_new(o, "catchments", tp_table_json(r->catchments));
	json_object_set_new(o, "capacity", tp_table_json(r->capacity));
	if (r->changes != NULL)
		json_object_set_new(o, "changes", tp_table_json(r->changes));
	if (r->predictions != NULL)
		json_object_set_new(o, "predictions", tp_table_json(r->predictions));
	if (r->independence != NULL)
		json_object_set_new(o, "independence", tp_table_json(r->independence));
	return o;
}

/* Print one titled section of the text or CSV report. */
static void
print_section(FILE *f, enum tp_format fmt, const char *title, const struct tp_table *t,
    int first)
{
	if (fmt == TP_FMT_CSV) {
		fprintf(f, "%s# %s\r\n", first ? "" : "\r\n", title);
		tp_table_print(t, f, fmt);
		return;
	}
	fprintf(f, "%s%s\n", first ? "" : "\n", title);
	if (tp_table_rows(t) == 0)
		fputs("  (none)\n", f);
	else
		tp_table_print(t, f, fmt);
}

/*
 * The lanes' independence table of campaign into r when it ran two lanes or
 * more; a pruned campaign (no replies left) shows every lane unchecked.
 */
static int
add_independence(struct analyze_ctx *ctx, long long campaign, struct report *r,
    struct tp_err *err)
{
	struct independence ind;

	if (independence_check(ctx->db, campaign, ctx->threshold, &ind, err) < 0)
		return -1;
	if (ind.n > 1)
		r->independence = independence_table(&ind);
	independence_free(&ind);
	return 0;
}

/* tp-analyze report [--campaign ID] [--compare ID] [--threshold POINTS] */
int
cmd_report(struct analyze_ctx *ctx, struct tp_err *err)
{
	struct failover_matrix now, then;
	long long campaign, earlier;
	struct report r;
	size_t validations;
	char title[160];
	json_t *j;
	int rc = -1;

	if (campaign_pick(ctx->db, ctx->campaign, &campaign, err) < 0)
		return -1;
	if (ctx->compare != 0 && campaign_pick(ctx->db, ctx->compare, &earlier, err) < 0)
		return -1;
	if (matrix_build(ctx->db, campaign, NULL, &now, err) < 0)
		return -1;
	if (ctx->compare != 0 && matrix_build(ctx->db, earlier, NULL, &then, err) < 0)
		goto done;
	report_build(&now, ctx->compare ? &then : NULL, ctx->conf, ctx->threshold, &r);
	if ((r.predictions = report_predictions(ctx->db, &now, &validations, err)) == NULL) {
		report_free(&r);
		goto done_then;
	}
	if (add_independence(ctx, campaign, &r, err) < 0) {
		report_free(&r);
		goto done_then;
	}
	if (ctx->fmt == TP_FMT_JSON) {
		j = report_json(&r, &now, ctx->compare ? &then : NULL);
		tp_json_print(ctx->out, j);
		json_decref(j);
	} else {
		snprintf(title, sizeof(title), "Catchments (campaign %lld, baseline round %lld)",
		    now.campaign, now.baseline_round);
		print_section(ctx->out, ctx->fmt, title, r.catchments, 1);
		print_section(ctx->out, ctx->fmt, "Capacity if the failed site or set is gone",
		    r.capacity, 0);
		if (r.changes != NULL) {
			snprintf(title, sizeof(title), "Shares that moved more than %g points "
			    "since campaign %lld", ctx->threshold, then.campaign);
			print_section(ctx->out, ctx->fmt, title, r.changes, 0);
		}
		snprintf(title, sizeof(title), "Predicted: each site with its heaviest failover "
		    "site, not measured (%s)", validations > 0 ? "confidence calibrated by "
		    "validations" : "no validations: confidence not calibrated");
		print_section(ctx->out, ctx->fmt, title, r.predictions, 0);
		if (r.independence != NULL) {
			snprintf(title, sizeof(title), "Lane independence (control replies during "
			    "other lanes' scenarios; dependent above %g%% moved)", ctx->threshold);
			print_section(ctx->out, ctx->fmt, title, r.independence, 0);
		}
	}
	report_free(&r);
	rc = 0;
done_then:
	if (ctx->compare != 0)
		matrix_free(&then);
done:
	matrix_free(&now);
	return rc;
}
