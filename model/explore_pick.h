/*
 * explore_pick.h: explore's choice of the next failure set to measure, as
 * a pure function of the prediction model and the sets already known: of
 * every set of k sites not yet measured or planned, the one with the most
 * targets whose outcome the measurements do not determine (the lowest
 * confidence weighted by the targets the set affects); a tie goes to the
 * lower confidence, then to the first set in combination order.
 */
#ifndef TP_EXPLORE_PICK_H
#define TP_EXPLORE_PICK_H

#include <stddef.h>

#include "error.h"
#include "predict.h"

struct explore_choice {
	char *set;		/* canonical "A+B"; NULL when every candidate is determined */
	size_t *sites;		/* k indexes into the site list, ascending */
	size_t k;
	size_t open;		/* targets the measurements do not determine */
	double confidence;	/* determined / affected targets */
};

/*
 * Choose among the sets of k of the nsites names (each set's indexes
 * ascending, enumerated in lexicographic order) those whose canonical
 * text is not among known. -1 when the model cannot predict a set (err
 * says why); otherwise 0, with out->set NULL when nothing is left to learn.
 */
int explore_pick(struct pd_model *md, const char *const *names, size_t nsites, size_t k,
    const char *const *known, size_t nknown, struct explore_choice *out, struct tp_err *err);
/* Free the choice's set and sites. */
void explore_choice_free(struct explore_choice *c);

#endif
