/*
 * bench_exclude.c: exclusion-list lookups per second, beside a naive
 * linear scan over the same prefixes with the same addresses.
 *
 * usage: bench-exclude [-n COUNT] [-r REPEAT] [-s SEED] FILE
 */
#include <err.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "exclude.h"
#include "xalloc.h"

/* Print the usage line and exit 2. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: bench-exclude [-n COUNT] [-r REPEAT] "
	    "[-s SEED] FILE\n");
	exit(2);
}

/* splitmix64: a small, fast, seedable generator (fixed seed, same run). */
static uint64_t
rng_next(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* n random addresses: even indexes IPv4, odd IPv6, uniform over each space. */
static struct tp_addr *
random_addrs(size_t n, uint64_t seed)
{
	struct tp_addr *a = xcalloc(n, sizeof(*a));
	uint64_t st = seed, r;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 2 == 0) {
			r = rng_next(&st);
			a[i].family = AF_INET;
			memcpy(a[i].bytes, &r, 4);
		} else {
			a[i].family = AF_INET6;
			r = rng_next(&st);
			memcpy(a[i].bytes, &r, 8);
			r = rng_next(&st);
			memcpy(a[i].bytes + 8, &r, 8);
		}
	}
	return a;
}

/* Read the list's prefixes into an array for the linear scan. */
static struct tp_prefix *
read_prefixes(const char *path, size_t *np)
{
	struct tp_prefix *ps = NULL;
	struct tp_err e;
	size_t n = 0, cap = 0, linecap = 0;
	char *line = NULL, *s, *end;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		err(1, "%s", path);
	while (getline(&line, &linecap, f) != -1) {
		if ((s = strchr(line, '#')) != NULL)
			*s = '\0';
		for (s = line; isspace((unsigned char)*s); s++)
			;
		end = s + strlen(s);
		while (end > s && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (*s == '\0')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ps = xreallocarray(ps, cap, sizeof(*ps));
		}
		if (tp_prefix_parse(s, &ps[n], &e) == -1)
			errx(1, "%s: %s", path, e.msg);
		n++;
	}
	free(line);
	fclose(f);
	*np = n;
	return ps;
}

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One pass with the sorted-range list; returns how many were excluded. */
static size_t
pass_ranges(const struct tp_exclude *x, const struct tp_addr *a, size_t n)
{
	size_t i, hits = 0;

	for (i = 0; i < n; i++)
		hits += (size_t)tp_exclude_contains(x, &a[i]);
	return hits;
}

/* One pass testing every prefix in turn; returns how many were excluded. */
static size_t
pass_linear(const struct tp_prefix *ps, size_t np, const struct tp_addr *a,
    size_t n)
{
	size_t i, j, hits = 0;

	for (i = 0; i < n; i++)
		for (j = 0; j < np; j++)
			if (tp_prefix_contains(&ps[j], &a[i])) {
				hits++;
				break;
			}
	return hits;
}

int
main(int argc, char **argv)
{
	struct tp_exclude *x;
	struct tp_prefix *ps;
	struct tp_addr *addrs;
	struct tp_err e;
	size_t n = 1000000, np, hits_r = 0, hits_l = 0;
	unsigned long repeat = 5, k;
	uint64_t seed = 1;
	double best_r = 1e30, best_l = 1e30, t;
	int ch;

	while ((ch = getopt(argc, argv, "n:r:s:")) != -1) {
		switch (ch) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			repeat = strtoul(optarg, NULL, 10);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1 || n == 0 || repeat == 0)
		usage();
	if ((x = tp_exclude_load(argv[optind], &e)) == NULL)
		errx(1, "%s", e.msg);
	ps = read_prefixes(argv[optind], &np);
	addrs = random_addrs(n, seed);

	for (k = 0; k < repeat; k++) {
		t = now();
		hits_r = pass_ranges(x, addrs, n);
		t = now() - t;
		if (t < best_r)
			best_r = t;
		t = now();
		hits_l = pass_linear(ps, np, addrs, n);
		t = now() - t;
		if (t < best_l)
			best_l = t;
	}

	printf("list:          %s (%zu prefixes, %zu merged ranges)\n",
	    argv[optind], np, tp_exclude_ranges(x));
	printf("addresses:     %zu (%zu IPv4, %zu IPv6), seed %llu, "
	    "best of %lu runs\n", n, (n + 1) / 2, n / 2,
	    (unsigned long long)seed, repeat);
	printf("excluded:      %zu (%.3f%%)\n", hits_r, 100.0 * (double)hits_r /
	    (double)n);
	printf("sorted ranges: %8.2f M lookups/s  (%6.1f ns each)\n",
	    (double)n / best_r / 1e6, best_r * 1e9 / (double)n);
	printf("linear scan:   %8.2f M lookups/s  (%6.1f ns each)\n",
	    (double)n / best_l / 1e6, best_l * 1e9 / (double)n);
	printf("ratio:         %.1fx faster than a linear scan\n",
	    best_l / best_r);
	tp_exclude_free(x);
	free(ps);
	free(addrs);
	if (hits_r != hits_l)
		errx(1, "the two methods disagree: %zu vs %zu excluded",
		    hits_r, hits_l);
	return 0;
}
