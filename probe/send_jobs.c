/*
 * send_jobs.c: interleave the jobs of a prober serving several lanes,
 * spacing the probes to any one address (see send_jobs.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "send_jobs.h"
#include "xalloc.h"

/* Fresh targets a job may set aside in one turn before the turn passes on. */
#define JOB_DEFER_PER_TURN 64

/* An empty queue; probes to one address at least gap_ns apart. */
void
job_queue_init(struct job_queue *q, int64_t gap_ns)
{
	memset(q, 0, sizeof(*q));
	dest_spacing_init(&q->spacing, gap_ns);
}

/* One source field of a job line: "-" or an address of family. */
static int
parse_source(const char *s, int family, struct tp_addr *a, struct tp_err *err)
{
	memset(a, 0, sizeof(*a));
	if (strcmp(s, "-") == 0)
		return 0;
	if (tp_addr_parse(s, a, err) < 0)
		return tp_err_prefix(err, "job source");
	if (a->family != family)
		return tp_err_set(err, "job source %s is not an IPv%d address", s,
		    family == AF_INET ? 4 : 6);
	return 0;
}

/* Parse "job ROUND SOURCE4 SOURCE6 [METHOD FLOWS]". */
int
send_job_parse_header(const char *line, struct send_job_header *h, struct tp_err *err)
{
	struct tp_fields f;
	uint64_t v;

	if (tp_fields_split(&f, line, err) < 0)
		return tp_err_prefix(err, "job");
	if ((f.n != 4 && f.n != 6) || f.more || strcmp(f.word[0], "job") != 0)
		return tp_err_set(err, "want \"job ROUND SOURCE4 SOURCE6 [METHOD FLOWS]\", got "
		    "\"%.60s\"", line);
	if (tp_fields_u64(&f, 1, "job: round", 0, UINT32_MAX, &v, err) < 0)
		return -1;
	h->round = (uint32_t)v;
	if (parse_source(f.word[2], AF_INET, &h->source4, err) < 0 ||
	    parse_source(f.word[3], AF_INET6, &h->source6, err) < 0)
		return -1;
	if (h->source4.family == 0 && h->source6.family == 0)
		return tp_err_set(err, "job %u: no source address", h->round);
	h->flows = 1;
	if (f.n == 4)
		return 0;
	if (probe_method_parse(f.word[4], &h->method, err) < 0)
		return tp_err_prefix(err, "job %u: method", h->round);
	if (tp_fields_u64(&f, 5, "flows", 1, TP_FLOWS_MAX, &v, err) < 0)
		return tp_err_prefix(err, "job %u", h->round);
	h->flows = (unsigned)v;
	return 0;
}

/* Add a job; it takes targets. */
int
job_queue_add(struct job_queue *q, uint32_t round, const struct tp_addr *source4,
    const struct tp_addr *source6, struct tp_addr *targets, size_t n,
    struct send_job **job, struct tp_err *err)
{
	struct send_job *j;
	size_t i;

	for (i = 0; i < q->n; i++)
		if (q->jobs[i]->round == round)
			return tp_err_set(err, "job %u is running already", round);
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 8;
		q->jobs = xreallocarray(q->jobs, q->cap, sizeof(struct send_job *));
	}
	j = xcalloc(1, sizeof(*j));
	j->round = round;
	j->source4 = *source4;
	j->source6 = *source6;
	j->targets = targets;
	j->ntargets = n;
	q->jobs[q->n++] = j;
	*job = j;
	return 0;
}

