#!/bin/bash
# test-testbed-regional.sh: the catchments that data/topologies/regional.topo
# promises in its notes, checked with `tb truth` (IPv4 and IPv6) for the
# baseline, every single-site withdrawal and two double withdrawals, plus
# pings from a site with the anycast source to every client network that
# moved, which must land at the promised site.
#
# Needs root. Env: TB (default: testbed/tb of this source tree).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
testbed_init tpbir$$ /tmp/tpbir.XXXXXX

# The catchments of regional.topo with every site up.
BASELINE='t1ax=akl nz1a=akl nz1b=akl nz2a=wlg nz2b=wlg
	t1bx=chc nz3a=chc nz3b=chc au1a=syd au1b=syd
	t1cx=mel au2a=mel au2b=mel au4a=mel au4b=mel au3a=bne au3b=bne
	as1a=sin as1b=sin t1dx=tyo as2a=tyo as2b=tyo as3a=tyo as3b=tyo'

# Withdrawn sites (joined by +) and the client networks that move, as in
# the notes of regional.topo.
SCENARIOS=(
	'akl:nz1a=wlg nz1b=wlg t1ax=sin'
	'wlg:nz2a=akl nz2b=akl'
	'chc:nz3a=wlg nz3b=wlg t1bx=syd'
	'syd:au1a=mel au1b=mel'
	'mel:au2a=syd au2b=syd t1cx=bne au4a=bne au4b=bne'
	'bne:au3a=tyo au3b=tyo'
	'sin:as1a=akl as1b=akl'
	'tyo:as2a=sin as2b=sin t1dx=sin as3a=akl as3b=akl'
	'chc+wlg:nz3a=syd nz3b=syd t1bx=syd nz2a=akl nz2b=akl'
	'mel+bne:au2a=syd au2b=syd t1cx=syd au4a=syd au4b=syd au3a=tyo au3b=tyo'
)

