#!/bin/bash
# test-probe-lanes.sh: one listener per site and one prober for two lanes
# at once, on the tiny testbed, IPv4 and IPv6, real packets.
#
# Withdraws lane 2 at c1's site, so the two lanes' catchments differ.
# Starts one `tp-probe listen --multi-round` per site (commands on a
# FIFO), opens round R1 for lane 1 and R2 for lane 2 at every listener,
# and gives ONE `tp-probe send --jobs` both jobs (the same targets) under
# one rate, while tcpdump in the prober's namespace records every probe
# that leaves. Then checks:
#   - every target is recorded once per round, at the site `tb truth
#     --lane L` names for that lane, with LOCAL = lane L's address;
#   - the two jobs ran at once, the total send rate stayed within the
#     budget (probes counted by tcpdump, in every 1 s window), and no
#     address got two probes less than --min-gap apart;
#   - replies forged for R1 after R1 was closed (right key and round)
#     are rejected as stale and never recorded;
#   - RSS and CPU of a listener idle and under 10000 replies a second
#     (valid replies for an open round, forged from a client), printed
#     and bounded; every one of them judged, none dropped.
# Takes the testbed down at the end, also on failure.
#
# Needs root. Env: TB (default: testbed/tb of this source tree),
# TP_BUILD_DIR (default build-test of this tree; holds tp-probe),
# PER_NETWORK (targets per client network and family, default 100).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"
TP_BUILD_DIR=${TP_BUILD_DIR:-$HERE/../../build-test}
PROBE=$TP_BUILD_DIR/tp-probe
PER_NETWORK=${PER_NETWORK:-100}
testbed_init tpbpl$$ /tmp/tp-probe-lanes.XXXXXX
FORGER=c2
R1=201
R2=202
RATE=1000		# probes per second, both jobs together
MIN_GAP=0.5		# seconds between two probes to one address
LOAD_RATE=10000

# Run a command without the listeners' FIFO ends this shell holds open
# (a listener sees the end of its input only when every copy is closed).
without_ctl() {
	local f
	for f in "${CTL[@]}"; do eval "exec $f>&-"; done
	exec "$@"
}

# Send a command line to every listener.
tell_listeners() {
	local s
	for s in $SITES; do echo "$1" >&"${CTL[$s]}"; done
}

# The jq value $2 of lane $1 in tb status.
lane() {
	jq -r --argjson l "$1" ".lanes[] | select(.lane == \$l) | .$2" <<<"$STATUS"
}

# CPU ticks (user + system) of process $1.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# Resident memory of process $1 in kB.
rss_kb() {
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"
}

need_built setup "$PROBE"
need_root setup

tb up tiny >/dev/null
STATUS=$(tb status --json)
SITES=$(jq -r '.nodes[] | select(.kind == "site") | .name' <<<"$STATUS")
PROBER=$(head -1 <<<"$SITES")
make_key "$WORK/probe.key"
: >"$WORK/no-exclude.conf"	# the testbed's ranges are all special-purpose
tb targets --per-network "$PER_NETWORK" >"$WORK/targets.txt"
NTARGETS=$(wc -l <"$WORK/targets.txt")

