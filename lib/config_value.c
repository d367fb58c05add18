/*
 * config_value.c: check one value of tp.conf against its key's type and
 * store it: numbers within bounds, prefixes, addresses, names, the
 * scenario lists (failure sets through lib/failure_set.c).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_load.h"
#include "failure_set.h"
#include "xalloc.h"

/* Record an error at line unless an earlier one is already recorded; returns 0 for inih. */
int
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

/* Split s on any of the characters in sep, dropping empty pieces; returns the count. */
size_t
split_words(char *s, const char *sep, char ***out)
{
	char **v = NULL, *save = NULL, *w;
	size_t n = 0, cap = 0;

	for (w = strtok_r(s, sep, &save); w != NULL; w = strtok_r(NULL, sep, &save)) {
		if (n == cap) {	/* doubling: 40,000 sets stay linear */
			cap = cap ? cap * 2 : 8;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n++] = w;
	}
	*out = v;
	return n;
}

/* Trim blanks off both ends of s in place; returns the start. */
char *
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
 * Check a comma-separated list of site names (single) or of failure sets
 * (sets); each name at most once per set.
 */
static int
check_site_list(struct conf_load *ld, const struct conf_key *k, const char *value)
{
	char *copy = xstrdup(value), **sets, bad[64];
	size_t nsets, i;
	int ok = 1;

	nsets = split_words(copy, ",", &sets);
	for (i = 0; ok && i < nsets; i++) {
		char *text = trim(sets[i]);
		struct failure_set set;

		if (*text == '\0')
			continue;
		if (k->type == T_SINGLE && strchr(text, '+') != NULL) {
			ok = conf_fail(ld, ld->line, "%s: \"%s\" is a set; list sets "
			    "under sets", k->name, text);
			break;
		}
		if (strspn(text, "+ \t") == strlen(text)) {
			ok = conf_fail(ld, ld->line, "%s: empty set", k->name);
			break;
		}
		if (failure_set_parse(text, 0, &set, bad, sizeof(bad)) < 0) {
			ok = check_name(ld, k->name, "site name", bad);
			break;
		}
		if (set.repeated != NULL)
			ok = conf_fail(ld, ld->line, "%s: site %s twice in one set", k->name,
			    set.repeated);
		failure_set_free(&set);
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
int
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
int
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

