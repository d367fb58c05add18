/*
 * lanes.h: what the executor tells the lane driver (lanes.c) while a lane
 * runs a scenario: one tp-bgpctl at a BIRD at a time, which sites each
 * lane has withdrawn (BIRD's dead-man switch is per daemon, shared by the
 * lanes), when a lane's prefix changed (pacing), and the wait before an
 * announcement that keeps min_change_interval. On a campaign copy without
 * lanes (c->lanes NULL: the baseline, the dry run) they only keep the
 * ledger.
 */
#ifndef TP_CAMPAIGN_LANES_H
#define TP_CAMPAIGN_LANES_H

#include "campaign.h"
#include "pacing.h"

/* Take and release site i's lock: no two lanes run tp-bgpctl at one BIRD at once. */
void lanes_site_lock(struct campaign *c, size_t i);
void lanes_site_unlock(struct campaign *c, size_t i);
/* Mark site i withdrawn (1) or announced (0) on c's lane: the ledger and the dead-man. */
void lanes_ledger(struct campaign *c, size_t i, int withdrawn);
/* c's lane's prefix changes now (pacing model). */
void lanes_note_change(struct campaign *c, enum pacing_change kind);
/*
 * Wait until c's lane may announce again: min_change_interval after its
 * withdrawal. -1 with err when a stop signal cut the wait short.
 */
int lanes_hold(struct campaign *c, struct tp_err *err);
/* Free what lanes_run left for lanes_restore_all (run.c calls it last). */
void lanes_free(struct campaign *c);

#endif
