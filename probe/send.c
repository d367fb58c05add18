/*
 * send.c: tp-probe send. Read targets (file, stdin or database), drop the
 * excluded and repeated ones, shuffle, then send echo requests from the
 * anycast source in sendmmsg batches paced by the rate limiter.
 */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "addr_set.h"
#include "config.h"
#include "cookie.h"
#include "db.h"
#include "exclude.h"
#include "icmp_packet.h"
#include "keyfile.h"
#include "log.h"
#include "opt_parse.h"
#include "output.h"
#include "privdrop.h"
#include "permute.h"
#include "probe_cmd.h"
#include "rate_limit.h"
#include "send.h"
#include "targets.h"
#include "xalloc.h"

#define SEND_BATCH 64
#define SEND_SNDBUF (4 * 1024 * 1024)
#define SEND_RETRIES 100

const char send_usage[] =
    "usage: tp-probe send [-hjqn] [-c config] [-k keyfile] [-x exclude] -r round\n"
    "                     [-R pps] [--repeat n] [--gap seconds] [--seed n] [--ttl n]\n"
    "                     [--source4 addr] [--source6 addr] [--db database [--site name]]\n"
    "                     [--user name] [file]\n";

/* One family's outgoing batch: a socket, packets built from one template. */
struct send_queue {
	int family;
	int fd;
	struct icmp_packet pkt[SEND_BATCH];
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

/* Defaults: rate 10000, one pass, gap 1 s, TTL 64, the documented sources and paths. */
void
send_opts_defaults(struct send_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->key_path = opt_default_key_path();
	o->exclude_path = tp_exclude_default_path();
	o->rate = 10000;
	o->repeat = 1;
	o->gap = 1;
	o->ttl = 64;
	o->format = TP_FMT_TEXT;
	tp_addr_parse("192.0.2.1", &o->source4, NULL);
	tp_addr_parse("2001:db8:ffff::1", &o->source6, NULL);
}

/* Take key file, exclusion list, sources and rate from a tp.conf. */
static int
send_apply_config(struct send_opts *o, const char *path, struct tp_err *err)
{
	static struct tp_conf conf;	/* its strings outlive the options */

	if (tp_conf_load(path, &conf, err) < 0)
		return -1;
	o->key_path = conf.key_file;
	o->exclude_path = conf.exclude;
	o->source4 = conf.source4;
	o->source6 = conf.source6;
	o->rate = conf.rate;
	o->user = conf.probe_user;
	return 0;
}

enum {
	OPT_REPEAT = 256, OPT_GAP, OPT_SEED, OPT_TTL, OPT_SOURCE4, OPT_SOURCE6, OPT_DB,
	OPT_SITE, OPT_DRY_RUN, OPT_FORGE, OPT_USER,
};

static const struct option send_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "config", required_argument, NULL, 'c' },
	{ "key", required_argument, NULL, 'k' },
	{ "exclude", required_argument, NULL, 'x' },
	{ "round", required_argument, NULL, 'r' },
	{ "rate", required_argument, NULL, 'R' },
	{ "repeat", required_argument, NULL, OPT_REPEAT },
	{ "gap", required_argument, NULL, OPT_GAP },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "source4", required_argument, NULL, OPT_SOURCE4 },
	{ "source6", required_argument, NULL, OPT_SOURCE6 },
	{ "db", required_argument, NULL, OPT_DB },
	{ "site", required_argument, NULL, OPT_SITE },
	{ "user", required_argument, NULL, OPT_USER },
	/* Testing only (not in the man page): forge echo replies from the targets. */
	{ "forge-replies", no_argument, NULL, OPT_FORGE },
	{ NULL, 0, NULL, 0 },
};

