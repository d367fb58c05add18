/*
 * config_load.h: what the parts of tp.conf's reader share (lib/ only):
 * the key types, the key table's row, the state of a load, and the
 * value checks. config_read.c reads the file, config_value.c checks and
 * stores one value, config.c holds the defaults and lookups.
 */
#ifndef TP_CONFIG_LOAD_H
#define TP_CONFIG_LOAD_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "error.h"

enum conf_section {
	SEC_CAMPAIGN,
	SEC_SITE,
	SEC_LANE,
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

/* Rows of the key table at most (config_read.c checks it). */
#define CONF_MAX_KEYS 64

/* Where the reader and the handler are, and the first error found. */
struct conf_load {
	struct tp_conf *c;
	FILE *f;
	char *buf;		/* getline buffer */
	size_t bufsize;
	int line;		/* line last handed to inih */
	enum { IN_NONE, IN_CAMPAIGN, IN_SITE, IN_LANE, IN_BAD } in;
	int key_line[CONF_MAX_KEYS];	/* campaign keys: line where set, 0 = not set */
	int site_key_line[CONF_MAX_KEYS];	/* the same for the current site or lane */
	int err_line;		/* first error, 0 = none */
	struct tp_err err;
	size_t sites_cap;	/* room in c->sites */
	size_t lanes_cap;	/* room in c->lanes */
	size_t sets_len, sets_cap;	/* c->sets's length and room, once appended to */
};

/* Record an error at line unless an earlier one is recorded; returns 0 (for inih). */
int conf_fail(struct conf_load *ld, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Check value v against k's type and store it at base + k->off; 0 after an error. */
int conf_set(struct conf_load *ld, const struct conf_key *k, char *base, const char *v);
/* Add a second `sets` line's sets to the first's; 0 after an error. */
int append_sets(struct conf_load *ld, const struct conf_key *k, char *base, const char *v);
/* Split s (in place) at any of sep, dropping empty pieces; the pieces in *out (fresh). */
size_t split_words(char *s, const char *sep, char ***out);
/* Trim blanks off both ends of s in place; returns the start. */
char *trim(char *s);
/* Free n strings and the array. */
void free_strings(char **v, size_t n);
/* A new [site NAME] section's defaults. */
void site_defaults(struct tp_site_conf *s, const char *name, int line);
/* Line where [campaign] key name was set, or 0. */
int conf_key_line(const struct conf_load *ld, const char *name);

/* config_lanes.c: the [lane NAME] sections. */
/* Start a [lane NAME] section (text: what follows "lane" in the header). */
void lane_section_begin(struct conf_load *ld, char *text);
/* A protocols.SITE = NAMES line of the current lane; 0 after an error. */
int lane_override_set(struct conf_load *ld, const char *key, const char *value);
/* Remember the line of a lane key the handler just stored. */
void lane_key_seen(struct conf_load *ld, const char *key);
/*
 * Once the file is read: the lanes checked against each other, the sites
 * and the [campaign] keys; without lane sections, lane "default" made of
 * the [campaign] keys. Also pacing and the dead-man against the hold.
 */
void lanes_check(struct conf_load *ld);
/* Free one lane. */
void lane_free(struct tp_lane_conf *l);

#endif
