/*
 * explore.c: the explore step's question to the model. The choice itself
 * is model/explore_pick.c (pure); this file loads the model of this
 * campaign's results so far and hands the choice to the scheduler's
 * caller. It runs nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "log.h"
#include "predict.h"
#include "xalloc.h"

/* Explore's next choice among the configured sites, every set in v counted as known. */
int
explore_choose(struct campaign *c, const struct scenario *v, size_t n,
    struct explore_choice *choice, struct tp_err *err)
{
	const struct tp_conf *conf = c->conf;
	const char **names = xcalloc(conf->nsites ? conf->nsites : 1, sizeof(*names));
	const char **known = xcalloc(n ? n : 1, sizeof(*known));
	struct pd_calibration cal;
	struct pd_model *md;
	size_t i;
	int rc;

	memset(choice, 0, sizeof(*choice));
	for (i = 0; i < conf->nsites; i++)
		names[i] = conf->sites[i].name;
	for (i = 0; i < n; i++)
		known[i] = v[i].name;
	if ((rc = pd_model_load(c->db, c->id, &md, err)) == 0) {
		if ((rc = pd_calibration_load(c->db, md, &cal, err)) == 0)
			rc = explore_pick(md, &cal, names, conf->nsites, conf->explore_size, known,
			    n, choice, err);
		pd_model_free(md);
	}
	if (rc == 0 && choice->set != NULL)
		log_info("campaign", "explore: %s has %zu targets the measurements do not "
		    "determine (determined share %.1f%%; %.1f to learn, with the measured "
		    "violation rate)", choice->set, choice->open, 100 * choice->confidence,
		    choice->to_learn);
	free(known);
	free(names);
	return rc;
}
