/*
 * fuzz_reply_decode.c: libFuzzer entry for tp-probe listen's frame path.
 * The first input byte picks the link type (Ethernet, Linux cooked v1 and
 * v2, raw IP); the rest is the captured frame. Each frame is decoded and
 * judged (cookie check, duplicate set) exactly as a listener does, and
 * once more by a multi-round listener's round book (rounds 7 and 8 open,
 * 8 bound to one test address).
 * Build and run: make fuzz-reply-decode [FUZZ_SECONDS=300]
 */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "listen_rounds.h"
#include "reply_decode.h"
#include "reply_tally.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

static const int fuzz_dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW };

/* Decode and judge one input; abort when a decoded reply breaks an invariant. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tp_key key;
	static struct tp_prefix ranges[2], local;
	static struct probe_method methods[2];
	static int ready;
	struct round_book book;
	struct reply_tally tally;
	struct tally_reply out;
	struct reply_info r;
	uint8_t *frame, raw[TP_KEY_BYTES];
	uint32_t round;
	size_t i;
	int dlt;

	if (!ready) {
		for (i = 0; i < TP_KEY_BYTES; i++)
			raw[i] = (uint8_t)i;
		tp_key_from_bytes(&key, raw);
		tp_prefix_parse("192.0.2.0/24", &ranges[0], NULL);
		tp_prefix_parse("2001:db8:ffff::/48", &ranges[1], NULL);
		tp_prefix_parse("192.0.2.33", &local, NULL);
		probe_method_parse("icmp", &methods[0], NULL);
		probe_method_parse("tcp:80", &methods[1], NULL);
		ready = 1;
	}
	if (size < 1)
		return 0;
	dlt = fuzz_dlts[data[0] % 4];
	/* An exact-size heap copy, so any overread is caught. */
	frame = malloc(size - 1 ? size - 1 : 1);
	memcpy(frame, data + 1, size - 1);
	if (reply_decode(dlt, frame, size - 1, &r) == 0) {
		/* A RST has no payload; an echo reply's lies inside the frame. */
		if (r.payload != NULL &&
		    (r.payload < frame || r.payload + r.payload_len > frame + size - 1))
			abort();
		if (r.payload == NULL && r.proto != IPPROTO_TCP)
			abort();
		if (r.src.family != r.dst.family)
			abort();
	}
	reply_tally_init(&tally, &key, 7, ranges, 2);
	reply_tally_set_methods(&tally, methods, 2);
	/* Twice: the second time an accepted reply must be a duplicate. */
	if (reply_tally_frame(&tally, dlt, frame, size - 1, 1000, &out) == TALLY_ACCEPTED &&
	    reply_tally_frame(&tally, dlt, frame, size - 1, 1000, &out) != TALLY_DUPLICATE)
		abort();
	reply_tally_free(&tally);
	round_book_init(&book, &key, ranges, 2);
	book.methods = methods;
	book.nmethods = 2;
	if (round_book_open(&book, 7, NULL, 0, 0, NULL) < 0 ||
	    round_book_open(&book, 8, &local, 1, 0, NULL) < 0)
		abort();
	if (round_book_frame(&book, dlt, frame, size - 1, 1000, &out, &round) == TALLY_ACCEPTED &&
	    (round < 7 || round > 8 ||
	    round_book_frame(&book, dlt, frame, size - 1, 1000, &out, &round) != TALLY_DUPLICATE))
		abort();
	round_book_free(&book);
	free(frame);
	return 0;
}
