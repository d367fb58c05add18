#!/bin/bash
# test-probe-tcp.sh: TCP probes and flows with real packets on the testbed.
#
# Brings tiny up under its own prefix. Client network c3 drops ICMP echo
# requests (nftables in its namespace); every client answers a TCP SYN-ACK
# to a closed port with a RST, as the kernel does. One listener per site
# accepts ICMP and tcp:80. From akl the test sends ICMP with two flows per
# target (two id/seq cookies) and TCP with three (source ports
# 61000..61002), then
# forges RSTs from c2: with another key (wrong ack) and for another round
# (right key, ack of round + 1). Then checks:
#   - TCP: every target recorded once per flow (0, 1, 2), method tcp:80,
#     RTT "-", each at the site `tb targets --seen-at` names for it;
#   - ICMP: every target outside c3 recorded once per flow (0, 1) at its
#     truth site with an RTT, none of c3's (its echo requests are dropped);
#   - ICMP and TCP land at the same site for every target that answers both;
#   - every forged RST is rejected, none recorded; no duplicates, no pcap drops.
# Takes the testbed down at the end, also on failure.
#
# Needs root. Env: TB (default: testbed/tb of this source tree),
# TP_BUILD_DIR (default /tmp/build-main; holds tp-probe), PER_NETWORK
# (targets per client network and family, default 50).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
TP_BUILD_DIR=${TP_BUILD_DIR:-/tmp/build-main}
PROBE=$TP_BUILD_DIR/tp-probe
PER_NETWORK=${PER_NETWORK:-50}
testbed_init tpbT$$ /tmp/tp-probe-tcp-it.XXXXXX
PROBER=akl
FORGER=c2
SILENT=c3
ROUND=77
FLOWS=3

need_built setup "$PROBE"
need_root setup
command -v nft >/dev/null || { echo "FAIL setup: nft not installed (apt-get install nftables)"; exit 1; }

tb up tiny >/dev/null
SITES=$(tb status --json | jq -r '.nodes[] | select(.kind == "site") | .name')
make_key "$WORK/probe.key"
make_key "$WORK/forger.key"
: >"$WORK/no-exclude.conf"	# the testbed's ranges are all special-purpose
tb targets --per-network "$PER_NETWORK" --seen-at >"$WORK/seen.csv"
tb targets --per-network "$PER_NETWORK" --with-client >"$WORK/clients.txt"
cut -d, -f1 "$WORK/seen.csv" >"$WORK/targets.txt"
NTARGETS=$(wc -l <"$WORK/targets.txt")
NSILENT=$(awk -v c="$SILENT" '$2 == c' "$WORK/clients.txt" | wc -l)
[[ $NSILENT -gt 0 ]] || { echo "FAIL setup: no targets of $SILENT in $WORK/clients.txt"; exit 1; }

# The ICMP-silent network: its kernel never sees an echo request.
tb exec "$SILENT" nft -f - <<'NFT'
table inet tp_no_echo {
	chain input {
		type filter hook input priority 0; policy accept;
		icmp type echo-request drop
		icmpv6 type echo-request drop
	}
}
NFT

for s in $SITES; do
	start_in "$s" "$PROBE" listen --user nobody -r "$ROUND" -s "$s" -k "$WORK/probe.key" \
	    --method icmp --method tcp:80 --duration 300 -j \
	    >"$WORK/rec-$s.txt" 2>"$WORK/sum-$s.json"
done
for s in $SITES; do
	wait_line "$WORK/rec-$s.txt" '^tp-records' 5 || true
done

send() {
	tb exec "$1" "$PROBE" send --user nobody -q -j -x "$WORK/no-exclude.conf" -R 20000 \
	    "${@:2}" "$WORK/targets.txt"
}
send "$PROBER" -r "$ROUND" -k "$WORK/probe.key" --flows 2 >"$WORK/icmp.json"
send "$PROBER" -r "$ROUND" -k "$WORK/probe.key" --method tcp:80 --flows "$FLOWS" >"$WORK/tcp.json"
send "$FORGER" -r "$ROUND" -k "$WORK/forger.key" --method tcp:80 --forge-replies >"$WORK/forge1.json"
send "$FORGER" -r $((ROUND + 1)) -k "$WORK/probe.key" --method tcp:80 --forge-replies \
    >"$WORK/forge2.json"
sleep 2		# late replies; then SIGTERM ends each listener with its end line
stop_listeners

