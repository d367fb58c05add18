/*
 * bench_analyze_gen.c: a synthetic campaign for bench/run-analyze.
 *
 * usage: bench-analyze-gen [-n TARGETS] [-S SITES] [-C CAPACITY] [-s SEED] DIR
 *
 * Writes into DIR:
 *   targets.csv   ADDR,SITE,WEIGHT: TARGETS clients (80% IPv4 in 10/8,
 *                 20% IPv6 in 2001:db8::/32), spread over SITES sites
 *   setup.sql     campaign 1 (done); scenario k withdraws site k; round 1
 *                 is the baseline, round k+1 the result of scenario k;
 *                 with -C every site gets that capacity
 *   records.txt   one listener record stream with every reply
 *   records.csv   the same replies as CSV (round,site,addr,rtt_us,ttl,received_us)
 *                 for sqlite3 .import
 * The baseline reaches 97% of the targets, at their own site. Scenario k
 * probes site k's catchment and a 5% control sample of the rest; 1% of
 * them stay silent, the others land at one of three fallback sites.
 * Sites are named S00..S99, or S000.. with more than 100 of them.
 * Nothing is sent anywhere: these addresses only ever live in files.
 */
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_gen.h"

/* Digits in a site name: two up to 100 sites, else three. */
static int name_width = 2;

/* Write one reply to both the record stream and the CSV. */
static void
reply(FILE *rec, FILE *csv, uint32_t round, uint32_t site, const char *addr, uint64_t t)
{
	uint32_t rtt = 1000 + rng_below(200000);

	fprintf(rec, "reply %u S%0*u %s %u 57 %llu\n", round, name_width, site, addr, rtt,
	    (unsigned long long)t);
	fprintf(csv, "%u,S%0*u,%s,%u,57,%llu\n", round, name_width, site, addr, rtt,
	    (unsigned long long)t);
}

/* Generate everything described at the top. */
int
main(int argc, char **argv)
{
	uint32_t n = 1000000, sites = 20, i, k, *site, *fallback;
	double capacity = 0;
	uint8_t *answered;
	uint64_t t = 1700000000000000ULL;
	FILE *tf, *sql, *rec, *csv;
	char addr[64];
	int c;

	rng_state = 1;
	while ((c = getopt(argc, argv, "C:n:S:s:")) != -1) {
		switch (c) {
		case 'C': capacity = strtod(optarg, NULL); break;
		case 'n': n = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'S': sites = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 's': rng_state = strtoull(optarg, NULL, 10) | 1; break;
		default:
			fprintf(stderr, "usage: bench-analyze-gen [-n TARGETS] [-S SITES] "
			    "[-C CAPACITY] [-s SEED] DIR\n");
			return 2;
		}
	}
	if (optind + 1 != argc || n == 0 || sites < 8 || sites > 999)
		errx(2, "usage: bench-analyze-gen [-n TARGETS] [-S SITES 8-999] [-C CAPACITY] "
		    "[-s SEED] DIR");
	name_width = sites > 100 ? 3 : 2;
	site = calloc(n, sizeof(*site));
	answered = calloc(n, 1);
	fallback = calloc(sites * 3, sizeof(*fallback));
	if (site == NULL || answered == NULL || fallback == NULL)
		err(1, "calloc");
	for (k = 0; k < sites; k++)
		for (i = 0; i < 3; i++)
			fallback[k * 3 + i] = (k + 1 + i * 3) % sites;

	tf = open_out(argv[optind], "targets.csv");
	for (i = 0; i < n; i++) {
		site[i] = rng_below(sites);
		target_addr(i, addr, sizeof(addr));
		fprintf(tf, "%s,S%0*u,%u\n", addr, name_width, site[i], 1 + rng_below(100));
	}
	fclose(tf);

	sql = open_out(argv[optind], "setup.sql");
	fprintf(sql, "BEGIN;\nINSERT INTO campaigns (id, started_us, status) VALUES (1, 0, 'done');\n"
	    "INSERT INTO rounds (id, campaign_id, kind, status) VALUES (1, 1, 'baseline', 'complete');\n");
	for (k = 0; k < sites; k++) {
		fprintf(sql, "INSERT INTO scenarios (id, campaign_id, withdrawn, status) "
		    "VALUES (%u, 1, 'S%0*u', 'done');\n", k + 1, name_width, k);
		fprintf(sql, "INSERT INTO rounds (id, campaign_id, scenario_id, kind, status) "
		    "VALUES (%u, 1, %u, 'scenario', 'complete');\n", k + 2, k + 1);
	}
	if (capacity > 0)
		fprintf(sql, "UPDATE sites SET capacity = %.0f;\n", capacity);
	fprintf(sql, "COMMIT;\n");
	fclose(sql);

	rec = open_out(argv[optind], "records.txt");
	csv = open_out(argv[optind], "records.csv");
	fprintf(rec, "tp-records 1\n");
	for (i = 0; i < n; i++)
		if (rng_below(100) < 97) {
			answered[i] = 1;
			target_addr(i, addr, sizeof(addr));
			reply(rec, csv, 1, site[i], addr, t++);
		}
	for (k = 0; k < sites; k++) {
		for (i = 0; i < n; i++) {
			uint32_t to;

			if (!answered[i] || (site[i] != k && rng_below(100) >= 5) ||
			    rng_below(100) < 1)
				continue;
			to = site[i] != k ? site[i] : fallback[k * 3 + (rng_below(10) < 8 ? 0 :
			    rng_below(3))];
			target_addr(i, addr, sizeof(addr));
			reply(rec, csv, k + 2, to, addr, t++);
		}
	}
	for (k = 0; k < sites; k++)
		fprintf(rec, "end %u S%0*u 0 0 0 0\n", k + 2, name_width, k);
	fprintf(rec, "end 1 S%0*u 0 0 0 0\n", name_width, 0);
	fclose(rec);
	fclose(csv);
	free(site);
	free(answered);
	free(fallback);
	return 0;
}
