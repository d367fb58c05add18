/*
 * policy.h: Traffic Manager policies (schema in tp-analyze(1), version 1).
 *
 * For each failure scenario: its load, each surviving destination's
 * measured share, baseline load, incoming and expected load against its
 * capacity; and, where a destination would overflow, moves of the excess
 * (never more than it would receive) to the next destinations with spare
 * capacity, in order of their measured failover share (sites that received
 * nothing last, by name). Destinations of unknown capacity neither overflow
 * nor receive moves. Excess nobody can take is "unplaced_load".
 */
#ifndef TP_POLICY_H
#define TP_POLICY_H

#include <jansson.h>

#include "config.h"
#include "matrix.h"

#define POLICY_JSON_VERSION 1

/* The policy document for matrix m (capacities from conf, else the database). */
json_t *policy_json(const struct failover_matrix *m, const struct tp_conf *conf);

#endif
