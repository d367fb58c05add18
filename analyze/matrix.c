/* matrix.c: build the failover matrix from the baseline and scenario rounds. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "campaign_data.h"
#include "campaign_pick.h"
#include "log.h"
#include "matrix.h"
#include "matrix_archive.h"
#include "withdrawn.h"
#include "xalloc.h"

/* What the passes over the database share: site id -> index, and the targets. */
struct mx_work {
	struct site_map map;
	struct target_table tt;
};

/* n / of, or NAN when of is 0. */
double
mx_share(double n, double of)
{
	return of > 0 ? n / of : NAN;
}

/* The index of a site by name (sites are few: a linear search). */
long
mx_site_index(const struct failover_matrix *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nsites; i++)
		if (strcmp(m->sites[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* 1 when site index i is in the scenario's set. */
int
mx_withdrawn(const struct mx_scenario *s, size_t i)
{
	size_t k;

	for (k = 0; k < s->nsites; k++)
		if (s->sites[k] == i)
			return 1;
	return 0;
}

/* Baseline pass: remember where each target's reply landed. */
static void
note_baseline(long long t, int32_t s, void *arg)
{
	struct mx_work *w = arg;

	w->tt.baseline[t] = s;
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
	char **names;
	size_t n, i;
	long idx;

	n = withdrawn_split(s->withdrawn, &names);
	s->sites = xcalloc(n ? n : 1, sizeof(size_t));
	for (i = 0; i < n; i++) {
		if ((idx = mx_site_index(m, names[i])) < 0) {
			tp_err_set(err, "campaign %lld: scenario \"%s\" names site \"%s\", "
			    "which is not in the database", m->campaign, s->withdrawn, names[i]);
			withdrawn_free(names, n);
			return -1;
		}
		s->sites[s->nsites++] = (size_t)idx;
	}
	withdrawn_free(names, n);
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
		campaign_db_fail(db, "reading scenarios", err);
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

/* Append a row for scenario si coming from `from`. */
static struct mx_row *
add_row(struct failover_matrix *m, size_t si, const char *from, int combined)
{
	struct mx_row *r;

	m->rows = xreallocarray(m->rows, m->nrows + 1, sizeof(*m->rows));
	r = &m->rows[m->nrows++];
	memset(r, 0, sizeof(*r));
	r->scenario = si;
	r->from = xstrdup(from);
	r->combined = combined;
	r->to = xcalloc(m->nsites ? m->nsites : 1, sizeof(uint64_t));
	r->to_weight = xcalloc(m->nsites ? m->nsites : 1, sizeof(double));
	return r;
}

/* What the scenario pass needs: the row each baseline site feeds, and the combined row. */
struct scenario_pass {
	struct failover_matrix *m;
	struct mx_work *w;
	long *row_of;		/* per site index, -1 when not withdrawn */
	long combined;		/* -1 without one */
};

/* Count one row's answer. */
static void
row_count(struct mx_row *r, int32_t s, double weight)
{
	r->answered++;
	r->answered_weight += weight;
	r->to[s]++;
	r->to_weight[s] += weight;
}

/* Scenario pass: a reply from a target of a withdrawn site counts where it landed. */
static void
note_scenario(long long t, int32_t s, void *arg)
{
	struct scenario_pass *p = arg;
	int32_t b = p->w->tt.baseline[t];

	if (b < 0 || p->row_of[b] < 0)
		return;
	row_count(&p->m->rows[p->row_of[b]], s, p->w->tt.weight[t]);
	if (p->combined >= 0)
		row_count(&p->m->rows[p->combined], s, p->w->tt.weight[t]);
}

/* Fill in the rows of one scenario from its result round. */
static int
build_scenario(struct tp_db *db, struct failover_matrix *m, struct mx_work *w, size_t si,
    struct tp_err *err)
{
	struct mx_scenario *s = &m->scenarios[si];
	struct scenario_pass p = { m, w, NULL, -1 };
	size_t k, i;
	int rc;

	p.row_of = xmalloc((m->nsites ? m->nsites : 1) * sizeof(long));
	for (i = 0; i < m->nsites; i++)
		p.row_of[i] = -1;
	s->first_row = m->nrows;
	for (k = 0; k < s->nsites; k++) {
		const struct mx_site *site = &m->sites[s->sites[k]];
		struct mx_row *r = add_row(m, si, site->name, 0);

		r->responsive = site->catchment;
		r->responsive_weight = site->catchment_weight;
		r->baseline_targets = site->catchment + site->silent;
		p.row_of[s->sites[k]] = (long)(m->nrows - 1);
	}
	if (s->nsites > 1) {
		struct mx_row *c = add_row(m, si, s->withdrawn, 1);

		for (k = 0; k < s->nsites; k++) {
			const struct mx_row *r = &m->rows[s->first_row + k];

			c->responsive += r->responsive;
			c->responsive_weight += r->responsive_weight;
			c->baseline_targets += r->baseline_targets;
		}
		p.combined = (long)(m->nrows - 1);
	}
	s->nrows = m->nrows - s->first_row;
	rc = campaign_each_response(db, &w->map, &w->tt, s->round, "reading responses",
	    note_scenario, &p, err);
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
	    campaign_each_response(db, &w.map, &w.tt, base.id, "reading responses",
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

/* Free everything matrix_build allocated. */
void
matrix_free(struct failover_matrix *m)
{
	size_t i;

	for (i = 0; i < m->nrows; i++) {
		free(m->rows[i].from);
		free(m->rows[i].to);
		free(m->rows[i].to_weight);
	}
	for (i = 0; i < m->nscenarios; i++) {
		free(m->scenarios[i].withdrawn);
		free(m->scenarios[i].sites);
	}
	free(m->rows);
	free(m->scenarios);
	free(m->sites);
	memset(m, 0, sizeof(*m));
}
