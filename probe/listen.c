/*
 * listen.c: tp-probe listen. Open the capture (or a saved file), filter to
 * echo replies for the test ranges, drop privileges, then judge each frame
 * and write the accepted ones as records until the duration, an idle spell
 * or a signal ends the run.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "clock.h"
#include "db.h"
#include "import.h"
#include "keyfile.h"
#include "listen.h"
#include "log.h"
#include "privdrop.h"
#include "records.h"
#include "reply_decode.h"
#include "reply_tally.h"
#include "xalloc.h"

#define LISTEN_SNAPLEN 256
#define LISTEN_POLL_MS 100
#define LISTEN_FILTER_MAX 4096

static volatile sig_atomic_t listen_stop;

/* The state one run carries through the pcap callback. */
struct listener {
	const struct listen_opts *o;
	struct reply_tally tally;
	FILE *out;			/* record stream, or NULL with --db */
	struct tally_reply *kept;	/* with --db: accepted replies, imported at the end */
	size_t nkept, capkept;
	int dlt;
	uint64_t packets;
	int64_t last_accept_us;		/* CLOCK_MONOTONIC */
};

/* The BPF filter for the methods' replies to the test ranges. */
int
listen_filter(const struct listen_opts *o, char *buf, size_t len, struct tp_err *err)
{
	struct probe_method icmp;

	probe_method_default(&icmp);
	return probe_method_filter(o->nmethods ? o->methods : &icmp,
	    o->nmethods ? o->nmethods : 1, o->ranges, o->nranges, buf, len, err);
}

/* Stop the capture loop at SIGINT or SIGTERM. */
static void
listen_on_signal(int sig)
{
	(void)sig;
	listen_stop = 1;
}

/* Fill a record of kind with the round and site. */
static void
record_init(struct tp_record *r, enum tp_record_kind kind, uint32_t round, const char *site)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->version = TP_RECORDS_VERSION;
	r->round = round;
	snprintf(r->site, sizeof(r->site), "%s", site);
}

/* Fill a reply record of round at site from an accepted reply. */
void
listen_record_reply(struct tp_record *r, uint32_t round, const char *site,
    const struct tally_reply *t)
{
	record_init(r, TP_REC_REPLY, round, site);
	r->addr = t->addr;
	r->local = t->local;
	r->rtt_us = t->rtt_us;
	r->ttl = t->ttl;
	r->received_us = t->received_us;
	probe_method_format(t->method, r->method);
	r->flow = t->flow;
}

/* Judge one captured frame (the pcap callback). */
static void
listen_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct listener *l = (struct listener *)user;
	struct tally_reply r;
	int64_t received_us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;

	l->packets++;
	if (reply_tally_frame(&l->tally, l->dlt, bytes, h->caplen, received_us, &r) !=
	    TALLY_ACCEPTED)
		return;
	l->last_accept_us = tp_mono_us();
	if (l->out != NULL) {
		struct tp_record rec;

		listen_record_reply(&rec, l->o->round, l->o->site, &r);
		tp_records_write_reply(l->out, &rec);
		return;
	}
	if (l->nkept == l->capkept) {
		l->capkept = l->capkept ? l->capkept * 2 : 4096;
		l->kept = xreallocarray(l->kept, l->capkept, sizeof(*l->kept));
	}
	l->kept[l->nkept++] = r;
}

/* Open a live capture tuned for bursts: immediate mode, a big buffer, inbound only. */
static pcap_t *
open_live(const struct listen_opts *o, struct tp_err *err)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int rc;

	ebuf[0] = '\0';
	p = pcap_create(o->interface, ebuf);
	if (p == NULL) {
		tp_err_set(err, "capture on %s: %s", o->interface, ebuf);
		return NULL;
	}
	pcap_set_snaplen(p, LISTEN_SNAPLEN);
	pcap_set_promisc(p, 0);
	pcap_set_immediate_mode(p, 1);
	pcap_set_buffer_size(p, (int)o->buffer_mb * 1024 * 1024);
	pcap_set_timeout(p, LISTEN_POLL_MS);
	rc = pcap_activate(p);
	if (rc < 0) {
		tp_err_set(err, "capture on %s: %s%s", o->interface, pcap_geterr(p),
		    rc == PCAP_ERROR_PERM_DENIED ? " (run as root or with CAP_NET_RAW)" : "");
		pcap_close(p);
		return NULL;
	}
	if (rc > 0)
		log_warn("listen", "capture on %s: %s", o->interface, pcap_geterr(p));
	if (pcap_setdirection(p, PCAP_D_IN) < 0)
		log_warn("listen", "capture on %s: cannot capture inbound only: %s",
		    o->interface, pcap_geterr(p));
	return p;
}

