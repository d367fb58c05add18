/*
 * probe_hub_read.c: the hub's reader thread. It polls every listener's and
 * the prober's output, cuts it into lines and files each under its round:
 * record lines into that round's stream for the site, the listeners'
 * "# open" answers and the prober's "started", "done" and "refused" into
 * the round's state; then it wakes the threads waiting on a round.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fields.h"
#include "log.h"
#include "probe_hub_int.h"
#include "xalloc.h"

#define HUB_POLL_MS 100

/* The slot of a round in flight, or NULL (the lock is held). */
static struct hub_slot *
slot_of(struct probe_hub *h, uint32_t round)
{
	size_t i;

	for (i = 0; i < HUB_MAX_ROUNDS; i++)
		if (h->slot[i].used && h->slot[i].round == round)
			return &h->slot[i];
	return NULL;
}

/*
 * The round of a line whose word `at` of f is its round number (with a
 * colon after it in "refused ROUND: REASON"), or -1.
 */
static int64_t
line_round(struct tp_fields *f, size_t at)
{
	struct tp_err err;
	uint64_t v;
	size_t len;

	if (at < f->n && (len = strlen(f->word[at])) > 0 && f->word[at][len - 1] == ':')
		f->word[at][len - 1] = '\0';
	return tp_fields_u64(f, at, "round", 0, UINT32_MAX, &v, &err) < 0 ? -1 : (int64_t)v;
}

/* Append a line (and its newline) to site i's stream of slot s. */
static void
stream_add(struct hub_slot *s, size_t i, const char *line)
{
	size_t n = strlen(line);

	if (s->data.len[i] + n + 2 > s->cap[i]) {
		s->cap[i] = (s->data.len[i] + n + 2) * 2;
		s->data.stream[i] = xreallocarray(s->data.stream[i], s->cap[i], 1);
	}
	memcpy(s->data.stream[i] + s->data.len[i], line, n);
	s->data.len[i] += n;
	s->data.stream[i][s->data.len[i]++] = '\n';
	s->data.stream[i][s->data.len[i]] = '\0';
}

/* File one line of the listener at site i (the lock is held). */
static void
listener_line(struct probe_hub *h, size_t i, const char *line)
{
	struct hub_pipe *p = &h->listener[i];
	struct hub_slot *s;
	struct tp_fields f;
	struct tp_err err;
	int64_t r;

	if (strncmp(line, "tp-records ", 11) == 0) {
		p->ready = 1;
		return;
	}
	if (strncmp(line, "# refused: ", 11) == 0) {
		snprintf(p->refused, sizeof(p->refused), "%s", line + 11);
		p->refusals++;
		return;
	}
	if (tp_fields_split(&f, line, &err) < 0 || f.n == 0)
		return;
	if (f.n >= 3 && strcmp(f.word[0], "#") == 0 && strcmp(f.word[1], "open") == 0) {
		if ((r = line_round(&f, 2)) >= 0 && (s = slot_of(h, (uint32_t)r)) != NULL)
			s->acks++;
		return;
	}
	if (line[0] == '#')
		return;
	r = strcmp(f.word[0], "reply") == 0 || strcmp(f.word[0], "end") == 0 ?
	    line_round(&f, 1) : -1;
	if (r < 0 || (s = slot_of(h, (uint32_t)r)) == NULL) {
		h->foreign++;
		return;
	}
	stream_add(s, i, line);
	if (line[0] == 'e') {
		s->data.ended[i] = 1;
		p->restarts = 0;	/* a round through: it lives */
	}
}

/*
 * File one line of the prober (the lock is held): "started ROUND ...",
 * "done ROUND SENT ERRORS" or "refused ROUND: REASON".
 */
static void
prober_line(struct probe_hub *h, const char *line)
{
	struct hub_slot *s;
	struct tp_fields f;
	struct tp_err err;
	uint64_t errors;
	int64_t r;

	if (tp_fields_split(&f, line, &err) < 0 || (r = line_round(&f, 1)) < 0)
		return;
	s = slot_of(h, (uint32_t)r);
	if (strcmp(f.word[0], "started") == 0 && s != NULL)
		s->started = 1;
	else if (strcmp(f.word[0], "done") == 0 && s != NULL) {
		if (tp_fields_u64(&f, 3, "errors", 0, UINT64_MAX, &errors, &err) == 0 && errors > 0)
			log_warn("round", "round %u: the prober could not send %llu probes (see "
			    "its message above); their targets count as lost", s->round,
			    (unsigned long long)errors);
		s->done = 1;
		h->prober.restarts = 0;	/* a job through: it lives */
	} else if (strcmp(f.word[0], "refused") == 0) {
		snprintf(h->prober.refused, sizeof(h->prober.refused), "%s", line);
		h->prober.refusals++;
		if (s != NULL)
			s->refused = 1;
	}
}

/* Read what pipe p has and file its whole lines; i is the site, or -1 for the prober. */
static void
pipe_read(struct probe_hub *h, struct hub_pipe *p, ssize_t i)
{
	char buf[16384];
	ssize_t got = read(fileno(p->proc.out), buf, sizeof(buf)), k;

	if (got < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	pthread_mutex_lock(&h->lock);
	if (got <= 0)
		p->eof = 1;
	for (k = 0; k < got; k++) {
		if (buf[k] != '\n') {
			if (p->len < HUB_LINE_MAX)
				p->line[p->len++] = buf[k];
			else
				p->overlong = 1;
			continue;
		}
		p->line[p->len] = '\0';
		if (p->overlong)
			log_warn("round", "%s: a line longer than %d bytes, dropped",
			    p->proc.site, HUB_LINE_MAX);
		else if (i >= 0)
			listener_line(h, (size_t)i, p->line);
		else
			prober_line(h, p->line);
		p->len = 0;
		p->overlong = 0;
	}
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->lock);
}

/* 1 once probe_hub_stop has begun. */
static int
hub_stopping(struct probe_hub *h)
{
	int stopping;

	pthread_mutex_lock(&h->lock);
	stopping = h->stopping;
	pthread_mutex_unlock(&h->lock);
	return stopping;
}

/* The reader thread: poll and file lines until every output has ended at the stop. */
void *
probe_hub_read(void *arg)
{
	struct probe_hub *h = arg;
	struct pollfd *pfd = xcalloc(h->nsites + 1, sizeof(*pfd));
	size_t i, open;

	for (;;) {
		for (i = 0, open = 0; i < h->nsites; i++) {
			pfd[i].fd = h->listener[i].eof ? -1 : fileno(h->listener[i].proc.out);
			pfd[i].events = POLLIN;
			open += !h->listener[i].eof;
		}
		pfd[i].fd = h->prober.eof || h->prober.proc.out == NULL ? -1 :
		    fileno(h->prober.proc.out);
		pfd[i].events = POLLIN;
		open += pfd[i].fd >= 0;
		/* Nothing open: the end, unless a dead listener is started again. */
		if (open == 0 && hub_stopping(h))
			break;
		if (poll(pfd, h->nsites + 1, HUB_POLL_MS) <= 0)
			continue;
		for (i = 0; i < h->nsites; i++)
			if (pfd[i].revents != 0)
				pipe_read(h, &h->listener[i], (ssize_t)i);
		if (pfd[h->nsites].revents != 0)
			pipe_read(h, &h->prober, -1);
	}
	free(pfd);
	pthread_mutex_lock(&h->lock);
	pthread_cond_broadcast(&h->changed);
	pthread_mutex_unlock(&h->lock);
	return NULL;
}
