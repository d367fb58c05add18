/*
 * config_lanes.c: tp.conf's [lane NAME] sections (see tp.conf(5)). Each
 * lane has its test ranges, its probe sources (one family may be absent)
 * and the BIRD protocols that originate it at every site (protocols, or
 * protocols.SITE where a site names them otherwise). Once the file is
 * read, the lanes are checked against each other, the sites and the
 * [campaign] keys; a file without lanes gets lane "default" made of the
 * [campaign] keys, so older files mean what they meant. The pacing keys
 * and the dead-man are checked here too: both are about how long a lane's
 * prefix may stay withdrawn.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "config_load.h"
#include "pacing.h"
#include "xalloc.h"

/* The lane whose section is being read. */
static struct tp_lane_conf *
lane_current(struct conf_load *ld)
{
	return &ld->c->lanes[ld->c->nlanes - 1];
}

/* Start a [lane NAME] section. */
void
lane_section_begin(struct conf_load *ld, char *text)
{
	struct tp_conf *c = ld->c;
	const struct tp_lane_conf *dup;
	struct tp_lane_conf *l;
	char *name = trim(text);

	ld->in = IN_BAD;
	if (*name == '\0') {
		conf_fail(ld, ld->line, "[lane]: the section needs a name: [lane NAME]");
		return;
	}
	if (!tp_name_valid(name)) {
		conf_fail(ld, ld->line, "[lane %.63s]: bad lane name: use 1 to 63 characters of "
		    "A-Z a-z 0-9 _ . - starting with a letter or digit", name);
		return;
	}
	if ((dup = tp_conf_lane(c, name)) != NULL) {
		conf_fail(ld, ld->line, "[lane %s]: duplicate lane (first on line %d)", name,
		    dup->line);
		return;
	}
	if (c->nlanes == ld->lanes_cap) {
		ld->lanes_cap = ld->lanes_cap ? ld->lanes_cap * 2 : 8;
		c->lanes = xreallocarray(c->lanes, ld->lanes_cap, sizeof(*c->lanes));
	}
	l = &c->lanes[c->nlanes++];
	memset(l, 0, sizeof(*l));
	l->name = xstrdup(name);
	l->line = ld->line;
	memset(ld->site_key_line, 0, sizeof(ld->site_key_line));
	ld->in = IN_LANE;
}

/* A protocols.SITE line: the lane's protocol names at that one site. */
int
lane_override_set(struct conf_load *ld, const char *key, const char *value)
{
	struct tp_lane_conf *l = lane_current(ld);
	struct conf_key k = { SEC_LANE, key, T_NAMES,
		offsetof(struct tp_lane_override, protocols),
		offsetof(struct tp_lane_override, nprotocols), 0, 0, NULL };
	struct tp_lane_override *o;
	const char *site = key + strlen("protocols.");
	size_t i;

	if (!tp_name_valid(site))
		return conf_fail(ld, ld->line, "%.80s: bad site name after \"protocols.\"", key);
	for (i = 0; i < l->noverrides; i++)
		if (strcmp(l->overrides[i].site, site) == 0)
			return conf_fail(ld, ld->line, "%s: set twice (first on line %d)", key,
			    l->overrides[i].line);
	l->overrides = xreallocarray(l->overrides, l->noverrides + 1, sizeof(*l->overrides));
	o = &l->overrides[l->noverrides++];
	memset(o, 0, sizeof(*o));
	o->site = xstrdup(site);
	o->line = ld->line;
	return conf_set(ld, &k, (char *)o, value);
}

/* Remember the line of a lane key the handler just stored. */
void
lane_key_seen(struct conf_load *ld, const char *key)
{
	struct tp_lane_conf *l = lane_current(ld);

	if (strcmp(key, "test_ranges") == 0)
		l->ranges_line = ld->line;
	else if (strcmp(key, "source4") == 0)
		l->source4_line = ld->line;
	else if (strcmp(key, "source6") == 0)
		l->source6_line = ld->line;
	else if (strcmp(key, "protocols") == 0)
		l->protocols_line = ld->line;
}

