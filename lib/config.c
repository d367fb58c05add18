/*
 * config.c: read tp.conf, the campaign's configuration (see tp.conf(5)).
 *
 * inih does the key = value parsing. Its line source is our own reader,
 * which counts lines (so every message can name FILE:LINE), strips leading
 * blanks (so an indented key is never taken as a continuation line), rejects
 * lines too long for inih's buffer, and notices section headers, so that a
 * [site NAME] without keys still counts. Every key is one row of conf_keys;
 * the row says where its value goes and how it is checked.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <ini.h>

#include "config.h"
#include "name_index.h"
#include "xalloc.h"

enum conf_section {
	SEC_CAMPAIGN,
	SEC_SITE,
};

enum conf_type {
	T_PATH,		/* a non-empty string */
	T_STRING,	/* a string, may be empty */
	T_NAME,		/* one tp_name_valid name */
	T_NAMES,	/* space-separated names, at least one (char **, size_t) */
	T_IFNAME,	/* an interface name */
	T_PREFIXES,	/* space-separated prefixes (struct tp_prefix *, size_t) */
	T_ADDR4,	/* an IPv4 address */
	T_ADDR6,	/* an IPv6 address */
	T_UINT,		/* unsigned, min..max */
	T_DOUBLE,	/* finite double, min..max */
	T_SINGLE,	/* "all", "none" or "A,B,..." */
	T_SETS,		/* "A+B, C+D+E" or "" */
	T_CHOICE,	/* one word of choices, stored as its index (unsigned) */
};

/* One key: its section, name, type, where it lives and its bounds. */
struct conf_key {
	enum conf_section section;
	const char *name;
	enum conf_type type;
	size_t off;		/* into struct tp_conf or struct tp_site_conf */
	size_t count_off;	/* the size_t count of a T_NAMES or T_PREFIXES list */
	double min, max;	/* for T_UINT and T_DOUBLE */
	const char *choices;	/* for T_CHOICE: the words, blank-separated, in enum order */
};

#define CK(key, type, field, min, max) \
	{ SEC_CAMPAIGN, key, type, offsetof(struct tp_conf, field), 0, min, max, NULL }
#define SK(key, type, field, min, max) \
	{ SEC_SITE, key, type, offsetof(struct tp_site_conf, field), 0, min, max, NULL }

static const struct conf_key conf_keys[] = {
	CK("database",		T_PATH,		database,		0, 0),
	CK("key_file",		T_PATH,		key_file,		0, 0),
	CK("exclude",		T_PATH,		exclude,		0, 0),
	CK("bindir",		T_STRING,	bindir,			0, 0),
	CK("probe_user",	T_NAME,		probe_user,		0, 0),
	{ SEC_CAMPAIGN, "test_ranges", T_PREFIXES, offsetof(struct tp_conf, test_ranges),
	    offsetof(struct tp_conf, ntest_ranges), 0, 0, NULL },
	CK("source4",		T_ADDR4,	source4,		0, 0),
	CK("source6",		T_ADDR6,	source6,		0, 0),
	CK("prober",		T_NAME,		prober,			0, 0),
	CK("rate",		T_UINT,		rate,			1, 10000000),
	CK("min_announcing",	T_UINT,		min_announcing,		1, 1000),
	CK("deadman",		T_UINT,		deadman,		10, 86400),
	CK("settle",		T_UINT,		settle,			0, 3600),
	CK("sample_interval",	T_UINT,		sample_interval,	1, 3600),
	CK("sample_size",	T_UINT,		sample_size,		1, 10000000),
	CK("converge_timeout",	T_UINT,		converge_timeout,	1, 86400),
	CK("tolerance",		T_DOUBLE,	tolerance,		0, 1),
	CK("control_share",	T_DOUBLE,	control_share,		0, 1),
	CK("control_per_site",	T_UINT,		control_per_site,	0, 10000000),
	CK("listen_grace",	T_UINT,		listen_grace,		0, 600),
	CK("site_timeout",	T_UINT,		site_timeout,		1, 86400),
	CK("busy_timeout",	T_UINT,		busy_timeout,		1, 86400),
	CK("single",		T_SINGLE,	single,			0, 0),
	CK("sets",		T_SETS,		sets,			0, 0),
	CK("chains",		T_UINT,		chains,			0, 64),
	CK("explore",		T_UINT,		explore,		0, 100000),
	CK("explore_size",	T_UINT,		explore_size,		1, 64),
	CK("retain_days",	T_UINT,		retain_days,		0, 36500),
	CK("report_html",	T_PATH,		report_html,		0, 0),
	{ SEC_CAMPAIGN, "listener_failure", T_CHOICE, offsetof(struct tp_conf, listener_failure),
	    0, 0, 0, "stop continue" },
	SK("exec",		T_STRING,	exec,			0, 0),
	SK("bird_socket",	T_PATH,		bird_socket,		0, 0),
	{ SEC_SITE, "protocols", T_NAMES, offsetof(struct tp_site_conf, protocols),
	    offsetof(struct tp_site_conf, nprotocols), 0, 0, NULL },
	SK("interface",		T_IFNAME,	interface,		0, 0),
	SK("capacity",		T_DOUBLE,	capacity,		0, 1e15),
};

