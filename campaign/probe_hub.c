/*
 * probe_hub.c: one listener per site and one prober for the whole
 * campaign (probe_hub.h). A round opens at every listener, goes to the
 * prober as a job, closes when the job is done, and is handed back as a
 * record stream per site once every listener wrote its end line.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "methods.h"
#include "probe_hub_int.h"
#include "xalloc.h"

#define PROBE "tp-probe"
#define HUB_READY_US (15 * 1000000LL)		/* listeners' headers, "# open" answers */
#define HUB_STOP_US (10 * 1000000LL)		/* from the end of input to the end lines */
#define HUB_TERM_US (3 * 1000000LL)		/* from SIGTERM to SIGKILL */

/* Wait up to 100 ms for the reader to change something (the lock is held). */
static void
hub_wait(struct probe_hub *h)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 100 * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&h->changed, &h->lock, &ts);
}

/* Start tp-probe listen --multi-round at site i, as proc. */
static int
listener_spawn(struct probe_hub *h, size_t i, struct site_proc *proc, struct tp_err *err)
{
	const struct tp_site_conf *site = &h->c->conf->sites[i];
	struct tp_methods m;
	char grace[16], buffer[16];
	const char *args[14 + 2 * TP_METHODS_MAX] = { "listen", "-c", h->c->conf_path, "-q",
		"--multi-round", "-s", site->name, "-i", site->interface ? site->interface : "any",
		"--grace", grace, "--buffer-size", buffer };

	snprintf(grace, sizeof(grace), "%u", h->c->conf->listen_grace);
	snprintf(buffer, sizeof(buffer), "%u", h->c->conf->listen_buffer_size);
	/* Every configured method: a round may use any of them (methods.h). */
	methods_of(h->c, &m);
	methods_listen_args(h->c, &m, args + 13);
	if (site_spawn(h->c->conf, site, PROBE, args, 1, 1, proc, err) < 0)
		return tp_err_prefix(err, "site %s: listener", site->name);
	fcntl(fileno(proc->out), F_SETFL, O_NONBLOCK);
	return 0;
}

/*
 * Start tp-probe send --jobs at the prober site, as proc, at the
 * campaign's whole rate and with its spacing of probes to one address.
 */
static int
prober_spawn(struct probe_hub *h, struct site_proc *proc, struct tp_err *err)
{
	const struct tp_site_conf *prober = tp_conf_site(h->c->conf, h->c->conf->prober);
	char rate[16], gap[32];
	const char *args[] = { "send", "-c", h->c->conf_path, "-q", "--jobs", "-R", rate,
		"--min-gap", gap, NULL };

	snprintf(rate, sizeof(rate), "%u", h->c->conf->rate);
	snprintf(gap, sizeof(gap), "%g", h->c->conf->probe_min_gap);
	if (site_spawn(h->c->conf, prober, PROBE, args, 1, 1, proc, err) < 0)
		return tp_err_prefix(err, "prober %s", prober->name);
	fcntl(fileno(proc->out), F_SETFL, O_NONBLOCK);
	return 0;
}

/* Start pipe i's process as proc: listener i, or the prober for i == h->nsites. */
int
hub_pipe_spawn(struct probe_hub *h, size_t i, struct site_proc *proc, struct tp_err *err)
{
	return i < h->nsites ? listener_spawn(h, i, proc, err) : prober_spawn(h, proc, err);
}

/* Wait until every listener wrote its header; name the first that did not. */
int
hub_listeners_ready(struct probe_hub *h, struct tp_err *err)
{
	int64_t deadline = tp_mono_us() + HUB_READY_US;
	size_t i, ready;
	int rc = 0;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		for (i = 0, ready = 0; i < h->nsites && rc == 0; i++) {
			if (!h->listener[i].ready && h->listener[i].eof)
				rc = tp_err_set(err, "site %s: the listener did not start (see its "
				    "error above)", h->listener[i].proc.site);
			ready += h->listener[i].ready;
		}
		if (rc < 0 || ready == h->nsites)
			break;
		if (campaign_stop) {
			rc = tp_err_set(err, "interrupted");
			break;
		}
		if (tp_mono_us() > deadline) {
			for (i = 0; i < h->nsites && h->listener[i].ready; i++)
				;
			rc = tp_err_set(err, "site %s: the listener did not start within %lld s",
			    h->listener[i].proc.site, HUB_READY_US / 1000000);
			break;
		}
		hub_wait(h);
	}
	pthread_mutex_unlock(&h->lock);
	return rc;
}

