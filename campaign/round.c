/*
 * round.c: one measurement round: a listener at every site, the sender at
 * the prober site fed the targets on its standard input, then every
 * listener's record stream imported into the database.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "campaign.h"
#include "import.h"
#include "log.h"
#include "methods.h"
#include "output.h"
#include "site_exec.h"
#include "xalloc.h"

#define PROBE "tp-probe"
#define PROBE_EXIT_SEND_ERRORS 3	/* tp-probe send finished, some probes refused */
#define READY_TIMEOUT_US (15 * 1000000LL)
#define STOP_TIMEOUT_US (10 * 1000000LL)	/* from EOF on its stdin to its end line */
#define TERM_GRACE_US (3 * 1000000LL)	/* from SIGTERM to SIGKILL */

/* A growing byte buffer fed from a pipe. */
struct sink {
	char *buf;
	size_t len, cap;
	int eof;
};

struct listener {
	struct site_proc proc;
	struct sink out;
	int ready;		/* its header line has arrived: the capture is open */
};

/* Read what the pipe has into the sink; sets eof at the end. */
static void
sink_read(struct sink *s, int fd)
{
	ssize_t got;

	if (s->eof)
		return;
	if (s->buf == NULL || s->cap - s->len < 65536) {
		s->cap = s->cap ? s->cap * 2 : 262144;
		s->buf = xreallocarray(s->buf, s->cap, 1);
	}
	got = read(fd, s->buf + s->len, s->cap - s->len - 1);
	if (got > 0)
		s->len += (size_t)got;
	else if (got == 0 || (errno != EAGAIN && errno != EINTR))
		s->eof = 1;
	s->buf[s->len] = '\0';
}

/* Start tp-probe listen at site i, capturing replies to c's lane's test ranges only. */
static int
listener_start(struct campaign *c, size_t i, uint32_t round, struct listener *l,
    struct tp_err *err)
{
	const struct tp_site_conf *site = &c->conf->sites[i];
	const struct tp_lane_conf *lane = c->lane;
	struct tp_methods m;
	size_t k, n = 0, nranges = lane != NULL ? lane->ntest_ranges : 0;
	char rbuf[16], (*ranges)[TP_PREFIX_STRLEN] = xcalloc(nranges + 1, TP_PREFIX_STRLEN);
	const char **args = xcalloc(16 + 2 * nranges + 2 * TP_METHODS_MAX, sizeof(char *));
	int rc = 0;

	snprintf(rbuf, sizeof(rbuf), "%u", round);
	args[n++] = "listen";
	args[n++] = "-c";
	args[n++] = c->conf_path;
	args[n++] = "-q";
	args[n++] = "-r";
	args[n++] = rbuf;
	args[n++] = "-s";
	args[n++] = site->name;
	args[n++] = "-i";
	args[n++] = site->interface ? site->interface : "any";
	for (k = 0; k < nranges; k++) {
		args[n++] = "-t";
		args[n++] = tp_prefix_format(&lane->test_ranges[k], ranges[k], TP_PREFIX_STRLEN);
	}
	methods_of(c, &m);
	n += methods_listen_args(c, &m, args + n);
	args[n++] = "--stop-on-eof";
	args[n] = NULL;
	memset(l, 0, sizeof(*l));
	if (site_spawn(c->conf, site, PROBE, args, 1, 1, &l->proc, err) < 0)
		rc = tp_err_prefix(err, "site %s: listener", site->name);
	else
		fcntl(fileno(l->proc.out), F_SETFL, O_NONBLOCK);
	free(args);
	free(ranges);
	return rc;
}

/*
 * Poll the listeners (and the sender's pipes when given) once, for up to
 * timeout_ms; feeds the sender from *feed.
 */
static void
poll_once(struct listener *ls, size_t nl, int send_in, const char *feed, size_t feed_len,
    size_t *fed, struct sink *send_out, int send_out_fd, int timeout_ms)
{
	struct pollfd pfd[nl + 2];
	size_t i, n = 0;

	for (i = 0; i < nl; i++) {
		pfd[n].fd = ls[i].out.eof ? -1 : fileno(ls[i].proc.out);
		pfd[n++].events = POLLIN;
	}
	pfd[n].fd = send_in >= 0 && *fed < feed_len ? send_in : -1;
	pfd[n++].events = POLLOUT;
	pfd[n].fd = send_out_fd >= 0 && !send_out->eof ? send_out_fd : -1;
	pfd[n++].events = POLLIN;
	if (poll(pfd, n, timeout_ms) <= 0)
		return;
	for (i = 0; i < nl; i++)
		if (pfd[i].revents)
			sink_read(&ls[i].out, pfd[i].fd);
	if (pfd[nl].revents & (POLLOUT | POLLERR | POLLHUP)) {
		ssize_t w = write(send_in, feed + *fed, feed_len - *fed);

		if (w > 0)
			*fed += (size_t)w;
		else if (w < 0 && errno != EAGAIN && errno != EINTR)
			*fed = feed_len;	/* the sender is gone; its exit status tells */
	}
	if (pfd[nl + 1].revents)
		sink_read(send_out, send_out_fd);
}