# Print the expected "client=site" list (sorted, one line) for the
# baseline with the moves $1 applied.
expected() {
	local -A want=()
	local kv
	for kv in $BASELINE $1; do want[${kv%=*}]=${kv#*=}; done
	for kv in "${!want[@]}"; do printf '%s=%s\n' "$kv" "${want[$kv]}"; done | sort | tr '\n' ' '
}

# Print the truth of family $1 as a sorted "client=site" list.
truth_list() {
	tb truth | awk -v col=$(($1 == 4 ? 5 : 6)) 'NR > 1 { print $1 "=" $col }' | sort | tr '\n' ' '
}

# Wait up to 10 s until the truth of both families is $1; 0 when it is.
wait_truth() {
	local i
	for ((i = 0; i < 50; i++)); do
		[[ $(truth_list 4) == "$1" && $(truth_list 6) == "$1" ]] && return 0
		sleep 0.2
	done
	return 1
}

# Print the words of list $1 that list $2 lacks.
list_diff() {
	comm -23 <(tr ' ' '\n' <<<"$1" | sort) <(tr ' ' '\n' <<<"$2" | sort) | tr '\n' ' '
}

# Print "SITE COUNT" for every site: the echo replies of family $1 its
# namespace has received so far.
echo_replies() {
	local s
	for s in $SITES; do
		if [[ $1 == 4 ]]; then
			ip netns exec "$TB_PREFIX-$s" cat /proc/net/snmp | awk -v s="$s" '
				$1 == "Icmp:" && !h { for (i = 1; i <= NF; i++) col[$i] = i; h = 1; next }
				$1 == "Icmp:" { print s, $(col["InEchoReps"]) }'
		else
			ip netns exec "$TB_PREFIX-$s" cat /proc/net/snmp6 |
			    awk -v s="$s" '$1 == "Icmp6InEchoReplies" { print s, $2 }'
		fi
	done
}

# Ping client network $2 (family $1) from site $3 with the anycast source;
# print where the replies landed.
landing_sites() {
	local fam=$1 c=$2 from=$3 before dst src=192.0.2.1
	[[ $fam == 6 ]] && src=2001:db8:ffff::1
	dst=$(sed -n "$((5 * ${IDX[$c]} + 4))p" "$WORK/targets$fam")
	before=$(echo_replies "$fam")
	ip netns exec "$TB_PREFIX-$from" ping -"$fam" -n -q -c 2 -i 0.2 -W 0.3 -I "$src" "$dst" \
	    >/dev/null 2>&1 || true
	sleep 0.2
	echo_replies "$fam" | awk -v before="$before" '
		BEGIN { n = split(before, b, "\n"); for (i = 1; i <= n; i++) { split(b[i], f, " "); had[f[1]] = f[2] } }
		$2 > had[$1] { printf("%s ", $1) }'
	return 0
}

((EUID == 0)) || { echo "FAIL testbed-regional: needs root"; exit 1; }

if out=$(tb up regional 2>&1); then
	pass "testbed-regional up ($(grep -o 'converged in .*' <<<"$out"))"
else
	fail "testbed-regional up" "$out"
	exit 1
fi
SITES=$(tb status --json | grep -o '"name":"[a-z0-9]*","kind":"site"' | cut -d'"' -f4 | tr '\n' ' ')
declare -A IDX=()
i=0
for c in $(tb status --json | grep -o '"name":"[a-z0-9]*","kind":"client"' | cut -d'"' -f4); do
	IDX[$c]=$i
	i=$((i + 1))
done
tb targets --family 4 --per-network 5 >"$WORK/targets4"
tb targets --family 6 --per-network 5 >"$WORK/targets6"
((${#IDX[@]} == 24)) && pass "testbed-regional has 24 client networks" ||
    fail "testbed-regional has 24 client networks" "${#IDX[@]}"
n4=$(tb targets --family 4 | wc -l)
n6=$(tb targets --family 6 | sort -u | wc -l)
((n4 >= 50000 && n6 >= 50000)) && pass "testbed-regional targets: $n4 IPv4, $n6 IPv6" ||
    fail "testbed-regional targets >= 50000 per family" "$n4 IPv4, $n6 IPv6"

expect=$(expected '')
if wait_truth "$expect"; then
	pass "testbed-regional baseline catchments"
else
	fail "testbed-regional baseline catchments" "missing $(list_diff "$expect" "$(truth_list 4)")"
fi

for sc in "${SCENARIOS[@]}"; do
	sites=${sc%%:*}
	moves=${sc#*:}
	for s in ${sites//+/ }; do
		tb birdc "$s" disable tp_anycast4 >/dev/null
		tb birdc "$s" disable tp_anycast6 >/dev/null
	done
	expect=$(expected "$moves")
	if wait_truth "$expect"; then
		pass "testbed-regional truth with $sites withdrawn"
	else
		fail "testbed-regional truth with $sites withdrawn" \
		    "want $(list_diff "$expect" "$(truth_list 4)"), v4 has $(list_diff "$(truth_list 4)" "$expect"), v6 has $(list_diff "$(truth_list 6)" "$expect")"
	fi
	bad=
	from=${SITES%% *}
	for kv in $moves; do
		for fam in 4 6; do
			got=$(landing_sites "$fam" "${kv%=*}" "$from")
			[[ ${got% } == "${kv#*=}" ]] || bad+="${kv%=*} v$fam: replies at '${got% }', want ${kv#*=}; "
		done
	done
	[[ -z $bad ]] && pass "testbed-regional pings with $sites withdrawn" ||
	    fail "testbed-regional pings with $sites withdrawn" "$bad"
	for s in ${sites//+/ }; do
		tb birdc "$s" enable tp_anycast4 >/dev/null
		tb birdc "$s" enable tp_anycast6 >/dev/null
	done
	wait_truth "$(expected '')" || fail "testbed-regional back to baseline after $sites" "$(truth_list 4)"
done

tb down >/dev/null 2>&1 && pass "testbed-regional down" || fail "testbed-regional down" "exit status $?"
left=$(ip netns list | awk -v p="$TB_PREFIX-" 'index($1, p) == 1 { print $1 }' | tr '\n' ' ')
[[ -z $left ]] && pass "testbed-regional no namespace left" || fail "testbed-regional no namespace left" "$left"

exit "$FAILED"
