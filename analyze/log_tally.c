/*
 * log_tally.c: an open-addressing hash table (linear probing, power of
 * two size, kept under 70% full) from address or prefix to its weight.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log_tally.h"
#include "xalloc.h"

struct tally_entry {
	struct tp_addr key;	/* family 0 = empty slot */
	struct tp_addr vote;	/* the address standing for a prefix */
	double weight;		/* summed weight */
	double lead;		/* the vote's lead over the others */
	uint64_t requests;
};

struct log_tally {
	unsigned prefix4, prefix6;
	struct tally_entry *v;
	size_t cap, n;
	uint64_t requests;
};

/* A 64-bit hash of the key: its halves folded, then MurmurHash3's fmix64. */
static uint64_t
key_hash(const struct tp_addr *a)
{
	uint64_t x, y;

	memcpy(&x, a->bytes, 8);
	memcpy(&y, a->bytes + 8, 8);
	x ^= (y << 31 | y >> 33) ^ a->family;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* 1 when both keys are the same. */
static int
key_equal(const struct tp_addr *a, const struct tp_addr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}

/* A new empty tally. */
struct log_tally *
log_tally_new(unsigned prefix4, unsigned prefix6)
{
	struct log_tally *t = xcalloc(1, sizeof(*t));

	t->prefix4 = prefix4;
	t->prefix6 = prefix6;
	t->cap = 1024;
	t->v = xcalloc(t->cap, sizeof(*t->v));
	return t;
}

/* Free the tally (NULL is fine). */
void
log_tally_free(struct log_tally *t)
{
	if (t == NULL)
		return;
	free(t->v);
	free(t);
}

/* The slot holding key, or the empty slot where it belongs. */
static struct tally_entry *
slot_of(struct tally_entry *v, size_t cap, const struct tp_addr *key)
{
	size_t i = (size_t)key_hash(key) & (cap - 1);

	while (v[i].key.family != 0 && !key_equal(&v[i].key, key))
		i = (i + 1) & (cap - 1);
	return &v[i];
}

/* Double the table and put every entry in its new slot. */
static void
grow(struct log_tally *t)
{
	size_t i, cap = t->cap * 2;
	struct tally_entry *v = xcalloc(cap, sizeof(*v));

	for (i = 0; i < t->cap; i++)
		if (t->v[i].key.family != 0)
			*slot_of(v, cap, &t->v[i].key) = t->v[i];
	free(t->v);
	t->v = v;
	t->cap = cap;
}

/* Count one request: into its address's entry, or its prefix's with a vote. */
void
log_tally_add(struct log_tally *t, const struct tp_addr *a, double w)
{
	struct tp_addr key = *a;
	struct tally_entry *e;
	unsigned len = a->family == AF_INET ? t->prefix4 : t->prefix6;

	if (len != 0)
		tp_addr_mask(&key, len);
	e = slot_of(t->v, t->cap, &key);
	if (e->key.family == 0) {
		if ((t->n + 1) * 10 > t->cap * 7) {
			grow(t);
			e = slot_of(t->v, t->cap, &key);
		}
		e->key = key;
		e->vote = *a;
		t->n++;
	} else if (key_equal(&e->vote, a))
		e->lead += w;
	else if (e->lead >= w)
		e->lead -= w;
	else {
		e->vote = *a;
		e->lead = w - e->lead;
	}
	if (e->requests == 0)
		e->lead = w;
	e->weight += w;
	e->requests++;
	t->requests++;
}

/* Distinct keys. */
size_t
log_tally_size(const struct log_tally *t)
{
	return t->n;
}

/* Requests counted. */
uint64_t
log_tally_requests(const struct log_tally *t)
{
	return t->requests;
}

/* Visit every key's standing address, weight and request count. */
void
log_tally_each(const struct log_tally *t,
    void (*fn)(const struct tp_addr *, double, uint64_t, void *), void *arg)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		if (t->v[i].key.family != 0)
			fn(&t->v[i].vote, t->v[i].weight, t->v[i].requests, arg);
}
