/*
 * answer.c: the answers to the scheduler's questions that need the
 * database or the model: the sets an earlier run of the campaign
 * explored, and explore's next choice. The lane driver (lanes.c) asks.
 */
#include <stdlib.h>

#include "campaign.h"
#include "log.h"
#include "schedule.h"

/* Answer the scheduler's question about the sets an earlier run explored. */
int
sched_answer_resumed(struct campaign *c, struct sched *sc, struct tp_err *err)
{
	char **names;
	size_t n, i, gone;

	if (state_scenario_names(c, &names, &n, err) < 0)
		return -1;
	if ((gone = sched_resumed(sc, names, n)) > 0)
		log_warn("campaign", "explore: %zu scenarios of this campaign name a site no "
		    "longer in the configuration; left alone", gone);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return 0;
}

/* Answer the scheduler's question about explore's next set. */
int
sched_answer_explore(struct campaign *c, struct sched *sc, struct tp_err *err)
{
	struct explore_choice choice;

	if (explore_choose(c, sc->v, sc->n, &choice, err) < 0)
		return -1;
	sched_explored(sc, choice.set != NULL ? choice.sites : NULL, c->conf->explore_size);
	explore_choice_free(&choice);
	return 0;
}
