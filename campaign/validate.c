/*
 * validate.c: validate's steps in a campaign (validate = N in tp.conf).
 * The choice itself is model/validate_pick.c (pure), the table
 * model/validations.c; this file takes the sets an earlier run of the
 * campaign picked first, stores each pick as a validation, and once its set was measured, stores the outcome: how many
 * of the targets the model called determined (predicted without the set's
 * own round, as before it ran) replied at the predicted site.
 */
#include <stdlib.h>
#include <string.h>

#include "calibrate.h"
#include "campaign.h"
#include "failure_set.h"
#include "log.h"
#include "predict_model.h"
#include "schedule.h"
#include "validations.h"
#include "xalloc.h"

/* The configured site indexes of canonical set name into *sites; -1 when one is gone. */
static int
sites_of(const struct tp_conf *conf, const char *name, size_t **sites, size_t *k)
{
	struct failure_set set;
	size_t i, j;
	int rc = 0;

	if (failure_set_parse(name, 0, &set, NULL, 0) < 0)
		return -1;
	*sites = xcalloc(set.n ? set.n : 1, sizeof(size_t));
	*k = set.n;
	for (i = 0; i < set.n && rc == 0; i++) {
		for (j = 0; j < conf->nsites && strcmp(conf->sites[j].name, set.names[i]) != 0; j++)
			;
		(*sites)[i] = j;
		rc = j < conf->nsites ? 0 : -1;
	}
	failure_set_free(&set);
	if (rc < 0)
		free(*sites);
	return rc;
}

/* The first set an earlier run picked that is not among v, into choice; 0 when none. */
static int
earlier_pick(struct campaign *c, const struct scenario *v, size_t n,
    struct validate_choice *choice, struct tp_err *err)
{
	char **sets, **chosen;
	size_t npicks, i;

	if (validations_picks(c->db, c->id, &sets, &chosen, &npicks, err) < 0)
		return -1;
	for (i = 0; i < npicks && choice->set == NULL; i++)
		if (scenario_find((struct scenario *)v, n, sets[i]) == NULL &&
		    sites_of(c->conf, sets[i], &choice->sites, &choice->k) == 0) {
			choice->set = xstrdup(sets[i]);
			choice->chosen = strcmp(chosen[i], "random") == 0 ? "random" : "cost";
		}
	for (i = 0; i < npicks; i++) {
		free(sets[i]);
		free(chosen[i]);
	}
	free(sets);
	free(chosen);
	return 0;
}

/* Validate's pick number index: an earlier run's first, else a new one, stored. */
int
validate_choose(struct campaign *c, const struct scenario *v, size_t n, size_t index,
    struct validate_choice *choice, struct tp_err *err)
{
	const struct tp_conf *conf = c->conf;
	const char **names, **known;
	struct pd_model *md;
	size_t i;
	int rc;

	memset(choice, 0, sizeof(*choice));
	if (earlier_pick(c, v, n, choice, err) < 0)
		return -1;
	if (choice->set != NULL)
		return 0;
	names = xcalloc(conf->nsites ? conf->nsites : 1, sizeof(*names));
	known = xcalloc(n ? n : 1, sizeof(*known));
	for (i = 0; i < conf->nsites; i++)
		names[i] = conf->sites[i].name;
	for (i = 0; i < n; i++)
		known[i] = v[i].name;
	if ((rc = pd_model_load(c->db, c->id, &md, err)) == 0) {
		rc = validate_pick(md, names, conf->nsites, conf->explore_size, known, n, index,
		    (uint64_t)c->id, choice, err);
		pd_model_free(md);
	}
	if (rc == 0 && choice->set != NULL) {
		log_info("campaign", "validate: %s (by %s): the model calls %llu targets "
		    "determined, %llu of them exposed to a hidden route", choice->set,
		    choice->chosen, (unsigned long long)choice->determined,
		    (unsigned long long)choice->exposed);
		rc = validations_store_pick(c->db, c->id, choice->set, choice->chosen, err);
	}
	free(known);
	free(names);
	return rc;
}

/* After a validation set ran: predict it without its own round and store how that held. */
int
validate_record(struct campaign *c, const struct scenario *s, struct tp_err *err)
{
	struct pd_model *md;
	struct pd_prediction p;
	struct pd_tally t;
	size_t i;
	int rc;

	if (strcmp(s->status, "done") != 0 && strcmp(s->status, "unconverged") != 0)
		return 0;
	if (pd_model_load(c->db, c->id, &md, err) < 0)
		return -1;
	for (i = 0; i < md->nobs && strcmp(md->obs[i].withdrawn, s->name) != 0; i++)
		;
	if (i == md->nobs) {
		pd_model_free(md);
		return 0;	/* no result round: nothing to check */
	}
	pd_model_leave_out(md, i);
	memset(&t, 0, sizeof(t));
	if ((rc = pd_predict(md, s->name, &p, err)) == 0) {
		pd_tally_add(&p, &md->obs[i], &t);
		pd_prediction_free(&p);
		log_info("campaign", "validate: %s: %llu of %llu answering determined targets "
		    "held (%llu of %llu exposed)", s->name,
		    (unsigned long long)(t.held[0] + t.held[1]),
		    (unsigned long long)(t.answered[0] + t.answered[1]),
		    (unsigned long long)t.held[1], (unsigned long long)t.answered[1]);
		rc = validations_store_outcome(c->db, c->id, s->name, &t, err);
	}
	pd_model_free(md);
	return rc;
}

/* Answer the scheduler's question about validate's next set. */
int
validate_answer(struct campaign *c, struct sched *sc, struct tp_err *err)
{
	struct validate_choice choice;

	if (validate_choose(c, sc->v, sc->n, sc->validated, &choice, err) < 0)
		return -1;
	sched_validated(sc, choice.set != NULL ? choice.sites : NULL, c->conf->explore_size);
	validate_choice_free(&choice);
	return 0;
}

/*
 * Store the outcome of every validation set that has a result and none
 * stored yet (marked done in the scenario). Main thread, after the lanes
 * reported their results.
 */
int
validate_record_finished(struct campaign *c, struct sched *sc, struct tp_err *err)
{
	size_t i;

	for (i = 0; i < sc->n; i++) {
		struct scenario *s = &sc->v[i];

		if (s->validation != 1 || (strcmp(s->status, "done") != 0 &&
		    strcmp(s->status, "unconverged") != 0))
			continue;
		if (validate_record(c, s, err) < 0)
			return -1;
		s->validation = 2;
	}
	return 0;
}
