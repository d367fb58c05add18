/*
 * stop.h: the campaign's stop flag. SIGINT, SIGTERM and SIGHUP set it;
 * every wait and loop of the executor reads it and winds down, and the
 * campaign then re-announces what it withdrew.
 */
#ifndef TP_CAMPAIGN_STOP_H
#define TP_CAMPAIGN_STOP_H

#include <signal.h>

extern volatile sig_atomic_t campaign_stop;
/* Set while everything is announced again: signals no longer cut site waits short. */
extern volatile sig_atomic_t campaign_restoring;

/* Let SIGINT, SIGTERM and SIGHUP set campaign_stop; ignore SIGPIPE. */
void stop_signals_install(void);

#endif
