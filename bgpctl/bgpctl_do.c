/* bgpctl_do.c: status, withdraw, announce and show, carried out over BIRD's socket. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "bgpctl.h"
#include "bird_command.h"
#include "bird_status.h"
#include "log.h"
#include "output.h"
#include "xalloc.h"

/* How often a protocol's state is polled while waiting for a change. */
#define POLL_INTERVAL_MS 100

/* Build and send one allowed command. */
static int
send_cmd(struct bird_conn *c, enum bird_command_kind kind, const char *name, unsigned seconds,
    struct bird_reply *reply, struct tp_err *err)
{
	struct bird_command cmd;
	const char *words[1] = { name };

	bird_reply_init(reply);
	if (bird_command_build(&cmd, kind, words, name != NULL ? 1 : 0, seconds, err) != 0) {
		c->errkind = BIRD_ERR_USAGE;
		return -1;
	}
	log_debug("bird", "%s: %s", c->path, cmd.line);
	return bird_send(c, &cmd, reply, err);
}

/* Build and send a "show" command from words. */
static int
send_show(struct bird_conn *c, const char *const *words, size_t nwords, struct bird_reply *reply,
    struct tp_err *err)
{
	struct bird_command cmd;

	bird_reply_init(reply);
	if (bird_command_build(&cmd, BIRD_CMD_SHOW, words, nwords, 0, err) != 0) {
		c->errkind = BIRD_ERR_USAGE;
		return -1;
	}
	log_debug("bird", "%s: %s", c->path, cmd.line);
	return bird_send(c, &cmd, reply, err);
}

/* Read "show protocols" into p. */
static int
read_protocols(struct bird_conn *c, struct bird_protocols *p, struct tp_err *err)
{
	static const char *const words[] = { "show", "protocols" };
	struct bird_reply reply;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = send_show(c, words, 2, &reply, err);
	if (rc == 0 && (rc = bird_parse_protocols(&reply, p, err)) != 0)
		c->errkind = BIRD_ERR_PROTOCOL;
	bird_reply_free(&reply);
	return rc;
}

/* 1 when name is one of the site's test protocols. */
static int
is_test_protocol(const struct tp_site_conf *site, const char *name)
{
	size_t i;

	for (i = 0; i < site->nprotocols; i++)
		if (strcmp(site->protocols[i], name) == 0)
			return 1;
	return 0;
}

/* 1 when -p selects the protocol (every protocol when -p was not given). */
int
bgpctl_selected(const struct bgpctl *b, const char *protocol)
{
	size_t i;

	for (i = 0; i < b->nonly; i++)
		if (strcmp(b->only[i], protocol) == 0)
			return 1;
	return b->nonly == 0;
}

/* Read one test protocol's routes and check them against the test ranges. */
static int
read_proto_routes(const struct bgpctl *b, struct bird_conn *c, struct proto_status *ps,
    struct tp_err *err)
{
	const char *words[] = { "show", "route", "protocol", ps->name };
	struct bird_reply reply;
	struct bird_routes routes;
	char buf[TP_PREFIX_STRLEN];
	size_t i;

	if (send_show(c, words, 4, &reply, err) != 0) {
		bird_reply_free(&reply);
		return -1;
	}
	bird_parse_routes(&reply, &routes, err);
	bird_reply_free(&reply);
	ps->routes = routes.prefixes;
	ps->nroutes = routes.n;
	for (i = 0; i < routes.n; i++)
		if (!tp_conf_in_test_ranges(&b->conf, &routes.prefixes[i])) {
			ps->outside = xreallocarray(ps->outside, ps->noutside + 1, sizeof(char *));
			ps->outside[ps->noutside++] = xstrdup(tp_prefix_format(&routes.prefixes[i],
			    buf, sizeof(buf)));
		}
	for (i = 0; i < routes.nunparsed; i++) {
		ps->outside = xreallocarray(ps->outside, ps->noutside + 1, sizeof(char *));
		ps->outside[ps->noutside++] = routes.unparsed[i];
	}
	free(routes.unparsed);
	return 0;
}

