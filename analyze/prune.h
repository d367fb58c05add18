/*
 * prune.h: retention of client addresses (retain_days in tp.conf). A
 * campaign that started more than retain_days ago loses its replies (the
 * rows that tie an address to the site it reached), after its failover
 * matrix is stored in campaign_aggregates (matrix_archive.h); a target
 * that no import has listed for retain_days, and that no kept reply
 * needs, is deleted.
 */
#ifndef TP_PRUNE_H
#define TP_PRUNE_H

#include <stdint.h>

#include "../lib/config.h"	/* not the autoconf config.h in the build folder */
#include "db.h"
#include "error.h"

struct prune_counts {
	uint64_t campaigns;	/* campaigns whose replies were deleted */
	uint64_t responses;	/* replies deleted */
	uint64_t targets;	/* targets deleted */
};

/* Forget what is older than days before now_us (microseconds since the epoch). */
int prune_older_than(struct tp_db *db, unsigned days, int64_t now_us, struct prune_counts *c,
    struct tp_err *err);
/*
 * The campaign's end hook: prune by conf's retain_days (nothing when 0),
 * logging what went; a failure is logged, not returned, since the
 * campaign itself is done.
 */
void retention_after_campaign(struct tp_db *db, const struct tp_conf *conf);

#endif
