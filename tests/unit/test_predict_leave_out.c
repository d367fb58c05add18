/*
 * test_predict_leave_out.c: a leave-one-out derives again only the orders
 * that read the forgotten (or returning) scenario, and keeps the failover
 * partners unless a single changed; both must give exactly what deriving
 * everything anew gives. The campaign is generated: 6 sites, 300 targets
 * with a preference list each (and some noise, lost and split replies),
 * every single and pair and some triples measured.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "db.h"
#include "exposure.h"
#include "fixture.h"
#include "predict.h"
#include "predict_model.h"

#define NSITES 6
#define NTARGETS 300

static struct tp_db *db;
static struct pd_model *md;
static unsigned long long rng = 88172645463325252ULL;

/* A pseudo-random number below n (xorshift, fixed seed). */
static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Run one statement of the generator. */
static void
sql(const char *text)
{
	struct tp_err err;

	cr_assert_eq(tp_db_exec(db, text, &err), 0, "%s: %s", text, err.msg);
}

/* Where target t (preference list pref) answers with the sites of mask withdrawn. */
static int
answer(const int *pref, unsigned mask)
{
	int j;

	if (rnd(20) == 0)
		return -1;	/* lost */
	if (rnd(10) == 0)
		return (int)rnd(NSITES);	/* noise, even a withdrawn site */
	for (j = 0; j < NSITES; j++)
		if (!(mask & (1u << pref[j])))
			return pref[j];
	return -1;
}

/* Measure the set mask as scenario (and round) id: every target's replies. */
static void
measure(int pref[][NSITES], unsigned mask, int id)
{
	char name[32] = "", text[256];
	int s, t;

	for (s = 0; s < NSITES; s++)
		if (mask & (1u << s))
			snprintf(name + strlen(name), sizeof(name) - strlen(name), "%s%c",
			    name[0] ? "+" : "", 'A' + s);
	snprintf(text, sizeof(text), "INSERT INTO scenarios (id, campaign_id, withdrawn) VALUES "
	    "(%d, 1, '%s'); INSERT INTO rounds (id, campaign_id, scenario_id, kind, status) "
	    "VALUES (%d, 1, %d, 'scenario', 'complete');", id, name, id, id);
	sql(text);
	for (t = 1; t <= NTARGETS; t++) {
		int a = answer(pref[t - 1], mask);

		if (a < 0)
			continue;
		snprintf(text, sizeof(text), "INSERT INTO responses (round_id, target_id, site_id, "
		    "received_us, flow) VALUES (%d, %d, %d, 0, 0);", id, t, a + 1);
		sql(text);
		if (rnd(25) == 0) {	/* a second flow elsewhere: split */
			snprintf(text, sizeof(text), "INSERT INTO responses (round_id, target_id, "
			    "site_id, received_us, flow) VALUES (%d, %d, %d, 0, 1);", id, t,
			    (a + 1) % NSITES + 1);
			sql(text);
		}
	}
}

