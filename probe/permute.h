/* permute.h: a seeded random permutation, so no network gets a burst of probes. */
#ifndef TP_PERMUTE_H
#define TP_PERMUTE_H

#include <stddef.h>
#include <stdint.h>

/* A seed from the system's random source. */
uint64_t permute_random_seed(void);
/*
 * Shuffle n elements of size bytes at base (Fisher-Yates, unbiased); the
 * same seed gives the same order.
 */
void permute_shuffle(void *base, size_t n, size_t size, uint64_t seed);

#endif
