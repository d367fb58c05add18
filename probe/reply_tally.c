/*
 * reply_tally.c: the listener's judgement of each frame. Stateless checks
 * (decode, range, cookie) first, then the seen-set, so a forged reply can
 * never shadow a real one.
 */
#include <string.h>

#include "cookie.h"
#include "reply_decode.h"
#include "reply_tally.h"

/* Start a tally for round with key, accepting replies to ranges. */
void
reply_tally_init(struct reply_tally *t, const struct tp_key *key, uint32_t round,
    const struct tp_prefix *ranges, size_t nranges)
{
	memset(t, 0, sizeof(*t));
	t->key = key;
	t->round = round;
	t->ranges = ranges;
	t->nranges = nranges;
	addr_set_init(&t->seen);
}

/* 1 when a lies inside one of the prefixes. */
int
reply_tally_in(const struct tp_prefix *ranges, size_t n, const struct tp_addr *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tp_prefix_contains(&ranges[i], a))
			return 1;
	return 0;
}

/* Judge one frame; fill *out when it is accepted. */
enum tally_result
reply_tally_frame(struct reply_tally *t, int dlt, const uint8_t *frame, size_t caplen,
    int64_t received_us, struct tally_reply *out)
{
	struct reply_info r;

	if (reply_decode(dlt, frame, caplen, &r) < 0 ||
	    !reply_tally_in(t->ranges, t->nranges, &r.dst)) {
		t->ignored++;
		return TALLY_IGNORED;
	}
	return reply_tally_judge(t, &r, received_us, out);
}

/* Judge a decoded reply to a test range: cookie, then the seen-set. */
enum tally_result
reply_tally_judge(struct reply_tally *t, const struct reply_info *r, int64_t received_us,
    struct tally_reply *out)
{
	enum tp_verdict v;
	uint64_t send_us = 0;

	v = cookie_verify(t->key, t->round, &r->src, r->id, r->seq, r->payload, r->payload_len,
	    &send_us);
	if (v == TP_REPLY_FORGED) {
		t->rejected++;
		return TALLY_REJECTED;
	}
	if (!addr_set_add(&t->seen, &r->src)) {
		t->duplicates++;
		return TALLY_DUPLICATE;
	}
	t->accepted++;
	memset(out, 0, sizeof(*out));
	out->addr = r->src;
	out->local = r->dst;
	out->ttl = r->ttl;
	out->received_us = received_us;
	out->rtt_us = -1;
	if (v == TP_REPLY_FULL && (int64_t)send_us <= received_us) {
		out->rtt_us = received_us - (int64_t)send_us;
		t->with_rtt++;
	}
	return TALLY_ACCEPTED;
}

/* Free the seen-set. */
void
reply_tally_free(struct reply_tally *t)
{
	addr_set_free(&t->seen);
}
