#!/bin/bash
# test-predict-hiding.sh: validate and calibrated confidence on the
# path-hiding testbed (data/topologies/hiding.topo), against real BIRD.
#
#  1. A campaign of every single site and chains of depth 1 measures ams,
#     ber, cph, dub, ams+ber and cph+dub. Predicting ams+cph from it calls
#     every target determined (x1 and x2 to ber, n1 to dub), but the
#     campaign has no validations: predict states no calibrated confidence
#     (null in JSON, an empty cell for people, never 1.00) and says why.
#  2. The same with validate = 2: the first pick, by cost, is ams+cph (the
#     most targets exposed to a hidden route: cph's failover partner dub);
#     its validation stores the violation the truth table of
#     testbed/README.md predicts: of x1, x2 and n1 only n1's targets held.
#     The second pick, measured after the first and again by cost (only
#     every third pick is random), is ber+cph: m1 goes to ams past cph's
#     partner dub, exposed like x1 in ams+cph, and holds. The two pairs
#     left, ams+dub and ber+dub, have no exposed target: each is predicted
#     with a calibrated confidence inside its interval, at most its
#     determined share, at the rate of the unexposed checks (n1 in
#     ber+cph, held): 1.
#  3. evaluate reports accuracy for determined and undetermined targets
#     apart; its leave-one-out of ams+cph finds the determined targets of
#     x1 and x2 wrong.
#
# Needs root. Env: TB, TP_BUILD_DIR (default /tmp/build-main).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
BUILD=${TP_BUILD_DIR:-/tmp/build-main}
testbed_init tpbv$$ /tmp/tpvalidate.XXXXXX
PER=8	# targets per client network and family: 16 per network

# The pairs of campaign $1 not measured, one a line.
unmeasured() {
	local measured
	measured=$(campaign -j status "$1" | jq -r '.[].scenario')
	for p in ams+ber ams+cph ams+dub ber+cph ber+dub cph+dub; do
		grep -qx -- "$p" <<<"$measured" || echo "$p"
	done
}

((EUID == 0)) || { echo "FAIL predict-hiding: needs root"; exit 1; }

out=$("$TB" --quiet up hiding 2>&1) || { fail "predict-hiding testbed up" "$out"; exit 1; }
CONF=$("$HERE/../../testbed/setup-campaign" "$BUILD" --per-network $PER rate=20000 settle=1 \
    sample_interval=1 sample_size=40 converge_timeout=10 deadman=60 listen_grace=1 \
    min_announcing=1 chains=1)
DB=$(awk -F' *= *' '$1 == "database" { print $2 }' "$CONF")

# 1: no validations.
if campaign run >"$WORK/first.out" 2>"$WORK/first.err"; then
	pass "predict-hiding campaign of singles and chains runs"
else
	fail "predict-hiding campaign of singles and chains runs" "$(tail -5 "$WORK/first.err")"
	exit 1
fi
FIRST=$(campaign -j list | jq '.[0].campaign')
[[ $(unmeasured "$FIRST" | tr '\n' ' ') == 'ams+cph ams+dub ber+cph ber+dub ' ]] &&
    pass "predict-hiding chains measured ams+ber and cph+dub" ||
    fail "predict-hiding chains measured ams+ber and cph+dub" "unmeasured: $(unmeasured "$FIRST")"
analyze -j predict --campaign "$FIRST" --withdrawn ams+cph >"$WORK/p1.json" 2>"$WORK/p1.err"
if jq -e '.validations == 0 and all(.scenarios[]; .confidence == null) and
    (.scenarios[-1] | .determined_share == 1 and .exposed == .determined)' \
    "$WORK/p1.json" >/dev/null && grep -q 'no validations' "$WORK/p1.err"; then
	pass "predict-hiding without validations: ams+cph determined, no confidence stated, and why"
else
	fail "predict-hiding without validations" "$(jq -c '.scenarios[-1]' "$WORK/p1.json"; cat "$WORK/p1.err")"
