/* matrix.c: build the failover matrix from the baseline and scenario rounds. */
#include <stdlib.h>
#include <string.h>

#include "campaign_data.h"
#include "campaign_pick.h"
#include "log.h"
#include "matrix.h"
#include "matrix_archive.h"
#include "round_landing.h"
#include "xalloc.h"

/* What the passes over the database share: site id -> index, and the targets. */
struct mx_work {
	struct site_map map;
	struct target_table tt;
};

/* Baseline pass: remember where each target's replies landed (most of them). */
static void
note_baseline(const struct target_landing *l, void *arg)
{
	struct mx_work *w = arg;

	w->tt.baseline[l->target] = landing_plurality(l);
}

/* Append an empty scenario. */
static struct mx_scenario *
add_scenario(struct failover_matrix *m, long long id, const char *withdrawn)
{
	struct mx_scenario *s;

	m->scenarios = xreallocarray(m->scenarios, m->nscenarios + 1, sizeof(*m->scenarios));
	s = &m->scenarios[m->nscenarios++];
	memset(s, 0, sizeof(*s));
	s->id = id;
	s->withdrawn = xstrdup(withdrawn);
	return s;
}

/* Resolve a scenario's withdrawn names to site indexes; -1 naming an unknown one. */
static int
resolve_sites(struct failover_matrix *m, struct mx_scenario *s, struct tp_err *err)
{
	char unknown[64];

	if (mx_resolve_sites(m->sites, m->nsites, s->withdrawn, &s->sites, &s->nsites, unknown,
	    sizeof(unknown)) < 0)
		return tp_err_set(err, "campaign %lld: scenario \"%s\" names site \"%s\", "
		    "which is not in the database", m->campaign, s->withdrawn, unknown);
	return 0;
}

/* Load the campaign's scenarios that have a result round (or just `only`). */
static int
load_scenarios(struct tp_db *db, struct failover_matrix *m, const char *only,
    struct tp_err *err)
{
	sqlite3_stmt *st;
	struct picked_round r;
	int rc, found = 0;

	/*
	 * Fewest sites first: a canonical set has one '+' fewer than sites,
	 * and the length lost by deleting the '+' signs counts them (SQLite
	 * has no function that counts a character). Sets of one size are
	 * then in name order, so the report reads single failures first.
	 */
	if (tp_db_prepare(db, "SELECT id, withdrawn FROM scenarios "
	    "WHERE campaign_id = ? AND withdrawn != '' "
	    "ORDER BY length(withdrawn) - length(replace(withdrawn, '+', '')), withdrawn",
	    &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, m->campaign);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		const char *wd = (const char *)sqlite3_column_text(st, 1);
		struct mx_scenario *s;

		if (only != NULL && strcmp(only, wd) != 0)
			continue;
		found = 1;
		if (scenario_result(db, id, &r, err) < 0)
			goto fail;
		if (r.id == 0) {
			if (only != NULL) {
				tp_err_set(err, "campaign %lld: scenario %s has no scenario round yet",
				    m->campaign, only);
				goto fail;
			}
			log_warn("matrix", "campaign %lld: scenario %s has no scenario round yet; "
			    "left out", m->campaign, wd);
			continue;
		}
		if (!r.complete)
			log_warn("matrix", "campaign %lld: scenario %s: round %lld is not complete",
			    m->campaign, wd, r.id);
		s = add_scenario(m, id, wd);
		s->round = r.id;
		s->round_complete = r.complete;
		if (resolve_sites(m, s, err) < 0)
			goto fail;
	}
	if (rc != SQLITE_DONE) {
		tp_db_fail(db, "reading scenarios", err);
		goto fail;
	}
	sqlite3_finalize(st);
	if (only != NULL && !found)
		return tp_err_set(err, "campaign %lld has no scenario %s", m->campaign, only);
	return 0;
fail:
	sqlite3_finalize(st);
	return -1;
}

