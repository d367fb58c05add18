#!/bin/bash
# test-probe.sh: tp-probe send and listen on the tiny testbed, IPv4 and IPv6.
#
# Brings tiny up under its own prefix, starts one listener per site (inside
# the site's namespace), sends two passes of echo requests from one site to
# N addresses of every client network, and forges replies from a client
# namespace with a different key. Then checks:
#   - every target is recorded exactly once, at exactly the site `tb truth`
#     names for its network and family (100% agreement);
#   - the second pass shows up as duplicates, never as records;
#   - every forged reply is rejected and none is recorded;
#   - no pcap drops, and the send summaries add up.
# Takes the testbed down at the end, also on failure.
#
# Needs root. Env: TB (default: testbed/tb of this source tree),
# TP_BUILD_DIR (default /tmp/build-main; holds tp-probe), PER_NETWORK
# (targets per client network and family, default 100).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
TP_BUILD_DIR=${TP_BUILD_DIR:-/tmp/build-main}
PROBE=$TP_BUILD_DIR/tp-probe
PER_NETWORK=${PER_NETWORK:-100}
testbed_init tpbp$$ /tmp/tp-probe-it.XXXXXX
PROBER=akl
FORGER=c2
ROUND=42

need_built setup "$PROBE"
need_root setup

tb up tiny >/dev/null
SITES=$(tb status --json | jq -r '.nodes[] | select(.kind == "site") | .name')
make_key "$WORK/probe.key"
make_key "$WORK/forger.key"
: >"$WORK/no-exclude.conf"	# the testbed's ranges are all special-purpose
tb targets --per-network "$PER_NETWORK" >"$WORK/targets.txt"
NTARGETS=$(wc -l <"$WORK/targets.txt")
# "prefix site" for every client network and family, from BIRD's view.
tb truth --json | jq -r '.clients[] | "\(.ipv4) \(.site4 // "-")", "\(.ipv6) \(.site6 // "-")"' \
    >"$WORK/truth.txt"

# One listener per site; each writes its record stream once its capture is open.
for s in $SITES; do
	start_in "$s" "$PROBE" listen --user nobody -r "$ROUND" -s "$s" -k "$WORK/probe.key" --duration 300 -j \
	    >"$WORK/rec-$s.txt" 2>"$WORK/sum-$s.json"
done
for s in $SITES; do
	wait_line "$WORK/rec-$s.txt" '^tp-records 2$' 5 || { echo "FAIL setup: listener at $s did not start"; exit 1; }
done

# Two passes from the prober; the second pass's replies are duplicates.
tb exec "$PROBER" "$PROBE" send --user nobody -q -j -r "$ROUND" -k "$WORK/probe.key" \
    -x "$WORK/no-exclude.conf" -R 20000 --repeat 2 --gap 0.5 "$WORK/targets.txt" \
    >"$WORK/send.json"
# Replies forged from a client namespace: right format, wrong key.
tb exec "$FORGER" "$PROBE" send --user nobody -q -j -r "$ROUND" -k "$WORK/forger.key" \
    -x "$WORK/no-exclude.conf" -R 20000 --forge-replies "$WORK/targets.txt" \
    >"$WORK/forge.json"
sleep 2		# late replies; then SIGTERM ends each listener with its end line
stop_listeners

sent=$(jq .sent "$WORK/send.json")
errors=$(jq .errors "$WORK/send.json")
if [[ $sent == $((2 * NTARGETS)) && $errors == 0 ]]; then
	pass "send: $sent probes to $NTARGETS targets in 2 passes, no errors"
else
	fail "send" "sent $sent (want $((2 * NTARGETS))), errors $errors"
fi
forged=$(jq .sent "$WORK/forge.json")
[[ $forged == "$NTARGETS" ]] || fail "forge" "forged $forged replies, want $NTARGETS"

