/*
 * converge.c: wait for BGP to settle. After a withdrawal: at least settle
 * seconds, then probe a fixed sample of the affected catchment every
 * sample_interval seconds until no reply lands at a withdrawn site and two
 * consecutive samples agree within the tolerance. After an announcement:
 * until the sample is back at its baseline sites.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "campaign.h"
#include "log.h"
#include "output.h"
#include "xalloc.h"

/*
 * A fixed random sample of at most conf->sample_size targets. Seeded by
 * the scenario's row id (times 2654435761, Knuth's multiplicative hash
 * constant, 2^32 divided by the golden ratio): every sample of one
 * scenario is the same targets, after the withdrawal and after the
 * announcement and again on resume, so two samples compare target by
 * target.
 */
static struct round_target *
pick_sample(const struct campaign *c, const struct scenario *s, const struct round_target *t,
    size_t n, size_t *m)
{
	struct round_target *v = xcalloc(n ? n : 1, sizeof(*v));
	unsigned seed = (unsigned)s->id * 2654435761u;
	size_t i, want = c->conf->sample_size < n ? c->conf->sample_size : n;

	memcpy(v, t, n * sizeof(*v));
	for (i = 0; i < want; i++) {
		size_t j = i + (size_t)rand_r(&seed) % (n - i);
		struct round_target tmp = v[i];

		v[i] = v[j];
		v[j] = tmp;
	}
	*m = want;
	return v;
}

/* Measure the sample once; site_of[i] gets each target's site id (0 = no reply). */
static int
sample_once(struct campaign *c, const struct scenario *s, const struct round_target *v,
    size_t m, long long *site_of, struct tp_err *err)
{
	struct round_outcome o;

	if (round_run(c, s->id, "convergence", v, m, &o, err) < 0)
		return -1;
	return state_round_sites(c, o.round_id, v, m, site_of, err);
}

/* Judge one sample against the one before; see campaign.h. */
struct converge_verdict
converge_judge(const long long *now, const long long *prev, size_t m,
    const long long *withdrawn, size_t nw, double tolerance)
{
	struct converge_verdict v = { 0, 0, 0 };
	size_t i, k;

	for (i = 0; i < m; i++) {
		for (k = 0; k < nw; k++)
			if (now[i] == withdrawn[k]) {
				v.at_withdrawn++;
				break;
			}
		v.changed += prev != NULL && now[i] != prev[i];
	}
	v.settled = v.at_withdrawn == 0 && prev != NULL && v.changed <= tolerance * m;
	return v;
}

/* 1 when enough of the sample is back where its baseline replies landed. */
int
converge_back(const long long *now, const long long *baseline, size_t m, double tolerance,
    size_t *back)
{
	size_t i;

	for (i = 0, *back = 0; i < m; i++)
		*back += now[i] == baseline[i];
	return *back >= (1.0 - tolerance) * m;
}

/* The database ids of the scenario's sites. */
static long long *
withdrawn_ids(const struct campaign *c, const struct scenario *s)
{
	long long *ids = xcalloc(s->nsites ? s->nsites : 1, sizeof(long long));
	size_t k;

	for (k = 0; k < s->nsites; k++)
		ids[k] = c->site_ids[s->sites[k]];
	return ids;
}

/* Wait for the network to settle after withdrawing s; see the top of this file. */
int
converge_after_withdraw(struct campaign *c, const struct scenario *s,
    const struct round_target *catchment, size_t n, long long *converge_ms, int *converged,
    struct tp_err *err)
{
	int64_t t0 = tp_mono_us(), prev_start = 0, start;
	size_t m;
	struct round_target *v = pick_sample(c, s, catchment, n, &m);
	long long *now = xcalloc(m ? m : 1, sizeof(long long));
	long long *prev = xcalloc(m ? m : 1, sizeof(long long));
	long long *ids = withdrawn_ids(c, s);
	int have_prev = 0, rc = -1;

	*converged = 0;
	*converge_ms = -1;
	if (tp_sleep(c->conf->settle, &campaign_stop) < 0)
		goto stopped;
	if (m == 0) {
		*converged = 1;
		*converge_ms = (tp_mono_us() - t0) / 1000;
		rc = 0;
		goto out;
	}
	for (;;) {
		struct converge_verdict vd;

		start = tp_mono_us();
		if (sample_once(c, s, v, m, now, err) < 0)
			goto out;
		vd = converge_judge(now, have_prev ? prev : NULL, m, ids, s->nsites,
		    c->conf->tolerance);
		log_info("converge", "%s: sample of %zu: %zu still at a withdrawn site, %zu changed",
		    s->name, m, vd.at_withdrawn, vd.changed);
		if (vd.settled) {
			*converged = 1;
			*converge_ms = (prev_start - t0) / 1000;
			rc = 0;
			goto out;
		}
		if (vd.at_withdrawn == 0) {
			memcpy(prev, now, m * sizeof(long long));
			prev_start = start;
			have_prev = 1;
		} else
			have_prev = 0;
		if (tp_mono_us() - t0 > (int64_t)c->conf->converge_timeout * 1000000) {
			log_warn("converge", "%s: not converged after %u s; measuring anyway and "
			    "marking it unconverged", s->name, c->conf->converge_timeout);
			rc = 0;
			goto out;
		}
		if (tp_sleep(c->conf->sample_interval, &campaign_stop) < 0)
			goto stopped;
	}
stopped:
	tp_err_set(err, "interrupted");
out:
	free(ids);
	free(prev);
	free(now);
	free(v);
	return rc;
}

/* Wait until the sample of s's catchment lands at its baseline sites again. */
int
converge_after_announce(struct campaign *c, const struct scenario *s,
    const struct round_target *catchment, size_t n, struct tp_err *err)
{
	int64_t t0 = tp_mono_us();
	size_t m, i, back;
	struct round_target *v = pick_sample(c, s, catchment, n, &m);
	long long *now = xcalloc(m ? m : 1, sizeof(long long));
	long long *baseline = xcalloc(m ? m : 1, sizeof(long long));
	int rc = -1, done;

	for (i = 0; i < m; i++)
		baseline[i] = v[i].baseline_site;
	if (tp_sleep(c->conf->settle, &campaign_stop) < 0)
		goto stopped;
	while (m > 0) {
		if (sample_once(c, s, v, m, now, err) < 0)
			goto out;
		done = converge_back(now, baseline, m, c->conf->tolerance, &back);
		log_info("converge", "%s announced: %zu of %zu sampled targets back", s->name, back,
		    m);
		if (done)
			break;
		if (tp_mono_us() - t0 > (int64_t)c->conf->converge_timeout * 1000000) {
			tp_err_set(err, "%s announced again, but after %u s only %zu of %zu sampled "
			    "targets are back at their baseline sites", s->name,
			    c->conf->converge_timeout, back, m);
			goto out;
		}
		if (tp_sleep(c->conf->sample_interval, &campaign_stop) < 0)
			goto stopped;
	}
	rc = 0;
	goto out;
stopped:
	tp_err_set(err, "interrupted");
out:
	free(baseline);
	free(now);
	free(v);
	return rc;
}
