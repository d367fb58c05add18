/* run.h: the entry points main.c calls. */
#ifndef TP_CAMPAIGN_RUN_H
#define TP_CAMPAIGN_RUN_H

#include <sysexits.h>

#include "campaign.h"

#define EX_CONFIG_STATUS EX_CONFIG

/* Run, or resume when resume_id > 0; returns the exit status. */
int campaign_run(struct campaign *c, long long resume_id);
/*
 * Take the lock DB.lock next to the database (fd stays open while we run):
 * 0; 1 when another campaign holds it; -1 when it is not a lock file of ours.
 */
int campaign_lock(const char *db_path, int *fd, struct tp_err *err);

/* show.c: what tp-campaign list and status print. */
int campaign_print_list(struct tp_db *db, int json);
int campaign_print_status(struct tp_db *db, long long id, int json, struct tp_err *err);
/* plan_show.c: the dry run's plan, schedule per lane and estimates (-n run). */
int campaign_print_plan(const struct campaign *c, const struct scenario *v, size_t n,
    struct tp_err *err);
/* The per-scenario table printed at the end of a run. */
void campaign_print_summary(struct campaign *c, long long id);

#endif
