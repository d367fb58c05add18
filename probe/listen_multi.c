/*
 * listen_multi.c: tp-probe listen --multi-round, one listener for every
 * round of a campaign. Commands on stdin open and close rounds
 * (listen_control.h); each frame is given to its round by the round book
 * (listen_rounds.h); a closed round's end line is written once its grace
 * has passed. End of input (or a signal) ends every round and the run.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "clock.h"
#include "keyfile.h"
#include "listen.h"
#include "listen_control.h"
#include "listen_rounds.h"
#include "log.h"
#include "records.h"

#define HUB_POLL_MS 100

/* What one multi-round run carries through the callbacks. */
struct hub {
	const struct listen_opts *o;
	struct round_book book;
	struct listen_stats *st;
	FILE *out;
	pcap_t *p;
	int dlt;
	uint64_t packets;
};

/* The capture's drop count so far (0 when replaying). */
static uint64_t
hub_drops(struct hub *h)
{
	struct pcap_stat ps;

	if (h->o->read_pcap != NULL || pcap_stats(h->p, &ps) != 0)
		return 0;
	return (uint64_t)ps.ps_drop + ps.ps_ifdrop;
}

/* Write a round's end line, add its counts to the run's, and forget it. */
static void
hub_end_round(struct hub *h, struct open_round *r)
{
	const struct reply_tally *t = &r->tally;

	tp_records_write_end(h->out, t->round, h->o->site, t->accepted, t->rejected,
	    t->duplicates, hub_drops(h) - r->drops_at_open);
	h->st->accepted += t->accepted;
	h->st->rejected += t->rejected;
	h->st->duplicates += t->duplicates;
	h->st->with_rtt += t->with_rtt;
	round_book_forget(&h->book, r);
}

/* Carry out one command line from stdin and answer it on the stream. */
static void
hub_command(void *arg, const char *line)
{
	struct hub *h = arg;
	struct listen_command c;
	struct tp_err err;
	double grace;
	int rc;

	if (line == NULL)
		rc = tp_err_set(&err, "command line longer than %d bytes",
		    LISTEN_CONTROL_LINE_MAX);
	else
		rc = listen_command_parse(line, &c, &err);
	if (rc == 0 && c.kind == LISTEN_CMD_OPEN)
		rc = round_book_open(&h->book, c.round, c.locals, c.nlocals, hub_drops(h), &err);
	else if (rc == 0) {
		grace = c.grace >= 0 ? c.grace : h->o->grace;
		rc = round_book_close(&h->book, c.round, tp_mono_us(), (int64_t)(grace * 1e6),
		    &err);
	}
	if (rc < 0) {
		log_warn("listen", "stdin: %s", err.msg);
		fprintf(h->out, "# refused: %s\n", err.msg);
	} else
		fprintf(h->out, "# %s %u\n", c.kind == LISTEN_CMD_OPEN ? "open" : "close",
		    c.round);
	fflush(h->out);
}

/* Judge one captured frame (the pcap callback) and record it when accepted. */
static void
hub_frame(u_char *user, const struct pcap_pkthdr *ph, const u_char *bytes)
{
	struct hub *h = (struct hub *)user;
	struct tally_reply r;
	struct tp_record rec;
	uint32_t round;
	int64_t received_us = (int64_t)ph->ts.tv_sec * 1000000 + ph->ts.tv_usec;

	h->packets++;
	if (round_book_frame(&h->book, h->dlt, bytes, ph->caplen, received_us, &r, &round) !=
	    TALLY_ACCEPTED)
		return;
	listen_record_reply(&rec, round, h->o->site, &r);
	tp_records_write_reply(h->out, &rec);
}

/* End every round whose grace has passed (all of them when now_us < 0). */
static void
hub_close_due(struct hub *h, int64_t now_us)
{
	struct open_round *r;

	while ((r = round_book_due(&h->book, now_us)) != NULL)
		hub_end_round(h, r);
}

/* At the end of input: every round not closing yet closes with the default grace. */
static void
hub_close_all(struct hub *h, int64_t now_us)
{
	size_t i;

	for (i = 0; i < ROUNDS_MAX_OPEN; i++)
		if (h->book.slot[i].used && !h->book.slot[i].closing)
			round_book_close(&h->book, h->book.slot[i].tally.round, now_us,
			    (int64_t)(h->o->grace * 1e6), NULL);
}