/* Parse the send command line into o; 1 when help was printed, -1 on error. */
int
send_parse(int argc, char **argv, struct send_opts *o, struct tp_err *err)
{
	uint64_t v;
	int c, i;

	send_opts_defaults(o);
	/* A config file sets defaults that the other options override. */
	for (i = 1; i < argc - 1; i++)
		if (strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0)
			if (send_apply_config(o, argv[i + 1], err) < 0)
				return -1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hjqnc:k:x:r:R:", send_longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(send_usage, stdout);
			return 1;
		case 'j':
			o->format = TP_FMT_JSON;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'n':
			o->dry_run = 1;
			break;
		case 'c':
			break;
		case 'k':
			o->key_path = optarg;
			break;
		case 'x':
			o->exclude_path = optarg;
			break;
		case 'r':
			if (opt_u64("--round", optarg, 0, UINT32_MAX, &v, err) < 0)
				return -1;
			o->round = (uint32_t)v;
			o->have_round = 1;
			break;
		case 'R':
			if (opt_u64("--rate", optarg, 0, 100000000, &o->rate, err) < 0)
				return -1;
			break;
		case OPT_REPEAT:
			if (opt_u64("--repeat", optarg, 1, 1000000, &o->repeat, err) < 0)
				return -1;
			break;
		case OPT_GAP:
			if (opt_seconds("--gap", optarg, &o->gap, err) < 0)
				return -1;
			break;
		case OPT_SEED:
			if (opt_u64("--seed", optarg, 0, UINT64_MAX, &o->seed, err) < 0)
				return -1;
			o->have_seed = 1;
			break;
		case OPT_TTL:
			if (opt_u64("--ttl", optarg, 1, 255, &v, err) < 0)
				return -1;
			o->ttl = (unsigned)v;
			break;
		case OPT_SOURCE4:
			if (opt_addr("--source4", optarg, AF_INET, &o->source4, err) < 0)
				return -1;
			break;
		case OPT_SOURCE6:
			if (opt_addr("--source6", optarg, AF_INET6, &o->source6, err) < 0)
				return -1;
			break;
		case OPT_DB:
			o->db_path = optarg;
			break;
		case OPT_SITE:
			o->site = optarg;
			break;
		case OPT_FORGE:
			o->forge_replies = 1;
			break;
		case OPT_USER:
			o->user = optarg;
			break;
		case ':':
			return tp_err_set(err, "option %s needs a value", argv[optind - 1]);
		default:
			return tp_err_set(err, "unknown option %s (see tp-probe send -h)",
			    argv[optind - 1]);
		}
	}
	if (!o->have_round)
		return tp_err_set(err, "--round is required: the round id the cookies carry");
	if (optind < argc - 1)
		return tp_err_set(err, "too many arguments: give one target file");
	if (optind == argc - 1)
		o->targets_path = argv[optind];
	if (o->targets_path != NULL && o->db_path != NULL)
		return tp_err_set(err, "give either a target file or --db, not both");
	if (o->site != NULL && o->db_path == NULL)
		return tp_err_set(err, "--site selects targets in the database: give --db too");
	return 0;
}

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
	enum icmp_packet_kind kind = o->forge_replies ? ICMP_PACKET_REPLY : ICMP_PACKET_REQUEST;
	unsigned i;

	memset(q, 0, sizeof(*q));
	q->family = family;
	q->fd = -1;
	if (local->family == 0)
		return 0;	/* family not measured: its targets were dropped */
	if (icmp_packet_init(&q->pkt[0], kind, local, (uint8_t)o->ttl, err) < 0)
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

