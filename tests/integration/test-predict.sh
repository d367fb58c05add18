#!/bin/bash
# test-predict.sh: tp-analyze predict / evaluate and tp-campaign's explore
# step on the tiny testbed, against real BIRD.
#
#  1. A campaign of every single site and chains of depth 1 (on tiny: every
#     pair). For each measured pair, predict gives exactly the measured
#     matrix, with confidence 1 in every row.
#  2. evaluate (leave one out) predicts every pair from the rest: on tiny
#     every target to the right site.
#  3. A campaign of single sites plus explore = 1: one more scenario, a pair,
#     then done; predicting the first campaign's pairs from it is right for
#     every target.
#
# Needs root. Env: TB, TP_BUILD_DIR (default /tmp/build-main).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
BUILD=${TP_BUILD_DIR:-/tmp/build-main}
testbed_init tpbq$$ /tmp/tppredict.XXXXXX

# A predicted matrix without what only a prediction has.
as_matrix() {
	jq -S 'del(.predicted, .measured, .validations) | .scenarios |= map(del(.determined, .exposed, .determined_share, .confidence, .confidence_low, .confidence_high))'
}

need_root predict

out=$(tb up tiny 2>&1) || { fail "predict testbed up" "$out"; exit 1; }
CONF=$("$HERE/../../testbed/setup-campaign" "$BUILD" --per-network 16 rate=20000 settle=1 \
    sample_interval=1 sample_size=40 converge_timeout=10 deadman=60 listen_grace=1 \
    min_announcing=1 chains=1)

# 1: predict of a measured pair is its measurement.
if campaign run >"$WORK/first.out" 2>"$WORK/first.err"; then
	pass "predict campaign with chains runs"
else
	fail "predict campaign with chains runs" "$(tail -5 "$WORK/first.err")"
	exit 1
fi
FIRST=$(campaign -j list | jq '.[0].campaign')
pairs=$(analyze -j matrix --campaign "$FIRST" |
    jq -r '[.scenarios[] | select(.withdrawn | length == 2) | .withdrawn | join("+")] | unique[]')
[[ $(wc -w <<<"$pairs") == 3 ]] || fail "predict every pair measured" "pairs: $pairs"
for p in $pairs; do
	analyze -j matrix --campaign "$FIRST" --scenario "$p" | jq -S . >"$WORK/measured.$p"
	analyze -j predict --campaign "$FIRST" --withdrawn "$p" >"$WORK/predicted.$p"
	if ! as_matrix <"$WORK/predicted.$p" | diff -u "$WORK/measured.$p" - >"$WORK/diff.$p"; then
		fail "predict $p equals its measured matrix" "$(head -20 "$WORK/diff.$p")"
	elif ! jq -e '.predicted and .measured and
	    all(.scenarios[]; .confidence == 1)' "$WORK/predicted.$p" >/dev/null; then
		fail "predict $p equals its measured matrix" "not marked, or confidence below 1"
	else
		pass "predict $p equals its measured matrix (confidence 1)"
	fi
done

# 2: leave one out.
analyze -j evaluate --campaign "$FIRST" >"$WORK/evaluate.json"
if jq -e '(.scenarios | length) == 3 and .overall.answered > 0 and
    .overall.right == .overall.answered and .overall.max_error < 1e-9 and
    .overall.control_stayed == 1' "$WORK/evaluate.json" >/dev/null; then
	pass "predict evaluate: every held-out pair right ($(jq .overall.answered "$WORK/evaluate.json") targets)"
else
	fail "predict evaluate: every held-out pair right" "$(analyze evaluate --campaign "$FIRST")"
fi

# 3: explore one pair after the single sites.
sed -i -e '/^chains = /d' -e '/^\[campaign\]/a chains = 0\nexplore = 1' "$CONF"
if campaign -v run >"$WORK/second.out" 2>"$WORK/second.err"; then
	SECOND=$(campaign -j list | jq '.[0].campaign')
	n=$(campaign -j status "$SECOND" | jq '[.[] | select(.status == "done")] | length')
	picked=$(grep -o 'explore: [a-z+]* has [0-9]* targets' "$WORK/second.err" || true)
	if ((n == 4)) && [[ -n $picked ]]; then
		pass "predict explore measures one more set ($picked)"
	else
		fail "predict explore measures one more set" "$n scenarios; $(tail -3 "$WORK/second.err")"
	fi
	analyze -j evaluate --campaign "$SECOND" --compare "$FIRST" >"$WORK/compare.json"
	if jq -e '.overall.answered > 0 and .overall.right == .overall.answered' \
	    "$WORK/compare.json" >/dev/null; then
		pass "predict from singles + 1 explored pair: every pair of the first campaign right"
	else
		fail "predict from singles + 1 explored pair" \
		    "$(analyze evaluate --campaign "$SECOND" --compare "$FIRST")"
	fi
else
	fail "predict explore campaign runs" "$(tail -5 "$WORK/second.err")"
fi
exit $FAILED
