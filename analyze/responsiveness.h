/*
 * responsiveness.h: how many targets of each site answered which probe
 * method in a baseline round (probe_methods: ICMP first, then TCP for the
 * targets that ignore ICMP), for targets stats and the report.
 */
#ifndef TP_RESPONSIVENESS_H
#define TP_RESPONSIVENESS_H

#include "db.h"
#include "error.h"
#include "output.h"

/*
 * Per site (targets import --site) and family: targets, their weight, then
 * one column per method that answered baseline round `round` (targets
 * whose reply to that method was stored), "silent" (no reply) and
 * "responsive" (answered by any method). Counts, or with shares set the
 * share of the row's targets. round 0: no method columns. *methods (when
 * not NULL) is the number of method columns: 0 when no target answered
 * (or the replies were pruned). NULL with err set on a database error.
 */
struct tp_table *responsiveness_table(struct tp_db *db, long long round, int shares,
    size_t *methods, struct tp_err *err);

#endif
