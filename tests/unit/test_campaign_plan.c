/* test_campaign_plan.c: scenarios from `single` and `sets`, canonical names, the estimate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../campaign/campaign.h"
#include "fixture.h"
#include "xalloc.h"

/* Load a config with sites akl, chc, wlg, syd and the given scenario keys. */
static void
load(struct tp_conf *c, const char *keys)
{
	char text[1024];
	struct tp_err err;

	snprintf(text, sizeof(text), "[campaign]\n%s\n"
	    "[site wlg]\nbird_socket = /run/w.ctl\n[site akl]\nbird_socket = /run/a.ctl\n"
	    "[site chc]\nbird_socket = /run/c.ctl\n[site syd]\nbird_socket = /run/s.ctl\n", keys);
	cr_assert_eq(tp_conf_load(fixture_write("tp.conf", text), c, &err), 0, "%s", err.msg);
}

/* The names of the planned scenarios joined by spaces. */
static void
plan_names(const struct tp_conf *c, char *out, size_t len)
{
	struct scenario *v;
	struct tp_err err;
	size_t n, i;

	cr_assert_eq(plan_scenarios(c, &v, &n, &err), 0, "%s", err.msg);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		strncat(out, i ? " " : "", len - strlen(out) - 1);
		strncat(out, v[i].name, len - strlen(out) - 1);
	}
	scenarios_free(v, n);
}

static const struct {
	const char *keys;
	const char *want;
} plans[] = {
	{ "single = all", "wlg akl chc syd" },
	{ "single = none\nsets = wlg+akl, syd+chc+akl", "akl+wlg akl+chc+syd" },
	{ "single = chc,akl\nsets = akl+chc, chc+akl", "chc akl akl+chc" },
	{ "single = all\nsets = akl", "wlg akl chc syd" },
	{ "single = none", "" },
};

Test(campaign_plan, scenarios_in_order_sorted_and_without_repeats)
{
	char names[512];
	size_t i;

	for (i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
		struct tp_conf c;

		load(&c, plans[i].keys);
		plan_names(&c, names, sizeof(names));
		cr_expect_str_eq(names, plans[i].want, "plan for \"%s\"", plans[i].keys);
		tp_conf_free(&c);
	}
	fixture_cleanup();
}

Test(campaign_plan, canonical_sorts_by_name_and_drops_repeats)
{
	struct tp_conf c;
	size_t sites[] = { 3, 0, 3, 1 };	/* syd wlg syd akl */
	struct scenario s = { 0 };

	load(&c, "single = none");
	s.sites = sites;
	s.nsites = 4;
	scenario_canonical(&c, &s);
	cr_assert_str_eq(s.name, "akl+syd+wlg");
	cr_assert_eq(s.nsites, 3);
	tp_conf_free(&c);
	fixture_cleanup();
}

Test(campaign_plan, estimate_grows_with_scenarios_and_targets)
{
	struct tp_conf c;
	double one, two, more;

	load(&c, "rate = 1000\nsettle = 10\nsample_interval = 5\nlisten_grace = 2");
	one = plan_estimate(&c, 1, 10000, 2500);
	two = plan_estimate(&c, 2, 10000, 2500);
	more = plan_estimate(&c, 1, 20000, 5000);
	/* baseline 10000/1000 s + 3 s of overhead; per scenario 2*10 + 4*(5 + 0.5 + 3) + 3 + 3 */
	cr_assert_float_eq(one, 13.0 + 60.0, 1e-9);
	cr_assert_float_eq(two - one, 60.0, 1e-9);
	cr_assert_gt(more, one);
	tp_conf_free(&c);
	fixture_cleanup();
}

/* Pick the targets of scenario id 7 withdrawing conf site 0; count them per baseline site. */
static void
pick(const struct tp_conf *conf, const size_t *per_site, size_t *ncatch, size_t *got)
{
	struct campaign c;
	struct scenario s;
	struct round_target *v;
	size_t i, k, n, nt = 0, zero = 0;
	long long ids[4] = { 11, 12, 13, 14 };
	unsigned char *seen;

	memset(&c, 0, sizeof(c));
	c.conf = conf;
	c.site_ids = ids;
	for (k = 0; k < 4; k++)
		nt += per_site[k];
	c.targets = xcalloc(nt, sizeof(*c.targets));
	for (k = 0, i = 0; k < 4; k++)
		for (n = 0; n < per_site[k]; n++, i++) {
			c.targets[i].id = (long long)i + 1;
			c.targets[i].baseline_site = ids[k];
		}
	c.ntargets = nt;
	memset(&s, 0, sizeof(s));
	s.id = 7;
	s.sites = &zero;
	s.nsites = 1;
	v = scenario_targets(&c, &s, ncatch, &n);
	seen = xcalloc(nt + 1, 1);
	memset(got, 0, 4 * sizeof(*got));
	for (i = 0; i < n; i++) {
		cr_assert_eq(seen[v[i].id], 0, "target %lld picked twice", v[i].id);
		seen[v[i].id] = 1;
		for (k = 0; k < 4; k++)
			got[k] += v[i].baseline_site == ids[k];
	}
	free(seen);
	free(v);
	free(c.targets);
}

/*
 * The control sample is sized per site (issue 18): control_per_site of
 * each other site, at most control_share of it; ten times the targets
 * leave it as it was.
 */
Test(campaign_plan, control_sample_per_site)
{
	size_t small[4] = { 1000, 2000, 1000, 30 }, big[4] = { 10000, 20000, 10000, 300 };
	size_t ncatch, got[4];
	struct tp_conf c;

	load(&c, "control_per_site = 200\ncontrol_share = 0.5");
	pick(&c, small, &ncatch, got);
	/* conf site 0 is akl (sorted by name): its catchment, then 200, 200 and 15 of 30. */
	cr_expect_eq(ncatch, 1000);
	cr_expect_eq(got[0], 1000);
	cr_expect_eq(got[1], 200);
	cr_expect_eq(got[2], 200);
	cr_expect_eq(got[3], 15, "half of 30 (the share bound), got %zu", got[3]);
	pick(&c, big, &ncatch, got);
	cr_expect_eq(ncatch, 10000);
	cr_expect_eq(got[1], 200, "control grows with sites, not targets: %zu", got[1]);
	cr_expect_eq(got[2], 200);
	cr_expect_eq(got[3], 150);
	tp_conf_free(&c);
	fixture_cleanup();
}
