/*
 * listen_rounds.c: the open rounds of a long-lived listener and the
 * choice of the round a reply belongs to (see listen_rounds.h).
 */
#include <string.h>

#include "cookie.h"
#include "listen_rounds.h"

/* An empty book for the listener's key and test ranges. */
void
round_book_init(struct round_book *b, const struct tp_key *key,
    const struct tp_prefix *ranges, size_t nranges)
{
	memset(b, 0, sizeof(*b));
	b->key = key;
	b->ranges = ranges;
	b->nranges = nranges;
}

/* The open round with this id, or NULL. */
struct open_round *
round_book_find(struct round_book *b, uint32_t round)
{
	size_t i;

	for (i = 0; i < ROUNDS_MAX_OPEN; i++)
		if (b->slot[i].used && b->slot[i].tally.round == round)
			return &b->slot[i];
	return NULL;
}

/* Open a round with its test addresses (none: any test range). */
int
round_book_open(struct round_book *b, uint32_t round, const struct tp_prefix *locals,
    size_t n, uint64_t drops_now, struct tp_err *err)
{
	struct open_round *r = NULL;
	char p[TP_PREFIX_STRLEN];
	size_t i;

	if (round_book_find(b, round) != NULL)
		return tp_err_set(err, "round %u is open already", round);
	if (n > ROUND_MAX_LOCALS)
		return tp_err_set(err, "round %u: more than %d test addresses", round,
		    ROUND_MAX_LOCALS);
	for (i = 0; i < n; i++)
		if (!reply_tally_in(b->ranges, b->nranges, &locals[i].addr))
			return tp_err_set(err, "round %u: %s is not inside the test ranges", round,
			    tp_prefix_format(&locals[i], p, sizeof(p)));
	for (i = 0; i < ROUNDS_MAX_OPEN && r == NULL; i++)
		if (!b->slot[i].used)
			r = &b->slot[i];
	if (r == NULL)
		return tp_err_set(err, "round %u: %d rounds are open already", round,
		    ROUNDS_MAX_OPEN);
	memset(r, 0, sizeof(*r));
	r->used = 1;
	r->drops_at_open = drops_now;
	if (n > 0)
		memcpy(r->locals, locals, n * sizeof(*locals));
	r->nlocals = n;
	if (n > 0)
		reply_tally_init(&r->tally, b->key, round, r->locals, r->nlocals);
	else
		reply_tally_init(&r->tally, b->key, round, b->ranges, b->nranges);
	reply_tally_set_methods(&r->tally, b->methods, b->nmethods);
	b->nopen++;
	b->served++;
	return 0;
}

/* Ask a round to close at now_us + grace_us. */
int
round_book_close(struct round_book *b, uint32_t round, int64_t now_us, int64_t grace_us,
    struct tp_err *err)
{
	struct open_round *r = round_book_find(b, round);

	if (r == NULL)
		return tp_err_set(err, "round %u is not open", round);
	if (!r->closing || now_us + grace_us < r->close_at_us)
		r->close_at_us = now_us + grace_us;
	r->closing = 1;
	return 0;
}

/* A closing round whose time has come (any closing or open one when now_us < 0). */
struct open_round *
round_book_due(struct round_book *b, int64_t now_us)
{
	size_t i;

	for (i = 0; i < ROUNDS_MAX_OPEN; i++)
		if (b->slot[i].used && (now_us < 0 ||
		    (b->slot[i].closing && b->slot[i].close_at_us <= now_us)))
			return &b->slot[i];
	return NULL;
}

/* The earliest close time of a closing round, or -1. */
int64_t
round_book_next_close(const struct round_book *b)
{
	int64_t t = -1;
	size_t i;

	for (i = 0; i < ROUNDS_MAX_OPEN; i++)
		if (b->slot[i].used && b->slot[i].closing &&
		    (t < 0 || b->slot[i].close_at_us < t))
			t = b->slot[i].close_at_us;
	return t;
}

/* Forget a round (after its end line). */
void
round_book_forget(struct round_book *b, struct open_round *r)
{
	reply_tally_free(&r->tally);
	memset(r, 0, sizeof(*r));
	b->nopen--;
}

/*
 * The open round whose cookie (ICMP id/seq of any flow, TCP seq/ack) a
 * reply carries, or NULL.
 */
static struct open_round *
match_idseq(struct round_book *b, const struct reply_info *ri)
{
	size_t i;

	for (i = 0; i < ROUNDS_MAX_OPEN; i++)
		if (b->slot[i].used && reply_tally_owns(&b->slot[i].tally, ri))
			return &b->slot[i];
	return NULL;
}

/* Judge a decoded reply to a test range; see round_book_frame. */
enum tally_result
round_book_reply(struct round_book *b, const struct reply_info *ri, int64_t received_us,
    struct tally_reply *out, uint32_t *round)
{
	struct open_round *r = NULL;
	enum tally_result res;
	uint32_t named;
	int has_round = cookie_payload_round(ri->payload, ri->payload_len, &named);

	if (has_round)
		r = round_book_find(b, named);
	if (r == NULL)
		r = match_idseq(b, ri);
	if (r == NULL) {
		if (has_round)
			b->stale++;
		else
			b->unmatched++;
		return TALLY_REJECTED;
	}
	/* Sent to another lane's test address than the round's: not this round's probe. */
	if (!reply_tally_in(r->tally.ranges, r->tally.nranges, &ri->dst)) {
		r->tally.rejected++;
		return TALLY_REJECTED;
	}
	res = reply_tally_judge(&r->tally, ri, received_us, out);
	*round = r->tally.round;
	return res;
}

/* Decode one frame and judge it. */
enum tally_result
round_book_frame(struct round_book *b, int dlt, const uint8_t *frame, size_t caplen,
    int64_t received_us, struct tally_reply *out, uint32_t *round)
{
	struct reply_info ri;

	if (reply_decode(dlt, frame, caplen, &ri) < 0 ||
	    !reply_tally_in(b->ranges, b->nranges, &ri.dst)) {
		b->ignored++;
		return TALLY_IGNORED;
	}
	return round_book_reply(b, &ri, received_us, out, round);
}

/* Forget every round. */
void
round_book_free(struct round_book *b)
{
	size_t i;

	for (i = 0; i < ROUNDS_MAX_OPEN; i++)
		if (b->slot[i].used)
			round_book_forget(b, &b->slot[i]);
}
