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

/* The round number after "WORD " at the start of line, or -1. */
static int64_t
line_round(const char *line, const char *word)
{
	size_t n = strlen(word);
	char *end;
	unsigned long v;

	if (strncmp(line, word, n) != 0 || line[n] != ' ' || line[n + 1] < '0' ||
	    line[n + 1] > '9')
		return -1;
	errno = 0;
	v = strtoul(line + n + 1, &end, 10);
	if (errno != 0 || v > UINT32_MAX || (*end != ' ' && *end != '\0' && *end != ':'))
		return -1;
	return (int64_t)v;
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
	if ((r = line_round(line, "# open")) >= 0) {
		if ((s = slot_of(h, (uint32_t)r)) != NULL)
			s->acks++;
		return;
	}
	if (line[0] == '#' || line[0] == '\0')
		return;
	if ((r = line_round(line, "reply")) < 0)
		r = line_round(line, "end");
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

/* The sent and error counts of a prober's "done ROUND SENT ERRORS" line; -1 when malformed. */
static int
done_counts(const char *line, unsigned long long *sent, unsigned long long *errors)
{
	const char *p = strchr(line, ' ');
	char *end;

	if (p == NULL || (p = strchr(p + 1, ' ')) == NULL)
		return -1;
	errno = 0;
	*sent = strtoull(p + 1, &end, 10);
	if (end == p + 1 || *end != ' ')
		return -1;
	p = end;
	*errors = strtoull(p + 1, &end, 10);
	return errno != 0 || end == p + 1 ? -1 : 0;
}

/* File one line of the prober (the lock is held). */
static void
prober_line(struct probe_hub *h, const char *line)
{
	struct hub_slot *s;
	unsigned long long sent, errors;
	int64_t r;

	if ((r = line_round(line, "started")) >= 0 && (s = slot_of(h, (uint32_t)r)) != NULL)
		s->started = 1;
	else if ((r = line_round(line, "done")) >= 0 && (s = slot_of(h, (uint32_t)r)) != NULL) {
		if (done_counts(line, &sent, &errors) == 0 && errors > 0)
			log_warn("round", "round %u: the prober could not send %llu probes (see "
			    "its message above); their targets count as lost", s->round, errors);
		s->done = 1;
		h->prober.restarts = 0;	/* a job through: it lives */
	} else if ((r = line_round(line, "refused")) >= 0) {
		snprintf(h->prober.refused, sizeof(h->prober.refused), "%s", line);
		h->prober.refusals++;
		if ((s = slot_of(h, (uint32_t)r)) != NULL)
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
