/*
 * dest_spacing.h: the prober's table of recently probed destinations.
 * Several jobs (lanes) may hold the same target; the table spaces any two
 * probes to one address by at least a minimum gap, whichever job sends
 * them, so a target in two lanes at once is never hit at twice the rate.
 * Entries older than the gap are forgotten, so the table holds at most
 * about rate x gap addresses.
 */
#ifndef TP_DEST_SPACING_H
#define TP_DEST_SPACING_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct dest_spacing {
	int64_t gap_ns;
	struct dest_seen {
		struct tp_addr addr;	/* family 0 = empty */
		int64_t last_ns;
	} *slots;
	size_t cap;		/* a power of two */
	size_t n;
};

/* An empty table spacing probes to one address by gap_ns (0: no spacing). */
void dest_spacing_init(struct dest_spacing *t, int64_t gap_ns);
/* When a probe to a may go: now_ns or later (the last probe to a + the gap). */
int64_t dest_spacing_ready_at(const struct dest_spacing *t, const struct tp_addr *a,
    int64_t now_ns);
/* Note a probe to a at now_ns. */
void dest_spacing_note(struct dest_spacing *t, const struct tp_addr *a, int64_t now_ns);
void dest_spacing_free(struct dest_spacing *t);

#endif
