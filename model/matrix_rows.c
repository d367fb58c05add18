/*
 * matrix_rows.c: the rows of a failover matrix, shared by the measured
 * matrix (matrix.c) and the predicted one (predict.c): a scenario's sites
 * resolved to indexes, one row per withdrawn site and one combined row,
 * and the combined row's sum.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failure_set.h"
#include "matrix.h"
#include "xalloc.h"

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

/* Resolve the scenario's failure set to site indexes; see matrix.h. */
int
mx_resolve_sites(const struct mx_site *sites, size_t nsites, const char *withdrawn,
    size_t **out, size_t *n, char *unknown, size_t len)
{
	struct failure_set set;
	size_t i, k;

	*n = 0;
	*out = NULL;
	if (failure_set_parse(withdrawn, 0, &set, unknown, len) < 0)
		return -1;
	*out = xcalloc(set.n ? set.n : 1, sizeof(size_t));
	for (i = 0; i < set.n; i++) {
		for (k = 0; k < nsites && strcmp(sites[k].name, set.names[i]) != 0; k++)
			;
		if (k == nsites) {
			snprintf(unknown, len, "%s", set.names[i]);
			failure_set_free(&set);
			return -1;
		}
		(*out)[(*n)++] = k;
	}
	failure_set_free(&set);
	return 0;
}

/* Append an empty row for scenario si coming from `from`, with nbins destinations. */
struct mx_row *
mx_add_row(struct failover_matrix *m, size_t si, const char *from, int combined, size_t nbins)
{
	struct mx_row *r;

	m->rows = xreallocarray(m->rows, m->nrows + 1, sizeof(*m->rows));
	r = &m->rows[m->nrows++];
	memset(r, 0, sizeof(*r));
	r->scenario = si;
	r->from = xstrdup(from);
	r->combined = combined;
	r->to = xcalloc(nbins ? nbins : 1, sizeof(uint64_t));
	r->to_weight = xcalloc(nbins ? nbins : 1, sizeof(double));
	return r;
}

/* The rows of scenario si before any reply is counted; see matrix.h. */
void
mx_scenario_rows(struct failover_matrix *m, size_t si, size_t nbins)
{
	struct mx_scenario *s = &m->scenarios[si];
	size_t k;

	s->first_row = m->nrows;
	for (k = 0; k < s->nsites; k++) {
		const struct mx_site *site = &m->sites[s->sites[k]];
		struct mx_row *r = mx_add_row(m, si, site->name, 0, nbins);

		r->responsive = site->catchment;
		r->responsive_weight = site->catchment_weight;
		r->baseline_targets = site->catchment + site->silent;
	}
	if (s->nsites > 1) {
		struct mx_row *c = mx_add_row(m, si, s->withdrawn, 1, nbins);

		for (k = 0; k < s->nsites; k++) {
			const struct mx_row *r = &m->rows[s->first_row + k];

			c->responsive += r->responsive;
			c->responsive_weight += r->responsive_weight;
			c->baseline_targets += r->baseline_targets;
		}
	}
	s->nrows = m->nrows - s->first_row;
}

/* Fill scenario si's combined row (if any) with the sums of its site rows' answers. */
void
mx_sum_combined(struct failover_matrix *m, size_t si, int weights)
{
	const struct mx_scenario *s = &m->scenarios[si];
	struct mx_row *c;
	size_t k, d;

	if (s->nrows <= s->nsites)
		return;
	c = &m->rows[s->first_row + s->nsites];
	for (k = 0; k < s->nsites; k++) {
		const struct mx_row *r = &m->rows[s->first_row + k];

		c->answered += r->answered;
		c->split += r->split;
		if (weights) {
			c->answered_weight += r->answered_weight;
			c->split_weight += r->split_weight;
		}
		for (d = 0; d < m->nsites; d++) {
			c->to[d] += r->to[d];
			if (c->to_share != NULL && r->to_share != NULL)
				c->to_share[d] += r->to_share[d];
			if (weights)
				c->to_weight[d] += r->to_weight[d];
		}
	}
}

/* to_share[i] when the row has it, else to[i]. */
double
mx_to(const struct mx_row *r, size_t i)
{
	return r->to_share != NULL ? r->to_share[i] : (double)r->to[i];
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
		free(m->rows[i].to_share);
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