/* Free one lane. */
void
lane_free(struct tp_lane_conf *l)
{
	size_t i;

	free(l->name);
	free(l->test_ranges);
	free_strings(l->protocols, l->nprotocols);
	for (i = 0; i < l->noverrides; i++) {
		free(l->overrides[i].site);
		free_strings(l->overrides[i].protocols, l->overrides[i].nprotocols);
	}
	free(l->overrides);
	if (l->site_protocols != NULL)
		for (i = 0; l->site_nprotocols != NULL && l->site_protocols[i] != NULL; i++)
			free_strings(l->site_protocols[i], l->site_nprotocols[i]);
	free(l->site_protocols);
	free(l->site_nprotocols);
	memset(l, 0, sizeof(*l));
}

/* A fresh copy of n strings. */
static char **
strings_copy(char *const *v, size_t n)
{
	char **out = xcalloc(n + 1, sizeof(char *));
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

/* Lane "default": the [campaign] ranges and sources, every site's protocols. */
static void
lane_default(struct tp_conf *c)
{
	struct tp_lane_conf *l;
	size_t i;

	c->lanes = xcalloc(1, sizeof(*c->lanes));
	c->nlanes = 1;
	l = &c->lanes[0];
	l->name = xstrdup("default");
	l->ntest_ranges = c->ntest_ranges;
	l->test_ranges = xcalloc(c->ntest_ranges + 1, sizeof(*l->test_ranges));
	memcpy(l->test_ranges, c->test_ranges, c->ntest_ranges * sizeof(*l->test_ranges));
	l->source4 = c->source4;
	l->source6 = c->source6;
	l->site_protocols = xcalloc(c->nsites + 1, sizeof(char **));
	l->site_nprotocols = xcalloc(c->nsites + 1, sizeof(size_t));
	for (i = 0; i < c->nsites; i++) {
		l->site_protocols[i] = strings_copy(c->sites[i].protocols, c->sites[i].nprotocols);
		l->site_nprotocols[i] = c->sites[i].nprotocols;
	}
}

/* 1 when the address lies inside one of the lane's ranges. */
static int
lane_covers(const struct tp_lane_conf *l, const struct tp_addr *a)
{
	struct tp_prefix p;
	size_t i;

	p.addr = *a;
	p.len = a->family == AF_INET ? 32 : 128;
	for (i = 0; i < l->ntest_ranges; i++)
		if (tp_prefix_covers(&l->test_ranges[i], &p))
			return 1;
	return 0;
}

/* The lane's ranges and sources on their own. */
static void
lane_check_own(struct conf_load *ld, const struct tp_lane_conf *l)
{
	char buf[TP_ADDR_STRLEN];

	if (l->ntest_ranges == 0) {
		conf_fail(ld, l->line, "[lane %s]: test_ranges missing: give the lane's prefixes",
		    l->name);
		return;
	}
	if (l->source4.family == 0 && l->source6.family == 0)
		conf_fail(ld, l->line, "[lane %s]: neither source4 nor source6: a lane needs the "
		    "probe source of at least one family", l->name);
	if (l->source4.family != 0 && !lane_covers(l, &l->source4))
		conf_fail(ld, l->source4_line, "source4: %s is not inside [lane %s]'s test_ranges",
		    tp_addr_format(&l->source4, buf, sizeof(buf)), l->name);
	if (l->source6.family != 0 && !lane_covers(l, &l->source6))
		conf_fail(ld, l->source6_line, "source6: %s is not inside [lane %s]'s test_ranges",
		    tp_addr_format(&l->source6, buf, sizeof(buf)), l->name);
}

/* The lane's ranges against the earlier lanes' and [campaign] test_ranges. */
static void
lane_check_ranges(struct conf_load *ld, size_t j)
{
	const struct tp_conf *c = ld->c;
	const struct tp_lane_conf *l = &c->lanes[j], *o;
	char a[TP_PREFIX_STRLEN], b[TP_PREFIX_STRLEN];
	size_t i, k, m;
	int explicit = conf_key_line(ld, "test_ranges");

	for (i = 0; i < l->ntest_ranges; i++) {
		const struct tp_prefix *p = &l->test_ranges[i];

		if (explicit && !tp_conf_in_test_ranges(c, p))
			conf_fail(ld, l->ranges_line, "test_ranges: %s is not inside [campaign] "
			    "test_ranges (line %d)", tp_prefix_format(p, a, sizeof(a)), explicit);
		for (k = 0; k < j; k++) {
			o = &c->lanes[k];
			for (m = 0; m < o->ntest_ranges; m++)
				if (tp_prefix_covers(p, &o->test_ranges[m]) ||
				    tp_prefix_covers(&o->test_ranges[m], p))
					conf_fail(ld, l->ranges_line, "test_ranges: %s overlaps "
					    "[lane %s]'s %s (line %d); lanes must not share "
					    "addresses", tp_prefix_format(p, a, sizeof(a)), o->name,
					    tp_prefix_format(&o->test_ranges[m], b, sizeof(b)),
					    o->ranges_line);
		}
	}
}

/* Fill the lane's protocols per site from protocols and protocols.SITE. */
static void
lane_resolve_protocols(struct conf_load *ld, struct tp_lane_conf *l)
{
	const struct tp_conf *c = ld->c;
	size_t i, k;

	for (k = 0; k < l->noverrides; k++)
		if (tp_conf_site(c, l->overrides[k].site) == NULL)
			conf_fail(ld, l->overrides[k].line, "protocols.%s: no [site %s] in this "
			    "file", l->overrides[k].site, l->overrides[k].site);
	l->site_protocols = xcalloc(c->nsites + 1, sizeof(char **));
	l->site_nprotocols = xcalloc(c->nsites + 1, sizeof(size_t));
	for (i = 0; i < c->nsites; i++) {
		char *const *v = l->protocols;
		size_t n = l->nprotocols;

		for (k = 0; k < l->noverrides; k++)
			if (strcmp(l->overrides[k].site, c->sites[i].name) == 0) {
				v = l->overrides[k].protocols;
				n = l->overrides[k].nprotocols;
			}
		if (v == NULL)
			conf_fail(ld, l->line, "[lane %s]: no protocols for site %s: give protocols "
			    "(or protocols.%s)", l->name, c->sites[i].name, c->sites[i].name);
		l->site_protocols[i] = strings_copy(v, n);
		l->site_nprotocols[i] = n;
	}
}

/*
 * A site's test protocols with lanes: the ones its protocols key names (if
 * any), then every lane's there. A protocol in two lanes at one site
 * would withdraw both at once: refused.
 */
static void
site_add_lane_protocols(struct conf_load *ld, size_t i)
{
	struct tp_conf *c = ld->c;
	struct tp_site_conf *s = &c->sites[i];
	size_t j, k, m;

	if (s->protocols_line == 0) {
		free_strings(s->protocols, s->nprotocols);
		s->protocols = NULL;
		s->nprotocols = 0;
	}
	for (j = 0; j < c->nlanes; j++)
		for (k = 0; k < c->lanes[j].site_nprotocols[i]; k++) {
			const char *p = c->lanes[j].site_protocols[i][k];
			size_t l;

			for (l = 0; l < j; l++)
				for (m = 0; m < c->lanes[l].site_nprotocols[i]; m++)
					if (strcmp(c->lanes[l].site_protocols[i][m], p) == 0)
						conf_fail(ld, c->lanes[j].line, "[lane %s]: protocol "
						    "%s at site %s is also [lane %s]'s; each lane "
						    "needs its own", c->lanes[j].name, p, s->name,
						    c->lanes[l].name);
			for (m = 0; m < s->nprotocols; m++)
				if (strcmp(s->protocols[m], p) == 0)
					break;
			if (m < s->nprotocols)
				continue;
			s->protocols = xreallocarray(s->protocols, s->nprotocols + 1,
			    sizeof(char *));
			s->protocols[s->nprotocols++] = xstrdup(p);
		}
}

/*
 * [campaign] test_ranges and sources with lanes: unless the file sets
 * them, the lanes' ranges, and the first lane's source of each family.
 */
static void
campaign_from_lanes(struct conf_load *ld)
{
	struct tp_conf *c = ld->c;
	size_t j, n = 0;
	int set4 = conf_key_line(ld, "source4"), set6 = conf_key_line(ld, "source6");

	if (conf_key_line(ld, "test_ranges") == 0) {
		for (j = 0; j < c->nlanes; j++)
			n += c->lanes[j].ntest_ranges;
		free(c->test_ranges);
		c->test_ranges = xcalloc(n + 1, sizeof(*c->test_ranges));
		c->ntest_ranges = 0;
		for (j = 0; j < c->nlanes; j++) {
			memcpy(c->test_ranges + c->ntest_ranges, c->lanes[j].test_ranges,
			    c->lanes[j].ntest_ranges * sizeof(*c->test_ranges));
			c->ntest_ranges += c->lanes[j].ntest_ranges;
		}
	}
	if (!set4)
		memset(&c->source4, 0, sizeof(c->source4));
	if (!set6)
		memset(&c->source6, 0, sizeof(c->source6));
	for (j = c->nlanes; j-- > 0;) {
		if (!set4 && c->lanes[j].source4.family != 0)
			c->source4 = c->lanes[j].source4;
		if (!set6 && c->lanes[j].source6.family != 0)
			c->source6 = c->lanes[j].source6;
	}
}

/* The latest line among the pacing keys set, or 1. */
static int
pacing_line(const struct conf_load *ld)
{
	static const char *const keys[] = { "min_change_interval", "damping_penalty",
		"damping_announce_penalty", "damping_half_life", "damping_suppress",
		"damping_reuse", "damping_ceiling" };
	size_t i;
	int line = 0, l;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((l = conf_key_line(ld, keys[i])) > line)
			line = l;
	return line ? line : 1;
}

/*
 * The dead-man must outlast the longest a scenario holds its withdrawal:
 * settle + converge_timeout, and at least min_change_interval (pacing
 * holds it that long). Otherwise BIRD would re-announce mid-scenario.
 */
static void
check_deadman(struct conf_load *ld)
{
	const struct tp_conf *c = ld->c;
	double converge = (double)c->settle + c->converge_timeout;
	double hold = pacing_hold(&c->pacing, converge);
	int line;

	if (c->deadman > hold)
		return;
	if ((line = conf_key_line(ld, "deadman")) == 0 &&
	    (line = conf_key_line(ld, hold > converge ? "min_change_interval" :
	    "converge_timeout")) == 0)
		line = conf_key_line(ld, "settle");
	if (hold > converge)
		conf_fail(ld, line, "deadman: %u s is not longer than min_change_interval (%g s), "
		    "the least a scenario holds its withdrawal; BIRD would re-announce in the "
		    "middle of a scenario", c->deadman, c->pacing.min_change_interval);
	else
		conf_fail(ld, line, "deadman: %u s is not longer than settle + converge_timeout "
		    "(%u s); BIRD would re-announce in the middle of a scenario", c->deadman,
		    c->settle + c->converge_timeout);
}

/* Everything about lanes, pacing and the dead-man, once the file is read. */
void
lanes_check(struct conf_load *ld)
{
	struct tp_conf *c = ld->c;
	struct tp_err why;
	size_t j, i;

	if (c->nlanes == 0) {
		lane_default(c);
	} else {
		for (j = 0; j < c->nlanes; j++) {
			lane_check_own(ld, &c->lanes[j]);
			lane_check_ranges(ld, j);
			lane_resolve_protocols(ld, &c->lanes[j]);
		}
		if (ld->err_line != 0)
			return;
		for (i = 0; i < c->nsites; i++)
			site_add_lane_protocols(ld, i);
		campaign_from_lanes(ld);
	}
	if (pacing_check(&c->pacing, &why) < 0)
		conf_fail(ld, pacing_line(ld), "%s", why.msg);
	check_deadman(ld);
}
