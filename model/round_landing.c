/* round_landing.c: one round's replies grouped per target, for split targets. */
#include <stdlib.h>

#include "round_landing.h"
#include "xalloc.h"

/* The target being gathered and where to hand it when the next one starts. */
struct landing_pass {
	struct target_landing l;
	void (*fn)(const struct target_landing *, void *);
	void *arg;
};

/* Hand the gathered target (if any) to the caller's function. */
static void
landing_flush(struct landing_pass *p)
{
	if (p->l.nsites > 0)
		p->fn(&p->l, p->arg);
	p->l.nsites = 0;
	p->l.total = 0;
}

/* Count one reply of target t at site s; a new target flushes the last. */
static void
landing_add(long long t, int32_t s, void *arg)
{
	struct landing_pass *p = arg;
	struct target_landing *l = &p->l;
	size_t k;

	if (t != l->target) {
		landing_flush(p);
		l->target = t;
	}
	l->total++;
	for (k = 0; k < l->nsites; k++)
		if (l->site[k] == s) {
			l->replies[k]++;
			return;
		}
	l->site[l->nsites] = s;
	l->replies[l->nsites++] = 1;
}

/*
 * Call fn once per target of round with its replies by site. The replies
 * come ordered by target, so one target's are next to each other.
 */
int
round_each_landing(struct tp_db *db, const struct site_map *map,
    const struct target_table *tt, long long round, const char *what,
    void (*fn)(const struct target_landing *, void *), void *arg, struct tp_err *err)
{
	size_t cap = (size_t)(map->max_site > 0 ? map->max_site : 0) + 1;
	struct landing_pass p = { { -1, 0, NULL, NULL, 0 }, fn, arg };
	int rc;

	p.l.site = xcalloc(cap, sizeof(*p.l.site));
	p.l.replies = xcalloc(cap, sizeof(*p.l.replies));
	rc = campaign_each_response(db, map, tt, round, what, landing_add, &p, err);
	if (rc == 0)
		landing_flush(&p);
	free(p.l.site);
	free(p.l.replies);
	return rc;
}

/* The site with most replies; the first reached on a tie. */
int32_t
landing_plurality(const struct target_landing *l)
{
	size_t k, best = 0;

	for (k = 1; k < l->nsites; k++)
		if (l->replies[k] > l->replies[best])
			best = k;
	return l->site[best];
}

/* replies[k] / total. */
double
landing_share(const struct target_landing *l, size_t k)
{
	return l->total > 0 ? (double)l->replies[k] / l->total : 0;
}
