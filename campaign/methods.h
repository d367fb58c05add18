/*
 * methods.h: probe methods and flows in a campaign (tp.conf probe_methods,
 * probes_per_target). The baseline probes every target with the first
 * method, then the targets that stayed silent with the next, and so on,
 * all in one round; the method each target answered is stored
 * (targets.method) and every later round probes it with that method.
 */
#ifndef TP_CAMPAIGN_METHODS_H
#define TP_CAMPAIGN_METHODS_H

#include <stddef.h>

#include "campaign.h"
#include "probe_methods.h"

/* Addresses that answered so far in a round, for the baseline's fallback. */
struct methods_answered {
	struct tp_addr *addr;	/* sorted once scanned */
	size_t n, cap;
};

/* The configured methods (checked when tp.conf was read). */
void methods_of(const struct campaign *c, struct tp_methods *m);
/*
 * The extra arguments of tp-probe listen (args, room for 2 per method):
 * "--method M" for each. Nothing when the campaign uses ICMP alone with
 * one flow. Returns the number written; the strings point into m.
 */
size_t methods_listen_args(const struct campaign *c, const struct tp_methods *m,
    const char **args);
/*
 * The fields a prober's job line gives for method index method,
 * " METHOD FLOWS" (tp-probe(8) JOB MODE), into buf; "" when the campaign
 * uses ICMP alone with one flow.
 */
void methods_job_fields(const struct campaign *c, const struct tp_methods *m, size_t method,
    char *buf, size_t len);
/*
 * Copy into sel the targets that method index m probes: in a fallback
 * round (the baseline) every target for the first method and those not in
 * answered for the next ones; otherwise those whose method is m. Returns
 * how many.
 */
size_t methods_pick(const struct round_target *t, size_t n, size_t m, int fallback,
    const struct methods_answered *answered, struct round_target *sel);
/* Note the reply addresses of a listener's record stream so far. */
void methods_answered_scan(struct methods_answered *a, const char *text, size_t len);
/* 1 when address x is in a (NULL: none answered). */
int methods_answered_has(const struct methods_answered *a, const struct tp_addr *x);
void methods_answered_free(struct methods_answered *a);
/*
 * After the baseline round: store each answering target's method
 * (targets.method), then set every loaded target's method index from it.
 */
int methods_store(struct campaign *c, long long round, struct tp_err *err);
int methods_load(struct campaign *c, struct tp_err *err);

#endif
