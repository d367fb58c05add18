/*
 * name_index.c: an open-addressing hash table (linear probing, FNV-1a,
 * at most half full) from borrowed name strings to numbers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "name_index.h"
#include "xalloc.h"

struct name_slot {
	const char *name;	/* NULL = empty */
	size_t value;
};

struct tp_name_index {
	struct name_slot *slots;
	size_t mask;		/* slot count - 1 (a power of two) */
	size_t count;
};

/* FNV-1a over the bytes of name, folded to size_t. */
static size_t
name_hash(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 0x100000001b3ULL;
	return (size_t)(h ^ (h >> 32));
}

/* The slot holding name, or the empty slot where it would go. */
static struct name_slot *
find_slot(const struct tp_name_index *ix, const char *name)
{
	size_t i = name_hash(name) & ix->mask;

	while (ix->slots[i].name != NULL && strcmp(ix->slots[i].name, name) != 0)
		i = (i + 1) & ix->mask;
	return &ix->slots[i];
}

/* An empty index. */
struct tp_name_index *
tp_name_index_new(void)
{
	struct tp_name_index *ix = xcalloc(1, sizeof(*ix));

	ix->mask = 15;
	ix->slots = xcalloc(ix->mask + 1, sizeof(*ix->slots));
	return ix;
}

/* Free the index (not the names); NULL is fine. */
void
tp_name_index_free(struct tp_name_index *ix)
{
	if (ix == NULL)
		return;
	free(ix->slots);
	free(ix);
}

/* Double the table and put every name in again. */
static void
grow(struct tp_name_index *ix)
{
	struct name_slot *old = ix->slots;
	size_t n = ix->mask + 1, i;

	ix->mask = n * 2 - 1;
	ix->slots = xcalloc(n * 2, sizeof(*ix->slots));
	for (i = 0; i < n; i++)
		if (old[i].name != NULL)
			*find_slot(ix, old[i].name) = old[i];
	free(old);
}

/* Add name -> value unless name is there (see name_index.h). */
int
tp_name_index_add(struct tp_name_index *ix, const char *name, size_t value, size_t *old)
{
	struct name_slot *s;

	if ((ix->count + 1) * 2 > ix->mask + 1)
		grow(ix);
	s = find_slot(ix, name);
	if (s->name != NULL) {
		if (old != NULL)
			*old = s->value;
		return 1;
	}
	s->name = name;
	s->value = value;
	ix->count++;
	return 0;
}

/* Look name up (see name_index.h). */
int
tp_name_index_find(const struct tp_name_index *ix, const char *name, size_t *value)
{
	const struct name_slot *s = find_slot(ix, name);

	if (s->name == NULL)
		return 0;
	*value = s->value;
	return 1;
}

/* How many names the index holds. */
size_t
tp_name_index_count(const struct tp_name_index *ix)
{
	return ix->count;
}
