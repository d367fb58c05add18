/*
 * bench_scale_gen.c: a synthetic campaign at scale for bench/run-scale.
 *
 * usage: bench-scale-gen [-n TARGETS] [-S SITES] [-s SEED] DIR
 *
 * Writes into DIR:
 *   targets.csv   ADDR,SITE,WEIGHT: TARGETS clients (80% IPv4 in 10/8,
 *                 20% IPv6 in 2001:db8::/32) spread over SITES sites S000..
 *   setup.sql     campaign 1 (done); its scenarios: every site alone, then
 *                 chains of depth 2 as tp-campaign's `chains = 2` picks
 *                 them ({X, X's top destination}, then that set plus the
 *                 top destination of X's traffic in it), duplicates once;
 *                 round 1 is the baseline, round k+1 scenario k's result
 *   streams/      one listener record stream per site and round, as a
 *                 campaign makes them (header, replies, end line)
 *   records.csv   the same replies as CSV (round,site,addr,rtt_us,ttl,
 *                 received_us) for sqlite3 .import
 *   unmeasured    one pair of sites no scenario withdrew (for predict)
 *
 * Each site fails over to a mix of 2 to 4 destinations (shares 70/30,
 * 60/30/10 or 50/25/15/10); a target keeps its choice, and when that site
 * is withdrawn too it takes the next of its site's destinations. 3% of
 * the targets are silent (no baseline reply), 2% are lost whenever their
 * site is withdrawn, and 0.5% of other scenario replies go missing.
 * A scenario probes its catchment and a control sample of 200 targets of
 * every other site (at most 5% of it), as tp-campaign's defaults do.
 * Nothing is sent anywhere: these addresses only ever live in files.
 */
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_gen.h"

#define MAX_SET 3
#define CONTROL_PER_SITE 200
#define CONTROL_SHARE 0.05

enum { NORMAL, SILENT, LOST };

struct set {
	uint32_t site[MAX_SET];
	uint32_t n;
};

struct gen {
	uint32_t n, sites;
	uint32_t *home;		/* site of each target */
	uint8_t *kind;
	uint32_t *first, *members;	/* responsive targets of site s: members[first[s]..first[s+1]) */
	uint32_t dest[4096][4];
	uint32_t ndest[4096];
	struct set *sets;
	size_t nsets;
	uint64_t clock;
	char *addr_text;	/* every target's address, NUL-terminated, at addr_off[i] */
	uint32_t *addr_off;
	FILE *csv;
	const char *dir;
};

/* A fixed hash of a target, for its lasting choices. */
static uint32_t
target_hash(uint32_t i)
{
	uint64_t h = (i + 0x9e3779b97f4a7c15ULL) * 0xbf58476d1ce4e5b9ULL;

	return (uint32_t)((h ^ (h >> 31)) >> 16);
}

/* 1 when site s is in set w. */
static int
in_set(const struct set *w, uint32_t s)
{
	uint32_t k;

	for (k = 0; k < w->n; k++)
		if (w->site[k] == s)
			return 1;
	return 0;
}

/* Index of a target's first choice among its site's destinations. */
static uint32_t
first_choice(const struct gen *g, uint32_t i)
{
	static const uint32_t cut[5][4] = { { 0 }, { 0 }, { 70, 100 }, { 60, 90, 100 },
	    { 50, 75, 90, 100 } };
	uint32_t k = g->ndest[g->home[i]], h = target_hash(i) % 100, j;

	for (j = 0; j + 1 < k && h >= cut[k][j]; j++)
		;
	return j;
}

/* Where target i's reply lands when the sites of w are withdrawn. */
static uint32_t
landing(const struct gen *g, uint32_t i, const struct set *w)
{
	uint32_t x = g->home[i], k = g->ndest[x], j0 = first_choice(g, i), t, d;

	if (!in_set(w, x))
		return x;
	for (t = 0; t < k; t++) {
		d = g->dest[x][(j0 + t) % k];
		if (!in_set(w, d))
			return d;
	}
	for (d = (x + 1) % g->sites; in_set(w, d); d = (d + 1) % g->sites)
		;
	return d;
}

/* Sort a set and add it unless it is there already. */
static void
add_set(struct gen *g, struct set w)
{
	uint32_t a, b, t;
	size_t i;

	for (a = 0; a < w.n; a++)
		for (b = a + 1; b < w.n; b++)
			if (w.site[b] < w.site[a]) {
				t = w.site[a];
				w.site[a] = w.site[b];
				w.site[b] = t;
			}
	for (i = 0; i < g->nsets; i++)
		if (g->sets[i].n == w.n && memcmp(g->sets[i].site, w.site, w.n * sizeof(w.site[0])) == 0)
			return;
	g->sets[g->nsets++] = w;
}

