/* calibrate.c: measured rates of held predictions, and confidence from them (see calibrate.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate.h"
#include "predict_model.h"
#include "xalloc.h"

/* z for a two-sided 95% interval. */
#define WILSON_Z 1.959964

/* Add each target of p: determined ones by exposure, the others apart; groups once each. */
void
pd_tally_add(const struct pd_prediction *p, const struct pd_obs *o, struct pd_tally *t)
{
	uint8_t *seen = xcalloc(2 * (p->ngroups ? p->ngroups : 1), 1);
	size_t i;

	for (i = 0; i < p->n; i++) {
		int32_t got = pd_obs_reply(o, p->target[i]);

		t->determined += p->determined[i];
		if (got == PD_LOST)
			continue;
		if (p->determined[i]) {
			uint8_t *g = &seen[2 * p->group[i] + p->exposed[i]];

			t->answered[p->exposed[i]]++;
			t->held[p->exposed[i]] += p->site[i] == got;
			t->groups[p->exposed[i]] += !*g;
			*g = 1;
		} else {
			t->open_answered++;
			t->open_right += p->site[i] == got;
		}
	}
	free(seen);
}

/* Wilson's score interval. */
void
pd_wilson(double ph, double fn, double *lo, double *hi)
{
	double z2 = WILSON_Z * WILSON_Z;
	double mid = ph + z2 / (2 * fn);
	double half = WILSON_Z * sqrt(ph * (1 - ph) / fn + z2 / (4 * fn * fn));

	*lo = fmax(0, (mid - half) / (1 + z2 / fn));
	*hi = fmin(1, (mid + half) / (1 + z2 / fn));
}

/* 1 when canonical set is among the n names. */
static int
listed(char *const *names, size_t n, const char *set)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], set) == 0)
			return 1;
	return 0;
}

/* The validations of md's campaign with an outcome; their sets into *names. */
static int
read_validations(struct tp_db *db, const struct pd_model *md, struct pd_calibration *cal,
    char ***names, size_t *n, struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (tp_db_prepare(db, "SELECT withdrawn, determined, answered, held, exposed_answered, "
	    "exposed_held, groups, exposed_groups FROM validations WHERE campaign_id = ? AND "
	    "answered IS NOT NULL ORDER BY id", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, md->campaign);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct pd_tally *t = &cal->validated;
		uint64_t answered = (uint64_t)sqlite3_column_int64(st, 2);
		uint64_t held = (uint64_t)sqlite3_column_int64(st, 3);
		uint64_t exposed_answered = (uint64_t)sqlite3_column_int64(st, 4);
		uint64_t exposed_held = (uint64_t)sqlite3_column_int64(st, 5);

		*names = xreallocarray(*names, *n + 1, sizeof(**names));
		(*names)[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
		cal->validations++;
		t->determined += (uint64_t)sqlite3_column_int64(st, 1);
		t->answered[1] += exposed_answered;
		t->held[1] += exposed_held;
		t->answered[0] += answered - exposed_answered;
		t->held[0] += held - exposed_held;
		t->groups[1] += (uint64_t)sqlite3_column_int64(st, 7);
		t->groups[0] += (uint64_t)sqlite3_column_int64(st, 6) -
		    (uint64_t)sqlite3_column_int64(st, 7);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return tp_err_set(err, "%s: validations: %s", db->path, sqlite3_errmsg(db->h));
	return 0;
}

/* 1 when measured round i is a set of two or more sites that no validation measured. */
static int
left_out_candidate(const struct pd_model *md, size_t i, char *const *names, size_t n)
{
	return md->obs[i].nsites >= 2 && !listed(names, n, md->obs[i].withdrawn);
}

/* 1 when candidate number seen (from 0) is left out, taken so far of candidates in all. */
int
pd_left_out_takes(size_t seen, size_t taken, size_t candidates)
{
	return seen * PD_CALIBRATION_LEFT_OUT >= taken * candidates;
}

/*
 * Validations, then leave-one-out over the other measured sets of two or
 * more sites: all of them up to PD_CALIBRATION_LEFT_OUT, else that many
 * spread evenly over them in the order measured, so that the cost stays
 * bounded at hundreds of sites.
 */
int
pd_calibration_load(struct tp_db *db, struct pd_model *md, struct pd_calibration *cal,
    struct tp_err *err)
{
	char **names = NULL;
	size_t n = 0, i, candidates = 0, seen = 0, taken = 0;
	int rc = 0, left = 0;

	memset(cal, 0, sizeof(*cal));
	if (read_validations(db, md, cal, &names, &n, err) < 0)
		rc = -1;
	for (i = 0; i < md->nobs; i++)
		candidates += (size_t)left_out_candidate(md, i, names, n);
	for (i = 0; rc == 0 && i < md->nobs; i++) {
		const struct pd_obs *o = &md->obs[i];
		struct pd_prediction p;

		if (!left_out_candidate(md, i, names, n))
			continue;
		if (!pd_left_out_takes(seen++, taken, candidates))
			continue;
		taken++;
		pd_model_leave_out(md, i);
		left = 1;
		if ((rc = pd_predict(md, o->withdrawn, &p, err)) == 0) {
			pd_tally_add(&p, o, &cal->left_out);
			pd_prediction_free(&p);
		}
	}
	cal->left_out_sets = taken;
	if (left)
		pd_model_leave_out(md, (size_t)-1);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* Held rate of one stratum, or of both when it has no checks. */
double
pd_held_rate(const struct pd_calibration *cal, int exposed, double *lo, double *hi)
{
	const struct pd_tally *v = &cal->validated, *l = &cal->left_out;
	uint64_t n = v->answered[exposed] + l->answered[exposed];
	uint64_t k = v->held[exposed] + l->held[exposed];
	uint64_t g = v->groups[exposed] + l->groups[exposed];

	*lo = *hi = NAN;
	if (cal->validations == 0)
		return NAN;
	if (n == 0) {
		n = v->answered[0] + v->answered[1] + l->answered[0] + l->answered[1];
		k = v->held[0] + v->held[1] + l->held[0] + l->held[1];
		g = v->groups[0] + v->groups[1] + l->groups[0] + l->groups[1];
	}
	if (n == 0)
		return NAN;
	/* The rate by target; its interval by group, the independent trials. */
	pd_wilson((double)k / (double)n, (double)(g ? g : 1), lo, hi);
	return (double)k / (double)n;
}

/* Each row's determined targets at their stratum's held rate, over the row's targets. */
void
pd_calibrate(const struct pd_calibration *cal, struct pd_prediction *p)
{
	double rate[2], lo[2], hi[2];
	size_t r;

	p->validations = cal->validations;
	rate[0] = pd_held_rate(cal, 0, &lo[0], &hi[0]);
	rate[1] = pd_held_rate(cal, 1, &lo[1], &hi[1]);
	for (r = 0; r < p->m.nrows; r++) {
		struct pd_row *pr = &p->rows[r];
		double n = (double)p->m.rows[r].responsive;
		double exposed = (double)pr->exposed, other = (double)(pr->determined - pr->exposed);

		if (p->measured) {
			pr->confidence = pr->confidence_low = pr->confidence_high =
			    pr->determined_share;
			continue;
		}
		pr->confidence = pr->confidence_low = pr->confidence_high = NAN;
		if (n <= 0 || isnan(rate[0]) || isnan(rate[1]))
			continue;
		pr->confidence = (exposed * rate[1] + other * rate[0]) / n;
		pr->confidence_low = (exposed * lo[1] + other * lo[0]) / n;
		pr->confidence_high = (exposed * hi[1] + other * hi[0]) / n;
	}
}
