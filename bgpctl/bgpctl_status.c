/*
 * bgpctl_status.c: what a site's BIRD says: its version, the test
 * protocols, their routes and whether they stay inside the test ranges
 * (status, and the checks before a withdrawal), and the read-only show
 * pass-through.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "bgpctl.h"
#include "bird_session.h"
#include "log.h"
#include "xalloc.h"

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

	if (bird_session_send(c, BIRD_CMD_SHOW, words, 4, 0, &reply, err) != 0) {
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
	if (bird_session_send(c, BIRD_CMD_SHOW, status_words, 2, 0, &reply, &err) != 0 ||
	    bird_parse_status(&reply, st->version, sizeof(st->version), st->router_id,
	    sizeof(st->router_id), &err) != 0) {
		if (c->errkind == BIRD_ERR_NONE)
			c->errkind = BIRD_ERR_PROTOCOL;
		bird_reply_free(&reply);
		goto fail;
	}
	bird_reply_free(&reply);
	if (bird_session_protocols(c, &protos, &err) != 0)
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

/* status [SITE...]: report every named (or every configured) site. */
int
bgpctl_status(struct bgpctl *b, int argc, char **argv)
{
	const struct tp_site_conf **sites = NULL;
	struct site_status *st;
	size_t i, n;
	int rc, status = 0;

	if (argc > 0) {
		if ((rc = bgpctl_resolve_sites(b, argc, argv, &sites)) != 0)
			return rc;
		n = (size_t)argc;
	} else
		sites = bgpctl_all_sites(b, &n);
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

/* show SITE show ...: one read-only command in a restricted session. */
int
bgpctl_show(struct bgpctl *b, int argc, char **argv)
{
	static const int restricted_code[] = { BIRD_CODE_ACCESS_RESTRICTED };
	static const struct bird_expect restricted = { NULL, 0, restricted_code, 1,
		"restrict: BIRD did not restrict the session, so the command was not sent" };
	const struct tp_site_conf **sites;
	struct bird_command cmd;
	struct bird_conn *c;
	struct bird_reply reply;
	struct tp_err err;
	int rc;

	if ((rc = bgpctl_resolve_sites(b, 1, argv, &sites)) != 0)
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
	if (bird_session_expect(c, BIRD_CMD_RESTRICT, NULL, 0, 0, &restricted, &reply,
	    &err) != 0)
		goto fail;
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