/* Targets, their sites and kinds, each site's destinations, and targets.csv. */
static void
make_targets(struct gen *g)
{
	uint32_t i, s, j, *fill;
	char addr[64];
	size_t text_used = 0;
	FILE *tf = open_out(g->dir, "targets.csv");

	g->home = calloc(g->n, sizeof(*g->home));
	g->kind = calloc(g->n, 1);
	g->first = calloc(g->sites + 1, sizeof(*g->first));
	g->members = calloc(g->n, sizeof(*g->members));
	fill = calloc(g->sites, sizeof(*fill));
	g->addr_off = calloc(g->n, sizeof(*g->addr_off));
	g->addr_text = malloc((size_t)g->n * 24);
	if (!g->home || !g->kind || !g->first || !g->members || !fill || !g->addr_off ||
	    !g->addr_text)
		err(1, "calloc");
	for (i = 0; i < g->n; i++) {
		uint32_t r = rng_below(1000);

		g->home[i] = rng_below(g->sites);
		g->kind[i] = r < 30 ? SILENT : r < 50 ? LOST : NORMAL;
		target_addr(i, addr, sizeof(addr));
		fprintf(tf, "%s,S%03u,%u\n", addr, g->home[i], 1 + rng_below(100));
		/* Kept as text: formatting each reply's address was most of the run. */
		g->addr_off[i] = (uint32_t)text_used;
		text_used += (size_t)sprintf(g->addr_text + text_used, "%s", addr) + 1;
		if (g->kind[i] != SILENT)
			g->first[g->home[i] + 1]++;
	}
	fclose(tf);
	for (s = 0; s < g->sites; s++)
		g->first[s + 1] += g->first[s];
	for (i = 0; i < g->n; i++)
		if (g->kind[i] != SILENT)
			g->members[g->first[g->home[i]] + fill[g->home[i]]++] = i;
	free(fill);
	for (s = 0; s < g->sites; s++) {
		g->ndest[s] = 2 + s % 3;
		for (j = 0; j < g->ndest[s]; j++)
			g->dest[s][j] = (s + 1 + j * (g->sites / 4)) % g->sites;
	}
}

/* Singles, then chains of depth 2 (see the top), and setup.sql. */
static void
make_plan(struct gen *g)
{
	FILE *sql = open_out(g->dir, "setup.sql");
	uint32_t x, k;
	size_t i;

	g->sets = calloc((size_t)g->sites * 3, sizeof(*g->sets));
	if (g->sets == NULL)
		err(1, "calloc");
	for (x = 0; x < g->sites; x++)
		add_set(g, (struct set){ { x }, 1 });
	for (x = 0; x < g->sites; x++) {
		/* X's top destination is its first; in {X, it} X's traffic goes mostly to the next. */
		add_set(g, (struct set){ { x, g->dest[x][0] }, 2 });
		add_set(g, (struct set){ { x, g->dest[x][0], g->dest[x][1] }, 3 });
	}
	fprintf(sql, "BEGIN;\nINSERT INTO campaigns (id, started_us, status) VALUES (1, 0, 'done');\n"
	    "INSERT INTO rounds (id, campaign_id, kind, status) VALUES (1, 1, 'baseline', 'complete');\n");
	for (i = 0; i < g->nsets; i++) {
		fprintf(sql, "INSERT INTO scenarios (id, campaign_id, withdrawn, status) VALUES "
		    "(%zu, 1, '", i + 1);
		for (k = 0; k < g->sets[i].n; k++)
			fprintf(sql, "%sS%03u", k ? "+" : "", g->sets[i].site[k]);
		fprintf(sql, "', 'done');\n");
		for (k = 0; k < g->sets[i].n; k++)
			fprintf(sql, "INSERT INTO scenario_sites (scenario_id, site_id) SELECT %zu, id "
			    "FROM sites WHERE name = 'S%03u';\n", i + 1, g->sets[i].site[k]);
		fprintf(sql, "INSERT INTO rounds (id, campaign_id, scenario_id, kind, status) "
		    "VALUES (%zu, 1, %zu, 'scenario', 'complete');\n", i + 2, i + 1);
	}
	fprintf(sql, "COMMIT;\n");
	fclose(sql);
}

