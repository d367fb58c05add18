/*
 * exclude.c: the list of ranges never to probe.
 *
 * Each family keeps its prefixes as sorted, merged, non-overlapping and
 * non-adjacent [start, end] ranges of 128-bit numbers (an IPv4 address is
 * its 32-bit value), so a lookup is one binary search over a few dozen
 * ranges for the default list.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "exclude.h"
#include "xalloc.h"

/* An unsigned 128-bit number as two halves, so no compiler extension is needed. */
struct u128 {
	uint64_t hi, lo;
};

/* Every address from start to end, both included. */
struct range {
	struct u128 start, end;
};

/* A growing array of ranges, kept sorted and merged between calls. */
struct range_set {
	struct range *r;
	size_t n, cap;
};

struct tp_exclude {
	struct range_set v4, v6;
	size_t count;
};

/* 1 when a <= b. */
static inline int
u128_le(struct u128 a, struct u128 b)
{
	return a.hi < b.hi || (a.hi == b.hi && a.lo <= b.lo);
}

/* 1 when b == a + 1 (b directly follows a; false when a is all ones). */
static int
u128_follows(struct u128 a, struct u128 b)
{
	if (a.lo != UINT64_MAX)
		return b.hi == a.hi && b.lo == a.lo + 1;
	return a.hi != UINT64_MAX && b.hi == a.hi + 1 && b.lo == 0;
}

/* Read n (<= 8) big-endian bytes as a number. */
static inline uint64_t
be_read(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* The address as a number: IPv4 in the low 32 bits, IPv6 in all 128. */
static inline struct u128
addr_value(const struct tp_addr *a)
{
	struct u128 v;

	if (a->family == AF_INET) {
		v.hi = 0;
		v.lo = be_read(a->bytes, 4);
	} else {
		v.hi = be_read(a->bytes, 8);
		v.lo = be_read(a->bytes + 8, 8);
	}
	return v;
}

/* The first and last address of a prefix, as a range. */
static struct range
prefix_range(const struct tp_prefix *p)
{
	unsigned width = (unsigned)tp_addr_size(p->addr.family) * 8;
	unsigned host = width - (p->len > width ? width : p->len);
	struct range r;

	r.start = addr_value(&p->addr);
	r.end = r.start;
	if (host >= 64) {
		r.end.lo = UINT64_MAX;
		if (host == 128)
			r.end.hi = UINT64_MAX;
		else if (host > 64)
			r.end.hi |= (UINT64_C(1) << (host - 64)) - 1;
	} else if (host > 0) {
		r.end.lo |= (UINT64_C(1) << host) - 1;
	}
	return r;
}

/* The range set that holds this family, or NULL for an unknown family. */
static struct range_set *
exclude_set(struct tp_exclude *x, int family)
{
	if (family == AF_INET)
		return &x->v4;
	if (family == AF_INET6)
		return &x->v6;
	return NULL;
}

/* Append a range without keeping order (load sorts once at the end). */
static void
set_append(struct range_set *s, struct range r)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 32;
		s->r = xreallocarray(s->r, s->cap, sizeof(*s->r));
	}
	s->r[s->n++] = r;
}

/* qsort order: by start. */
static int
range_cmp(const void *va, const void *vb)
{
	const struct range *a = va, *b = vb;

	if (a->start.hi != b->start.hi)
		return a->start.hi < b->start.hi ? -1 : 1;
	if (a->start.lo != b->start.lo)
		return a->start.lo < b->start.lo ? -1 : 1;
	return 0;
}

/* Sort the ranges and merge those that overlap or touch. */
static void
set_normalize(struct range_set *s)
{
	size_t i, out = 0;

	if (s->n == 0)
		return;
	qsort(s->r, s->n, sizeof(*s->r), range_cmp);
	for (i = 1; i < s->n; i++) {
		struct range *last = &s->r[out];

		if (u128_le(s->r[i].start, last->end) ||
		    u128_follows(last->end, s->r[i].start)) {
			if (u128_le(last->end, s->r[i].end))
				last->end = s->r[i].end;
		} else {
			s->r[++out] = s->r[i];
		}
	}
	s->n = out + 1;
}

