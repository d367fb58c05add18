/*
 * predict.h: predict the failover matrix of a failure set that was never
 * measured, from the rounds of a campaign that were (tp-analyze(1),
 * PREDICTION).
 *
 * Each target that answered the baseline has a known preference order over
 * sites: its baseline site a first; then where it went in the measured
 * scenario {a}; then where it went in {a, that site}; and so on while the
 * campaign measured exactly the sites of the order so far. The order ends
 * where no such scenario was measured, where the target did not answer it
 * (lost), or where its reply still landed at a withdrawn site.
 *
 * For a failure set S, a target whose baseline site is not in S stays
 * where it is (it is not in any row). A target of S is "determined" when
 * S itself was measured (its reply there is the answer) or when its order
 * reaches a site not in S (every site before it is in S): it goes there.
 * Any other target follows the outcomes of determined targets of S whose
 * order starts with its whole known order; when there are none, of
 * determined targets with its baseline site; then of all determined targets
 * of S; with none at all, it is spread evenly over the sites not in S.
 */
#ifndef TP_PREDICT_H
#define TP_PREDICT_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "error.h"
#include "matrix.h"

/* A prediction's outcome for a target: a site index, or lost. */
#define PD_LOST (-1)

struct pd_model;

/*
 * Read campaign (an existing id; see campaign_pick) into a model: sites,
 * targets, the baseline, and every scenario with a result round.
 */
int pd_model_load(struct tp_db *db, long long campaign, struct pd_model **out,
    struct tp_err *err);
void pd_model_free(struct pd_model *md);

/* The measured scenarios (with a result round), as canonical "A+B". */
size_t pd_model_nmeasured(const struct pd_model *md);
const char *pd_model_measured(const struct pd_model *md, size_t i);
/* Where target id replied in measured scenario i: a site index, PD_LOST when it did not. */
int32_t pd_model_reply(const struct pd_model *md, size_t i, long long target);
/* The site index target id's baseline reply landed at, -1 when none. */
int32_t pd_model_baseline(const struct pd_model *md, long long target);

/*
 * Forget measured scenario i (leave-one-out), or, with i == (size_t)-1,
 * bring every forgotten one back; the orders are derived again.
 */
void pd_model_leave_out(struct pd_model *md, size_t i);

/* One row of a prediction: the expected numbers before rounding. */
struct pd_row {
	uint64_t determined;	/* targets the measurements fully determine */
	uint64_t exposed;	/* of them, exposed to a hidden route (exposure.h) */
	double determined_share;	/* determined / responsive; NAN when responsive is 0 */
	/*
	 * Calibrated confidence (calibrate.h) and its interval: NAN until
	 * pd_calibrate, and when the campaign has no validations.
	 */
	double confidence, confidence_low, confidence_high;
	double *expect;		/* per site index, then lost at [nsites]: expected targets */
	double *expect_weight;	/* the same by weight */
};

struct pd_prediction {
	struct failover_matrix m;	/* one scenario; counts rounded to whole targets */
	struct pd_row *rows;		/* beside m.rows */
	int measured;			/* the set itself was measured (and not left out) */
	size_t validations;		/* behind the calibrated confidence (pd_calibrate) */
	/* Every target of the set's sites that answered the baseline: */
	size_t n;
	long long *target;		/* target id */
	int32_t *site;			/* predicted site (the likeliest when not determined) */
	uint8_t *determined;
	uint8_t *exposed;		/* determined, and exposed to a hidden route (exposure.h) */
	/*
	 * Targets with the same known order (a client network, as far as the
	 * measurements tell) share a group, 0 .. ngroups - 1: they are one
	 * observation, not many, when a rate is measured.
	 */
	uint32_t *group;
	size_t ngroups;
	uint64_t ndetermined;
};

/*
 * Predict canonical failure set withdrawn ("A+B", not empty); -1 naming a
 * site the database does not know.
 */
int pd_predict(struct pd_model *md, const char *withdrawn, struct pd_prediction *p,
    struct tp_err *err);
void pd_prediction_free(struct pd_prediction *p);


#endif