/* Query one site: version, protocols, each test protocol's routes. */
void
site_status_read(const struct bgpctl *b, const struct tp_site_conf *site, struct site_status *st)
{
	static const char *const status_words[] = { "show", "status" };
	struct bird_conn *c = xmalloc(sizeof(*c));
	struct bird_protocols protos = { 0 };
	struct bird_reply reply;
	struct tp_err err;
	size_t i;

	memset(st, 0, sizeof(*st));
	st->site = site;
	st->nprotos = site->nprotocols;
	st->protos = xcalloc(st->nprotos, sizeof(*st->protos));
	for (i = 0; i < st->nprotos; i++)
		st->protos[i].name = site->protocols[i];
	if (bird_open(c, site->bird_socket, b->timeout_ms, &err) != 0)
		goto fail;
	if (send_show(c, status_words, 2, &reply, &err) != 0 ||
	    bird_parse_status(&reply, st->version, sizeof(st->version), st->router_id,
	    sizeof(st->router_id), &err) != 0) {
		if (c->errkind == BIRD_ERR_NONE)
			c->errkind = BIRD_ERR_PROTOCOL;
		bird_reply_free(&reply);
		goto fail;
	}
	bird_reply_free(&reply);
	if (read_protocols(c, &protos, &err) != 0)
		goto fail;
	for (i = 0; i < protos.n; i++)
		if (strcmp(protos.rows[i].state, "down") == 0 &&
		    !is_test_protocol(site, protos.rows[i].name)) {
			st->other_down = xreallocarray(st->other_down, st->nother_down + 1,
			    sizeof(char *));
			st->other_down[st->nother_down++] = xstrdup(protos.rows[i].name);
		}
	st->announcing = st->nprotos > 0;
	st->in_ranges = 1;
	for (i = 0; i < st->nprotos; i++) {
		struct proto_status *ps = &st->protos[i];
		const struct bird_proto_row *row = bird_protocols_find(&protos, ps->name);

		if (row == NULL) {
			st->announcing = st->in_ranges = 0;
			continue;
		}
		ps->found = 1;
		snprintf(ps->state, sizeof(ps->state), "%s", row->state);
		if (read_proto_routes(b, c, ps, &err) != 0)
			goto fail;
		if (strcmp(ps->state, "up") != 0 || ps->nroutes == 0)
			st->announcing = 0;
		if (ps->noutside > 0)
			st->in_ranges = 0;
	}
	st->reachable = 1;
	bird_protocols_free(&protos);
	bird_close(c);
	free(c);
	return;
fail:
	st->reachable = 0;
	st->announcing = 0;
	st->errkind = c->errkind != BIRD_ERR_NONE ? c->errkind : BIRD_ERR_PROTOCOL;
	snprintf(st->error, sizeof(st->error), "%s", err.msg);
	bird_protocols_free(&protos);
	bird_close(c);
	free(c);
}

/* Free what site_status_read allocated. */
void
site_status_free(struct site_status *st)
{
	size_t i, j;

	for (i = 0; i < st->nprotos; i++) {
		free(st->protos[i].routes);
		for (j = 0; j < st->protos[i].noutside; j++)
			free(st->protos[i].outside[j]);
		free(st->protos[i].outside);
	}
	free(st->protos);
	for (i = 0; i < st->nother_down; i++)
		free(st->other_down[i]);
	free(st->other_down);
	memset(st, 0, sizeof(*st));
}

/*
 * Turn site names into configured sites: each must be a valid name, in
 * tp.conf, and named once. Returns 0 or an exit status.
 */
