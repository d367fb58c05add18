/*
 * round.c: one measurement round through the campaign's probe hub
 * (probe_hub.h: one listener per site and one prober for the whole
 * campaign, shared by the lanes): the round opened at every listener for
 * its lane's test ranges, its targets given to the prober as a job from
 * the lane's sources (one job per probe method, probe_hub_jobs.c), then each site's record stream of the round
 * imported into the database.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "import.h"
#include "log.h"
#include "probe_hub.h"

/*
 * Import one site's stream of the round (i: conf->sites[i]) into the open
 * batch; *stored and out->foreign receive its counts, and a stream
 * without its "end" line marks the round incomplete.
 */
static int
import_stream(struct campaign *c, size_t i, char *stream, size_t len,
    struct round_outcome *out, size_t *stored, struct tp_err *err)
{
	const char *site = c->conf->sites[i].name;
	struct tp_import_stats st;
	struct tp_import_bind bind;
	char name[96];
	FILE *f;
	int rc;

	snprintf(name, sizeof(name), "listener at %s", site);
	f = fmemopen(stream, len, "r");
	if (f == NULL)
		return tp_err_set(err, "fmemopen: %s", strerror(errno));
	/* A listener's stream of this round speaks for its own site and this round only. */
	bind.round = (uint32_t)out->round_id;
	snprintf(bind.site, sizeof(bind.site), "%s", site);
	rc = tp_import_stream_cached(c->import_cache, f, name, &bind, &st, err);
	fclose(f);
	if (rc < 0)
		return -1;
	*stored += st.inserted;
	out->foreign += st.foreign;
	if (st.streams_ended == 0) {
		log_warn("round", "round %lld: the %s ended without its end line; the round "
		    "is marked incomplete", out->round_id, name);
		if (out->complete)
			snprintf(out->lost_site, sizeof(out->lost_site), "%s", site);
		out->complete = 0;
	}
	return 0;
}

/*
 * Commit the open batch; its stored replies count in out only once
 * committed. When the commit fails, nothing of the batch's streams stays.
 */
static int
batch_commit(struct campaign *c, struct round_outcome *out, size_t *stored,
    struct tp_err *err)
{
	int rc = tp_import_cache_batch_end(c->import_cache, err);

	if (rc == 0)
		out->replies += *stored;
	else
		tp_err_prefix(err, "round %lld: storing its replies (nothing of the round's "
		    "streams since the last commit was kept)", out->round_id);
	*stored = 0;
	return rc;
}

/*
 * Import each site's stream of the round (stream[i], len[i] bytes, from
 * the listener at conf->sites[i]); complete when each ended with its
 * "end" line. The streams share one transaction (a batch, committed early
 * only when it grows large), so a round of S sites is one commit instead
 * of S, each of which wrote the round's pages to the WAL again. Each
 * stream stays all or nothing (import.c holds its rows until it proved
 * good); the first bad stream ends the import, and the streams before it
 * are committed, as when each was its own transaction. Should storing
 * fail half-way, the importer rolls the whole batch back.
 */
int
round_import_streams(struct campaign *c, char *const *stream, const size_t *len,
    struct round_outcome *out, struct tp_err *err)
{
	struct tp_err end_err = { { 0 } };
	size_t i, stored = 0;
	int rc = 0;

	out->complete = 1;
	if (c->import_cache == NULL)
		c->import_cache = tp_import_cache_new(c->db);
	for (i = 0; i < c->conf->nsites && rc == 0; i++) {
		if (!tp_import_cache_in_batch(c->import_cache) &&
		    tp_import_cache_batch_begin(c->import_cache, err) < 0)
			return -1;
		rc = import_stream(c, i, stream[i], len[i], out, &stored, err);
		if (rc < 0 && !tp_import_cache_in_batch(c->import_cache))
			stored = 0;	/* storing failed: the batch was rolled back */
		if (rc == 0 && tp_import_cache_batch_due(c->import_cache))
			rc = batch_commit(c, out, &stored, err);
	}
	/* The streams before a bad one stay: commit them either way. */
	if (tp_import_cache_in_batch(c->import_cache) &&
	    batch_commit(c, out, &stored, &end_err) < 0) {
		*err = end_err;
		rc = -1;
	}
	return rc;
}

/* Measure once on c's lane through the hub, import, close the round. */
int
round_run(struct campaign *c, long long scenario_id, const char *kind,
    const struct round_target *targets, size_t n, struct round_outcome *out,
    struct tp_err *err)
{
	struct hub_round hr;
	int rc;

	memset(out, 0, sizeof(*out));
	if (c->hub == NULL)
		return tp_err_set(err, "round: the listeners are not running (no preflight)");
	out->round_id = state_round_new(c, scenario_id, kind, err);
	if (out->round_id < 0)
		return -1;
	/* The baseline falls back from method to method (methods.h); later rounds do not. */
	rc = probe_hub_round(c->hub, (uint32_t)out->round_id, c->lane, targets, n,
	    strcmp(kind, "baseline") == 0, &hr, err);
	out->sent = hr.sent;
	if (rc == 0)
		rc = round_import_streams(c, hr.stream, hr.len, out, err);
	hub_round_free(&hr);
	state_round_finish(c, out->round_id, rc == 0 && out->complete);
	if (rc == 0 && !out->complete && c->conf->listener_failure == TP_LISTENER_STOP)
		rc = tp_err_set(err, "round %lld: the listener at site %s died mid-round (its "
		    "record stream has no end line); the round is incomplete and "
		    "listener_failure is stop", out->round_id, out->lost_site);
	if (out->foreign > 0)
		log_warn("round", "round %lld: %zu records named another site or round than "
		    "their listener's and were not stored", out->round_id, out->foreign);
	log_info("round", "round %lld (%s, lane %s): %zu probed, %zu replies%s", out->round_id,
	    kind, c->lane != NULL ? c->lane->name : "-", out->sent, out->replies,
	    out->complete ? "" : ", incomplete");
	return rc;
}

/*
 * Preflight, and the start of the campaign's probing: a listener at every
 * site with its capture open, and the prober; they serve every round of
 * every lane until round_hub_stop.
 */
int
round_listeners_check(struct campaign *c, struct tp_err *err)
{
	c->hub = probe_hub_start(c, err);
	return c->hub != NULL ? 0 : -1;
}

/* End the campaign's listeners and prober (the end of their input first). */
void
round_hub_stop(struct campaign *c)
{
	probe_hub_stop(c->hub);
	c->hub = NULL;
}
