#!/bin/bash
# test-testbed-hiding.sh: BGP path hiding on data/topologies/hiding.topo,
# shown with `tb truth` alone (IPv4 and IPv6).
#
# Withdraws (tb birdc SITE disable tp_anycast4 / tp_anycast6) no site,
# every single site and every pair of sites, and checks each client
# network's site against the truth table of testbed/README.md: ams
# withdrawn sends x1 and x2 to ber; ams and cph withdrawn send them to
# dub, not ber. Then, from the outcomes observed (not the table), tries
# every order over the four sites: none may explain x1 and x2 (the path
# hiding), and exactly the documented one must explain n1 and m1 (so the
# check itself is shown to find an order where there is one).
#
# Needs root. Env: TB (default: testbed/tb of this source tree).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
testbed_init tpbhd$$ /tmp/tpbhd.XXXXXX
CLIENTS='x1 x2 n1 m1'
SITES='ams ber cph dub'

# Withdrawn sites (joined by +, - for none) and the site of x1 x2 n1 m1,
# as in the truth table of testbed/README.md.
TABLE='-       ams ams cph ber
ams     ber ber cph ber
ber     ams ams cph ams
cph     ams ams dub ber
dub     ams ams cph ber
ams+ber cph cph cph cph
ams+cph dub dub dub ber
ams+dub ber ber cph ber
ber+cph ams ams dub ams
ber+dub ams ams cph ams
cph+dub ams ams ams ber'
ALL_UP=$(head -1 <<<"$TABLE" | cut -c9-)

# Print the sites of x1 x2 n1 m1 in family $1, lane $2 (default 0),
# space separated.
truth_row() {
	tb truth --lane "${2:-0}" | awk -v col=$(($1 == 4 ? 5 : 6)) '
		NR > 1 { site[$1] = $col }
		END { print site["x1"], site["x2"], site["n1"], site["m1"] }'
}

# Wait up to 10 s until both families' truth of lane $2 (default 0) is
# row $1; 0 when it is.
wait_row() {
	local i
	for ((i = 0; i < 50; i++)); do
		[[ $(truth_row 4 "${2:-0}") == "$1" && $(truth_row 6 "${2:-0}") == "$1" ]] && return 0
		sleep 0.2
	done
	return 1
}

