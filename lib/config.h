/* config.h: tp.conf, the campaign's configuration (see tp.conf(5)). */
#ifndef TP_CONFIG_H
#define TP_CONFIG_H

#include <stddef.h>

#include "addr.h"
#include "error.h"
#include "pacing.h"

struct tp_name_index;

/* One [site NAME] section. */
struct tp_site_conf {
	char *name;		/* validated identifier (tp_name_valid) */
	char *exec;		/* command prefix to run things at the site; "" = here */
	char *bird_socket;	/* BIRD control socket path at the site */
	char **protocols;	/* test protocols; default tp_anycast4 tp_anycast6 */
	size_t nprotocols;
	char *interface;	/* capture interface for tp-probe listen; default "any" */
	double capacity;	/* load the site can take, in weight units; 0 = unknown */
	int line;		/* line of the section header, for messages */
	int protocols_line;	/* line of its protocols key; 0 = the default */
};

/* A lane's protocols.SITE line: other protocol names at one site. */
struct tp_lane_override {
	char *site;
	char **protocols;
	size_t nprotocols;
	int line;
};

/*
 * One lane (a [lane NAME] section, or "default" made of the [campaign]
 * keys): test prefixes measured one scenario at a time, apart from the
 * other lanes, with their own anycast sources and BIRD protocols.
 */
struct tp_lane_conf {
	char *name;
	struct tp_prefix *test_ranges;
	size_t ntest_ranges;
	struct tp_addr source4;	/* family 0: the lane measures no IPv4 */
	struct tp_addr source6;	/* family 0: the lane measures no IPv6 */
	char **protocols;	/* the protocols key; NULL when absent */
	size_t nprotocols;
	struct tp_lane_override *overrides;
	size_t noverrides;
	/* Per site index: the protocols that originate this lane there. */
	char ***site_protocols;
	size_t *site_nprotocols;
	int line;		/* line of the section header; 0 for "default" */
	int ranges_line, source4_line, source6_line, protocols_line;	/* 0 = not set */
};

/* What a campaign does when a listener dies mid-round (listener_failure). */
enum tp_listener_failure {
	TP_LISTENER_STOP,	/* fail the campaign; resume measures the scenario again */
	TP_LISTENER_CONTINUE,	/* mark the scenario aborted and go on with the next */
};

/* The [campaign] section plus every site. Defaults as in tp.conf(5). */
struct tp_conf {
	char *path;
	char *database;		/* SQLite file; default LOCALSTATEDIR/lib/traffic-predictor/tp.db */
	char *key_file;		/* probe key; default SYSCONFDIR/traffic-predictor/probe.key */
	char *exclude;		/* exclusion list; default PKGDATADIR/exclude.conf */
	char *bindir;		/* where tp-probe and tp-bgpctl live at the sites; "" = PATH */
	char *metrics_file;	/* Prometheus textfile written after each run; NULL = none */
	char *probe_user;	/* tp-probe drops root to this user; NULL = "tp" */
	struct tp_prefix *test_ranges;	/* default 192.0.2.0/24 2001:db8:ffff::/48 */
	size_t ntest_ranges;
	struct tp_addr source4;	/* anycast probe source; default 192.0.2.1; family 0 */
	struct tp_addr source6;	/* default 2001:db8:ffff::1;   when not measured */
	char *prober;		/* site that sends the probes; default the first site */
	unsigned rate;		/* probes per second; default 10000 */
	double probe_min_gap;	/* seconds between two probes to one address; default 1 */
	unsigned listen_buffer_size;	/* listeners' capture buffer, MiB; default 64 */
	unsigned min_announcing;	/* default 2 */
	unsigned deadman;	/* seconds, BIRD "configure timeout"; default 900 */
	unsigned settle;	/* seconds to wait after a change before sampling; default 10 */
	unsigned sample_interval;	/* seconds between convergence samples; default 5 */
	unsigned sample_size;	/* targets per convergence sample; default 500 */
	unsigned converge_timeout;	/* seconds; default 300 */
	double tolerance;	/* share two samples may differ by; default 0.01 */
	double control_share;	/* at most this share of a site's targets in the control; 0.05 */
	unsigned control_per_site;	/* control targets per other site; default 200 */
	unsigned listen_grace;	/* seconds listeners wait for late replies; default 2 */
	unsigned site_timeout;	/* seconds a tp-bgpctl run at a site may take; default 120 */
	unsigned busy_timeout;	/* seconds a database write waits for another; 0 = the program's */
	unsigned listener_failure;	/* enum tp_listener_failure; default stop */
	char *single;		/* "all", "none" or "A,B,..."; default "all" */
	char *sets;		/* "A+B, C+D+E"; default "" */
	unsigned chains;	/* depth; default 0 */
	unsigned explore;	/* extra sets picked by lowest prediction confidence; default 0 */
	unsigned explore_size;	/* sites in each of them; default 2 */
	unsigned validate;	/* sets of explore_size the model calls determined, measured to check it; default 0 */
	unsigned retain_days;	/* forget targets and replies older than this; 0 = keep */
	char *report_html;	/* HTML report written at the end of each campaign; NULL = none */
	char *probe_methods;	/* ordered probe methods, "icmp tcp:80"; NULL = "icmp" */
	unsigned probes_per_target;	/* flows probed per target; default 1 */
	struct pacing_params pacing;	/* min_change_interval and damping_* */
	struct tp_site_conf *sites;
	size_t nsites;
	struct tp_lane_conf *lanes;	/* at least one once loaded */
	size_t nlanes;
	struct tp_name_index *site_index;	/* sites by name (tp_conf_load fills it) */
};

/* Set every default (no sites). */
void tp_conf_defaults(struct tp_conf *c);
/*
 * Read path into c (defaults first). Unknown sections or keys, bad values
 * and duplicate sites fail with "FILE:LINE: key: reason".
 */
int tp_conf_load(const char *path, struct tp_conf *c, struct tp_err *err);
void tp_conf_free(struct tp_conf *c);
/* The site called name, or NULL. */
const struct tp_site_conf *tp_conf_site(const struct tp_conf *c, const char *name);
/*
 * 1 when s is a safe identifier for a site or protocol name: 1 to 63
 * characters of [A-Za-z0-9_.-], starting with a letter or digit.
 */
int tp_name_valid(const char *s);
/* 1 when a lies inside one of the configured test ranges. */
int tp_conf_in_test_ranges(const struct tp_conf *c, const struct tp_prefix *p);
/* 1 when the config measures this family (AF_INET, AF_INET6): it has a source for it. */
int tp_conf_has_family(const struct tp_conf *c, int family);
/* 1 when the lane measures this family: it has a source for it. */
int tp_lane_has_family(const struct tp_lane_conf *l, int family);
/* The lane called name, or NULL. */
const struct tp_lane_conf *tp_conf_lane(const struct tp_conf *c, const char *name);

#endif
