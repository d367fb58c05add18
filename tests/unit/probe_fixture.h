/*
 * probe_fixture.h: what the probe tests share: a method from its name, a
 * probe or reply built from the method's template, and one packet judged
 * by a fresh tally.
 */
#ifndef TP_TEST_PROBE_FIXTURE_H
#define TP_TEST_PROBE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "probe_method.h"
#include "reply_tally.h"

/* A method from its name (the test fails when it does not parse). */
struct probe_method fixture_method(const char *name);
/*
 * Method m's packet (dir) from local for remote, round and flow, with the
 * key k and hop limit 64, sent at 1000 us.
 */
struct probe_packet fixture_probe(const struct probe_method *m, enum probe_direction dir,
    const char *local, const char *remote, const struct tp_key *k, uint32_t round,
    unsigned flow);
/*
 * Judge p (a raw IP packet received at 5000 us) with a tally for round over
 * 192.0.2.0/24 and 2001:db8:ffff::/48 that accepts the nm methods m.
 */
enum tally_result fixture_judge(const struct probe_packet *p, const struct tp_key *k,
    uint32_t round, const struct probe_method *m, size_t nm, struct tally_reply *out);

#endif
