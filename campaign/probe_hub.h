/*
 * probe_hub.h: the campaign's probing for all lanes at once: ONE
 * `tp-probe listen --multi-round` per site and ONE `tp-probe send --jobs`
 * at the prober, started with the campaign and ended with it (end of
 * their input, then SIGTERM, then SIGKILL). A reader thread sorts what
 * they write by round, so several lanes' rounds may run at once, each
 * from its own thread.
 */
#ifndef TP_PROBE_HUB_H
#define TP_PROBE_HUB_H

#include <stddef.h>
#include <stdint.h>

#include "campaign.h"
#include "config.h"
#include "error.h"

struct probe_hub;

/* What one round brought back: per site, its record stream. */
struct hub_round {
	size_t nsites;
	char **stream;		/* "tp-records 2" and the round's lines at site i */
	size_t *len;
	int *ended;		/* its end line arrived */
	size_t sent;		/* probes the prober sent */
};

/* Start the listeners and the prober; NULL with a reason naming the site. */
struct probe_hub *probe_hub_start(struct campaign *c, struct tp_err *err);
/*
 * Measure one round on lane (NULL: the campaign's sources and ranges):
 * open it at every listener, give the prober its job, close it when the
 * job is done and collect every site's stream once its end line came (or
 * its listener is gone, or the wait timed out). Safe from several threads.
 */
int probe_hub_round(struct probe_hub *h, uint32_t round, const struct tp_lane_conf *lane,
    const struct round_target *t, size_t n, struct hub_round *out, struct tp_err *err);
void hub_round_free(struct hub_round *r);
/* End the listeners and the prober and free the hub. */
void probe_hub_stop(struct probe_hub *h);

#endif
