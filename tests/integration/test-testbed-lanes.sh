#!/bin/bash
# test-testbed-lanes.sh: the testbed's lanes (several anycast test
# prefixes, each originated by its own static protocol at every site), on
# the tiny topology, IPv4 and IPv6.
#
# For each family and each lane L (1 to 3): withdraws lane L at c1's site
# (tb birdc SITE disable tp_laneL_F) and checks that `tb truth --lane L`
# moves c1 while every other lane's truth (lane 0, the whole range, and
# the other lanes) stays exactly as before; a ping from a site with lane
# L's anycast source to c1 lands at the site truth names; announces again
# and checks that every lane is back. Then withdraws lane 0 and checks
# that no lane moves.
#
# Then slow mode (tb up tiny --slow: BGP messages delayed 20 s per hop):
# lane 2 withdrawn at c1's site must take at least 20 s to move c1 (and
# under 60 s), and as long to come back when announced; no other lane
# moves meanwhile.
#
# Needs root. Env: TB (default: testbed/tb of this source tree),
# TP_BUILD_DIR (where tb-bgp-delay is built; default build-test).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
testbed_init tpbln$$ /tmp/tpbln.XXXXXX
LANES=3

# Print "CLIENT SITE" lines of lane $1, family $2, from tb truth.
lane_truth() {
	tb truth --lane "$1" | awk -v col=$(($2 == 4 ? 5 : 6)) 'NR > 1 { print $1, $col }'
}

# Print every lane's truth for family $1, one "LANE CLIENT SITE" per line.
all_truths() {
	local l
	for ((l = 0; l <= LANES; l++)); do lane_truth "$l" "$1" | sed "s/^/$l /"; done
}

# Print every lane's truth for family $1 except lane $2.
other_truths() {
	all_truths "$1" | awk -v l="$2" '$1 != l'
}

