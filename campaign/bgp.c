/* bgp.c: status, withdraw and announce at the sites, through tp-bgpctl run there. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "campaign.h"
#include "lanes.h"
#include "log.h"
#include "site_exec.h"
#include "xalloc.h"

#define BGPCTL "tp-bgpctl"

/* What a site's tp-bgpctl status said. */
struct site_bgp {
	int reachable;
	int announcing;
	int in_ranges;
	char error[256];
};

/* A status answer's entry for protocol name, or NULL. */
static json_t *
protocol_find(json_t *protos, const char *name)
{
	size_t j;

	for (j = 0; j < json_array_size(protos); j++) {
		json_t *p = json_array_get(protos, j);
		const char *n = json_string_value(json_object_get(p, "name"));

		if (n != NULL && strcmp(n, name) == 0)
			return p;
	}
	return NULL;
}

/*
 * 1 when site i announces c's lane: every protocol of the lane there is up
 * with routes, in the status answer s. Without a lane (preflight): every
 * test protocol of the site, as tp-bgpctl says itself.
 */
static int
lane_announcing(const struct campaign *c, size_t i, json_t *s)
{
	size_t k;

	if (c->lane == NULL)
		return json_is_true(json_object_get(s, "announcing"));
	for (k = 0; k < c->lane->site_nprotocols[i]; k++) {
		json_t *p = protocol_find(json_object_get(s, "protocols"),
		    c->lane->site_protocols[i][k]);
		const char *state = json_string_value(json_object_get(p, "state"));

		if (state == NULL || strcmp(state, "up") != 0 ||
		    json_array_size(json_object_get(p, "routes")) == 0)
			return 0;
	}
	return 1;
}

/* Run tp-bgpctl status for one site, at the site, and read its JSON. */
static int
site_status(struct campaign *c, size_t i, struct site_bgp *out, struct tp_err *err)
{
	const struct tp_site_conf *site = &c->conf->sites[i];
	const char *args[] = { "-c", c->conf_path, "-j", "-q", "status", site->name, NULL };
	json_error_t jerr;
	json_t *root, *s;
	char *output;
	int status;

	memset(out, 0, sizeof(*out));
	lanes_site_lock(c, i);
	status = site_run(c->conf, site, BGPCTL, args, &output, err);
	lanes_site_unlock(c, i);
	if (status < 0)
		return tp_err_prefix(err, "site %s", site->name);
	root = json_loads(output, 0, &jerr);
	s = json_array_get(json_object_get(root, "sites"), 0);
	if (s == NULL) {
		json_decref(root);
		free(output);
		return tp_err_set(err, "site %s: %s status gave no answer (exit %d); run it there "
		    "by hand to see why", site->name, BGPCTL, status);
	}
	out->reachable = json_is_true(json_object_get(s, "reachable"));
	out->announcing = out->reachable && lane_announcing(c, i, s);
	out->in_ranges = json_is_true(json_object_get(s, "routes_in_test_ranges"));
	snprintf(out->error, sizeof(out->error), "%s",
	    json_string_value(json_object_get(s, "error")) ? json_string_value(json_object_get(s,
	    "error")) : "");
	json_decref(root);
	free(output);
	return 0;
}

/* Every site reachable, announcing every lane, and carrying only test ranges. */
int
bgp_preflight(struct campaign *c, struct tp_err *err)
{
	struct site_bgp b;
	size_t i;

	for (i = 0; i < c->conf->nsites; i++) {
		const char *name = c->conf->sites[i].name;

		if (site_status(c, i, &b, err) < 0)
			return -1;
		if (!b.reachable)
			return tp_err_set(err, "site %s: BIRD unreachable: %s", name, b.error);
		if (!b.in_ranges)
			return tp_err_set(err, "site %s: a test protocol carries routes outside "
			    "test_ranges; refusing to touch it (see tp-bgpctl status %s)", name, name);
		if (!b.announcing)
			return tp_err_set(err, "site %s is not announcing the test ranges; announce "
			    "it first (tp-bgpctl announce %s)", name, name);
	}
	return 0;
}

/* How many sites announce right now, asked of every site. */
int
bgp_count_announcing(struct campaign *c, struct tp_err *err)
{
	struct site_bgp b;
	size_t i;
	int n = 0;

	for (i = 0; i < c->conf->nsites; i++) {
		if (site_status(c, i, &b, err) < 0)
			return -1;
		n += b.reachable && b.announcing;
	}
	return n;
}

