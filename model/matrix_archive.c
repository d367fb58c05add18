/*
 * matrix_archive.c: the failover matrix to and from one JSON document
 * (version 1) in campaign_aggregates(campaign_id, pruned_us, matrix).
 * Reals are written with 17 digits so they read back exactly.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "matrix_archive.h"
#include "xalloc.h"

#define ARCHIVE_VERSION 1

/* The sites as [id, name, capacity, catchment, catchment_weight, silent] rows. */
static json_t *
sites_json(const struct failover_matrix *m)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < m->nsites; i++) {
		const struct mx_site *s = &m->sites[i];

		json_array_append_new(a, json_pack("[I,s,f,I,f,I]", (json_int_t)s->id, s->name,
		    s->capacity, (json_int_t)s->catchment, s->catchment_weight,
		    (json_int_t)s->silent));
	}
	return a;
}

/* The scenarios with their withdrawn site indexes and rows. */
static json_t *
scenarios_json(const struct failover_matrix *m)
{
	json_t *a = json_array();
	size_t i, k;

	for (i = 0; i < m->nscenarios; i++) {
		const struct mx_scenario *s = &m->scenarios[i];
		json_t *sites = json_array();

		for (k = 0; k < s->nsites; k++)
			json_array_append_new(sites, json_integer((json_int_t)s->sites[k]));
		json_array_append_new(a, json_pack("{s:I,s:s,s:o,s:I,s:b,s:I,s:I}",
		    "id", (json_int_t)s->id, "withdrawn", s->withdrawn, "sites", sites,
		    "round", (json_int_t)s->round, "round_complete", s->round_complete,
		    "first_row", (json_int_t)s->first_row, "nrows", (json_int_t)s->nrows));
	}
	return a;
}

/* The rows, each with its per-site counts and weights. */
static json_t *
rows_json(const struct failover_matrix *m)
{
	json_t *a = json_array();
	size_t i, k;

	for (i = 0; i < m->nrows; i++) {
		const struct mx_row *r = &m->rows[i];
		json_t *to = json_array(), *tw = json_array(), *ts = json_array();

		for (k = 0; k < m->nsites; k++) {
			json_array_append_new(to, json_integer((json_int_t)r->to[k]));
			json_array_append_new(tw, json_real(r->to_weight[k]));
			json_array_append_new(ts, json_real(mx_to(r, k)));
		}
		json_array_append_new(a, json_pack("{s:I,s:s,s:b,s:I,s:I,s:f,s:I,s:f,s:o,s:o,s:o,s:I,s:f}",
		    "scenario", (json_int_t)r->scenario, "from", r->from, "combined", r->combined,
		    "baseline_targets", (json_int_t)r->baseline_targets,
		    "responsive", (json_int_t)r->responsive,
		    "responsive_weight", r->responsive_weight,
		    "answered", (json_int_t)r->answered, "answered_weight", r->answered_weight,
		    "to", to, "to_weight", tw, "to_share", ts,
		    "split", (json_int_t)r->split, "split_weight", r->split_weight));
	}
	return a;
}

/* Store m in campaign_aggregates. */
int
matrix_archive_save(struct tp_db *db, const struct failover_matrix *m, struct tp_err *err)
{
	json_t *doc = json_pack("{s:i,s:I,s:I,s:I,s:I,s:o,s:o,s:o}", "version", ARCHIVE_VERSION,
	    "campaign", (json_int_t)m->campaign, "baseline_round", (json_int_t)m->baseline_round,
	    "targets", (json_int_t)m->targets, "silent_unlisted", (json_int_t)m->silent_unlisted,
	    "sites", sites_json(m), "scenarios", scenarios_json(m), "rows", rows_json(m));
	char *text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(17));
	sqlite3_stmt *st;
	int rc;

	json_decref(doc);
	if (text == NULL)
		abort();	/* out of memory */
	if (tp_db_prepare(db, "INSERT OR REPLACE INTO campaign_aggregates "
	    "(campaign_id, pruned_us, matrix) VALUES (?, " "strftime('%s', 'now') * 1000000, ?)",
	    &st, err) < 0) {
		free(text);
		return -1;
	}
	sqlite3_bind_int64(st, 1, m->campaign);
	sqlite3_bind_text(st, 2, text, -1, free);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return tp_err_set(err, "%s: storing the matrix of campaign %lld: %s", db->path,
		    m->campaign, sqlite3_errmsg(db->h));
	return 0;
}

