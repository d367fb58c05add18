/*
 * send.c: tp-probe send. Read targets (file, stdin or database), drop the
 * excluded and repeated ones, shuffle, then send the method's probes
 * (one per flow) from the anycast source in sendmmsg batches paced by the
 * rate limiter.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addr_set.h"
#include "clock.h"
#include "cookie.h"
#include "db.h"
#include "exclude.h"
#include "keyfile.h"
#include "log.h"
#include "output.h"
#include "permute.h"
#include "privdrop.h"
#include "probe_method.h"
#include "rate_limit.h"
#include "send.h"
#include "targets.h"
#include "xalloc.h"

#define SEND_BATCH 64
#define SEND_SNDBUF (4 * 1024 * 1024)
#define SEND_RETRIES 100

/* One family's outgoing batch: a socket, packets built from one template. */
struct send_queue {
	int family;
	int fd;
	struct probe_packet pkt[SEND_BATCH];
	struct sockaddr_storage to[SEND_BATCH];
	struct iovec iov[SEND_BATCH];
	struct mmsghdr msg[SEND_BATCH];
	unsigned n;
};

/* Everything a send run works with. */
struct sender {
	const struct send_opts *o;
	struct tp_key key;
	struct tp_addr *targets;
	size_t ntargets;
	struct send_queue q4, q6;
	struct send_stats *st;
};

/* Append the addresses of the database's targets (all, or one site's). */
static int
targets_from_db(const struct send_opts *o, struct tp_addr **v, size_t *n,
    struct tp_err *err)
{
	sqlite3_stmt *st = NULL;
	struct tp_db *db;
	size_t cap = 0;
	long long site_id = -1;
	int rc;

	if (tp_db_open(o->db_path, TP_DB_READONLY, &db, err) < 0)
		return -1;
	if (o->site != NULL) {
		site_id = tp_db_site_id(db, o->site, 0, err);
		if (site_id < 0) {
			tp_db_close(db);
			return tp_err_set(err, "%s: no site \"%s\" in the database",
			    o->db_path, o->site);
		}
	}
	if (tp_db_prepare(db, "SELECT addr FROM targets WHERE ?1 < 0 OR site_id = ?1 "
	    "ORDER BY id", &st, err) < 0) {
		tp_db_close(db);
		return -1;
	}
	sqlite3_bind_int64(st, 1, site_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			*v = xreallocarray(*v, cap, sizeof(**v));
		}
		if (tp_db_column_addr(st, 0, &(*v)[*n]) == 0)
			(*n)++;
	}
	if (rc != SQLITE_DONE)
		tp_err_set(err, "%s: reading targets: %s", o->db_path, sqlite3_errmsg(db->h));
	sqlite3_finalize(st);
	tp_db_close(db);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Read the targets as addresses, from the database or a file ("-" = stdin). */
static int
targets_load(const struct send_opts *o, struct tp_addr **v, size_t *n, struct tp_err *err)
{
	struct tp_target_list l;
	size_t i;

	*v = NULL;
	*n = 0;
	if (o->db_path != NULL)
		return targets_from_db(o, v, n, err);
	memset(&l, 0, sizeof(l));
	if (tp_targets_read_file(o->targets_path ? o->targets_path : "-", TP_TARGETS_STRICT,
	    &l, err) < 0) {
		tp_target_list_free(&l);
		return -1;
	}
	*v = xreallocarray(NULL, l.n ? l.n : 1, sizeof(**v));
	for (i = 0; i < l.n; i++)
		(*v)[i] = l.v[i].addr;
	*n = l.n;
	tp_target_list_free(&l);
	return 0;
}

/*
 * Drop in place the targets of a family the options have no source for
 * (a tp.conf without test ranges of that family); returns how many.
 */
static size_t
targets_drop_unsourced(const struct send_opts *o, struct tp_addr *v, size_t *n)
{
	size_t i, out = 0;

	for (i = 0; i < *n; i++)
		if ((v[i].family == AF_INET ? o->source4.family : o->source6.family) != 0)
			v[out++] = v[i];
	i = *n - out;
	*n = out;
	return i;
}

/* Drop excluded and repeated targets in place, counting the excluded. */
static size_t
targets_filter(struct tp_addr *v, size_t n, const struct tp_exclude *x, uint64_t *excluded)
{
	struct addr_set seen;
	size_t i, out = 0;

	addr_set_init(&seen);
	for (i = 0; i < n; i++) {
		if (!addr_set_add(&seen, &v[i]))
			continue;
		if (tp_exclude_contains(x, &v[i])) {
			(*excluded)++;
			continue;
		}
		v[out++] = v[i];
	}
	addr_set_free(&seen);
	return out;
}