static int
resolve_sites(const struct bgpctl *b, int argc, char **argv, const struct tp_site_conf ***out)
{
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	const struct tp_site_conf **sites = xcalloc((size_t)argc + 1, sizeof(*sites));
	int i, j;

	for (i = 0; i < argc; i++) {
		if (!tp_name_valid(argv[i])) {
			log_error("usage", "bad site name \"%.64s\": use 1 to 63 characters of "
			    "[A-Za-z0-9_.-]", argv[i]);
			free(sites);
			return EX_USAGE;
		}
		if ((sites[i] = tp_conf_site(&b->conf, argv[i])) == NULL) {
			log_error("usage", "unknown site %s: %s has no [site %s]", argv[i],
			    b->conf.path != NULL ? b->conf.path : "tp.conf", argv[i]);
			free(sites);
			return EX_USAGE;
		}
		for (j = 0; j < i; j++)
			if (sites[j] == sites[i]) {
				log_error("usage", "site %s is named twice", argv[i]);
				free(sites);
				return EX_USAGE;
			}
	}
	*out = sites;
	return 0;
}

/* Sleep for ms milliseconds. */
static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

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
		if (read_protocols(c, &protos, err) != 0)
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
		sleep_ms(POLL_INTERVAL_MS);
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
	if (read_protocols(c, &protos, err) != 0)
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
 * Send enable or disable (verb) for every test protocol of the site; BIRD
 * must answer with code done or already (e.g. 0011 "enabled", 0010
 * "already enabled"). 0 when it did for all, else -1 with the action failed.
 */
