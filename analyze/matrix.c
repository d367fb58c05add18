/* matrix.c: build the failover matrix from the baseline and scenario rounds. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "campaign_pick.h"
#include "log.h"
#include "matrix.h"
#include "withdrawn.h"
#include "xalloc.h"

/* What the passes over the database share: per target id, its weight and sites. */
struct mx_work {
	long long max_target;
	double *weight;
	int32_t *listed;	/* site index of its list, -1 none, -2 no such target */
	int32_t *baseline;	/* site index its baseline reply landed at, -1 none */
	long long max_site;
	int32_t *site_index;	/* site id -> index, -1 none */
};

/* "PATH: what: sqlite message". */
static int
mx_fail(struct tp_db *db, const char *what, struct tp_err *err)
{
	return tp_err_set(err, "%s: %s: %s", db->path, what, sqlite3_errmsg(db->h));
}

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

/* One integer from a query without parameters. */
static int
query_int(struct tp_db *db, const char *sql, long long *out, struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (tp_db_prepare(db, sql, &st, err) < 0)
		return -1;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : mx_fail(db, sql, err);
}

/* The site index of a site id, -1 for an unknown id. */
static int32_t
site_of(const struct mx_work *w, long long id)
{
	return id >= 0 && id <= w->max_site ? w->site_index[id] : -1;
}

/* Load every site (by name) and the id -> index map. */
static int
load_sites(struct tp_db *db, struct failover_matrix *m, struct mx_work *w, struct tp_err *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	long long i;
	int rc;

	if (query_int(db, "SELECT coalesce(max(id), 0) FROM sites", &w->max_site, err) < 0)
		return -1;
	w->site_index = xcalloc((size_t)w->max_site + 1, sizeof(int32_t));
	for (i = 0; i <= w->max_site; i++)
		w->site_index[i] = -1;
	if (tp_db_prepare(db, "SELECT id, name, coalesce(capacity, 0) FROM sites ORDER BY name",
	    &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct mx_site *s;
		long long id = sqlite3_column_int64(st, 0);

		if (m->nsites == cap) {
			cap = cap ? cap * 2 : 16;
			m->sites = xreallocarray(m->sites, cap, sizeof(*m->sites));
		}
		s = &m->sites[m->nsites];
		memset(s, 0, sizeof(*s));
		s->id = id;
		snprintf(s->name, sizeof(s->name), "%s", (const char *)sqlite3_column_text(st, 1));
		s->capacity = sqlite3_column_double(st, 2);
		if (id >= 0 && id <= w->max_site)
			w->site_index[id] = (int32_t)m->nsites;
		m->nsites++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : mx_fail(db, "reading sites", err);
}

/* Load every target's weight and list site. */
static int
load_targets(struct tp_db *db, struct failover_matrix *m, struct mx_work *w,
    struct tp_err *err)
{
	sqlite3_stmt *st;
	size_t n;
	long long i;
	int rc;

	if (query_int(db, "SELECT coalesce(max(id), 0) FROM targets", &w->max_target, err) < 0)
		return -1;
	n = (size_t)w->max_target + 1;
	w->weight = xcalloc(n, sizeof(double));
	w->listed = xmalloc(n * sizeof(int32_t));
	w->baseline = xmalloc(n * sizeof(int32_t));
	for (i = 0; i <= w->max_target; i++) {
		w->listed[i] = -2;
		w->baseline[i] = -1;
	}
	if (tp_db_prepare(db, "SELECT id, site_id, weight FROM targets", &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);

		if (id < 0 || id > w->max_target)
			continue;
		w->weight[id] = sqlite3_column_double(st, 2);
		w->listed[id] = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 :
		    site_of(w, sqlite3_column_int64(st, 1));
		m->targets++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : mx_fail(db, "reading targets", err);
}

/*
 * Call fn(target, site index, arg) for every response of round; responses
 * for unknown targets or sites are skipped.
 */
static int
each_response(struct tp_db *db, struct mx_work *w, long long round,
    void (*fn)(long long, int32_t, void *), void *arg, struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (tp_db_prepare(db, "SELECT target_id, site_id FROM responses WHERE round_id = ?",
	    &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, round);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long t = sqlite3_column_int64(st, 0);
		int32_t s = site_of(w, sqlite3_column_int64(st, 1));

		if (t < 0 || t > w->max_target || s < 0)
			continue;
		fn(t, s, arg);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : mx_fail(db, "reading responses", err);
}

/* Baseline pass: remember where each target's reply landed. */
static void
note_baseline(long long t, int32_t s, void *arg)
{
	struct mx_work *w = arg;

	w->baseline[t] = s;
}

/* Sum each site's catchment, and the silent targets listed at it. */
static void
sum_catchments(struct failover_matrix *m, struct mx_work *w)
{
	long long t;

	for (t = 0; t <= w->max_target; t++) {
		if (w->listed[t] == -2)
			continue;
		if (w->baseline[t] >= 0) {
			m->sites[w->baseline[t]].catchment++;
			m->sites[w->baseline[t]].catchment_weight += w->weight[t];
		} else if (w->listed[t] >= 0)
			m->sites[w->listed[t]].silent++;
		else
			m->silent_unlisted++;
	}
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
		mx_fail(db, "reading scenarios", err);
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
	int32_t b = p->w->baseline[t];

	if (b < 0 || p->row_of[b] < 0)
		return;
	row_count(&p->m->rows[p->row_of[b]], s, p->w->weight[t]);
	if (p->combined >= 0)
		row_count(&p->m->rows[p->combined], s, p->w->weight[t]);
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
	rc = each_response(db, w, s->round, note_scenario, &p, err);
	free(p.row_of);
	return rc;
}

/* Free the work arrays. */
static void
work_free(struct mx_work *w)
{
	free(w->weight);
	free(w->listed);
	free(w->baseline);
	free(w->site_index);
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

	memset(m, 0, sizeof(*m));
	memset(&w, 0, sizeof(w));
	m->campaign = campaign;
	if (tp_db_exec(db, "BEGIN", err) < 0)
		return -1;
	if (campaign_baseline(db, campaign, &base, err) < 0)
		goto done;
	m->baseline_round = base.id;
	if (load_sites(db, m, &w, err) < 0 || load_scenarios(db, m, only, err) < 0 ||
	    load_targets(db, m, &w, err) < 0 ||
	    each_response(db, &w, base.id, note_baseline, &w, err) < 0)
		goto done;
	sum_catchments(m, &w);
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
