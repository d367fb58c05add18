/*
 * campaign_pick.h: which campaign and which rounds an analysis reads.
 *
 * The campaign: --campaign ID, else the newest (highest id) with status
 * done, else the newest of any status (with a warning saying so).
 * The baseline of a campaign: its newest round of kind baseline with status
 * complete, else its newest baseline round of any status. A baseline
 * round's scenario_id is NULL, or the campaign's scenario whose withdrawn
 * set is "" (either is accepted).
 * The result of a scenario: its newest round of kind scenario with status
 * complete, else its newest scenario round of any status; convergence
 * samples are never used.
 */
#ifndef TP_CAMPAIGN_PICK_H
#define TP_CAMPAIGN_PICK_H

#include "db.h"
#include "error.h"

struct picked_round {
	long long id;		/* 0 when there is none */
	int complete;		/* status is complete */
};

/* Resolve want (0 = the default above) to an existing campaign id in *id. */
int campaign_pick(struct tp_db *db, long long want, long long *id, struct tp_err *err);
/* The campaign's baseline round; -1 naming the campaign when it has none. */
int campaign_baseline(struct tp_db *db, long long campaign, struct picked_round *r,
    struct tp_err *err);
/* The scenario's result round (r->id = 0 when it has none yet). */
int scenario_result(struct tp_db *db, long long scenario, struct picked_round *r,
    struct tp_err *err);

#endif