/* Append v in decimal at p; the end. */
static char *
put_u64(char *p, uint64_t v)
{
	char tmp[24];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

/* Append s at p; the end. */
static char *
put_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/*
 * Write "ROUND SITE ADDR RTT 57 CLOCK" with sep between the fields after
 * prefix. By hand: with printf, formatting was three quarters of the run
 * (perf), and at 10,000,000 targets there are 120 million replies twice.
 */
static void
put_reply(FILE *f, const char *prefix, char sep, uint32_t round, uint32_t site,
    const char *addr, uint32_t rtt, uint64_t clock)
{
	char line[160], *p = put_str(line, prefix);

	p = put_u64(p, round);
	*p++ = sep;
	*p++ = 'S';
	*p++ = (char)('0' + site / 100);
	*p++ = (char)('0' + site / 10 % 10);
	*p++ = (char)('0' + site % 10);
	*p++ = sep;
	p = put_str(p, addr);
	*p++ = sep;
	p = put_u64(p, rtt);
	*p++ = sep;
	*p++ = '5';
	*p++ = '7';
	*p++ = sep;
	p = put_u64(p, clock);
	*p++ = '\n';
	fwrite_unlocked(line, 1, (size_t)(p - line), f);
}

/* Write one reply to its site's stream and to the CSV. */
static void
reply(struct gen *g, FILE **streams, uint32_t round, uint32_t site, uint32_t i)
{
	uint32_t rtt = 1000 + rng_below(200000);
	const char *addr = g->addr_text + g->addr_off[i];

	put_reply(streams[site], "reply ", ' ', round, site, addr, rtt, g->clock);
	put_reply(g->csv, "", ',', round, site, addr, rtt, g->clock);
	g->clock++;
}

/* One round: open every site's stream, let fill write the replies, end and close them. */
static void
write_round(struct gen *g, uint32_t round, const struct set *w)
{
	FILE **streams = calloc(g->sites, sizeof(*streams));
	uint32_t s, k, j;

	if (streams == NULL)
		err(1, "calloc");
	for (s = 0; s < g->sites; s++) {
		char name[64];

		snprintf(name, sizeof(name), "streams/r%06u-S%03u", round, s);
		streams[s] = open_out(g->dir, name);
		fprintf(streams[s], "tp-records 1\n");
	}
	if (w == NULL) {
		for (s = 0; s < g->sites; s++)
			for (j = g->first[s]; j < g->first[s + 1]; j++)
				reply(g, streams, round, s, g->members[j]);
	} else {
		for (k = 0; k < w->n; k++)
			for (j = g->first[w->site[k]]; j < g->first[w->site[k] + 1]; j++) {
				uint32_t i = g->members[j];

				if (g->kind[i] != LOST && rng_below(1000) >= 5)
					reply(g, streams, round, landing(g, i, w), i);
			}
		/* The control sample: distinct targets at a random start and stride. */
		for (s = 0; s < g->sites; s++) {
			uint32_t have = g->first[s + 1] - g->first[s];
			uint32_t want = (uint32_t)(CONTROL_SHARE * have + 0.5), start, step = 7919;

			if (in_set(w, s) || have == 0)
				continue;
			want = want < CONTROL_PER_SITE ? want : CONTROL_PER_SITE;
			start = rng_below(have);
			if (have % step == 0)
				step = 1;
			for (j = 0; j < want; j++)
				if (rng_below(1000) >= 5)
					reply(g, streams, round, s, g->members[g->first[s] +
					    (uint32_t)((start + (uint64_t)j * step) % have)]);
		}
	}
	for (s = 0; s < g->sites; s++) {
		fprintf(streams[s], "end %u S%03u 0 0 0 0\n", round, s);
		if (fclose(streams[s]) != 0)
			err(1, "writing a stream");
	}
	free(streams);
}

/* Generate everything described at the top. */
int
main(int argc, char **argv)
{
	struct gen g = { .n = 1000000, .sites = 30, .clock = 1700000000000000ULL };
	char path[4096];
	uint32_t a, b;
	size_t i;
	FILE *f;
	int c;

	while ((c = getopt(argc, argv, "n:S:s:")) != -1) {
		switch (c) {
		case 'n': g.n = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'S': g.sites = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 's': rng_state = strtoull(optarg, NULL, 10) | 1; break;
		default:
			fprintf(stderr, "usage: bench-scale-gen [-n TARGETS] [-S SITES] [-s SEED] DIR\n");
			return 2;
		}
	}
	if (optind + 1 != argc || g.n == 0 || g.n > 16000000 || g.sites < 8 || g.sites > 999)
		errx(2, "usage: bench-scale-gen [-n TARGETS <= 16000000] [-S SITES 8-999] "
		    "[-s SEED] DIR");
	g.dir = argv[optind];
	snprintf(path, sizeof(path), "%s/streams", g.dir);
	if (mkdir(path, 0755) < 0)
		err(1, "%s", path);
	make_targets(&g);
	make_plan(&g);
	g.csv = open_out(g.dir, "records.csv");
	write_round(&g, 1, NULL);
	for (i = 0; i < g.nsets; i++)
		write_round(&g, (uint32_t)i + 2, &g.sets[i]);
	if (fclose(g.csv) != 0)
		err(1, "records.csv");
	/* A pair no scenario withdrew, for predict. */
	for (a = 0; a < g.sites; a++)
		for (b = a + 1; b < g.sites; b++) {
			struct set w = { { a, b }, 2 };

			for (i = 0; i < g.nsets; i++)
				if (g.sets[i].n == 2 && in_set(&w, g.sets[i].site[0]) &&
				    in_set(&w, g.sets[i].site[1]))
					break;
			if (i == g.nsets) {
				f = open_out(g.dir, "unmeasured");
				fprintf(f, "S%03u+S%03u\n", a, b);
				fclose(f);
				a = g.sites;
				break;
			}
		}
	printf("%u targets, %u sites, %zu scenarios, %zu streams\n", g.n, g.sites, g.nsets,
	    (g.nsets + 1) * g.sites);
	return 0;
}