/* Open a raw socket that takes whole IP packets for family. */
static int
queue_open_socket(struct send_queue *q, struct tp_err *err)
{
	int one = 1, buf = SEND_SNDBUF;

	q->fd = socket(q->family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (q->fd < 0)
		return tp_err_set(err, "raw IPv%d socket: %s (run as root or with CAP_NET_RAW)",
		    q->family == AF_INET ? 4 : 6, strerror(errno));
	if (q->family == AF_INET &&
	    setsockopt(q->fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0)
		return tp_err_set(err, "IP_HDRINCL: %s", strerror(errno));
	/* A larger buffer lets batches queue while the device drains; best effort. */
	if (setsockopt(q->fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)) < 0)
		setsockopt(q->fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	return 0;
}

/* Build the family's templates and wire the message array to them. */
static int
queue_init(struct send_queue *q, const struct send_opts *o, int family, int need_socket,
    struct tp_err *err)
{
	const struct tp_addr *local = family == AF_INET ? &o->source4 : &o->source6;
	enum probe_direction dir = o->forge_replies ? PROBE_IN : PROBE_OUT;
	unsigned i;

	memset(q, 0, sizeof(*q));
	q->family = family;
	q->fd = -1;
	if (local->family == 0)
		return 0;	/* family not measured: its targets were dropped */
	if (o->method.ops->make_template(&q->pkt[0], dir, local, (uint8_t)o->ttl, err) < 0)
		return -1;
	for (i = 0; i < SEND_BATCH; i++) {
		q->pkt[i] = q->pkt[0];
		q->iov[i].iov_base = q->pkt[i].buf;
		q->iov[i].iov_len = q->pkt[i].len;
		q->msg[i].msg_hdr.msg_iov = &q->iov[i];
		q->msg[i].msg_hdr.msg_iovlen = 1;
		q->msg[i].msg_hdr.msg_name = &q->to[i];
		q->msg[i].msg_hdr.msg_namelen = family == AF_INET ?
		    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	}
	if (need_socket && queue_open_socket(q, err) < 0)
		return -1;
	return 0;
}

/* Build flow's packet for target a at the end of its family's batch. */
static void
queue_add(struct sender *s, struct send_queue *q, const struct tp_addr *a, unsigned flow,
    uint64_t now_us)
{
	const struct probe_method *m = &s->o->method;
	struct sockaddr_in *sin;
	struct sockaddr_in6 *sin6;
	struct tp_addr to;
	unsigned i = q->n++;

	m->ops->make_packet(m, &q->pkt[i], &s->key, s->o->round, a, flow, now_us);
	/* Probes go to the target; forged replies to our own anycast address. */
	to = *a;
	if (s->o->forge_replies)
		to = q->family == AF_INET ? s->o->source4 : s->o->source6;
	memset(&q->to[i], 0, sizeof(q->to[i]));
	if (q->family == AF_INET) {
		sin = (struct sockaddr_in *)&q->to[i];
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, to.bytes, 4);
	} else {
		sin6 = (struct sockaddr_in6 *)&q->to[i];
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, to.bytes, 16);
	}
}

/* Send the queued batch; count what went and what the kernel refused. */
static void
queue_flush(struct sender *s, struct send_queue *q)
{
	unsigned done = 0, retries = 0;
	struct timespec pause = { 0, 50000 };
	int rc;

	if (s->o->dry_run) {
		s->st->sent += q->n;
		q->n = 0;
		return;
	}
	while (done < q->n) {
		rc = sendmmsg(q->fd, q->msg + done, q->n - done, 0);
		if (rc > 0) {
			done += (unsigned)rc;
			s->st->sent += (unsigned)rc;
			retries = 0;
			continue;
		}
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0 && (errno == ENOBUFS || errno == EAGAIN) && retries < SEND_RETRIES) {
			retries++;
			nanosleep(&pause, NULL);
			continue;
		}
		if (s->st->errors == 0)
			log_warn("send", "sendmmsg: %s", rc < 0 ? strerror(errno) : "sent nothing");
		s->st->errors++;
		done++;		/* skip the packet the kernel refused */
		retries = 0;
	}
	q->n = 0;
}

/*
 * One pass over the targets, paced by the limiter: probe i is flow
 * i % flows of target i / flows, so a target's flows leave together.
 */
