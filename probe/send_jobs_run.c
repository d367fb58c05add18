/*
 * send_jobs_run.c: tp-probe send --jobs, one prober for every lane. Jobs
 * arrive on stdin (tp-probe(8), "JOB MODE"):
 *
 *   job ROUND SOURCE4 SOURCE6      ("-" for a family the lane lacks)
 *   ADDR                           one target a line
 *   end
 *
 * and run at once, interleaved by the job queue (send_jobs.h) under the
 * one --rate. The prober answers on stdout: "started ROUND TARGETS
 * EXCLUDED", "done ROUND SENT ERRORS" or "refused ROUND: REASON". End of
 * input lets the running jobs finish, then ends the run.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addr_set.h"
#include "clock.h"
#include "cookie.h"
#include "exclude.h"
#include "probe_method.h"
#include "keyfile.h"
#include "listen_control.h"
#include "log.h"
#include "output.h"
#include "permute.h"
#include "privdrop.h"
#include "rate_limit.h"
#include "send.h"
#include "send_jobs.h"
#include "xalloc.h"

#define JOBS_STDIN_CHECK_NS (10 * 1000000LL)	/* look at stdin this often while sending */
#define JOBS_SEND_RETRIES 100

static volatile sig_atomic_t jobs_stop;

/* A job's packet templates, one per family it has a source for. */
struct job_packets {
	struct probe_packet v4, v6;
};

/* The job being read from stdin. */
struct job_draft {
	int active;		/* between its "job" line and its "end" */
	int refused;		/* a bad line: refuse it at "end" */
	struct tp_err why;
	uint32_t round;
	struct tp_addr source4, source6;
	struct tp_addr *targets;
	size_t n, cap;
	struct addr_set seen;
	uint64_t excluded, unsourced;
};

/* Everything one job-mode run works with. */
struct prober {
	const struct send_opts *o;
	struct tp_key key;
	struct tp_exclude *exclude;
	struct job_queue q;
	struct job_draft draft;
	int fd4, fd6;
	uint64_t jobs, targets, excluded, sent, errors, deferrals;
};

/* Stop at SIGINT or SIGTERM. */
static void
jobs_on_signal(int sig)
{
	(void)sig;
	jobs_stop = 1;
}

/* Say one line to the controller. */
static void
say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

/* Start reading a job after its "job" line. */
static void
draft_begin(struct prober *pr, const char *line)
{
	struct job_draft *d = &pr->draft;
	struct tp_err err;

	memset(d, 0, sizeof(*d));
	d->active = 1;
	addr_set_init(&d->seen);
	if (send_job_parse_header(line, &d->round, &d->source4, &d->source6, &err) < 0) {
		d->refused = 1;
		d->why = err;
	}
}

/* Take one target line into the draft: dropping repeats, excluded and unsourced ones. */
static void
draft_target(struct prober *pr, const char *line)
{
	struct job_draft *d = &pr->draft;
	struct tp_addr a;
	struct tp_err err;

	if (d->refused)
		return;
	if (tp_addr_parse(line, &a, &err) < 0) {
		d->refused = 1;
		tp_err_set(&d->why, "target %zu: %s", d->n + 1, err.msg);
		return;
	}
	if (!addr_set_add(&d->seen, &a))
		return;
	if ((a.family == AF_INET ? d->source4.family : d->source6.family) == 0) {
		d->unsourced++;
		return;
	}
	if (tp_exclude_contains(pr->exclude, &a)) {
		d->excluded++;
		return;
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 1024;
		d->targets = xreallocarray(d->targets, d->cap, sizeof(*d->targets));
	}
	d->targets[d->n++] = a;
}

/* Build a job's templates: one per family it has a source for. */
static int
job_packets_build(struct prober *pr, struct send_job *j, struct tp_err *err)
{
	struct job_packets *p = xcalloc(1, sizeof(*p));
	int dry = pr->o->dry_run;

	j->packets = p;
	if (j->source4.family != 0 && !dry && pr->fd4 < 0)
		return tp_err_set(err, "no IPv4 raw socket on this system");
	if (j->source6.family != 0 && !dry && pr->fd6 < 0)
		return tp_err_set(err, "no IPv6 raw socket on this system");
	if (j->source4.family != 0 && pr->o->method.ops->make_template(&p->v4, PROBE_OUT,
	    &j->source4, (uint8_t)pr->o->ttl, err) < 0)
		return -1;
	if (j->source6.family != 0 && pr->o->method.ops->make_template(&p->v6, PROBE_OUT,
	    &j->source6, (uint8_t)pr->o->ttl, err) < 0)
		return -1;
	return 0;
}