/* Replay: apply every command on stdin, then the saved capture, then end the rounds. */
static int
hub_replay(struct hub *h, struct tp_err *err)
{
	struct line_reader lr;
	int rc;

	memset(&lr, 0, sizeof(lr));
	while (!lr.eof)
		line_reader_feed(&lr, h->o->control_fd, hub_command, h);
	hub_close_due(h, tp_mono_us());
	while (!listen_stopping()) {
		rc = pcap_dispatch(h->p, 4096, hub_frame, (u_char *)h);
		if (rc == 0 || rc == PCAP_ERROR_BREAK)
			break;
		if (rc < 0)
			return tp_err_set(err, "--read-pcap %s: %s", h->o->read_pcap,
			    pcap_geterr(h->p));
	}
	return 0;
}

/* The poll timeout: HUB_POLL_MS, or less when a round's grace ends sooner. */
static int
hub_timeout_ms(const struct hub *h, int64_t now_us)
{
	int64_t next = round_book_next_close(&h->book);

	if (next < 0 || next - now_us >= HUB_POLL_MS * 1000LL)
		return HUB_POLL_MS;
	return next <= now_us ? 0 : (int)((next - now_us + 999) / 1000);
}

/* Capture live, serving the commands on stdin, until its end, the duration or a signal. */
static int
hub_live(struct hub *h, struct tp_err *err)
{
	const struct listen_opts *o = h->o;
	struct line_reader lr;
	struct pollfd pfd[2];
	int64_t start = tp_mono_us(), now;
	int rc;

	memset(&lr, 0, sizeof(lr));
	pfd[0].fd = pcap_get_selectable_fd(h->p);
	pfd[0].events = POLLIN;
	pfd[1].fd = o->control_fd;
	pfd[1].events = POLLIN;
	while (!listen_stopping() && !(lr.eof && h->book.nopen == 0)) {
		now = tp_mono_us();
		if (o->duration > 0 && now - start >= (int64_t)(o->duration * 1e6))
			break;
		rc = poll(pfd, 2, hub_timeout_ms(h, now));
		if (rc < 0 && errno != EINTR)
			return tp_err_set(err, "poll: %s", strerror(errno));
		do {
			rc = pcap_dispatch(h->p, -1, hub_frame, (u_char *)h);
		} while (rc > 0 && !listen_stopping());
		if (rc < 0 && rc != PCAP_ERROR_BREAK)
			return tp_err_set(err, "capture on %s: %s", o->interface,
			    pcap_geterr(h->p));
		/* Frames first: a close read now must not cut off replies already queued. */
		if (pfd[1].revents != 0) {
			line_reader_feed(&lr, h->o->control_fd, hub_command, h);
			if (lr.eof) {
				pfd[1].fd = -1;
				hub_close_all(h, tp_mono_us());
			}
		}
		hub_close_due(h, tp_mono_us());
		fflush(h->out);
	}
	return 0;
}

/* Capture with rounds opened and closed on stdin; records go to out. */
int
listen_multi_run(const struct listen_opts *o, FILE *out, struct listen_stats *st,
    struct tp_err *err)
{
	struct hub h;
	struct tp_key key;
	int64_t t0 = tp_mono_us();
	int rc;

	memset(st, 0, sizeof(*st));
	memset(&h, 0, sizeof(h));
	h.o = o;
	h.st = st;
	h.out = out;
	if (o->db_path != NULL)
		return tp_err_set(err, "--multi-round writes a record stream: it cannot take --db");
	if (tp_keyfile_load(o->key_path, &key, err) < 0)
		return -1;
	h.p = listen_capture_open(o, &h.dlt, err);
	if (h.p == NULL)
		return -1;
	round_book_init(&h.book, &key, o->ranges, o->nranges);
	h.book.methods = o->methods;
	h.book.nmethods = o->nmethods;
	listen_signals();
	tp_records_write_header(out);
	fflush(out);
	log_info("listen", "site %s, rounds from stdin: %s %s", o->site,
	    o->read_pcap ? "replaying" : "capturing on", o->read_pcap ? o->read_pcap : o->interface);
	rc = o->read_pcap ? hub_replay(&h, err) : hub_live(&h, err);
	st->drops = hub_drops(&h);
	hub_close_due(&h, -1);
	st->packets = h.packets;
	st->rounds = h.book.served;
	st->stale = h.book.stale;
	st->rejected += h.book.stale + h.book.unmatched;
	st->ignored = h.book.ignored;
	st->seconds = (double)(tp_mono_us() - t0) / 1e6;
	if (fflush(out) != 0 && rc == 0)
		rc = tp_err_set(err, "writing records: %s", strerror(errno));
	round_book_free(&h.book);
	pcap_close(h.p);
	return rc;
}
