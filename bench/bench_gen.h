/*
 * bench_gen.h: shared by bench-analyze-gen and bench-scale-gen.
 */
#ifndef TP_BENCH_GEN_H
#define TP_BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* xorshift64* state; seed it with any odd number. */
extern uint64_t rng_state;
/* The next pseudo-random 64-bit number. */
uint64_t rng(void);
/* Uniform in [0, n). */
uint32_t rng_below(uint32_t n);
/* The text address of target i: IPv4 10.x.y.z for 4 in 5, else IPv6 in 2001:db8::/32. */
void target_addr(uint32_t i, char *buf, size_t len);
/* Open DIR/name for writing or die. */
FILE *open_out(const char *dir, const char *name);

#endif
