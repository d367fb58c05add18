/*
 * dest_spacing.c: open addressing with linear probing (as addr_set),
 * rebuilt without the expired entries whenever it gets half full.
 */
#include <stdlib.h>
#include <string.h>

#include "addr_set.h"
#include "dest_spacing.h"
#include "xalloc.h"

#define SPACING_START 1024

/* An empty table spacing probes to one address by gap_ns. */
void
dest_spacing_init(struct dest_spacing *t, int64_t gap_ns)
{
	t->gap_ns = gap_ns;
	t->cap = SPACING_START;
	t->n = 0;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
}

/* The slot of a, or the empty slot where it would go. */
static struct dest_seen *
slot_of(struct dest_seen *slots, size_t cap, const struct tp_addr *a)
{
	size_t i = addr_hash(a) & (cap - 1);

	while (slots[i].addr.family != 0 && !addr_same(&slots[i].addr, a))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

/* a with the bytes past its family's size zeroed, as the table keys it. */
static struct tp_addr
key_of(const struct tp_addr *a)
{
	struct tp_addr k;

	memset(&k, 0, sizeof(k));
	k.family = a->family;
	memcpy(k.bytes, a->bytes, tp_addr_size(a->family));
	return k;
}

/* When a probe to a may go. */
int64_t
dest_spacing_ready_at(const struct dest_spacing *t, const struct tp_addr *a, int64_t now_ns)
{
	struct tp_addr k = key_of(a);
	const struct dest_seen *s;

	if (t->gap_ns <= 0)
		return now_ns;
	s = slot_of(t->slots, t->cap, &k);
	if (s->addr.family == 0 || s->last_ns + t->gap_ns <= now_ns)
		return now_ns;
	return s->last_ns + t->gap_ns;
}

/* Rebuild the table without the entries older than the gap, doubling it if still crowded. */
static void
spacing_rebuild(struct dest_spacing *t, int64_t now_ns)
{
	struct dest_seen *old = t->slots;
	size_t oldcap = t->cap, live = 0, i;

	for (i = 0; i < oldcap; i++)
		live += old[i].addr.family != 0 && old[i].last_ns + t->gap_ns > now_ns;
	while ((live + 1) * 4 > t->cap)
		t->cap *= 2;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	t->n = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i].addr.family != 0 && old[i].last_ns + t->gap_ns > now_ns) {
			*slot_of(t->slots, t->cap, &old[i].addr) = old[i];
			t->n++;
		}
	free(old);
}

/* Note a probe to a at now_ns. */
void
dest_spacing_note(struct dest_spacing *t, const struct tp_addr *a, int64_t now_ns)
{
	struct tp_addr k = key_of(a);
	struct dest_seen *s;

	if (t->gap_ns <= 0)
		return;
	if ((t->n + 1) * 2 > t->cap)
		spacing_rebuild(t, now_ns);
	s = slot_of(t->slots, t->cap, &k);
	if (s->addr.family == 0) {
		s->addr = k;
		t->n++;
	}
	s->last_ns = now_ns;
}

/* Free the table. */
void
dest_spacing_free(struct dest_spacing *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->n = 0;
}
