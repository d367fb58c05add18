/*
 * validate.c: validate's steps in a campaign (validate = N in tp.conf).
 * The choice itself is model/validate_pick.c (pure); this file takes the
 * sets an earlier run of the campaign picked first, stores each pick as a
 * validation, and once its set was measured, stores the outcome: how many
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
	sqlite3_stmt *st;
	int rc;

	if (tp_db_prepare(c->db, "SELECT withdrawn, chosen FROM validations WHERE "
	    "campaign_id = ? ORDER BY id", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, c->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (scenario_find((struct scenario *)v, n, name) != NULL ||
		    sites_of(c->conf, name, &choice->sites, &choice->k) < 0)
			continue;
		choice->set = xstrdup(name);
		choice->chosen = strcmp((const char *)sqlite3_column_text(st, 1), "random") == 0 ?
		    "random" : "cost";
		break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return tp_err_set(err, "%s: validations: %s", c->db->path, sqlite3_errmsg(c->db->h));
	return 0;
}

/* Step a prepared write to the validations once and finalize it. */
static int
write_step(struct campaign *c, sqlite3_stmt *st, struct tp_err *err)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return tp_err_set(err, "%s: validations: %s", c->db->path, sqlite3_errmsg(c->db->h));
	return 0;
}

/* Store a new pick of this campaign. */
static int
store_pick(struct campaign *c, const struct validate_choice *choice, struct tp_err *err)
{
	sqlite3_stmt *st;

	if (tp_db_prepare(c->db, "INSERT OR IGNORE INTO validations (campaign_id, withdrawn, "
	    "chosen) VALUES (?, ?, ?)", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_text(st, 2, choice->set, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, choice->chosen, -1, SQLITE_STATIC);
	return write_step(c, st, err);
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
		rc = store_pick(c, choice, err);
	}
	free(known);
	free(names);
	return rc;
}

/* Store the outcome of a measured validation set. */
static int
store_outcome(struct campaign *c, const char *set, const struct pd_tally *t,
    struct tp_err *err)
{
	sqlite3_stmt *st;

	if (tp_db_prepare(c->db, "UPDATE validations SET determined = ?, answered = ?, held = ?, "
	    "exposed_answered = ?, exposed_held = ? WHERE campaign_id = ? AND withdrawn = ?",
	    &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)t->determined);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)(t->answered[0] + t->answered[1]));
	sqlite3_bind_int64(st, 3, (sqlite3_int64)(t->held[0] + t->held[1]));
	sqlite3_bind_int64(st, 4, (sqlite3_int64)t->answered[1]);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)t->held[1]);
	sqlite3_bind_int64(st, 6, c->id);
	sqlite3_bind_text(st, 7, set, -1, SQLITE_STATIC);
	return write_step(c, st, err);
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
		rc = store_outcome(c, s->name, &t, err);
	}
	pd_model_free(md);
	return rc;
}