/* Poll only the listeners, for up to timeout_ms. */
static void
poll_listeners(struct listener *ls, size_t nl, int timeout_ms)
{
	struct sink none = { 0 };
	size_t fed = 0;

	poll_once(ls, nl, -1, NULL, 0, &fed, &none, -1, timeout_ms);
}

/* Wait until every listener printed its header line; name the first that did not. */
static int
listeners_ready(struct campaign *c, struct listener *ls, size_t nl, struct tp_err *err)
{
	int64_t deadline = tp_mono_us() + READY_TIMEOUT_US;
	size_t i, ready;

	for (;;) {
		for (i = 0, ready = 0; i < nl; i++) {
			if (!ls[i].ready && ls[i].out.buf != NULL &&
			    memchr(ls[i].out.buf, '\n', ls[i].out.len) != NULL)
				ls[i].ready = strncmp(ls[i].out.buf, "tp-records ", 11) == 0 ? 1 : -1;
			if (ls[i].ready < 0 || (!ls[i].ready && ls[i].out.eof))
				return tp_err_set(err, "site %s: the listener did not start (see its "
				    "error above)", c->conf->sites[i].name);
			ready += ls[i].ready;
		}
		if (ready == nl)
			return 0;
		if (campaign_stop)
			return tp_err_set(err, "interrupted");
		if (tp_mono_us() > deadline)
			for (i = 0; i < nl; i++)
				if (!ls[i].ready)
					return tp_err_set(err, "site %s: the listener did not start "
					    "within %lld s", c->conf->sites[i].name,
					    READY_TIMEOUT_US / 1000000);
		poll_listeners(ls, nl, 100);
	}
}

/*
 * The targets as "ADDR\n" lines, the sender's input: those of the families
 * c's lane has a source for (*sent counts them).
 */
static char *
targets_text(const struct campaign *c, const struct round_target *t, size_t n, size_t *len,
    size_t *sent)
{
	char *buf = xmalloc(n * (TP_ADDR_STRLEN + 1) + 1);
	size_t i, off = 0;

	*sent = 0;
	for (i = 0; i < n; i++) {
		if (c->lane != NULL && !tp_lane_has_family(c->lane, t[i].addr.family))
			continue;
		(*sent)++;
		tp_addr_format(&t[i].addr, buf + off, TP_ADDR_STRLEN);
		off += strlen(buf + off);
		buf[off++] = '\n';
	}
	buf[off] = '\0';
	*len = off;
	return buf;
}

/*
 * Run the sender at the prober site with method index method while
 * draining the listeners: from c's lane's sources, at c->rate.
 */
