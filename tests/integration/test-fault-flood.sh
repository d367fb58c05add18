#!/bin/bash
# test-fault-flood.sh: a forged-reply flood from a client namespace at ten
# times the probe rate while a real round runs.
#
# On the tiny testbed: a listener at every site; from client network c2,
# tp-probe send --forge-replies (the hidden testing option: echo replies
# "from" every target to the anycast address, cookies made with ANOTHER
# key) at 10 x RATE, started first and lasting beyond the real round; from
# site akl, the real tp-probe send of every target (768 IPv4 + 768 IPv6) at
# RATE. Checks:
#   - the flood covered the real round (it began before and ended after)
#     at ten times its rate (measured: at least 8 times, for a loaded machine);
#   - every forged reply rejected: the listeners' end lines count exactly
#     as many rejected replies as were forged (the testbed loses nothing),
#     and no forged reply is recorded;
#   - every real reply recorded: accepted = records = targets probed, each
#     target once, none twice, none that is not a target;
#   - the listener keeps up: pcap drops 0 in every end line.
# Why it fails when the behaviour is wrong: a listener that let a forged
# reply through records it (records > targets, or accepted > sent) and
# counts fewer rejected; one that fell behind drops packets (pcap drops)
# and misses real replies (records < targets); a flood that did not
# overlap the round fails the first check, so the test cannot pass idle.
#
# Needs root. Env: TB, TP_BUILD_DIR (default /tmp/build-main), RATE (real
# probes per second, default 1000; the flood is 10 x RATE).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
BUILD=${TP_BUILD_DIR:-/tmp/build-main}
PROBE=$BUILD/tp-probe
RATE=${RATE:-1000}
testbed_init tpbff$$ /tmp/tpfault-flood.XXXXXX
PROBER=akl
FORGER=c2
ROUND=77

now_ms() { echo $(($(date +%s%N) / 1000000)); }

need_built setup "$PROBE"
need_root flood

tb up tiny >/dev/null
SITES=$(tb status --json | jq -r '.nodes[] | select(.kind == "site") | .name')
"$PROBE" keygen -k "$WORK/probe.key"
"$PROBE" keygen -k "$WORK/forger.key"
: >"$WORK/no-exclude.conf"	# the testbed's ranges are all special-purpose
tb targets >"$WORK/targets.txt"
NTARGETS=$(wc -l <"$WORK/targets.txt")

# A listener per site; each prints its header once the capture is open.
for s in $SITES; do
	start_in "$s" "$PROBE" listen --user nobody -r "$ROUND" -s "$s" -k "$WORK/probe.key" --duration 300 -j \
	    >"$WORK/rec-$s.txt" 2>"$WORK/sum-$s.json"
done
for s in $SITES; do
	wait_line "$WORK/rec-$s.txt" '^tp-records 2$' 5 || { echo "FAIL setup: listener at $s did not start"; exit 1; }
done

# The flood: 10 x RATE, as many passes as last the real round plus 1.5 s.
FRATE=$((10 * RATE))
passes=$(((NTARGETS / RATE + 2) * FRATE / NTARGETS + 1))
f_start=$(now_ms)
start_in "$FORGER" "$PROBE" send --user nobody -q -j -r "$ROUND" -k "$WORK/forger.key" -x "$WORK/no-exclude.conf" \
    -R "$FRATE" --repeat "$passes" --gap 0 --forge-replies "$WORK/targets.txt" >"$WORK/forge.json"
FORGE_PID=$!
sleep 0.5
r_start=$(now_ms)
tb exec "$PROBER" "$PROBE" send --user nobody -q -j -r "$ROUND" -k "$WORK/probe.key" -x "$WORK/no-exclude.conf" \
    -R "$RATE" "$WORK/targets.txt" >"$WORK/send.json"
r_end=$(now_ms)
wait "$FORGE_PID" || fail "forger" "exit status $?"
f_end=$(now_ms)
sleep 2		# late replies; then SIGTERM ends each listener with its end line
for s in "${PIDS[@]}"; do kill -TERM "$s" 2>/dev/null || true; done
for s in "${PIDS[@]}"; do wait "$s" 2>/dev/null || true; done
PIDS=()

sent=$(jq .sent "$WORK/send.json")
forged=$(jq .sent "$WORK/forge.json")
rrate=$(jq .rate_pps "$WORK/send.json")
frate=$(jq .rate_pps "$WORK/forge.json")
if ((f_start < r_start && f_end > r_end)) && [[ $(jq .errors "$WORK/send.json") == 0 ]] &&
    awk -v f="$frate" -v r="$rrate" 'BEGIN { exit !(f >= 8 * r) }'; then
	pass "flood: $forged forged replies at $frate/s from $FORGER over $(((f_end - f_start)))ms, covering the real round ($sent probes at $rrate/s over $((r_end - r_start))ms)"
else
	fail "flood covered the round at 10x" "forge ${f_start}-${f_end} ($frate/s), real ${r_start}-${r_end} ($rrate/s)"
fi

# The end lines: accepted rejected duplicates drops, summed over the sites.
read -r accepted rejected dups drops < <(cat "$WORK"/rec-*.txt |
    awk '$1 == "end" { a += $4; r += $5; d += $6; p += $7; n++ }
	END { print a + 0, r + 0, d + 0, p + 0 }')
ends=$(cat "$WORK"/rec-*.txt | grep -c '^end ' || true)
[[ $ends == "$(wc -w <<<"$SITES")" ]] || fail "end lines" "$ends end lines for $(wc -w <<<"$SITES") listeners"
if [[ $rejected == "$forged" ]]; then
	pass "every forged reply rejected ($rejected of $forged)"
else
	fail "every forged reply rejected" "rejected $rejected of $forged forged"
fi

# Records: each target once, nothing that is not a target.
read -r records once twice stray < <(cat "$WORK"/rec-*.txt | awk -v targets="$WORK/targets.txt" '
	BEGIN { while ((getline line < targets) > 0) want[line] = 1 }
	$1 == "reply" { n++; if (!($4 in want)) stray++; else if (seen[$4]++) twice++ }
	END { print n + 0, length(seen), twice + 0, stray + 0 }')
if [[ $records == "$sent" && $once == "$NTARGETS" && $accepted == "$sent" && $twice == 0 && $stray == 0 && $dups == 0 ]]; then
	pass "every real reply recorded: $records records = $accepted accepted = $sent sent, each target once"
else
	fail "every real reply recorded" "sent $sent, accepted $accepted, records $records ($once targets, $twice twice, $stray not targets), duplicates $dups"
fi
if [[ $drops == 0 ]]; then
	pass "the listeners kept up: pcap drops 0"
else
	fail "the listeners kept up" "pcap drops $drops"
fi

exit "$FAILED"
