/*
 * report.h: the operator's summary of a campaign: per site its catchment
 * and where it fails over to; per scenario whether each destination can
 * absorb the load (load_model.h); and, against an earlier campaign, the
 * weighted shares that moved by more than a threshold.
 */
#ifndef TP_REPORT_H
#define TP_REPORT_H

#include "config.h"
#include "db.h"
#include "matrix.h"
#include "output.h"

#define REPORT_JSON_VERSION 1
/* How many failover destinations a catchment row names. */
#define REPORT_TOP 3

struct report {
	struct tp_table *catchments;
	struct tp_table *capacity;
	struct tp_table *changes;	/* NULL without an earlier campaign */
	struct tp_table *predictions;	/* report_predictions; NULL when not asked for */
	struct tp_table *independence;	/* independence.h; NULL with fewer than two lanes */
};

/*
 * Fill r from matrix now (and then, an earlier campaign's matrix, or NULL;
 * threshold in percentage points).
 */
void report_build(const struct failover_matrix *now, const struct failover_matrix *then,
    const struct tp_conf *conf, double threshold, struct report *r);
void report_free(struct report *r);
/* "AKL 99.8%, SYD 0.2%": row r's REPORT_TOP heaviest destinations into buf. */
void report_top_destinations(const struct failover_matrix *m, const struct mx_row *r,
    char *buf, size_t len);
/*
 * report_predicted.c: for each site measured alone, the set of it and its
 * heaviest failover site when the campaign did not measure it, predicted
 * with its calibrated confidence; *validations behind it. NULL on error.
 */
struct tp_table *report_predictions(struct tp_db *db, const struct failover_matrix *now,
    size_t *validations, struct tp_err *err);
/* The report as one JSON document (version, campaign, compare, and each table). */
json_t *report_json(const struct report *r, const struct failover_matrix *now,
    const struct failover_matrix *then);

#endif
