/* stop.c: the stop flag and the signals that set it. */
#include <string.h>

#include "site_exec.h"
#include "stop.h"

volatile sig_atomic_t campaign_stop;
volatile sig_atomic_t campaign_restoring;

/*
 * Remember a stop request; the loops notice it, and waits at the sites end
 * soon (not while everything is being announced again).
 */
static void
on_signal(int sig)
{
	(void)sig;
	campaign_stop = 1;
	if (!campaign_restoring)
		site_interrupt = 1;
}

/* SIGINT, SIGTERM and SIGHUP stop the campaign cleanly; SIGPIPE is ignored. */
void
stop_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}
