/* clock.c: wall and monotonic time, and the sleep every program uses. */
#include <errno.h>
#include <time.h>

#include "clock.h"

/* Microseconds on the given clock. */
static int64_t
clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Wall-clock microseconds since the epoch. */
int64_t
tp_now_us(void)
{
	return clock_us(CLOCK_REALTIME);
}

/* Monotonic microseconds, for durations and rates. */
int64_t
tp_mono_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}

/* Sleep for seconds, in slices of at most 0.1 s while a stop flag is watched. */
int
tp_sleep(double seconds, const volatile sig_atomic_t *stop)
{
	int64_t until = tp_mono_us() + (int64_t)(seconds * 1e6);

	for (;;) {
		int64_t left = until - tp_mono_us();
		struct timespec ts;

		if (stop != NULL && *stop)
			return -1;
		if (left <= 0)
			return 0;
		if (stop != NULL && left > 100000)
			left = 100000;
		ts.tv_sec = (time_t)(left / 1000000);
		ts.tv_nsec = (long)(left % 1000000) * 1000;
		if (nanosleep(&ts, NULL) < 0 && errno != EINTR)
			return 0;
	}
}
