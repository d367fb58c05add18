/*
 * test_probe_hub.c: the campaign's probe hub sorts what its listeners and
 * its prober write by round (probe_hub_read.c), fed here through pipes;
 * and it starts a prober that died again (probe_hub.c), run here with a
 * stand-in for tp-probe.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "fixture.h"
#include "probe_hub_int.h"

/* A pipe whose read end is p's output; the write end is returned. */
static int
fake_output(struct hub_pipe *p, const char *site)
{
	int fd[2];

	cr_assert_eq(pipe(fd), 0);
	p->proc.out = fdopen(fd[0], "r");
	cr_assert_not_null(p->proc.out);
	snprintf(p->proc.site, sizeof(p->proc.site), "%s", site);
	return fd[1];
}

/* Mark slot k as round `round` in flight over nsites sites. */
static void
fake_slot(struct probe_hub *h, size_t k, uint32_t round)
{
	struct hub_slot *s = &h->slot[k];

	s->used = 1;
	s->round = round;
	s->data.nsites = h->nsites;
	s->data.stream = calloc(h->nsites, sizeof(char *));
	s->data.len = calloc(h->nsites, sizeof(size_t));
	s->data.ended = calloc(h->nsites, sizeof(int));
	s->cap = calloc(h->nsites, sizeof(size_t));
}

/* Write text to fd whole. */
static void
say(int fd, const char *text)
{
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
}

Test(probe_hub, lines_are_filed_by_round_and_site)
{
	struct probe_hub h;
	int w0, w1, wp;
	size_t i, k;

	memset(&h, 0, sizeof(h));
	h.nsites = 2;
	h.listener = calloc(2, sizeof(*h.listener));
	pthread_mutex_init(&h.lock, NULL);
	pthread_cond_init(&h.changed, NULL);
	w0 = fake_output(&h.listener[0], "akl");
	w1 = fake_output(&h.listener[1], "chc");
	wp = fake_output(&h.prober, "akl");
	fake_slot(&h, 0, 21);
	fake_slot(&h, 3, 22);
	cr_assert_eq(pthread_create(&h.reader, NULL, probe_hub_read, &h), 0);
	/* Two lanes' rounds at once, lines interleaved, one split across writes. */
	say(w0, "tp-records 2\n# open 21\n# open 22\nreply 21 akl 198.18.1.1 900 60 1 192.0.2.17 icmp 0\n");
	say(w1, "tp-records 2\n# open 21\nreply 22 chc 198.18.1.1 800 60 1 192.0.2.33 ic");
	say(w1, "mp 0\n# open 22\nreply 99 chc 198.18.9.9 1 60 1 192.0.2.17 icmp 0\n");
	say(w0, "end 22 akl 0 0 0 0\n# refused: round 7 is not open\n");
	say(wp, "started 21 5 0\ndone 21 5 0\nrefused 22: job 22 is running already\n");
	say(w1, "end 21 chc 0 1 0 0\nend 22 chc 1 0 0 0\nreply 21 chc 198.18.2.2 1 60 1 192.0.2.17 icmp 0\n");
	close(w0);
	close(w1);
	close(wp);
	pthread_mutex_lock(&h.lock);
	while (!h.listener[0].eof || !h.listener[1].eof || !h.prober.eof)
		pthread_cond_wait(&h.changed, &h.lock);
	h.stopping = 1;
	pthread_mutex_unlock(&h.lock);
	pthread_join(h.reader, NULL);

	cr_assert(h.listener[0].ready && h.listener[1].ready);
	cr_assert_eq(h.slot[0].acks, 2);
	cr_assert_eq(h.slot[3].acks, 2);
	cr_assert_str_eq(h.slot[0].data.stream[0],
	    "reply 21 akl 198.18.1.1 900 60 1 192.0.2.17 icmp 0\n");
	/* A line after its round's end is still its round's: the importer judges it. */
	cr_assert_str_eq(h.slot[0].data.stream[1],
	    "end 21 chc 0 1 0 0\nreply 21 chc 198.18.2.2 1 60 1 192.0.2.17 icmp 0\n");
	cr_assert_str_eq(h.slot[3].data.stream[0], "end 22 akl 0 0 0 0\n");
	cr_assert_str_eq(h.slot[3].data.stream[1],
	    "reply 22 chc 198.18.1.1 800 60 1 192.0.2.33 icmp 0\nend 22 chc 1 0 0 0\n");
	cr_assert(h.slot[0].data.ended[1] && !h.slot[0].data.ended[0]);
	cr_assert(h.slot[3].data.ended[0] && h.slot[3].data.ended[1]);
	cr_assert_eq(h.foreign, 1, "the record of round 99, in flight nowhere");
	cr_assert_eq(h.listener[0].refusals, 1);
	cr_assert_str_eq(h.listener[0].refused, "round 7 is not open");
	cr_assert(h.slot[0].started && h.slot[0].done && !h.slot[0].refused);
	cr_assert(h.slot[3].refused && !h.slot[3].done);
	for (k = 0; k < HUB_MAX_ROUNDS; k++)
		if (h.slot[k].used) {
			for (i = 0; i < h.nsites; i++)
				free(h.slot[k].data.stream[i]);
			free(h.slot[k].data.stream);
			free(h.slot[k].data.len);
			free(h.slot[k].data.ended);
			free(h.slot[k].cap);
		}
	for (i = 0; i < 2; i++)
		fclose(h.listener[i].proc.out);
	fclose(h.prober.proc.out);
	free(h.listener);
	pthread_cond_destroy(&h.changed);
	pthread_mutex_destroy(&h.lock);
}

