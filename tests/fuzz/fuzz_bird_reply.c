/*
 * fuzz_bird_reply.c: libFuzzer target for the BIRD reply reader
 * (bgpctl/bird_reply.c). The first input byte picks a chunk size, the
 * rest is fed as a stream of replies; the reader must never crash, never
 * take more than it is given, and every finished reply must end in a
 * "DDDD " line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bird_reply.h"
#include "xalloc.h"

/* Check what a finished reply must look like; abort if it does not. */
static void
check_reply(const struct bird_reply *reply)
{
	char sum[128];
	size_t i;

	if (reply->nlines == 0 || reply->lines[reply->nlines - 1].kind != BIRD_LINE_LAST)
		abort();
	if (reply->code < 0 || reply->code > 9999 ||
	    reply->code != reply->lines[reply->nlines - 1].code)
		abort();
	for (i = 0; i < reply->nlines; i++)
		if (strchr(reply->lines[i].text, '\n') != NULL ||
		    strlen(reply->lines[i].text) > BIRD_LINE_MAX)
			abort();
	bird_reply_summary(reply, sum, sizeof(sum));
	if (strlen(sum) >= sizeof(sum))
		abort();
	(void)bird_code_class(reply->code);
}

/* Feed data as a stream of replies in chunks of the chosen size. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bird_reader r;
	struct bird_reply reply;
	struct tp_err err;
	size_t chunk, off = 0, used;
	int rc;

	if (size < 1)
		return 0;
	chunk = (size_t)data[0] % 17 + 1;
	if (data[0] >= 0xf0)
		chunk = size;		/* sometimes everything at once */
	data++;
	size--;
	bird_reader_init(&r);
	while (off < size) {
		size_t n = size - off < chunk ? size - off : chunk;

		rc = bird_reader_feed(&r, (const char *)data + off, n, &used, &err);
		if (used > n)
			abort();
		off += used;
		if (rc == 0) {
			if (used != n)
				abort();
			continue;
		}
		if (rc == 1) {
			bird_reader_take(&r, &reply);
			check_reply(&reply);
			bird_reply_free(&reply);
		}
		bird_reader_free(&r);	/* next reply, or start over after an error */
		if (rc < 0 && used == 0)
			off++;
	}
	bird_reader_free(&r);
	return 0;
}
