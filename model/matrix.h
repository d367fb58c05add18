/*
 * matrix.h: the failover matrix of a campaign (DESIGN.md, "Failover matrix").
 *
 * For each scenario S with a result round, and each withdrawn site X in S:
 * the targets of X are those whose baseline reply landed at X (they are
 * "responsive") plus those listed for X (targets import --site X) that did
 * not answer the baseline at all (counted, then excluded). Of the
 * responsive ones, the number, and the weight, whose scenario reply landed
 * at each site, and those that did not answer the scenario round ("lost").
 * A set of two or more sites also gets one combined row, from "A+B".
 *
 * Split targets (round_landing.h): a target whose replies in one round
 * landed at two or more sites. In the baseline it belongs to the
 * catchment of the site with most of its replies; in a scenario round it
 * counts at each site by the share of its replies there (to_share,
 * to_weight), and the row counts it as split.
 *
 * Built in C with arrays indexed by target id: one pass over the targets,
 * one over the baseline round, one over each scenario round.
 */
#ifndef TP_MATRIX_H
#define TP_MATRIX_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "error.h"

struct mx_site {
	long long id;
	char name[64];
	double capacity;	/* sites.capacity; 0 = unknown */
	uint64_t catchment;	/* baseline replies that landed here */
	double catchment_weight;
	uint64_t silent;	/* listed here, no baseline reply */
};

struct mx_row {
	size_t scenario;	/* index into scenarios */
	char *from;		/* a site name, or the whole set for a combined row */
	int combined;
	uint64_t baseline_targets;	/* responsive + silent */
	uint64_t responsive;
	double responsive_weight;
	uint64_t answered;	/* responsive targets that answered the scenario round */
	double answered_weight;
	uint64_t *to;		/* per site index: targets whose scenario reply landed there
				 * (a split target at the site with most of its replies) */
	double *to_weight;	/* their weight, a split target's divided by its shares */
	double *to_share;	/* targets counted fractionally; NULL: as to (predictions) */
	uint64_t split;		/* answered targets whose replies landed at two or more sites */
	double split_weight;
};

struct mx_scenario {
	long long id;
	char *withdrawn;	/* canonical "A+B" */
	size_t *sites;		/* site indexes of the withdrawn sites */
	size_t nsites;
	long long round;	/* the result round used */
	int round_complete;
	size_t first_row, nrows;
};

struct failover_matrix {
	long long campaign;
	long long baseline_round;
	struct mx_site *sites;	/* every site in the database, by name */
	size_t nsites;
	struct mx_scenario *scenarios;	/* fewest sites first, then by name */
	size_t nscenarios;
	struct mx_row *rows;
	size_t nrows;
	uint64_t targets;	/* targets in the database */
	uint64_t silent_unlisted;	/* no baseline reply and listed at no site */
};

/*
 * Build the matrix of campaign (an existing id; see campaign_pick). only,
 * when not NULL, is a canonical failure set: then just that scenario, and
 * it is an error for it not to exist or to have no result yet.
 */
int matrix_build(struct tp_db *db, long long campaign, const char *only,
    struct failover_matrix *m, struct tp_err *err);

/* matrix_rows.c: what the measured and the predicted matrix share. */
void matrix_free(struct failover_matrix *m);
/*
 * Resolve canonical failure set withdrawn to indexes into sites (fresh
 * *out, *n of them); -1 with the name not among sites in unknown.
 */
int mx_resolve_sites(const struct mx_site *sites, size_t nsites, const char *withdrawn,
    size_t **out, size_t *n, char *unknown, size_t len);
/* Append an empty row for scenario si from `from` (a site, or the set when combined). */
struct mx_row *mx_add_row(struct failover_matrix *m, size_t si, const char *from,
    int combined, size_t nbins);
/*
 * Append scenario si's rows before any answer is counted: one per withdrawn
 * site, responsive = its catchment, then for two or more sites the
 * combined row, whose responsive targets are their sum. nbins is the
 * length of each row's destination arrays (at least the number of sites).
 */
void mx_scenario_rows(struct failover_matrix *m, size_t si, size_t nbins);
/*
 * Add the answers of scenario si's site rows into its combined row (when
 * it has one): destinations and answered, and with weights their weights.
 */
void mx_sum_combined(struct failover_matrix *m, size_t si, int weights);

/* Row r's targets at site index i, split targets counted by their shares. */
double mx_to(const struct mx_row *r, size_t i);
/* n / of, or NAN when of is 0 (no share can be given). */
double mx_share(double n, double of);
/* The index of site name, or -1. */
long mx_site_index(const struct failover_matrix *m, const char *name);
/* 1 when site index i is withdrawn in scenario s. */
int mx_withdrawn(const struct mx_scenario *s, size_t i);


#endif