#define NKEYS (sizeof(conf_keys) / sizeof(conf_keys[0]))

/* Where the reader and the handler are, and the first error found. */
struct conf_load {
	struct tp_conf *c;
	FILE *f;
	char *buf;		/* getline buffer */
	size_t bufsize;
	int line;		/* line last handed to inih */
	enum { IN_NONE, IN_CAMPAIGN, IN_SITE, IN_BAD } in;
	int key_line[NKEYS];	/* campaign keys: line where set, 0 = not set */
	int site_key_line[NKEYS];	/* the same for the current site */
	int err_line;		/* first error, 0 = none */
	struct tp_err err;
	size_t sites_cap;	/* room in c->sites */
	size_t sets_len, sets_cap;	/* c->sets's length and room, once appended to */
};

/* Record an error at line unless an earlier one is already recorded; returns 0 for inih. */
static int __attribute__((format(printf, 3, 4)))
conf_fail(struct conf_load *ld, int line, const char *fmt, ...)
{
	va_list ap;

	if (line < 1)
		line = 1;	/* cannot happen: every check names a key that was set */
	if (ld->err_line != 0 && ld->err_line <= line)
		return 0;
	ld->err_line = line;
	va_start(ap, fmt);
	vsnprintf(ld->err.msg, sizeof(ld->err.msg), fmt, ap);
	va_end(ap);
	return 0;
}

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
static void
free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Set a site's defaults: run here, the two standard protocols, any interface. */
static void
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
	c->database = xstrdup(LOCALSTATEDIR "/lib/traffic-predictor/tp.db");
	c->key_file = xstrdup(SYSCONFDIR "/traffic-predictor/probe.key");
	c->exclude = xstrdup(PKGDATADIR "/exclude.conf");
	c->bindir = xstrdup("");
	c->ntest_ranges = 2;
	c->test_ranges = xreallocarray(NULL, 2, sizeof(*c->test_ranges));
	if (tp_prefix_parse("192.0.2.0/24", &c->test_ranges[0], &err) < 0 ||
	    tp_prefix_parse("2001:db8:ffff::/48", &c->test_ranges[1], &err) < 0 ||
	    tp_addr_parse("192.0.2.1", &c->source4, &err) < 0 ||
	    tp_addr_parse("2001:db8:ffff::1", &c->source6, &err) < 0)
		abort();	/* constants: a broken addr.c, not a user error */
	c->prober = NULL;	/* the first site, filled in by tp_conf_load */
	c->rate = 10000;
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
	free(c->probe_user);
	free(c->test_ranges);
	free(c->prober);
	free(c->single);
	free(c->sets);
	free(c->report_html);
	for (i = 0; i < c->nsites; i++)
		site_free(&c->sites[i]);
	free(c->sites);
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