# Run `disable` or `enable` ($1) on the protocols of sites $2 (joined by
# +; - for none) that originate lane $3 (default 0: tp_anycast4 and 6).
set_sites() {
	local s p=tp_anycast
	[[ $2 == - ]] && return 0
	[[ ${3:-0} != 0 ]] && p=tp_lane${3}_
	for s in ${2//+/ }; do
		tb birdc "$s" "$1" "${p}4" >/dev/null
		tb birdc "$s" "$1" "${p}6" >/dev/null
	done
}

# Read "CLIENT FAMILY WITHDRAWN SITE" observations on stdin; print, per
# client and family, "CLIENT FAMILY N ORDERS": the orders over $SITES
# (comma-joined, best first) under which every observation is the first
# site not withdrawn, and how many there are.
fixed_orders() {
	awk -v sites="$SITES" '
		function permute(k, i, t) {
			if (k > ns) { check(); return }
			for (i = k; i <= ns; i++) {
				t = p[k]; p[k] = p[i]; p[i] = t
				permute(k + 1)
				t = p[k]; p[k] = p[i]; p[i] = t
			}
		}
		function check(key, j, i, first, ord) {
			for (key in nobs) {
				for (j = 1; j <= nobs[key]; j++) {
					first = "-"
					for (i = 1; i <= ns; i++)
						if (index("+" gone[key, j] "+", "+" p[i] "+") == 0) { first = p[i]; break }
					if (first != seen[key, j]) break
				}
				if (j <= nobs[key]) continue
				ord = p[1]
				for (i = 2; i <= ns; i++) ord = ord "," p[i]
				count[key]++
				orders[key] = orders[key] " " ord
			}
		}
		{ key = $1 " " $2; j = ++nobs[key]; gone[key, j] = $3; seen[key, j] = $4 }
		END {
			ns = split(sites, p, " ")
			permute(1)
			for (key in nobs) printf("%s %d%s\n", key, count[key], orders[key])
		}' | sort
}

((EUID == 0)) || { echo "FAIL testbed-hiding: needs root"; exit 1; }

if out=$(tb up hiding 2>&1); then
	pass "testbed-hiding up ($(grep -o 'converged in .*' <<<"$out"))"
else
	fail "testbed-hiding up" "$out"
	exit 1
fi

: >"$WORK/observed"
while read -r gone want; do
	set_sites disable "$gone"
	if wait_row "$want"; then
		pass "testbed-hiding truth with ${gone/#-/no site} withdrawn: $want"
	else
		fail "testbed-hiding truth with ${gone/#-/no site} withdrawn" \
		    "want $want, IPv4 $(truth_row 4), IPv6 $(truth_row 6)"
	fi
	for fam in 4 6; do
		paste -d' ' <(tr ' ' '\n' <<<"$CLIENTS") <(truth_row "$fam" | tr ' ' '\n') |
		    awk -v f="$fam" -v g="$gone" '{ print $1, f, g, $2 }' >>"$WORK/observed"
	done
	set_sites enable "$gone"
	wait_row "$ALL_UP" ||
	    fail "testbed-hiding back to all sites after $gone" "IPv4 $(truth_row 4)"
done <<<"$TABLE"

# The phenomenon itself, spelt out: the single says ber comes before dub,
# the pair sends x1 to dub.
x1=$(awk '$1 == "x1" && $2 == 4 { s[$3] = $4 } END { print s["-"], s["ams"], s["ams+cph"] }' "$WORK/observed")
[[ $x1 == 'ams ber dub' ]] && pass "testbed-hiding x1: ams, then ber without ams, but dub (not ber) without ams and cph" ||
    fail "testbed-hiding x1 path hiding" "x1 at '$x1' with none, ams, ams+cph withdrawn; want ams ber dub"

# Lane 1 hides the same path: its own protocols withdrawn, lane 0 stays.
for gone in ams ams+cph; do
	want=$(awk -v g="$gone" '$1 == g { print $2, $3, $4, $5 }' <<<"$TABLE")
	set_sites disable "$gone" 1
	if wait_row "$want" 1 && [[ $(truth_row 4) == "$ALL_UP" ]]; then
		pass "testbed-hiding lane 1 with $gone withdrawn: $want, lane 0 unmoved"
	else
		fail "testbed-hiding lane 1 with $gone withdrawn" \
		    "want $want, lane 1 IPv4 $(truth_row 4 1), IPv6 $(truth_row 6 1); lane 0 IPv4 $(truth_row 4)"
	fi
	set_sites enable "$gone" 1
	wait_row "$ALL_UP" 1 ||
	    fail "testbed-hiding lane 1 back to all sites after $gone" "IPv4 $(truth_row 4 1)"
done

fixed_orders <"$WORK/observed" >"$WORK/orders"
for fam in 4 6; do
	for c in x1 x2; do
		got=$(awk -v c="$c" -v f="$fam" '$1 == c && $2 == f' "$WORK/orders")
		[[ $got == "$c $fam 0" ]] && pass "testbed-hiding no fixed order explains $c (IPv$fam)" ||
		    fail "testbed-hiding no fixed order explains $c (IPv$fam)" "orders found: $got"
	done
	for want in 'n1 cph,dub,ams,ber' 'm1 ber,ams,cph,dub'; do
		c=${want%% *}
		got=$(awk -v c="$c" -v f="$fam" '$1 == c && $2 == f' "$WORK/orders")
		[[ $got == "$c $fam 1 ${want#* }" ]] && pass "testbed-hiding $c follows the one order ${want#* } (IPv$fam)" ||
		    fail "testbed-hiding $c follows the one order ${want#* } (IPv$fam)" "orders found: $got"
	done
done

tb down >/dev/null 2>&1 && pass "testbed-hiding down" || fail "testbed-hiding down" "exit status $?"
left=$(ip netns list | awk -v p="$TB_PREFIX-" 'index($1, p) == 1 { print $1 }' | tr '\n' ' ')
[[ -z $left ]] && pass "testbed-hiding no namespace left" || fail "testbed-hiding no namespace left" "$left"

exit "$FAILED"
