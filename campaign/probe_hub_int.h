/*
 * probe_hub_int.h: the hub's inside, shared by probe_hub.c (start, rounds,
 * stop), probe_hub_read.c (the reader thread that sorts the lines),
 * probe_hub_jobs.c (the prober's jobs) and probe_hub_revive.c (restarts).
 */
#ifndef TP_PROBE_HUB_INT_H
#define TP_PROBE_HUB_INT_H

#include <pthread.h>

#include "probe_hub.h"
#include "site_exec.h"

#define HUB_MAX_ROUNDS 64
#define HUB_LINE_MAX 1024
#define HUB_RESTARTS_MAX 5		/* restarts of one process in a row */
#define HUB_BACKOFF_US (1000000LL)	/* before the first restart of a process in a row */

/* A pipe's partial line and the state of the process behind it. */
struct hub_pipe {
	struct site_proc proc;
	char line[HUB_LINE_MAX + 1];
	size_t len;
	int overlong;
	int eof;		/* its output ended: the process is gone or going */
	int ready;		/* listener: its header came */
	char refused[HUB_LINE_MAX + 1];	/* the last refusal, "" when none */
	unsigned refusals;
	unsigned generation;	/* processes started on this pipe so far, less one */
	unsigned restarts;	/* restarts in a row, with no end or done line since */
};

/* A round in flight, as the reader fills it. */
struct hub_slot {
	int used;
	uint32_t round;
	unsigned acks;			/* listeners that answered "# open ROUND" */
	int started, done, refused;	/* the prober's answers */
	struct hub_round data;		/* per site: its stream so far */
	size_t *cap;
};

struct probe_hub {
	struct campaign *c;
	size_t nsites;
	struct hub_pipe *listener;	/* one per site */
	struct hub_pipe prober;
	struct hub_slot slot[HUB_MAX_ROUNDS];
	uint64_t foreign;		/* records of no round in flight */
	pthread_mutex_t lock;
	pthread_cond_t changed;		/* the reader changed something */
	pthread_mutex_t write_lock;	/* one writer at a time to the pipes */
	pthread_mutex_t revive_lock;	/* one thread at a time starts dead processes again */
	pthread_t reader;
	int reader_running;
	int stopping;
	int64_t backoff_us;		/* before the first restart of a process in a row */
};

/* Start pipe i's process as proc: listener i, or the prober for i == h->nsites. */
int hub_pipe_spawn(struct probe_hub *h, size_t i, struct site_proc *proc, struct tp_err *err);
/* Wait until every listener wrote its header; -1 naming the first that did not. */
int hub_listeners_ready(struct probe_hub *h, struct tp_err *err);
/* hub_wait_sent's answer when the prober its job went to is gone. */
#define HUB_PROBER_LOST 1

/*
 * Write a line to a process's input (under the write lock); -1 when it is
 * gone. *generation (unless NULL) is the process it went to.
 */
int hub_pipe_say(struct probe_hub *h, struct hub_pipe *p, const char *line,
    unsigned *generation);
/*
 * Wait (the lock is held) until the prober is done with s's job, given to
 * its process `generation`: 0; HUB_PROBER_LOST when that process is gone
 * first; -1 with a reason (refused, interrupted).
 */
int hub_wait_sent(struct probe_hub *h, struct hub_slot *s, unsigned generation,
    struct tp_err *err);
/*
 * Start again, one thread at a time, every process of the hub that died:
 * a listener (its rounds in flight stay incomplete) or the prober. Each
 * restart in a row waits longer; after HUB_RESTARTS_MAX without an end or
 * done line between them, -1 with a reason.
 */
int hub_revive(struct probe_hub *h, struct tp_err *err);
/*
 * Give the prober s's jobs (probe_hub_jobs.c): one per probe method, each
 * waited for; in a fallback round the targets silent after one method's
 * job and listen_grace go to the next. *sent counts the targets sent.
 */
int hub_send_jobs(struct probe_hub *h, struct hub_slot *s, const struct tp_lane_conf *lane,
    const struct round_target *t, size_t n, int fallback, size_t *sent, struct tp_err *err);
/* The reader thread: sorts the listeners' and the prober's lines until all ended. */
void *probe_hub_read(void *arg);

#endif
