/*
 * log_tally.h: requests summed per client address, or per prefix with
 * --per-prefix, as a log is read. Memory grows with the distinct keys,
 * never with the lines.
 *
 * A prefix's entry holds the prefix's total weight and one address to
 * stand for it, chosen by a weighted majority vote (Boyer-Moore): the
 * address with more than half of the prefix's requests, when there is
 * one, always wins; otherwise one of the frequent ones does. An exact
 * "heaviest address" would need a count per address, which is what
 * --per-prefix exists to avoid keeping.
 */
#ifndef TP_LOG_TALLY_H
#define TP_LOG_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "targets.h"

struct log_tally;

/* A tally keyed by address, or by /prefix4 and /prefix6 (0 = by address for that family). */
struct log_tally *log_tally_new(unsigned prefix4, unsigned prefix6);
void log_tally_free(struct log_tally *t);
/* Count one request of weight w from a. */
void log_tally_add(struct log_tally *t, const struct tp_addr *a, double w);
/* Most requests log_tally_add_batch takes at once. */
#define LOG_TALLY_BATCH 32
/*
 * Count n requests (n <= LOG_TALLY_BATCH): a[i] with weight w[i], the
 * same as n calls of log_tally_add in order, but faster: the memory they
 * need is fetched for all of them at once.
 */
void log_tally_add_batch(struct log_tally *t, const struct tp_addr *a, const double *w,
    size_t n);
/* Distinct keys so far. */
size_t log_tally_size(const struct log_tally *t);
/* Requests (calls of log_tally_add) so far. */
uint64_t log_tally_requests(const struct log_tally *t);
/*
 * Call fn for each key: the address standing for it, its summed weight
 * and its request count.
 */
void log_tally_each(const struct log_tally *t,
    void (*fn)(const struct tp_addr *, double, uint64_t, void *), void *arg);

#endif
