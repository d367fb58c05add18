/*
 * bench_lane_changes: what the prefixes of a campaign went through, from
 * the changes bench/poll-lanes saw at the sites' BIRDs (lines "TIME SITE
 * PROTOCOL up|down" in time order, the first line of each site and protocol its state at
 * the start). Per protocol (one lane's prefix in one family) it prints the
 * changes, the shortest interval between two changes of the prefix (a set
 * of sites withdrawn or announced within --merge seconds, in one
 * direction, is one change), the shortest interval between two changes at
 * one site (what that site's upstream sees), and the peak figure of merit
 * of the RFC 2439 model the campaign paces by (pacing.h), replayed over
 * those changes with the parameters given.
 *
 *   bench-lane-changes [--withdraw P] [--announce P] [--half-life S]
 *                      [--merge S] < changes
 */
#include <float.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pacing.h"

#define MAX_KEYS 1024

/* One protocol (a lane's prefix in one family) and what it went through. */
struct prefix {
	char name[32];
	struct pacing_lane model;
	int last_dir;		/* direction of the last change: 1 down, 0 up, -1 none */
	double last_change;	/* time of the last (merged) change */
	double shortest;	/* between two merged changes */
	double site_shortest;	/* between two changes at one site */
	unsigned changes;
};

/* One site's protocol: its state and when it last changed. */
struct site_proto {
	char site[32], proto[32];
	int down;
	double last;		/* < 0 until it changed once */
};

static struct prefix prefixes[MAX_KEYS];
static size_t nprefixes;
static struct site_proto keys[MAX_KEYS];
static size_t nkeys;

/* The prefix called name, added when new (NULL when the table is full). */
static struct prefix *
prefix_find(const char *name)
{
	size_t i;

	for (i = 0; i < nprefixes; i++)
		if (strcmp(prefixes[i].name, name) == 0)
			return &prefixes[i];
	if (nprefixes == MAX_KEYS)
		return NULL;
	snprintf(prefixes[nprefixes].name, sizeof(prefixes[nprefixes].name), "%s", name);
	pacing_lane_init(&prefixes[nprefixes].model);
	prefixes[nprefixes].last_dir = -1;
	prefixes[nprefixes].shortest = DBL_MAX;
	prefixes[nprefixes].site_shortest = DBL_MAX;
	return &prefixes[nprefixes++];
}

/* The site's protocol, or NULL when it is new (then *added is filled in). */
static struct site_proto *
key_find(const char *site, const char *proto, int down, int *added)
{
	size_t i;

	*added = 0;
	for (i = 0; i < nkeys; i++)
		if (strcmp(keys[i].site, site) == 0 && strcmp(keys[i].proto, proto) == 0)
			return &keys[i];
	if (nkeys == MAX_KEYS)
		return NULL;
	snprintf(keys[nkeys].site, sizeof(keys[nkeys].site), "%s", site);
	snprintf(keys[nkeys].proto, sizeof(keys[nkeys].proto), "%s", proto);
	keys[nkeys].down = down;
	keys[nkeys].last = -1;
	*added = 1;
	return &keys[nkeys++];
}

/* Record a change of one site's protocol at time t. */
static void
change(const struct pacing_params *p, double merge, struct site_proto *k, int down, double t)
{
	struct prefix *x = prefix_find(k->proto);

	if (k->last >= 0 && t - k->last < x->site_shortest)
		x->site_shortest = t - k->last;
	k->last = t;
	k->down = down;
	if (x->last_dir == down && t - x->last_change <= merge)
		return;		/* the next site of the same set */
	if (x->last_dir >= 0 && t - x->last_change < x->shortest)
		x->shortest = t - x->last_change;
	pacing_record(p, &x->model, down ? PACING_WITHDRAW : PACING_ANNOUNCE, t);
	x->last_dir = down;
	x->last_change = t;
	x->changes++;
}

/* Print one line per prefix. */
static void
print_prefixes(void)
{
	size_t i;

	printf("%-12s %7s %12s %12s %10s\n", "protocol", "changes", "shortest_s", "site_short_s",
	    "peak_merit");
	for (i = 0; i < nprefixes; i++) {
		const struct prefix *x = &prefixes[i];

		printf("%-12s %7u", x->name, x->changes);
		if (x->shortest < DBL_MAX)
			printf(" %12.1f", x->shortest);
		else
			printf(" %12s", "-");
		if (x->site_shortest < DBL_MAX)
			printf(" %12.1f", x->site_shortest);
		else
			printf(" %12s", "-");
		printf(" %10.0f\n", x->model.peak);
	}
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "withdraw", required_argument, NULL, 'w' },
		{ "announce", required_argument, NULL, 'a' },
		{ "half-life", required_argument, NULL, 'H' },
		{ "merge", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct pacing_params p;
	double merge = 5, t;
	char line[256], site[32], proto[32], st[8];
	int c;

	pacing_defaults(&p);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		switch (c) {
		case 'w': p.penalty_withdraw = atof(optarg); break;
		case 'a': p.penalty_announce = atof(optarg); break;
		case 'H': p.half_life = atof(optarg); break;
		case 'm': merge = atof(optarg); break;
		default:
			fprintf(stderr, "usage: bench-lane-changes [--withdraw P] [--announce P] "
			    "[--half-life S] [--merge S] < changes\n");
			return 2;
		}
	while (fgets(line, sizeof(line), stdin) != NULL) {
		struct site_proto *k;
		int down, added;

		if (sscanf(line, "%lf %31s %31s %7s", &t, site, proto, st) != 4 ||
		    (strcmp(st, "up") != 0 && strcmp(st, "down") != 0)) {
			fprintf(stderr, "bench-lane-changes: bad line: %s", line);
			return 1;
		}
		down = strcmp(st, "down") == 0;
		if ((k = key_find(site, proto, down, &added)) == NULL || prefix_find(proto) == NULL) {
			fprintf(stderr, "bench-lane-changes: more than %d sites and protocols\n",
			    MAX_KEYS);
			return 1;
		}
		if (!added && k->down != down)
			change(&p, merge, k, down, t);
	}
	print_prefixes();
	return 0;
}
