/*
 * targets_import.h: the parts of tp-analyze targets import that the plain
 * lists (targets_cmd.c) and request logs (log_import.c) share.
 */
#ifndef TP_TARGETS_IMPORT_H
#define TP_TARGETS_IMPORT_H

#include "analyze.h"
#include "target_select.h"
#include "targets.h"

/* SQL for now, in microseconds since the epoch (targets.seen_us). */
#define TARGETS_NOW_US "(CAST(strftime('%s', 'now') AS INTEGER) * 1000000)"

/* The selection options of the command line, with the exclusion list loaded. */
int targets_select_options(struct analyze_ctx *ctx, struct target_select_opts *o,
    struct tp_err *err);
/*
 * Store l in one transaction, each site's group replacing its list, and
 * print the summary. pre, when not NULL, replaces the "read" count and
 * adds to the others (what a log import counted in requests).
 */
int targets_store(struct analyze_ctx *ctx, struct tp_target_list *l,
    const struct target_select_opts *o, const struct target_select_stats *pre,
    struct tp_err *err);
/* targets import --format combined|common|json|csv (log_import.c). */
int targets_import_log(struct analyze_ctx *ctx, struct tp_err *err);
/* -1 naming a log-only option (--field, --column, --since ...) given with plain lists. */
int targets_import_log_options_unused(const struct analyze_ctx *ctx, struct tp_err *err);

#endif