static int
send_targets(struct campaign *c, struct listener *ls, size_t nl, uint32_t round,
    const struct round_target *t, size_t n, size_t method, size_t *sent, struct tp_err *err)
{
	const struct tp_site_conf *prober = tp_conf_site(c->conf, c->conf->prober);
	const struct tp_lane_conf *lane = c->lane;
	struct site_proc sender;
	struct sink out = { 0 };
	struct tp_methods m;
	char rbuf[16], ratebuf[16], src4[TP_ADDR_STRLEN], src6[TP_ADDR_STRLEN], flows[16], *feed;
	const char *args[24];
	size_t feed_len, fed = 0, k = 0;
	int status;

	snprintf(rbuf, sizeof(rbuf), "%u", round);
	snprintf(ratebuf, sizeof(ratebuf), "%u", c->rate ? c->rate : c->conf->rate);
	args[k++] = "send";
	args[k++] = "-c";
	args[k++] = c->conf_path;
	args[k++] = "-q";
	args[k++] = "-r";
	args[k++] = rbuf;
	args[k++] = "-R";
	args[k++] = ratebuf;
	if (lane != NULL && lane->source4.family != 0) {
		args[k++] = "--source4";
		args[k++] = tp_addr_format(&lane->source4, src4, sizeof(src4));
	}
	if (lane != NULL && lane->source6.family != 0) {
		args[k++] = "--source6";
		args[k++] = tp_addr_format(&lane->source6, src6, sizeof(src6));
	}
	methods_of(c, &m);
	k += methods_send_args(c, &m, method, flows, sizeof(flows), args + k);
	args[k++] = "-";
	args[k] = NULL;
	if (site_spawn(c->conf, prober, PROBE, args, 1, 1, &sender, err) < 0)
		return tp_err_prefix(err, "prober %s", prober->name);
	feed = targets_text(c, t, n, &feed_len, sent);
	fcntl(fileno(sender.in), F_SETFL, O_NONBLOCK);
	fcntl(fileno(sender.out), F_SETFL, O_NONBLOCK);
	while (!out.eof && !campaign_stop) {
		poll_once(ls, nl, fed < feed_len ? fileno(sender.in) : -1, feed, feed_len, &fed,
		    &out, fileno(sender.out), 200);
		if (fed == feed_len && sender.in != NULL) {
			fclose(sender.in);
			sender.in = NULL;
		}
	}
	if (campaign_stop)
		site_stop(&sender);
	status = site_wait(&sender);
	free(feed);
	free(out.buf);
	if (campaign_stop)
		return tp_err_set(err, "interrupted");
	if (status == PROBE_EXIT_SEND_ERRORS) {
		log_warn("round", "round %u: the prober could not send some probes (see its "
		    "message above); their targets count as lost", round);
		return 0;
	}
	if (status != 0)
		return tp_err_set(err, "prober %s: %s send failed (exit %d)", prober->name, PROBE,
		    status);
	return 0;
}

/* Read the listeners until every stream ended or `us` microseconds passed; 1 when all ended. */
static int
listeners_drain(struct listener *ls, size_t nl, int64_t us)
{
	int64_t until = tp_mono_us() + us;
	size_t i, open;

	for (;;) {
		for (i = 0, open = 0; i < nl; i++)
			open += !ls[i].out.eof;
		if (open == 0 || tp_mono_us() >= until)
			return open == 0;
		poll_listeners(ls, nl, 100);
	}
}

/*
 * Stop the listeners and reap them. EOF on their stdin comes first: it is
 * the only stop that crosses ssh (a signal would end the local ssh, not
 * the listener, and lose its end line). Those whose stream has not ended
 * after STOP_TIMEOUT get SIGTERM, and SIGKILL after TERM_GRACE.
 */
static void
listeners_stop(struct listener *ls, size_t nl)
{
	size_t i;

	for (i = 0; i < nl; i++)
		if (ls[i].proc.in != NULL) {
			fclose(ls[i].proc.in);
			ls[i].proc.in = NULL;
		}
	if (!listeners_drain(ls, nl, STOP_TIMEOUT_US)) {
		for (i = 0; i < nl; i++)
			if (!ls[i].out.eof) {
				log_warn("round", "site %s: the listener did not stop on EOF within "
				    "%lld s; sending SIGTERM", ls[i].proc.site,
				    STOP_TIMEOUT_US / 1000000);
				site_stop(&ls[i].proc);
			}
		listeners_drain(ls, nl, TERM_GRACE_US);
	}
	for (i = 0; i < nl; i++) {
		if (!ls[i].out.eof && ls[i].proc.pid > 0) {
			log_warn("round", "site %s: listener did not stop; killing it",
			    ls[i].proc.site);
			kill(ls[i].proc.pid, SIGKILL);
		}
		site_wait(&ls[i].proc);
	}
}

/* Keep reading for the grace time, then stop the listeners and read to the end. */
static void
listeners_finish(struct campaign *c, struct listener *ls, size_t nl)
{
	int64_t until = tp_mono_us() + (int64_t)c->conf->listen_grace * 1000000;

	while (tp_mono_us() < until && !campaign_stop)
		poll_listeners(ls, nl, 100);
	listeners_stop(ls, nl);
}

/* Import every listener's stream; complete when each ended with its "end" line. */
static int
import_streams(struct campaign *c, struct listener *ls, size_t nl, struct round_outcome *out,
    struct tp_err *err)
{
	size_t i;