/* At a job's "end": refuse it, or shuffle its targets and queue it. */
static void
draft_end(struct prober *pr)
{
	struct job_draft *d = &pr->draft;
	struct send_job *j = NULL;
	struct tp_err err;
	uint64_t seed = pr->o->have_seed ? pr->o->seed ^ d->round : permute_random_seed();

	addr_set_free(&d->seen);
	d->active = 0;
	if (!d->refused) {
		permute_shuffle(d->targets, d->n, sizeof(*d->targets), seed);
		if (job_queue_add(&pr->q, d->round, &d->source4, &d->source6, d->targets, d->n,
		    &j, &err) < 0) {
			d->refused = 1;
			d->why = err;
		} else {
			d->targets = NULL;
			j->excluded = d->excluded;
			j->unsourced = d->unsourced;
			if (job_packets_build(pr, j, &err) < 0) {
				job_queue_remove(&pr->q, j);
				d->refused = 1;
				d->why = err;
			}
		}
	}
	free(d->targets);
	d->targets = NULL;
	if (d->refused) {
		log_warn("send", "job %u refused: %s", d->round, d->why.msg);
		say("refused %u: %s\n", d->round, d->why.msg);
		return;
	}
	pr->jobs++;
	pr->targets += j->ntargets;
	pr->excluded += j->excluded;
	say("started %u %zu %llu\n", j->round, j->ntargets, (unsigned long long)j->excluded);
}

/* One line of stdin (the line reader's callback). */
static void
jobs_line(void *arg, const char *line)
{
	struct prober *pr = arg;

	if (line == NULL) {
		if (pr->draft.active && !pr->draft.refused) {
			pr->draft.refused = 1;
			tp_err_set(&pr->draft.why, "a line longer than %d bytes",
			    LISTEN_CONTROL_LINE_MAX);
		}
		return;
	}
	if (!pr->draft.active) {
		if (line[0] != '\0')
			draft_begin(pr, line);
	} else if (strcmp(line, "end") == 0)
		draft_end(pr);
	else
		draft_target(pr, line);
}

/* dst as a socket address for sendto; its length is returned. */
static socklen_t
sockaddr_of(const struct tp_addr *dst, struct sockaddr_storage *to)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)to;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)to;

	memset(to, 0, sizeof(*to));
	if (dst->family == AF_INET) {
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, dst->bytes, 4);
		return sizeof(*sin);
	}
	sin6->sin6_family = AF_INET6;
	memcpy(&sin6->sin6_addr, dst->bytes, 16);
	return sizeof(*sin6);
}

/* Send one packet; count it or the kernel's refusal. */
static void
send_one(struct prober *pr, struct send_job *j, const struct tp_addr *dst)
{
	struct job_packets *p = j->packets;
	struct probe_packet *pkt = dst->family == AF_INET ? &p->v4 : &p->v6;
	const struct probe_method *m = &pr->o->method;
	struct sockaddr_storage to;
	struct timespec pause = { 0, 50000 };
	socklen_t tolen;
	unsigned tries = 0;
	int fd = dst->family == AF_INET ? pr->fd4 : pr->fd6;

	m->ops->make_packet(m, pkt, &pr->key, j->round, dst, 0, (uint64_t)tp_now_us());
	tolen = sockaddr_of(dst, &to);
	if (pr->o->dry_run) {
		j->sent++;
		return;
	}
	while (sendto(fd, pkt->buf, pkt->len, 0, (struct sockaddr *)&to, tolen) < 0) {
		if (errno == EINTR ||
		    ((errno == ENOBUFS || errno == EAGAIN) && tries++ < JOBS_SEND_RETRIES)) {
			nanosleep(&pause, NULL);
			continue;
		}
		if (j->errors++ == 0)
			log_warn("send", "job %u: sendto: %s", j->round, strerror(errno));
		return;
	}
	j->sent++;
}

/* Report the finished jobs and take them out of the queue. */
static void
jobs_report_done(struct prober *pr)
{
	struct send_job *j;

	while ((j = job_queue_finished(&pr->q)) != NULL) {
		say("done %u %llu %llu\n", j->round, (unsigned long long)j->sent,
		    (unsigned long long)j->errors);
		pr->sent += j->sent;
		pr->errors += j->errors;
		pr->deferrals += j->deferrals;
		job_queue_remove(&pr->q, j);
	}
}

/* Open the raw socket of a family (IP header included); -1 when the system has none. */
static int
raw_socket(int family)
{
	int one = 1, fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);

	if (fd >= 0 && family == AF_INET &&
	    setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Wait for stdin up to timeout_ms (-1: no limit) and read what it has. */
static void
jobs_read_stdin(struct prober *pr, struct line_reader *lr, int timeout_ms)
{
	struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };

	int chunks = 0;

	/* A job of many targets comes in many chunks: take what is there now. */
	while (!lr->eof && chunks++ < 256 && poll(&pfd, 1, chunks == 1 ? timeout_ms : 0) > 0)
		line_reader_feed(lr, STDIN_FILENO, jobs_line, pr);
}