/* 1 when the config measures the family: it has a probe source for it. */
int
tp_conf_has_family(const struct tp_conf *c, int family)
{
	return (family == AF_INET ? c->source4.family : c->source6.family) == family;
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

/* Split s on any of the characters in sep, dropping empty pieces; returns the count. */
static size_t
split_words(char *s, const char *sep, char ***out)
{
	char **v = NULL, *save = NULL, *w;
	size_t n = 0;

	for (w = strtok_r(s, sep, &save); w != NULL; w = strtok_r(NULL, sep, &save)) {
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = w;
	}
	*out = v;
	return n;
}

/* Trim blanks off both ends of s in place; returns the start. */
static char *
trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* Check a name, saying what is wrong with it. */
static int
check_name(struct conf_load *ld, const char *key, const char *what, const char *s)
{
	if (tp_name_valid(s))
		return 1;
	return conf_fail(ld, ld->line, "%s: bad %s \"%.63s\": use 1 to 63 characters "
	    "of A-Z a-z 0-9 _ . - starting with a letter or digit", key, what, s);
}

/*
 * Check a comma-separated list of site names (single) or of '+'-joined
 * sets (sets); each name at most once per set.
 */
static int
check_site_list(struct conf_load *ld, const struct conf_key *k, const char *value)
{
	char *copy = xstrdup(value), **sets, **names;
	size_t nsets, nnames, i, j, m;
	int ok = 1;

	nsets = split_words(copy, ",", &sets);
	for (i = 0; ok && i < nsets; i++) {
		char *set = trim(sets[i]);

		if (*set == '\0')
			continue;
		if (k->type == T_SINGLE && strchr(set, '+') != NULL) {
			ok = conf_fail(ld, ld->line, "%s: \"%s\" is a set; list sets "
			    "under sets", k->name, set);
			break;
		}
		nnames = split_words(set, "+", &names);
		for (j = 0; ok && j < nnames; j++) {
			names[j] = trim(names[j]);
			ok = check_name(ld, k->name, "site name", names[j]);
			for (m = 0; ok && m < j; m++)
				if (strcmp(names[m], names[j]) == 0)
					ok = conf_fail(ld, ld->line, "%s: site %s "
					    "twice in one set", k->name, names[j]);
		}
		if (ok && nnames == 0)
			ok = conf_fail(ld, ld->line, "%s: empty set", k->name);
		free(names);
	}
	if (ok && nsets == 0 && k->type == T_SINGLE)
		ok = conf_fail(ld, ld->line, "%s: empty; use all, none or "
		    "a comma-separated list of sites", k->name);
	free(sets);
	free(copy);
	return ok;
}

/* Parse an unsigned decimal within k's bounds into *out. */
static int
parse_uint(struct conf_load *ld, const struct conf_key *k, const char *v, unsigned *out)
{
	unsigned long long n;
	char *end;

	if (!isdigit((unsigned char)v[0]))
		return conf_fail(ld, ld->line, "%s: \"%.40s\" is not a whole number "
		    "from %.0f to %.0f", k->name, v, k->min, k->max);
	errno = 0;
	n = strtoull(v, &end, 10);
	if (*end != '\0')
		return conf_fail(ld, ld->line, "%s: \"%.40s\" is not a whole number "
		    "from %.0f to %.0f", k->name, v, k->min, k->max);
	if (errno == ERANGE || n < k->min || n > k->max)
		return conf_fail(ld, ld->line, "%s: %.40s is out of range "
		    "(%.0f to %.0f)", k->name, v, k->min, k->max);
	*out = (unsigned)n;
	return 1;
}

/* Parse a finite number within k's bounds into *out. */
static int
parse_double(struct conf_load *ld, const struct conf_key *k, const char *v, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (end == v || *end != '\0' || !isfinite(d))
		return conf_fail(ld, ld->line, "%s: \"%.40s\" is not a number",
		    k->name, v);
	if (d < k->min || d > k->max)
		return conf_fail(ld, ld->line, "%s: %.40s is out of range (%g to %g)",
		    k->name, v, k->min, k->max);
	*out = d;
	return 1;
}

/* Parse space-separated prefixes into a fresh array. */
static int
parse_prefixes(struct conf_load *ld, const struct conf_key *k, const char *v,
    struct tp_prefix **out, size_t *count)
{
	char *copy = xstrdup(v), **words;
	struct tp_prefix *p;
	struct tp_err why;
	size_t n, i;

	n = split_words(copy, " \t", &words);
	if (n == 0) {
		free(words);
		free(copy);
		return conf_fail(ld, ld->line, "%s: needs at least one prefix", k->name);
	}
	p = xreallocarray(NULL, n, sizeof(*p));
	for (i = 0; i < n; i++) {
		why.msg[0] = '\0';
		if (tp_prefix_parse(words[i], &p[i], &why) < 0) {
			conf_fail(ld, ld->line, "%s: %s", k->name, why.msg);
			free(p);
			free(words);
			free(copy);
			return 0;
		}
	}
	free(*out);
	*out = p;
	*count = n;
	free(words);
	free(copy);
	return 1;
}

/* Parse space-separated names (no repeats) into a fresh string array. */
static int
parse_names(struct conf_load *ld, const struct conf_key *k, const char *v,
    char ***out, size_t *count)
{
	char *copy = xstrdup(v), **words, **names;
	size_t n, i, j;
	int ok = 1;

	n = split_words(copy, " \t", &words);
	if (n == 0)
		ok = conf_fail(ld, ld->line, "%s: needs at least one name", k->name);
	for (i = 0; ok && i < n; i++) {
		ok = check_name(ld, k->name, "name", words[i]);
		for (j = 0; ok && j < i; j++)
			if (strcmp(words[i], words[j]) == 0)
				ok = conf_fail(ld, ld->line, "%s: %s listed twice",
				    k->name, words[i]);
	}
	if (ok) {
		names = xreallocarray(NULL, n, sizeof(*names));
		for (i = 0; i < n; i++)
			names[i] = xstrdup(words[i]);
		free_strings(*out, *count);
		*out = names;
		*count = n;
	}
	free(words);
	free(copy);
	return ok;
}

/* Parse an address of one family. */
static int
parse_addr(struct conf_load *ld, const struct conf_key *k, const char *v, int family,
    struct tp_addr *out)
{
	struct tp_addr a;
	struct tp_err why;

	why.msg[0] = '\0';
	if (tp_addr_parse(v, &a, &why) < 0)
		return conf_fail(ld, ld->line, "%s: %s", k->name, why.msg);
	if (a.family != family)
		return conf_fail(ld, ld->line, "%s: %.50s is not an %s address",
		    k->name, v, family == AF_INET ? "IPv4" : "IPv6");
	*out = a;
	return 1;
}

/* Store the index of v among k's choices into *out. */
static int
parse_choice(struct conf_load *ld, const struct conf_key *k, const char *v, unsigned *out)
{
	const char *w = k->choices;
	unsigned i;
	size_t len;

	for (i = 0; *w != '\0'; i++) {
		len = strcspn(w, " ");
		if (strlen(v) == len && strncmp(v, w, len) == 0) {
			*out = i;
			return 1;
		}
		w += len + (w[len] == ' ');
	}
	return conf_fail(ld, ld->line, "%s: \"%.40s\" is not one of: %s", k->name, v,
	    k->choices);
}

/* Replace the string at *slot with a copy of v. */
static int
set_string(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup(v);
	return 1;
}

/* Check value against k's type and store it at base + k->off. */
static int
conf_set(struct conf_load *ld, const struct conf_key *k, char *base, const char *v)
{
	void *field = base + k->off;

	switch (k->type) {
	case T_PATH:
		if (*v == '\0')
			return conf_fail(ld, ld->line, "%s: empty; give a path", k->name);
		return set_string(field, v);
	case T_STRING:
		return set_string(field, v);
	case T_NAME:
		return check_name(ld, k->name, "name", v) && set_string(field, v);
	case T_IFNAME:
		if (strlen(v) > 15)
			return conf_fail(ld, ld->line, "%s: \"%.40s\" is longer than "
			    "15 characters", k->name, v);
		return check_name(ld, k->name, "interface name", v) &&
		    set_string(field, v);
	case T_NAMES:
		return parse_names(ld, k, v, field, (size_t *)(base + k->count_off));
	case T_PREFIXES:
		return parse_prefixes(ld, k, v, field, (size_t *)(base + k->count_off));
	case T_ADDR4:
		return parse_addr(ld, k, v, AF_INET, field);
	case T_ADDR6:
		return parse_addr(ld, k, v, AF_INET6, field);
	case T_UINT:
		return parse_uint(ld, k, v, field);
	case T_DOUBLE:
		return parse_double(ld, k, v, field);
	case T_SINGLE:
	case T_SETS:
		return check_site_list(ld, k, v) && set_string(field, v);
	case T_CHOICE:
		return parse_choice(ld, k, v, field);
	}
	abort();
}

/*
 * A second `sets` line adds its sets to the first one's, so that long
 * lists fit the line length. The string grows by doubling, so that 40,000
 * lines cost no more than one long one.
 */
static int
append_sets(struct conf_load *ld, const struct conf_key *k, char *base, const char *v)
{
	char **slot = (char **)(base + k->off);
	size_t vlen = strlen(v);

	if (!check_site_list(ld, k, v))
		return 0;
	if (*v == '\0')
		return 1;
	if (ld->sets_cap == 0) {
		ld->sets_len = strlen(*slot);
		ld->sets_cap = ld->sets_len + 1;
	}
	while (ld->sets_len + vlen + 3 > ld->sets_cap) {
		ld->sets_cap *= 2;
		*slot = xreallocarray(*slot, ld->sets_cap, 1);
	}
	if (ld->sets_len > 0) {
		memcpy(*slot + ld->sets_len, ", ", 2);
		ld->sets_len += 2;
	}
	memcpy(*slot + ld->sets_len, v, vlen + 1);
	ld->sets_len += vlen;
	return 1;
}

/* Start the section named by a header's text (between the brackets). */
static void
conf_section_begin(struct conf_load *ld, char *text)
{
	struct tp_conf *c = ld->c;
	const struct tp_site_conf *dup;
	char *name;

	text = trim(text);
	ld->in = IN_BAD;
	if (strcmp(text, "campaign") == 0) {
		ld->in = IN_CAMPAIGN;
		return;
	}
	if (strncmp(text, "site", 4) != 0 || (text[4] != '\0' && text[4] != ' ' &&
	    text[4] != '\t')) {
		conf_fail(ld, ld->line, "[%.60s]: unknown section; use [campaign] or "
		    "[site NAME]", text);
		return;
	}
	name = trim(text + 4);
	if (*name == '\0') {
		conf_fail(ld, ld->line, "[site]: the section needs a name: [site NAME]");
		return;
	}
	if (!tp_name_valid(name)) {
		conf_fail(ld, ld->line, "[site %.63s]: bad site name: use 1 to 63 "
		    "characters of A-Z a-z 0-9 _ . - starting with a letter or digit",
		    name);
		return;
	}
	if ((dup = tp_conf_site(c, name)) != NULL) {
		conf_fail(ld, ld->line, "[site %s]: duplicate site (first on line %d)",
		    name, dup->line);
		return;
	}
	if (c->nsites == ld->sites_cap) {
		ld->sites_cap = ld->sites_cap ? ld->sites_cap * 2 : 16;
		c->sites = xreallocarray(c->sites, ld->sites_cap, sizeof(*c->sites));
	}
	site_defaults(&c->sites[c->nsites], name, ld->line);
	tp_name_index_add(c->site_index, c->sites[c->nsites].name, c->nsites, NULL);
	c->nsites++;
	memset(ld->site_key_line, 0, sizeof(ld->site_key_line));
	ld->in = IN_SITE;
}

/*
 * inih's line source: hands over one line, without its leading blanks, and
 * keeps count. A header line starts its section here.
 */
static char *
conf_reader(char *str, int num, void *stream)
{
	struct conf_load *ld = stream;
	ssize_t len;
	char *s, *end;

	if ((len = getline(&ld->buf, &ld->bufsize, ld->f)) == -1)
		return NULL;
	ld->line++;
	s = ld->buf;
	if (ld->line == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;		/* UTF-8 byte order mark */
	if ((size_t)len != strlen(ld->buf)) {
		conf_fail(ld, ld->line, "NUL byte in line");
		s = "";
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (strlen(s) + 1 >= (size_t)num) {
		conf_fail(ld, ld->line, "line longer than %d characters", num - 3);
		s = "";
	}
	if (*s == '[' && (end = strchr(s, ']')) != NULL) {
		char *text = xstrdup(s + 1);

		text[end - s - 1] = '\0';
		conf_section_begin(ld, text);
		free(text);
	}
	memcpy(str, s, strlen(s) + 1);
	return str;
}

/* inih's handler: one key = value in the section the reader last started. */
static int
conf_handler(void *user, const char *section, const char *name, const char *value)
{
	struct conf_load *ld = user;
	enum conf_section want;
	int *lines;
	char *base;
	size_t i;

	(void)section;		/* the reader tracks sections itself */
	switch (ld->in) {
	case IN_NONE:
		return conf_fail(ld, ld->line, "%s: key outside any section; put it "
		    "under [campaign] or [site NAME]", name);
	case IN_BAD:
		return 0;	/* the header's error is already recorded */
	case IN_CAMPAIGN:
		want = SEC_CAMPAIGN;
		base = (char *)ld->c;
		lines = ld->key_line;
		break;
	case IN_SITE:
	default:
		want = SEC_SITE;
		base = (char *)&ld->c->sites[ld->c->nsites - 1];
		lines = ld->site_key_line;
		break;
	}
	for (i = 0; i < NKEYS; i++)
		if (conf_keys[i].section == want && strcmp(conf_keys[i].name, name) == 0)
			break;
	if (i == NKEYS)
		return conf_fail(ld, ld->line, "%s: unknown key in [%s]; see tp.conf(5)",
		    name, want == SEC_CAMPAIGN ? "campaign" : "site NAME");
	if (lines[i] != 0 && conf_keys[i].type == T_SETS)
		return append_sets(ld, &conf_keys[i], base, value);
	if (lines[i] != 0)
		return conf_fail(ld, ld->line, "%s: set twice (first on line %d)",
		    name, lines[i]);
	lines[i] = ld->line;
	return conf_set(ld, &conf_keys[i], base, value);
}

/* Line where campaign key name was set, or 0. */
static int
key_line(const struct conf_load *ld, const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (conf_keys[i].section == SEC_CAMPAIGN &&
		    strcmp(conf_keys[i].name, name) == 0)
			return ld->key_line[i];
	return 0;
}

/* Every site named in single or sets (value of key) must exist. */
static int
check_sites_known(struct conf_load *ld, const char *key, const char *value)
{
	char *copy, *p, *save = NULL;
	int ok = 1;

	if (strcmp(key, "single") == 0 &&
	    (strcmp(value, "all") == 0 || strcmp(value, "none") == 0))
		return 1;
	copy = xstrdup(value);
	for (p = strtok_r(copy, ",+ \t", &save); ok && p != NULL;
	    p = strtok_r(NULL, ",+ \t", &save))
		if (tp_conf_site(ld->c, p) == NULL)
			ok = conf_fail(ld, key_line(ld, key), "%s: no [site %s] "
			    "in this file", key, p);
	free(copy);
	return ok;
}

/*
 * Check a probe source (source4 or source6, named key) against test_ranges.
 * A default source of a family that test_ranges does not cover is dropped
 * (family 0: that family is not measured); one set in the file must lie
 * inside test_ranges.
 */
static void
check_source(struct conf_load *ld, struct tp_addr *source, const char *key)
{
	struct tp_prefix p;
	size_t i;
	int line = key_line(ld, key), covered = 0;

	for (i = 0; i < ld->c->ntest_ranges; i++)
		if (ld->c->test_ranges[i].addr.family == source->family)
			covered = 1;
	if (!covered && line == 0) {
		memset(source, 0, sizeof(*source));
		return;
	}
	p.addr = *source;
	p.len = source->family == AF_INET ? 32 : 128;
	if (!tp_conf_in_test_ranges(ld->c, &p))
		conf_fail(ld, line ? line : key_line(ld, "test_ranges"),
		    "%s: not inside test_ranges", key);
}

/* Check what involves more than one key, once the whole file is read. */
static void
conf_check(struct conf_load *ld)
{
	struct tp_conf *c = ld->c;
	size_t i;
	int line;

	for (i = 0; i < c->nsites; i++)
		if (c->sites[i].bird_socket == NULL)
			conf_fail(ld, c->sites[i].line, "bird_socket: missing in "
			    "[site %s]; give the path of BIRD's control socket "
			    "at the site", c->sites[i].name);
	if (c->prober != NULL && tp_conf_site(c, c->prober) == NULL)
		conf_fail(ld, key_line(ld, "prober"), "prober: no [site %s] in this "
		    "file", c->prober);
	if (c->prober == NULL && c->nsites > 0)
		c->prober = xstrdup(c->sites[0].name);
	if (c->min_announcing < 1)
		conf_fail(ld, key_line(ld, "min_announcing"),
		    "min_announcing: must be at least 1");
	check_sites_known(ld, "single", c->single);
	check_sites_known(ld, "sets", c->sets);
	check_source(ld, &c->source4, "source4");
	check_source(ld, &c->source6, "source6");
	if (c->source4.family == 0 && c->source6.family == 0)
		conf_fail(ld, key_line(ld, "test_ranges"), "test_ranges: no range of "
		    "either family");
	if (c->deadman <= c->settle + c->converge_timeout) {
		if ((line = key_line(ld, "deadman")) == 0 &&
		    (line = key_line(ld, "converge_timeout")) == 0)
			line = key_line(ld, "settle");
		conf_fail(ld, line,
		    "deadman: %u s is not longer than settle + converge_timeout "
		    "(%u s); BIRD would re-announce in the middle of a scenario",
		    c->deadman, c->settle + c->converge_timeout);
	}
}

/*
 * Read path into c, defaults first. On failure c is freed (tp_conf_free is
 * still safe) and err holds "FILE:LINE: key: reason".
 */
int
tp_conf_load(const char *path, struct tp_conf *c, struct tp_err *err)
{
	struct conf_load ld;
	int rc;

	tp_conf_defaults(c);
	c->path = xstrdup(path);
	c->site_index = tp_name_index_new();
	memset(&ld, 0, sizeof(ld));
	ld.c = c;
	ld.in = IN_NONE;
	if ((ld.f = fopen(path, "r")) == NULL) {
		tp_err_set(err, "%s: cannot open config file: %s", path, strerror(errno));
		tp_conf_free(c);
		return -1;
	}
	rc = ini_parse_stream(conf_reader, &ld, conf_handler, &ld);
	if (ferror(ld.f))
		conf_fail(&ld, ld.line, "read error: %s", strerror(errno));
	fclose(ld.f);
	free(ld.buf);
	if (rc > 0 && (ld.err_line == 0 || rc < ld.err_line))
		conf_fail(&ld, rc, "syntax error: expected [section], key = value "
		    "or a comment");
	else if (rc < 0 && ld.err_line == 0)
		conf_fail(&ld, 1, "inih could not parse the file (error %d)", rc);
	if (ld.err_line == 0)
		conf_check(&ld);
	if (ld.err_line != 0) {
		tp_err_set(err, "%s:%d: %s", path, ld.err_line, ld.err.msg);
		tp_conf_free(c);
		return -1;
	}
	return 0;
}