/* Put a probe that must wait until due_ns at the end of the job's deferred ring. */
static void
defer_push(struct send_job *j, const struct tp_addr *a, int64_t due_ns)
{
	struct deferred_probe *grown;
	size_t i;

	if (j->dlen == j->dcap) {
		grown = xreallocarray(NULL, j->dcap ? j->dcap * 2 : 64, sizeof(*grown));
		for (i = 0; i < j->dlen; i++)
			grown[i] = j->deferred[(j->dhead + i) % j->dcap];
		free(j->deferred);
		j->deferred = grown;
		j->dhead = 0;
		j->dcap = j->dcap ? j->dcap * 2 : 64;
	}
	j->deferred[(j->dhead + j->dlen) % j->dcap].addr = *a;
	j->deferred[(j->dhead + j->dlen) % j->dcap].due_ns = due_ns;
	j->dlen++;
	j->deferrals++;
}

/*
 * The job's next probe at now_ns: 1 with *dst; 0 with *wait_ns (its
 * earliest deferred probe) when it must wait; -1 when it is empty.
 */
static int
job_pick(struct job_queue *q, struct send_job *j, int64_t now_ns, struct tp_addr *dst,
    int64_t *wait_ns)
{
	struct deferred_probe *head;
	int64_t ready;
	int set_aside = 0;

	if (j->dlen > 0) {
		head = &j->deferred[j->dhead];
		if (head->due_ns <= now_ns) {
			/* Another job may have probed it meanwhile: ask the table again. */
			ready = dest_spacing_ready_at(&q->spacing, &head->addr, now_ns);
			if (ready <= now_ns) {
				*dst = head->addr;
				j->dhead = (j->dhead + 1) % j->dcap;
				j->dlen--;
				return 1;
			}
			head->due_ns = ready;
		}
	}
	while (j->next < j->ntargets && set_aside < JOB_DEFER_PER_TURN) {
		*dst = j->targets[j->next++];
		ready = dest_spacing_ready_at(&q->spacing, dst, now_ns);
		if (ready <= now_ns)
			return 1;
		defer_push(j, dst, ready);
		set_aside++;
	}
	if (j->dlen == 0 && j->next == j->ntargets)
		return -1;
	/* A full turn of set-asides: more fresh targets wait, try again now. */
	*wait_ns = j->next < j->ntargets ? now_ns : j->deferred[j->dhead].due_ns;
	return 0;
}

/* The next probe at now_ns over all jobs, one each in turn. */
int
job_queue_next(struct job_queue *q, int64_t now_ns, struct send_job **job,
    struct tp_addr *dst, int64_t *wait_ns)
{
	int64_t earliest = -1, w = 0;
	size_t k, i;
	int rc;

	for (k = 0; k < q->n; k++) {
		i = (q->turn + k) % q->n;
		rc = job_pick(q, q->jobs[i], now_ns, dst, &w);
		if (rc == 1) {
			dest_spacing_note(&q->spacing, dst, now_ns);
			q->turn = (i + 1) % q->n;
			*job = q->jobs[i];
			return 1;
		}
		if (rc == 0 && (earliest < 0 || w < earliest))
			earliest = w;
	}
	if (earliest < 0)
		return -1;
	*wait_ns = earliest;
	return 0;
}

/* A job with nothing left to send, or NULL. */
struct send_job *
job_queue_finished(struct job_queue *q)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		if (q->jobs[i]->next == q->jobs[i]->ntargets && q->jobs[i]->dlen == 0)
			return q->jobs[i];
	return NULL;
}

/* Take a job out of the queue and free it. */
void
job_queue_remove(struct job_queue *q, struct send_job *job)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		if (q->jobs[i] == job) {
			memmove(&q->jobs[i], &q->jobs[i + 1], (q->n - i - 1) * sizeof(struct send_job *));
			q->n--;
			if (q->turn > i)
				q->turn--;
			if (q->turn >= q->n)
				q->turn = 0;
			break;
		}
	free(job->targets);
	free(job->deferred);
	free(job->packets);
	free(job);
}

/* Free every job and the spacing table. */
void
job_queue_free(struct job_queue *q)
{
	while (q->n > 0)
		job_queue_remove(q, q->jobs[0]);
	free(q->jobs);
	dest_spacing_free(&q->spacing);
}
