/* target_select.c: exclusion, de-duplication, one address per prefix, and --max. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "target_select.h"

/* Targets by address. */
static int
by_addr(const void *a, const void *b)
{
	return tp_addr_cmp(&((const struct tp_target *)a)->addr,
	    &((const struct tp_target *)b)->addr);
}

/* Targets by weight, heaviest first; the lower address first on a tie. */
static int
by_weight(const void *a, const void *b)
{
	const struct tp_target *x = a, *y = b;

	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return tp_addr_cmp(&x->addr, &y->addr);
}

/* Parse one prefix length in [1, max] from s up to end; 0 when s is empty. */
static int
parse_len(const char *s, size_t n, unsigned max, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	*out = 0;
	if (n == 0)
		return 0;
	if (n > 3)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v < 1 || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "24/48": IPv4 and IPv6 lengths; either side may be left out. */
int
target_select_parse_prefix(const char *s, struct target_select_opts *o, struct tp_err *err)
{
	const char *slash = strchr(s, '/');
	size_t n4 = slash ? (size_t)(slash - s) : strlen(s);

	if (parse_len(s, n4, 32, &o->prefix4) < 0 ||
	    (slash != NULL && parse_len(slash + 1, strlen(slash + 1), 128, &o->prefix6) < 0) ||
	    (o->prefix4 == 0 && o->prefix6 == 0))
		return tp_err_set(err, "--per-prefix \"%s\": want V4[/V6] lengths such as "
		    "24/48 (IPv4 1-32, IPv6 1-128)", s);
	return 0;
}

/* Drop excluded addresses, keeping the order. */
static size_t
drop_excluded(struct tp_target *v, size_t n, const struct tp_exclude *x, size_t *dropped)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (x != NULL && tp_exclude_contains(x, &v[i].addr)) {
			(*dropped)++;
			continue;
		}
		v[k++] = v[i];
	}
	return k;
}

/* Merge equal neighbours (v sorted by same()), summing weights; returns the new count. */
static size_t
merge_runs(struct tp_target *v, size_t n, int (*same)(const struct tp_target *,
    const struct tp_target *, const struct target_select_opts *),
    const struct target_select_opts *o, size_t *dropped)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (k > 0 && same(&v[k - 1], &v[i], o)) {
			v[k - 1].weight += v[i].weight;
			(*dropped)++;
			continue;
		}
		v[k++] = v[i];
	}
	return k;
}

/* 1 when both are the same address. */
static int
same_addr(const struct tp_target *a, const struct tp_target *b,
    const struct target_select_opts *o)
{
	(void)o;
	return tp_addr_cmp(&a->addr, &b->addr) == 0;
}

/* The prefix length grouping this address's family; 0 = none. */
static unsigned
group_len(const struct tp_addr *a, const struct target_select_opts *o)
{
	return a->family == AF_INET ? o->prefix4 : o->prefix6;
}

/* 1 when both lie in the same grouping prefix. */
static int
same_prefix(const struct tp_target *a, const struct tp_target *b,
    const struct target_select_opts *o)
{
	struct tp_addr x = a->addr, y = b->addr;
	unsigned len = group_len(&x, o);

	if (x.family != y.family || len == 0)
		return 0;
	tp_addr_mask(&x, len);
	tp_addr_mask(&y, len);
	return tp_addr_cmp(&x, &y) == 0;
}

/* Order by grouping prefix (opts is the options), then heaviest first, then address. */
static int
by_prefix_weight(const void *a, const void *b, void *opts)
{
	const struct target_select_opts *o = opts;
	const struct tp_target *x = a, *y = b;
	struct tp_addr px = x->addr, py = y->addr;
	int c;

	if (px.family == py.family) {
		unsigned len = group_len(&px, o);

		if (len != 0) {
			tp_addr_mask(&px, len);
			tp_addr_mask(&py, len);
		}
	}
	if ((c = tp_addr_cmp(&px, &py)) != 0)
		return c;
	return by_weight(a, b);
}

/* Run every selection step in order. */
void
target_select(struct tp_target *v, size_t *n, const struct target_select_opts *o,
    struct target_select_stats *st)
{
	size_t k = *n;

	memset(st, 0, sizeof(*st));
	st->read = k;
	if (k == 0)
		return;
	k = drop_excluded(v, k, o->exclude, &st->excluded);
	qsort(v, k, sizeof(*v), by_addr);
	k = merge_runs(v, k, same_addr, o, &st->duplicates);
	if (o->prefix4 != 0 || o->prefix6 != 0) {
		qsort_r(v, k, sizeof(*v), by_prefix_weight, (void *)o);
		k = merge_runs(v, k, same_prefix, o, &st->merged);
	}
	if (o->max != 0 && k > o->max) {
		qsort(v, k, sizeof(*v), by_weight);
		st->over_max = k - o->max;
		k = o->max;
	}
	qsort(v, k, sizeof(*v), by_addr);
	st->kept = k;
	*n = k;
}
