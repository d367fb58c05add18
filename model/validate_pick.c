/* validate_pick.c: the next determined set to measure (see validate_pick.h). */
#include <stdlib.h>
#include <string.h>

#include "set_combination.h"
#include "validate_pick.h"
#include "xalloc.h"

/* One candidate set. */
struct candidate {
	char *set;
	size_t *sites;
	uint64_t determined, exposed;
};

/* splitmix64: a well-mixed 64-bit value from any input (Steele, Lea, Flood 2014). */
static uint64_t
splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* What keep_determined fills. */
struct validate_work {
	struct candidate *v;
	size_t n, k;
};

/* Keep every candidate with determined targets. */
static int
keep_determined(char *text, const size_t *idx, const struct pd_prediction *p, void *arg)
{
	struct validate_work *w = arg;
	struct candidate *c;
	size_t i;

	if (p->ndetermined == 0 || p->measured)
		return 0;
	w->v = xreallocarray(w->v, w->n + 1, sizeof(*w->v));
	c = &w->v[w->n++];
	c->set = text;
	c->sites = xcalloc(w->k, sizeof(size_t));
	memcpy(c->sites, idx, w->k * sizeof(size_t));
	c->determined = p->ndetermined;
	c->exposed = 0;
	for (i = 0; i < p->n; i++)
		c->exposed += p->exposed[i];
	return 1;
}

/* The candidate with the most exposed, then determined, targets; the first on ties. */
static size_t
by_cost(const struct candidate *v, size_t n)
{
	size_t i, best = 0;

	for (i = 1; i < n; i++)
		if (v[i].exposed > v[best].exposed ||
		    (v[i].exposed == v[best].exposed && v[i].determined > v[best].determined))
			best = i;
	return best;
}

/* A candidate drawn with odds by its determined targets. */
static size_t
by_chance(const struct candidate *v, size_t n, uint64_t seed, size_t index)
{
	uint64_t total = 0, r;
	size_t i;

	for (i = 0; i < n; i++)
		total += v[i].determined;
	if (total == 0)
		return 0;	/* no odds to draw by: the first */
	r = splitmix64(splitmix64(seed) ^ (uint64_t)index) % total;
	for (i = 0; i + 1 < n && r >= v[i].determined; i++)
		r -= v[i].determined;
	return i;
}

/* 1 when pick number index goes by chance: every third one, or when nothing is exposed. */
static int
at_random(size_t index, const struct candidate *most_exposed)
{
	return index % VALIDATE_RANDOM_EVERY == VALIDATE_RANDOM_EVERY - 1 ||
	    most_exposed->exposed == 0;
}

/* Choose by cost or by chance; see validate_pick.h. */
int
validate_pick(struct pd_model *md, const char *const *names, size_t nsites, size_t k,
    const char *const *known, size_t nknown, size_t index, uint64_t seed,
    struct validate_choice *out, struct tp_err *err)
{
	struct validate_work w = { NULL, 0, k };
	struct candidate *v;
	size_t n, i, pick;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = set_candidates_predict(md, names, nsites, k, known, nknown, keep_determined, &w,
	    err);
	v = w.v;
	n = w.n;
	if (rc == 0 && n > 0) {
		pick = by_cost(v, n);
		out->chosen = "cost";
		if (at_random(index, &v[pick])) {
			pick = by_chance(v, n, seed, index);
			out->chosen = "random";
		}
		out->set = v[pick].set;
		out->sites = v[pick].sites;
		out->k = k;
		out->determined = v[pick].determined;
		out->exposed = v[pick].exposed;
		v[pick].set = NULL;
		v[pick].sites = NULL;
	}
	for (i = 0; i < n; i++) {
		free(v[i].set);
		free(v[i].sites);
	}
	free(v);
	return rc;
}

/* Free what validate_pick chose. */
void
validate_choice_free(struct validate_choice *c)
{
	free(c->set);
	free(c->sites);
	memset(c, 0, sizeof(*c));
}