# Wait up to 15 s until lane $1's truth of client $3 (family $2) is $4
# (or, with "!X", neither X nor "-"). Fails when it never is.
wait_lane_truth() {
	local lane=$1 fam=$2 c=$3 want=$4 i got
	for ((i = 0; i < 150; i++)); do
		got=$(lane_truth "$lane" "$fam" | awk -v c="$c" '$1 == c { print $2 }')
		if [[ $want == !* ]]; then
			[[ $got != "${want#!}" && $got != - ]] && { printf '%s' "$got"; return 0; }
		elif [[ $got == "$want" ]]; then
			printf '%s' "$got"
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# shellcheck source=testbed-pings.sh
source "$HERE/testbed-pings.sh"

# Print the anycast address of lane $1, family $2, from tb status --json.
lane_address() {
	grep -o "\"lane\":$1,[^}]*" <<<"$status" | grep -o "\"address$2\":\"[^\"]*\"" | cut -d'"' -f4
}

((EUID == 0)) || { echo "FAIL testbed-lanes: needs root"; exit 1; }

if out=$(tb up tiny 2>&1); then
	pass "testbed-lanes up tiny ($(grep -o 'converged in .*' <<<"$out"))"
else
	fail "testbed-lanes up tiny" "$out"
	exit 1
fi
status=$(tb status --json)
SITES=$(grep -o '"name":"[a-z0-9]*","kind":"site"' <<<"$status" | cut -d'"' -f4 | tr '\n' ' ')
PROBER=${SITES%% *}
nlanes=$(grep -o '"lane":[0-9]*' <<<"$status" | wc -l)
((nlanes == LANES + 1)) && pass "testbed-lanes status lists lanes 0 to $LANES" ||
    fail "testbed-lanes status lists lanes 0 to $LANES" "$nlanes lanes in $status"

for fam in 4 6; do
	C1=c1
	c1dst=$(tb targets --family "$fam" --per-network 1 | head -1)
	base=$(all_truths "$fam")
	site=$(awk -v c=$C1 '$1 == 0 && $2 == c { print $3 }' <<<"$base")
	[[ -n $site && $site != - ]] || { fail "testbed-lanes-v$fam baseline" "$base"; continue; }
	bad=$(awk -v s="$site" -v c=$C1 '$2 == c && $3 != s' <<<"$base")
	[[ -z $bad ]] && pass "testbed-lanes-v$fam every lane takes $C1 to $site at baseline" ||
	    fail "testbed-lanes-v$fam every lane takes $C1 to $site at baseline" "$bad"

	for ((l = 1; l <= LANES; l++)); do
		name="testbed-lanes-v$fam lane $l"
		others=$(other_truths "$fam" "$l")
		tb birdc "$site" disable "tp_lane${l}_$fam" >/dev/null
		if moved=$(wait_lane_truth "$l" "$fam" "$C1" "!$site"); then
			pass "$name withdrawn at $site moves $C1 to $moved"
		else
			fail "$name withdrawn at $site moves $C1" "$(lane_truth "$l" "$fam")"
			moved=-
		fi
		now=$(other_truths "$fam" "$l")
		[[ $now == "$others" ]] && pass "$name withdrawn moves no other lane" ||
		    fail "$name withdrawn moves no other lane" "$(diff <(echo "$others") <(echo "$now") | tr '\n' ' ')"
		src=$(lane_address "$l" "$fam")
		got=$(landing_sites_from "$fam" "$src" "$c1dst")
		[[ ${got% } == "$moved" ]] && pass "$name pings from $src land at $moved" ||
		    fail "$name pings from $src land at $moved" "replies at '${got% }'"
		got=$(landing_sites_from "$fam" "$(lane_address 0 "$fam")" "$c1dst")
		[[ ${got% } == "$site" ]] && pass "$name pings from lane 0 still land at $site" ||
		    fail "$name pings from lane 0 still land at $site" "replies at '${got% }'"
		tb birdc "$site" enable "tp_lane${l}_$fam" >/dev/null
		wait_lane_truth "$l" "$fam" "$C1" "$site" >/dev/null || true
		[[ $(all_truths "$fam") == "$base" ]] && pass "$name announced: every lane back at baseline" ||
		    fail "$name announced: every lane back at baseline" "$(all_truths "$fam" | tr '\n' ' ')"
	done

	others=$(other_truths "$fam" 0)
	tb birdc "$site" disable "tp_anycast$fam" >/dev/null
	wait_lane_truth 0 "$fam" "$C1" "!$site" >/dev/null &&
	    [[ $(other_truths "$fam" 0) == "$others" ]] &&
	    pass "testbed-lanes-v$fam lane 0 withdrawn at $site moves $C1 and no lane" ||
	    fail "testbed-lanes-v$fam lane 0 withdrawn at $site moves $C1 and no lane" "$(all_truths "$fam" | tr '\n' ' ')"
	tb birdc "$site" enable "tp_anycast$fam" >/dev/null
	wait_lane_truth 0 "$fam" "$C1" "$site" >/dev/null || true
done

# ---- slow mode ------------------------------------------------------------

# Seconds, with one decimal, since $1 (date +%s%N).
since() {
	awk -v s="$1" -v n="$(date +%s%N)" 'BEGIN { printf("%.1f", (n - s) / 1e9) }'
}

# Wait up to 90 s until lane 2 takes c1 to $1 (or "!X"); print the seconds.
timed_move() {
	local start i got
	start=$(date +%s%N)
	for ((i = 0; i < 900; i++)); do
		got=$(lane_truth 2 4 | awk '$1 == "c1" { print $2 }')
		if [[ $1 == !* ]]; then
			[[ $got != "${1#!}" && $got != - ]] && { since "$start"; return 0; }
		elif [[ $got == "$1" ]]; then
			since "$start"
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# Check that lane 2 takes c1 to $1 (or "!X") after 20 to 60 s; $2 names it.
check_slow_move() {
	local took
	if took=$(timed_move "$1"); then
		awk -v t="$took" 'BEGIN { exit !(t >= 20 && t < 60) }' &&
		    pass "testbed-lanes slow: $2 after ${took}s (20 to 60 s)" ||
		    fail "testbed-lanes slow: $2 after 20 to 60 s" "${took}s"
	else
		fail "testbed-lanes slow: $2" "not within 90 s"
	fi
}

tb down >/dev/null 2>&1
export TP_BUILD_DIR=${TP_BUILD_DIR:-$HERE/../../build-test}
if out=$(tb up tiny --slow 2>&1); then
	pass "testbed-lanes slow: up tiny --slow ($(grep -o 'converged in .*' <<<"$out"))"
	site=$(lane_truth 2 4 | awk '$1 == "c1" { print $2 }')
	others=$(other_truths 4 2)
	tb birdc "$site" disable tp_lane2_4 >/dev/null
	check_slow_move "!$site" "lane 2 withdrawn at $site moves c1"
	[[ $(other_truths 4 2) == "$others" ]] && pass "testbed-lanes slow: no other lane moved" ||
	    fail "testbed-lanes slow: no other lane moved" "$(all_truths 4 | tr '\n' ' ')"
	tb birdc "$site" enable tp_lane2_4 >/dev/null
	check_slow_move "$site" "lane 2 announced brings c1 back"
	tb status --json | grep -q '"bgp_delay":20' && pass "testbed-lanes slow: status says 20 s per hop" ||
	    fail "testbed-lanes slow: status says 20 s per hop" "$(tb status --json | head -c 200)"
	tb down >/dev/null 2>&1
	pgrep -f "tb-bgp-delay.*/run/netns/$TB_PREFIX-" >/dev/null &&
	    fail "testbed-lanes slow: down stops tb-bgp-delay" "still running" ||
	    pass "testbed-lanes slow: down stops tb-bgp-delay"
else
	fail "testbed-lanes slow: up tiny --slow" "$out"
fi

exit "$FAILED"
