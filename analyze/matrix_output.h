/*
 * matrix_output.h: failover matrices and predictions for people and
 * machines; the numbers come from model/ (matrix.h, predict.h).
 */
#ifndef TP_MATRIX_OUTPUT_H
#define TP_MATRIX_OUTPUT_H

#include <jansson.h>

#include "matrix.h"
#include "output.h"
#include "predict.h"

/*
 * matrix_output.c: the matrix for people and machines. JSON (version 1):
 *   {"version":1,"campaign":3,"baseline_round":7,"scenarios":[
 *     {"withdrawn":["CHC"],"from":"CHC","round":9,"round_complete":true,
 *      "baseline_targets":1200,"responsive":1190,"responsive_weight":5120.5,
 *      "to":{"AKL":{"targets":1187,"share":0.9975,"weighted_share":0.998}},
 *      "lost":{"targets":3,"share":0.0025,"weighted_share":0.002},
 *      "split":{"targets":2,"share":0.0017,"weighted_share":0.001}}]}
 * Shares are null when there is nothing to share (responsive is 0). A
 * target whose replies landed at two or more sites (split) counts at each
 * by the share of its replies there, so "targets" under "to" may be a
 * fraction; "split" counts such targets whole.
 */
json_t *matrix_json(const struct failover_matrix *m);
/* The people's table: failed set and site per row, a share per destination column. */
struct tp_table *matrix_table(const struct failover_matrix *m, int by_count, int for_people);
/* A real, or null for NAN (jansson has no NAN). */
json_t *mx_json_real(double v);

/* predict_output.c */
/* The prediction as the matrix JSON, with "predicted": true and per row "confidence". */
json_t *pd_prediction_json(const struct pd_prediction *p);
/* The people's table: like the matrix table, with a confidence column. */
struct tp_table *pd_prediction_table(const struct pd_prediction *p, int by_count,
    int for_people);

#endif