static void
send_pass(struct sender *s, struct rate_limit *rl, struct tp_progress *prog, uint64_t base)
{
	unsigned batch = rate_limit_batch(s->o->rate, SEND_BATCH), k, j;
	size_t i = 0, nprobes = s->ntargets * s->o->flows;
	const struct tp_addr *a;
	uint64_t now_us;
	struct send_queue *q;

	while (i < nprobes) {
		k = rate_limit_wait(rl, batch);
		if (k > nprobes - i)
			k = (unsigned)(nprobes - i);
		now_us = (uint64_t)tp_now_us();
		for (j = 0; j < k; j++, i++) {
			a = &s->targets[i / s->o->flows];
			q = a->family == AF_INET ? &s->q4 : &s->q6;
			queue_add(s, q, a, (unsigned)(i % s->o->flows), now_us);
			if (q->n == SEND_BATCH)
				queue_flush(s, q);
		}
		if (s->q4.n > 0)
			queue_flush(s, &s->q4);
		if (s->q6.n > 0)
			queue_flush(s, &s->q6);
		tp_progress_update(prog, base + i);
	}
}

/* Read the targets and send; the counts land in st. */
int
send_run(const struct send_opts *o, struct send_stats *st, struct tp_err *err)
{
	struct sender s;
	struct tp_exclude *x;
	struct rate_limit rl;
	struct tp_progress prog;
	char method[PROBE_METHOD_NAME_MAX];
	size_t i, n4 = 0, n6 = 0, dropped;
	int64_t t0;
	uint64_t pass;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	memset(&s, 0, sizeof(s));
	s.o = o;
	s.st = st;
	s.q4.fd = s.q6.fd = -1;
	if (tp_keyfile_load(o->key_path, &s.key, err) < 0)
		return -1;
	x = tp_exclude_load(o->exclude_path, err);
	if (x == NULL)
		return tp_err_prefix(err, "exclusion list (--exclude)");
	if (targets_load(o, &s.targets, &s.ntargets, err) < 0)
		goto out;
	if ((dropped = targets_drop_unsourced(o, s.targets, &s.ntargets)) > 0)
		log_warn("send", "%zu targets not probed: no probe source of their family "
		    "(the configuration has no test range for it)", dropped);
	s.ntargets = targets_filter(s.targets, s.ntargets, x, &st->excluded);
	st->targets = s.ntargets + st->excluded;
	for (i = 0; i < s.ntargets; i++) {
		if (s.targets[i].family == AF_INET)
			n4++;
		else
			n6++;
	}
	permute_shuffle(s.targets, s.ntargets, sizeof(*s.targets),
	    o->have_seed ? o->seed : permute_random_seed());
	if (queue_init(&s.q4, o, AF_INET, n4 > 0 && !o->dry_run, err) < 0 ||
	    queue_init(&s.q6, o, AF_INET6, n6 > 0 && !o->dry_run, err) < 0)
		goto out;
	/* Sockets open, key and targets read: nothing more needs privilege. */
	if (o->drop_privileges && privdrop(o->user, PRIVDROP_KEEP_NONE, err) < 0)
		goto out;
	probe_method_format(&o->method, method);
	log_info("send", "round %u: %zu targets (%zu IPv4, %zu IPv6), %llu excluded, "
	    "method %s, %u flow%s, rate %llu/s%s", o->round, s.ntargets, n4, n6,
	    (unsigned long long)st->excluded, method, o->flows, o->flows == 1 ? "" : "s",
	    (unsigned long long)o->rate, o->dry_run ? ", dry run" : "");
	if (o->quiet)
		memset(&prog, 0, sizeof(prog));
	else
		tp_progress_start(&prog, "send", s.ntargets * o->flows * o->repeat);
	t0 = rate_limit_now_ns();
	for (pass = 0; pass < o->repeat; pass++) {
		if (pass > 0 && o->gap > 0)
			tp_sleep(o->gap, NULL);
		rate_limit_start(&rl, o->rate);
		send_pass(&s, &rl, &prog, pass * s.ntargets * o->flows);
	}
	st->seconds = (double)(rate_limit_now_ns() - t0) / 1e9;
	if (!o->quiet)
		tp_progress_end(&prog);
	rc = 0;
out:
	if (s.q4.fd >= 0)
		close(s.q4.fd);
	if (s.q6.fd >= 0)
		close(s.q6.fd);
	free(s.targets);
	tp_exclude_free(x);
	return rc;
}

