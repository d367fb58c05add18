/*
 * clock.h: the time and the one way to wait. Every program reads the clock
 * here, and every pause (a gap between passes, a BIRD poll, a settle time)
 * goes through tp_sleep, which may be cut short by a stop flag.
 */
#ifndef TP_CLOCK_H
#define TP_CLOCK_H

#include <signal.h>
#include <stdint.h>

/* Microseconds since the epoch (CLOCK_REALTIME) and since boot (CLOCK_MONOTONIC). */
int64_t tp_now_us(void);
int64_t tp_mono_us(void);

/*
 * Sleep for seconds, through EINTR. With stop not NULL, wake within 0.1 s
 * of *stop becoming non-zero; returns -1 then, 0 after the full time.
 */
int tp_sleep(double seconds, const volatile sig_atomic_t *stop);

#endif
