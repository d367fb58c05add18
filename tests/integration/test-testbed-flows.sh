#!/bin/bash
# test-testbed-flows.sh: the testbed's ICMP-silent and split client
# networks (data/topologies/flows.topo), with tb alone, IPv4 and IPv6.
#
# quiet drops ICMP echo but answers TCP with RST: pings from akl with the
# anycast source get no reply anywhere, a TCP connection attempt gets its
# RST at syd, the site `tb truth` names. split balances per flow over two
# uplinks that reach akl and chc: `tb truth` says so with 0.5 each, and
# 40 TCP flows (40 source ports) to one of its addresses get their RSTs
# at akl and at chc, each at least 8 times, never at syd. Where RSTs land
# is read from nftables counters the test adds in the site namespaces.
# Then the topology parser: the share option marks 7 of regional's 24
# client networks ICMP-silent, and bad split options are refused.
#
# Needs root, curl and nft. Env: TB (default: testbed/tb of this tree).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
TB_LIB=$(dirname "$(readlink -f "$TB")")/lib
TOPOS=$HERE/../../data/topologies
testbed_init tpbfl$$ /tmp/tpbfl.XXXXXX
SITES="akl chc syd"
PROBER=akl

# shellcheck source=testbed-pings.sh
source "$HERE/testbed-pings.sh"

# Add a counter of TCP RSTs from client addresses to every site namespace.
rst_counters_add() {
	local s
	for s in $SITES; do
		tb exec "$s" nft -f - <<'NFT'
table inet tbtest_rst {
	chain input {
		type filter hook input priority 0; policy accept;
		ip saddr 198.18.0.0/15 tcp flags & rst == rst counter
		ip6 saddr 2001:db8::/32 tcp flags & rst == rst counter
	}
}
NFT
	done
}

