/*
 * lanes.c: the lane driver. It takes the scheduler's scenarios (schedule.c)
 * in order and runs up to one per lane at a time, the lanes at once, each
 * in a thread of its own with its own copy of the campaign (its lane, its
 * SQLite connection, its ledger of withdrawn sites). Which
 * scenario starts when on which lane is lane_schedule_next's decision
 * (pacing: min_change_interval and the damping model never violated);
 * a scenario that would outlast a dead-man switch another lane armed at
 * one of its sites waits (lane_deadman_blocks). The driver answers the
 * scheduler's questions on the main thread; a chain or explore waits for
 * the results it needs (SCHED_WAIT). Waits end at once on a stop signal.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "lane_schedule.h"
#include "lanes.h"
#include "log.h"
#include "schedule.h"
#include "xalloc.h"

/* How often a wait looks at the stop flag, in seconds. */
#define LANES_POLL_S 0.2

/* One lane's thread and the scenario it runs. */
struct lane_worker {
	struct campaign c;	/* this lane's copy of the campaign */
	pthread_t thread;
	int running;		/* a thread was started and not joined */
	int finished;		/* it has finished its scenario */
	int rc;
	struct scenario job;	/* a copy of sched.v[index] (v may move) */
	size_t index;
	struct tp_err err;
	double withdrawn_at;	/* its lane's last withdrawal, -1 = none */
};

struct lanes {
	pthread_mutex_t mu;	/* guards everything below but the workers' copies */
	pthread_cond_t cv;	/* a worker finished */
	pthread_mutex_t *site_mu;	/* per site: one tp-bgpctl at its BIRD at a time */
	struct lane_site_arm *arms;	/* per site: the shared dead-man switch */
	struct lane_state *state;	/* per lane: pacing, busy */
	struct lane_worker *w;	/* per lane */
	size_t nlanes, nsites;
	size_t *queue;		/* scenarios handed out, not started, in order */
	size_t nqueue;
	double hold;		/* longest expected hold, for the dead-man gate */
};

/* Seconds on the monotonic clock. */
static double
now_s(void)
{
	return tp_mono_us() / 1e6;
}

/* Take site i's lock (no-op without lanes). */
void
lanes_site_lock(struct campaign *c, size_t i)
{
	if (c->lanes != NULL)
		pthread_mutex_lock(&c->lanes->site_mu[i]);
}

/* Release site i's lock. */
void
lanes_site_unlock(struct campaign *c, size_t i)
{
	if (c->lanes != NULL)
		pthread_mutex_unlock(&c->lanes->site_mu[i]);
}

/* Mark site i withdrawn or announced on c's lane; the first lane withdrawn there arms. */
void
lanes_ledger(struct campaign *c, size_t i, int withdrawn)
{
	struct lanes *L = c->lanes;

	if (c->withdrawn[i] == withdrawn)
		return;
	c->withdrawn[i] = withdrawn;
	if (L == NULL)
		return;
	pthread_mutex_lock(&L->mu);
	if (withdrawn && L->arms[i].withdrawn++ == 0)
		L->arms[i].armed_at = now_s();
	else if (!withdrawn && L->arms[i].withdrawn > 0)
		L->arms[i].withdrawn--;
	pthread_mutex_unlock(&L->mu);
}

/* Record a change of c's lane's prefix now. */
void
lanes_note_change(struct campaign *c, enum pacing_change kind)
{
	struct lanes *L = c->lanes;
	double t = now_s();

	if (L == NULL)
		return;
	pthread_mutex_lock(&L->mu);
	pacing_record(&c->conf->pacing, &L->state[c->lane_index].pacing, kind, t);
	if (kind == PACING_WITHDRAW)
		L->w[c->lane_index].withdrawn_at = t;
	pthread_mutex_unlock(&L->mu);
}