	out->complete = 1;
	for (i = 0; i < nl; i++) {
		struct tp_import_stats st;
		struct tp_import_bind bind;
		char name[96];
		FILE *f;

		snprintf(name, sizeof(name), "listener at %s", ls[i].proc.site);
		f = fmemopen(ls[i].out.buf ? ls[i].out.buf : "", ls[i].out.len, "r");
		if (f == NULL)
			return tp_err_set(err, "fmemopen: %s", strerror(errno));
		/* A listener speaks for its own site and this round only. */
		bind.round = (uint32_t)out->round_id;
		snprintf(bind.site, sizeof(bind.site), "%s", ls[i].proc.site);
		if (c->import_cache == NULL)
			c->import_cache = tp_import_cache_new(c->db);
		if (tp_import_stream_cached(c->import_cache, f, name, &bind, &st, err) < 0) {
			fclose(f);
			return -1;
		}
		fclose(f);
		out->replies += st.inserted;
		out->foreign += st.foreign;
		if (st.streams_ended == 0) {
			log_warn("round", "round %lld: the %s ended without its end line; the round "
			    "is marked incomplete", out->round_id, name);
			if (out->complete)
				snprintf(out->lost_site, sizeof(out->lost_site), "%s",
				    ls[i].proc.site);
			out->complete = 0;
		}
	}
	return 0;
}

/* Wait the grace time for late replies, then note every reply address so far. */
static void
listeners_answered(struct campaign *c, struct listener *ls, size_t nl,
    struct methods_answered *a)
{
	int64_t until = tp_mono_us() + (int64_t)c->conf->listen_grace * 1000000;
	size_t i;

	while (tp_mono_us() < until && !campaign_stop)
		poll_listeners(ls, nl, 100);
	a->n = 0;
	for (i = 0; i < nl; i++)
		methods_answered_scan(a, ls[i].out.buf, ls[i].out.len);
}

/*
 * Send each method its targets (methods.h); in a fallback round (the
 * baseline) the targets still silent after one method get the next.
 * *sent counts the probes' targets of every method.
 */
static int
send_by_method(struct campaign *c, struct listener *ls, size_t nl, uint32_t round,
    const struct round_target *t, size_t n, int fallback, size_t *sent, struct tp_err *err)
{
	struct round_target *sel = xcalloc(n ? n : 1, sizeof(*sel));
	struct methods_answered answered = { 0 };
	struct tp_methods m;
	size_t i, k, one = 0;
	int rc = 0;

	methods_of(c, &m);
	for (i = 0; i < m.n && rc == 0; i++) {
		if (fallback && i > 0)
			listeners_answered(c, ls, nl, &answered);
		k = methods_pick(t, n, i, fallback, &answered, sel);
		if (fallback && i > 0)
			log_info("round", "round %u: %zu targets silent to %s; probing them with %s",
			    round, k, m.name[i - 1], m.name[i]);
		if (k > 0 && (rc = send_targets(c, ls, nl, round, sel, k, i, &one, err)) == 0)
			*sent += one;
	}
	methods_answered_free(&answered);
	free(sel);
	return rc;
}

/* Measure once: listeners everywhere, the sender at the prober, import, close the round. */
int
round_run(struct campaign *c, long long scenario_id, const char *kind,
    const struct round_target *targets, size_t n, struct round_outcome *out,
    struct tp_err *err)
{
	struct listener *ls = xcalloc(c->conf->nsites, sizeof(*ls));
	size_t i, started = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->round_id = state_round_new(c, scenario_id, kind, err);
	if (out->round_id < 0)
		goto out;
	for (; started < c->conf->nsites; started++)
		if (listener_start(c, started, (uint32_t)out->round_id, &ls[started], err) < 0)
			goto stop;
	if (listeners_ready(c, ls, started, err) < 0 ||
	    send_by_method(c, ls, started, (uint32_t)out->round_id, targets, n,
	    strcmp(kind, "baseline") == 0, &out->sent, err) < 0)
		goto stop;
	rc = 0;
stop:
	listeners_finish(c, ls, started);
	if (rc == 0)
		rc = import_streams(c, ls, started, out, err);
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
out:
	for (i = 0; i < c->conf->nsites; i++)
		free(ls[i].out.buf);
	free(ls);
	return rc;
}

/* Preflight: start a listener at every site and see that each opens its capture. */
int
round_listeners_check(struct campaign *c, struct tp_err *err)
{
	struct listener *ls = xcalloc(c->conf->nsites, sizeof(*ls));
	size_t i, started = 0;
	int rc = -1;

	for (; started < c->conf->nsites; started++)
		if (listener_start(c, started, 0, &ls[started], err) < 0)
			goto out;
	rc = listeners_ready(c, ls, started, err);
out:
	listeners_stop(ls, started);
	for (i = 0; i < started; i++)
		free(ls[i].out.buf);
	free(ls);
	return rc;
}
