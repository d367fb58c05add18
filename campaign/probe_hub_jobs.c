/*
 * probe_hub_jobs.c: a round's jobs for the hub's prober, one per probe
 * method (methods.h). Each job line names its method and flows
 * ("job ROUND SOURCE4 SOURCE6 METHOD FLOWS", tp-probe(8) JOB MODE), so
 * the one prober, at the campaign's one rate, sends every method. In a
 * fallback round (the baseline) every target gets the first method; once
 * that job is done and listen_grace has passed, the targets no listener
 * has a reply from in this round's streams get the next method, and so on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "methods.h"
#include "probe_hub_int.h"
#include "xalloc.h"

/*
 * The prober's job: its header (with the method's fields unless the
 * campaign is plain ICMP), the targets of the families the lane has a
 * source for (*sent counts them), "end".
 */
static char *
job_text(const struct campaign *c, uint32_t round, const struct tp_lane_conf *lane,
    const struct tp_methods *m, size_t method, const struct round_target *t, size_t n,
    size_t *sent)
{
	const struct tp_conf *conf = c->conf;
	const struct tp_addr *s4 = lane ? &lane->source4 : &conf->source4;
	const struct tp_addr *s6 = lane ? &lane->source6 : &conf->source6;
	char a4[TP_ADDR_STRLEN] = "-", a6[TP_ADDR_STRLEN] = "-", fields[64];
	char *buf = xmalloc(n * (TP_ADDR_STRLEN + 1) + 2 * TP_ADDR_STRLEN + 128);
	size_t i, off;

	if (s4->family != 0)
		tp_addr_format(s4, a4, sizeof(a4));
	if (s6->family != 0)
		tp_addr_format(s6, a6, sizeof(a6));
	methods_job_fields(c, m, method, fields, sizeof(fields));
	off = (size_t)sprintf(buf, "job %u %s %s%s\n", round, a4, a6, fields);
	*sent = 0;
	for (i = 0; i < n; i++) {
		if ((t[i].addr.family == AF_INET ? s4->family : s6->family) == 0)
			continue;
		tp_addr_format(&t[i].addr, buf + off, TP_ADDR_STRLEN);
		off += strlen(buf + off);
		buf[off++] = '\n';
		(*sent)++;
	}
	sprintf(buf + off, "end\n");
	return buf;
}

/* Note every reply address of s's streams so far. */
static void
scan_answered(struct probe_hub *h, struct hub_slot *s, struct methods_answered *a)
{
	size_t i;

	a->n = 0;
	pthread_mutex_lock(&h->lock);
	for (i = 0; i < s->data.nsites; i++)
		if (s->data.stream[i] != NULL)
			methods_answered_scan(a, s->data.stream[i], s->data.len[i]);
	pthread_mutex_unlock(&h->lock);
}

/* Wait listen_grace for late replies, then note every reply address of s so far. */
static void
note_answered(struct probe_hub *h, struct hub_slot *s, struct methods_answered *a)
{
	int64_t until = tp_mono_us() + (int64_t)h->c->conf->listen_grace * 1000000;
	struct timespec tick = { 0, 100 * 1000000L };

	while (tp_mono_us() < until && !campaign_stop)
		nanosleep(&tick, NULL);
	scan_answered(h, s, a);
}

/* Keep in t, in place, the targets no listener has a reply from in s so far; how many. */
static size_t
keep_silent(struct probe_hub *h, struct hub_slot *s, struct round_target *t, size_t n)
{
	struct methods_answered answered = { 0 };
	size_t i, k = 0;

	scan_answered(h, s, &answered);
	for (i = 0; i < n; i++)
		if (!methods_answered_has(&answered, &t[i].addr))
			t[k++] = t[i];
	methods_answered_free(&answered);
	return k;
}

/*
 * Give the prober one job and wait until it is done: 0, HUB_PROBER_LOST
 * when the process it went to died first, -1 with a reason.
 */
static int
send_job_once(struct probe_hub *h, struct hub_slot *s, const struct tp_lane_conf *lane,
    const struct tp_methods *m, size_t method, const struct round_target *t, size_t n,
    size_t *sent, struct tp_err *err)
{
	char *job = job_text(h->c, s->round, lane, m, method, t, n, sent);
	unsigned generation;
	int rc;

	pthread_mutex_lock(&h->lock);
	s->started = s->done = s->refused = 0;
	pthread_mutex_unlock(&h->lock);
	/* A write to a prober that is gone fails; the wait then sees its end. */
	hub_pipe_say(h, &h->prober, job, &generation);
	free(job);
	pthread_mutex_lock(&h->lock);
	rc = hub_wait_sent(h, s, generation, err);
	pthread_mutex_unlock(&h->lock);
	return rc;
}

/*
 * Give the prober one job and wait until it is done. When the prober
 * dies first, it is started again (hub_revive) and the new one gets the
 * job's targets that have no reply yet: those that answered keep their
 * replies (each stored once), the others are probed now, and the round
 * completes. *sent counts the job's targets once.
 */
static int
send_job(struct probe_hub *h, struct hub_slot *s, const struct tp_lane_conf *lane,
    const struct tp_methods *m, size_t method, const struct round_target *t, size_t n,
    size_t *sent, struct tp_err *err)
{
	struct round_target *rest = NULL;
	size_t again;
	int rc;

	while ((rc = send_job_once(h, s, lane, m, method, t, n, rest ? &again : sent, err)) ==
	    HUB_PROBER_LOST) {
		if (hub_revive(h, err) < 0) {
			rc = tp_err_prefix(err, "round %u: the prober died before its job was done",
			    s->round);
			break;
		}
		if (rest == NULL) {
			rest = xreallocarray(NULL, n ? n : 1, sizeof(*rest));
			memcpy(rest, t, n * sizeof(*rest));
			t = rest;
		}
		n = keep_silent(h, s, rest, n);
		log_warn("round", "round %u: the prober died before its %s job was done; the "
		    "new one probes its %zu targets without a reply", s->round, m->name[method], n);
	}
	free(rest);
	return rc;
}

/* Send s's jobs, one per method (probe_hub_int.h). */
int
hub_send_jobs(struct probe_hub *h, struct hub_slot *s, const struct tp_lane_conf *lane,
    const struct round_target *t, size_t n, int fallback, size_t *sent, struct tp_err *err)
{
	struct round_target *sel = xcalloc(n ? n : 1, sizeof(*sel));
	struct methods_answered answered = { 0 };
	struct tp_methods m;
	size_t i, k, one = 0;
	int rc = 0;

	*sent = 0;
	methods_of(h->c, &m);
	for (i = 0; i < m.n && rc == 0; i++) {
		if (fallback && i > 0)
			note_answered(h, s, &answered);
		k = methods_pick(t, n, i, fallback, &answered, sel);
		if (fallback && i > 0)
			log_info("round", "round %u: %zu targets silent to %s; probing them with %s",
			    s->round, k, m.name[i - 1], m.name[i]);
		/* The first method's job goes out even when empty: it checks the prober. */
		if ((k > 0 || i == 0) &&
		    (rc = send_job(h, s, lane, &m, i, sel, k, &one, err)) == 0)
			*sent += one;
	}
	methods_answered_free(&answered);
	free(sel);
	return rc;
}
