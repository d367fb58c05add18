/*
 * fuzz_listen_control.c: libFuzzer entry for the lines a multi-round
 * listener and a job prober read on stdin. Each input line is parsed as a
 * listener command (and carried out on a round book, the clock being the
 * line number) and as a job's first line. Build and run:
 * make fuzz-listen-control [FUZZ_SECONDS=300]
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "listen_control.h"
#include "listen_rounds.h"
#include "send_jobs.h"

/* Carry out one parsed command; abort when the book breaks an invariant. */
static void
apply(struct round_book *b, const struct listen_command *c, int64_t now)
{
	struct open_round *r;
	size_t before = b->nopen;

	if (c->kind == LISTEN_CMD_OPEN) {
		if (round_book_open(b, c->round, c->locals, c->nlocals, 0, NULL) == 0 &&
		    (b->nopen != before + 1 || round_book_find(b, c->round) == NULL))
			abort();
	} else if (round_book_close(b, c->round, now, (int64_t)(c->grace > 0 ? 1 : 0), NULL) == 0 &&
	    round_book_next_close(b) < 0)
		abort();
	while ((r = round_book_due(b, now)) != NULL) {
		if (!r->closing || r->close_at_us > now)
			abort();
		round_book_forget(b, r);
	}
	if (b->nopen > ROUNDS_MAX_OPEN)
		abort();
}

/* Parse every line of the input both ways. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tp_key key;
	static struct tp_prefix ranges[2];
	static int ready;
	struct round_book book;
	struct listen_command c;
	struct tp_addr s4, s6;
	char *text = malloc(size + 1), *line, *save = NULL;
	uint32_t round;
	int64_t now = 0;

	if (!ready) {
		tp_prefix_parse("192.0.2.0/24", &ranges[0], NULL);
		tp_prefix_parse("2001:db8:ffff::/48", &ranges[1], NULL);
		ready = 1;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	round_book_init(&book, &key, ranges, 2);
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (strlen(line) > LISTEN_CONTROL_LINE_MAX)
			continue;	/* the line reader never passes these */
		if (listen_command_parse(line, &c, NULL) == 0) {
			if (c.nlocals > ROUND_MAX_LOCALS)
				abort();
			apply(&book, &c, now);
		}
		if (send_job_parse_header(line, &round, &s4, &s6, NULL) == 0 &&
		    ((s4.family != 0 && s4.family != AF_INET) ||
		    (s6.family != 0 && s6.family != AF_INET6) || s4.family + s6.family == 0))
			abort();
		now++;
	}
	round_book_free(&book);
	free(text);
	return 0;
}