/* Start the listeners and the prober. */
struct probe_hub *
probe_hub_start(struct campaign *c, struct tp_err *err)
{
	struct probe_hub *h = xcalloc(1, sizeof(*h));
	size_t i;

	h->c = c;
	h->nsites = c->conf->nsites;
	h->listener = xcalloc(h->nsites, sizeof(*h->listener));
	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_init(&h->write_lock, NULL);
	pthread_mutex_init(&h->revive_lock, NULL);
	pthread_cond_init(&h->changed, NULL);
	h->backoff_us = HUB_BACKOFF_US;
	for (i = 0; i < h->nsites; i++)
		if (listener_spawn(h, i, &h->listener[i].proc, err) < 0) {
			h->nsites = i;
			goto fail;
		}
	if (prober_spawn(h, &h->prober.proc, err) < 0 ||
	    pthread_create(&h->reader, NULL, probe_hub_read, h) != 0) {
		if (h->prober.proc.pid == 0)
			h->prober.eof = 1;
		goto fail;
	}
	h->reader_running = 1;
	if (hub_listeners_ready(h, err) < 0)
		goto fail;
	return h;
fail:
	probe_hub_stop(h);
	return NULL;
}

/* Write a line to a process's input (under the write lock); -1 when it is gone. */
int
hub_pipe_say(struct probe_hub *h, struct hub_pipe *p, const char *line, unsigned *generation)
{
	int rc;

	pthread_mutex_lock(&h->write_lock);
	rc = p->proc.in != NULL && fputs(line, p->proc.in) >= 0 && fflush(p->proc.in) == 0 ? 0 : -1;
	if (generation != NULL)
		*generation = p->generation;
	pthread_mutex_unlock(&h->write_lock);
	return rc;
}

/* Take a free slot for round (the lock is held); NULL when all are in use. */
static struct hub_slot *
slot_take(struct probe_hub *h, uint32_t round)
{
	struct hub_slot *s = NULL;
	size_t i;

	for (i = 0; i < HUB_MAX_ROUNDS && s == NULL; i++)
		if (!h->slot[i].used)
			s = &h->slot[i];
	if (s == NULL)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->used = 1;
	s->round = round;
	s->data.nsites = h->nsites;
	s->data.stream = xcalloc(h->nsites, sizeof(*s->data.stream));
	s->data.len = xcalloc(h->nsites, sizeof(*s->data.len));
	s->data.ended = xcalloc(h->nsites, sizeof(*s->data.ended));
	s->cap = xcalloc(h->nsites, sizeof(*s->cap));
	return s;
}

/* "open ROUND RANGE..." for a lane (NULL: the campaign's test ranges), into buf. */
static void
open_line(const struct tp_conf *conf, uint32_t round, const struct tp_lane_conf *lane,
    char *buf, size_t size)
{
	const struct tp_prefix *r = lane ? lane->test_ranges : conf->test_ranges;
	size_t n = lane ? lane->ntest_ranges : conf->ntest_ranges, i, off;
	char p[TP_PREFIX_STRLEN];

	off = (size_t)snprintf(buf, size, "open %u", round);
	for (i = 0; i < n && i < 8 && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, " %s",
		    tp_prefix_format(&r[i], p, sizeof(p)));
	if (off < size)
		snprintf(buf + off, size - off, "\n");
}

/* Say line to every listener still running; how many were told. */
static size_t
tell_listeners(struct probe_hub *h, const char *line)
{
	size_t i, told = 0;

	for (i = 0; i < h->nsites; i++)
		if (!h->listener[i].eof && hub_pipe_say(h, &h->listener[i], line, NULL) == 0)
			told++;
	return told;
}