/* Read the sites array into m. */
static int
sites_from_json(json_t *a, struct failover_matrix *m)
{
	size_t i;

	m->nsites = json_array_size(a);
	m->sites = xcalloc(m->nsites ? m->nsites : 1, sizeof(*m->sites));
	for (i = 0; i < m->nsites; i++) {
		struct mx_site *s = &m->sites[i];
		json_int_t id, catchment, silent;
		const char *name;

		if (json_unpack(json_array_get(a, i), "[I,s,F,I,F,I]", &id, &name, &s->capacity,
		    &catchment, &s->catchment_weight, &silent) < 0 ||
		    strlen(name) >= sizeof(s->name))
			return -1;
		s->id = id;
		s->catchment = (uint64_t)catchment;
		s->silent = (uint64_t)silent;
		strcpy(s->name, name);
	}
	return 0;
}

/* Read one scenario (its site indexes checked against the sites). */
static int
scenario_from_json(json_t *o, const struct failover_matrix *m, struct mx_scenario *s)
{
	json_int_t id, round, first, n;
	const char *withdrawn;
	json_t *sites;
	int complete;
	size_t k;

	if (json_unpack(o, "{s:I,s:s,s:o,s:I,s:b,s:I,s:I}", "id", &id, "withdrawn", &withdrawn,
	    "sites", &sites, "round", &round, "round_complete", &complete, "first_row", &first,
	    "nrows", &n) < 0 || !json_is_array(sites) || first < 0 || n < 0)
		return -1;
	s->id = id;
	s->withdrawn = xstrdup(withdrawn);
	s->round = round;
	s->round_complete = complete;
	s->first_row = (size_t)first;
	s->nrows = (size_t)n;
	s->nsites = json_array_size(sites);
	s->sites = xcalloc(s->nsites ? s->nsites : 1, sizeof(*s->sites));
	for (k = 0; k < s->nsites; k++) {
		json_t *v = json_array_get(sites, k);

		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    (size_t)json_integer_value(v) >= m->nsites)
			return -1;
		s->sites[k] = (size_t)json_integer_value(v);
	}
	return 0;
}

/* Read one row; its per-site arrays must have one entry per site. */
static int
row_from_json(json_t *o, const struct failover_matrix *m, struct mx_row *r)
{
	json_int_t scenario, base, resp, answered, split = 0;
	const char *from;
	json_t *to, *tw, *ts = NULL;
	size_t k;

	if (json_unpack(o, "{s:I,s:s,s:b,s:I,s:I,s:F,s:I,s:F,s:o,s:o}", "scenario", &scenario,
	    "from", &from, "combined", &r->combined, "baseline_targets", &base,
	    "responsive", &resp, "responsive_weight", &r->responsive_weight,
	    "answered", &answered, "answered_weight", &r->answered_weight,
	    "to", &to, "to_weight", &tw) < 0 || scenario < 0 ||
	    json_array_size(to) != m->nsites || json_array_size(tw) != m->nsites)
		return -1;
	/* Matrices stored before split targets were counted have none of these. */
	if (json_unpack(o, "{s?o,s?I,s?F}", "to_share", &ts, "split", &split,
	    "split_weight", &r->split_weight) < 0 ||
	    (ts != NULL && json_array_size(ts) != m->nsites) || split < 0)
		return -1;
	r->split = (uint64_t)split;
	r->scenario = (size_t)scenario;
	r->from = xstrdup(from);
	r->baseline_targets = (uint64_t)base;
	r->responsive = (uint64_t)resp;
	r->answered = (uint64_t)answered;
	r->to = xcalloc(m->nsites ? m->nsites : 1, sizeof(*r->to));
	r->to_weight = xcalloc(m->nsites ? m->nsites : 1, sizeof(*r->to_weight));
	for (k = 0; k < m->nsites; k++) {
		r->to[k] = (uint64_t)json_integer_value(json_array_get(to, k));
		r->to_weight[k] = json_number_value(json_array_get(tw, k));
	}
	if (ts != NULL) {
		r->to_share = xcalloc(m->nsites ? m->nsites : 1, sizeof(*r->to_share));
		for (k = 0; k < m->nsites; k++)
			r->to_share[k] = json_number_value(json_array_get(ts, k));
	}
	return 0;
}

