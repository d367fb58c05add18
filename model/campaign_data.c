/* campaign_data.c: sites, targets and one round's replies, as matrix and model read them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign_data.h"
#include "xalloc.h"

/* One integer from a query without parameters. */
static int
query_int(struct tp_db *db, const char *sql, long long *out, struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (tp_db_prepare(db, sql, &st, err) < 0)
		return -1;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : tp_db_fail(db, sql, err);
}

/* The site index of a site id, -1 for an unknown id. */
int32_t
campaign_site_of(const struct site_map *map, long long id)
{
	return id >= 0 && id <= map->max_site ? map->site_index[id] : -1;
}

/* Load every site (by name) and the id -> index map. */
int
campaign_load_sites(struct tp_db *db, struct mx_site **sites, size_t *nsites,
    struct site_map *map, struct tp_err *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	long long i;
	int rc;

	if (query_int(db, "SELECT coalesce(max(id), 0) FROM sites", &map->max_site, err) < 0)
		return -1;
	map->site_index = xcalloc((size_t)map->max_site + 1, sizeof(int32_t));
	for (i = 0; i <= map->max_site; i++)
		map->site_index[i] = -1;
	if (tp_db_prepare(db, "SELECT id, name, coalesce(capacity, 0) FROM sites ORDER BY name",
	    &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct mx_site *s;
		long long id = sqlite3_column_int64(st, 0);

		if (*nsites == cap) {
			cap = cap ? cap * 2 : 16;
			*sites = xreallocarray(*sites, cap, sizeof(**sites));
		}
		s = &(*sites)[*nsites];
		memset(s, 0, sizeof(*s));
		s->id = id;
		snprintf(s->name, sizeof(s->name), "%s", (const char *)sqlite3_column_text(st, 1));
		s->capacity = sqlite3_column_double(st, 2);
		if (id >= 0 && id <= map->max_site)
			map->site_index[id] = (int32_t)*nsites;
		(*nsites)++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : tp_db_fail(db, "reading sites", err);
}

/* Load every target's weight and list site. */
int
campaign_load_targets(struct tp_db *db, const struct site_map *map,
    struct target_table *tt, struct tp_err *err)
{
	sqlite3_stmt *st;
	size_t n;
	long long i;
	int rc;

	if (query_int(db, "SELECT coalesce(max(id), 0) FROM targets", &tt->max_target, err) < 0)
		return -1;
	n = (size_t)tt->max_target + 1;
	tt->weight = xcalloc(n, sizeof(double));
	tt->listed = xmalloc(n * sizeof(int32_t));
	tt->baseline = xmalloc(n * sizeof(int32_t));
	for (i = 0; i <= tt->max_target; i++) {
		tt->listed[i] = -2;
		tt->baseline[i] = -1;
	}
	if (tp_db_prepare(db, "SELECT id, site_id, weight FROM targets", &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);

		if (id < 0 || id > tt->max_target)
			continue;
		tt->weight[id] = sqlite3_column_double(st, 2);
		tt->listed[id] = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 :
		    campaign_site_of(map, sqlite3_column_int64(st, 1));
		tt->count++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : tp_db_fail(db, "reading targets", err);
}

/*
 * Call fn(target, site index, arg) for every response of round, ordered by
 * target; responses for unknown targets or sites are skipped.
 */
int
campaign_each_response(struct tp_db *db, const struct site_map *map,
    const struct target_table *tt, long long round, const char *what,
    void (*fn)(long long, int32_t, void *), void *arg, struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	/* In the key's order: one target's replies (one per flow) come together. */
	if (tp_db_prepare(db, "SELECT target_id, site_id FROM responses WHERE round_id = ? "
	    "ORDER BY target_id", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, round);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long t = sqlite3_column_int64(st, 0);
		int32_t s = campaign_site_of(map, sqlite3_column_int64(st, 1));

		if (t < 0 || t > tt->max_target || s < 0)
			continue;
		fn(t, s, arg);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : tp_db_fail(db, what, err);
}

/* Sum each site's catchment, and the silent targets listed at it. */
void
campaign_sum_catchments(const struct target_table *tt, struct mx_site *sites,
    uint64_t *silent_unlisted)
{
	long long t;

	for (t = 0; t <= tt->max_target; t++) {
		if (tt->listed[t] == -2)
			continue;
		if (tt->baseline[t] >= 0) {
			sites[tt->baseline[t]].catchment++;
			sites[tt->baseline[t]].catchment_weight += tt->weight[t];
		} else if (tt->listed[t] >= 0)
			sites[tt->listed[t]].silent++;
		else
			(*silent_unlisted)++;
	}
}

/* Free the map's array. */
void
site_map_free(struct site_map *map)
{
	free(map->site_index);
	map->site_index = NULL;
}

/* Free the table's arrays. */
void
target_table_free(struct target_table *tt)
{
	free(tt->weight);
	free(tt->listed);
	free(tt->baseline);
	tt->weight = NULL;
	tt->listed = NULL;
	tt->baseline = NULL;
}