fi
analyze predict --campaign "$FIRST" --withdrawn ams+cph >"$WORK/p1.txt" 2>/dev/null
if awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "confidence") c = i }
    NR > 1 && $c ~ /^[0-9]/ { bad = 1 } END { exit bad || !c }' "$WORK/p1.txt"; then
	pass "predict-hiding without validations: the people's table leaves confidence empty"
else
	fail "predict-hiding without validations: the people's table" "$(cat "$WORK/p1.txt")"
fi

# 2: validate = 2.
sed -i '/^\[campaign\]/a validate = 2' "$CONF"
if campaign -v run >"$WORK/second.out" 2>"$WORK/second.err"; then
	pass "predict-hiding campaign with validate = 2 runs"
else
	fail "predict-hiding campaign with validate = 2 runs" "$(tail -5 "$WORK/second.err")"
	exit 1
fi
SECOND=$(campaign -j list | jq '.[0].campaign')
rows=$(sqlite3 "$DB" "SELECT withdrawn, chosen, determined, answered, held, exposed_answered,
    exposed_held, groups, exposed_groups FROM validations WHERE campaign_id = $SECOND ORDER BY id")
first=$(head -1 <<<"$rows")
if [[ $first == "ams+cph|cost|48|48|16|48|16|2|2" ]]; then
	pass "predict-hiding validate picks ams+cph by cost and finds the violation (16 of 48 held: n1 only; 2 groups, x and n1)"
else
	fail "predict-hiding validate picks ams+cph and finds the violation" "rows: $rows"
fi
if [[ $(wc -l <<<"$rows") == 2 && $(sed -n 2p <<<"$rows") == "ber+cph|cost|32|32|32|16|16|2|1" ]]; then
	pass "predict-hiding validate's second pick is ber+cph by cost (m1 exposed, held; n1 not exposed, held)"
else
	fail "predict-hiding validate's second pick is ber+cph by cost" "rows: $rows"
fi
grep -q 'validate: ams+cph: 16 of 48 answering determined targets held' "$WORK/second.err" &&
    pass "predict-hiding the campaign logs the validation's outcome" ||
    fail "predict-hiding the campaign logs the validation's outcome" "$(grep validate "$WORK/second.err")"
left=$(unmeasured "$SECOND")
[[ $left == $'ams+dub\nber+dub' ]] || fail "predict-hiding ams+dub and ber+dub left unmeasured" "$left"
for p in $left; do
	analyze -j predict --campaign "$SECOND" --withdrawn "$p" >"$WORK/p2.$p" 2>/dev/null
	if jq -e '.validations == 2 and .measured == false and all(.scenarios[] | select(.responsive > 0);
	    .confidence != null and .confidence_low <= .confidence and
	    .confidence <= .confidence_high and .confidence <= .determined_share and
	    .exposed == 0 and .confidence == 1)' "$WORK/p2.$p" >/dev/null; then
		pass "predict-hiding $p: calibrated confidence $(jq '.scenarios[-1] | "\(.confidence * 1000 | round / 1000) with \(.exposed) exposed"' "$WORK/p2.$p") (inside its interval)"
	else
		fail "predict-hiding $p: calibrated confidence" "$(jq -c '[.scenarios[] | {from, determined_share, confidence, confidence_low, confidence_high}]' "$WORK/p2.$p")"
	fi
done
# 3: evaluate apart for determined and undetermined targets.
analyze -j evaluate --campaign "$SECOND" >"$WORK/evaluate.json"
if jq -e '(.scenarios[] | select(.withdrawn == "ams+cph") | .determined_answered == 48 and
    .determined_accuracy > 0.33 and .determined_accuracy < 0.34) and
    (.overall | has("undetermined_accuracy") and .determined_answered +
    .undetermined_answered == .answered)' "$WORK/evaluate.json" >/dev/null; then
	pass "predict-hiding evaluate: ams+cph held out has 1 in 3 determined targets right"
else
	fail "predict-hiding evaluate splits determined and undetermined" "$(analyze evaluate --campaign "$SECOND")"
fi
exit $FAILED
