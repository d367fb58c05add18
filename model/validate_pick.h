/*
 * validate_pick.h: validate's choice of the next failure set to measure,
 * as a pure function of the prediction model, the sets already known, the
 * pick's number and a seed. Candidates are the sets of k sites not yet
 * measured or planned in which the model calls some target determined.
 *
 * Which rule picks: picks 2, 5, 8, ... (every third, counting from 0) are
 * drawn at random, and so is any pick when no candidate has an exposed
 * target left; all others go by cost. By cost: where a violation would
 * cost the most, the set with the most exposed determined targets
 * (exposure.h: a site of the set whose failover partners share its
 * upstream networks, and may have been hidden behind it, could take them),
 * then the most determined targets, then the first in combination order.
 * At random: each candidate as likely as its determined targets, from a
 * splitmix64 stream of seed and the pick's number, so the same campaign
 * picks the same sets.
 *
 * Why this share: the campaign measures each pick before it chooses the
 * next, so a cost pick sees what the earlier ones found and goes to the
 * exposed targets not yet checked. The calibrated confidence keeps
 * exposed and other targets apart (calibrate.h), and the cost rule
 * chooses by that mark, not by any outcome, so within each kind a cost
 * pick's checks are not chosen for failing. Random picks check what the
 * exposure mark may miss (a hidden route no partner shows), so the
 * measured rate is not only an adversarial one; they pay once the budget
 * covers the riskiest sets, hence one pick in three, after two by cost.
 * With validate below 3 no pick is random unless nothing is exposed; the
 * unexposed rate then comes from the cost picks' unexposed targets and
 * evaluate's leave-one-out.
 */
#ifndef TP_VALIDATE_PICK_H
#define TP_VALIDATE_PICK_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "predict.h"

/* Every this many picks, the last is drawn at random (see above). */
#define VALIDATE_RANDOM_EVERY 3

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
