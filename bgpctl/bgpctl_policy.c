/*
 * bgpctl_policy.c: the changes: withdraw (safety checks, arm BIRD's
 * dead-man switch, disable the test protocols, all sites or none) and
 * announce (enable, wait until up, confirm to disarm the switch).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "bgpctl.h"
#include "bird_session.h"
#include "clock.h"
#include "log.h"
#include "xalloc.h"

/* How often a protocol's state is polled while waiting for a change. */
#define POLL_INTERVAL_MS 100

/*
 * Poll "show protocols" until every test protocol of the site is in state
 * want, or the connection's deadline (-t, for the whole exchange) comes.
 * 1 reached, 0 not reached (state tells the last seen states), -1 on a
 * BIRD failure.
 */
static int
wait_state(const struct bgpctl *b, struct bird_conn *c, const struct tp_site_conf *site,
    const char *want, char *state, size_t slen, struct tp_err *err)
{
	struct bird_protocols protos;
	size_t i, o;
	int all;

	for (;;) {
		if (bird_session_protocols(c, &protos, err) != 0)
			return -1;
		all = 1;
		o = 0;
		state[0] = '\0';
		for (i = 0; i < site->nprotocols; i++) {
			const struct bird_proto_row *row = bird_protocols_find(&protos,
			    site->protocols[i]);
			const char *s = row != NULL ? row->state : "missing";

			if (!bgpctl_selected(b, site->protocols[i]))
				continue;
			if (strcmp(s, want) != 0)
				all = 0;
			if (o < slen)
				o += (size_t)snprintf(state + o, slen - o, "%s%s=%s",
				    o ? " " : "", site->protocols[i], s);
		}
		bird_protocols_free(&protos);
		if (all)
			return 1;
		if (tp_mono_us() + POLL_INTERVAL_MS * 1000 >= c->deadline_us)
			return 0;
		tp_sleep(POLL_INTERVAL_MS / 1000.0, NULL);
	}
}

/* Record a failure of a step at one site. */
static int
action_fail(struct site_action *a, enum bird_err_kind kind, const char *msg)
{
	size_t n = strlen(msg);

	a->done = 0;
	a->errkind = kind;
	if (n >= sizeof(a->error))
		n = sizeof(a->error) - 1;
	memcpy(a->error, msg, n);
	a->error[n] = '\0';
	log_error(a->site->name, "%s", msg);
	return -1;
}


/*
 * List in a->still_down the site's test protocols outside the -p selection
 * that are down (withdrawn by an earlier command). Their count, or -1 on a
 * BIRD failure (err set).
 */
static int
others_down(const struct bgpctl *b, struct bird_conn *c, struct site_action *a,
    struct tp_err *err)
{
	const struct tp_site_conf *site = a->site;
	struct bird_protocols protos;
	size_t i, o = 0;
	int n = 0;

	a->still_down[0] = '\0';
	if (bird_session_protocols(c, &protos, err) != 0)
		return -1;
	for (i = 0; i < site->nprotocols; i++) {
		const struct bird_proto_row *row = bird_protocols_find(&protos,
		    site->protocols[i]);

		if (bgpctl_selected(b, site->protocols[i]) || row == NULL ||
		    strcmp(row->state, "down") != 0)
			continue;
		n++;
		if (o < sizeof(a->still_down))
			o += (size_t)snprintf(a->still_down + o, sizeof(a->still_down) - o,
			    "%s%s", o ? " " : "", site->protocols[i]);
	}
	bird_protocols_free(&protos);
	return n;
}

/*
 * Send enable or disable for every (selected) test protocol of the site;
 * BIRD must answer that it did or that it already had. 0 when it did for
 * all, else -1 with the action failed.
 */
static int
toggle_protocols(const struct bgpctl *b, struct bird_conn *c, int enable,
    struct site_action *a)
{
	const struct tp_site_conf *site = a->site;
	static const int enabled[] = { BIRD_CODE_ENABLED, BIRD_CODE_ALREADY_ENABLED };
	static const int disabled[] = { BIRD_CODE_DISABLED, BIRD_CODE_ALREADY_DISABLED };
	const char *verb = enable ? "enable" : "disable";
	struct bird_reply reply;
	struct tp_err err;
	char what[128];
	size_t i;

	for (i = 0; i < site->nprotocols; i++) {
		const char *words[] = { site->protocols[i] };
		struct bird_expect ex = { enable ? enabled : disabled, 2, NULL, 0, what };

		if (!bgpctl_selected(b, site->protocols[i]))
			continue;
		snprintf(what, sizeof(what), "%s %s: BIRD did not say %sd", verb,
		    site->protocols[i], verb);
		if (bird_session_expect(c, enable ? BIRD_CMD_ENABLE : BIRD_CMD_DISABLE, words, 1, 0,
		    &ex, &reply, &err) != 0)
			return action_fail(a, c->errkind, err.msg);
		bird_reply_free(&reply);
		log_info(site->name, "%sd %s", verb, site->protocols[i]);
	}
	return 0;
}

