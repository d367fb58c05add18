/* addr_set.h: a hash set of addresses (the targets a listener has heard from). */
#ifndef TP_ADDR_SET_H
#define TP_ADDR_SET_H

#include <stddef.h>

#include "addr.h"

struct addr_set {
	struct tp_addr *slots;	/* family 0 = empty */
	size_t cap;		/* a power of two */
	size_t n;
};

/* Hash an address (family and all 16 bytes; unused bytes must be zero). */
size_t addr_hash(const struct tp_addr *a);
/* 1 when two addresses are the same. */
int addr_same(const struct tp_addr *a, const struct tp_addr *b);
void addr_set_init(struct addr_set *s);
/* Add a; 1 when it was new, 0 when it was already there. */
int addr_set_add(struct addr_set *s, const struct tp_addr *a);
void addr_set_free(struct addr_set *s);

#endif