/*
 * Send what the queue gives under the one rate limit until stdin ends and
 * every job is done. After a spell with nothing to send the limiter starts
 * afresh, so it never makes up for lost time with a burst.
 */
static void
jobs_loop(struct prober *pr)
{
	struct line_reader lr;
	struct rate_limit rl;
	struct send_job *j;
	struct tp_addr dst;
	int64_t now, wait_ns = 0, last_stdin = 0;
	unsigned batch = rate_limit_batch(pr->o->rate, 64), k, i;
	int idle = 1, rc = -1;

	memset(&lr, 0, sizeof(lr));
	rate_limit_start(&rl, pr->o->rate);
	while (!jobs_stop) {
		now = rate_limit_now_ns();
		if (idle) {
			/* Nothing to send: block on stdin, or until a deferred probe is due. */
			jobs_read_stdin(pr, &lr, pr->q.n == 0 ? -1 :
			    rc == 0 ? (int)((wait_ns - now) / 1000000 + 1) : 0);
			last_stdin = rate_limit_now_ns();
		} else if (now - last_stdin >= JOBS_STDIN_CHECK_NS) {
			jobs_read_stdin(pr, &lr, 0);
			last_stdin = now;
		}
		jobs_report_done(pr);
		if (lr.eof && pr->q.n == 0)
			break;
		if (idle)
			rate_limit_resume(&rl);
		k = rate_limit_wait(&rl, batch);
		for (i = 0, idle = 0; i < k && !idle; i++) {
			rc = job_queue_next(&pr->q, rate_limit_now_ns(), &j, &dst, &wait_ns);
			if (rc == 1)
				send_one(pr, j, &dst);
			idle = rc != 1;
		}
	}
	jobs_report_done(pr);
}

/* Print the run's counts on stderr as a one-row table, or JSON with -j. */
static void
jobs_print_summary(const struct prober *pr, double seconds)
{
	static const char *const cols[] = {
		"jobs", "targets", "excluded", "sent", "errors", "spaced", "seconds", "rate_pps",
	};
	struct tp_table *t = tp_table_new(sizeof(cols) / sizeof(cols[0]), cols);

	tp_table_row(t);
	tp_table_int(t, 0, (long long)pr->jobs);
	tp_table_int(t, 1, (long long)pr->targets);
	tp_table_int(t, 2, (long long)pr->excluded);
	tp_table_int(t, 3, (long long)pr->sent);
	tp_table_int(t, 4, (long long)pr->errors);
	tp_table_int(t, 5, (long long)pr->deferrals);
	tp_table_real(t, 6, seconds, 3);
	tp_table_real(t, 7, seconds > 0 ? (double)pr->sent / seconds : 0, 0);
	tp_table_print(t, stderr, pr->o->format);
	tp_table_free(t);
}

/* tp-probe send --jobs: serve the jobs on stdin until its end; 0, or 1 with a reason. */
int
send_jobs_run(const struct send_opts *o, struct tp_err *err)
{
	struct prober pr;
	struct sigaction sa;
	int64_t t0;
	int rc = -1;

	memset(&pr, 0, sizeof(pr));
	pr.o = o;
	pr.fd4 = pr.fd6 = -1;
	if (tp_keyfile_load(o->key_path, &pr.key, err) < 0)
		return -1;
	pr.exclude = tp_exclude_load(o->exclude_path, err);
	if (pr.exclude == NULL)
		return tp_err_prefix(err, "exclusion list (--exclude)");
	if (!o->dry_run) {
		pr.fd4 = raw_socket(AF_INET);
		pr.fd6 = raw_socket(AF_INET6);
		if (pr.fd4 < 0 && pr.fd6 < 0) {
			tp_err_set(err, "raw sockets: %s (run as root or with CAP_NET_RAW)",
			    strerror(errno));
			goto out;
		}
	}
	/* Sockets open, key and exclusions read: nothing more needs privilege. */
	if (o->drop_privileges && privdrop(o->user, PRIVDROP_KEEP_NONE, err) < 0)
		goto out;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = jobs_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	job_queue_init(&pr.q, (int64_t)(o->min_gap * 1e9));
	log_info("send", "jobs from stdin: rate %llu/s in all, probes to one address at "
	    "least %.3f s apart%s", (unsigned long long)o->rate, o->min_gap,
	    o->dry_run ? ", dry run" : "");
	t0 = rate_limit_now_ns();
	jobs_loop(&pr);
	if (!o->quiet || o->format == TP_FMT_JSON)
		jobs_print_summary(&pr, (double)(rate_limit_now_ns() - t0) / 1e9);
	job_queue_free(&pr.q);
	rc = 0;
out:
	if (pr.draft.active)
		addr_set_free(&pr.draft.seen);
	free(pr.draft.targets);
	if (pr.fd4 >= 0)
		close(pr.fd4);
	if (pr.fd6 >= 0)
		close(pr.fd6);
	tp_exclude_free(pr.exclude);
	return rc;
}