/* Open the capture or the saved file and install the filter. */
static pcap_t *
listen_open(const struct listen_opts *o, int *dlt, struct tp_err *err)
{
	char ebuf[PCAP_ERRBUF_SIZE], filter[LISTEN_FILTER_MAX * 2 + 128];
	struct bpf_program prog;
	pcap_t *p;

	if (listen_filter(o, filter, sizeof(filter), err) < 0)
		return NULL;
	if (o->read_pcap != NULL) {
		p = pcap_open_offline(o->read_pcap, ebuf);
		if (p == NULL) {
			tp_err_set(err, "--read-pcap %s: %s", o->read_pcap, ebuf);
			return NULL;
		}
	} else if ((p = open_live(o, err)) == NULL)
		return NULL;
	*dlt = pcap_datalink(p);
	if (!reply_decode_supported(*dlt)) {
		tp_err_set(err, "%s: link type %s is not supported (use an Ethernet "
		    "interface or \"any\")", o->read_pcap ? o->read_pcap : o->interface,
		    pcap_datalink_val_to_name(*dlt) ? pcap_datalink_val_to_name(*dlt) : "?");
		pcap_close(p);
		return NULL;
	}
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
	    pcap_setfilter(p, &prog) < 0) {
		tp_err_set(err, "capture filter \"%s\": %s", filter, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	pcap_freecode(&prog);
	if (o->read_pcap == NULL && pcap_setnonblock(p, 1, ebuf) < 0) {
		tp_err_set(err, "capture on %s: %s", o->interface, ebuf);
		pcap_close(p);
		return NULL;
	}
	return p;
}

/* Replay a saved capture to its end (or a signal). */
static int
loop_file(pcap_t *p, struct listener *l, struct tp_err *err)
{
	int rc;

	while (!listen_stop) {
		rc = pcap_dispatch(p, 4096, listen_frame, (u_char *)l);
		if (rc == 0 || rc == PCAP_ERROR_BREAK)
			break;
		if (rc < 0)
			return tp_err_set(err, "--read-pcap %s: %s", l->o->read_pcap,
			    pcap_geterr(p));
	}
	return 0;
}

/* Read what stdin holds; 1 at its end (or on an error), 0 otherwise. */
static int
stdin_at_eof(void)
{
	char buf[256];
	ssize_t got = read(STDIN_FILENO, buf, sizeof(buf));

	return got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN);
}

/* Capture live until the duration, an idle spell or a signal. */
static int
loop_live(pcap_t *p, struct listener *l, struct tp_err *err)
{
	const struct listen_opts *o = l->o;
	int64_t start = tp_mono_us(), now;
	struct pollfd pfd[2];
	int rc;

	pfd[0].fd = pcap_get_selectable_fd(p);
	pfd[0].events = POLLIN;
	/* With --stop-on-eof the controller stops us by closing our stdin (ssh passes that on). */
	pfd[1].fd = o->stop_on_eof ? STDIN_FILENO : -1;
	pfd[1].events = POLLIN;
	l->last_accept_us = start;
	while (!listen_stop) {
		now = tp_mono_us();
		if (o->duration > 0 && now - start >= (int64_t)(o->duration * 1e6))
			break;
		if (o->until_idle > 0 && now - l->last_accept_us >= (int64_t)(o->until_idle * 1e6))
			break;
		rc = poll(pfd, 2, LISTEN_POLL_MS);
		if (rc < 0 && errno != EINTR)
			return tp_err_set(err, "poll: %s", strerror(errno));
		if (rc > 0 && pfd[1].revents != 0 && stdin_at_eof())
			listen_stop = 1;
		do {
			rc = pcap_dispatch(p, -1, listen_frame, (u_char *)l);
		} while (rc > 0 && !listen_stop);
		if (rc < 0 && rc != PCAP_ERROR_BREAK)
			return tp_err_set(err, "capture on %s: %s", o->interface, pcap_geterr(p));
		if (l->out != NULL)
			fflush(l->out);
	}
	return 0;
}


/* Import the kept replies and the end line into the database in one transaction. */
static int
listen_import(struct tp_db *db, struct listener *l, const struct listen_stats *st,
    struct tp_err *err)
{
	struct tp_importer *imp;
	struct tp_import_stats is;
	struct tp_import_bind bind;
	struct tp_record r;
	size_t i;

