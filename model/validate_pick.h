/*
 * validate_pick.h: validate's choice of the next failure set to measure,
 * as a pure function of the prediction model, the sets already known, the
 * pick's number and a seed. Candidates are the sets of k sites not yet
 * measured or planned in which the model calls some target determined.
 *
 * Picks 0, 2, 4, ... go by cost: where a violation would cost the most,
 * the set with the most exposed determined targets (exposure.h: a site of
 * the set whose failover partners share its upstream networks, and may
 * have been hidden behind it, could take them), then the most determined
 * targets, then the first in combination order. Picks 1, 3, 5, ... are
 * random, each candidate as likely as its determined targets, from a
 * splitmix64 stream of seed and the pick's number: the same campaign picks
 * the same sets, and the measured rate is not only an adversarial one.
 */
#ifndef TP_VALIDATE_PICK_H
#define TP_VALIDATE_PICK_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "predict.h"

struct validate_choice {
	char *set;		/* canonical "A+B"; NULL when no candidate is left */
	size_t *sites;		/* k indexes into the site list, ascending */
	size_t k;
	const char *chosen;	/* "cost" or "random" */
	uint64_t determined;	/* targets the model calls determined */
	uint64_t exposed;	/* of them, exposed to a hidden route */
};

/*
 * Pick number `index` among the sets of k of the nsites names whose
 * canonical text is not among known. -1 when the model cannot predict a
 * set (err says why); otherwise 0, out->set NULL when nothing is left.
 */
int validate_pick(struct pd_model *md, const char *const *names, size_t nsites, size_t k,
    const char *const *known, size_t nknown, size_t index, uint64_t seed,
    struct validate_choice *out, struct tp_err *err);
/* Free the choice's set and sites. */
void validate_choice_free(struct validate_choice *c);

#endif
