/*
 * test_probe_hub.c: the campaign's probe hub sorts what its listeners and
 * its prober write by round (probe_hub_read.c), fed here through pipes.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

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