	/* The site given with --site is the operator's word, not the stream's. */
	if (tp_db_site_id(db, l->o->site, 1, err) < 0)
		return -1;
	bind.round = l->o->round;
	snprintf(bind.site, sizeof(bind.site), "%s", l->o->site);
	imp = tp_importer_begin_cached(NULL, db, &bind, db->path, err);
	if (imp == NULL)
		return -1;
	record_init(&r, TP_REC_HEADER, l->o->round, l->o->site);
	if (tp_importer_add(imp, &r, err) < 0)
		goto fail;
	for (i = 0; i < l->nkept; i++) {
		listen_record_reply(&r, l->o->round, l->o->site, &l->kept[i]);
		if (tp_importer_add(imp, &r, err) < 0)
			goto fail;
	}
	record_init(&r, TP_REC_END, l->o->round, l->o->site);
	r.accepted = st->accepted;
	r.rejected = st->rejected;
	r.duplicates = st->duplicates;
	r.drops = st->drops;
	if (tp_importer_add(imp, &r, err) < 0)
		goto fail;
	if (tp_importer_commit(imp, &is, err) < 0)
		return -1;
	log_info("listen", "%s: stored %llu responses (%llu already there, %llu not targets)",
	    db->path, (unsigned long long)is.inserted, (unsigned long long)is.duplicates,
	    (unsigned long long)is.unknown);
	return 0;
fail:
	tp_importer_abort(imp);
	return -1;
}

/* 1 once SIGINT or SIGTERM arrived. */
int
listen_stopping(void)
{
	return listen_stop != 0;
}

/* Open the capture with its filter, then keep only what capturing needs. */
pcap_t *
listen_capture_open(const struct listen_opts *o, int *dlt, struct tp_err *err)
{
	pcap_t *p = listen_open(o, dlt, err);

	if (p == NULL)
		return NULL;
	/* The key is read and the capture open: keep only CAP_NET_RAW, or
	 * nothing at all to replay a file. */
	if (o->drop_privileges && privdrop(o->user, o->read_pcap ? PRIVDROP_KEEP_NONE :
	    PRIVDROP_KEEP_NET_RAW, err) < 0) {
		pcap_close(p);
		return NULL;
	}
	return p;
}

/* Catch SIGINT and SIGTERM without restarting system calls. */
void
listen_signals(void)
{
	struct sigaction sa;

	listen_stop = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = listen_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Capture (or replay) until done; records go to out unless o->db_path is set. */
int
listen_run(const struct listen_opts *o, FILE *out, struct listen_stats *st,
    struct tp_err *err)
{
	struct listener l;
	struct tp_key key;
	struct tp_db *db = NULL;
	struct pcap_stat ps;
	pcap_t *p;
	int64_t t0 = tp_mono_us();
	int rc = -1;

	if (o->multi_round)
		return listen_multi_run(o, out, st, err);
	memset(st, 0, sizeof(*st));
	memset(&l, 0, sizeof(l));
	l.o = o;
	listen_stop = 0;
	if (tp_keyfile_load(o->key_path, &key, err) < 0)
		return -1;
	if (o->db_path != NULL && tp_db_open(o->db_path, 0, &db, err) < 0)
		return -1;
	p = listen_capture_open(o, &l.dlt, err);
	if (p == NULL)
		goto out;
	l.out = db == NULL ? out : NULL;
	reply_tally_init(&l.tally, &key, o->round, o->ranges, o->nranges);
	reply_tally_set_methods(&l.tally, o->methods, o->nmethods);
	listen_signals();
	if (l.out != NULL) {
		tp_records_write_header(l.out);
		fflush(l.out);
	}
	log_info("listen", "round %u at site %s: %s %s", o->round, o->site,
	    o->read_pcap ? "replaying" : "capturing on", o->read_pcap ? o->read_pcap : o->interface);
	rc = o->read_pcap ? loop_file(p, &l, err) : loop_live(p, &l, err);
	if (o->read_pcap == NULL && pcap_stats(p, &ps) == 0)
		st->drops = (uint64_t)ps.ps_drop + ps.ps_ifdrop;
	st->packets = l.packets;
	st->accepted = l.tally.accepted;
	st->rejected = l.tally.rejected;
	st->duplicates = l.tally.duplicates;
	st->ignored = l.tally.ignored;
	st->with_rtt = l.tally.with_rtt;
	st->seconds = (double)(tp_mono_us() - t0) / 1e6;
	if (l.out != NULL) {
		tp_records_write_end(l.out, o->round, o->site, st->accepted, st->rejected,
		    st->duplicates, st->drops);
		if (fflush(l.out) != 0 && rc == 0)
			rc = tp_err_set(err, "writing records: %s", strerror(errno));
	} else if (db != NULL && rc == 0 && listen_import(db, &l, st, err) < 0)
		rc = -1;
	reply_tally_free(&l.tally);
	pcap_close(p);
out:
	free(l.kept);
	if (db != NULL)
		tp_db_close(db);
	return rc;
}