static int
toggle_protocols(const struct bgpctl *b, struct bird_conn *c, enum bird_command_kind kind,
    int done, int already, const char *verb, struct site_action *a)
{
	const struct tp_site_conf *site = a->site;
	struct bird_reply reply;
	struct tp_err err;
	size_t i;

	for (i = 0; i < site->nprotocols; i++) {
		if (!bgpctl_selected(b, site->protocols[i]))
			continue;
		if (send_cmd(c, kind, site->protocols[i], 0, &reply, &err) != 0 ||
		    !(bird_reply_has_code(&reply, done) || bird_reply_has_code(&reply, already))) {
			if (c->errkind == BIRD_ERR_NONE)
				snprintf(err.msg, sizeof(err.msg), "%s %s: BIRD did not say "
				    "%sd", verb, site->protocols[i], verb);
			bird_reply_free(&reply);
			action_fail(a, c->errkind != BIRD_ERR_NONE ? c->errkind :
			    BIRD_ERR_PROTOCOL, err.msg);
			return -1;
		}
		bird_reply_free(&reply);
		log_info(site->name, "%sd %s", verb, site->protocols[i]);
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
	const struct tp_site_conf *site = a->site;
	struct bird_conn *c = xmalloc(sizeof(*c));
	struct bird_reply reply;
	struct tp_err err;
	char msg[600];
	int rc = -1, up, down;

	a->done = 0;
	a->error[0] = '\0';
	a->errkind = BIRD_ERR_NONE;
	if (bird_open(c, site->bird_socket, b->timeout_ms, &err) != 0) {
		action_fail(a, c->errkind, err.msg);
		goto out;
	}
	if (toggle_protocols(b, c, BIRD_CMD_ENABLE, 11, 10, "enable", a) < 0)
		goto out;
	up = wait_state(b, c, site, "up", a->state, sizeof(a->state), &err);
	if (up < 0) {
		action_fail(a, c->errkind, err.msg);
		goto out;
	}
	if (up == 0) {
		snprintf(msg, sizeof(msg), "test protocols not up within %d s after enable "
		    "(%s); the configuration stays unconfirmed", b->timeout_ms / 1000, a->state);
		action_fail(a, BIRD_ERR_NONE, msg);
		goto out;
	}
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
	if (send_cmd(c, BIRD_CMD_CONFIGURE_CONFIRM, NULL, 0, &reply, &err) != 0 ||
	    !(reply.code == 18 || reply.code == 19)) {
		if (c->errkind == BIRD_ERR_NONE)
			snprintf(err.msg, sizeof(err.msg), "configure confirm: unexpected "
			    "reply code %04d", reply.code);
		bird_reply_free(&reply);
		action_fail(a, c->errkind != BIRD_ERR_NONE ? c->errkind : BIRD_ERR_PROTOCOL,
		    err.msg);
		goto out;
	}
	log_info(site->name, "configure confirm: %s", reply.code == 18 ?
	    "dead-man switch disarmed" : "nothing to confirm");
	a->deadman = reply.code == 18 ? "confirmed" : "nothing to confirm";
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
	const struct tp_site_conf *site = a->site;
	struct bird_conn *c = xmalloc(sizeof(*c));
	struct bird_reply reply;
	struct tp_err err;
	char msg[600];
	int rc = -1, down;

	if (bird_open(c, site->bird_socket, b->timeout_ms, &err) != 0) {
		action_fail(a, c->errkind, err.msg);
		goto out;
	}
	if ((down = others_down(b, c, a, &err)) < 0) {
		action_fail(a, c->errkind, err.msg);
		goto out;
	}
	if (down > 0) {
		a->armed = 1;
		a->deadman = "already armed";
		log_info(site->name, "dead-man switch already armed (%s withdrawn here); not "
		    "armed again, which would announce %s", a->still_down, a->still_down);
	} else if (send_cmd(c, BIRD_CMD_CONFIGURE_TIMEOUT, NULL, b->conf.deadman, &reply, &err) != 0 ||
	    !bird_reply_has_code(&reply, 22) ||
	    !(reply.code == 3 || reply.code == 4 || reply.code == 5)) {
		if (c->errkind == BIRD_ERR_NONE)
			snprintf(err.msg, sizeof(err.msg), "configure timeout %u: BIRD did not "
			    "schedule the undo (reply code %04d); nothing was disabled",
			    b->conf.deadman, reply.code);
		bird_reply_free(&reply);
		action_fail(a, c->errkind != BIRD_ERR_NONE ? c->errkind : BIRD_ERR_PROTOCOL,
		    err.msg);
		goto out;
	} else {
		bird_reply_free(&reply);
		a->armed = 1;
		a->deadman = "armed";
		log_info(site->name, "dead-man switch armed: BIRD reverts in %u s unless "
		    "confirmed", b->conf.deadman);
	}
	if (toggle_protocols(b, c, BIRD_CMD_DISABLE, 9, 8, "disable", a) < 0)
		goto out;
	down = wait_state(b, c, site, "down", a->state, sizeof(a->state), &err);
	if (down < 0) {
		action_fail(a, c->errkind, err.msg);
		goto out;
	}
	if (down == 0) {
		snprintf(msg, sizeof(msg), "test protocols not down within %d s after disable "
		    "(%s)", b->timeout_ms / 1000, a->state);
		action_fail(a, BIRD_ERR_NONE, msg);
		goto out;
	}
	a->done = 1;
	rc = 0;
out:
	bird_close(c);
	free(c);
	return rc;
}

/* status [SITE...]: report every named (or every configured) site. */
int
bgpctl_status(struct bgpctl *b, int argc, char **argv)
{
	const struct tp_site_conf **sites = NULL;
	struct site_status *st;
	size_t i, n;
	int rc, status = 0;

	if (argc > 0) {
		if ((rc = resolve_sites(b, argc, argv, &sites)) != 0)
			return rc;
		n = (size_t)argc;
	} else {
		n = b->conf.nsites;
		/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
		sites = xcalloc(n + 1, sizeof(*sites));
		for (i = 0; i < n; i++)
			sites[i] = &b->conf.sites[i];
	}
	st = xcalloc(n + 1, sizeof(*st));
	for (i = 0; i < n; i++) {
		site_status_read(b, sites[i], &st[i]);
		if (!st[i].reachable) {
			log_error(sites[i]->name, "%s", st[i].error);
			if (status == 0)
				status = bgpctl_exit_status(st[i].errkind);
		}
	}
	output_status(b, st, n);
	for (i = 0; i < n; i++)
		site_status_free(&st[i]);
	free(st);
	free(sites);
	return status;
}

/* Record that a safety check refused the withdrawal. */
static void
refuse(struct action_report *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fill in the refusal and log it. */
static void
refuse(struct action_report *r, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->refused, sizeof(r->refused), fmt, ap);
	va_end(ap);
	r->ok = 0;
	r->exit_status = status;
	log_error("refused", "%s", r->refused);
}

/* 1 when every test protocol -p selects at the site is up with a route. */
static int
selected_announcing(const struct bgpctl *b, const struct site_status *st)
{
	size_t i;

	if (!st->reachable)
		return 0;
	for (i = 0; i < st->nprotos; i++)
		if (bgpctl_selected(b, st->protos[i].name) && (!st->protos[i].found ||
		    strcmp(st->protos[i].state, "up") != 0 || st->protos[i].nroutes == 0))
			return 0;
	return 1;
}

/*
 * Check that every protocol -p names is a test protocol of each site.
 * 0, or EX_USAGE after saying which is not.
 */
static int
selection_check(const struct bgpctl *b, const struct tp_site_conf *const *sites, size_t n)
{
	size_t i, j, k;

	for (j = 0; j < b->nonly; j++)
		for (i = 0; i < n; i++) {
			for (k = 0; k < sites[i]->nprotocols; k++)
				if (strcmp(sites[i]->protocols[k], b->only[j]) == 0)
					break;
			if (k == sites[i]->nprotocols) {
				log_error("usage", "-p %s: not a test protocol of site %s (see "
				    "protocols in [site %s])", b->only[j], sites[i]->name,
				    sites[i]->name);
				return EX_USAGE;
			}
		}
	return 0;
}

/*
 * The safety checks before a withdrawal: every named site reachable, its
 * test protocols present and carrying only test-range routes, and enough
 * sites left announcing. Returns 0 when all pass.
 */
static int
withdraw_checks(const struct bgpctl *b, const struct tp_site_conf **named, size_t nnamed,
    struct action_report *r)
{
	struct site_status *all = xcalloc(b->conf.nsites + 1, sizeof(*all));
	long announcing = 0, leaving = 0;
	size_t i, j, k;
	int rc = -1;

	for (i = 0; i < b->conf.nsites; i++) {
		const struct tp_site_conf *s = &b->conf.sites[i];
		int is_named = 0;

		for (j = 0; j < nnamed; j++)
			if (named[j] == s)
				is_named = 1;
		if (!is_named && b->announcing >= 0)
			continue;	/* the caller counted the others */
		site_status_read(b, s, &all[i]);
		if (!all[i].reachable && is_named) {
			refuse(r, bgpctl_exit_status(all[i].errkind), "site %s: %s", s->name,
			    all[i].error);
			goto out;
		}
		if (!all[i].reachable)
			log_info(s->name, "not reachable from here, counted as not "
			    "announcing: %s", all[i].error);
		if (selected_announcing(b, &all[i]))
			announcing++;
		if (!is_named)
			continue;
		if (selected_announcing(b, &all[i]))
			leaving++;
		for (k = 0; k < all[i].nprotos; k++) {
			const struct proto_status *ps = &all[i].protos[k];

			if (!ps->found) {
				refuse(r, BGPCTL_EXIT_REFUSED, "site %s: BIRD has no protocol "
				    "%s: check protocols in [site %s]", s->name, ps->name,
				    s->name);
				goto out;
			}
			if (ps->noutside > 0) {
				refuse(r, BGPCTL_EXIT_REFUSED, "site %s: protocol %s carries %zu "
				    "route(s) outside the test ranges (first %s): withdrawing it "
				    "would withdraw production prefixes", s->name, ps->name,
				    ps->noutside, ps->outside[0]);
				goto out;
			}
		}
		for (k = 0; k < all[i].nother_down; k++)
			log_warn(s->name, "protocol %s is down; if it was disabled with the "
			    "\"disable\" command, \"configure timeout\" restarts it (see "
			    "CAVEATS in tp-bgpctl(8))", all[i].other_down[k]);
	}
	if (b->announcing >= 0)
		announcing = b->announcing;
	r->announcing_before = announcing;
	r->announcing_after = announcing - leaving > 0 ? announcing - leaving : 0;
	if (r->announcing_after < (long)b->conf.min_announcing) {
		refuse(r, BGPCTL_EXIT_REFUSED, "withdrawing would leave %ld site(s) announcing "
		    "(%ld %s now), fewer than min_announcing %u", r->announcing_after,
		    announcing, b->announcing >= 0 ? "announcing by --announcing" :
		    "announcing by live status", b->conf.min_announcing);
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < b->conf.nsites; i++)
		if (all[i].site != NULL)
			site_status_free(&all[i]);
	free(all);
	return rc;
}

/* withdraw SITE...: checks, then all sites or none. */
int
bgpctl_withdraw(struct bgpctl *b, int argc, char **argv)
{
	const struct tp_site_conf **sites;
	struct action_report r;
	size_t i, j, n = (size_t)argc;
	int rc;

	if ((rc = resolve_sites(b, argc, argv, &sites)) != 0)
		return rc;
	if ((rc = selection_check(b, sites, n)) != 0) {
		free(sites);
		return rc;
	}
	memset(&r, 0, sizeof(r));
	r.action = "withdraw";
	r.ok = 1;
	r.deadman = b->conf.deadman;
	r.announcing_before = r.announcing_after = -1;
	r.sites = xcalloc(n, sizeof(*r.sites));
	r.nsites = n;
	for (i = 0; i < n; i++)
		r.sites[i].site = sites[i];
	if (withdraw_checks(b, sites, n, &r) != 0)
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

	if (argc == 1 && strcmp(argv[0], "all") == 0) {
		n = b->conf.nsites;
		/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
		sites = xcalloc(n + 1, sizeof(*sites));
		for (i = 0; i < n; i++)
			sites[i] = &b->conf.sites[i];
	} else {
		if ((rc = resolve_sites(b, argc, argv, &sites)) != 0)
			return rc;
		n = (size_t)argc;
	}
	if ((rc = selection_check(b, sites, n)) != 0) {
		free(sites);
		return rc;
	}
	memset(&r, 0, sizeof(r));
	r.action = "announce";
	r.ok = 1;
	r.announcing_before = r.announcing_after = -1;
	r.sites = xcalloc(n + 1, sizeof(*r.sites));
	r.nsites = n;
	for (i = 0; i < n; i++) {
		r.sites[i].site = sites[i];
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

/* show SITE show ...: one read-only command in a restricted session. */
int
bgpctl_show(struct bgpctl *b, int argc, char **argv)
{
	const struct tp_site_conf **sites;
	struct bird_command cmd;
	struct bird_conn *c;
	struct bird_reply reply;
	struct tp_err err;
	int rc;

	if ((rc = resolve_sites(b, 1, argv, &sites)) != 0)
		return rc;
	if (bird_command_build(&cmd, BIRD_CMD_SHOW, (const char *const *)argv + 1,
	    (size_t)argc - 1, 0, &err) != 0) {
		log_error("usage", "%s", err.msg);
		free(sites);
		return EX_USAGE;
	}
	c = xmalloc(sizeof(*c));
	if (bird_open(c, sites[0]->bird_socket, b->timeout_ms, &err) != 0)
		goto fail;
	if (send_cmd(c, BIRD_CMD_RESTRICT, NULL, 0, &reply, &err) != 0 || reply.code != 16) {
		if (c->errkind == BIRD_ERR_NONE) {
			snprintf(err.msg, sizeof(err.msg), "restrict: BIRD did not restrict the "
			    "session (reply code %04d); not sending the command", reply.code);
			c->errkind = BIRD_ERR_PROTOCOL;
		}
		bird_reply_free(&reply);
		goto fail;
	}
	bird_reply_free(&reply);
	rc = bird_send(c, &cmd, &reply, &err);
	output_show(b, sites[0]->name, cmd.line, &reply);
	bird_reply_free(&reply);
	if (rc != 0)
		goto fail;
	bird_close(c);
	free(c);
	free(sites);
	return 0;
fail:
	log_error(sites[0]->name, "%s", err.msg);
	rc = bgpctl_exit_status(c->errkind);
	bird_close(c);
	free(c);
	free(sites);
	return rc;
}