/* Wait until min_change_interval has passed since the lane's withdrawal. */
int
lanes_hold(struct campaign *c, struct tp_err *err)
{
	double until, left;

	if (c->lanes == NULL || c->lanes->w[c->lane_index].withdrawn_at < 0)
		return 0;
	until = c->lanes->w[c->lane_index].withdrawn_at + c->conf->pacing.min_change_interval;
	if ((left = until - now_s()) > 0) {
		log_info("campaign", "lane %s: holding the withdrawal %.1f s more "
		    "(min_change_interval)", c->lane->name, left);
		if (tp_sleep(left, &campaign_stop) != 0 || campaign_stop)
			return tp_err_set(err, "stopped by a signal");
	}
	return 0;
}

/* A lane's thread: run its scenario, then say so. */
static void *
worker_main(void *arg)
{
	struct lane_worker *w = arg;
	struct lanes *L = w->c.lanes;
	int rc;

	state_scenario_lane(&w->c, &w->job);
	rc = execute_scenario(&w->c, &w->job, &w->err);
	pthread_mutex_lock(&L->mu);
	w->rc = rc;
	w->finished = 1;
	pthread_cond_broadcast(&L->cv);
	pthread_mutex_unlock(&L->mu);
	return NULL;
}

/* Start scenario v[index] on lane l (mu held). */
static int
worker_start(struct lanes *L, struct sched *sc, size_t l, size_t index, struct tp_err *err)
{
	struct lane_worker *w = &L->w[l];

	w->job = sc->v[index];
	w->index = index;
	w->finished = 0;
	w->rc = 0;
	w->c.scenario_index = index;
	w->c.scenario_total = sc->total;
	L->state[l].busy = 1;
	log_info("campaign", "lane %s: %s", w->c.lane->name, w->job.name);
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		L->state[l].busy = 0;
		return tp_err_set(err, "lane %s: cannot start a thread", w->c.lane->name);
	}
	w->running = 1;
	return 0;
}

/*
 * Join the lanes whose scenario finished and feed the outcome back to the
 * scheduler (mu held), counting them in *reaped. -1 with err when one
 * failed other than by a stop.
 */
static int
workers_reap(struct campaign *c, struct lanes *L, struct sched *sc, size_t *reaped,
    struct tp_err *err)
{
	size_t l;
	int rc = 0;

	for (l = 0; l < L->nlanes; l++) {
		struct lane_worker *w = &L->w[l];

		if (!w->running || !w->finished)
			continue;
		pthread_join(w->thread, NULL);
		w->running = 0;
		(*reaped)++;
		L->state[l].busy = 0;
		sc->v[w->index].id = w->job.id;
		sc->v[w->index].status = w->job.status;
		c->incomplete += w->c.incomplete;
		w->c.incomplete = 0;
		if (w->rc < 0 && rc == 0 && !campaign_stop) {
			*err = w->err;
			tp_err_prefix(err, "lane %s", w->c.lane->name);
			rc = -1;
		}
	}
	return rc;
}

/* The number of lanes running a scenario (mu held). */
static size_t
workers_busy(const struct lanes *L)
{
	size_t l, n = 0;

	for (l = 0; l < L->nlanes; l++)
		n += L->w[l].running;
	return n;
}

/*
 * Ask the scheduler for one more scenario to queue, answering its
 * questions. 1 when one was queued; 0 when it must wait for a result
 * (*waiting) or has no more (*done); -1 on error. Main thread, mu not held.
 */
static int
sched_pull(struct campaign *c, struct lanes *L, struct sched *sc, int *waiting, int *done,
    struct tp_err *err)
{
	for (;;) {
		struct sched_step st;
		int rc = 0;

		st = sched_next(sc);
		c->scenario_total = sc->total;
		if (st.note != NULL) {
			if (st.warn)
				log_warn("campaign", "%s", st.note);
			else
				log_info("campaign", "%s", st.note);
		}
		switch (st.what) {
		case SCHED_START:
			if (state_scenario_ensure(c, &sc->v[st.scenario], err) < 0)
				return -1;
			if (strcmp(sc->v[st.scenario].status, "pending") != 0)
				break;	/* a resumed campaign finished it */
			pthread_mutex_lock(&L->mu);
			L->queue = xreallocarray(L->queue, L->nqueue + 1, sizeof(size_t));
			L->queue[L->nqueue++] = st.scenario;
			pthread_mutex_unlock(&L->mu);
			return 1;
		case SCHED_SKIP:
			break;
		case SCHED_ASK_TOP:
			sched_top_destination(sc, state_top_destination(c, &sc->v[st.scenario],
			    st.site));
			break;
		case SCHED_ASK_RESUMED:
			rc = sched_answer_resumed(c, sc, err);
			break;
		case SCHED_ASK_EXPLORE:
			rc = sched_answer_explore(c, sc, err);
			break;
		case SCHED_ASK_VALIDATE:
			rc = validate_answer(c, sc, err);
			break;
		case SCHED_WAIT:
			*waiting = 1;
			return 0;
		case SCHED_DONE:
			*done = 1;
			return 0;
		}
		if (rc < 0)
			return -1;
	}
}

