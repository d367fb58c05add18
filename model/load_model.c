/* load_model.c: expected load per destination for every failure scenario. */
#include <stdlib.h>
#include <string.h>

#include "load_model.h"
#include "xalloc.h"

/* Capacity from the configuration first, then from the database. */
double
lm_capacity(const struct tp_conf *conf, const struct mx_site *s)
{
	const struct tp_site_conf *sc;

	if (conf != NULL && (sc = tp_conf_site(conf, s->name)) != NULL && sc->capacity > 0)
		return sc->capacity;
	return s->capacity > 0 ? s->capacity : 0;
}

/* Destinations: largest share first, then by site index (which is name order). */
static int
by_share(const void *a, const void *b)
{
	const struct lm_dest *x = a, *y = b;

	if (x->share != y->share)
		return x->share > y->share ? -1 : 1;
	return x->site < y->site ? -1 : x->site > y->site;
}

/* Model one scenario from the row that covers its whole set. */
static void
model_scenario(const struct failover_matrix *m, const struct tp_conf *conf, size_t si,
    struct lm_scenario *out)
{
	const struct mx_scenario *s = &m->scenarios[si];
	const struct mx_row *r = &m->rows[s->first_row + s->nrows - 1];
	double outside = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->scenario = si;
	out->row = r;
	out->load = r->responsive_weight;
	out->dests = xcalloc(m->nsites ? m->nsites : 1, sizeof(*out->dests));
	for (i = 0; i < m->nsites; i++)
		if (!mx_withdrawn(s, i))
			outside += r->to_weight[i];
	out->measured = outside > 0;
	for (i = 0; i < m->nsites; i++) {
		struct lm_dest *d;

		if (mx_withdrawn(s, i))
			continue;
		d = &out->dests[out->ndests++];
		d->site = i;
		d->share = out->measured ? r->to_weight[i] / outside : 0;
		d->baseline = m->sites[i].catchment_weight;
		d->incoming = out->load * d->share;
		d->capacity = lm_capacity(conf, &m->sites[i]);
	}
	qsort(out->dests, out->ndests, sizeof(*out->dests), by_share);
}

/* Model every scenario of the matrix. */
struct lm_scenario *
load_model_build(const struct failover_matrix *m, const struct tp_conf *conf, size_t *n)
{
	struct lm_scenario *v = xcalloc(m->nscenarios ? m->nscenarios : 1, sizeof(*v));
	size_t i;

	for (i = 0; i < m->nscenarios; i++)
		model_scenario(m, conf, i, &v[i]);
	*n = m->nscenarios;
	return v;
}

/* Free what load_model_build returned. */
void
load_model_free(struct lm_scenario *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].dests);
	free(v);
}
