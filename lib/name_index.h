/*
 * name_index.h: names (site and protocol names) to numbers in a hash table,
 * so that looking a name up costs the same with 50,000 names as with 5.
 * The index borrows the name strings: they must outlive it.
 */
#ifndef TP_NAME_INDEX_H
#define TP_NAME_INDEX_H

#include <stddef.h>

struct tp_name_index;

struct tp_name_index *tp_name_index_new(void);
void tp_name_index_free(struct tp_name_index *ix);
/*
 * Add name with value: 0 when added, 1 when name was there already (its
 * value is left as it was and stored in *old when old is not NULL).
 */
int tp_name_index_add(struct tp_name_index *ix, const char *name, size_t value,
    size_t *old);
/* 1 and *value when name is in the index, else 0. */
int tp_name_index_find(const struct tp_name_index *ix, const char *name, size_t *value);
/* How many names the index holds. */
size_t tp_name_index_count(const struct tp_name_index *ix);

#endif