/* Wait (the lock is held) until every running listener said "# open" for s. */
static int
wait_opened(struct probe_hub *h, struct hub_slot *s, unsigned refusals0, struct tp_err *err)
{
	int64_t deadline = tp_mono_us() + HUB_READY_US;
	size_t i, live, refusals;

	for (;;) {
		for (i = 0, live = 0, refusals = 0; i < h->nsites; i++) {
			live += !h->listener[i].eof;
			refusals += h->listener[i].refusals;
		}
		if (refusals != refusals0) {
			for (i = 0; i < h->nsites && h->listener[i].refused[0] == '\0'; i++)
				;
			return tp_err_set(err, "round %u: a listener refused to open it: %s",
			    s->round, i < h->nsites ? h->listener[i].refused : "?");
		}
		if (s->acks >= live)
			return 0;
		if (campaign_stop)
			return tp_err_set(err, "interrupted");
		if (tp_mono_us() > deadline)
			return tp_err_set(err, "round %u: %zu of %zu listeners did not open it within "
			    "%lld s", s->round, live - s->acks, live, HUB_READY_US / 1000000);
		hub_wait(h);
	}
}

/* Wait (the lock is held) until the prober's process generation is done with s's job. */
int
hub_wait_sent(struct probe_hub *h, struct hub_slot *s, unsigned generation, struct tp_err *err)
{
	while (!s->done) {
		if (s->refused)
			return tp_err_set(err, "prober: %s", h->prober.refused);
		if (h->prober.eof || h->prober.generation != generation)
			return HUB_PROBER_LOST;
		if (campaign_stop)
			return tp_err_set(err, "interrupted");
		hub_wait(h);
	}
	return 0;
}

/* Wait (the lock is held) until every listener ended s's stream, or is gone, or time is up. */
static void
wait_ended(struct probe_hub *h, struct hub_slot *s)
{
	int64_t deadline = tp_mono_us() + (int64_t)h->c->conf->listen_grace * 1000000 +
	    HUB_STOP_US;
	size_t i, open;

	for (;;) {
		for (i = 0, open = 0; i < h->nsites; i++)
			open += !s->data.ended[i] && !h->listener[i].eof;
		if (open == 0 || tp_mono_us() > deadline)
			return;
		hub_wait(h);
	}
}

/* Hand a slot's streams over to out (each with its header line) and free the slot. */
static void
slot_hand_over(struct hub_slot *s, struct hub_round *out)
{
	static const char header[] = "tp-records 2\n";
	size_t i;
	char *text;

	*out = s->data;
	for (i = 0; i < out->nsites; i++) {
		text = xmalloc(sizeof(header) + out->len[i]);
		memcpy(text, header, sizeof(header) - 1);
		if (out->len[i] > 0)
			memcpy(text + sizeof(header) - 1, out->stream[i], out->len[i]);
		text[sizeof(header) - 1 + out->len[i]] = '\0';
		out->len[i] += sizeof(header) - 1;
		free(out->stream[i]);
		out->stream[i] = text;
	}
	free(s->cap);
	memset(s, 0, sizeof(*s));
}

/* Measure one round on lane through the shared listeners and prober. */
int
probe_hub_round(struct probe_hub *h, uint32_t round, const struct tp_lane_conf *lane,
    const struct round_target *t, size_t n, int fallback, struct hub_round *out,
    struct tp_err *err)
{
	char line[1024];
	struct hub_slot *s;
	unsigned refusals0 = 0;
	size_t i, sent = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (hub_revive(h, err) < 0)
		return -1;
	pthread_mutex_lock(&h->lock);
	s = slot_take(h, round);
	for (i = 0; i < h->nsites; i++)
		refusals0 += h->listener[i].refusals;
	pthread_mutex_unlock(&h->lock);
	if (s == NULL)
		return tp_err_set(err, "round %u: %d rounds in flight already", round,
		    HUB_MAX_ROUNDS);
	open_line(h->c->conf, round, lane, line, sizeof(line));
	tell_listeners(h, line);
	pthread_mutex_lock(&h->lock);
	rc = wait_opened(h, s, refusals0, err);
	pthread_mutex_unlock(&h->lock);
	if (rc == 0)
		rc = hub_send_jobs(h, s, lane, t, n, fallback, &sent, err);
	/* Closed in every case, so no listener keeps a round nobody waits for. */
	snprintf(line, sizeof(line), "close %u\n", round);
	tell_listeners(h, line);
	pthread_mutex_lock(&h->lock);
	if (rc == 0)
		wait_ended(h, s);
	slot_hand_over(s, out);
	out->sent = sent;
	pthread_mutex_unlock(&h->lock);
	return rc;
}

