/*
 * bgpctl_checks.c: the safety checks before a change: the -p selection
 * names test protocols of every site, and a withdrawal leaves every named
 * site reachable with only test-range routes and enough sites announcing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "bgpctl.h"
#include "log.h"
#include "xalloc.h"

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
int
bgpctl_selection_check(const struct bgpctl *b, const struct tp_site_conf *const *sites,
    size_t n)
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
int
bgpctl_withdraw_checks(const struct bgpctl *b, const struct tp_site_conf **named,
    size_t nnamed, struct action_report *r)
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