# Lane 2 withdrawn at c1's site: the lanes' catchments differ there.
C1SITE=$(tb truth --lane 2 --json | jq -r '.clients[] | select(.name == "c1") | .site4')
tb birdc "$C1SITE" disable tp_lane2_4 >/dev/null
tb birdc "$C1SITE" disable tp_lane2_6 >/dev/null
for _ in $(seq 150); do
	moved=$(tb truth --lane 2 --json | jq -r '.clients[] | select(.name == "c1") |
	    "\(.site4) \(.site6)"')
	[[ $moved != *"$C1SITE"* && $moved != *-* && $moved != *null* ]] && break
	sleep 0.1
done
for l in 1 2; do
	tb truth --lane "$l" --json | jq -r '.clients[] | "\(.ipv4) \(.site4)", "\(.ipv6) \(.site6)"' \
	    >"$WORK/truth$l.txt"
done
check "lanes differ: c1 at $C1SITE in lane 1, at ${moved% *} in lane 2" \
    "lane 2 did not move c1 ($moved)" \
    [ "$(grep -c "$C1SITE" "$WORK/truth1.txt")" -gt "$(grep -c "$C1SITE" "$WORK/truth2.txt")" ]

# One listener per site for both rounds; commands on a FIFO.
# The listener at c1's lane 1 site (LS) runs with a small capture buffer,
# the others with the default; their RSS is compared at the end.
declare -A CTL=() LPID=()
LS=$C1SITE
LO=$(grep -vx "$LS" <<<"$SITES" | head -1)
for s in $SITES; do
	mkfifo "$WORK/ctl-$s"
	buf=$([[ $s == "$LS" ]] && echo 4 || echo 64)
	(without_ctl "$TB" --quiet --prefix "$TB_PREFIX" --run-dir "$TB_RUN_DIR" exec "$s" \
	    "$PROBE" listen --multi-round --user nobody -s "$s" -k "$WORK/probe.key" \
	    -t "$(lane 0 ipv4)" -t "$(lane 0 ipv6)" --grace 1 --buffer-size "$buf" -j) \
	    <"$WORK/ctl-$s" >"$WORK/rec-$s.txt" 2>"$WORK/sum-$s.json" &
	LPID[$s]=$!
	PIDS+=($!)
	exec {fd}>"$WORK/ctl-$s"
	CTL[$s]=$fd
done
for s in $SITES; do
	wait_line "$WORK/rec-$s.txt" '^tp-records 2$' || { echo "FAIL setup: listener at $s did not start"; exit 1; }
done
tell_listeners "open $R1 $(lane 1 ipv4) $(lane 1 ipv6)"
tell_listeners "open $R2 $(lane 2 ipv4) $(lane 2 ipv6)"
for s in $SITES; do
	wait_line "$WORK/rec-$s.txt" "^# open $R2\$" || { echo "FAIL setup: listener at $s did not open $R2"; exit 1; }
done

# The long-lived listener gave up root like a one-round one: nobody, CAP_NET_RAW only.
nobody=$(id -u nobody)
caps=$(awk '$1 == "Uid:" { u = $2 $3 $4 $5 } $1 == "CapEff:" { e = $2 } $1 == "CapBnd:" { b = $2 }
    END { print u, e, b }' "/proc/${LPID[$LS]}/status")
check "multi-round listener runs as nobody with CAP_NET_RAW only ($caps)" "$caps" \
    [ "$caps" = "$nobody$nobody$nobody$nobody 0000000000002000 0000000000000000" ]

# Idle: CPU and RSS of one listener over 3 s with two rounds open.
t0=$(cpu_ticks "${LPID[$LS]}")
sleep 3
idle_ticks=$(($(cpu_ticks "${LPID[$LS]}") - t0))
idle_rss=$(rss_kb "${LPID[$LS]}")
idle_rss64=$(rss_kb "${LPID[$LO]}")

# tcpdump counts the probes that leave the prober.
(without_ctl "$TB" --quiet --prefix "$TB_PREFIX" --run-dir "$TB_RUN_DIR" exec "$PROBER" \
    tcpdump -Z root -i any -Q out -n -w "$WORK/probes.pcap" \
    "(icmp[icmptype] == icmp-echo and src net 192.0.2.0/24) or (icmp6 and ip6[40] == 128 and src net 2001:db8:ffff::/48)" \
    2>"$WORK/tcpdump.err") &
TCPDUMP=$!
PIDS+=($TCPDUMP)
wait_line "$WORK/tcpdump.err" "listening on" || { echo "FAIL setup: tcpdump did not start"; exit 1; }

# ONE prober for both lanes: two jobs of the same targets at once.
{
	echo "job $R1 $(lane 1 address4) $(lane 1 address6)"
	cat "$WORK/targets.txt"
	echo end
	echo "job $R2 $(lane 2 address4) $(lane 2 address6)"
	cat "$WORK/targets.txt"
	echo end
} | tb exec "$PROBER" "$PROBE" send --jobs --user nobody -j -k "$WORK/probe.key" \
    -x "$WORK/no-exclude.conf" -R "$RATE" --min-gap "$MIN_GAP" \
    >"$WORK/jobs.txt" 2>"$WORK/jobs.json"
sleep 1
kill -INT "$TCPDUMP"
wait "$TCPDUMP" 2>/dev/null || true

check "prober: both jobs started and done, every probe sent" "$(tr '\n' ' ' <"$WORK/jobs.txt")" \
    [ "$(grep -c "^started \($R1\|$R2\) $NTARGETS 0\$" "$WORK/jobs.txt")" = 2 -a \
    "$(grep -c "^done \($R1\|$R2\) $NTARGETS 0\$" "$WORK/jobs.txt")" = 2 ]

# Rate and spacing from the probes tcpdump saw: "TIME SRC DST" per probe.
tcpdump -r "$WORK/probes.pcap" -n -tt 2>/dev/null |
    awk '{ for (i = 1; i <= NF; i++) if ($i == ">") { s = $(i - 1); d = $(i + 1); break }
	sub(/:$/, "", d); sub(/,$/, "", d); print $1, s, d }' >"$WORK/probes.txt"
python3 - "$WORK/probes.txt" "$RATE" "$MIN_GAP" "$NTARGETS" "$(lane 1 address4)" \
    "$(lane 1 address6)" >"$WORK/probe-check.txt" <<'EOF'
import sys
path, rate, gap, n, l1a, l1b = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
rows = [l.split() for l in open(path)]
t = [float(r[0]) for r in rows]
# The most probes in any window of one second.
peak, j = 0, 0
for i in range(len(t)):
    while t[i] - t[j] >= 1.0:
        j += 1
    peak = max(peak, i - j + 1)
last, tight = {}, 0
for r in rows:
    ts, dst = float(r[0]), r[2]
    if dst in last and ts - last[dst] < gap * 0.98:
        tight += 1
    last[dst] = ts
lane1 = [float(r[0]) for r in rows if r[1] in (l1a, l1b)]
lane2 = [float(r[0]) for r in rows if r[1] not in (l1a, l1b)]
overlap = bool(lane1 and lane2) and min(lane2) < max(lane1) and min(lane1) < max(lane2)
print(len(rows), peak, tight, int(overlap), "%.2f" % (t[-1] - t[0] if t else 0))
EOF
read -r seen peak tight overlap span <"$WORK/probe-check.txt"
check "tcpdump saw every probe: $seen of $((2 * NTARGETS))" "saw $seen" [ "$seen" = $((2 * NTARGETS)) ]
check "the two lanes' jobs ran at once (interleaved over ${span} s)" "one after the other" \
    [ "$overlap" = 1 ]
# One batch of slack over the budget (the limiter grants up to rate/10000 at once).
check "total send rate within the budget: at most $peak probes in any 1 s (budget $RATE/s)" \
    "$peak probes in one second" [ "$peak" -le $((RATE + RATE / 10000 + 1)) ]
check "no address probed twice within $MIN_GAP s although both lanes hold every target" \
    "$tight probes came too soon after another to the same address" [ "$tight" = 0 ]

# Close both rounds; their end lines come after the grace.
tell_listeners "close $R1"
tell_listeners "close $R2"
for s in $SITES; do
	wait_line "$WORK/rec-$s.txt" "^end $R2 " && wait_line "$WORK/rec-$s.txt" "^end $R1 " ||
	    fail "end lines at $s" "no end line for $R1 or $R2"
done

# Replies forged for the closed round R1: right key, right round, lane 1's address.
tb exec "$FORGER" "$PROBE" send --user nobody -q -j -r "$R1" -k "$WORK/probe.key" \
    -x "$WORK/no-exclude.conf" -R 5000 --forge-replies \
    --source4 "$(lane 1 address4)" --source6 "$(lane 1 address6)" "$WORK/targets.txt" \
    >"$WORK/forge.json"

# Load: replies at 10000 a second to one listener, for a round of its own:
# valid replies for round 203 forged from c1, whose lane 1 catchment is $LS.
tell_listeners "open 203 $(lane 1 ipv4) $(lane 1 ipv6)"
wait_line "$WORK/rec-$LS.txt" "^# open 203\$" || fail "open 203" "no answer at $LS"
tb targets --per-network 256 >"$WORK/load.txt"
t0=$(cpu_ticks "${LPID[$LS]}")
start=$(date +%s%N)
tb exec c1 "$PROBE" send --user nobody -q -j -r 203 -k "$WORK/probe.key" \
    -x "$WORK/no-exclude.conf" -R "$LOAD_RATE" --repeat 10 --gap 0 --forge-replies \
    --source4 "$(lane 1 address4)" --source6 "$(lane 1 address6)" "$WORK/load.txt" \
    >"$WORK/load.json"
sleep 0.5
load_ticks=$(($(cpu_ticks "${LPID[$LS]}") - t0))
load_ms=$((($(date +%s%N) - start) / 1000000))
load_rss=$(rss_kb "${LPID[$LS]}")
tell_listeners "close 203 0"
wait_line "$WORK/rec-$LS.txt" "^end 203 " || fail "end 203" "no end line at $LS"
load_sent=$(jq .sent "$WORK/load.json")
# Every forged reply judged at $LS: accepted once per target, the rest duplicates.
read -r load_acc load_dup < <(awk '$1 == "end" && $2 == 203 { print $4, $6 }' "$WORK/rec-$LS.txt")
check "under load: all $load_sent replies judged at $LS ($load_acc accepted, $load_dup duplicates)" \
    "accepted $load_acc, duplicates $load_dup" [ $((load_acc + load_dup)) = "$load_sent" ]

# End of input ends every listener.
for s in $SITES; do eval "exec ${CTL[$s]}>&-"; done
for s in $SITES; do
	wait "${LPID[$s]}" || fail "listener at $s" "exited with status $?"
done
PIDS=()

# Every record against the lanes' truth: per round, each target once, at
# its lane's site, with its lane's address as LOCAL.
cat "$WORK"/rec-*.txt >"$WORK/records.txt"
python3 - "$WORK" "$R1" "$R2" "$(lane 1 address4)" "$(lane 1 address6)" \
    "$(lane 2 address4)" "$(lane 2 address6)" >"$WORK/agree.txt" <<'EOF'
import ipaddress, sys
work, r1, r2 = sys.argv[1], sys.argv[2], sys.argv[3]
local = {r1: {sys.argv[4], sys.argv[5]}, r2: {sys.argv[6], sys.argv[7]}}
truth = {}
for lane, rnd in ((1, r1), (2, r2)):
    truth[rnd] = [(ipaddress.ip_network(l.split()[0]), l.split()[1])
                  for l in open("%s/truth%d.txt" % (work, lane))]
targets = set(l.strip() for l in open(work + "/targets.txt"))
seen = {r1: {}, r2: {}}
wrong_site = wrong_local = stray = 0
for line in open(work + "/records.txt"):
    f = line.split()
    if not f or f[0] != "reply" or f[1] not in seen:
        continue
    rnd, site, addr, loc = f[1], f[2], f[3], f[7]
    if addr not in targets:
        stray += 1
        continue
    seen[rnd][addr] = seen[rnd].get(addr, 0) + 1
    a = ipaddress.ip_address(addr)
    want = [s for net, s in truth[rnd] if a in net]
    if not want or want[0] != site:
        wrong_site += 1
    if loc not in local[rnd]:
        wrong_local += 1
for rnd in (r1, r2):
    once = sum(1 for v in seen[rnd].values() if v == 1)
    print(rnd, len(targets), once, len(targets) - len(seen[rnd]))
print("wrong", wrong_site, wrong_local, stray)
EOF
while read -r rnd total once missing; do
	[[ $rnd == wrong ]] && continue
	check "round $rnd: $once of $total targets recorded once" "$missing missing" \
	    [ "$once" = "$total" -a "$missing" = 0 ]
done <"$WORK/agree.txt"
read -r _ wsite wlocal stray < <(grep '^wrong' "$WORK/agree.txt")
check "each reply at its lane's truth site, LOCAL its lane's address" \
    "$wsite at another site, $wlocal with another lane's LOCAL, $stray not targets" \
    [ "$wsite" = 0 -a "$wlocal" = 0 -a "$stray" = 0 ]

# Forged replies for the closed round: all stale, none recorded after R1's end.
forged=$(jq .sent "$WORK/forge.json")
stale=$(cat "$WORK"/sum-*.json | jq -s 'map(.[0].stale) | add')
late=$(cat "$WORK"/rec-*.txt | awk -v r="$R1" '$1 == "reply" && $2 == r { n++ } END { print n + 0 }')
check "forged replies for closed round $R1 rejected: $stale stale of $forged forged" \
    "stale $stale, forged $forged" [ "$forged" = "$NTARGETS" -a "$stale" = "$forged" ]
check "no record of $R1 beyond its $((NTARGETS)) real replies" "$late replies of $R1" \
    [ "$late" = "$NTARGETS" ]

# Cost of one listener: idle and under load.
hz=$(getconf CLK_TCK)
drops=$(jq '.[0].pcap_drops' "$WORK/sum-$LS.json")
printf 'INFO listener at %s (--buffer-size 4): idle %s ms CPU in 3 s, RSS %s kB (%s kB at %s with the default 64 MiB); under load %s replies to it in %s ms: %s ms CPU, RSS %s kB, %s pcap drops\n' \
    "$LS" $((idle_ticks * 1000 / hz)) "$idle_rss" "$idle_rss64" "$LO" "$load_sent" "$load_ms" \
    $((load_ticks * 1000 / hz)) "$load_rss" "$drops"
check "an idle listener costs under 1% of a core" "$idle_ticks ticks in 3 s" \
    [ $((idle_ticks * 1000 / hz)) -lt 30 ]
check "a listener with a 4 MiB buffer stays under 32 MiB resident under load (ASan builds included), no drops" \
    "RSS $load_rss kB, $drops drops" [ "$load_rss" -lt 32768 -a "$drops" = 0 ]
exit "$FAILED"
