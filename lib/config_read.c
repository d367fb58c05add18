/*
 * config_read.c: read tp.conf, the campaign's configuration (see tp.conf(5)).
 *
 * inih does the key = value parsing. Its line source is our own reader,
 * which counts lines (so every message can name FILE:LINE), strips leading
 * blanks (so an indented key is never taken as a continuation line), reads
 * lines too long for inih's buffer itself, and notices section headers, so
 * that a [site NAME] without keys still counts. The [lane NAME] sections
 * are config_lanes.c's. Every key is one row of conf_keys;
 * the row says where its value goes and how it is checked.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <ini.h>

#include "config.h"
#include "config_load.h"
#include "failure_set.h"
#include "name_index.h"
#include "probe_methods.h"
#include "xalloc.h"

#define CK(key, type, field, min, max) \
	{ SEC_CAMPAIGN, key, type, offsetof(struct tp_conf, field), 0, min, max, NULL }
#define SK(key, type, field, min, max) \
	{ SEC_SITE, key, type, offsetof(struct tp_site_conf, field), 0, min, max, NULL }
#define LK(key, type, field) \
	{ SEC_LANE, key, type, offsetof(struct tp_lane_conf, field), 0, 0, 0, NULL }

static const struct conf_key conf_keys[] = {
	CK("database",		T_PATH,		database,		0, 0),
	CK("key_file",		T_PATH,		key_file,		0, 0),
	CK("exclude",		T_PATH,		exclude,		0, 0),
	CK("bindir",		T_STRING,	bindir,			0, 0),
	CK("metrics_file",	T_PATH,		metrics_file,		0, 0),
	CK("probe_user",	T_NAME,		probe_user,		0, 0),
	{ SEC_CAMPAIGN, "test_ranges", T_PREFIXES, offsetof(struct tp_conf, test_ranges),
	    offsetof(struct tp_conf, ntest_ranges), 0, 0, NULL },
	CK("source4",		T_ADDR4,	source4,		0, 0),
	CK("source6",		T_ADDR6,	source6,		0, 0),
	CK("prober",		T_NAME,		prober,			0, 0),
	CK("rate",		T_UINT,		rate,			1, 10000000),
	CK("probe_min_gap",	T_DOUBLE,	probe_min_gap,		0, 600),
	CK("listen_buffer_size", T_UINT,	listen_buffer_size,	1, 1024),
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
	CK("validate",		T_UINT,		validate,		0, 100000),
	CK("retain_days",	T_UINT,		retain_days,		0, 36500),
	CK("report_html",	T_PATH,		report_html,		0, 0),
	CK("probe_methods",	T_STRING,	probe_methods,		0, 0),
	CK("probes_per_target",	T_UINT,		probes_per_target,	1, 16),
	CK("min_change_interval", T_DOUBLE,	pacing.min_change_interval, 0, 1e7),
	CK("damping_penalty",	T_DOUBLE,	pacing.penalty_withdraw, 0, 1e6),
	CK("damping_announce_penalty", T_DOUBLE, pacing.penalty_announce, 0, 1e6),
	CK("damping_half_life",	T_DOUBLE,	pacing.half_life,	1, 1e7),
	CK("damping_suppress",	T_DOUBLE,	pacing.suppress,	1, 1e7),
	CK("damping_reuse",	T_DOUBLE,	pacing.reuse,		1, 1e7),
	CK("damping_ceiling",	T_DOUBLE,	pacing.ceiling,		1, 1e7),
	{ SEC_CAMPAIGN, "listener_failure", T_CHOICE, offsetof(struct tp_conf, listener_failure),
	    0, 0, 0, "stop continue" },
	SK("exec",		T_STRING,	exec,			0, 0),
	SK("bird_socket",	T_PATH,		bird_socket,		0, 0),
	{ SEC_SITE, "protocols", T_NAMES, offsetof(struct tp_site_conf, protocols),
	    offsetof(struct tp_site_conf, nprotocols), 0, 0, NULL },
	SK("interface",		T_IFNAME,	interface,		0, 0),
	SK("capacity",		T_DOUBLE,	capacity,		0, 1e15),
	{ SEC_LANE, "test_ranges", T_PREFIXES, offsetof(struct tp_lane_conf, test_ranges),
	    offsetof(struct tp_lane_conf, ntest_ranges), 0, 0, NULL },
	LK("source4",		T_ADDR4,	source4),
	LK("source6",		T_ADDR6,	source6),
	{ SEC_LANE, "protocols", T_NAMES, offsetof(struct tp_lane_conf, protocols),
	    offsetof(struct tp_lane_conf, nprotocols), 0, 0, NULL },
};

#define NKEYS (sizeof(conf_keys) / sizeof(conf_keys[0]))
/* The longest line read (inih's own buffer takes 200; longer ones are read here). */
#define CONF_MAX_LINE 4096

static int conf_handler(void *user, const char *section, const char *name,
    const char *value);

