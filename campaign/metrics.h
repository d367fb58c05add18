/*
 * metrics.h: Prometheus textfile-collector metrics of tp-campaign (the
 * METRICS section of tp-campaign(8)). After every run, whatever its end,
 * the file named by metrics_file in tp.conf is replaced atomically: a
 * temporary file in the same folder, then rename(2), so node_exporter
 * never reads half a file.
 *
 * Two kinds of metric: tp_campaign_last_run_* describe the last run
 * (start, end, status, exit code, its scenarios); the results (targets
 * responsive per site, convergence per scenario, failover shares,
 * overloaded destinations) come from the newest campaign whose status is
 * done, whose end time is tp_campaign_last_success_timestamp_seconds.
 */
#ifndef TP_CAMPAIGN_METRICS_H
#define TP_CAMPAIGN_METRICS_H

#include <stdint.h>
#include <stdio.h>

#include "campaign.h"

/* What the last run was. */
struct metrics_run {
	long long campaign;	/* its campaign row; 0 when it never got one */
	const char *status;	/* done, failed, aborted or refused */
	int exit_code;
	int64_t start_us;	/* wall clock, microseconds since the epoch */
	int64_t end_us;
};

/* The status word of a tp-campaign exit status (done, failed, aborted, refused). */
const char *metrics_status_of_exit(int exit_code);

/* Print every metric of run, reading results from db (conf for capacities; may be NULL). */
int metrics_print(FILE *f, struct tp_db *db, const struct tp_conf *conf,
    const struct metrics_run *run, struct tp_err *err);

/* Write metrics_print's text to path atomically (temporary file, then rename). */
int metrics_write_file(const char *path, struct tp_db *db, const struct tp_conf *conf,
    const struct metrics_run *run, struct tp_err *err);

/*
 * The hook at the end of tp-campaign run and resume: when conf->metrics_file
 * is set and this was not a dry run, write it for c ending with exit_code.
 * A failure is logged; it never changes the campaign's exit status.
 */
void campaign_metrics(const struct campaign *c, int exit_code);

#endif
