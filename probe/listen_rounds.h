/*
 * listen_rounds.h: the rounds a long-lived listener (tp-probe listen
 * --multi-round) serves at once. Each open round has its own tally (seen
 * set and counts) and, optionally, the test addresses its probes are sent
 * from. A reply is given to a round by the round its payload names
 * (verified by the cookie), or, without an intact payload, by the open
 * round whose id/seq cookie it carries. Replies naming a round that is
 * not open (closed or never opened) are rejected and counted as stale.
 */
#ifndef TP_LISTEN_ROUNDS_H
#define TP_LISTEN_ROUNDS_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "error.h"
#include "keyfile.h"
#include "reply_tally.h"

#define ROUNDS_MAX_OPEN 64
#define ROUND_MAX_LOCALS 8

struct open_round {
	int used;
	int closing;			/* close asked: the end line is due at close_at_us */
	int64_t close_at_us;		/* CLOCK_MONOTONIC */
	uint64_t drops_at_open;		/* the capture's drop count when it opened */
	struct tp_prefix locals[ROUND_MAX_LOCALS];	/* none: any test range */
	size_t nlocals;
	struct reply_tally tally;	/* its round id, seen-set and counts */
};

struct round_book {
	const struct tp_key *key;
	const struct tp_prefix *ranges;	/* the listener's test ranges */
	size_t nranges;
	const struct probe_method *methods;	/* whose replies count (NULL: ICMP) */
	size_t nmethods;
	struct open_round slot[ROUNDS_MAX_OPEN];
	size_t nopen;
	uint64_t served;		/* rounds opened so far */
	uint64_t ignored;		/* not an echo reply to a test range */
	uint64_t stale;			/* the payload names a round that is not open */
	uint64_t unmatched;		/* no open round's cookie: forged or someone else's */
};

/* An empty book for the listener's key and test ranges. */
void round_book_init(struct round_book *b, const struct tp_key *key,
    const struct tp_prefix *ranges, size_t nranges);
/*
 * Open round with the given test addresses (n may be 0: any test range);
 * -1 with a reason when it is open already, the book is full or a local
 * lies outside the test ranges.
 */
int round_book_open(struct round_book *b, uint32_t round, const struct tp_prefix *locals,
    size_t n, uint64_t drops_now, struct tp_err *err);
/* Ask round to close at now_us + grace_us; -1 with a reason when it is not open. */
int round_book_close(struct round_book *b, uint32_t round, int64_t now_us, int64_t grace_us,
    struct tp_err *err);
/* The open round with this id, or NULL. */
struct open_round *round_book_find(struct round_book *b, uint32_t round);
/* A closing round whose time has come at now_us (all of them: now_us < 0), or NULL. */
struct open_round *round_book_due(struct round_book *b, int64_t now_us);
/* The earliest close time of a closing round, or -1 when none is closing. */
int64_t round_book_next_close(const struct round_book *b);
/* Forget a round (after its end line). */
void round_book_forget(struct round_book *b, struct open_round *r);
/*
 * Judge one frame; on TALLY_ACCEPTED fill *out and *round with the round
 * it belongs to. Rejected replies count in their round when they named
 * an open one, else in the book (stale or unmatched).
 */
enum tally_result round_book_frame(struct round_book *b, int dlt, const uint8_t *frame,
    size_t caplen, int64_t received_us, struct tally_reply *out, uint32_t *round);
/* The same for a decoded reply. */
enum tally_result round_book_reply(struct round_book *b, const struct reply_info *r,
    int64_t received_us, struct tally_reply *out, uint32_t *round);
/* Forget every round. */
void round_book_free(struct round_book *b);

#endif