sent_icmp=$(jq .sent "$WORK/icmp.json")
sent_tcp=$(jq .sent "$WORK/tcp.json")
forged=$(( $(jq .sent "$WORK/forge1.json") + $(jq .sent "$WORK/forge2.json") ))
if [[ $sent_icmp == $((2 * NTARGETS)) && $sent_tcp == $((FLOWS * NTARGETS)) &&
    $forged == $((2 * NTARGETS)) ]]; then
	pass "send: $sent_icmp echo requests (2 flows), $sent_tcp SYN-ACKs ($FLOWS flows), $forged forged RSTs"
else
	fail "send" "icmp $sent_icmp (want $((2 * NTARGETS))), tcp $sent_tcp (want $((FLOWS * NTARGETS))), forged $forged"
fi

# Per method, the records against the truth: "method total agree wrong missing twice bad".
cat "$WORK"/rec-*.txt | awk -v seen="$WORK/seen.csv" -v clients="$WORK/clients.txt" \
    -v silent="$SILENT" -v flows="$FLOWS" '
	BEGIN {
		FS = " "
		while ((getline line < seen) > 0) { split(line, f, ","); truth[f[1]] = f[2] }
		while ((getline line < clients) > 0) { split(line, f, " "); client[f[1]] = f[2] }
	}
	$1 == "reply" {
		key = $4 " " $9 " " $10
		if (++n[key] > 1) { twice[$9]++; next }
		if (!($4 in truth)) { bad[$9]++; next }
		if ($9 == "tcp:80" && ($5 != "-" || $10 >= flows)) { bad[$9]++; next }
		if ($9 == "icmp" && ($5 == "-" || $10 > 1 || client[$4] == silent)) { bad[$9]++; next }
		if ($3 == truth[$4]) agree[$9]++; else wrong[$9]++
		site[$4 " " $9] = $3
	}
	END {
		for (a in truth) {
			for (k = 0; k < flows; k++) if (!((a " tcp:80 " k) in n)) miss["tcp:80"]++
			if (client[a] != silent) {
				want["icmp"] += 2
				for (k = 0; k < 2; k++) if (!((a " icmp " k) in n)) miss["icmp"]++
				if ((a " icmp") in site && site[a " icmp"] != site[a " tcp:80"]) split_sites++
			}
			want["tcp:80"] += flows
		}
		for (m in want)
			printf "%s %d %d %d %d %d %d\n", m, want[m], agree[m] + 0, wrong[m] + 0,
			    miss[m] + 0, twice[m] + 0, bad[m] + 0
		printf "same %d\n", split_sites + 0
	}' >"$WORK/agreement.txt"

while read -r m total agree wrong missing twice bad; do
	[[ $m == same ]] && continue
	if [[ $total -gt 0 && $agree == "$total" && $wrong == 0 && $missing == 0 && $twice == 0 && $bad == 0 ]]; then
		pass "$m: $agree of $total replies recorded once, each at the site tb truth names"
	else
		fail "$m" "$total wanted: $agree agree, $wrong at another site, $missing missing, $twice twice, $bad malformed or unexpected"
	fi
done <"$WORK/agreement.txt"
[[ $(grep -c . "$WORK/agreement.txt") == 3 ]] || fail "records" "no replies of some method: $(cat "$WORK/agreement.txt")"
differ=$(awk '$1 == "same" { print $2 }' "$WORK/agreement.txt")
if [[ $differ == 0 ]]; then
	pass "icmp and tcp:80 land at the same site for every target answering both ($NSILENT of $SILENT answer TCP only)"
else
	fail "same site" "$differ targets land at one site by ICMP and another by TCP"
fi

read -r accepted rejected dups drops < <(cat "$WORK"/rec-*.txt |
    awk '$1 == "end" { a += $4; r += $5; d += $6; p += $7 } END { print a + 0, r + 0, d + 0, p + 0 }')
want_accepted=$((FLOWS * NTARGETS + 2 * (NTARGETS - NSILENT)))
if [[ $accepted == "$want_accepted" && $dups == 0 ]]; then
	pass "counts: $accepted accepted, no duplicates"
else
	fail "counts" "accepted $accepted (want $want_accepted), duplicates $dups"
fi
if [[ $rejected == $((2 * NTARGETS)) ]]; then
	pass "forged: all $rejected RSTs with a wrong ack or another round's ack rejected, none recorded"
else
	fail "forged" "rejected $rejected (want $((2 * NTARGETS)))"
fi
if [[ $drops == 0 ]]; then
	pass "pcap: no drops"
else
	fail "pcap" "$drops packets dropped"
fi

exit "$FAILED"