/* Free what a round brought back. */
void
hub_round_free(struct hub_round *r)
{
	size_t i;

	for (i = 0; i < r->nsites && r->stream != NULL; i++)
		free(r->stream[i]);
	free(r->stream);
	free(r->len);
	free(r->ended);
	memset(r, 0, sizeof(*r));
}

/* Wait until every output ended or `us` passed; 1 when all ended. */
static int
hub_drain(struct probe_hub *h, int64_t us)
{
	int64_t until = tp_mono_us() + us;
	size_t i, open;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		for (i = 0, open = !h->prober.eof; i < h->nsites; i++)
			open += !h->listener[i].eof;
		if (open == 0 || tp_mono_us() >= until)
			break;
		hub_wait(h);
	}
	pthread_mutex_unlock(&h->lock);
	return open == 0;
}

/* SIGTERM, or SIGKILL when kill is set, to every process whose output has not ended. */
static void
hub_signal(struct probe_hub *h, int kill_them)
{
	size_t i;

	for (i = 0; i <= h->nsites; i++) {
		struct hub_pipe *p = i < h->nsites ? &h->listener[i] : &h->prober;

		if (p->eof || p->proc.pid <= 0)
			continue;
		log_warn("round", "%s: %s did not stop on the end of its input; %s",
		    p->proc.site, i < h->nsites ? "the listener" : "the prober",
		    kill_them ? "killing it" : "sending SIGTERM");
		if (kill_them)
			kill(p->proc.pid, SIGKILL);
		else
			site_stop(&p->proc);
	}
}

/*
 * End the listeners and the prober: the end of their input first (the only
 * stop that crosses ssh), SIGTERM after HUB_STOP, SIGKILL after HUB_TERM.
 */
void
probe_hub_stop(struct probe_hub *h)
{
	size_t i;

	if (h == NULL)
		return;
	pthread_mutex_lock(&h->write_lock);
	for (i = 0; i < h->nsites; i++)
		if (h->listener[i].proc.in != NULL) {
			fclose(h->listener[i].proc.in);
			h->listener[i].proc.in = NULL;
		}
	if (h->prober.proc.in != NULL) {
		fclose(h->prober.proc.in);
		h->prober.proc.in = NULL;
	}
	pthread_mutex_unlock(&h->write_lock);
	pthread_mutex_lock(&h->lock);
	h->stopping = 1;
	pthread_mutex_unlock(&h->lock);
	if (h->reader_running && !hub_drain(h, HUB_STOP_US)) {
		hub_signal(h, 0);
		if (!hub_drain(h, HUB_TERM_US))
			hub_signal(h, 1);
	}
	if (h->reader_running)
		pthread_join(h->reader, NULL);
	if (h->foreign > 0)
		log_warn("round", "%llu records named no round in flight and were not stored",
		    (unsigned long long)h->foreign);
	for (i = 0; i < h->nsites; i++)
		site_wait(&h->listener[i].proc);
	if (h->prober.proc.pid > 0)
		site_wait(&h->prober.proc);
	for (i = 0; i < HUB_MAX_ROUNDS; i++)
		if (h->slot[i].used) {
			struct hub_round r;

			slot_hand_over(&h->slot[i], &r);
			hub_round_free(&r);
		}
	pthread_cond_destroy(&h->changed);
	pthread_mutex_destroy(&h->lock);
	pthread_mutex_destroy(&h->write_lock);
	pthread_mutex_destroy(&h->revive_lock);
	free(h->listener);
	free(h);
}
