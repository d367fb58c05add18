/*
 * test_calibrate_sample.c: which measured sets a calibration leaves out.
 * Up to PD_CALIBRATION_LEFT_OUT of them every one; beyond, that many
 * spread evenly, so that predict and report stay cheap at hundreds of
 * sites.
 */
#include <criterion/criterion.h>

#include "calibrate.h"

/* Run the rule over candidates sets; the taken ones' numbers into taken[]. */
static size_t
take(size_t candidates, size_t *taken)
{
	size_t seen, n = 0;

	for (seen = 0; seen < candidates; seen++)
		if (pd_left_out_takes(seen, n, candidates))
			taken[n++] = seen;
	return n;
}

Test(calibrate_sample, few_sets_all_left_out)
{
	size_t taken[PD_CALIBRATION_LEFT_OUT + 1], i;

	cr_assert_eq(take(10, taken), 10);
	for (i = 0; i < 10; i++)
		cr_expect_eq(taken[i], i);
	cr_assert_eq(take(PD_CALIBRATION_LEFT_OUT, taken), PD_CALIBRATION_LEFT_OUT);
	cr_assert_eq(take(0, taken), 0);
}

Test(calibrate_sample, many_sets_spread_evenly)
{
	static size_t taken[2000];
	size_t sizes[] = { PD_CALIBRATION_LEFT_OUT + 1, 600, 1799 }, k, i, n;

	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t c = sizes[k], step = c / PD_CALIBRATION_LEFT_OUT;

		n = take(c, taken);
		cr_assert_eq(n, PD_CALIBRATION_LEFT_OUT, "%zu candidates: %zu taken", c, n);
		cr_expect_eq(taken[0], 0);
		for (i = 1; i < n; i++) {
			size_t gap = taken[i] - taken[i - 1];

			cr_expect(gap >= step && gap <= step + 1, "%zu candidates: gap %zu at %zu",
			    c, gap, i);
		}
		cr_expect(taken[n - 1] >= c - step - 1, "%zu candidates: the last taken is %zu",
		    c, taken[n - 1]);
	}
}