/* Fill m from the document; -1 when it is not a version 1 matrix. */
static int
matrix_from_json(json_t *doc, struct failover_matrix *m)
{
	json_int_t campaign, base, targets, silent;
	json_t *sites, *scenarios, *rows;
	int version;
	size_t i;

	if (json_unpack(doc, "{s:i,s:I,s:I,s:I,s:I,s:o,s:o,s:o}", "version", &version,
	    "campaign", &campaign, "baseline_round", &base, "targets", &targets,
	    "silent_unlisted", &silent, "sites", &sites, "scenarios", &scenarios,
	    "rows", &rows) < 0 || version != ARCHIVE_VERSION)
		return -1;
	m->campaign = campaign;
	m->baseline_round = base;
	m->targets = (uint64_t)targets;
	m->silent_unlisted = (uint64_t)silent;
	if (sites_from_json(sites, m) < 0)
		return -1;
	m->scenarios = xcalloc(json_array_size(scenarios) + 1, sizeof(*m->scenarios));
	for (i = 0; i < json_array_size(scenarios); i++)
		if (m->nscenarios++, scenario_from_json(json_array_get(scenarios, i), m,
		    &m->scenarios[i]) < 0)
			return -1;
	m->rows = xcalloc(json_array_size(rows) + 1, sizeof(*m->rows));
	for (i = 0; i < json_array_size(rows); i++)
		if (m->nrows++, row_from_json(json_array_get(rows, i), m, &m->rows[i]) < 0 ||
		    m->rows[i].scenario >= m->nscenarios)
			return -1;
	for (i = 0; i < m->nscenarios; i++)
		if (m->scenarios[i].first_row + m->scenarios[i].nrows > m->nrows)
			return -1;
	return 0;
}

/* Keep only the scenario whose failure set is only (its rows renumbered). */
static int
keep_only(struct failover_matrix *m, const char *only, struct tp_err *err)
{
	struct failover_matrix keep;
	size_t i, k;

	for (i = 0; i < m->nscenarios; i++)
		if (strcmp(m->scenarios[i].withdrawn, only) == 0)
			break;
	if (i == m->nscenarios)
		return tp_err_set(err, "campaign %lld has no scenario %s", m->campaign, only);
	keep = *m;
	keep.scenarios = xcalloc(1, sizeof(*keep.scenarios));
	keep.scenarios[0] = m->scenarios[i];
	keep.nscenarios = 1;
	keep.rows = xcalloc(m->scenarios[i].nrows + 1, sizeof(*keep.rows));
	keep.nrows = m->scenarios[i].nrows;
	for (k = 0; k < keep.nrows; k++) {
		keep.rows[k] = m->rows[m->scenarios[i].first_row + k];
		keep.rows[k].scenario = 0;
		m->rows[m->scenarios[i].first_row + k].from = NULL;	/* moved */
		m->rows[m->scenarios[i].first_row + k].to = NULL;
		m->rows[m->scenarios[i].first_row + k].to_weight = NULL;
		m->rows[m->scenarios[i].first_row + k].to_share = NULL;
	}
	keep.scenarios[0].first_row = 0;
	m->scenarios[i].withdrawn = NULL;
	m->scenarios[i].sites = NULL;
	m->sites = NULL;
	matrix_free(m);
	*m = keep;
	return 0;
}

/* The stored matrix of a pruned campaign: 1 loaded, 0 none stored, -1 error. */
int
matrix_archive_load(struct tp_db *db, long long campaign, const char *only,
    struct failover_matrix *m, struct tp_err *err)
{
	sqlite3_stmt *st;
	json_t *doc = NULL;
	int rc;

	memset(m, 0, sizeof(*m));
	if (tp_db_prepare(db, "SELECT matrix FROM campaign_aggregates WHERE campaign_id = ?",
	    &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, campaign);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		doc = json_loadb((const char *)sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0), 0, NULL);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return tp_err_set(err, "%s: reading the stored matrix of campaign %lld: %s",
		    db->path, campaign, sqlite3_errmsg(db->h));
	rc = matrix_from_json(doc, m);
	json_decref(doc);
	if (rc < 0 || m->campaign != campaign) {
		matrix_free(m);
		return tp_err_set(err, "%s: the stored matrix of campaign %lld is damaged",
		    db->path, campaign);
	}
	if (only != NULL && keep_only(m, only, err) < 0) {
		matrix_free(m);
		return -1;
	}
	return 1;
}
