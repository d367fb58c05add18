/*
 * addr_set.c: open addressing with linear probing, kept at most half full,
 * hashed with a 64-bit mix of the address bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr_set.h"
#include "xalloc.h"

#define ADDR_SET_START 1024

/* Hash an address (family and all 16 bytes). */
size_t
addr_hash(const struct tp_addr *a)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ a->family, w;
	size_t i;

	for (i = 0; i < 16; i += 8) {
		memcpy(&w, a->bytes + i, 8);
		h ^= w;
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 33;
	}
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return (size_t)h;
}

/* 1 when two addresses are the same. */
int
addr_same(const struct tp_addr *a, const struct tp_addr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, 16) == 0;
}

/* Start an empty set. */
void
addr_set_init(struct addr_set *s)
{
	s->cap = ADDR_SET_START;
	s->n = 0;
	s->slots = xcalloc(s->cap, sizeof(*s->slots));
}

/* Put a into slots (cap a power of two) without growing; 1 when new. */
static int
slot_put(struct tp_addr *slots, size_t cap, const struct tp_addr *a)
{
	size_t i = addr_hash(a) & (cap - 1);

	while (slots[i].family != 0) {
		if (addr_same(&slots[i], a))
			return 0;
		i = (i + 1) & (cap - 1);
	}
	slots[i] = *a;
	return 1;
}

/* Double the table. */
static void
addr_set_grow(struct addr_set *s)
{
	struct tp_addr *old = s->slots;
	size_t oldcap = s->cap, i;

	s->cap *= 2;
	s->slots = xcalloc(s->cap, sizeof(*s->slots));
	for (i = 0; i < oldcap; i++)
		if (old[i].family != 0)
			slot_put(s->slots, s->cap, &old[i]);
	free(old);
}

/* Add a; 1 when it was new, 0 when it was already there. */
int
addr_set_add(struct addr_set *s, const struct tp_addr *a)
{
	struct tp_addr key;

	memset(&key, 0, sizeof(key));
	key.family = a->family;
	memcpy(key.bytes, a->bytes, tp_addr_size(a->family));
	if ((s->n + 1) * 2 > s->cap)
		addr_set_grow(s);
	if (!slot_put(s->slots, s->cap, &key))
		return 0;
	s->n++;
	return 1;
}

/* Free the table. */
void
addr_set_free(struct addr_set *s)
{
	free(s->slots);
	s->slots = NULL;
	s->cap = s->n = 0;
}
