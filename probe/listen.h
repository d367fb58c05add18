/*
 * listen.h: tp-probe listen, the capture at one site. Replies to the test
 * ranges are judged by reply_tally; the accepted ones go out as a record
 * stream (records.h) or into the database.
 */
#ifndef TP_LISTEN_H
#define TP_LISTEN_H

#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "error.h"
#include "output.h"
#include "probe_method.h"
#include "reply_tally.h"

#define LISTEN_MAX_RANGES 32

struct listen_opts {
	const char *interface;		/* a device name or "any" */
	const char *read_pcap;		/* replay this file instead of capturing */
	const char *site;
	const char *key_path;
	const char *db_path;		/* import into this database instead of stdout */
	const char *user;		/* drop root to this user; NULL = PRIVDROP_DEFAULT_USER */
	int drop_privileges;		/* the program (not a test) runs it: drop root */
	uint32_t round;
	int have_round;
	struct tp_prefix ranges[LISTEN_MAX_RANGES];
	size_t nranges;
	struct probe_method methods[TALLY_METHODS_MAX];	/* whose replies count */
	size_t nmethods;				/* 0 counts as ICMP alone */
	double duration;		/* seconds; 0 = no limit */
	double until_idle;		/* seconds without an accepted reply; 0 = no limit */
	int stop_on_eof;		/* stop when standard input reaches its end */
	int multi_round;		/* rounds opened and closed by commands on stdin */
	double grace;			/* multi-round: seconds from close to end line */
	unsigned buffer_mb;		/* the capture's kernel buffer, in MiB */
	int control_fd;			/* multi-round: where the commands come from (stdin) */
	int quiet;
	enum tp_format format;		/* summary format (stderr) */
};

struct listen_stats {
	uint64_t packets;	/* frames the filter passed */
	uint64_t accepted, rejected, duplicates, ignored, with_rtt;
	uint64_t rounds;	/* multi-round: rounds served */
	uint64_t stale;		/* multi-round: rejected, naming a round not open */
	uint64_t drops;		/* pcap_stats: dropped by the kernel or the interface */
	double seconds;
};

/* Defaults: interface "any", the default key, test ranges 192.0.2.0/24 2001:db8:ffff::/48. */
void listen_opts_defaults(struct listen_opts *o);
/* Parse the listen command line into o; 1 when help was printed, -1 on error. */
int listen_parse(int argc, char **argv, struct listen_opts *o, struct tp_err *err);
/* The BPF filter for the methods' replies to the test ranges, into buf. */
int listen_filter(const struct listen_opts *o, char *buf, size_t len, struct tp_err *err);
/* Fill a reply record of round at site from an accepted reply. */
struct tp_record;
struct tally_reply;
void listen_record_reply(struct tp_record *r, uint32_t round, const char *site,
    const struct tally_reply *t);
/*
 * Open the capture (or the saved file) with the filter, and drop
 * privileges as the options say; NULL with a reason.
 */
struct pcap;
struct pcap *listen_capture_open(const struct listen_opts *o, int *dlt, struct tp_err *err);
/* Catch SIGINT and SIGTERM: listen_stopping() turns 1. */
void listen_signals(void);
int listen_stopping(void);
/* Capture with rounds opened and closed on stdin (listen_control.h); records go to out. */
int listen_multi_run(const struct listen_opts *o, FILE *out, struct listen_stats *st,
    struct tp_err *err);
/* Capture (or replay) until done; records go to out unless o->db_path is set. */
int listen_run(const struct listen_opts *o, FILE *out, struct listen_stats *st,
    struct tp_err *err);

#endif