/*
 * Enable (or disable) every test protocol of the action's site and wait
 * until all are up (or down); 0 when they are, else -1 with the action
 * failed.
 */
static int
switch_protocols(const struct bgpctl *b, struct bird_conn *c, struct site_action *a,
    int enable)
{
	struct tp_err err;
	char msg[600];
	int reached;

	if (toggle_protocols(b, c, enable, a) < 0)
		return -1;
	reached = wait_state(b, c, a->site, enable ? "up" : "down", a->state, sizeof(a->state),
	    &err);
	if (reached < 0)
		return action_fail(a, c->errkind, err.msg);
	if (reached == 0) {
		snprintf(msg, sizeof(msg), "test protocols not %s within %d s after %s (%s)%s",
		    enable ? "up" : "down", b->timeout_ms / 1000, enable ? "enable" : "disable",
		    a->state, enable ? "; the configuration stays unconfirmed" : "");
		return action_fail(a, BIRD_ERR_NONE, msg);
	}
	return 0;
}

/*
 * Announce at one site: enable each (selected) test protocol, wait until
 * all are up, then "configure confirm" to disarm the dead-man switch,
 * unless another test protocol is still withdrawn there: the switch is per
 * BIRD daemon, so it stays armed for that one.
 */
static int
site_announce(const struct bgpctl *b, struct site_action *a)
{
	static const int confirm_codes[] = { BIRD_CODE_RECONFIG_CONFIRMED,
		BIRD_CODE_NOTHING_TO_DO };
	static const struct bird_expect confirmed = { NULL, 0, confirm_codes, 2,
		"configure confirm: BIRD did not confirm" };
	const struct tp_site_conf *site = a->site;
	struct bird_conn *c = xmalloc(sizeof(*c));
	struct bird_reply reply;
	struct tp_err err;
	int rc = -1, down;

	a->done = 0;
	a->error[0] = '\0';
	a->errkind = BIRD_ERR_NONE;
	if (bird_open(c, site->bird_socket, b->timeout_ms, &err) != 0) {
		action_fail(a, c->errkind, err.msg);
		goto out;
	}
	if (switch_protocols(b, c, a, 1) < 0)
		goto out;
	if ((down = others_down(b, c, a, &err)) < 0) {
		action_fail(a, c->errkind, err.msg);
		goto out;
	}
	if (down > 0) {
		log_info(site->name, "%s still withdrawn here: dead-man switch left armed, "
		    "not confirmed", a->still_down);
		a->deadman = "left armed";
		a->done = 1;
		rc = 0;
		goto out;
	}
	if (bird_session_expect(c, BIRD_CMD_CONFIGURE_CONFIRM, NULL, 0, 0, &confirmed, &reply,
	    &err) != 0) {
		action_fail(a, c->errkind, err.msg);
		goto out;
	}
	log_info(site->name, "configure confirm: %s", reply.code ==
	    BIRD_CODE_RECONFIG_CONFIRMED ? "dead-man switch disarmed" : "nothing to confirm");
	a->deadman = reply.code == BIRD_CODE_RECONFIG_CONFIRMED ? "confirmed" :
	    "nothing to confirm";
	bird_reply_free(&reply);
	a->done = 1;
	rc = 0;
out:
	bird_close(c);
	free(c);
	return rc;
}

/*
 * Withdraw at one site: "configure timeout N" (BIRD reverts to the
 * configuration, re-enabling the protocols, unless confirmed within N
 * seconds), disable each (selected) test protocol, wait until all are
 * down. When another test protocol is already withdrawn there, the switch
 * is already armed and is not armed again: "configure timeout" reloads
 * the configuration, which would re-enable (announce) that protocol.
 */
