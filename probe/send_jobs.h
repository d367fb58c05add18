/*
 * send_jobs.h: the jobs of one prober serving several lanes (tp-probe send
 * --jobs). A job is one round's targets with its lane's sources. The queue
 * interleaves the running jobs one probe each in turn, so under one total
 * rate each of k running jobs gets rate / k; and it keeps any two probes
 * to one address at least the minimum gap apart (dest_spacing.h): a
 * target whose last probe, from any job, is too recent waits in its job's
 * deferred queue while the job goes on with its next target.
 *
 * Pure: the caller passes the clock and does the sending.
 */
#ifndef TP_SEND_JOBS_H
#define TP_SEND_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "dest_spacing.h"
#include "error.h"
#include "probe_method.h"

struct deferred_probe {
	struct tp_addr addr;
	int64_t due_ns;
};

struct send_job {
	uint32_t round;
	struct tp_addr source4, source6;	/* family 0: none */
	struct probe_method method;		/* the job line's, else --method's */
	unsigned flows;				/* probes per target, one per flow */
	struct tp_addr *targets;		/* in sending order */
	size_t ntargets, next;
	struct deferred_probe *deferred;	/* a FIFO ring */
	size_t dhead, dlen, dcap;
	uint64_t excluded, unsourced, sent, errors, deferrals;
	void *packets;				/* the caller's per-job state (freed with the job) */
};

struct job_queue {
	struct send_job **jobs;
	size_t n, cap;
	size_t turn;			/* the job whose turn is next */
	struct dest_spacing spacing;
};

/* An empty queue; probes to one address at least gap_ns apart. */
void job_queue_init(struct job_queue *q, int64_t gap_ns);
/* A job line's fields. */
struct send_job_header {
	uint32_t round;
	struct tp_addr source4, source6;	/* family 0: "-" */
	struct probe_method method;		/* kept when the line names none */
	unsigned flows;				/* 1 when the line names none */
};

/*
 * Parse a job's first line, "job ROUND SOURCE4 SOURCE6 [METHOD FLOWS]"
 * ("-" for a family the lane does not have; METHOD "icmp" or "tcp:PORT",
 * FLOWS 1..TP_FLOWS_MAX). h->method is left as it was when the line names
 * none, so the caller sets the default first. -1 with a reason.
 */
int send_job_parse_header(const char *line, struct send_job_header *h, struct tp_err *err);
/*
 * Add a job (it takes targets, n addresses in sending order); -1 with a
 * reason when a job of that round is running already.
 */
int job_queue_add(struct job_queue *q, uint32_t round, const struct tp_addr *source4,
    const struct tp_addr *source6, struct tp_addr *targets, size_t n,
    struct send_job **job, struct tp_err *err);
/*
 * The next probe at now_ns: 1 with *job and *dst (the send is noted in the
 * spacing table); 0 when every job left waits on the spacing, with
 * *wait_ns the earliest time one may go; -1 when no job has anything left.
 */
int job_queue_next(struct job_queue *q, int64_t now_ns, struct send_job **job,
    struct tp_addr *dst, int64_t *wait_ns);
/* A job with nothing left to send, or NULL. */
struct send_job *job_queue_finished(struct job_queue *q);
/* Take a job out of the queue and free it. */
void job_queue_remove(struct job_queue *q, struct send_job *job);
void job_queue_free(struct job_queue *q);

#endif
