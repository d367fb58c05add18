/*
 * rate_limit.h: a deadline-based pacer. The i-th packet is due at
 * start + i / rate; the sender asks how many packets it may send now and
 * sleeps (absolute deadlines, CLOCK_MONOTONIC) only when it is ahead, so
 * sleep granularity never accumulates into rate error.
 */
#ifndef TP_RATE_LIMIT_H
#define TP_RATE_LIMIT_H

#include <stdint.h>

struct rate_limit {
	uint64_t rate;		/* packets per second; 0 = unlimited */
	int64_t start_ns;	/* CLOCK_MONOTONIC at the first packet */
	uint64_t granted;	/* packets granted so far */
};

/* Start pacing at rate packets per second (0 = no limit). */
void rate_limit_start(struct rate_limit *r, uint64_t rate);
/*
 * Start afresh after a pause in which nothing was sent: the schedule
 * begins now, but never before the next packet of the old one was due,
 * so the pause is not made up with a burst.
 */
void rate_limit_resume(struct rate_limit *r);
/*
 * Wait until at least one packet is due, then return how many may go now
 * (1..max).
 */
unsigned rate_limit_wait(struct rate_limit *r, unsigned max);
/* The batch size that keeps sleeps at about 100 µs or more at this rate. */
unsigned rate_limit_batch(uint64_t rate, unsigned max);
/* CLOCK_MONOTONIC in nanoseconds. */
int64_t rate_limit_now_ns(void);

#endif
