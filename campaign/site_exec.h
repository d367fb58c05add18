/*
 * site_exec.h: run tp-probe and tp-bgpctl at a site through the site's
 * exec prefix ("ssh HOST" in production, "ip netns exec NS" on the
 * testbed), without a local shell: the prefix is split at blanks and every
 * argument must be a plain token, so nothing needs quoting on either side.
 */
#ifndef TP_SITE_EXEC_H
#define TP_SITE_EXEC_H

#include <signal.h>
#include <stdio.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"

/* A process started at a site, with pipes to its stdin and from its stdout. */
struct site_proc {
	pid_t pid;
	FILE *in;		/* its standard input, or NULL */
	FILE *out;		/* its standard output, or NULL */
	char site[64];
};

/*
 * Set (by a signal handler) when the program is stopping: every wait here
 * then gives a child 3 s more, then SIGTERM, then 3 s, then SIGKILL, so a
 * hung site cannot hold up the stop. Clear it before work that must still
 * run to the end (the re-announce).
 */
extern volatile sig_atomic_t site_interrupt;

/* 1 when s can be passed through a remote shell unquoted. */
int site_arg_safe(const char *s);

/*
 * Start PROGRAM ARGS... at site (program is looked up in conf->bindir when
 * set). want_in / want_out open pipes; stderr is inherited.
 */
int site_spawn(const struct tp_conf *conf, const struct tp_site_conf *site,
    const char *program, const char *const *args, int want_in, int want_out,
    struct site_proc *p, struct tp_err *err);
/*
 * Close the pipes and wait; returns the exit status (128+sig if killed), -1
 * on error. Bounded once site_interrupt is set.
 */
int site_wait(struct site_proc *p);
/* Ask the process to stop (SIGTERM) without waiting. */
void site_stop(struct site_proc *p);

/*
 * Run a command at the site, read all of its stdout into *output (caller
 * frees) and return its exit status; -1 when it could not start, or did not
 * finish within conf->site_timeout seconds (default 120) or SITE_GRACE
 * after site_interrupt: then it is stopped (SIGTERM, SIGKILL) and err says so.
 */
int site_run(const struct tp_conf *conf, const struct tp_site_conf *site, const char *program,
    const char *const *args, char **output, struct tp_err *err);

#endif