/* What the scenario pass needs: the row each baseline site feeds. */
struct scenario_pass {
	struct failover_matrix *m;
	struct mx_work *w;
	long *row_of;		/* per site index, -1 when not withdrawn */
};

/*
 * Scenario pass: the replies of a target of a withdrawn site count where
 * they landed, a split target's by their shares.
 */
static void
note_scenario(const struct target_landing *l, void *arg)
{
	struct scenario_pass *p = arg;
	int32_t b = p->w->tt.baseline[l->target];
	double w = p->w->tt.weight[l->target];
	struct mx_row *r;
	size_t k;

	if (b < 0 || p->row_of[b] < 0)
		return;
	r = &p->m->rows[p->row_of[b]];
	r->answered++;
	r->answered_weight += w;
	r->to[landing_plurality(l)]++;
	for (k = 0; k < l->nsites; k++) {
		r->to_share[l->site[k]] += landing_share(l, k);
		r->to_weight[l->site[k]] += w * landing_share(l, k);
	}
	if (l->nsites > 1) {
		r->split++;
		r->split_weight += w;
	}
}

/* Fill in the rows of one scenario from its result round. */
static int
build_scenario(struct tp_db *db, struct failover_matrix *m, struct mx_work *w, size_t si,
    struct tp_err *err)
{
	struct mx_scenario *s = &m->scenarios[si];
	struct scenario_pass p = { m, w, NULL };
	size_t k, i;
	int rc;

	p.row_of = xmalloc((m->nsites ? m->nsites : 1) * sizeof(long));
	for (i = 0; i < m->nsites; i++)
		p.row_of[i] = -1;
	mx_scenario_rows(m, si, m->nsites);
	for (k = 0; k < s->nrows; k++)
		m->rows[s->first_row + k].to_share = xcalloc(m->nsites ? m->nsites : 1,
		    sizeof(double));
	for (k = 0; k < s->nsites; k++)
		p.row_of[s->sites[k]] = (long)(s->first_row + k);
	rc = round_each_landing(db, &w->map, &w->tt, s->round, "reading responses",
	    note_scenario, &p, err);
	mx_sum_combined(m, si, 1);
	free(p.row_of);
	return rc;
}

/* Free the work arrays. */
static void
work_free(struct mx_work *w)
{
	target_table_free(&w->tt);
	site_map_free(&w->map);
}

/* Build the whole matrix inside one read transaction, so it sees one state. */
int
matrix_build(struct tp_db *db, long long campaign, const char *only,
    struct failover_matrix *m, struct tp_err *err)
{
	struct mx_work w;
	struct picked_round base;
	size_t i;
	int rc = -1;

	if ((rc = matrix_archive_load(db, campaign, only, m, err)) != 0)
		return rc < 0 ? -1 : 0;	/* a pruned campaign: its stored matrix */
	rc = -1;
	memset(m, 0, sizeof(*m));
	memset(&w, 0, sizeof(w));
	m->campaign = campaign;
	if (tp_db_exec(db, "BEGIN", err) < 0)
		return -1;
	if (campaign_baseline(db, campaign, &base, err) < 0)
		goto done;
	m->baseline_round = base.id;
	if (campaign_load_sites(db, &m->sites, &m->nsites, &w.map, err) < 0 ||
	    load_scenarios(db, m, only, err) < 0 ||
	    campaign_load_targets(db, &w.map, &w.tt, err) < 0 ||
	    round_each_landing(db, &w.map, &w.tt, base.id, "reading responses",
	    note_baseline, &w, err) < 0)
		goto done;
	m->targets = w.tt.count;
	campaign_sum_catchments(&w.tt, m->sites, &m->silent_unlisted);
	for (i = 0; i < m->nscenarios; i++)
		if (build_scenario(db, m, &w, i, err) < 0)
			goto done;
	rc = 0;
done:
	tp_db_rollback(db);
	work_free(&w);
	if (rc < 0)
		matrix_free(m);
	return rc;
}

