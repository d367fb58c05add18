/*
 * log_tally.c: entries kept densely in the order first seen, found through
 * an open-addressing index (linear probing, power of two size, kept under
 * 70% full) of 8-byte slots: the entry's number and 32 bits of its hash.
 * Probing touches only the small index; an entry is read only when its
 * hash bits match, so a line costs about one visit to its entry.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log_tally.h"
#include "xalloc.h"

struct tally_entry {
	struct tp_addr key;	/* the address, or the masked prefix */
	struct tp_addr vote;	/* the address standing for a prefix */
	double weight;		/* summed weight */
	double lead;		/* the vote's lead over the others */
	uint64_t requests;
};

/* An index slot: entry number + 1 (0 = empty) and the top bits of its hash. */
struct tally_slot {
	uint32_t entry;
	uint32_t tag;
};

struct log_tally {
	unsigned prefix4, prefix6;
	struct tally_slot *index;
	size_t cap;		/* index slots */
	struct tally_entry *v;	/* entries, dense */
	size_t n, vcap;
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
	t->index = xcalloc(t->cap, sizeof(*t->index));
	return t;
}

/* Free the tally (NULL is fine). */
void
log_tally_free(struct log_tally *t)
{
	if (t == NULL)
		return;
	free(t->index);
	free(t->v);
	free(t);
}

/* The index slot of key (hash h), or the empty slot where it belongs. */
static struct tally_slot *
slot_of(const struct log_tally *t, const struct tp_addr *key, uint64_t h)
{
	size_t i = (size_t)h & (t->cap - 1);
	uint32_t tag = (uint32_t)(h >> 32);

	while (t->index[i].entry != 0 && (t->index[i].tag != tag ||
	    !key_equal(&t->v[t->index[i].entry - 1].key, key)))
		i = (i + 1) & (t->cap - 1);
	return &t->index[i];
}

/* Double the index and put every entry's slot in its new place. */
static void
grow(struct log_tally *t)
{
	size_t i;

	free(t->index);
	t->cap *= 2;
	t->index = xcalloc(t->cap, sizeof(*t->index));
	for (i = 0; i < t->n; i++) {
		uint64_t h = key_hash(&t->v[i].key);
		struct tally_slot *s = slot_of(t, &t->v[i].key, h);

		s->entry = (uint32_t)i + 1;
		s->tag = (uint32_t)(h >> 32);
	}
}

/* A new entry for key standing for a, with its index slot. */
static struct tally_entry *
add_entry(struct log_tally *t, const struct tp_addr *key, const struct tp_addr *a, uint64_t h)
{
	struct tally_slot *s;
	struct tally_entry *e;

	if ((t->n + 1) * 10 > t->cap * 7)
		grow(t);
	if (t->n == t->vcap) {
		t->vcap = t->vcap ? t->vcap * 2 : 1024;
		t->v = xreallocarray(t->v, t->vcap, sizeof(*t->v));
	}
	if (t->n >= UINT32_MAX)
		abort();	/* four billion distinct addresses */
	s = slot_of(t, key, h);
	e = &t->v[t->n];
	memset(e, 0, sizeof(*e));
	e->key = *key;
	e->vote = *a;
	s->entry = (uint32_t)++t->n;
	s->tag = (uint32_t)(h >> 32);
	return e;
}

/* Count one request: into its address's entry, or its prefix's with a vote. */
void
log_tally_add(struct log_tally *t, const struct tp_addr *a, double w)
{
	struct tp_addr key = *a;
	struct tally_slot *s;
	struct tally_entry *e;
	unsigned len = a->family == AF_INET ? t->prefix4 : t->prefix6;
	uint64_t h;

	if (len != 0)
		tp_addr_mask(&key, len);
	h = key_hash(&key);
	s = slot_of(t, &key, h);
	if (s->entry == 0) {
		e = add_entry(t, &key, a, h);
		e->lead = w;
	} else {
		e = &t->v[s->entry - 1];
		if (key_equal(&e->vote, a))
			e->lead += w;
		else if (e->lead >= w)
			e->lead -= w;
		else {
			e->vote = *a;
			e->lead = w - e->lead;
		}
	}
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

/* Visit every key's standing address, weight and request count, in the order first seen. */
void
log_tally_each(const struct log_tally *t,
    void (*fn)(const struct tp_addr *, double, uint64_t, void *), void *arg)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		fn(&t->v[i].vote, t->v[i].weight, t->v[i].requests, arg);
}
