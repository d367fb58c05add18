/*
 * bench_logs_gen.c: a synthetic nginx/Apache combined log on standard
 * output, for bench/run-logs. Clients are drawn with a skew (a few heavy,
 * many light) from a pool of distinct addresses, nine in ten IPv4 in
 * 198.18.0.0/15 and the rest IPv6 in 2001:db8::/32; the time advances a
 * little each line.
 *
 * usage: bench-logs-gen [-n LINES] [-c CLIENTS (at most 131072)] [-s SEED]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* xorshift64*: fast, and the same stream for the same seed. */
static uint64_t
next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* Write client number c's address into buf. */
static void
client_addr(uint64_t c, char *buf, size_t len)
{
	if (c % 10 != 9)
		snprintf(buf, len, "198.%u.%u.%u", 18 + (unsigned)(c >> 16 & 1),
		    (unsigned)(c >> 8 & 0xff), (unsigned)(c & 0xff));
	else
		snprintf(buf, len, "2001:db8:%x:%x::%x", (unsigned)(c >> 16 & 0xffff),
		    (unsigned)(c >> 8 & 0xff), (unsigned)(c & 0xff) + 1);
}

/* Print the lines. */
int
main(int argc, char **argv)
{
	static const char *paths[] = { "/", "/index.html", "/api/v1/items?page=2",
	    "/static/app.js", "/images/logo.png", "/search?q=anycast" };
	static const char *agents[] = { "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 "
	    "Firefox/120.0", "curl/8.4.0", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
	    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1" };
	static const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
	    "Sep", "Oct", "Nov", "Dec" };
	uint64_t lines = 10000000, clients = 100000, seed = 1, i, t = 0;
	char addr[64];
	int opt;

	while ((opt = getopt(argc, argv, "n:c:s:")) != -1) {
		switch (opt) {
		case 'n': lines = strtoull(optarg, NULL, 10); break;
		case 'c': clients = strtoull(optarg, NULL, 10); break;
		case 's': seed = strtoull(optarg, NULL, 10) | 1; break;
		default:
			fprintf(stderr, "usage: bench-logs-gen [-n LINES] [-c CLIENTS] [-s SEED]\n");
			return 2;
		}
	}
	if (clients == 0 || clients > 1u << 17)
		clients = 1u << 17;	/* as many addresses as 198.18.0.0/15 holds */
	for (i = 0; i < lines; i++) {
		uint64_t r = next_random(&seed), c;

		/* The minimum of two draws: low client numbers come more often. */
		c = r % clients;
		r = next_random(&seed) % clients;
		if (r < c)
			c = r;
		client_addr(c * 2654435761u % (1u << 17), addr, sizeof(addr));	/* spread */
		t += next_random(&seed) % 3;
		printf("%s - - [%02u/%s/2026:%02u:%02u:%02u +0000] \"GET %s HTTP/1.1\" %u %u "
		    "\"-\" \"%s\"\n", addr, (unsigned)(1 + t / 86400 % 28),
		    months[t / (86400 * 28) % 12], (unsigned)(t / 3600 % 24),
		    (unsigned)(t / 60 % 60), (unsigned)(t % 60), paths[r % 6],
		    r % 17 == 0 ? 404u : 200u, (unsigned)(r % 50000), agents[r % 3]);
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
