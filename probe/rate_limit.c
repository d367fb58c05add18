/*
 * rate_limit.c: pace packets against absolute deadlines, so the average
 * rate is exact over any stretch longer than one sleep.
 */
#include <errno.h>
#include <time.h>

#include "rate_limit.h"

#define NS_PER_S 1000000000LL

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t
rate_limit_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* Start pacing at rate packets per second (0 = no limit). */
void
rate_limit_start(struct rate_limit *r, uint64_t rate)
{
	r->rate = rate;
	r->start_ns = rate_limit_now_ns();
	r->granted = 0;
}

/* Start afresh after a pause, not before the old schedule's next packet. */
void
rate_limit_resume(struct rate_limit *r)
{
	int64_t now = rate_limit_now_ns(), next;

	if (r->rate == 0) {
		rate_limit_start(r, 0);
		return;
	}
	next = r->start_ns + (int64_t)((__int128)r->granted * NS_PER_S / r->rate);
	r->start_ns = next > now ? next : now;
	r->granted = 0;
}

/* The batch size that keeps sleeps at about 100 µs or more at this rate. */
unsigned
rate_limit_batch(uint64_t rate, unsigned max)
{
	uint64_t b;

	if (rate == 0)
		return max;
	b = rate / 10000;
	if (b < 1)
		b = 1;
	return b > max ? max : (unsigned)b;
}

/* Sleep until the absolute CLOCK_MONOTONIC time ns. */
static void
sleep_until(int64_t ns)
{
	struct timespec ts;

	ts.tv_sec = ns / NS_PER_S;
	ts.tv_nsec = ns % NS_PER_S;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Wait until at least one packet is due, then say how many may go now. */
unsigned
rate_limit_wait(struct rate_limit *r, unsigned max)
{
	int64_t now, due;
	uint64_t allowed, n;

	if (max == 0)
		return 0;
	if (r->rate == 0) {
		r->granted += max;
		return max;
	}
	for (;;) {
		now = rate_limit_now_ns();
		if (now < r->start_ns) {	/* resumed: the schedule starts later */
			sleep_until(r->start_ns);
			continue;
		}
		/* Packets due by now: elapsed * rate, plus the one at time 0. */
		allowed = (uint64_t)((__int128)(now - r->start_ns) * r->rate / NS_PER_S) + 1;
		if (allowed > r->granted)
			break;
		due = r->start_ns + (int64_t)((__int128)r->granted * NS_PER_S / r->rate);
		sleep_until(due);
	}
	n = allowed - r->granted;
	if (n > max)
		n = max;
	r->granted += n;
	return (unsigned)n;
}