/* Number of ranges whose start is <= v (binary search). */
static inline size_t
set_upper(const struct range_set *s, struct u128 v)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (u128_le(s->r[mid].start, v))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Insert a range into a normalized set, merging it with its neighbours. */
static void
set_insert(struct range_set *s, struct range r)
{
	size_t first, last;

	/* Ranges first..last-1 overlap or touch r; all before end before it. */
	last = set_upper(s, r.end);
	if (last < s->n && u128_follows(r.end, s->r[last].start))
		last++;
	first = last;
	while (first > 0 && (u128_le(r.start, s->r[first - 1].end) ||
	    u128_follows(s->r[first - 1].end, r.start)))
		first--;
	if (first == last) {
		set_append(s, r);
		memmove(&s->r[first + 1], &s->r[first],
		    (s->n - 1 - first) * sizeof(*s->r));
		s->r[first] = r;
		return;
	}
	if (u128_le(s->r[first].start, r.start))
		r.start = s->r[first].start;
	if (u128_le(r.end, s->r[last - 1].end))
		r.end = s->r[last - 1].end;
	s->r[first] = r;
	memmove(&s->r[first + 1], &s->r[last], (s->n - last) * sizeof(*s->r));
	s->n -= last - first - 1;
}

/* Where the installed default list lives. */
const char *
tp_exclude_default_path(void)
{
	return TP_DEFAULT_EXCLUDE;
}

/* A list with nothing in it. */
struct tp_exclude *
tp_exclude_new(void)
{
	return xcalloc(1, sizeof(struct tp_exclude));
}

/* Add one prefix (kept merged, so lookups stay one binary search). */
void
tp_exclude_add(struct tp_exclude *x, const struct tp_prefix *p)
{
	struct range_set *s = exclude_set(x, p->addr.family);

	if (s == NULL)
		return;
	set_insert(s, prefix_range(p));
	x->count++;
}

/*
 * Cut a line down to its one prefix: drop the comment and surrounding
 * space. Returns the prefix text (empty for a blank or comment line), or
 * NULL when more than one word is left.
 */
static char *
line_prefix(char *line)
{
	char *hash = strchr(line, '#'), *end, *p;

	if (hash != NULL)
		*hash = '\0';
	while (isspace((unsigned char)*line))
		line++;
	end = line + strlen(line);
	while (end > line && isspace((unsigned char)end[-1]))
		*--end = '\0';
	for (p = line; *p != '\0'; p++)
		if (isspace((unsigned char)*p))
			return NULL;
	return line;
}

/* Read a list file, one prefix per line; the first bad line fails the load. */
struct tp_exclude *
tp_exclude_load(const char *path, struct tp_err *err)
{
	struct tp_exclude *x;
	struct tp_prefix p;
	char *line = NULL, *text;
	size_t cap = 0, lineno = 0;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		tp_err_set(err, "%s: cannot open exclusion list: %s", path,
		    strerror(errno));
		return NULL;
	}
	x = tp_exclude_new();
	while (getline(&line, &cap, f) != -1) {
		lineno++;
		text = line_prefix(line);
		if (text == NULL) {
			tp_err_set(err, "%s:%zu: expected one prefix per line",
			    path, lineno);
			goto fail;
		}
		if (*text == '\0')
			continue;
		if (tp_prefix_parse(text, &p, err) == -1) {
			tp_err_prefix(err, "%s:%zu", path, lineno);
			goto fail;
		}
		set_append(exclude_set(x, p.addr.family), prefix_range(&p));
		x->count++;
	}
	if (ferror(f)) {
		tp_err_set(err, "%s: read error: %s", path, strerror(errno));
		goto fail;
	}
	free(line);
	fclose(f);
	set_normalize(&x->v4);
	set_normalize(&x->v6);
	return x;
fail:
	free(line);
	fclose(f);
	tp_exclude_free(x);
	return NULL;
}

/* 1 when a is inside a listed prefix of its family. */
int
tp_exclude_contains(const struct tp_exclude *x, const struct tp_addr *a)
{
	const struct range_set *s;
	struct u128 v;
	size_t i;

	if (a->family == AF_INET)
		s = &x->v4;
	else if (a->family == AF_INET6)
		s = &x->v6;
	else
		return 0;
	v = addr_value(a);
	i = set_upper(s, v);
	return i > 0 && u128_le(v, s->r[i - 1].end);
}

/* How many prefixes were added or loaded (before merging). */
size_t
tp_exclude_count(const struct tp_exclude *x)
{
	return x->count;
}

/* How many ranges remain once overlapping and touching prefixes are merged. */
size_t
tp_exclude_ranges(const struct tp_exclude *x)
{
	return x->v4.n + x->v6.n;
}

/* Release the list (NULL is fine). */
void
tp_exclude_free(struct tp_exclude *x)
{
	if (x == NULL)
		return;
	free(x->v4.r);
	free(x->v6.r);
	free(x);
}
