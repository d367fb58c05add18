/*
 * explore_pick.h: explore's choice of the next failure set to measure, as
 * a pure function of the prediction model, its calibration and the sets
 * already known: of every set of k sites not yet measured or planned, the
 * one with the most to learn: its targets whose outcome the measurements
 * do not determine, plus its determined targets weighted by the measured
 * rate at which such predictions failed (calibrate.h; by exposure, so that
 * a set where path hiding has shown gets measured). Without validations
 * only the undetermined count. A tie goes to the lower determined share,
 * then to the first set in combination order.
 */
#ifndef TP_EXPLORE_PICK_H
#define TP_EXPLORE_PICK_H

#include <stddef.h>

#include "error.h"
#include "calibrate.h"
#include "predict.h"

struct explore_choice {
	char *set;		/* canonical "A+B"; NULL when every candidate is determined */
	size_t *sites;		/* k indexes into the site list, ascending */
	size_t k;
	size_t open;		/* targets the measurements do not determine */
	double to_learn;	/* open plus determined targets times their violation rate */
	double confidence;	/* determined / affected targets */
};

/*
 * Choose among the sets of k of the nsites names (each set's indexes
 * ascending, enumerated in lexicographic order) those whose canonical
 * text is not among known; cal may be NULL (no validations). -1 when the model cannot predict a set (err
 * says why); otherwise 0, with out->set NULL when nothing is left to learn.
 */
int explore_pick(struct pd_model *md, const struct pd_calibration *cal,
    const char *const *names, size_t nsites, size_t k, const char *const *known,
    size_t nknown, struct explore_choice *out, struct tp_err *err);
/* Free the choice's set and sites. */
void explore_choice_free(struct explore_choice *c);

#endif