/* The key lines of struct conf_load hold a slot per row. */
_Static_assert(NKEYS <= CONF_MAX_KEYS, "raise CONF_MAX_KEYS");

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
	if (strncmp(text, "lane", 4) == 0 && (text[4] == '\0' || text[4] == ' ' ||
	    text[4] == '\t')) {
		lane_section_begin(ld, text + 4);
		return;
	}
	if (strncmp(text, "site", 4) != 0 || (text[4] != '\0' && text[4] != ' ' &&
	    text[4] != '\t')) {
		conf_fail(ld, ld->line, "[%.60s]: unknown section; use [campaign], "
		    "[site NAME] or [lane NAME]", text);
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
 * A line too long for inih's buffer (an ssh exec prefix with options, a
 * lane with many ranges), read here the way inih reads a short one:
 * "key = value" or "key : value", a ';' after a blank starts a comment.
 */
static void
conf_long_line(struct conf_load *ld, char *s)
{
	char *eq, *key, *value, *c;

	s[strcspn(s, "\r\n")] = '\0';
	if (*s == ';' || *s == '#')
		return;
	if (*s == '[' || (eq = strpbrk(s, "=:")) == NULL) {
		conf_fail(ld, ld->line, "syntax error: expected [section], key = value or a "
		    "comment");
		return;
	}
	*eq = '\0';
	key = trim(s);
	value = eq + 1;
	for (c = value; (c = strchr(c, ';')) != NULL; c++)
		if (c > value && (c[-1] == ' ' || c[-1] == '\t')) {
			*c = '\0';
			break;
		}
	value = trim(value);
	conf_handler(ld, "", key, value);
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
	if (strlen(s) > CONF_MAX_LINE) {
		conf_fail(ld, ld->line, "line longer than %d characters", CONF_MAX_LINE);
		s = "";
	} else if (strlen(s) + 1 >= (size_t)num) {
		conf_long_line(ld, s);
		s = "";		/* read here: inih gets an empty line */
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
	case IN_LANE:
		if (strncmp(name, "protocols.", 10) == 0)
			return lane_override_set(ld, name, value);
		want = SEC_LANE;
		base = (char *)&ld->c->lanes[ld->c->nlanes - 1];
		lines = ld->site_key_line;
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
		    name, want == SEC_CAMPAIGN ? "campaign" : want == SEC_SITE ? "site NAME" :
		    "lane NAME");
	if (lines[i] != 0 && conf_keys[i].type == T_SETS)
		return append_sets(ld, &conf_keys[i], base, value);
	if (lines[i] != 0)
		return conf_fail(ld, ld->line, "%s: set twice (first on line %d)",
		    name, lines[i]);
	lines[i] = ld->line;
	if (want == SEC_SITE && strcmp(name, "protocols") == 0)
		ld->c->sites[ld->c->nsites - 1].protocols_line = ld->line;
	if (want == SEC_LANE)
		lane_key_seen(ld, name);
	return conf_set(ld, &conf_keys[i], base, value);
}

/* Line where campaign key name was set, or 0. */
int
conf_key_line(const struct conf_load *ld, const char *name)
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
	char *copy, **sets;
	size_t nsets, i, j;
	int ok = 1;

	if (strcmp(key, "single") == 0 &&
	    (strcmp(value, "all") == 0 || strcmp(value, "none") == 0))
		return 1;
	copy = xstrdup(value);
	nsets = split_words(copy, ",", &sets);
	for (i = 0; ok && i < nsets; i++) {
		struct failure_set set;

		if (failure_set_parse(sets[i], 0, &set, NULL, 0) < 0)
			continue;	/* refused with its line already */
		for (j = 0; ok && j < set.n; j++)
			if (tp_conf_site(ld->c, set.names[j]) == NULL)
				ok = conf_fail(ld, conf_key_line(ld, key), "%s: no [site %s] "
				    "in this file", key, set.names[j]);
		failure_set_free(&set);
	}
	free(sets);
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
	int line = conf_key_line(ld, key), covered = 0;

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
		conf_fail(ld, line ? line : conf_key_line(ld, "test_ranges"),
		    "%s: not inside test_ranges", key);
}

/* Check what involves more than one key, once the whole file is read. */
static void
conf_check(struct conf_load *ld)
{
	struct tp_conf *c = ld->c;
	struct tp_methods methods;
	char why[128];
	size_t i;

	for (i = 0; i < c->nsites; i++)
		if (c->sites[i].bird_socket == NULL)
			conf_fail(ld, c->sites[i].line, "bird_socket: missing in "
			    "[site %s]; give the path of BIRD's control socket "
			    "at the site", c->sites[i].name);
	if (c->prober != NULL && tp_conf_site(c, c->prober) == NULL)
		conf_fail(ld, conf_key_line(ld, "prober"), "prober: no [site %s] in this "
		    "file", c->prober);
	if (c->prober == NULL && c->nsites > 0)
		c->prober = xstrdup(c->sites[0].name);
	if (c->min_announcing < 1)
		conf_fail(ld, conf_key_line(ld, "min_announcing"),
		    "min_announcing: must be at least 1");
	if (tp_methods_parse(c->probe_methods, &methods, why, sizeof(why)) < 0)
		conf_fail(ld, conf_key_line(ld, "probe_methods"), "probe_methods: %s", why);
	check_sites_known(ld, "single", c->single);
	check_sites_known(ld, "sets", c->sets);
	if (c->nlanes == 0) {
		check_source(ld, &c->source4, "source4");
		check_source(ld, &c->source6, "source6");
		if (c->source4.family == 0 && c->source6.family == 0)
			conf_fail(ld, conf_key_line(ld, "test_ranges"), "test_ranges: no range "
			    "of either family");
	}
	lanes_check(ld);
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
