/*
 * probe_hub_int.h: the hub's inside, shared by probe_hub.c (start, rounds,
 * stop) and probe_hub_read.c (the reader thread that sorts the lines).
 */
#ifndef TP_PROBE_HUB_INT_H
#define TP_PROBE_HUB_INT_H

#include <pthread.h>

#include "probe_hub.h"
#include "site_exec.h"

#define HUB_MAX_ROUNDS 64
#define HUB_LINE_MAX 1024

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
	pthread_mutex_t revive_lock;	/* one thread at a time starts dead listeners again */
	pthread_t reader;
	int reader_running;
	int stopping;
};

/* The reader thread: sorts the listeners' and the prober's lines until all ended. */
void *probe_hub_read(void *arg);

#endif
