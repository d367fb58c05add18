/*
 * permute.c: Fisher-Yates shuffle driven by splitmix64, with Lemire's
 * rejection method for unbiased bounded draws.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "permute.h"

/* The next splitmix64 value. */
static uint64_t
splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A uniform draw in [0, bound) (bound > 0). */
static uint64_t
draw_below(uint64_t *state, uint64_t bound)
{
	unsigned __int128 m;
	uint64_t low, threshold;

	m = (unsigned __int128)splitmix64(state) * bound;
	low = (uint64_t)m;
	if (low < bound) {
		threshold = -bound % bound;
		while (low < threshold) {
			m = (unsigned __int128)splitmix64(state) * bound;
			low = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

/* A seed from the system's random source. */
uint64_t
permute_random_seed(void)
{
	uint64_t seed;

	if (sodium_init() < 0)
		abort();
	randombytes_buf(&seed, sizeof(seed));
	return seed;
}

/* Swap two elements of size bytes. */
static void
swap_bytes(unsigned char *a, unsigned char *b, size_t size)
{
	unsigned char t;
	size_t i;

	for (i = 0; i < size; i++) {
		t = a[i];
		a[i] = b[i];
		b[i] = t;
	}
}

/* Shuffle n elements of size bytes at base. */
void
permute_shuffle(void *base, size_t n, size_t size, uint64_t seed)
{
	unsigned char *v = base;
	uint64_t state = seed;
	size_t i, j;

	if (n < 2)
		return;
	for (i = n - 1; i > 0; i--) {
		j = (size_t)draw_below(&state, (uint64_t)i + 1);
		if (j != i)
			swap_bytes(v + i * size, v + j * size, size);
	}
}
