/*
 * probe_hub_revive.c: the hub's listeners and prober started again when
 * they die (probe_hub_int.h, hub_revive), each restart in a row after a
 * longer wait, until they die too often in a row.
 */
#include <stdio.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "probe_hub_int.h"

#define HUB_BACKOFF_MAX_US (16 * 1000000LL)	/* before any restart */

/* How a process ended, from site_wait's status, into buf. */
static void
end_text(int status, char *buf, size_t size)
{
	if (status < 0)
		snprintf(buf, size, "gone");
	else if (status >= 128)
		snprintf(buf, size, "killed by signal %d", status - 128);
	else
		snprintf(buf, size, "exit status %d", status);
}

/* Sleep us microseconds, unless the campaign stops meanwhile: -1 then. */
static int
backoff_sleep(int64_t us)
{
	int64_t until = tp_mono_us() + us;
	struct timespec tick = { 0, 100 * 1000000L };

	while (tp_mono_us() < until) {
		if (campaign_stop)
			return -1;
		nanosleep(&tick, NULL);
	}
	return campaign_stop ? -1 : 0;
}

/*
 * Start pipe i (listener i, or the prober for i == h->nsites) again if its
 * process died; *revived says whether it did. The k-th restart in a row
 * waits backoff_us << k (at most HUB_BACKOFF_MAX_US; the prober at least
 * probe_min_gap, so its new process keeps the spacing of the old one's
 * probes); after HUB_RESTARTS_MAX in a row it gives up.
 */
static int
pipe_revive(struct probe_hub *h, size_t i, int *revived, struct tp_err *err)
{
	struct hub_pipe *p = i < h->nsites ? &h->listener[i] : &h->prober;
	const char *what = i < h->nsites ? "listener" : "prober";
	struct site_proc fresh;
	unsigned restarts;
	int64_t delay;
	char ended[32];
	int dead;

	*revived = 0;
	pthread_mutex_lock(&h->lock);
	dead = p->eof;
	restarts = p->restarts;
	pthread_mutex_unlock(&h->lock);
	if (!dead)
		return 0;
	/* The reader leaves a pipe alone once it ended: it is ours to replace. */
	pthread_mutex_lock(&h->write_lock);
	end_text(site_wait(&p->proc), ended, sizeof(ended));
	pthread_mutex_unlock(&h->write_lock);
	if (restarts >= HUB_RESTARTS_MAX)
		return tp_err_set(err, "site %s: the %s died again after %u restarts in a row; "
		    "not starting it again", p->proc.site, what, restarts);
	delay = restarts < 16 ? h->backoff_us << restarts : HUB_BACKOFF_MAX_US;
	if (delay > HUB_BACKOFF_MAX_US)
		delay = HUB_BACKOFF_MAX_US;
	if (i == h->nsites && delay < (int64_t)(h->c->conf->probe_min_gap * 1e6))
		delay = (int64_t)(h->c->conf->probe_min_gap * 1e6);
	log_warn("round", "site %s: the %s ended (%s); starting it again in %g s (restart "
	    "%u of at most %d in a row)", p->proc.site, what, ended, delay / 1e6, restarts + 1,
	    HUB_RESTARTS_MAX);
	pthread_mutex_lock(&h->lock);
	p->restarts++;
	pthread_mutex_unlock(&h->lock);
	if (backoff_sleep(delay) < 0)
		return tp_err_set(err, "interrupted");
	if (hub_pipe_spawn(h, i, &fresh, err) < 0)
		return -1;
	pthread_mutex_lock(&h->write_lock);
	pthread_mutex_lock(&h->lock);
	p->proc = fresh;
	p->len = 0;
	p->overlong = 0;
	p->ready = 0;
	p->eof = 0;
	p->generation++;
	pthread_mutex_unlock(&h->lock);
	pthread_mutex_unlock(&h->write_lock);
	*revived = 1;
	return 0;
}

/* Start again every listener and the prober that died (probe_hub_int.h). */
int
hub_revive(struct probe_hub *h, struct tp_err *err)
{
	size_t i;
	int revived, rc = 0;

	pthread_mutex_lock(&h->revive_lock);
	for (i = 0; i <= h->nsites && rc == 0; i++)
		if ((rc = pipe_revive(h, i, &revived, err)) == 0 && revived && i < h->nsites)
			rc = hub_listeners_ready(h, err);
	pthread_mutex_unlock(&h->revive_lock);
	return rc;
}