/* The generated campaign in a fresh database, and its model. */
static void
generate(void)
{
	static int pref[NTARGETS][NSITES];
	static const unsigned triples[] = { 07, 013, 015, 031, 061, 016 };
	char text[256];
	struct tp_err err;
	unsigned mask;
	int s, t, j, id = 2;

	cr_assert_eq(tp_db_open(fixture_path("lo.db"), TP_DB_CREATE, &db, &err), 0, "%s", err.msg);
	sql("BEGIN; INSERT INTO campaigns (id, started_us, status) VALUES (1, 1, 'done');"
	    "INSERT INTO rounds (id, campaign_id, kind, status) VALUES "
	    "(1, 1, 'baseline', 'complete');");
	for (s = 0; s < NSITES; s++) {
		snprintf(text, sizeof(text), "INSERT INTO sites (id, name) VALUES (%d, '%c');",
		    s + 1, 'A' + s);
		sql(text);
	}
	for (t = 0; t < NTARGETS; t++) {
		for (j = 0; j < NSITES; j++)
			pref[t][j] = j;
		for (j = NSITES - 1; j > 0; j--) {
			int k = (int)rnd((unsigned)j + 1), x = pref[t][j];

			pref[t][j] = pref[t][k];
			pref[t][k] = x;
		}
		snprintf(text, sizeof(text), "INSERT INTO targets (id, addr, family, site_id, weight) "
		    "VALUES (%d, X'0A00%04X', 4, %d, 1); INSERT INTO responses (round_id, "
		    "target_id, site_id, received_us) VALUES (1, %d, %d, 0);", t + 1, t + 1,
		    pref[t][0] + 1, t + 1, pref[t][0] + 1);
		sql(text);
	}
	for (s = 0; s < NSITES; s++)
		measure(pref, 1u << s, id++);
	for (mask = 1; mask < (1u << NSITES); mask++)
		if (__builtin_popcount(mask) == 2)
			measure(pref, mask, id++);
	for (j = 0; j < (int)(sizeof(triples) / sizeof(triples[0])); j++)
		measure(pref, triples[j], id++);
	sql("COMMIT");
	cr_assert_eq(pd_model_load(db, 1, &md, &err), 0, "%s", err.msg);
}

/* Every target's order now, into len and order (stride entries per target). */
static void
orders_copy(uint32_t *len, int32_t *order)
{
	long long t;

	for (t = 0; t <= md->max_target; t++) {
		len[t] = md->order_len[t];
		memcpy(order + (size_t)t * md->order_stride, md->order + md->order_off[t],
		    md->order_len[t] * sizeof(int32_t));
	}
}

/*
 * After each leave-out (every scenario in turn, one twice, then all back)
 * the orders and partners equal those derived from nothing with the same
 * scenarios forgotten; and some orders did change, so the test can tell.
 */
Test(predict_leave_out, orders_and_partners_equal_a_full_derivation,
    .init = generate, .fini = fixture_cleanup)
{
	size_t n = (size_t)md->max_target + 1, i, step, nsteps = md->nobs + 2, changed = 0;
	uint32_t *len = calloc(n, sizeof(uint32_t)), *full_len = calloc(n, sizeof(uint32_t)),
	    *len0 = calloc(n, sizeof(uint32_t));
	int32_t *order = calloc(n * md->order_stride, sizeof(int32_t));
	int32_t *full = calloc(n * md->order_stride, sizeof(int32_t));
	size_t pbytes = (md->nsites * md->words + 1) * sizeof(uint64_t);
	uint64_t *partners = malloc(pbytes);

	cr_assert_eq(md->nobs, NSITES + 15 + 6);
	orders_copy(len0, full);
	for (step = 0; step < nsteps; step++) {
		i = step < md->nobs ? step : step == md->nobs ? 4 : (size_t)-1;
		pd_model_leave_out(md, i);
		memset(order, 0, n * md->order_stride * sizeof(int32_t));
		orders_copy(len, order);
		memcpy(partners, pd_partners(md), pbytes);
		pd_orders_build(md);
		memset(full, 0, n * md->order_stride * sizeof(int32_t));
		orders_copy(full_len, full);
		free(md->partners);
		md->partners = NULL;
		cr_assert_eq(memcmp(len, full_len, n * sizeof(uint32_t)), 0,
		    "order lengths differ after leaving out %zu", i);
		cr_assert_eq(memcmp(order, full, n * md->order_stride * sizeof(int32_t)), 0,
		    "orders differ after leaving out %zu", i);
		cr_assert_eq(memcmp(partners, pd_partners(md), pbytes), 0,
		    "partners differ after leaving out %zu", i);
		changed += memcmp(len, len0, n * sizeof(uint32_t)) != 0;
	}
	cr_expect_gt(changed, md->nobs / 2, "only %zu leave-outs changed an order length",
	    changed);
	free(len);
	free(full_len);
	free(len0);
	free(order);
	free(full);
	free(partners);
	pd_model_free(md);
	tp_db_close(db);
}