/* Build the packet for target a at the end of its family's batch. */
static void
queue_add(struct sender *s, struct send_queue *q, const struct tp_addr *a, uint64_t now_us)
{
	uint8_t payload[TP_PAYLOAD_LEN];
	struct sockaddr_in *sin;
	struct sockaddr_in6 *sin6;
	struct tp_addr to;
	uint16_t id, seq;
	unsigned i = q->n++;

	cookie_idseq(&s->key, s->o->round, a, &id, &seq);
	cookie_payload(&s->key, s->o->round, a, now_us, payload);
	icmp_packet_fill(&q->pkt[i], a, id, seq, payload);
	/* Requests go to the target; forged replies to our own anycast address. */
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

/* One pass over the targets, paced by the limiter. */
static void
send_pass(struct sender *s, struct rate_limit *rl, struct tp_progress *prog, uint64_t base)
{
	unsigned batch = rate_limit_batch(s->o->rate, SEND_BATCH), k, j;
	size_t i = 0;
	uint64_t now_us;
	struct send_queue *q;

	while (i < s->ntargets) {
		k = rate_limit_wait(rl, batch);
		if (k > s->ntargets - i)
			k = (unsigned)(s->ntargets - i);
		now_us = (uint64_t)tp_now_us();
		for (j = 0; j < k; j++, i++) {
			q = s->targets[i].family == AF_INET ? &s->q4 : &s->q6;
			queue_add(s, q, &s->targets[i], now_us);
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

/* Sleep for a number of seconds (the gap between passes). */
static void
sleep_seconds(double sec)
{
	struct timespec ts;

	ts.tv_sec = (time_t)sec;
	ts.tv_nsec = (long)((sec - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Read the targets and send; the counts land in st. */
int
send_run(const struct send_opts *o, struct send_stats *st, struct tp_err *err)
{
	struct sender s;
	struct tp_exclude *x;
	struct rate_limit rl;
	struct tp_progress prog;
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
	log_info("send", "round %u: %zu targets (%zu IPv4, %zu IPv6), %llu excluded, "
	    "rate %llu/s%s", o->round, s.ntargets, n4, n6,
	    (unsigned long long)st->excluded, (unsigned long long)o->rate,
	    o->dry_run ? ", dry run" : "");
	if (o->quiet)
		memset(&prog, 0, sizeof(prog));
	else
		tp_progress_start(&prog, "send", s.ntargets * o->repeat);
	t0 = rate_limit_now_ns();
	for (pass = 0; pass < o->repeat; pass++) {
		if (pass > 0 && o->gap > 0)
			sleep_seconds(o->gap);
		rate_limit_start(&rl, o->rate);
		send_pass(&s, &rl, &prog, pass * s.ntargets);
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

/* Print the summary as a one-row table, or a JSON object with -j. */
static void
send_print_summary(const struct send_opts *o, const struct send_stats *st)
{
	static const char *const cols[] = {
		"targets", "excluded", "sent", "errors", "seconds", "rate_pps", "dry_run",
	};
	double pps = st->seconds > 0 ? (double)st->sent / st->seconds : 0;
	struct tp_table *t;
	json_t *j;

	if (o->format == TP_FMT_JSON) {
		j = json_pack("{s:I, s:I, s:I, s:I, s:f, s:f, s:b}",
		    "targets", (json_int_t)st->targets, "excluded", (json_int_t)st->excluded,
		    "sent", (json_int_t)st->sent, "errors", (json_int_t)st->errors,
		    "seconds", st->seconds, "rate_pps", pps, "dry_run", o->dry_run);
		tp_json_print(stdout, j);
		json_decref(j);
		return;
	}
	t = tp_table_new(sizeof(cols) / sizeof(cols[0]), cols);
	tp_table_row(t);
	tp_table_int(t, 0, (long long)st->targets);
	tp_table_int(t, 1, (long long)st->excluded);
	tp_table_int(t, 2, (long long)st->sent);
	tp_table_int(t, 3, (long long)st->errors);
	tp_table_real(t, 4, st->seconds, 3);
	tp_table_real(t, 5, pps, 0);
	tp_table_bool(t, 6, o->dry_run);
	tp_table_print(t, stdout, o->format);
	tp_table_free(t);
}

/* tp-probe send: parse, run, summarise. */
int
cmd_send(int argc, char **argv)
{
	struct send_opts o;
	struct send_stats st;
	struct tp_err err;
	int rc;

	rc = send_parse(argc, argv, &o, &err);
	if (rc == 1)
		return 0;
	if (rc < 0) {
		log_error("send", "%s", err.msg);
		return 2;
	}
	o.drop_privileges = 1;
	if (send_run(&o, &st, &err) < 0) {
		log_error("send", "%s", err.msg);
		return 1;
	}
	send_print_summary(&o, &st);
	if (st.errors > 0 && st.sent == 0)
		return 1;
	return st.errors > 0 ? 3 : 0;	/* done, but the kernel refused some probes */
}
