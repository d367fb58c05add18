/*
 * reply_tally.c: the listener's judgement of each frame. Stateless checks
 * (decode, range, method, cookie) first, then the seen-set, so a forged
 * reply can never shadow a real one. A target is recorded once per method
 * and flow: its replies to other flows may land elsewhere, which is what
 * flows are for.
 */
#include <stdlib.h>
#include <string.h>

#include "cookie.h"
#include "reply_decode.h"
#include "reply_tally.h"
#include "xalloc.h"

static const struct probe_method tally_icmp = { &probe_method_icmp_ops, 0 };

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
	t->methods = &tally_icmp;
	t->nmethods = 1;
}

/* Accept the replies of these methods. */
void
reply_tally_set_methods(struct reply_tally *t, const struct probe_method *m, size_t n)
{
	if (n == 0)
		return;
	t->methods = m;
	t->nmethods = n < TALLY_METHODS_MAX ? n : TALLY_METHODS_MAX;
}

/* The method reply r belongs to, as an index, or -1. */
static int
method_of(const struct reply_tally *t, const struct reply_info *r)
{
	size_t i;

	for (i = 0; i < t->nmethods; i++)
		if (t->methods[i].ops->matches(&t->methods[i], r))
			return (int)i;
	return -1;
}

/* Add src to the seen-set of method m and flow f; 1 when it is new there. */
static int
seen_add(struct reply_tally *t, int m, unsigned f, const struct tp_addr *src)
{
	if (t->seen[m][f] == NULL) {
		t->seen[m][f] = xmalloc(sizeof(*t->seen[m][f]));
		addr_set_init(t->seen[m][f]);
	}
	return addr_set_add(t->seen[m][f], src);
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

/* 1 when r carries the cookie of t's round for one of t's methods (counts nothing). */
int
reply_tally_owns(const struct reply_tally *t, const struct reply_info *r)
{
	const struct probe_method *pm;
	uint64_t send_us;
	unsigned flow;
	int m = method_of(t, r);

	if (m < 0)
		return 0;
	pm = &t->methods[m];
	return pm->ops->validate(pm, t->key, t->round, r, TP_FLOWS_MAX, &flow, &send_us) !=
	    TP_REPLY_FORGED;
}

/* Judge a decoded reply to a test range: method, cookie, then the seen-set. */
enum tally_result
reply_tally_judge(struct reply_tally *t, const struct reply_info *r, int64_t received_us,
    struct tally_reply *out)
{
	const struct probe_method *pm;
	enum tp_verdict v;
	uint64_t send_us = 0;
	unsigned flow = 0;
	int m;

	if ((m = method_of(t, r)) < 0) {
		t->ignored++;
		return TALLY_IGNORED;
	}
	pm = &t->methods[m];
	/* The listener does not know the sender's flow count: any flow may answer. */
	v = pm->ops->validate(pm, t->key, t->round, r, TP_FLOWS_MAX, &flow, &send_us);
	if (v == TP_REPLY_FORGED) {
		t->rejected++;
		return TALLY_REJECTED;
	}
	if (!seen_add(t, m, flow, &r->src)) {
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
	out->method = pm;
	out->flow = flow;
	if (v == TP_REPLY_FULL && (int64_t)send_us <= received_us) {
		out->rtt_us = received_us - (int64_t)send_us;
		t->with_rtt++;
	}
	return TALLY_ACCEPTED;
}

/* Free the seen-sets. */
void
reply_tally_free(struct reply_tally *t)
{
	size_t m, f;

	for (m = 0; m < TALLY_METHODS_MAX; m++)
		for (f = 0; f < TP_FLOWS_MAX; f++)
			if (t->seen[m][f] != NULL) {
				addr_set_free(t->seen[m][f]);
				free(t->seen[m][f]);
				t->seen[m][f] = NULL;
			}
}