/*
 * Start what may start now (mu held): the first queued scenario that no
 * dead-man switch blocks, on the lane pacing allows soonest. Returns when
 * to look again (INFINITY: when a lane finishes).
 */
static double
lanes_decide(struct lanes *L, struct sched *sc, const struct tp_conf *conf, int *started,
    struct tp_err *err)
{
	struct lane_scenario *q = xcalloc(L->nqueue + 1, sizeof(*q));
	struct lane_decision d;
	double now = now_s(), wake = INFINITY;
	size_t i;
	int have;

	*started = 0;
	for (i = 0; i < L->nqueue; i++) {
		const struct scenario *s = &sc->v[L->queue[i]];

		q[i].state = lane_deadman_blocks(L->arms, s->sites, s->nsites, now, L->hold,
		    conf->deadman) ? LANE_SCENARIO_RUNNING : LANE_SCENARIO_WAITING;
	}
	/* hold 0: the shortest (min_change_interval) leaves the least decay, the safe side */
	have = lane_schedule_next(&conf->pacing, q, L->nqueue, L->state, L->nlanes, now, 0, &d);
	free(q);
	if (have && d.start <= now) {
		size_t index = L->queue[d.scenario];

		memmove(L->queue + d.scenario, L->queue + d.scenario + 1,
		    (L->nqueue - d.scenario - 1) * sizeof(size_t));
		L->nqueue--;
		if (worker_start(L, sc, d.lane, index, err) < 0)
			return -1;
		*started = 1;
		return now;
	}
	if (have)
		wake = d.start;
	return wake;
}

/* Wait until a worker finishes, `until` passes, or a stop (mu held). */
static void
lanes_wait(struct lanes *L, double until)
{
	double t = fmin(until, now_s() + LANES_POLL_S);
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	t -= now_s();
	if (t <= 0)
		return;
	ts.tv_sec += (time_t)t;
	ts.tv_nsec += (long)((t - floor(t)) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&L->cv, &L->mu, &ts);
}

/* A copy of the campaign for lane l, with its own database connection. */
static int
worker_init(struct campaign *c, struct lanes *L, size_t l, struct tp_err *err)
{
	struct lane_worker *w = &L->w[l];
	const struct tp_conf *conf = c->conf;

	w->c = *c;
	w->c.lane = &conf->lanes[l];
	w->c.lane_index = l;
	w->c.lanes = L;
	w->c.withdrawn = xcalloc(conf->nsites + 1, sizeof(int));
	w->c.import_cache = NULL;
	w->c.incomplete = 0;
	w->withdrawn_at = -1;
	pacing_lane_init(&L->state[l].pacing);
	if (tp_db_open(c->db->path, 0, &w->c.db, err) < 0) {
		w->c.db = NULL;
		return -1;
	}
	return 0;
}

