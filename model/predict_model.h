/*
 * predict_model.h: the inside of a prediction model, shared by
 * predict_model.c (loading, orders) and predict.c (predicting). Sets of
 * sites are bit sets of `words` 64-bit words, bit i for site index i.
 */
#ifndef TP_PREDICT_MODEL_H
#define TP_PREDICT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "matrix.h"
#include "predict.h"

/* One measured scenario and where its replies landed. */
struct pd_obs {
	long long scenario, round;
	int round_complete;
	char *withdrawn;	/* canonical "A+B" */
	size_t *sites;		/* site indexes */
	size_t nsites;
	uint64_t *set;		/* the same as a bit set */
	uint32_t *resp_target;	/* target ids, ascending (4 bytes: a model holds every reply) */
	int32_t *resp_site;	/* where each reply landed (a split target: its first) */
	uint8_t *resp_split;	/* 1: the target's replies (flows) landed at two or more sites */
	size_t nresp;
	int left_out;		/* forgotten for a leave-one-out */
};

struct pd_model {
	long long campaign, baseline_round;
	struct mx_site *sites;	/* every site in the database, by name */
	size_t nsites, words;
	long long max_target;
	double *weight;		/* by target id */
	int32_t *listed;	/* site index of its list, -1 none, -2 no such target */
	int32_t *baseline;	/* site index of its baseline reply, -1 none */
	uint64_t targets, silent_unlisted;
	struct pd_obs *obs;
	size_t nobs;
	/* Known preference orders by target id: order[off[t] .. off[t] + len[t]). */
	size_t *order_off;
	uint32_t *order_len;
	int32_t *order;
	size_t order_stride;	/* room per target: the largest measured set, plus one */
	/* The scenarios not left out, hashed by set: obs index + 1, 0 = empty slot. */
	uint32_t *obs_index;
	size_t obs_index_mask;
	/* Failover partners per site (exposure.h), built at first use; NULL until then. */
	uint64_t *partners;
	/* Target ids by baseline site: by_site[site_first[s] .. site_first[s + 1]). */
	size_t *site_first;
	long long *by_site;
};

/* 1 when site index i is in the bit set. */
static inline int
pd_set_has(const uint64_t *set, size_t i)
{
	return (set[i / 64] >> (i % 64)) & 1;
}

/* Add site index i to the bit set. */
static inline void
pd_set_add(uint64_t *set, size_t i)
{
	set[i / 64] |= (uint64_t)1 << (i % 64);
}

/* The measured (not left out) scenario whose set is exactly set, or NULL. */
const struct pd_obs *pd_find_obs(const struct pd_model *md, const uint64_t *set);
/* Where target replied in o: a site index, or PD_LOST. */
int32_t pd_obs_reply(const struct pd_obs *o, long long target);
/* 1 when target's replies in o landed at two or more sites (its order is uncertain). */
int pd_obs_split(const struct pd_obs *o, long long target);
/* The target ids whose baseline reply landed at site index s, ascending; *n of them. */
const long long *pd_model_site_targets(struct pd_model *md, size_t s, size_t *n);
/* Derive every target's known order from the measured scenarios not left out. */
void pd_orders_build(struct pd_model *md);
/* Derive target t's known order again (set: scratch room of md->words words). */
void pd_order_build(struct pd_model *md, long long t, uint64_t *set);
/* Hash the scenarios not left out by their sets, for pd_find_obs. */
void pd_obs_index_build(struct pd_model *md);

#endif