/* The -p list of c's lane's protocols at site i, comma-separated (caller frees). */
static char *
lane_selection(const struct campaign *c, size_t i)
{
	size_t k, len = 1;
	char *p;

	for (k = 0; k < c->lane->site_nprotocols[i]; k++)
		len += strlen(c->lane->site_protocols[i][k]) + 1;
	p = xcalloc(len, 1);
	for (k = 0; k < c->lane->site_nprotocols[i]; k++) {
		if (k > 0)
			strcat(p, ",");
		strcat(p, c->lane->site_protocols[i][k]);
	}
	return p;
}

/*
 * Run tp-bgpctl ACTION SITE at the site for c's lane's protocols (-p), one
 * tp-bgpctl at that BIRD at a time; 0 when it exited 0.
 */
static int
site_action(struct campaign *c, size_t i, const char *action, int announcing,
    struct tp_err *err)
{
	const struct tp_site_conf *site = &c->conf->sites[i];
	char count[16], *only = lane_selection(c, i);
	const char *withdraw_args[] = { "-c", c->conf_path, "-q", "-p", only, "--announcing",
		count, "withdraw", site->name, NULL };
	const char *announce_args[] = { "-c", c->conf_path, "-q", "-p", only, "announce",
		site->name, NULL };
	const char *const *args = strcmp(action, "withdraw") == 0 ? withdraw_args : announce_args;
	char *output;
	int status;

	snprintf(count, sizeof(count), "%d", announcing);
	log_info("bgp", "lane %s: %s %s", c->lane->name, action, site->name);
	lanes_site_lock(c, i);
	status = site_run(c->conf, site, BGPCTL, args, &output, err);
	lanes_site_unlock(c, i);
	free(output);
	free(only);
	if (status < 0)
		return tp_err_prefix(err, "site %s", site->name);
	if (status == 69)	/* EX_UNAVAILABLE: the socket is gone or dead */
		return tp_err_set(err, "site %s: BIRD unreachable, is it running? (%s %s exit %d)",
		    site->name, BGPCTL, action, status);
	if (status != 0)
		return tp_err_set(err, "site %s: %s %s failed (exit %d)", site->name, BGPCTL, action,
		    status);
	return 0;
}

/* Withdraw every site of s, all or nothing; the ledger remembers each one first. */
int
bgp_withdraw(struct campaign *c, const struct scenario *s, struct tp_err *err)
{
	int announcing;
	size_t k;

	if ((announcing = bgp_count_announcing(c, err)) < 0)
		return -1;
	if ((unsigned)announcing < s->nsites + c->conf->min_announcing)
		return tp_err_set(err, "withdrawing %s would leave %d of %zu sites announcing, fewer "
		    "than min_announcing %u", s->name, announcing - (int)s->nsites, c->conf->nsites,
		    c->conf->min_announcing);
	for (k = 0; k < s->nsites; k++) {
		lanes_ledger(c, s->sites[k], 1);
		if (site_action(c, s->sites[k], "withdraw", announcing - (int)k, err) < 0) {
			lanes_note_change(c, PACING_WITHDRAW);
			log_error("bgp", "%s; re-announcing what this scenario withdrew", err->msg);
			bgp_restore_all(c);
			return -1;
		}
	}
	/* the change counts from its last site: pacing then holds at every site */
	lanes_note_change(c, PACING_WITHDRAW);
	return 0;
}

/* Announce every site of s again. */
int
bgp_announce(struct campaign *c, const struct scenario *s, struct tp_err *err)
{
	size_t k;
	int rc = 0;

	for (k = 0; k < s->nsites; k++) {
		if (site_action(c, s->sites[k], "announce", 0, err) < 0) {
			rc = -1;
			continue;
		}
		lanes_ledger(c, s->sites[k], 0);
	}
	lanes_note_change(c, PACING_ANNOUNCE);
	return rc;
}

/* Announce every site still in the ledger; say which could not be. */
int
bgp_restore_all(struct campaign *c)
{
	struct tp_err err;
	size_t i;
	int rc = 0, noted = 0;

	/* a stop cut the waits short so far; this must run to the end */
	campaign_restoring = 1;
	site_interrupt = 0;
	for (i = 0; i < c->conf->nsites; i++) {
		if (!c->withdrawn[i])
			continue;
		noted = 1;
		if (site_action(c, i, "announce", 0, &err) < 0) {
			log_error("bgp", "%s: CHECK SITE %s NOW (BIRD's dead-man timer re-announces "
			    "within %u s)", err.msg, c->conf->sites[i].name, c->conf->deadman);
			rc = -1;
			continue;
		}
		lanes_ledger(c, i, 0);
	}
	if (noted)
		lanes_note_change(c, PACING_ANNOUNCE);
	return rc;
}