/*
 * A stand-in for tp-probe at the sites: each run appends its arguments to
 * "args". A listener answers "open" at once with a reply from 198.18.0.1
 * (so that target has answered) and "close" with its end line. Prober
 * number k (from 0, counted in "probers") writes its targets to
 * "probed.k"; the first `cat deaths` probers die by SIGKILL once they have
 * read a job, the others answer it.
 */
static const char fake_probe[] =
    "#!/bin/sh\n"
    "dir=$(dirname \"$0\")\n"
    "echo \"$*\" >> \"$dir/args\"\n"
    "if [ \"$1\" = listen ]; then\n"
    "  site=$7\n"
    "  echo 'tp-records 2'\n"
    "  while read cmd round rest; do\n"
    "    case $cmd in\n"
    "    open) echo \"# open $round\"\n"
    "      echo \"reply $round $site 198.18.0.1 900 60 1 192.0.2.1 icmp 0\" ;;\n"
    "    close) echo \"end $round $site 1 0 0 0\" ;;\n"
    "    esac\n"
    "  done\n"
    "  exit 0\n"
    "fi\n"
    "k=$(cat \"$dir/probers\" 2>/dev/null || echo 0)\n"
    "echo $((k + 1)) > \"$dir/probers\"\n"
    ": > \"$dir/probed.$k\"\n"
    "while read word round rest; do\n"
    "  case $word in\n"
    "  job) r=$round; n=0 ;;\n"
    "  end) echo \"started $r $n 0\"\n"
    "    [ \"$k\" -lt \"$(cat \"$dir/deaths\")\" ] && kill -9 $$\n"
    "    echo \"done $r $n 0\" ;;\n"
    "  *) n=$((n + 1)); echo \"$word\" >> \"$dir/probed.$k\" ;;\n"
    "  esac\n"
    "done\n";

/* A campaign of two sites run through the stand-in, whose first `deaths` probers die. */
static void
fake_campaign(struct campaign *c, struct tp_conf *conf, int deaths)
{
	struct tp_err err;
	char text[1024], n[16];

	signal(SIGPIPE, SIG_IGN);	/* as tp-campaign does (stop.c) */
	fixture_write("tp-probe", fake_probe);
	cr_assert_eq(chmod(fixture_path("tp-probe"), 0755), 0);
	snprintf(n, sizeof(n), "%d\n", deaths);
	fixture_write("deaths", n);
	snprintf(text, sizeof(text), "[campaign]\nbindir = %s\nlisten_grace = 0\n"
	    "probe_min_gap = 0.25\nlisten_buffer_size = 8\n"
	    "[site akl]\nbird_socket = /a\n[site chc]\nbird_socket = /c\n", fixture_dir());
	cr_assert_eq(fixture_conf_load(text, conf, &err), 0, "%s", err.msg);
	memset(c, 0, sizeof(*c));
	c->conf = conf;
	c->conf_path = conf->path;
}

