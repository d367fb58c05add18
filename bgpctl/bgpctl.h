/*
 * bgpctl.h: what tp-bgpctl's command table, actions and output share.
 */
#ifndef TP_BGPCTL_H
#define TP_BGPCTL_H

#include <stddef.h>
#include <stdio.h>

#include "addr.h"
#include "bird_client.h"
#include "bird_reply.h"
#include "command.h"
#include "config.h"

/* Exit statuses besides the sysexits ones (see tp-bgpctl(8)). */
#define BGPCTL_EXIT_FAILED	1	/* BIRD took the commands but the change did not show */
#define BGPCTL_EXIT_REFUSED	3	/* a safety check refused; nothing was changed */

/* Everything a command handler needs. */
struct bgpctl {
	struct tp_conf conf;
	int json;		/* -j */
	int timeout_ms;		/* -t: deadline for the whole exchange with a BIRD */
	long announcing;	/* --announcing N; -1 = count from live status */
	char **only;		/* -p: act on these test protocols only (none: all) */
	size_t nonly;
};

/* One test protocol at one site, as BIRD reports it. */
struct proto_status {
	const char *name;
	int found;			/* BIRD knows the protocol */
	char state[16];			/* "up", "down", ... */
	struct tp_prefix *routes;
	size_t nroutes;
	char **outside;			/* routes outside the test ranges, as text */
	size_t noutside;
};

/* One site, as BIRD reports it. */
struct site_status {
	const struct tp_site_conf *site;
	int reachable;			/* hello and every query answered */
	enum bird_err_kind errkind;
	char error[512];
	char version[64];
	char router_id[64];
	struct proto_status *protos;	/* one per configured test protocol */
	size_t nprotos;
	char **other_down;		/* other protocols that are down (see CAVEATS) */
	size_t nother_down;
	int announcing;			/* every test protocol up with a route */
	int in_ranges;			/* every test protocol found, all routes inside */
};

/* What an action did at one site. */
struct site_action {
	const struct tp_site_conf *site;
	int done;			/* the change was made and verified */
	int armed;			/* withdraw: the dead-man switch was armed here */
	int rolled_back;		/* withdraw failed elsewhere; re-announced here */
	enum bird_err_kind errkind;	/* BIRD_ERR_NONE when the failure was verification */
	char error[512];		/* empty when fine */
	char state[128];		/* "tp_anycast4=down tp_anycast6=down" after the action */
	const char *deadman;		/* what became of the dead-man switch, or NULL */
	char still_down[128];		/* other test protocols withdrawn there, or "" */
};

/* A whole withdraw or announce, for output. */
struct action_report {
	const char *action;		/* "withdraw" or "announce" */
	int ok;
	int exit_status;
	char refused[512];		/* the safety check that refused, or "" */
	long announcing_before;		/* -1 when not counted */
	long announcing_after;
	unsigned deadman;		/* seconds armed, withdraw only */
	struct site_action *sites;
	size_t nsites;
};

/* A command of the table in bgpctl_cmd.c. */
struct bgpctl_command {
	struct tp_command cmd;		/* words, argument synopsis, help */
	int (*handler)(struct bgpctl *b, int argc, char **argv);
	int min_args;
};

/* bgpctl_cmd.c */
/* The command whose name is word or uniquely starts with it; NULL with err. */
const struct bgpctl_command *bgpctl_command_find(const char *word, struct tp_err *err);
/* Print the command list from the table. */
void bgpctl_commands_help(FILE *f);
/* The exit status for a BIRD connection failure. */
int bgpctl_exit_status(enum bird_err_kind kind);
/*
 * The configured sites the operands name (each valid, configured, named
 * once) into *out (fresh); 0, or an exit status after saying what is wrong.
 */
int bgpctl_resolve_sites(const struct bgpctl *b, int argc, char **argv,
    const struct tp_site_conf ***out);
/* Every configured site (fresh), *n of them. */
const struct tp_site_conf **bgpctl_all_sites(const struct bgpctl *b, size_t *n);

/* The command handlers; each returns an exit status. */
/* bgpctl_status.c */
int bgpctl_status(struct bgpctl *b, int argc, char **argv);
int bgpctl_show(struct bgpctl *b, int argc, char **argv);
/* bgpctl_checks.c: 0 when the change may go ahead, else an exit status (logged). */
int bgpctl_selection_check(const struct bgpctl *b, const struct tp_site_conf *const *sites,
    size_t n);
/* 0 when every check before withdrawing the named sites passes, else -1 with r refused. */
int bgpctl_withdraw_checks(const struct bgpctl *b, const struct tp_site_conf **named,
    size_t nnamed, struct action_report *r);
/* bgpctl_policy.c */
int bgpctl_withdraw(struct bgpctl *b, int argc, char **argv);
int bgpctl_announce(struct bgpctl *b, int argc, char **argv);
/* 1 when -p selects the protocol (every protocol when -p was not given). */
int bgpctl_selected(const struct bgpctl *b, const char *protocol);
/* Query one site's BIRD (used by status and withdraw). */
void site_status_read(const struct bgpctl *b, const struct tp_site_conf *site,
    struct site_status *st);
void site_status_free(struct site_status *st);

/* bgpctl_output.c: the one place that prints results. */
void output_status(const struct bgpctl *b, const struct site_status *st, size_t n);
void output_action(const struct bgpctl *b, const struct action_report *r);
void output_show(const struct bgpctl *b, const char *site, const char *command,
    const struct bird_reply *reply);

#endif
