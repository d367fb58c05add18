/*
 * bench_gen.c: what the synthetic campaign generators share: a seeded
 * random stream, the target address scheme, and output files.
 */
#include <err.h>
#include <stdio.h>

#include "bench_gen.h"

/* xorshift64*: fast, seeded, good enough for synthetic data. */
uint64_t rng_state = 1;

/* The next pseudo-random 64-bit number. */
uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

/* Uniform in [0, n). */
uint32_t
rng_below(uint32_t n)
{
	return (uint32_t)((rng() >> 32) % n);
}

/* The text address of target i: IPv4 10.x.y.z for 4 in 5, else IPv6. */
void
target_addr(uint32_t i, char *buf, size_t len)
{
	if (i % 5 != 4) {
		uint32_t v = i / 5 * 4 + i % 5 + 1;

		snprintf(buf, len, "10.%u.%u.%u", (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
	} else
		snprintf(buf, len, "2001:db8:%x:%x::1", (i >> 16) & 0xffff, i & 0xffff);
}

/* Open DIR/name for writing or die. */
FILE *
open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	return f;
}
