/*
 * probe_method.c: the table of probe method kinds, their names on the
 * command line and in records, and the capture filter for a set of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe_method.h"
#include "xalloc.h"

#define FILTER_PART_MAX 4096

/* Every kind of method; the first is the default. */
static const struct probe_method_ops *const probe_method_kinds[] = {
	&probe_method_icmp_ops,
	&probe_method_tcp_ops,
};

/* The default method: ICMP echo. */
void
probe_method_default(struct probe_method *m)
{
	m->ops = probe_method_kinds[0];
	m->port = 0;
}

/* Parse "icmp" or "tcp:PORT". */
int
probe_method_parse(const char *s, struct probe_method *m, struct tp_err *err)
{
	const struct probe_method_ops *ops;
	const char *colon = strchr(s, ':');
	size_t i, namelen = colon ? (size_t)(colon - s) : strlen(s);
	unsigned long port;
	char *end;

	for (i = 0; i < sizeof(probe_method_kinds) / sizeof(probe_method_kinds[0]); i++) {
		ops = probe_method_kinds[i];
		if (strlen(ops->name) != namelen || strncmp(ops->name, s, namelen) != 0)
			continue;
		m->ops = ops;
		m->port = 0;
		if (!ops->takes_port && colon == NULL)
			return 0;
		if (!ops->takes_port)
			return tp_err_set(err, "probe method \"%s\": %s takes no port", s,
			    ops->name);
		if (colon == NULL || colon[1] < '0' || colon[1] > '9')
			return tp_err_set(err, "probe method \"%s\": give the port, as %s:80", s,
			    ops->name);
		port = strtoul(colon + 1, &end, 10);
		if (*end != '\0' || port < 1 || port > 65535)
			return tp_err_set(err, "probe method \"%s\": the port must be 1 to 65535",
			    s);
		m->port = (uint16_t)port;
		return 0;
	}
	return tp_err_set(err, "unknown probe method \"%s\" (use icmp or tcp:PORT)", s);
}

/* Write the method as it is parsed and recorded. */
void
probe_method_format(const struct probe_method *m, char buf[PROBE_METHOD_NAME_MAX])
{
	if (m->ops->takes_port)
		snprintf(buf, PROBE_METHOD_NAME_MAX, "%s:%u", m->ops->name, m->port);
	else
		snprintf(buf, PROBE_METHOD_NAME_MAX, "%s", m->ops->name);
}

/* 1 when two methods are the same. */
int
probe_method_same(const struct probe_method *a, const struct probe_method *b)
{
	return a->ops == b->ops && a->port == b->port;
}

/* Append to buf (len bytes, n used) with printf; -1 when it no longer fits. */
static int
append(char *buf, size_t len, size_t *n, const char *fmt, const char *s)
{
	int k = snprintf(buf + *n, len - *n, fmt, s);

	if (k < 0 || (size_t)k >= len - *n)
		return -1;
	*n += (size_t)k;
	return 0;
}

/*
 * One family's part: "(M and (dst net R ...))" for one method,
 * "(((M1) or (M2)) and (dst net R ...))" for several; empty without
 * ranges of the family.
 */
static int
filter_family(const struct probe_method *m, size_t nm, const struct tp_prefix *ranges,
    size_t nranges, int family, char *buf, size_t len)
{
	char p[TP_PREFIX_STRLEN], part[FILTER_PART_MAX];
	size_t i, n = 0, nets = 0;

	buf[0] = '\0';
	for (i = 0; i < nranges; i++)
		nets += ranges[i].addr.family == family;
	if (nets == 0)
		return 0;
	if (append(buf, len, &n, "%s", nm > 1 ? "(((" : "(") < 0)
		return -1;
	for (i = 0; i < nm; i++) {
		if (m[i].ops->filter(&m[i], family, part, sizeof(part)) >= (int)sizeof(part) ||
		    append(buf, len, &n, i ? ") or (%s" : "%s", part) < 0)
			return -1;
	}
	if (append(buf, len, &n, "%s", nm > 1 ? ")) and (" : " and (") < 0)
		return -1;
	for (i = 0, nets = 0; i < nranges; i++) {
		if (ranges[i].addr.family != family)
			continue;
		tp_prefix_format(&ranges[i], p, sizeof(p));
		if (append(buf, len, &n, nets++ ? " or dst net %s" : "dst net %s", p) < 0)
			return -1;
	}
	return append(buf, len, &n, "%s", "))");
}

/* The capture filter for n methods' replies to the ranges. */
int
probe_method_filter(const struct probe_method *m, size_t n, const struct tp_prefix *ranges,
    size_t nranges, char *buf, size_t len, struct tp_err *err)
{
	char *part4 = xmalloc(len), *part6 = xmalloc(len);
	int rc = 0, k;

	if (filter_family(m, n, ranges, nranges, AF_INET, part4, len) < 0 ||
	    filter_family(m, n, ranges, nranges, AF_INET6, part6, len) < 0)
		rc = tp_err_set(err, "too many test ranges for the capture filter");
	else if (part4[0] == '\0' && part6[0] == '\0')
		rc = tp_err_set(err, "no test ranges: give --test-range");
	else {
		k = snprintf(buf, len, "%s%s%s", part4, part4[0] && part6[0] ? " or " : "", part6);
		if (k < 0 || (size_t)k >= len)
			rc = tp_err_set(err, "capture filter too long");
	}
	free(part4);
	free(part6);
	return rc;
}
