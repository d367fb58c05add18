/*
 * matrix_archive.h: a campaign's failover matrix kept after its replies
 * are pruned (tp-analyze prune, retain_days). The whole struct
 * failover_matrix is stored as one JSON document in campaign_aggregates;
 * matrix_build reads it back for a pruned campaign, so matrix, report,
 * report --compare and policy keep working without any client address.
 */
#ifndef TP_MATRIX_ARCHIVE_H
#define TP_MATRIX_ARCHIVE_H

#include "db.h"
#include "error.h"
#include "matrix.h"

/* Store m as its campaign's aggregate (replacing an earlier one). */
int matrix_archive_save(struct tp_db *db, const struct failover_matrix *m,
    struct tp_err *err);
/*
 * Load the stored matrix of campaign (only: one canonical failure set, as
 * matrix_build). 1 when loaded, 0 when the campaign has none, -1 on error.
 */
int matrix_archive_load(struct tp_db *db, long long campaign, const char *only,
    struct failover_matrix *m, struct tp_err *err);

#endif