static int
site_withdraw(const struct bgpctl *b, struct site_action *a)
{
	static const int undo[] = { BIRD_CODE_UNDO_SCHEDULED };
	static const int reconfigured[] = { BIRD_CODE_RECONFIGURED,
		BIRD_CODE_RECONFIG_IN_PROGRESS, BIRD_CODE_RECONFIG_QUEUED };
	const struct tp_site_conf *site = a->site;
	struct bird_conn *c = xmalloc(sizeof(*c));
	struct bird_reply reply;
	struct tp_err err;
	char what[128];
	struct bird_expect armed = { undo, 1, reconfigured, 3, what };
	int rc = -1, down;

	if (bird_open(c, site->bird_socket, b->timeout_ms, &err) != 0) {
		action_fail(a, c->errkind, err.msg);
		goto out;
	}
	if ((down = others_down(b, c, a, &err)) < 0) {
		action_fail(a, c->errkind, err.msg);
		goto out;
	}
	snprintf(what, sizeof(what), "configure timeout %u: BIRD did not schedule the undo, "
	    "so nothing was disabled", b->conf.deadman);
	if (down > 0) {
		a->armed = 1;
		a->deadman = "already armed";
		log_info(site->name, "dead-man switch already armed (%s withdrawn here); not "
		    "armed again, which would announce %s", a->still_down, a->still_down);
	} else if (bird_session_expect(c, BIRD_CMD_CONFIGURE_TIMEOUT, NULL, 0, b->conf.deadman,
	    &armed, &reply, &err) != 0) {
		action_fail(a, c->errkind, err.msg);
		goto out;
	} else {
		bird_reply_free(&reply);
		a->armed = 1;
		a->deadman = "armed";
		log_info(site->name, "dead-man switch armed: BIRD reverts in %u s unless "
		    "confirmed", b->conf.deadman);
	}
	if (switch_protocols(b, c, a, 0) < 0)
		goto out;
	a->done = 1;
	rc = 0;
out:
	bird_close(c);
	free(c);
	return rc;
}

/* A report of action on sites[0..n), each site not yet acted on. */
static void
action_report_begin(struct action_report *r, const char *action,
    const struct tp_site_conf **sites, size_t n)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->action = action;
	r->ok = 1;
	r->announcing_before = r->announcing_after = -1;
	r->sites = xcalloc(n, sizeof(*r->sites));
	r->nsites = n;
	for (i = 0; i < n; i++)
		r->sites[i].site = sites[i];
}

/* withdraw SITE...: checks, then all sites or none. */
int
bgpctl_withdraw(struct bgpctl *b, int argc, char **argv)
{
	const struct tp_site_conf **sites;
	struct action_report r;
	size_t i, j, n = (size_t)argc;
	int rc;

	if ((rc = bgpctl_resolve_sites(b, argc, argv, &sites)) != 0)
		return rc;
	if ((rc = bgpctl_selection_check(b, sites, n)) != 0) {
		free(sites);
		return rc;
	}
	action_report_begin(&r, "withdraw", sites, n);
	r.deadman = b->conf.deadman;
	if (bgpctl_withdraw_checks(b, sites, n, &r) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (site_withdraw(b, &r.sites[i]) == 0) {
			log_info(sites[i]->name, "withdrawn (%s)", r.sites[i].state);
			continue;
		}
		r.ok = 0;
		r.exit_status = r.sites[i].errkind != BIRD_ERR_NONE ?
		    bgpctl_exit_status(r.sites[i].errkind) : BGPCTL_EXIT_FAILED;
		/* All or nothing: put back every site touched so far. */
		for (j = 0; j <= i; j++) {
			struct site_action back = { .site = sites[j] };

			if (!r.sites[j].armed)
				continue;	/* nothing was changed there */
			if (site_announce(b, &back) == 0) {
				r.sites[j].rolled_back = 1;
				log_warn(sites[j]->name, "announced again (withdrawal of the set "
				    "failed)");
			} else
				log_error(sites[j]->name, "could not announce again: BIRD's "
				    "dead-man switch restores it within %u s", b->conf.deadman);
			r.sites[j].done = 0;
			snprintf(r.sites[j].state, sizeof(r.sites[j].state), "%s", back.state);
		}
		break;
	}
out:
	output_action(b, &r);
	free(r.sites);
	free(sites);
	return r.ok ? 0 : r.exit_status;
}

/* announce SITE...|all: announce at each; every site is tried. */
int
bgpctl_announce(struct bgpctl *b, int argc, char **argv)
{
	const struct tp_site_conf **sites;
	struct action_report r;
	size_t i, n;
	int rc;

	if (argc == 1 && strcmp(argv[0], "all") == 0)
		sites = bgpctl_all_sites(b, &n);
	else {
		if ((rc = bgpctl_resolve_sites(b, argc, argv, &sites)) != 0)
			return rc;
		n = (size_t)argc;
	}
	if ((rc = bgpctl_selection_check(b, sites, n)) != 0) {
		free(sites);
		return rc;
	}
	action_report_begin(&r, "announce", sites, n);
	for (i = 0; i < n; i++) {
		if (site_announce(b, &r.sites[i]) == 0) {
			log_info(sites[i]->name, "announced (%s)", r.sites[i].state);
			continue;
		}
		if (r.ok)
			r.exit_status = r.sites[i].errkind != BIRD_ERR_NONE ?
			    bgpctl_exit_status(r.sites[i].errkind) : BGPCTL_EXIT_FAILED;
		r.ok = 0;
	}
	output_action(b, &r);
	free(r.sites);
	free(sites);
	return r.ok ? 0 : r.exit_status;
}

