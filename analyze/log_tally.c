/*
 * log_tally.c: entries kept densely in the order first seen, found through
 * open-addressing indexes (linear probing, power of two size, kept under
 * 70% full) of 8-byte slots: one for IPv4 keys, whose slot holds the whole
 * key, and one for IPv6 keys, whose slot holds 32 bits of the key's hash.
 * An entry's counters lie apart from its keys, so the common request (an
 * IPv4 address) reads one index slot and writes one 16-byte counter: the
 * index and the counters of a hundred thousand clients fit in a core's
 * cache.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log_tally.h"
#include "xalloc.h"

/* What each request adds to. */
struct tally_count {
	double weight;		/* summed weight */
	uint64_t requests;
};

/* The key of an entry, and the vote for the address standing for a prefix. */
struct tally_key {
	struct tp_addr key;	/* the address, or the masked prefix */
	struct tp_addr vote;	/* the address standing for a prefix */
	double lead;		/* the vote's lead over the others */
};

/* An index slot: entry number + 1 (0 = empty) and the IPv4 key or 32 hash bits. */
struct tally_slot {
	uint32_t entry;
	uint32_t tag;
};

/* One family's index. */
struct tally_index {
	struct tally_slot *slots;
	size_t cap, n;
};

struct log_tally {
	unsigned prefix4, prefix6;
	struct tally_index v4, v6;
	struct tally_count *count;	/* per entry, dense */
	struct tally_key *keys;		/* per entry, dense */
	size_t n, vcap;
	uint64_t requests;
};

/* The tag of a key: the IPv4 address itself, or 32 bits of a hash of the IPv6 one. */
static uint32_t
key_tag(const struct tp_addr *a, uint64_t *h)
{
	uint64_t x, y;

	if (a->family == AF_INET) {
		uint32_t v;

		memcpy(&v, a->bytes, 4);
		x = v;
	} else {
		memcpy(&x, a->bytes, 8);
		memcpy(&y, a->bytes + 8, 8);
		x ^= y << 31 | y >> 33;
	}
	/* MurmurHash3's fmix64 spreads the bits over the index. */
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	*h = x;
	if (a->family == AF_INET) {
		uint32_t v;

		memcpy(&v, a->bytes, 4);
		return v;
	}
	return (uint32_t)(x >> 32);
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
	t->v4.cap = t->v6.cap = 1024;
	t->v4.slots = xcalloc(t->v4.cap, sizeof(struct tally_slot));
	t->v6.slots = xcalloc(t->v6.cap, sizeof(struct tally_slot));
	return t;
}

/* Free the tally (NULL is fine). */
void
log_tally_free(struct log_tally *t)
{
	if (t == NULL)
		return;
	free(t->v4.slots);
	free(t->v6.slots);
	free(t->count);
	free(t->keys);
	free(t);
}

/*
 * The index slot of key (hash h, tag), or the empty slot where it
 * belongs. An IPv4 slot is the key when its tag matches; an IPv6 slot's
 * entry is compared only then.
 */
static struct tally_slot *
slot_of(const struct log_tally *t, const struct tally_index *ix, const struct tp_addr *key,
    uint64_t h, uint32_t tag)
{
	size_t mask = ix->cap - 1, i = (size_t)h & mask;

	if (key->family == AF_INET) {
		while (ix->slots[i].entry != 0 && ix->slots[i].tag != tag)
			i = (i + 1) & mask;
		return &ix->slots[i];
	}
	while (ix->slots[i].entry != 0 && (ix->slots[i].tag != tag ||
	    !key_equal(&t->keys[ix->slots[i].entry - 1].key, key)))
		i = (i + 1) & mask;
	return &ix->slots[i];
}

/* Double an index and put its entries' slots in their new places. */
static void
grow(struct log_tally *t, struct tally_index *ix)
{
	struct tally_slot *old = ix->slots;
	size_t oldcap = ix->cap, i;

	ix->cap *= 2;
	ix->slots = xcalloc(ix->cap, sizeof(*ix->slots));
	for (i = 0; i < oldcap; i++)
		if (old[i].entry != 0) {
			const struct tp_addr *k = &t->keys[old[i].entry - 1].key;
			uint64_t h;
			uint32_t tag = key_tag(k, &h);

			*slot_of(t, ix, k, h, tag) = old[i];
		}
	free(old);
}

