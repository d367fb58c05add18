/*
 * calibrate.h: how far to trust a prediction. The model calls a target
 * determined when its known order reaches a site outside the failure set;
 * BGP path hiding can break that (exposure.h). A campaign measures some
 * sets the model called determined (validate = N in tp.conf) and stores
 * each outcome as a validation; evaluate's leave-one-out gives more such
 * checks. The measured rate at which determined predictions held, for
 * exposed and for other targets apart (a stratum without checks takes
 * both strata's), turns a row's determined share into a calibrated
 * confidence: the expected share of its targets predicted right, counting
 * undetermined targets as wrong, with a 95% Wilson interval. Targets of
 * one known order in one check move together, so the interval counts
 * such groups, not targets, as the independent trials. Without any
 * validation there is no calibrated confidence (NAN): the model's own
 * determined share is no measured rate.
 */
#ifndef TP_CALIBRATE_H
#define TP_CALIBRATE_H

#include <stdint.h>

#include "db.h"
#include "error.h"
#include "predict.h"

struct pd_obs;

/* Checks of predictions against a measured round: index [1] exposed, [0] not. */
struct pd_tally {
	uint64_t determined;	/* determined targets, answering or not */
	uint64_t answered[2];	/* determined targets that answered the round */
	uint64_t held[2];	/* of them, at the predicted site */
	uint64_t groups[2];	/* distinct known orders among the answered */
	uint64_t open_answered;	/* undetermined targets that answered */
	uint64_t open_right;	/* of them, at the likeliest site */
};

struct pd_calibration {
	size_t validations;	/* validations of the campaign with an outcome */
	struct pd_tally validated;	/* their checks */
	struct pd_tally left_out;	/* leave-one-out of the other measured sets of 2+ sites */
	size_t left_out_sets;	/* how many of them were left out (at most PD_CALIBRATION_LEFT_OUT) */
};

/* Measured sets a calibration leaves out at most (spread evenly over all). */
#define PD_CALIBRATION_LEFT_OUT 64
/*
 * 1 when candidate number seen (counted from 0) is left out, taken of them
 * so far, of candidates in all: every one up to PD_CALIBRATION_LEFT_OUT,
 * else that many spread evenly, the first always among them.
 */
int pd_left_out_takes(size_t seen, size_t taken, size_t candidates);

/* Add prediction p's targets, checked against measured round o, to t. */
void pd_tally_add(const struct pd_prediction *p, const struct pd_obs *o, struct pd_tally *t);
/* The 95% Wilson score interval of rate p over n independent trials (n > 0). */
void pd_wilson(double p, double n, double *lo, double *hi);
/*
 * Read the model's campaign's validations and run leave-one-out over its
 * other measured sets of two or more sites (md's left-out scenario is
 * restored to none).
 */
int pd_calibration_load(struct tp_db *db, struct pd_model *md, struct pd_calibration *cal,
    struct tp_err *err);
/*
 * The rate at which determined predictions held for exposed (1) or other
 * (0) targets, with its interval in *lo, *hi; NAN without validations.
 */
double pd_held_rate(const struct pd_calibration *cal, int exposed, double *lo, double *hi);
/* Fill each row's calibrated confidence and interval (a measured set's: its determined share). */
void pd_calibrate(const struct pd_calibration *cal, struct pd_prediction *p);

#endif