# Compare every record with the truth: "family total agree wrong missing twice".
cat "$WORK"/rec-*.txt | awk -v truth="$WORK/truth.txt" -v targets="$WORK/targets.txt" '
	# An address as a string of bits.
	function bits(a,    n, i, j, g, out, parts, h, d, k, groups, miss) {
		out = ""
		if (index(a, ":") == 0) {
			n = split(a, parts, ".")
			for (i = 1; i <= 4; i++)
				for (k = 128; k >= 1; k /= 2)
					out = out (int(parts[i] / k) % 2)
			return out
		}
		# Expand "::" to the missing zero groups.
		n = split(a, parts, ":")
		groups = 0
		for (i = 1; i <= n; i++) if (parts[i] != "") groups++
		miss = 8 - groups
		h = ""
		for (i = 1; i <= n; i++) {
			if (parts[i] == "") {
				if (miss > 0) { for (j = 0; j < miss; j++) h = h "0000"; miss = 0 }
				continue
			}
			g = parts[i]
			while (length(g) < 4) g = "0" g
			h = h g
		}
		for (i = 1; i <= 32; i++) {
			d = index("0123456789abcdef", substr(tolower(h), i, 1)) - 1
			for (k = 8; k >= 1; k /= 2) out = out (int(d / k) % 2)
		}
		return out
	}
	# The site truth names for an address, or "?".
	function site_of(a,    b, i) {
		b = bits(a)
		for (i = 1; i <= nt; i++)
			if (fam[i] == (index(a, ":") ? 6 : 4) && substr(b, 1, plen[i]) == substr(tb[i], 1, plen[i]))
				return tsite[i]
		return "?"
	}
	BEGIN {
		while ((getline line < truth) > 0) {
			split(line, fld, " ")
			split(fld[1], p, "/")
			nt++
			tb[nt] = bits(p[1]); plen[nt] = p[2]; tsite[nt] = fld[2]
			fam[nt] = index(p[1], ":") ? 6 : 4
		}
		while ((getline line < targets) > 0) {
			want[line] = 1
			total[index(line, ":") ? 6 : 4]++
		}
	}
	$1 == "reply" {
		f = index($4, ":") ? 6 : 4
		if (!($4 in want)) { stray[f]++; next }
		seen[$4]++
		if (seen[$4] > 1) { twice[f]++; next }
		if (site_of($4) == $3) agree[f]++; else wrong[f]++
	}
	END {
		for (a in want) if (!(a in seen)) missing[index(a, ":") ? 6 : 4]++
		for (f = 4; f <= 6; f += 2)
			printf "%d %d %d %d %d %d %d\n", f, total[f], agree[f] + 0, wrong[f] + 0,
			    missing[f] + 0, twice[f] + 0, stray[f] + 0
	}' >"$WORK/agreement.txt"

while read -r fam total agree wrong missing twice stray; do
	if [[ $total -gt 0 && $agree == "$total" && $wrong == 0 && $missing == 0 && $twice == 0 && $stray == 0 ]]; then
		pass "IPv$fam: $agree of $total targets recorded once, each at the site tb truth names (100%)"
	else
		fail "IPv$fam" "$total targets: $agree agree, $wrong at another site, $missing missing, $twice recorded twice, $stray not targets"
	fi
done <"$WORK/agreement.txt"

# Counters from every listener's end line and summary.
read -r accepted rejected dups drops < <(cat "$WORK"/rec-*.txt |
    awk '$1 == "end" { a += $4; r += $5; d += $6; p += $7 } END { print a + 0, r + 0, d + 0, p + 0 }')
if [[ $accepted == "$NTARGETS" && $dups == "$NTARGETS" ]]; then
	pass "duplicates: second pass counted as $dups duplicates, $accepted accepted"
else
	fail "duplicates" "accepted $accepted, duplicates $dups (want $NTARGETS each)"
fi
# Forged replies land where the forger's network routes: its truth sites.
forger_sites=$(tb truth --json | jq -r --arg c "$FORGER" \
    '.clients[] | select(.name == $c) | .site4, .site6' | sort -u | tr '\n' ' ')
elsewhere=0
for s in $SITES; do
	[[ " $forger_sites " == *" $s "* ]] && continue
	elsewhere=$((elsewhere + $(awk '$1 == "end" { print $5 }' "$WORK/rec-$s.txt")))
done
if [[ $rejected == "$NTARGETS" && $elsewhere == 0 ]]; then
	pass "forged: all $rejected replies forged from $FORGER rejected (at ${forger_sites% }), none recorded"
else
	fail "forged" "rejected $rejected (want $NTARGETS), $elsewhere of them away from ${forger_sites% }"
fi
if [[ $drops == 0 ]]; then
	pass "pcap: no drops"
else
	fail "pcap" "$drops packets dropped"
fi
for s in $SITES; do
	jq -e '.[0].accepted >= 0' "$WORK/sum-$s.json" >/dev/null ||
	    fail "summary" "listener summary at $s is not JSON: $(head -c 200 "$WORK/sum-$s.json")"
done

exit "$FAILED"