/* A new entry for key standing for a, with its index slot; its number. */
static size_t
add_entry(struct log_tally *t, struct tally_index *ix, const struct tp_addr *key,
    const struct tp_addr *a, uint64_t h, uint32_t tag)
{
	struct tally_slot *s;
	size_t e = t->n;

	if ((ix->n + 1) * 10 > ix->cap * 7)
		grow(t, ix);
	if (t->n == t->vcap) {
		t->vcap = t->vcap ? t->vcap * 2 : 1024;
		t->count = xreallocarray(t->count, t->vcap, sizeof(*t->count));
		t->keys = xreallocarray(t->keys, t->vcap, sizeof(*t->keys));
	}
	if (t->n >= UINT32_MAX)
		abort();	/* four billion distinct addresses */
	s = slot_of(t, ix, key, h, tag);
	memset(&t->count[e], 0, sizeof(t->count[e]));
	memset(&t->keys[e], 0, sizeof(t->keys[e]));
	t->keys[e].key = *key;
	t->keys[e].vote = *a;
	s->entry = (uint32_t)++t->n;
	s->tag = tag;
	ix->n++;
	return e;
}

/* Weighted majority vote for the address standing for a prefix (Boyer-Moore). */
static void
vote(struct tally_key *k, const struct tp_addr *a, double w)
{
	if (key_equal(&k->vote, a))
		k->lead += w;
	else if (k->lead >= w)
		k->lead -= w;
	else {
		k->vote = *a;
		k->lead = w - k->lead;
	}
}

/*
 * Count n requests (at most LOG_TALLY_BATCH) in order, each into its
 * address's entry or its prefix's with a vote. The work goes in three
 * passes so that the memory each request needs is fetched for all of
 * them at once: hash the keys and prefetch their index slots; find or
 * add each entry and prefetch its counters; then count.
 */
void
log_tally_add_batch(struct log_tally *t, const struct tp_addr *a, const double *w, size_t n)
{
	struct tp_addr key[LOG_TALLY_BATCH];
	uint64_t h[LOG_TALLY_BATCH];
	uint32_t tag[LOG_TALLY_BATCH];
	size_t e[LOG_TALLY_BATCH], i;

	if (n > LOG_TALLY_BATCH)
		abort();
	for (i = 0; i < n; i++) {
		const struct tally_index *ix = a[i].family == AF_INET ? &t->v4 : &t->v6;
		unsigned len = a[i].family == AF_INET ? t->prefix4 : t->prefix6;

		key[i] = a[i];
		if (len != 0)
			tp_addr_mask(&key[i], len);
		tag[i] = key_tag(&key[i], &h[i]);
		__builtin_prefetch(&ix->slots[h[i] & (ix->cap - 1)]);
	}
	for (i = 0; i < n; i++) {
		struct tally_index *ix = a[i].family == AF_INET ? &t->v4 : &t->v6;
		struct tally_slot *s = slot_of(t, ix, &key[i], h[i], tag[i]);

		if (s->entry == 0) {
			e[i] = add_entry(t, ix, &key[i], &a[i], h[i], tag[i]);
			t->keys[e[i]].lead = 0;	/* the vote's first request counts below */
		} else
			e[i] = s->entry - 1;
		__builtin_prefetch(&t->count[e[i]], 1);
	}
	for (i = 0; i < n; i++) {
		if ((a[i].family == AF_INET ? t->prefix4 : t->prefix6) != 0)
			vote(&t->keys[e[i]], &a[i], w[i]);
		t->count[e[i]].weight += w[i];
		t->count[e[i]].requests++;
	}
	t->requests += n;
}

/* Count one request of weight w from a. */
void
log_tally_add(struct log_tally *t, const struct tp_addr *a, double w)
{
	log_tally_add_batch(t, a, &w, 1);
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
		fn(&t->keys[i].vote, t->count[i].weight, t->count[i].requests, arg);
}