# Print the RSTs of family $2 counted so far at site $1.
rst_count() {
	local pat='ip saddr'
	[[ $2 == 6 ]] && pat='ip6 saddr'
	tb exec "$1" nft list table inet tbtest_rst |
	    awk -v p="$pat" 'index($0, p) { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}

# Open one TCP flow from the prober's anycast source port $3 to port 80
# of $2 (family $1); the RST lands wherever the target's route sends it.
tcp_flow() {
	local src=192.0.2.1 url=http://$2:80/
	if [[ $1 == 6 ]]; then src=2001:db8:ffff::1; url=http://[$2]:80/; fi
	tb exec "$PROBER" curl -s -m 0.3 --interface "$src" --local-port "$3" "$url" -o /dev/null || true
}

# Print "site=N ..." for the RSTs of family $1 each site counted since $2
# (a snapshot in the same form).
rst_delta() {
	local s n out= old
	for s in $SITES; do
		n=$(rst_count "$s" "$1")
		old=$(tr ' ' '\n' <<<"$2" | awk -F= -v s="$s" '$1 == s { print $2 }')
		out+="$s=$((n - ${old:-0})) "
	done
	printf '%s' "${out% }"
}

# A snapshot of family $1's RST counters, as rst_delta reads it.
rst_snapshot() {
	local s out=
	for s in $SITES; do out+="$s=$(rst_count "$s" "$1") "; done
	printf '%s' "${out% }"
}

# The value of site $2 in a "site=N ..." list $1.
count_of() {
	tr ' ' '\n' <<<"$1" | awk -F= -v s="$2" '$1 == s { print $2 }'
}

tb up flows >/dev/null || { fail "up flows" "tb up failed"; exit 1; }
pass "up flows"
rst_counters_add

truth=$(tb truth --json)
got=$(jq -r '.clients[] | select(.name == "quiet") | "\(.icmp_silent) \(.site4) \(.site6) \(.split4)"' <<<"$truth")
if [[ $got == "true syd syd null" ]]; then pass "truth quiet"; else fail "truth quiet" "$got"; fi
for fam in 4 6; do
	got=$(jq -r --arg f "split$fam" '.clients[] | select(.name == "split") | .[$f] | map("\(.site)=\(.share)") | join(" ")' <<<"$truth")
	if [[ $got == "akl=0.5 chc=0.5" ]]; then pass "truth split ipv$fam"; else fail "truth split ipv$fam" "$got"; fi
	got=$(jq -r --arg f "split$fam" '[.clients[] | select(.name != "split") | .[$f] | select(. != null)] | length' <<<"$truth")
	if [[ $got == 0 ]]; then pass "truth no other split ipv$fam"; else fail "truth no other split ipv$fam" "$got split"; fi
done
if tb truth | awk '$1 == "split" { exit !($5 == "akl:0.500+chc:0.500") }'; then
	pass "truth text split"
else
	fail "truth text split" "$(tb truth | awk '$1 == "split"')"
fi

for fam in 4 6; do
	quiet=198.18.4.9 loud=198.18.3.9 split=198.18.5.7
	src=192.0.2.1
	if [[ $fam == 6 ]]; then quiet=2001:db8:4::9 loud=2001:db8:3::9 split=2001:db8:5::7 src=2001:db8:ffff::1; fi

	got=$(landing_sites_from "$fam" "$src" "$loud")
	if [[ ${got% } == syd ]]; then pass "ping c3 ipv$fam"; else fail "ping c3 ipv$fam" "replies at '$got'"; fi
	got=$(landing_sites_from "$fam" "$src" "$quiet")
	if [[ -z $got ]]; then pass "ping quiet silent ipv$fam"; else fail "ping quiet silent ipv$fam" "replies at '$got'"; fi

	before=$(rst_snapshot "$fam")
	tcp_flow "$fam" "$quiet" 41000
	tcp_flow "$fam" "$quiet" 41001
	d=$(rst_delta "$fam" "$before")
	if [[ $d == "akl=0 chc=0 syd=2" ]]; then pass "tcp quiet rst at syd ipv$fam"; else fail "tcp quiet rst at syd ipv$fam" "$d"; fi

	before=$(rst_snapshot "$fam")
	for p in $(seq 42000 42039); do tcp_flow "$fam" "$split" "$p"; done
	d=$(rst_delta "$fam" "$before")
	a=$(count_of "$d" akl) c=$(count_of "$d" chc) s=$(count_of "$d" syd)
	if ((a + c == 40 && a >= 8 && c >= 8 && s == 0)); then
		pass "tcp split flows at akl and chc ipv$fam ($d)"
	else
		fail "tcp split flows at akl and chc ipv$fam" "$d"
	fi
	got=$(landing_sites_from "$fam" "$src" "$split")
	if [[ ${got% } == akl || ${got% } == chc ]]; then pass "ping split one site ipv$fam"; else fail "ping split one site ipv$fam" "replies at '$got'"; fi
done

# The topology parser alone (no root needed for these).
n=$(awk -v src=regional -v share=30 -f "$TB_LIB/topology.awk" "$TOPOS/regional.topo" | grep -c '^CSILENT\[.*\]=1$' || true)
if [[ $n == 7 ]]; then pass "share 30 of regional: 7 of 24"; else fail "share 30 of regional: 7 of 24" "$n silent"; fi
n=$(awk -v src=regional -f "$TB_LIB/topology.awk" "$TOPOS/regional.topo" | grep -c '^CSILENT\[.*\]=1$' || true)
if [[ $n == 0 ]]; then pass "regional without share: none silent"; else fail "regional without share: none silent" "$n silent"; fi
for bad in "split r1" "split r9" "weights 1 2" "split r2 weights 0 1" "icmp-silnt"; do
	printf 'router r1 as 1\nrouter r2 as 2\nsite s upstream r1\nclient c router r1 ipv4 198.18.1.0/24 ipv6 2001:db8:1::/48 %s\n' "$bad" >"$WORK/bad.topo"
	if out=$(awk -v src=bad.topo -f "$TB_LIB/topology.awk" "$WORK/bad.topo" 2>&1 >/dev/null); then
		fail "refuses '$bad'" "accepted"
	else
		pass "refuses '$bad': ${out%%$'\n'*}"
	fi
done

tb down >/dev/null || fail "down" "tb down failed"
exit "$FAILED"
