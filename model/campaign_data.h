/*
 * campaign_data.h: what the failover matrix (matrix.c) and the prediction
 * model (predict_model.c) read from the database alike: every site by name
 * with its id -> index map, every target's weight and list site, where one
 * round's replies landed, and each site's baseline catchment. Arrays are
 * indexed by id, so each pass over the database is one pass.
 */
#ifndef TP_CAMPAIGN_DATA_H
#define TP_CAMPAIGN_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "error.h"
#include "matrix.h"

/* Site id -> site index. */
struct site_map {
	long long max_site;
	int32_t *site_index;	/* by site id, -1 none */
};

/* Per target id: its weight and sites. */
struct target_table {
	long long max_target;
	double *weight;
	int32_t *listed;	/* site index of its list, -1 none, -2 no such target */
	int32_t *baseline;	/* site index its baseline reply landed at, -1 none */
	uint64_t count;		/* targets in the database */
};

/*
 * Every site, ordered by name, appended to *sites / *nsites, and map. On
 * failure what was allocated is left for the caller to free.
 */
int campaign_load_sites(struct tp_db *db, struct mx_site **sites, size_t *nsites,
    struct site_map *map, struct tp_err *err);
/* The site index of a site id, -1 for an unknown id. */
int32_t campaign_site_of(const struct site_map *map, long long id);
/*
 * Every target's weight and list site into tt (baseline all -1). On
 * failure what was allocated is left in tt for target_table_free.
 */
int campaign_load_targets(struct tp_db *db, const struct site_map *map,
    struct target_table *tt, struct tp_err *err);
/*
 * Call fn(target, site index, arg) for every response of round, ordered by
 * target (a target answers once per flow); responses for unknown targets
 * or sites are skipped. A database error says what.
 */
int campaign_each_response(struct tp_db *db, const struct site_map *map,
    const struct target_table *tt, long long round, const char *what,
    void (*fn)(long long, int32_t, void *), void *arg, struct tp_err *err);
/* Sum each site's catchment, and the silent targets listed at it (or at none). */
void campaign_sum_catchments(const struct target_table *tt, struct mx_site *sites,
    uint64_t *silent_unlisted);
/* Free the map's array. */
void site_map_free(struct site_map *map);
/* Free the table's arrays. */
void target_table_free(struct target_table *tt);

#endif