/* Set up the lanes: shared state and a campaign copy per lane. */
static struct lanes *
lanes_new(struct campaign *c, struct tp_err *err)
{
	const struct tp_conf *conf = c->conf;
	struct lanes *L = xcalloc(1, sizeof(*L));
	size_t i;

	pthread_mutex_init(&L->mu, NULL);
	pthread_cond_init(&L->cv, NULL);
	L->nlanes = conf->nlanes;
	L->nsites = conf->nsites;
	L->site_mu = xcalloc(conf->nsites + 1, sizeof(pthread_mutex_t));
	for (i = 0; i < conf->nsites; i++)
		pthread_mutex_init(&L->site_mu[i], NULL);
	L->arms = xcalloc(conf->nsites + 1, sizeof(*L->arms));
	L->state = xcalloc(conf->nlanes + 1, sizeof(*L->state));
	L->w = xcalloc(conf->nlanes + 1, sizeof(*L->w));
	L->hold = plan_hold_estimate(c->conf, c->ntargets);
	c->lanes = L;
	for (i = 0; i < conf->nlanes; i++)
		if (worker_init(c, L, i, err) < 0)
			return NULL;
	return L;
}

/* Run the scheduler's scenarios over the lanes until it is done, a step fails, or a stop. */
int
lanes_run(struct campaign *c, struct sched *sc, struct tp_err *err)
{
	struct lanes *L;
	int done = 0, waiting = 0, rc = 0, started;
	size_t reaped = 0;
	double wake;

	if ((L = lanes_new(c, err)) == NULL)
		return -1;
	log_info("campaign", "%zu lanes sharing one prober at %u probes/s", L->nlanes,
	    c->conf->rate);
	pthread_mutex_lock(&L->mu);
	for (;;) {
		reaped = 0;
		if (workers_reap(c, L, sc, &reaped, err) < 0) {
			rc = -1;
			break;
		}
		if (reaped > 0) {
			waiting = 0;	/* a result came in: the scheduler may decide now */
			pthread_mutex_unlock(&L->mu);
			rc = validate_record_finished(c, sc, err);
			pthread_mutex_lock(&L->mu);
			if (rc < 0)
				break;
		}
		if (campaign_stop) {
			rc = tp_err_set(err, "stopped by a signal");
			break;
		}
		if (!done && !waiting && L->nqueue < L->nlanes - workers_busy(L) + 1) {
			pthread_mutex_unlock(&L->mu);
			rc = sched_pull(c, L, sc, &waiting, &done, err);
			pthread_mutex_lock(&L->mu);
			if (rc < 0)
				break;
			continue;
		}
		if ((wake = lanes_decide(L, sc, c->conf, &started, err)) < 0) {
			rc = -1;
			break;
		}
		if (started) {
			waiting = 0;
			continue;
		}
		if (done && L->nqueue == 0 && workers_busy(L) == 0)
			break;
		lanes_wait(L, wake);
	}
	/* the other lanes finish (or stop at once on a signal) before anything is undone */
	while (workers_busy(L) > 0) {
		struct tp_err later;

		if (workers_reap(c, L, sc, &reaped, rc < 0 ? &later : err) < 0)
			rc = -1;
		if (workers_busy(L) > 0)
			lanes_wait(L, INFINITY);
	}
	pthread_mutex_unlock(&L->mu);
	if (rc == 0)
		rc = validate_record_finished(c, sc, err);
	return rc;
}

/* Re-announce what c and every lane withdrew; -1 if any site could not be. */
int
lanes_restore_all(struct campaign *c)
{
	size_t l;
	int rc = bgp_restore_all(c);

	for (l = 0; c->lanes != NULL && l < c->lanes->nlanes; l++)
		if (c->lanes->w[l].c.withdrawn != NULL && bgp_restore_all(&c->lanes->w[l].c) < 0)
			rc = -1;
	return rc;
}

/* Close the lanes' connections and free the shared state. */
void
lanes_free(struct campaign *c)
{
	struct lanes *L = c->lanes;
	size_t i;

	if (L == NULL)
		return;
	for (i = 0; i < L->nlanes; i++) {
		tp_import_cache_free(L->w[i].c.import_cache);
		if (L->w[i].c.db != NULL)
			tp_db_close(L->w[i].c.db);
		free(L->w[i].c.withdrawn);
	}
	for (i = 0; i < L->nsites; i++)
		pthread_mutex_destroy(&L->site_mu[i]);
	pthread_mutex_destroy(&L->mu);
	pthread_cond_destroy(&L->cv);
	free(L->site_mu);
	free(L->arms);
	free(L->state);
	free(L->w);
	free(L->queue);
	free(L);
	c->lanes = NULL;
}
