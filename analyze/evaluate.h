/*
 * evaluate.h: how good the prediction is. Every measured scenario of two or
 * more sites is predicted from the other measurements only (leave one out),
 * or, with a compare campaign, every such scenario of that campaign is
 * predicted from all of this campaign's measurements; then compared with
 * what was measured: per target (the predicted site against the site its
 * reply landed at) and per share of the matrix.
 */
#ifndef TP_EVALUATE_H
#define TP_EVALUATE_H

#include <stdint.h>

#include <jansson.h>

#include "calibrate.h"
#include "db.h"
#include "error.h"
#include "output.h"

struct ev_result {
	char *withdrawn;	/* canonical "A+B"; "all" for the overall line */
	uint64_t targets;	/* targets of its sites that answered the baseline */
	uint64_t answered;	/* of them, those that answered the measured round */
	uint64_t right;		/* of those, predicted to the site their reply landed at */
	uint64_t determined;	/* targets whose outcome the other measurements determine */
	struct pd_tally split;	/* answered and right, determined (by exposure) and not */
	double max_error;	/* largest |predicted - measured| of any share, by count */
	double max_weighted_error;	/* the same by weight */
	uint64_t control;	/* replies of targets of other sites in the measured round */
	uint64_t stayed;	/* of them, at their baseline site */
};

struct evaluation {
	long long campaign;	/* the campaign the predictions come from */
	long long compare;	/* the campaign measured against; 0 = leave one out */
	struct ev_result *scenarios;
	size_t n;
	struct ev_result all;	/* sums; the largest errors; control over every scenario */
};

/*
 * Evaluate campaign (an existing id) by leave-one-out, or against the
 * measurements of campaign compare (0 for none); -1 when there is no
 * measured scenario of two or more sites to evaluate.
 */
int evaluate_run(struct tp_db *db, long long campaign, long long compare,
    struct evaluation *ev, struct tp_err *err);
void evaluation_free(struct evaluation *ev);
json_t *evaluation_json(const struct evaluation *ev);
struct tp_table *evaluation_table(const struct evaluation *ev);

#endif
