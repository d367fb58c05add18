#!/bin/bash
# test-testbed.sh: the testbed itself, on the tiny topology, IPv4 and IPv6.
#
# Brings tiny up under its own prefix and run folder, then for each family:
# pings every client network from a site with the anycast source and checks
# that the reply lands at the site `tb truth` names (echo-reply counters
# of every site namespace); withdraws the first client's site through its
# BIRD socket and checks that truth and pings both moved; announces again
# and checks both came back. Then takes the testbed down and checks that
# no namespace, link or BIRD of it is left.
#
# Needs root. Env: TB (default: testbed/tb of this source tree).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
testbed_init tpbit$$ /tmp/tpbit.XXXXXX

# shellcheck source=testbed-pings.sh
source "$HERE/testbed-pings.sh"

# Ping $2 (family $1) from the prober site with lane 0's anycast source
# and print the sites where replies landed (space separated).
landing_sites() {
	local src=192.0.2.1
	[[ $1 == 6 ]] && src=2001:db8:ffff::1
	landing_sites_from "$1" "$src" "$2"
}

# Print the truth site of client $1 for family $2 ("-" for none).
truth_site() {
	tb truth | awk -v c="$1" -v col=$(($2 == 4 ? 5 : 6)) '$1 == c { print $col }'
}

# Check that a ping to one address of every client network lands at the
# site truth names; $1 family, $2 check name.
check_pings() {
	local fam=$1 name=$2 c dst want got bad=
	for c in $CLIENTS; do
		dst=$(tb targets --family "$fam" --per-network 3 | sed -n "$((3 * ${IDX[$c]} + 2))p")
		want=$(truth_site "$c" "$fam")
		got=$(landing_sites "$fam" "$dst")
		[[ ${got% } == "$want" ]] || bad+="$c ($dst): truth $want, replies at '${got% }'; "
	done
	if [[ -z $bad ]]; then pass "$name"; else fail "$name" "$bad"; fi
}

# Wait up to $4 seconds until client $1's truth site for family $2 is
# $3 (or, with $3 = "!X", anything but X and "-"); print the seconds taken.
wait_truth() {
	local c=$1 fam=$2 want=$3 limit=$4 start now got
	start=$(date +%s%N)
	while :; do
		got=$(truth_site "$c" "$fam")
		if [[ $want == !* ]]; then
			[[ $got != "${want#!}" && $got != - ]] && break
		elif [[ $got == "$want" ]]; then
			break
		fi
		now=$(date +%s%N)
		((now - start < limit * 1000000000)) || return 1
		sleep 0.1
	done
	awk -v s="$start" -v n="$(date +%s%N)" 'BEGIN { printf("%.2f", (n - s) / 1e9) }'
}

((EUID == 0)) || { echo "FAIL testbed: needs root"; exit 1; }
veths_before=$(ip -o link show type veth | wc -l)

# up
if out=$(tb up tiny 2>&1); then
	pass "testbed up tiny ($(grep -o 'converged in .*' <<<"$out"))"
else
	fail "testbed up tiny" "$out"
	exit 1
fi

SITES=$(tb status --json | grep -o '"name":"[a-z0-9]*","kind":"site"' | cut -d'"' -f4 | tr '\n' ' ')
CLIENTS=$(tb status --json | grep -o '"name":"[a-z0-9]*","kind":"client"' | cut -d'"' -f4 | tr '\n' ' ')
read -r PROBER _ <<<"$SITES"
declare -A IDX=()
i=0
for c in $CLIENTS; do IDX[$c]=$i; i=$((i + 1)); done
[[ $(wc -w <<<"$SITES") == 3 && $(wc -w <<<"$CLIENTS") == 3 ]] &&
    pass "testbed status lists 3 sites and 3 clients" ||
    fail "testbed status lists 3 sites and 3 clients" "sites '$SITES' clients '$CLIENTS'"
if tb status | awk '/ bgp / { n++; split($(NF - 1), a, "/"); if (a[1] != a[2] || a[2] == 0) bad = 1 }
    END { exit bad || n != 6 }'; then
	pass "testbed every BGP session established"
else
	fail "testbed every BGP session established" "$(tb status)"
fi

for fam in 4 6; do
	first=${CLIENTS%% *}
	nulls=$(tb truth | awk -v col=$((fam == 4 ? 5 : 6)) 'NR > 1 && $col == "-"' | wc -l)
	((nulls == 0)) && pass "testbed-v$fam truth names a site for every client" ||
	    fail "testbed-v$fam truth names a site for every client" "$(tb truth)"

	check_pings "$fam" "testbed-v$fam pings land where truth says"

	site=$(truth_site "$first" "$fam")
	tb birdc "$site" disable "tp_anycast$fam" >/dev/null
	if took=$(wait_truth "$first" "$fam" "!$site" 15); then
		pass "testbed-v$fam truth moves $first off $site after withdrawal (${took}s)"
	else
		fail "testbed-v$fam truth moves $first off $site after withdrawal" "still $(truth_site "$first" "$fam")"
	fi
	check_pings "$fam" "testbed-v$fam pings follow truth with $site withdrawn"
	got=$(landing_sites "$fam" "$(tb targets --family "$fam" --per-network 1 | head -1)")
	[[ -n $got && ${got% } != "$site" ]] &&
	    pass "testbed-v$fam no reply lands at withdrawn $site" ||
	    fail "testbed-v$fam no reply lands at withdrawn $site" "replies at '$got'"

	tb birdc "$site" enable "tp_anycast$fam" >/dev/null
	if took=$(wait_truth "$first" "$fam" "$site" 15); then
		pass "testbed-v$fam truth returns $first to $site after announcement (${took}s)"
	else
		fail "testbed-v$fam truth returns $first to $site after announcement" "now $(truth_site "$first" "$fam")"
	fi
	check_pings "$fam" "testbed-v$fam pings back at baseline"
done

# down, and nothing of ours is left
tb down >/dev/null 2>&1 && pass "testbed down" || fail "testbed down" "exit status $?"
left=$(ip netns list | awk -v p="$TB_PREFIX-" 'index($1, p) == 1 { print $1 }' | tr '\n' ' ')
[[ -z $left ]] && pass "testbed no namespace left" || fail "testbed no namespace left" "$left"
birds=$(for p in $(pgrep -x bird || true); do
	tr '\0' ' ' </proc/"$p"/cmdline 2>/dev/null | grep -F "$TB_RUN_DIR/" || true
done)
[[ -z $birds ]] && pass "testbed no BIRD left" || fail "testbed no BIRD left" "$birds"
veths_after=$(ip -o link show type veth | wc -l)
((veths_after == veths_before)) && pass "testbed no link left in the host namespace" ||
    fail "testbed no link left in the host namespace" "$veths_before veths before, $veths_after after"
[[ ! -e $TB_RUN_DIR ]] && pass "testbed run folder removed" || fail "testbed run folder removed" "$(ls "$TB_RUN_DIR")"

exit "$FAILED"
