/*
 * send.h: tp-probe send, the prober. Targets come from a file, stdin or the
 * database; each is sent an echo request from the anycast source with the
 * round's cookie, in a seeded random order, paced to --rate: an echo
 * request or a TCP SYN-ACK (the probe method), one per flow.
 */
#ifndef TP_SEND_H
#define TP_SEND_H

#include <stdint.h>

#include "addr.h"
#include "error.h"
#include "output.h"
#include "probe_method.h"

struct send_opts {
	const char *targets_path;	/* NULL: stdin, unless db_path is set */
	const char *db_path;		/* read targets from the database */
	const char *site;		/* with db_path: only targets seen at this site */
	const char *key_path;
	const char *exclude_path;
	uint32_t round;
	int have_round;
	uint64_t rate;			/* packets per second; 0 = unlimited */
	uint64_t repeat;		/* passes over the targets; default 1 */
	double gap;			/* seconds between passes */
	uint64_t seed;
	int have_seed;
	unsigned ttl;
	struct probe_method method;	/* default ICMP echo */
	unsigned flows;			/* probes per target, each its own flow; default 1 */
	int dry_run;
	int quiet;			/* no progress line */
	enum tp_format format;		/* summary format */
	int forge_replies;		/* testing: send the method's replies from the targets */
	const char *user;		/* drop root to this user; NULL = PRIVDROP_DEFAULT_USER */
	int drop_privileges;		/* the program (not a test) runs it: drop root */
	struct tp_addr source4, source6;
	int jobs;			/* job mode: rounds and targets from stdin (send_jobs_run.c) */
	double min_gap;			/* job mode: seconds between two probes to one address */
};

struct send_stats {
	uint64_t targets;	/* distinct targets read */
	uint64_t excluded;	/* targets on the exclusion list (never sent) */
	uint64_t sent;		/* packets sent (or, with --dry-run, built) */
	uint64_t errors;	/* packets the kernel refused */
	double seconds;		/* time spent sending, gaps included */
};

/* Defaults: rate 10000, one pass, gap 1 s, TTL 64, the documented sources and paths. */
void send_opts_defaults(struct send_opts *o);
/* Parse the send command line into o; 1 when help was printed, -1 on error. */
int send_parse(int argc, char **argv, struct send_opts *o, struct tp_err *err);
/* Job mode: serve the jobs on stdin under one rate until its end (send_jobs_run.c). */
int send_jobs_run(const struct send_opts *o, struct tp_err *err);
/* Read the targets and send; the counts land in st. */
int send_run(const struct send_opts *o, struct send_stats *st, struct tp_err *err);

#endif
