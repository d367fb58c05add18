/* probe_fixture.c: methods, packets and a judged packet for the probe tests. */
#include <criterion/criterion.h>
#include <pcap/pcap.h>

#include "fixture.h"
#include "probe_fixture.h"

/* A method from its name (the test fails when it does not parse). */
struct probe_method
fixture_method(const char *name)
{
	struct probe_method m;
	struct tp_err err;

	cr_assert_eq(probe_method_parse(name, &m, &err), 0, "%s: %s", name, err.msg);
	return m;
}

/* Method m's packet (dir) from local for remote, round and flow. */
struct probe_packet
fixture_probe(const struct probe_method *m, enum probe_direction dir, const char *local,
    const char *remote, const struct tp_key *k, uint32_t round, unsigned flow)
{
	struct probe_packet p;
	struct tp_addr l = fixture_addr_parse(local), r = fixture_addr_parse(remote);
	struct tp_err err;

	cr_assert_eq(m->ops->make_template(&p, dir, &l, 64, &err), 0, "%s", err.msg);
	m->ops->make_packet(m, &p, k, round, &r, flow, 1000);
	return p;
}

/* Judge packet p with a tally for round over the default test ranges and methods m. */
enum tally_result
fixture_judge(const struct probe_packet *p, const struct tp_key *k, uint32_t round,
    const struct probe_method *m, size_t nm, struct tally_reply *out)
{
	static struct tp_prefix ranges[2];
	struct reply_tally t;
	enum tally_result res;

	cr_assert_eq(tp_prefix_parse("192.0.2.0/24", &ranges[0], NULL), 0);
	cr_assert_eq(tp_prefix_parse("2001:db8:ffff::/48", &ranges[1], NULL), 0);
	reply_tally_init(&t, k, round, ranges, 2);
	reply_tally_set_methods(&t, m, nm);
	res = reply_tally_frame(&t, DLT_RAW, p->buf, p->len, 5000, out);
	reply_tally_free(&t);
	return res;
}
