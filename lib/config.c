/* config.c: tp.conf's defaults, lookups and freeing (see config.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "config_load.h"
#include "defaults.h"
#include "name_index.h"
#include "xalloc.h"

/* 1 when s is a safe site or protocol name (see config.h). */
int
tp_name_valid(const char *s)
{
	size_t i;

	if (s == NULL || !isalnum((unsigned char)s[0]))
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char ch = s[i];

		if (i >= 63)
			return 0;
		if (!(ch < 0x80 && (isalnum(ch) || ch == '_' || ch == '.' || ch == '-')))
			return 0;
	}
	return 1;
}

/* Free a list of n strings. */
void
free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Set a site's defaults: run here, the two standard protocols, any interface. */
void
site_defaults(struct tp_site_conf *s, const char *name, int line)
{
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	s->exec = xstrdup("");
	s->nprotocols = 2;
	s->protocols = xreallocarray(NULL, 2, sizeof(char *));
	s->protocols[0] = xstrdup("tp_anycast4");
	s->protocols[1] = xstrdup("tp_anycast6");
	s->interface = xstrdup("any");
	s->line = line;
}

/* Free what one site holds. */
static void
site_free(struct tp_site_conf *s)
{
	free(s->name);
	free(s->exec);
	free(s->bird_socket);
	free_strings(s->protocols, s->nprotocols);
	free(s->interface);
}

/* Set every default of the [campaign] section; no sites. */
void
tp_conf_defaults(struct tp_conf *c)
{
	struct tp_err err;

	memset(c, 0, sizeof(*c));
	c->database = xstrdup(TP_DEFAULT_DATABASE);
	c->key_file = xstrdup(TP_DEFAULT_KEY_FILE);
	c->exclude = xstrdup(TP_DEFAULT_EXCLUDE);
	c->bindir = xstrdup("");
	c->ntest_ranges = 2;
	c->test_ranges = xreallocarray(NULL, 2, sizeof(*c->test_ranges));
	if (tp_prefix_parse(TP_DEFAULT_RANGE4, &c->test_ranges[0], &err) < 0 ||
	    tp_prefix_parse(TP_DEFAULT_RANGE6, &c->test_ranges[1], &err) < 0 ||
	    tp_addr_parse(TP_DEFAULT_SOURCE4, &c->source4, &err) < 0 ||
	    tp_addr_parse(TP_DEFAULT_SOURCE6, &c->source6, &err) < 0)
		abort();	/* constants: a broken addr.c, not a user error */
	c->prober = NULL;	/* the first site, filled in by tp_conf_load */
	c->rate = TP_DEFAULT_RATE;
	c->probe_min_gap = TP_DEFAULT_PROBE_MIN_GAP;
	c->listen_buffer_size = TP_DEFAULT_LISTEN_BUFFER_MB;
	c->min_announcing = 2;
	c->deadman = 900;
	c->settle = 10;
	c->sample_interval = 5;
	c->sample_size = 500;
	c->converge_timeout = 300;
	c->tolerance = 0.01;
	c->control_share = 0.05;
	c->control_per_site = 200;
	c->listen_grace = 2;
	c->site_timeout = 120;
	c->listener_failure = TP_LISTENER_STOP;
	c->single = xstrdup("all");
	c->sets = xstrdup("");
	c->chains = 0;
	c->explore = 0;
	c->explore_size = 2;
	c->probes_per_target = 1;
	c->validate = 0;
	pacing_defaults(&c->pacing);
}

/* Free everything c holds and zero it; safe to call twice. */
void
tp_conf_free(struct tp_conf *c)
{
	size_t i;

	free(c->path);
	free(c->database);
	free(c->key_file);
	free(c->exclude);
	free(c->bindir);
	free(c->report_html);
	free(c->probe_methods);
	free(c->metrics_file);
	free(c->probe_user);
	free(c->test_ranges);
	free(c->prober);
	free(c->single);
	free(c->sets);
	for (i = 0; i < c->nsites; i++)
		site_free(&c->sites[i]);
	free(c->sites);
	for (i = 0; i < c->nlanes; i++)
		lane_free(&c->lanes[i]);
	free(c->lanes);
	tp_name_index_free(c->site_index);
	memset(c, 0, sizeof(*c));
}

/* The site called name, or NULL (by the index when tp_conf_load built one). */
const struct tp_site_conf *
tp_conf_site(const struct tp_conf *c, const char *name)
{
	size_t i;

	if (c->site_index != NULL)
		return tp_name_index_find(c->site_index, name, &i) ? &c->sites[i] : NULL;
	for (i = 0; i < c->nsites; i++)
		if (strcmp(c->sites[i].name, name) == 0)
			return &c->sites[i];
	return NULL;
}

/* 1 when p lies wholly inside one of the test ranges. */
int
tp_conf_in_test_ranges(const struct tp_conf *c, const struct tp_prefix *p)
{
	size_t i;

	for (i = 0; i < c->ntest_ranges; i++)
		if (tp_prefix_covers(&c->test_ranges[i], p))
			return 1;
	return 0;
}

/* 1 when the config measures the family: it has a probe source for it. */
int
tp_conf_has_family(const struct tp_conf *c, int family)
{
	return (family == AF_INET ? c->source4.family : c->source6.family) == family;
}

/* 1 when the lane measures the family: it has a probe source for it. */
int
tp_lane_has_family(const struct tp_lane_conf *l, int family)
{
	return (family == AF_INET ? l->source4.family : l->source6.family) == family;
}

/* The lane called name, or NULL. */
const struct tp_lane_conf *
tp_conf_lane(const struct tp_conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nlanes; i++)
		if (strcmp(c->lanes[i].name, name) == 0)
			return &c->lanes[i];
	return NULL;
}
