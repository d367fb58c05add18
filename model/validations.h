/*
 * validations.h: the validations table, where a campaign keeps each set
 * validate picked (by cost or at random) and, once the set was measured,
 * how the model's determined predictions for it held (calibrate.h reads
 * them back).
 */
#ifndef TP_VALIDATIONS_H
#define TP_VALIDATIONS_H

#include <stddef.h>

#include "calibrate.h"
#include "db.h"
#include "error.h"

/* Store campaign's pick set, chosen "cost" or "random" (again: nothing changes). */
int validations_store_pick(struct tp_db *db, long long campaign, const char *set,
    const char *chosen, struct tp_err *err);
/* Store the outcome of campaign's validation of set. */
int validations_store_outcome(struct tp_db *db, long long campaign, const char *set,
    const struct pd_tally *t, struct tp_err *err);
/*
 * The campaign's picks in the order they were made: sets into *sets and
 * "cost"/"random" into *chosen (both freed by the caller, each string and
 * the arrays), *n of them.
 */
int validations_picks(struct tp_db *db, long long campaign, char ***sets, char ***chosen,
    size_t *n, struct tp_err *err);

#endif
