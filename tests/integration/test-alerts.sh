#!/bin/bash
# test-alerts.sh: the Prometheus alert rules shipped for tp-campaign's metrics.
#
#  1. data/prometheus-alerts.yml is the rule block printed in tp-campaign(8)'s
#     METRICS section, line for line.
#  2. promtool check rules accepts it.
#  3. promtool test rules (tests/fixtures/metrics/alerts-test.yml): "no
#     successful campaign in 48 h" fires after 48 h plus its hour, and when
#     no campaign ever succeeded, and not while one succeeds nightly; "a
#     failover overloads a site" fires for the overloaded (set, site) only,
#     with its summary.
#
# Needs promtool (Debian package prometheus); without it the checks of 2
# and 3 are reported as skipped. No root, no testbed.
# Prints "PASS name" / "FAIL name: reason" / "SKIP name: reason"; exits 1 when anything failed.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
RULES=$TOP/data/prometheus-alerts.yml

# shellcheck source=checks.sh
. "$HERE/checks.sh"

man_block=$(awk '/^\.Bd -literal/ { inblock = 1; block = ""; next }
	/^\.Ed/ { if (inblock && block ~ /^groups:/) { printf "%s", block; exit } inblock = 0; next }
	inblock { block = block $0 "\n" }' "$TOP/man/tp-campaign.8")
file_block=$(grep -v '^#' "$RULES")
if [[ -n $man_block && $man_block == "$file_block" ]]; then
	pass "alerts: the rule file is the one in tp-campaign(8)"
else
	fail "alerts: the rule file is the one in tp-campaign(8)" \
	    "$(diff <(printf '%s\n' "$man_block") <(printf '%s\n' "$file_block") | head -10)"
fi

if ! command -v promtool >/dev/null; then
	printf 'SKIP alerts: promtool checks: no promtool (Debian package prometheus)\n'
	exit "$FAILED"
fi
if out=$(promtool check rules "$RULES" 2>&1) && grep -q 'SUCCESS: 2 rules found' <<<"$out"; then
	pass "alerts: promtool check rules (2 rules)"
else
	fail "alerts: promtool check rules" "$out"
fi
if out=$(cd "$TOP/tests/fixtures/metrics" && promtool test rules alerts-test.yml 2>&1); then
	pass "alerts: promtool test rules (48 h without success, never succeeded, nightly success, overload)"
else
	fail "alerts: promtool test rules" "$out"
fi
exit "$FAILED"