/* Three targets, 198.18.0.1 to .3. */
static void
fake_targets(struct round_target *t)
{
	size_t i;
	char a[32];

	memset(t, 0, 3 * sizeof(*t));
	for (i = 0; i < 3; i++) {
		snprintf(a, sizeof(a), "198.18.0.%zu", i + 1);
		t[i].id = (long long)i + 1;
		t[i].addr = fixture_addr_parse(a);
	}
}

/* A campaign over the stand-in, its targets and its hub. */
struct fake {
	struct tp_conf conf;
	struct campaign c;
	struct round_target t[3];
	struct probe_hub *h;
};

/* Start f's hub over fake_campaign, its restarts 1 ms apart; f->t gets fake_targets. */
static void
fake_hub(struct fake *f, int deaths)
{
	struct tp_err err;

	fake_campaign(&f->c, &f->conf, deaths);
	fake_targets(f->t);
	f->h = probe_hub_start(&f->c, &err);
	cr_assert_not_null(f->h, "%s", err.msg);
	f->h->backoff_us = 1000;
}

TestSuite(probe_hub_restart, .fini = fixture_cleanup);

/*
 * The prober dies with a job in flight: it is started again and the new
 * one gets the targets without a reply; the round completes.
 */
Test(probe_hub_restart, a_dead_prober_is_started_again_and_gets_the_silent_targets)
{
	struct fake f;
	struct hub_round r;
	struct tp_err err;
	char *args, *probed;

	fake_hub(&f, 1);
	cr_assert_eq(probe_hub_round(f.h, 7, NULL, f.t, 3, 0, &r, &err), 0, "%s", err.msg);
	cr_expect_eq(r.sent, 3, "the job's targets, counted once");
	cr_expect(r.ended[0] && r.ended[1], "the round is complete at both sites");
	cr_expect_str_eq(r.stream[0], "tp-records 2\n"
	    "reply 7 akl 198.18.0.1 900 60 1 192.0.2.1 icmp 0\nend 7 akl 1 0 0 0\n");
	cr_expect_eq(f.h->prober.generation, 1, "one restart");
	cr_expect_eq(f.h->prober.restarts, 0, "a job through since");
	hub_round_free(&r);
	probed = fixture_read(fixture_path("probed.0"));
	cr_expect_str_eq(probed, "198.18.0.1\n198.18.0.2\n198.18.0.3\n");
	free(probed);
	probed = fixture_read(fixture_path("probed.1"));
	cr_expect_str_eq(probed, "198.18.0.2\n198.18.0.3\n",
	    "198.18.0.1 answered already: not probed again");
	free(probed);
	/* The next round goes to the new prober as usual. */
	cr_assert_eq(probe_hub_round(f.h, 8, NULL, f.t, 3, 0, &r, &err), 0, "%s", err.msg);
	cr_expect_eq(r.sent, 3);
	hub_round_free(&r);
	probe_hub_stop(f.h);
	args = fixture_read(fixture_path("args"));
	cr_expect_not_null(strstr(args, "--buffer-size 8"), "tp.conf's listen_buffer_size: %s",
	    args);
	cr_expect_not_null(strstr(args, "--jobs -R 10000 --min-gap 0.25"),
	    "tp.conf's probe_min_gap: %s", args);
	free(args);
	tp_conf_free(&f.conf);
}

/* A prober that dies every time is started HUB_RESTARTS_MAX times, then the round fails. */
Test(probe_hub_restart, a_prober_dying_every_time_fails_the_round)
{
	struct fake f;
	struct hub_round r;
	struct tp_err err;
	char *n;

	fake_hub(&f, 1000);
	cr_assert_eq(probe_hub_round(f.h, 7, NULL, f.t, 3, 0, &r, &err), -1);
	cr_expect_not_null(strstr(err.msg, "the prober died again after 5 restarts in a row"),
	    "%s", err.msg);
	hub_round_free(&r);
	n = fixture_read(fixture_path("probers"));
	cr_expect_str_eq(n, "6\n", "the first prober and HUB_RESTARTS_MAX more");
	free(n);
	/* No more restarts for later rounds: they fail at once. */
	cr_expect_eq(probe_hub_round(f.h, 8, NULL, f.t, 3, 0, &r, &err), -1);
	hub_round_free(&r);
	n = fixture_read(fixture_path("probers"));
	cr_expect_str_eq(n, "6\n");
	free(n);
	probe_hub_stop(f.h);
	tp_conf_free(&f.conf);
}
