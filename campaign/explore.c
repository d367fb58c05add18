/*
 * explore.c: the explore step. After the planned scenarios and the chains,
 * up to `explore` more failure sets of `explore_size` sites, each chosen as
 * the one the prediction knows least about: of every set not yet measured
 * (and leaving min_announcing sites announcing), the one with the most
 * targets whose outcome the measurements so far do not determine, which is
 * the lowest confidence weighted by the targets the set affects. It stops
 * early when every candidate is fully determined.
 */
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "explore_pick.h"
#include "failure_set.h"
#include "log.h"
#include "xalloc.h"

/* 1 when a scenario called name is among v. */
static int
known(const struct scenario *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return 1;
	return 0;
}

/* A pending scenario of the given site indexes (copied), with its canonical name. */
static struct scenario
make_scenario(const struct tp_conf *conf, const size_t *sites, size_t k)
{
	struct scenario s = { 0 };

	s.sites = xcalloc(k ? k : 1, sizeof(size_t));
	memcpy(s.sites, sites, k * sizeof(size_t));
	s.nsites = k;
	s.status = "pending";
	scenario_canonical(conf, &s);
	return s;
}

/*
 * The unmeasured set of k sites with the most undetermined targets, into
 * *best (nsites 0 when every candidate is fully determined).
 */
static int
pick_least_known(struct campaign *c, const struct scenario *v, size_t n, size_t k,
    struct scenario *best, struct tp_err *err)
{
	const struct tp_conf *conf = c->conf;
	const char **names = xcalloc(conf->nsites, sizeof(*names));
	const char **known_sets = xcalloc(n ? n : 1, sizeof(*known_sets));
	struct explore_choice choice;
	struct pd_model *md;
	size_t i;
	int rc;

	memset(best, 0, sizeof(*best));
	for (i = 0; i < conf->nsites; i++)
		names[i] = conf->sites[i].name;
	for (i = 0; i < n; i++)
		known_sets[i] = v[i].name;
	if ((rc = pd_model_load(c->db, c->id, &md, err)) == 0) {
		rc = explore_pick(md, names, conf->nsites, k, known_sets, n, &choice, err);
		pd_model_free(md);
	}
	if (rc == 0 && choice.set != NULL) {
		*best = make_scenario(conf, choice.sites, choice.k);
		log_info("campaign", "explore: %s has %zu targets the measurements do not "
		    "determine (confidence %.1f%%)", best->name, choice.open,
		    100 * choice.confidence);
	}
	if (rc == 0)
		explore_choice_free(&choice);
	free(known_sets);
	free(names);
	return rc;
}

/*
 * Sets an earlier run of this campaign explored (scenarios in the database
 * that are neither planned nor chains): finish them first, and count them
 * against the budget.
 */
static int
resume_explored(struct campaign *c, struct scenario **v, size_t *n, size_t *done,
    struct tp_err *err)
{
	sqlite3_stmt *st;
	char **names = NULL;
	size_t nnames = 0, j;
	int rc;

	if (tp_db_prepare(c->db, "SELECT withdrawn FROM scenarios WHERE campaign_id = ? AND "
	    "withdrawn != '' ORDER BY id", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, c->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (known(*v, *n, name))
			continue;
		names = xreallocarray(names, nnames + 1, sizeof(*names));
		names[nnames++] = xstrdup(name);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		rc = tp_err_set(err, "%s: %s", c->db->path, sqlite3_errmsg(c->db->h));
	else
		rc = 0;
	for (j = 0; j < nnames && rc == 0; j++) {
		struct failure_set set;
		size_t *sites, k = 0, i, m;

		if (failure_set_parse(names[j], 0, &set, NULL, 0) < 0)
			continue;	/* not written by this program */
		sites = xcalloc(set.n ? set.n : 1, sizeof(size_t));
		for (m = 0; m < set.n; m++)
			for (i = 0; i < c->conf->nsites; i++)
				if (strcmp(c->conf->sites[i].name, set.names[m]) == 0)
					sites[k++] = i;
		failure_set_free(&set);
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		(*v)[*n] = make_scenario(c->conf, sites, k);
		free(sites);
		if (strcmp((*v)[*n].name, names[j]) != 0) {
			log_warn("campaign", "explore: scenario %s names a site no longer in the "
			    "configuration; left alone", names[j]);
			free((*v)[*n].sites);
			continue;
		}
		(*n)++;
		(*done)++;
		rc = run_if_pending(c, &(*v)[*n - 1], err);
	}
	for (j = 0; j < nnames; j++)
		free(names[j]);
	free(names);
	return rc;
}

/* Run the explore step (see the top of this file). */
int
explore_run(struct campaign *c, struct scenario **v, size_t *n, struct tp_err *err)
{
	const struct tp_conf *conf = c->conf;
	size_t k = conf->explore_size, budget = conf->explore, done = 0;
	struct scenario best;

	if (budget == 0)
		return 0;
	if (k >= conf->nsites || conf->nsites - k < conf->min_announcing) {
		log_warn("campaign", "explore: no set of %zu sites leaves min_announcing %u of %zu "
		    "sites announcing; nothing explored", k, conf->min_announcing, conf->nsites);
		c->scenario_total -= budget;
		return 0;
	}
	if (resume_explored(c, v, n, &done, err) < 0)
		return -1;
	while (done < budget && !campaign_stop) {
		if (pick_least_known(c, *v, *n, k, &best, err) < 0)
			return -1;
		if (best.nsites == 0) {
			log_info("campaign", "explore: every set of %zu sites is predicted with full "
			    "confidence after %zu explored; stopping", k, done);
			break;
		}
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		(*v)[(*n)++] = best;
		done++;
		if (run_if_pending(c, &(*v)[*n - 1], err) < 0)
			return -1;
	}
	c->scenario_total -= budget > done ? budget - done : 0;
	return campaign_stop ? tp_err_set(err, "stopped by a signal") : 0;
}
