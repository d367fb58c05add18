/* methods.c: which probe method each target gets, and the baseline's fallback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "methods.h"
#include "records.h"
#include "xalloc.h"

/* The configured methods; tp.conf was checked when read, so this cannot fail. */
void
methods_of(const struct campaign *c, struct tp_methods *m)
{
	char why[128];

	if (tp_methods_parse(c->conf->probe_methods, m, why, sizeof(why)) < 0) {
		log_warn("campaign", "probe_methods: %s; using icmp", why);
		tp_methods_parse(NULL, m, why, sizeof(why));
	}
}

/* 1 when the campaign needs nothing of tp-probe beyond ICMP with one flow. */
static int
methods_plain(const struct campaign *c, const struct tp_methods *m)
{
	return m->n == 1 && strcmp(m->name[0], "icmp") == 0 && c->conf->probes_per_target <= 1;
}

/* "--method M" for every method. */
size_t
methods_listen_args(const struct campaign *c, const struct tp_methods *m, const char **args)
{
	size_t i, n = 0;

	if (methods_plain(c, m))
		return 0;
	for (i = 0; i < m->n; i++) {
		args[n++] = "--method";
		args[n++] = m->name[i];
	}
	return n;
}

/* " METHOD FLOWS" of a job line for method index method; "" for a plain campaign. */
void
methods_job_fields(const struct campaign *c, const struct tp_methods *m, size_t method,
    char *buf, size_t len)
{
	buf[0] = '\0';
	if (!methods_plain(c, m))
		snprintf(buf, len, " %s %u", m->name[method < m->n ? method : 0],
		    c->conf->probes_per_target > 1 ? c->conf->probes_per_target : 1);
}

/* Order addresses by family, then bytes. */
static int
cmp_addr(const void *a, const void *b)
{
	return tp_addr_cmp(a, b);
}

/* 1 when address x answered. */
int
methods_answered_has(const struct methods_answered *a, const struct tp_addr *x)
{
	return a != NULL && a->n > 0 && bsearch(x, a->addr, a->n, sizeof(*a->addr), cmp_addr);
}

/* The targets method m probes; see methods.h. */
size_t
methods_pick(const struct round_target *t, size_t n, size_t m, int fallback,
    const struct methods_answered *answered, struct round_target *sel)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		int take = fallback ? m == 0 || !methods_answered_has(answered, &t[i].addr) :
		    (size_t)t[i].method == m;

		if (take)
			sel[k++] = t[i];
	}
	return k;
}

/* Add the ADDR of every reply line of text, then sort. */
void
methods_answered_scan(struct methods_answered *a, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	char line[TP_RECORD_LINE_MAX + 1];
	struct tp_record r;
	struct tp_err err;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl != NULL ? nl : end) - p);

		if (nl == NULL)
			break;	/* a line still being written */
		if (n < sizeof(line) && strncmp(p, "reply ", 6) == 0) {
			memcpy(line, p, n);
			line[n] = '\0';
			if (tp_record_parse(line, &r, &err) == 0 && r.kind == TP_REC_REPLY) {
				if (a->n == a->cap) {
					a->cap = a->cap ? a->cap * 2 : 1024;
					a->addr = xreallocarray(a->addr, a->cap, sizeof(*a->addr));
				}
				a->addr[a->n++] = r.addr;
			}
		}
		p = nl + 1;
	}
	if (a->n > 0)
		qsort(a->addr, a->n, sizeof(*a->addr), cmp_addr);
}

void
methods_answered_free(struct methods_answered *a)
{
	free(a->addr);
	memset(a, 0, sizeof(*a));
}

/* Remember in targets.method the method each target of round answered with (its first flow's). */
int
methods_store(struct campaign *c, long long round, struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (tp_db_prepare(c->db, "UPDATE targets SET method = r.method FROM "
	    "(SELECT target_id, method, min(flow) FROM responses WHERE round_id = ? "
	    "GROUP BY target_id) r WHERE r.target_id = targets.id", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, round);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return tp_err_set(err, "%s: storing the targets' probe methods: %s", c->db->path,
		    sqlite3_errmsg(c->db->h));
	return 0;
}

/* Set each loaded target's method index from targets.method (c->targets is by id). */
int
methods_load(struct campaign *c, struct tp_err *err)
{
	struct tp_methods m;
	sqlite3_stmt *st;
	size_t i = 0;
	int rc;

	methods_of(c, &m);
	if (tp_db_prepare(c->db, "SELECT id, method FROM targets WHERE method IS NOT NULL "
	    "ORDER BY id", &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		int k = tp_methods_index(&m, (const char *)sqlite3_column_text(st, 1));

		while (i < c->ntargets && c->targets[i].id < id)
			i++;
		if (i < c->ntargets && c->targets[i].id == id)
			c->targets[i].method = k > 0 ? k : 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return tp_err_set(err, "%s: reading the targets' probe methods: %s", c->db->path,
		    sqlite3_errmsg(c->db->h));
	return 0;
}
